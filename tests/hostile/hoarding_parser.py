"""A parse function for the worker tests (run in the worker's child, so it must be importable by name).

`parse_or_hoard` parses normally, except for a file named hoard-bomb.txt: it fills a module-level cache until the
address-space cap stops it, the way a parser library's caches (fonts, decoded streams, or pypdf's reader and
pages, which reference each other and wait for the cycle collector) can stay full after a hostile file fails.
The memory is still held when the next file arrives in the same child.
"""

from __future__ import annotations

from pathlib import Path

from corpus.worker import parse_document

BOMB = "hoard-bomb.txt"
_CACHE: list[bytearray] = []


def parse_or_hoard(path: Path, meta, params, counter):
    if path.name == BOMB:
        while True:
            _CACHE.append(bytearray(1 << 20))
    return parse_document(path, meta, params, counter)
