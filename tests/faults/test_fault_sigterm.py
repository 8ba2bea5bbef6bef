"""SIGTERM to `lscb serve` with 20 questions being answered: every one completes with a full answer.

The server runs as its own process (tests/faults/slow_serve.py: `lscb serve` whose answers take 1.5 s), so the
signal reaches uvicorn's real handler. The test waits until all 20 requests are inside the answer engine, sends
SIGTERM, and checks that all 20 get 200 with an answer, that the server then stops taking connections, and that
it shut down through its lifespan (services closed) rather than being cut off.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import httpx

from api_server import free_port
from faultlib import FAULTS, cli_env, copy_baseline, record, wait_for

IN_FLIGHT = 20
DELAY_S = 1.5
QUESTIONS = ("What is a private fostering arrangement?",
             "Which children need a referral to the Multi-Agency Safeguarding Hub?",
             "Who decides what happens after an allegation against a person who works with children?")


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/ready", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_sigterm_with_requests_in_flight_lets_them_all_complete(tmp_path, tmp_path_factory, request):
    settings = copy_baseline(tmp_path_factory, tmp_path)
    port, marker = free_port(), tmp_path / "in-flight"
    server = subprocess.Popen(
        [sys.executable, str(FAULTS / "slow_serve.py"), str(marker), str(DELAY_S), str(port)],
        env=cli_env(settings, LSCB_MAX_INFLIGHT_ASKS=str(2 * IN_FLIGHT)), cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    results: list[tuple[int, dict | str] | None] = [None] * IN_FLIGHT

    def ask(n: int) -> None:
        try:
            response = httpx.post(f"{base}/api/ask", json={"question": QUESTIONS[n % len(QUESTIONS)]}, timeout=60)
            results[n] = (response.status_code, response.json() if response.status_code == 200 else response.text)
        except httpx.HTTPError as exc:
            results[n] = (0, f"{type(exc).__name__}: {exc}")

    try:
        assert wait_for(lambda: _ready(base) or server.poll() is not None, 120, 0.1), "the server never got ready"
        assert server.poll() is None, server.communicate()[1][-3000:]
        threads = [threading.Thread(target=ask, args=(n,)) for n in range(IN_FLIGHT)]
        for t in threads:
            t.start()
        assert wait_for(lambda: marker.exists() and len(marker.read_text().splitlines()) == IN_FLIGHT, 60)
        server.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        for t in threads:
            t.join(60)
        finished_s = time.monotonic() - signalled
        stopped = wait_for(lambda: server.poll() is not None, 60, 0.05)
        refused = not _ready(base)
    finally:
        if server.poll() is None:
            server.kill()
        _, log = server.communicate(timeout=30)
    failures = [r for r in results if r is None or r[0] != 200]
    assert failures == [], f"{len(failures)} of {IN_FLIGHT} did not complete: {failures[:3]}\n{log[-2000:]}"
    answers = [r[1] for r in results]
    assert all(a["answer"] and a["corpus_version"] for a in answers)
    assert stopped and refused, "the server kept running after SIGTERM"
    assert server.returncode in (0, -signal.SIGTERM), log[-2000:]
    assert "Application shutdown complete" in log, log[-2000:]
    record(request, f"SIGTERM to `lscb serve` with {IN_FLIGHT} questions in flight",
           f"all {IN_FLIGHT} completed with 200 and a full answer ({finished_s:.1f} s after the signal); new "
           f"connections refused; lifespan shutdown ran; exit code {server.returncode}", "nothing")
