"""Hostile file names on upload: each one is stored under a sanitised name inside the corpus folder, and nothing
is written anywhere else.

The corpus folder sits three levels down a scratch tree (`<tmp>/srv/lscb/corpus`), so a name that climbed out
("../../etc/passwd.pdf") or an absolute name pointing into the scratch tree would land where the before/after
snapshot of the whole tree sees it. The names go through the editor directly and through the admin API on a
real uvicorn server, in hand-made multipart bodies (so NUL bytes, newlines and RFC 2231 `filename*` reach the
server as sent). The uploads are then ingested, to show every one became an ordinary document.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tomllib
from pathlib import Path

import httpx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from api_server import serve
from assistant.admin.corpus_editor import MAX_STEM, CorpusEditor, parse_fields
from assistant.api.app import create_app
from assistant.api.services import Services
from conftest import make_settings
from corpus.ingest import ingest
from index.embedder import HashingEmbedder

TOKEN = "t" * 40
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SAFE_FILE = re.compile(rf"^[a-z0-9][a-z0-9-]{{0,{MAX_STEM + 8}}}\.(pdf|docx)$")
REPO = Path(__file__).resolve().parents[2]


def hostile_names(tmp_path: Path) -> dict[str, str]:
    """{case: file name as the browser (or an attacker) sends it}."""
    return {
        "unix-traversal": "../../etc/passwd.pdf",
        "deep-traversal": "../" * 40 + "etc/shadow.pdf",
        "windows-traversal": "..\\..\\x.pdf",
        "windows-absolute": "C:\\Windows\\System32\\drivers\\etc\\hosts.pdf",
        "unc-path": "\\\\server\\share\\minutes.pdf",
        "absolute-into-scratch": str(tmp_path / "outside" / "absolute.pdf"),
        "dot-dot-slash-doubled": "....//....//up.pdf",
        "url-encoded-traversal": "%2e%2e%2f%2e%2e%2fencoded.pdf",
        "nul-byte": "minutes\x00.pdf.exe",
        "newline-toml-injection": 'x.pdf"\n[[document]]\nid = "evil"\nfile = "../../etc/passwd"\n#',
        "very-long": "a" * 5000 + ".pdf",
        "long-under-header-limit": "b" * 3000 + ".pdf",
        "rtl-override": "report\u202efdp.exe",
        "rtl-only-arabic": "\u202e\u0645\u0644\u0641.pdf",
        "only-dots": "..",
        "empty": "",
        "hidden": ".hidden.pdf",
        "manifest-name": "corpus.toml",
        "windows-device": "CON.pdf",
        "tilde-home": "~/.ssh/authorized_keys.pdf",
        "existing-id": "annual-report.pdf",
        "zero-width-and-controls": "min\u200butes\x07\x1b[31m.pdf",
    }


def _pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFont("Helvetica", 10)
    words = (f"{text} is a protocol uploaded on the admin page. The partnership reviews each referral within one "
             "working day, records the decision and the reason for it, and tells the referrer what will happen "
             "next and who to contact if the concern continues after the decision has been made.").split()
    for k in range(0, len(words), 12):
        canvas.drawString(72, 760 - 14 * (k // 12), " ".join(words[k:k + 12]))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and link under `root` (not following links): relative path -> (size, mtime)."""
    seen = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            seen[os.path.relpath(path, root)] = (info.st_size, info.st_mtime_ns)
    return seen


def changed_outside(before: dict, after: dict, allowed: list[str]) -> list[str]:
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    return sorted(p for p in changed if not any(p == a or p.startswith(a + os.sep) for a in allowed))


def git_status() -> str | None:
    """The checkout's status (so a name resolved against the working directory would show), None outside git."""
    done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO, capture_output=True,
                          text=True)
    return done.stdout if done.returncode == 0 else None


@pytest.fixture
def scratch(tmp_path):
    corpus = tmp_path / "srv" / "lscb" / "corpus"
    (tmp_path / "outside").mkdir()
    settings = make_settings(tmp_path, corpus_dir=corpus, admin_token=TOKEN, parse_memory_mb=1024)
    (corpus / "annual-report.md").write_text("# Annual report\n\nAn existing document the uploads must not replace.\n")
    return settings


def show(stored: dict[str, str], names: dict, refused: dict | None = None) -> None:
    """The table for `-s`: each hostile name, as sent, and what it became."""
    for case in names:
        outcome = stored.get(case) or f"refused {refused[case][0]}" if refused and case in refused else stored.get(case)
        print(f"{case:28} {ascii(names[case])[:60]:62} -> {outcome}")


def check_stored(settings, file: str) -> Path:
    assert SAFE_FILE.match(file), file
    path = settings.corpus_dir / file
    assert path.is_file() and not path.is_symlink()
    assert path.resolve().parent == settings.corpus_dir.resolve()
    return path


def check_corpus(settings, stored: dict[str, str]) -> None:
    """The manifest parses and lists exactly the stored files, each inside the folder; no temporary left."""
    entries = tomllib.loads(settings.manifest_path.read_text(encoding="utf-8"))["document"]
    assert sorted(e["file"] for e in entries) == sorted(stored.values())
    assert all(e["id"] == Path(e["file"]).stem for e in entries)
    assert not any(e.get("id") == "evil" for e in entries)
    leftovers = [p.name for p in settings.corpus_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert (settings.corpus_dir / "annual-report.md").read_text().startswith("# Annual report")


def test_hostile_names_through_the_editor_are_stored_inside_the_corpus_folder(scratch, tmp_path):
    names = hostile_names(tmp_path)
    before, status = snapshot(tmp_path), git_status()
    editor = CorpusEditor(scratch)
    stored = {}
    for case, name in names.items():
        result = editor.add(io.BytesIO(_pdf(case)), name, parse_fields({"title": f"Upload {case}", "kind": "protocol"}))
        check_stored(scratch, result.file)
        stored[case] = result.file
    show(stored, names)
    assert len(set(stored.values())) == len(names)  # no upload replaced another
    assert stored["existing-id"] == "annual-report-2.pdf"
    assert stored["unix-traversal"] == "passwd.pdf" and stored["windows-traversal"] == "x.pdf"
    assert all(len(Path(stored[case]).stem) <= MAX_STEM for case in ("very-long", "long-under-header-limit"))
    check_corpus(scratch, stored)
    allowed = [os.path.relpath(scratch.corpus_dir, tmp_path), os.path.relpath(scratch.data_dir, tmp_path)]
    assert changed_outside(before, snapshot(tmp_path), allowed) == []
    assert git_status() == status


def _multipart(filename: bytes, content: bytes, title: str, star: bytes | None = None) -> tuple[bytes, str]:
    boundary = "lscb-hostile-boundary-7d1f"
    disposition = b'form-data; name="file"; filename="' + filename + b'"'
    if star is not None:
        disposition += b"; filename*=" + star
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nprotocol\r\n").encode()
    body += (f"--{boundary}\r\n".encode() + b"Content-Disposition: " + disposition
             + b"\r\nContent-Type: application/pdf\r\n\r\n" + content + f"\r\n--{boundary}--\r\n".encode())
    return body, f"multipart/form-data; boundary={boundary}"


def test_hostile_names_through_the_admin_api_are_stored_inside_the_corpus_folder(scratch, tmp_path):
    names = {case: name.replace('"', "%22").encode("utf-8") for case, name in hostile_names(tmp_path).items()}
    names["rfc2231-traversal"] = b"plain.pdf"  # filename*= below carries the traversal
    names["raw-latin1-bytes"] = b"r\xe9sum\xe9\xff.pdf"
    before, status = snapshot(tmp_path), git_status()
    services = Services(scratch, HashingEmbedder())
    stored: dict[str, str] = {}
    refused: dict[str, tuple[int, str]] = {}
    with serve(create_app(scratch, services)) as url, httpx.Client(base_url=url, timeout=60) as client:
        for case, name in names.items():
            star = b"UTF-8''..%2F..%2F..%2Fetc%2Fcron.d%2Fevil.pdf" if case == "rfc2231-traversal" else None
            body, content_type = _multipart(name, _pdf(case), f"Upload {case}", star)
            response = client.post("/admin/api/documents", content=body,
                                   headers={**AUTH, "content-type": content_type})
            assert response.status_code < 500, (case, response.text)
            if response.status_code == 201:
                stored[case] = response.json()["file"]
                check_stored(scratch, stored[case])
            else:
                refused[case] = (response.status_code, response.text)
    show(stored, names, refused)
    # python-multipart refuses a part header over 4 KB before the route sees it: a clean 400, nothing stored.
    assert {case: code for case, (code, _) in refused.items()} == {"very-long": 400}
    assert len(set(stored.values())) == len(names) - len(refused)
    check_corpus(scratch, stored)
    allowed = [os.path.relpath(scratch.corpus_dir, tmp_path), os.path.relpath(scratch.data_dir, tmp_path)]
    assert changed_outside(before, snapshot(tmp_path), allowed) == []
    assert git_status() == status

    # Every upload is an ordinary document now: the next ingest indexes each one under its sanitised id.
    report = ingest(scratch, HashingEmbedder())
    indexed = {Path(f.path).name for f in report.files if f.status == "indexed"}
    assert set(stored.values()) <= indexed, [(f.path, f.reason) for f in report.files if f.status != "indexed"]


def test_a_zip_bomb_upload_is_stored_without_being_inflated(scratch, tmp_path):
    """The upload check reads only the zip's directory: a 1.5 GiB document.xml costs its 4 MB, and the ingest's
    worker (under its memory cap) is what reports it."""
    from generate import docx_zip_bomb

    body, content_type = _multipart(b"../../bomb.docx", docx_zip_bomb(), "Bomb")
    services = Services(scratch, HashingEmbedder())
    with serve(create_app(scratch, services)) as url, httpx.Client(base_url=url, timeout=60) as client:
        response = client.post("/admin/api/documents", content=body, headers={**AUTH, "content-type": content_type})
    assert response.status_code == 201 and response.json()["file"] == "bomb.docx"
    report = ingest(scratch, HashingEmbedder())
    bomb = next(f for f in report.files if f.path == "bomb.docx")
    assert bomb.status == "skipped" and "memory" in bomb.reason
