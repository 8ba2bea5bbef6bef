"""A real uvicorn server on a loopback port, run in a thread, for API tests."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(config: uvicorn.Config, timeout_s: float = 60.0) -> Iterator[str]:
    """Run the server `config` describes until the block ends; yields its base URL."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://{config.host}:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def serve(app: FastAPI, timeout_s: float = 60.0):
    """Run `app` on a free loopback port until the block ends; yields its base URL."""
    return running(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="on",
                                  timeout_graceful_shutdown=5), timeout_s)
