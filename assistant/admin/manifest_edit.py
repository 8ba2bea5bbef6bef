"""Edit corpus.toml as text, so every other entry keeps its comments, its extra keys and its layout.

`add_entry` appends one `[[document]]` table; `remove_entry` cuts out the table describing one file. Both
re-parse the result and check that exactly the intended change happened (nothing else moved), else raise
`ManifestEditError` and leave the caller's text unused. `write_atomically` replaces a file via a temporary
file and `os.replace`, so a reader sees the old manifest or the new one, never half of either.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path

from assistant.admin.errors import ManifestEditError

_DOCUMENT_HEADER = re.compile(r"^\s*\[\[\s*document\s*\]\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")
_FILLER = re.compile(r"^\s*(#.*)?$")  # blank or comment-only line
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def toml_value(value: object) -> str:
    """A TOML literal for a string, date, bool, number or list of strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return f'"{value.isoformat()}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + _CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", escaped) + '"'
    raise TypeError(f"cannot write {type(value).__name__} to the manifest: use str, date, bool, number or list")


def _documents(text: str) -> list[dict]:
    try:
        return list(tomllib.loads(text).get("document", []))
    except tomllib.TOMLDecodeError as exc:
        raise ManifestEditError(f"corpus.toml is not valid TOML ({exc}): fix it by hand, then try again") from exc


def add_entry(text: str, entry: Mapping[str, object], comment: str | None = None) -> str:
    """`text` with one more `[[document]]` table at the end, holding `entry` (keys in the order given)."""
    before = _documents(text)
    if any(d.get("file") == entry.get("file") for d in before):
        raise ManifestEditError(f"corpus.toml already describes {entry.get('file')!r}: remove that entry first")
    lines = [f"# {comment}"] if comment else []
    lines.append("[[document]]")
    lines += [f"{key} = {toml_value(value)}" for key, value in entry.items() if value not in (None, "", [])]
    head = text.rstrip("\n") + "\n\n" if text.strip() else ""
    result = head + "\n".join(lines) + "\n"
    after = _documents(result)
    if after[:-1] != before or after[-1].get("file") != entry.get("file"):
        raise ManifestEditError("corpus.toml could not be extended safely (its last table is not a [[document]]): "
                                "edit it by hand")
    return result


def remove_entry(text: str, file: str) -> str:
    """`text` without the `[[document]]` table whose `file` is `file`.

    Comment lines directly above a table header belong to that table; other comments stay where they are.
    """
    before = _documents(text)
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _DOCUMENT_HEADER.match(line)]
    for start in starts:
        end = next((j for j in range(start + 1, len(lines)) if _ANY_HEADER.match(lines[j])), len(lines))
        while end > start + 1 and _FILLER.match(lines[end - 1]):  # trailing comments belong to what follows
            end -= 1
        try:
            table = tomllib.loads("".join(lines[start + 1:end]))
        except tomllib.TOMLDecodeError:
            continue
        if table.get("file") != file:
            continue
        while start > 0 and lines[start - 1].lstrip().startswith("#"):  # its own comment, right above it
            start -= 1
        rest = lines[:start] + lines[end:]
        while start < len(rest) and start > 0 and not rest[start].strip() and not rest[start - 1].strip():
            del rest[start]  # no double blank line where the table was
        result = "".join(rest)
        result = result.rstrip("\n") + "\n" if result.strip() else ""
        expected = [d for d in before if d.get("file") != file]
        if _documents(result) != expected:
            break
        return result
    if not any(d.get("file") == file for d in before):
        raise ManifestEditError(f"corpus.toml has no entry for {file!r}")
    raise ManifestEditError(f"the corpus.toml entry for {file!r} could not be removed safely: edit it by hand")


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: write a hidden temporary file beside it, fsync, then `os.replace`."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
