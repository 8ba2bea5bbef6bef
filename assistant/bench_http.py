"""`lscb bench http`: load on /api/ask over loopback against a real `lscb serve` process.

Two measurements, both bounded in time:
- closed loop: N concurrent clients, each asking as soon as its last answer arrives, for D seconds;
- open loop: a constant arrival rate, stepped up until p95 passes the budget or errors appear, to find the
  highest rate the service holds, and to show that above it the service sheds load (fast 429/503) instead
  of queueing without bound.
The server is pinned to core 0 and the load generator to core 1 where the OS allows it.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from assistant.bench import bench_questions
from assistant.config import Settings
from evaluation.metrics import percentile


@dataclass
class LoadResult:
    label: str
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0

    def figures(self) -> dict:
        """Latencies are of answered (200) requests; shed requests are counted apart, errors are the rest."""
        ok = self.latencies_ms
        done = sum(self.statuses.values())
        return {
            "run": self.label, "requests": done, "rps": round(self.statuses[200] / self.seconds, 1),
            "p50_ms": round(percentile(ok, 50), 1) if ok else None,
            "p95_ms": round(percentile(ok, 95), 1) if ok else None,
            "p99_ms": round(percentile(ok, 99), 1) if ok else None,
            "ok": self.statuses[200], "shed_429_503": self.statuses[429] + self.statuses[503],
            "errors": self.errors + sum(n for s, n in self.statuses.items() if s >= 500 and s != 503),
        }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pin(core: int) -> None:
    try:
        if (os.cpu_count() or 1) > core:
            os.sched_setaffinity(0, {core})
    except (AttributeError, OSError):
        pass


def start_server(settings: Settings, workers: int, port: int) -> subprocess.Popen:
    env = {**os.environ, "LSCB_CORPUS_DIR": str(settings.corpus_dir), "LSCB_DATA_DIR": str(settings.data_dir),
           "LSCB_ASK_RATE_PER_MINUTE": "1000000", "LSCB_WORKERS": str(workers)}
    pin = 0 if workers == 1 else None
    return subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port), "--workers",
                             str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=(lambda: _pin(pin)) if pin is not None else None)


def wait_ready(url: str, timeout_s: float = 180.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server at {url} did not become ready in {timeout_s:.0f} s (is there an index?)")


async def _ask(client: httpx.AsyncClient, question: str, result: LoadResult) -> None:
    t0 = time.perf_counter()
    try:
        response = await client.post("/api/ask", json={"question": question})
        result.statuses[response.status_code] += 1
        if response.status_code == 200:
            result.latencies_ms.append((time.perf_counter() - t0) * 1000)
    except httpx.HTTPError:
        result.errors += 1


async def closed_loop(url: str, clients: int, seconds: float, questions: list[str]) -> LoadResult:
    result = LoadResult(f"closed, {clients} clients", seconds)
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients + 4)

    async def worker(offset: int) -> None:
        i = offset
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
            while time.monotonic() < stop:
                await _ask(client, questions[i % len(questions)], result)
                i += clients

    await asyncio.gather(*(worker(k) for k in range(clients)))
    return result


async def open_loop(url: str, rate: float, seconds: float, questions: list[str]) -> LoadResult:
    result = LoadResult(f"open, {rate:g}/s", seconds)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=200)) as client:
        tasks, start = [], time.perf_counter()
        for i in range(int(rate * seconds)):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(_ask(client, questions[i % len(questions)], result)))
        await asyncio.gather(*tasks)
    return result


def run_http_bench(settings: Settings, workers: tuple[int, ...], clients: int, seconds: float, step_seconds: float,
                   rates: tuple[float, ...], budget_ms: float = 250.0) -> list[dict]:
    """Closed-loop and stepped open-loop runs for each worker count; returns rows of figures."""
    questions = bench_questions(300)
    rows: list[dict] = []
    _pin(1)
    for count in workers:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_server(settings, count, port)
        try:
            wait_ready(url)
            asyncio.run(closed_loop(url, 4, 5, questions))  # warm every worker's caches
            rows.append({"workers": count, **asyncio.run(closed_loop(url, clients, seconds, questions)).figures()})
            held = None
            for rate in rates:
                figures = asyncio.run(open_loop(url, rate, step_seconds, questions)).figures()
                rows.append({"workers": count, **figures})
                within = figures["errors"] == 0 and figures["shed_429_503"] == 0 and \
                    (figures["p95_ms"] or 1e9) <= budget_ms
                if within:
                    held = rate
                elif held is not None or rate == rates[-1]:
                    break
            rows.append({"workers": count, "run": "max rate held", "rps": held,
                         "p95_ms": f"<={budget_ms:g}"})
        finally:
            server.terminate()
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
    return rows
