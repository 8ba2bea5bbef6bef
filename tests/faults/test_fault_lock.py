"""A CLI refresh and an admin refresh at once: one takes the build lock, the other is told, nothing is lost.

Each order is forced: the CLI build is paused inside the lock (kill_at.py `pause`) while the admin page starts a
refresh, and the admin build is held inside the lock while `lscb ingest` runs in another process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from api_server import serve
from assistant.admin.console import AdminConsole
from assistant.api.app import create_app
from assistant.api.services import Services
from corpus.ingest import ingest
from faultlib import (ADMIN_TOKEN, Baselines, apply_scenario, copy_baseline, lost, record, run_lscb, serving,
                      start_kill_at, wait_for)
from index.embedder import HashingEmbedder
from index.store import IndexStore

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
BUSY = "another refresh is already running"


@contextmanager
def admin_server(settings, build=ingest) -> Iterator[httpx.Client]:
    services = Services(settings, HashingEmbedder(), check_every_s=0.1)
    app = create_app(settings, services)
    app.state.admin = AdminConsole(services, gold_dir=None, build=build)
    with serve(app) as url, httpx.Client(base_url=url, timeout=60, headers=AUTH) as client:
        yield client
    app.state.admin.refresh.join(30)


def settled(client: httpx.Client, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = client.get("/admin/api/refresh").json()
        if status["state"] not in ("building", "evaluating"):
            return status
        time.sleep(0.05)
    raise AssertionError("the admin refresh never finished")


def test_cli_refresh_holds_the_lock_and_the_admin_refresh_is_told(tmp_path, tmp_path_factory, request):
    settings = copy_baseline(tmp_path_factory, tmp_path, admin_token=ADMIN_TOKEN)
    store = IndexStore(settings.index_root)
    before = serving(store)
    apply_scenario(settings.corpus_dir, "removed")
    trace = tmp_path / "trace"
    cli = start_kill_at(settings, "before-checksums", "pause", trace)
    try:
        assert wait_for(lambda: (trace / "reached").exists() or cli.poll() is not None, 120)
        assert (trace / "reached").exists(), cli.communicate()[1]
        with admin_server(settings) as client:
            assert client.post("/admin/api/refresh").status_code == 202
            failed = settled(client)
            rollback = client.post("/admin/api/rollback")
            assert serving(store) == before
            (trace / "release").touch()
            out, err = cli.communicate(timeout=120)
            assert cli.returncode == 0, err
            cli_built = serving(store)
            again = client.post("/admin/api/refresh")
            assert again.status_code == 202 and settled(client)["state"] == "ready"
            assert client.post("/admin/api/refresh/publish").status_code == 200
    finally:
        (trace / "release").touch()
        if cli.poll() is None:
            cli.kill()
    assert failed["state"] == "failed" and BUSY in failed["error"] and "wait for it" in failed["error"], failed
    assert rollback.status_code == 409 and BUSY in rollback.json()["detail"]
    assert cli_built.version != before.version
    missing = lost(Baselines.reference(tmp_path_factory, "removed"), cli_built)
    assert missing == [] and serving(store).corpus_version == cli_built.corpus_version
    record(request, "CLI refresh holding the lock, admin refresh started",
           "the admin refresh failed at once on the page with the store's message (\"another refresh is already "
           "running …; wait for it to finish\"), admin rollback got 409; the CLI build finished and switched; a "
           "second admin refresh then built and published", missing)


def test_admin_refresh_holds_the_lock_and_the_cli_refresh_is_told(tmp_path, tmp_path_factory, request):
    settings = copy_baseline(tmp_path_factory, tmp_path, admin_token=ADMIN_TOKEN)
    store = IndexStore(settings.index_root)
    before = serving(store)
    apply_scenario(settings.corpus_dir, "removed")
    holding, release = threading.Event(), threading.Event()

    def held(settings, embedder, progress=None, **kwargs):
        """The admin build, stopped inside the lock (progress is reported under it) until released."""
        def hold(message: str, done: int, total: int) -> None:
            if not holding.is_set():
                holding.set()
                release.wait(120)
            if progress is not None:
                progress(message, done, total)

        return ingest(settings, embedder, progress=hold, **kwargs)

    with admin_server(settings, build=held) as client:
        try:
            assert client.post("/admin/api/refresh").status_code == 202
            assert holding.wait(60), "the admin refresh never reached its build"
            cli = run_lscb(settings, "ingest")
            second = client.post("/admin/api/refresh")
            assert serving(store) == before
        finally:
            release.set()
        status = settled(client)
        assert status["state"] == "ready", status
        assert client.post("/admin/api/refresh/publish").status_code == 200
    assert cli.returncode == 1 and BUSY in cli.stderr and "wait for it" in " ".join(cli.stderr.split())
    assert "Traceback" not in cli.stderr, cli.stderr
    assert second.status_code == 409 and "already running" in second.json()["detail"]
    after = serving(store)
    assert after.version == status["candidate_version"]
    missing = lost(Baselines.reference(tmp_path_factory, "removed"), after)
    assert missing == []
    record(request, "admin refresh holding the lock, `lscb ingest` started",
           "`lscb ingest` exited 1 with \"error: another refresh is already running …; wait for it to finish\"; "
           "a second admin refresh got 409; the admin build finished and was published", missing)
