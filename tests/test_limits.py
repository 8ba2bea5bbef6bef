"""The request-limit middleware on its own: token bucket arithmetic and the in-flight cap (shedding)."""

from __future__ import annotations

import asyncio
import threading

import httpx
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from api_server import serve
from assistant.api.limits import ConcurrencyLimit, TokenBucket


def test_token_bucket_refills_at_its_rate():
    now = [0.0]
    bucket = TokenBucket(rate=2, per=60.0, clock=lambda: now[0])
    assert bucket.take("a") == 0 and bucket.take("a") == 0
    assert bucket.take("a") == 30.0, "the third request waits for one token: 60 s / 2"
    assert bucket.take("b") == 0, "buckets are per client"
    now[0] = 30.0
    assert bucket.take("a") == 0


def test_in_flight_cap_sheds_the_excess_at_once():
    release = threading.Event()

    async def slow(request):
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 10)
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/api/ask", slow, methods=["POST"])])
    app.add_middleware(ConcurrencyLimit, limit=2, paths=("/api/ask",))
    with serve(app) as url:
        async def burst():
            async with httpx.AsyncClient(base_url=url, timeout=20) as client:
                tasks = [asyncio.create_task(client.post("/api/ask")) for _ in range(5)]
                await asyncio.sleep(1.0)
                release.set()
                return await asyncio.gather(*tasks)

        codes = sorted(r.status_code for r in asyncio.run(burst()))
    assert codes == [200, 200, 503, 503, 503]
