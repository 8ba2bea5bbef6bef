"""Shared fixtures: settings on a scratch data folder, the real model once per session, the default corpus index."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

from assistant.config import PROJECT_ROOT, Settings  # noqa: E402
from index.embedder import HashingEmbedder, MiniLMEmbedder  # noqa: E402

DEFAULT_CORPUS = PROJECT_ROOT / "corpus" / "documents"
FIXTURES = Path(__file__).with_name("fixtures")


def make_settings(tmp_path: Path, corpus_dir: Path | None = None, **overrides) -> Settings:
    corpus = corpus_dir or tmp_path / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    return Settings(_env_file=None, corpus_dir=corpus, data_dir=tmp_path / "data", embedder="hashing",
                    **{"parse_timeout_s": 60, **overrides})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A fresh, empty corpus folder and data folder, with the hashing embedder."""
    return make_settings(tmp_path)


@pytest.fixture
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    """The real all-MiniLM-L6-v2, loaded once per test session."""
    embedder = MiniLMEmbedder(threads=2)
    embedder.warm_up()
    return embedder


@pytest.fixture(scope="session")
def default_index_settings(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Settings:
    """The default corpus ingested once per session with the real model."""
    from corpus.ingest import ingest

    root = tmp_path_factory.mktemp("default-index")
    corpus = root / "corpus"
    shutil.copytree(DEFAULT_CORPUS, corpus)
    settings = Settings(_env_file=None, corpus_dir=corpus, data_dir=root / "data", embedder="minilm")
    report = ingest(settings, minilm)
    assert report.usable, [f for f in report.files if f.status == "skipped"]
    return settings
