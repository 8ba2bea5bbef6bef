"""Turn a document's blocks into retrievable passages and structured tables.

Passages follow the document's structure: a heading starts a new passage and is carried in `section`;
small paragraphs and lists of one section are merged up to about `target_words`; an introducing line
("... should:") stays with its list; an over-long paragraph is split at sentence boundaries with one
sentence of overlap. Every passage is an exact slice of the document text, and what the index embeds
(`Passage.index_text()`: section path, context, text) never exceeds `max_tokens` word-piece tokens.

Token sums are additive because pieces are always cut at whitespace, which the word-piece tokenizer also
splits on; every finished passage is still counted once more with the real tokenizer.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from assistant.types import FORM_FEED, Block, BlockKind, DocumentMeta, Passage, PassageKind, Table
from corpus.sentences import item_spans, sentence_spans
from corpus.structure import split_table
from corpus.tokens import TokenCounter

_CLOSED = re.compile(r"[.!?:;…][\"'”’)\]*]*$")
_KIND = {BlockKind.PROSE: PassageKind.PROSE, BlockKind.LIST: PassageKind.LIST, BlockKind.TABLE: PassageKind.TABLE}


@dataclass
class _Unit:
    """A span to place in a passage: one or more whole blocks, or a piece of a split block."""

    start: int
    end: int
    tokens: int  # word-piece tokens without [CLS]/[SEP]
    words: dict[PassageKind, int]
    paragraph: str | None
    whole: bool = True  # False for a piece of a split block: never merged with neighbours


class _Chunker:
    def __init__(self, meta: DocumentMeta, text: str, counter: TokenCounter, max_tokens: int,
                 target_words: int, min_words: int) -> None:
        self.meta, self.text, self.counter = meta, text, counter
        self.max_tokens, self.target_words, self.min_words = max_tokens, target_words, min_words
        self.feeds: list[int] | None = None
        self.passages: list[Passage] = []
        self.tables: list[Table] = []

    # -- counting -------------------------------------------------------------------------------
    def _tokens(self, spans: list[tuple[int, int]]) -> list[int]:
        return [n - 2 for n in self.counter.count_many([self.text[s:e] for s, e in spans])]

    def fit_section(self, section: list[str]) -> tuple[list[str], int]:
        """The section path (shortened only if it would take over half the cap) and its token count."""
        section = list(section)
        while True:
            path = " › ".join(section)
            tokens = self.counter.count(path) - 2 if path else 0
            if tokens <= self.max_tokens // 2:
                return section, tokens
            if len(section) > 1:
                section = section[1:]
            else:
                words = section[0].split()
                section = [" ".join(words[: max(1, len(words) * 2 // 3)])]

    def _page(self, block: Block, offset: int) -> int | None:
        if block.page is None:
            return None
        if self.feeds is None:
            self.feeds = [m.start() for m in re.finditer(FORM_FEED, self.text)]
        return 1 + bisect.bisect_right(self.feeds, offset)

    # -- splitting ------------------------------------------------------------------------------
    def _fitting(self, spans: list[tuple[int, int]], budget: int) -> tuple[list[tuple[int, int]], list[int]]:
        """Spans with any span over `budget` cut into word windows that fit."""
        out_spans: list[tuple[int, int]] = []
        out_tokens: list[int] = []
        for span, tokens in zip(spans, self._tokens(spans)):
            if tokens <= budget:
                out_spans.append(span)
                out_tokens.append(tokens)
                continue
            for piece, count in self._cut(span, budget):
                out_spans.append(piece)
                out_tokens.append(count)
        return out_spans, out_tokens

    def _cut(self, span: tuple[int, int], budget: int) -> list[tuple[tuple[int, int], int]]:
        """Cut a span into pieces of at most `budget` tokens, at spaces where a piece allows it."""
        start, end = span
        offsets = self.counter.token_spans(self.text[start:end])
        pieces: list[tuple[tuple[int, int], int]] = []
        first = 0
        while first < len(offsets):
            cut = min(len(offsets), first + budget)
            if cut < len(offsets):
                back = cut
                while back > first + 1 and not self.text[start + offsets[back - 1][1]].isspace():
                    back -= 1
                cut = back if self.text[start + offsets[back - 1][1]].isspace() else cut
            pieces.append(((start + offsets[first][0], start + offsets[cut - 1][1]), cut - first))
            first = cut
        return pieces

    def _windows(self, spans: list[tuple[int, int]], budget: int, overlap: bool) -> list[tuple[int, int, int]]:
        """Consecutive spans grouped up to the word target and token budget: (start, end, tokens)."""
        spans, tokens = self._fitting(spans, budget)
        words = [len(self.text[s:e].split()) for s, e in spans]
        ranges: list[tuple[int, int]] = []
        i = 0
        while spans:
            j, total, count = i, tokens[i], words[i]
            while j + 1 < len(spans) and total + tokens[j + 1] <= budget and count + words[j + 1] <= self.target_words:
                j += 1
                total, count = total + tokens[j], count + words[j]
            ranges.append((i, j))
            if j == len(spans) - 1:
                break
            i = j if overlap and j > i else j + 1
        if len(ranges) > 1 and sum(words[ranges[-1][0]:ranges[-1][1] + 1]) < self.min_words:
            first, last = ranges[-2][0], ranges[-1][1]
            if sum(tokens[first:last + 1]) <= budget:
                ranges[-2:] = [(first, last)]
        return [(spans[a][0], spans[b][1], sum(tokens[a:b + 1])) for a, b in ranges]

    def _split_block(self, block: Block, budget: int, lead: Block | None = None) -> list[_Unit]:
        """Pieces of an over-long block: lists by items, prose by sentences with one sentence of overlap.

        `lead` is a short introducing paragraph ("... should:") that goes in front of a list's first piece.
        """
        if block.kind is BlockKind.LIST:
            items = item_spans(self.text, block.start, block.end)
            spans = [(lead.start, lead.end)] + items if lead else items
            pieces = self._windows(spans, budget, overlap=False)
        else:
            pieces = self._windows(sentence_spans(self.text, block.start, block.end), budget, overlap=True)
        kind, paragraph = _KIND[block.kind], (lead.paragraph if lead else None) or block.paragraph
        return [_Unit(s, e, t, {kind: len(self.text[s:e].split())}, paragraph, whole=False) for s, e, t in pieces]

    # -- passages -------------------------------------------------------------------------------
    def _emit(self, block: Block, section: list[str], start: int, end: int, kind: PassageKind,
              paragraph: str | None, context: str = "", table_id: str | None = None) -> None:
        self.passages.append(Passage(
            id="", document_id=self.meta.id, title=self.meta.title, section=section, page=self._page(block, start),
            paragraph=paragraph, start=start, end=end, kind=kind, text=self.text[start:end], context=context,
            table_id=table_id))

    def _flush(self, group: list[tuple[Block, _Unit]], section: list[str]) -> None:
        if not group:
            return
        words: dict[PassageKind, int] = {}
        for _, unit in group:
            for kind, n in unit.words.items():
                words[kind] = words.get(kind, 0) + n
        listed = words.get(PassageKind.LIST, 0) > words.get(PassageKind.PROSE, 0)
        kind = PassageKind.LIST if listed else PassageKind.PROSE
        paragraph = next((u.paragraph for _, u in group if u.paragraph), None)
        self._emit(group[0][0], section, group[0][1].start, group[-1][1].end, kind, paragraph)

    def prose_run(self, blocks: list[Block], section: list[str], budget: int) -> None:
        """Merge and split the prose and list blocks of one section run into passages."""
        tokens = self._tokens([(b.start, b.end) for b in blocks])
        units: list[tuple[Block, _Unit]] = []
        i = 0
        while i < len(blocks):
            block, total, j = blocks[i], tokens[i], i
            introduces = block.kind is BlockKind.PROSE and block.text.rstrip().endswith(":")
            if introduces:
                while j + 1 < len(blocks) and blocks[j + 1].kind is BlockKind.LIST and total + tokens[j + 1] <= budget:
                    j += 1
                    total += tokens[j]
            if total > budget:
                units += [(block, u) for u in self._split_block(block, budget)]
            elif j == i and introduces and i + 1 < len(blocks) and blocks[i + 1].kind is BlockKind.LIST \
                    and total <= budget // 2:
                units += [(block, u) for u in self._split_block(blocks[i + 1], budget, lead=block)]
                j = i + 1
            else:
                words: dict[PassageKind, int] = {}
                for b in blocks[i:j + 1]:
                    words[_KIND[b.kind]] = words.get(_KIND[b.kind], 0) + len(b.text.split())
                paragraph = next((b.paragraph for b in blocks[i:j + 1] if b.paragraph), None)
                units.append((block, _Unit(block.start, blocks[j].end, total, words, paragraph)))
            i = j + 1
        groups: list[list[tuple[Block, _Unit]]] = []
        for block, unit in units:
            current = groups[-1] if groups else []
            cur_tokens = sum(u.tokens for _, u in current)
            cur_words = sum(sum(u.words.values()) for _, u in current)
            fits = bool(current) and current[-1][1].whole and unit.whole and cur_tokens + unit.tokens <= budget
            end = current[-1][1].end if current else 0
            unfinished = bool(current) and not _CLOSED.search(self.text, max(0, end - 3), end)
            if fits and (unfinished or cur_words < self.min_words
                         or cur_words + sum(unit.words.values()) <= self.target_words):
                current.append((block, unit))
            else:
                groups.append([(block, unit)])
        if len(groups) > 1 and all(u.whole for _, u in groups[-2] + groups[-1]):
            if sum(sum(u.words.values()) for _, u in groups[-1]) < self.min_words and \
                    sum(u.tokens for _, u in groups[-2] + groups[-1]) <= budget:
                groups[-2:] = [groups[-2] + groups[-1]]
        for group in groups:
            self._flush(group, section)

    def table(self, block: Block, section: list[str], budget: int) -> None:
        """A Table record and passages of whole rows, the title and header repeated in `context`."""
        title, header, body = split_table(block.text)
        table_id = f"{self.meta.id}:t{block.table_index}"
        self.tables.append(Table(id=table_id, document_id=self.meta.id, title=title, section=block.section,
                                 page=block.page, header_rows=header, rows=body, start=block.start, end=block.end))
        lines = [(block.start + m.start(), block.start + m.end() - (len(m.group()) - len(m.group().rstrip())))
                 for m in re.finditer(r"[^\n]+", block.text) if m.group().strip()]
        n_prefix = (1 if title else 0) + len(header)
        prefix, rows = lines[:n_prefix], lines[n_prefix:]
        context = "\n".join(self.text[s:e] for s, e in prefix)
        prefix_tokens = self.counter.count(context) - 2 if context else 0
        row_tokens = self._tokens(rows)

        def emit(s: int, e: int, ctx: str) -> None:
            self._emit(block, section, s, e, PassageKind.TABLE, block.paragraph, ctx, table_id)

        def emit_fitting(s: int, e: int) -> None:
            for ps, pe, _ in self._windows(sentence_spans(self.text, s, e), budget, overlap=True):
                emit(ps, pe, "")

        if not rows or prefix_tokens > budget // 2:
            return emit_fitting(block.start, block.end)
        i, first = 0, True
        while i < len(rows):
            j, total = i, row_tokens[i]
            if total + prefix_tokens > budget:
                if first and prefix:
                    emit(block.start, prefix[-1][1], "")
                elif total <= budget:
                    emit(rows[i][0], rows[i][1], "")
                else:
                    emit_fitting(rows[i][0], rows[i][1])
                i += 0 if first and prefix else 1
                first = False
                continue
            while j + 1 < len(rows) and total + row_tokens[j + 1] + prefix_tokens <= budget:
                j += 1
                total += row_tokens[j]
            emit(block.start if first else rows[i][0], rows[j][1], "" if first else context)
            i, first = j + 1, False


def chunk_document(meta: DocumentMeta, text: str, blocks: list[Block], counter: TokenCounter, max_tokens: int = 256,
                   target_words: int = 160, min_words: int = 40) -> tuple[list[Passage], list[Table]]:
    """Passages and tables of one document, from its text and its `parse_blocks` blocks.

    Every passage's `index_text()` is at most `max_tokens` tokens by `counter`; ids are stable across
    re-ingests (`<document id>:<sha1 of section path and text>`, suffixed only on a collision).
    """
    if max_tokens < 32:
        raise ValueError(f"max_tokens must be at least 32, got {max_tokens}")
    if target_words < 1 or min_words < 1:
        raise ValueError(f"target_words and min_words must be positive, got {target_words} and {min_words}")
    chunker = _Chunker(meta, text, counter, max_tokens, target_words, min_words)
    for run in _section_runs([b for b in blocks if not b.navigation]):
        section, path_tokens = chunker.fit_section(run[0].section)
        budget = max_tokens - 2 - path_tokens
        for is_table, members in groupby(run, key=lambda b: b.kind is BlockKind.TABLE):
            if is_table:
                for member in members:
                    chunker.table(member, section, budget)
            else:
                chunker.prose_run(list(members), section, budget)
    passages = _verified(chunker, chunker.passages)
    return _with_ids(meta, passages), chunker.tables


def _section_runs(blocks: list[Block]) -> Iterator[list[Block]]:
    """Consecutive non-heading blocks under one heading path."""
    run: list[Block] = []
    for block in blocks:
        if run and (block.kind is BlockKind.HEADING or block.section != run[0].section):
            yield run
            run = []
        if block.kind is not BlockKind.HEADING:
            run.append(block)
    if run:
        yield run


def _verified(chunker: _Chunker, passages: list[Passage]) -> list[Passage]:
    """Re-count every passage with the real tokenizer; cut any that exceed the cap (not expected)."""
    counts = chunker.counter.count_many([p.index_text() for p in passages])
    return [piece for passage, count in zip(passages, counts)
            for piece in ([passage] if count <= chunker.max_tokens else _refit(chunker, passage, margin=8))]


def _refit(chunker: _Chunker, passage: Passage, margin: int) -> list[Passage]:
    """Cut a passage into pieces that fit, with a safety margin that doubles until they do."""
    if chunker.counter.count(passage.index_text()) <= chunker.max_tokens:
        return [passage]
    overhead = chunker.counter.count("\n".join(x for x in (passage.section_path, passage.context) if x))
    budget = chunker.max_tokens - overhead - margin
    if budget < 4:
        raise ValueError(f"passage {passage.start}-{passage.end} cannot fit {chunker.max_tokens} tokens")
    pieces = [passage.model_copy(update={"start": s, "end": e, "text": chunker.text[s:e]})
              for s, e, _ in chunker._windows([(passage.start, passage.end)], budget, overlap=False)]
    return [fitted for piece in pieces for fitted in _refit(chunker, piece, margin * 2)]


def _with_ids(meta: DocumentMeta, passages: list[Passage]) -> list[Passage]:
    seen: dict[str, int] = {}
    for passage in passages:
        key = f"{passage.section_path}\n{passage.text}".encode()
        base = f"{meta.id}:{hashlib.sha1(key).hexdigest()[:12]}"
        seen[base] = seen.get(base, 0) + 1
        passage.id = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return passages
