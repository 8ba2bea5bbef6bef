"""The admin page end to end through a real uvicorn server: upload a PDF, refresh, see it answer, roll back.

A tiny Markdown corpus is indexed with the hashing embedder; the PDF is drawn with reportlab in the test.
"""

from __future__ import annotations

import datetime as dt
import io
import socket
import threading
import time
import tomllib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from api_server import serve
from assistant.admin.console import AdminConsole
from assistant.admin.manifest_edit import add_entry, remove_entry
from assistant.api.app import create_app
from assistant.api.routes import admin
from assistant.api.services import Services
from conftest import DEFAULT_CORPUS, make_settings
from corpus.ingest import ingest
from index.embedder import HashingEmbedder
from index.store import IndexStore
from pdf_factory import make_docx
from samples import MANIFEST, NEW_EDITION, OLD_EDITION, REPORT

TOKEN = "x" * 32
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NEW_ID = "kite-festival-protocol-2024"
KITE_SENTENCE = ("Every volunteer marshal at a Westshire kite festival must wear a blue lanyard issued by the "
                 "safeguarding lead.")
KITE_QUESTION = "What must a volunteer marshal at a kite festival wear?"
GOLD = f"""
- id: adm-01
  question: "{KITE_QUESTION}"
  category: board
  relevant:
    - {{document: {NEW_ID}, quote: "must wear a blue lanyard"}}
- id: adm-02
  question: "What is private fostering?"
  category: private-fostering
  relevant:
    - {{document: annual-report, quote: "Private fostering is the care of a child under 16"}}
"""


def make_kite_pdf(path: Path) -> Path:
    """A one-page PDF whose only subject is the kite festival protocol."""
    canvas = Canvas(str(path), pagesize=A4)
    y = 760.0
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(72, y, "Kite festival safeguarding protocol")
    canvas.setFont("Helvetica", 10)
    lines = ["This protocol applies to the annual Westshire kite festival on the common.",
             "Every volunteer marshal at a Westshire kite festival must wear a blue lanyard issued by the",
             "safeguarding lead. Marshals without a lanyard may not supervise the children's kite workshop.",
             "The safeguarding lead keeps a register of lanyards and checks it at the start of each day."]
    y -= 30
    for line in lines:
        canvas.drawString(72, y, line)
        y -= 14
    canvas.showPage()
    canvas.save()
    return path


def build_corpus(tmp_path: Path, **overrides):
    settings = make_settings(tmp_path, admin_token=TOKEN, abstain_min_strength=0.3, ask_rate_per_minute=1000,
                             **overrides)
    for name, text in {"corpus.toml": MANIFEST, "thresholds-2015.md": OLD_EDITION,
                       "thresholds-2018.md": NEW_EDITION, "annual-report.md": REPORT}.items():
        (settings.corpus_dir / name).write_text(text, encoding="utf-8")
    assert ingest(settings, HashingEmbedder()).usable
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "admin.yaml").write_text(GOLD, encoding="utf-8")
    return settings, gold


@contextmanager
def admin_server(settings, gold_dir: Path | None = None, **console) -> Iterator[tuple[httpx.Client, Services]]:
    services = Services(settings, HashingEmbedder(), check_every_s=0.2)
    app = create_app(settings, services)
    if not any(getattr(route, "path", "") == "/admin/api/refresh" for route in app.routes):
        app.include_router(admin.router)  # until create_app includes it
    app.state.admin = AdminConsole(services, gold_dir=gold_dir, **console)
    with serve(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client, services
    app.state.admin.refresh.join(30)


@pytest.fixture
def env(tmp_path):
    return build_corpus(tmp_path)


def wait_for_refresh(client: httpx.Client, timeout_s: float = 120) -> tuple[dict, list[str]]:
    """Poll GET /admin/api/refresh until the refresh is no longer busy; return it and the messages seen."""
    deadline = time.monotonic() + timeout_s
    seen: list[str] = []
    while time.monotonic() < deadline:
        status = client.get("/admin/api/refresh", headers=AUTH).json()
        if status["progress"] and (not seen or seen[-1] != status["progress"]["message"]):
            seen.append(status["progress"]["message"])
        if status["state"] not in ("building", "evaluating"):
            return status, seen
        time.sleep(0.1)
    raise AssertionError(f"the refresh did not finish in {timeout_s} s: {seen}")


def wait_for_version(client: httpx.Client, version: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if client.get("/ready").json().get("index_version") == version:
            return
        time.sleep(0.1)
    raise AssertionError(f"the service never served {version}")


def upload(client: httpx.Client, path: Path | None = None, name: str | None = None, content: bytes | None = None,
           **fields: str) -> httpx.Response:
    data = content if content is not None else path.read_bytes()
    form = {"title": "A document", "kind": "protocol", **fields}
    return client.post("/admin/api/documents", headers=AUTH, data=form,
                       files={"file": (name or path.name, data, "application/octet-stream")})


def cited(client: httpx.Client, question: str) -> set[str]:
    answer = client.post("/api/ask", json={"question": question}).json()
    return {c["document_id"] for c in answer["citations"]}


def test_upload_refresh_publish_answer_and_roll_back(env, tmp_path):
    settings, gold = env
    pdf = make_kite_pdf(tmp_path / "Kite Festival Protocol 2024.pdf")
    with admin_server(settings, gold) as (client, _):
        serving = client.get("/ready").json()["index_version"]
        stored = upload(client, pdf, title="Kite festival safeguarding protocol", kind="protocol",
                        published="2024-03-01", supersedes="", area="Westshire")
        assert stored.status_code == 201, stored.text
        assert stored.json()["id"] == NEW_ID and stored.json()["file"] == f"{NEW_ID}.pdf"
        entries = tomllib.loads(settings.manifest_path.read_text())["document"]
        assert [e["id"] for e in entries] == ["thresholds-2015", "thresholds-2018", "annual-report", NEW_ID]
        assert entries[-1]["published"] == "2024-03-01" and entries[1]["supersedes"] == ["thresholds-2015"]
        listed = {d["id"]: d for d in client.get("/admin/api/documents", headers=AUTH).json()}
        assert listed[NEW_ID]["status"] == "new" and listed["annual-report"]["status"] == "indexed"

        started = client.post("/admin/api/refresh", headers=AUTH)
        assert started.status_code == 202 and started.json()["state"] == "building"
        status, messages = wait_for_refresh(client)
        assert status["state"] == "ready", status
        assert any(m.startswith(("parsing", "embedding", "writing")) for m in messages), messages
        changes = status["changes"]
        assert [d["id"] for d in changes["added"]] == [NEW_ID]
        assert changes["removed"] == [] and changes["changed"] == [] and changes["unchanged"] == 3
        assert changes["passages"]["after"] > changes["passages"]["before"] and changes["passages"]["delta"] > 0
        assert status["based_on"] == serving and status["candidate_version"] != serving
        assert [q["id"] for q in status["evaluation"]["better"]] == ["adm-01"], status["evaluation"]
        assert status["evaluation"]["worse"] == []
        assert NEW_ID not in cited(client, KITE_QUESTION)  # built, not yet served

        published = client.post("/admin/api/refresh/publish", headers=AUTH)
        assert published.status_code == 200 and published.json()["state"] == "published"
        wait_for_version(client, status["candidate_version"])
        answer = client.post("/api/ask", json={"question": KITE_QUESTION}).json()
        assert not answer["abstained"] and "blue lanyard" in answer["answer"]
        assert NEW_ID in {c["document_id"] for c in answer["citations"]}

        rolled = client.post("/admin/api/rollback", headers=AUTH)
        assert rolled.status_code == 200 and rolled.json() == {"serving_version": serving}
        wait_for_version(client, serving)
        assert NEW_ID not in cited(client, KITE_QUESTION)
        overview = client.get("/admin/api/overview", headers=AUTH).json()
        assert overview["serving_version"] == serving
        assert {v["version"] for v in overview["versions"]} == {serving, status["candidate_version"]}


def test_token_is_required_and_nothing_is_cached(env):
    settings, _ = env
    with admin_server(settings) as (client, _):
        assert client.get("/admin/api/overview").status_code == 401
        wrong = client.get("/admin/api/overview", headers={"Authorization": "Bearer " + "y" * 32})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        assert "no-store" in wrong.headers["cache-control"]
        assert client.get("/admin/api/overview", headers={"Authorization": TOKEN}).status_code == 401
        assert client.post("/admin/api/refresh").status_code == 401
        assert client.delete("/admin/api/documents/annual-report").status_code == 401
        assert (settings.corpus_dir / "annual-report.md").exists()
        ok = client.get("/admin/api/overview", headers=AUTH)
        assert ok.status_code == 200 and "no-store" in ok.headers["cache-control"]
        assert ok.json()["kinds"][0] == "annual-report" and ok.json()["documents"] == 3
        page = client.get("/admin")
        assert page.status_code == 200 and "Admin token" in page.text and "no-store" in page.headers["cache-control"]
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert client.get("/admin/static/admin.js").status_code == 200
        assert client.get("/admin/static/..%2F..%2Fpyproject.toml").status_code == 404


def test_admin_is_off_without_a_token(tmp_path):
    settings = make_settings(tmp_path)
    assert settings.admin_token is None
    with admin_server(settings) as (client, _):
        assert client.get("/admin").status_code == 404
        assert client.get("/admin/api/overview", headers=AUTH).status_code == 404
        assert client.post("/admin/api/refresh", headers=AUTH).status_code == 404


def _raw_post(url: str, path: str, headers: dict[str, str], chunks: list[bytes], chunked: bool) -> int:
    """POST over a plain socket (so the test decides what is sent), returning the status code."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as sock:
        head = f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall((head + "\r\n").encode())
        for chunk in chunks:
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk)
        response = b""
        while b"\r\n" not in response:
            data = sock.recv(4096)
            if not data:
                break
            response += data
    return int(response.split(b" ", 2)[1])


def test_oversized_uploads_get_413_before_the_body_is_read(tmp_path):
    settings, _ = build_corpus(tmp_path, max_upload_mb=0.05)
    limit = int(0.05 * 1024 * 1024)
    before = sorted(p.name for p in settings.corpus_dir.iterdir())
    boundary = "lscbboundary"
    prefix = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
              "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n").encode()
    with admin_server(settings) as (client, _):
        url = str(client.base_url)
        headers = {**AUTH, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        # Declared too large: refused at once, though not one byte of the body is sent.
        assert _raw_post(url, "/admin/api/documents", {**headers, "Content-Length": str(50 * 1024 * 1024)},
                         [], chunked=False) == 413
        # Chunked (no length): refused as soon as the bytes received pass the cap.
        chunks = [prefix] + [b"0" * 8192] * (limit // 8192 + 2)
        assert _raw_post(url, "/admin/api/documents", {**headers, "Transfer-Encoding": "chunked"},
                         chunks, chunked=True) == 413
        # An ordinary client sending a whole oversized body with its Content-Length.
        big = upload(client, name="big.pdf", content=b"%PDF-1.4\n" + b"0" * (limit + 10_000))
        assert big.status_code == 413
        assert "bytes" in big.json()["detail"]
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == before


def test_files_are_checked_by_their_bytes(env, tmp_path):
    settings, _ = env
    manifest_before = settings.manifest_path.read_bytes()
    files_before = sorted(p.name for p in settings.corpus_dir.iterdir())
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("notes.txt", "not a word document")
    with admin_server(settings) as (client, _):
        refused = upload(client, name="scan.pdf", content=png)
        assert refused.status_code == 415 and "PNG image" in refused.json()["detail"]
        assert upload(client, name="report.pdf", content=b"<html><body>Not found</body></html>").status_code == 415
        assert upload(client, name="letter.docx", content=archive.getvalue()).status_code == 415
        assert upload(client, name="empty.pdf", content=b"").status_code == 422
        bad_kind = upload(client, name="x.pdf", content=b"%PDF-1.4\n", kind="leaflet")
        assert bad_kind.status_code == 422 and "thresholds-guidance" in bad_kind.json()["detail"]
        assert upload(client, name="x.pdf", content=b"%PDF-1.4\n", published="31/12/2024").status_code == 422
        assert upload(client, name="x.pdf", content=b"%PDF-1.4\n", supersedes="../etc").status_code == 422
        assert upload(client, name="x.pdf", content=b"%PDF-1.4\n", title="  ").status_code == 422
        no_file = client.post("/admin/api/documents", headers=AUTH, data={"title": "T"},
                              files={"other": ("a.txt", b"x")})
        assert no_file.status_code == 422
        assert settings.manifest_path.read_bytes() == manifest_before
        assert sorted(p.name for p in settings.corpus_dir.iterdir()) == files_before
        word = upload(client, make_docx(tmp_path / "Levels of need.docx"), title="Levels of need",
                      kind="thresholds-guidance", supersedes="thresholds-2018, unknown-doc")
        assert word.status_code == 201 and word.json()["file"] == "levels-of-need.docx"
        assert word.json()["file_type"] == "docx" and "unknown-doc" in word.json()["warnings"][0]
        as_word = upload(client, make_kite_pdf(tmp_path / "k.pdf"), name="really-a-pdf.docx")
        assert as_word.status_code == 201 and as_word.json()["file"] == "really-a-pdf.pdf"


def test_upload_names_are_sanitised_and_unique(env, tmp_path):
    settings, _ = env
    pdf = make_kite_pdf(tmp_path / "kite.pdf").read_bytes()
    with admin_server(settings) as (client, _):
        names = ["../../../etc/Annual Report (FINAL).pdf", "..\\..\\Annual Report (FINAL).pdf",
                 "annual-report.pdf", "/abs/.hidden.pdf", "\u00e9t\u00e9 \u2013 r\u00e9sum\u00e9.pdf", "..pdf"]
        stored = [upload(client, name=n, content=pdf).json()["file"] for n in names]
    assert stored == ["annual-report-final.pdf", "annual-report-final-2.pdf", "annual-report-2.pdf",
                      "hidden.pdf", "ete-resume.pdf", "pdf.pdf"]
    root = settings.corpus_dir
    assert all((root / name).is_file() for name in stored)
    assert not list(tmp_path.glob("etc")) and not list(root.glob(".upload-*"))
    entries = tomllib.loads(settings.manifest_path.read_text())["document"]
    assert [e["file"] for e in entries[3:]] == stored


def test_remove_document_keeps_the_other_entries(env):
    settings, _ = env
    with admin_server(settings) as (client, _):
        removed = client.delete("/admin/api/documents/thresholds-2015", headers=AUTH)
        assert removed.status_code == 200 and removed.json()["file"] == "thresholds-2015.md"
        assert not (settings.corpus_dir / "thresholds-2015.md").exists()
        assert client.delete("/admin/api/documents/thresholds-2015", headers=AUTH).status_code == 404
        assert client.delete("/admin/api/documents/no-such-doc", headers=AUTH).status_code == 404
        listed = {d["id"]: d for d in client.get("/admin/api/documents", headers=AUTH).json()}
        assert listed["thresholds-2015"]["status"] == "removed" and listed["thresholds-2015"]["served"]
        client.post("/admin/api/refresh", headers=AUTH)
        status, _ = wait_for_refresh(client)
        assert [d["id"] for d in status["changes"]["removed"]] == ["thresholds-2015"]
        assert status["evaluation"] is None and "no gold set" in status["evaluation_error"]
    entries = tomllib.loads(settings.manifest_path.read_text())["document"]
    assert [e["id"] for e in entries] == ["thresholds-2018", "annual-report"]
    assert entries[0]["supersedes"] == ["thresholds-2015"]


def test_manifest_edits_keep_comments_and_extra_keys():
    text = (DEFAULT_CORPUS / "corpus.toml").read_text(encoding="utf-8")
    entry = {"id": "new", "file": "new.pdf", "title": 'A "quoted" title', "kind": "policy",
             "published": dt.date(2024, 5, 1), "supersedes": ["working-together-2023"]}
    added = add_entry(text, entry, comment="added on the admin page")
    assert added.startswith(text.rstrip("\n")) and tomllib.loads(added)["document"][-1]["title"] == 'A "quoted" title'
    removed = remove_entry(added, "working-together-to-safeguard-children-2023.pdf")
    documents = tomllib.loads(removed)["document"]
    assert [d["id"] for d in documents] == ["redbridge-lscb-annual-report-2016-17", "new"]
    assert documents[0]["notes"].startswith("Includes the LSCB Business Plan")
    assert removed.startswith("# The corpus manifest") and "the day is not stated" in removed
    assert remove_entry(removed, "new.pdf") == remove_entry(text, "working-together-to-safeguard-children-2023.pdf")


def test_a_second_refresh_is_refused_and_a_cli_build_blocks_one(env):
    settings, gold = env
    gate = threading.Event()

    def gated(*args, **kwargs):
        gate.wait(30)
        return ingest(*args, **kwargs)

    with admin_server(settings, gold, build=gated) as (client, _):
        first = client.post("/admin/api/refresh", headers=AUTH)
        second = client.post("/admin/api/refresh", headers=AUTH)
        assert first.status_code == 202
        assert second.status_code == 409 and "already running" in second.json()["detail"]
        assert client.post("/admin/api/rollback", headers=AUTH).status_code == 409
        gate.set()
        status, _ = wait_for_refresh(client)
        assert status["state"] == "ready" and status["changes"]["unchanged"] == 3
        waiting = client.post("/admin/api/refresh", headers=AUTH)
        assert waiting.status_code == 409 and "publish or discard" in waiting.json()["detail"]
        assert client.post("/admin/api/refresh/discard", headers=AUTH).status_code == 200

        with IndexStore(settings.index_root).lock():  # what `lscb ingest` holds while it builds
            assert client.post("/admin/api/refresh", headers=AUTH).status_code == 202
            failed, _ = wait_for_refresh(client)
            assert client.post("/admin/api/rollback", headers=AUTH).status_code == 409
        assert failed["state"] == "failed" and "another refresh is already running" in failed["error"]
        assert client.post("/admin/api/refresh/publish", headers=AUTH).status_code == 409


def test_discard_deletes_the_built_version_never_the_serving_one(env):
    settings, gold = env
    store = IndexStore(settings.index_root)
    serving = store.current_version()
    with admin_server(settings, gold) as (client, _):
        assert client.post("/admin/api/refresh/discard", headers=AUTH).status_code == 409
        no_earlier = client.post("/admin/api/rollback", headers=AUTH)
        assert no_earlier.status_code == 409 and "no earlier index version" in no_earlier.json()["detail"]
        client.post("/admin/api/refresh", headers=AUTH)
        status, _ = wait_for_refresh(client)
        candidate = status["candidate_version"]
        assert status["state"] == "ready" and store.version_dir(candidate).is_dir()
        discarded = client.post("/admin/api/refresh/discard", headers=AUTH)
        assert discarded.status_code == 200 and discarded.json()["state"] == "discarded"
        assert not store.version_dir(candidate).exists()
        assert store.current_version() == serving and store.version_dir(serving).is_dir()
        assert client.get("/ready").json()["index_version"] == serving
        assert client.post("/admin/api/refresh/publish", headers=AUTH).status_code == 409
        assert client.post("/admin/api/refresh/discard", headers=AUTH).status_code == 409
        assert store.versions() == [serving]


@pytest.mark.browser
def test_the_admin_page_in_a_browser(env, tmp_path):
    """Sign in, upload the PDF with the form, refresh, publish, roll back: as the business manager would."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from browser.chromium import chromium, require_chromium

    require_chromium()
    settings, gold = env
    pdf = make_kite_pdf(tmp_path / "Kite Festival Protocol 2024.pdf")
    serving = IndexStore(settings.index_root).current_version()
    with admin_server(settings, gold) as (client, _), chromium() as driver:
        wait = WebDriverWait(driver, 120)
        text = lambda element_id: driver.find_element(By.ID, element_id).text  # noqa: E731
        driver.get(f"{client.base_url}/admin")
        driver.find_element(By.ID, "token").send_keys("y" * 32)
        driver.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()
        wait.until(lambda d: "not accepted" in text("notice"))
        assert not driver.find_element(By.ID, "console").is_displayed()

        driver.find_element(By.ID, "token").send_keys(TOKEN)
        driver.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()
        wait.until(lambda d: d.find_element(By.ID, "console").is_displayed())
        assert driver.execute_script("return sessionStorage.getItem('lscb-admin-token')") == TOKEN
        wait.until(lambda d: "Westshire LSCB Annual Report 2016-17" in text("documents"))
        assert serving in text("serving")
        assert driver.find_element(By.CSS_SELECTOR, "label[for=title]").text == "Title"

        driver.find_element(By.ID, "file").send_keys(str(pdf))
        driver.find_element(By.ID, "title").send_keys("Kite festival safeguarding protocol")
        Select(driver.find_element(By.ID, "kind")).select_by_value("protocol")
        driver.execute_script("document.getElementById('published').value = '2024-03-01'")
        driver.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
        wait.until(lambda d: "Added" in text("upload-result"))
        wait.until(lambda d: NEW_ID in text("documents"))

        driver.find_element(By.ID, "refresh-start").click()
        wait.until(lambda d: "is built" in text("refresh-message"))
        assert "Added (1)" in text("changes") and "Kite festival safeguarding protocol" in text("changes")
        assert "Better (1)" in text("evaluation") and KITE_QUESTION in text("evaluation")
        candidate = client.get("/admin/api/refresh", headers=AUTH).json()["candidate_version"]

        driver.find_element(By.ID, "publish").click()
        driver.switch_to.alert.accept()
        wait.until(lambda d: "was published" in text("refresh-message"))
        wait_for_version(client, candidate)
        assert NEW_ID in cited(client, KITE_QUESTION)

        driver.find_element(By.ID, "rollback").click()
        driver.switch_to.alert.accept()
        wait.until(lambda d: f"Now serving {serving}" in text("serving-status"))
        wait_for_version(client, serving)
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"
                  and "favicon.ico" not in e["message"] and "401" not in e["message"]]
        assert not errors, errors
