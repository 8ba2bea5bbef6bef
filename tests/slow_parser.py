"""Parse functions for the worker tests, run in the worker's child process (they must be importable)."""

from __future__ import annotations

import time
from pathlib import Path

from corpus.worker import parse_document


def parse_or_hang(path: Path, meta, params, counter):
    """Hangs on hang.txt, allocates without end on bomb.txt, parses anything else normally."""
    if path.name == "hang.txt":
        time.sleep(3600)
    if path.name == "bomb.txt":
        hoard = []
        while True:
            hoard.append(bytearray(64 * 1024 * 1024))
    return parse_document(path, meta, params, counter)
