"""Redirect resolving: 500 distinct 3-hop chains at concurrency 50, by our guarded Resolver and by
a bare aiohttp loop doing the same requests, in the same run; then 200 concurrent checks of one
URL, counted at the server (single flight).

Run: .venv/bin/python -m bench.resolve   (or .venv/bin/python bench/resolve.py)
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repo root, not bench/ (bench/http.py
    sys.path[0] = str(Path(__file__).resolve().parent.parent)  # would shadow the stdlib http)

import aiohttp
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bench._common import free_port, python, server_process, table
from service.resolve.guard import GuardPolicy
from service.resolve.resolver import Resolver
from service.settings import Settings

CHAINS = 500
CONCURRENCY = 50
SINGLE_FLIGHT_CALLS = 200
ROUNDS = 3
PAGE = b"<!doctype html><title>landing</title>" + b"<p>content</p>" * 200


def serve(port: int) -> None:
    """The upstream: c<i>.test/s -> r<i>.test/t -> f<i>.test/final (HTML), plus hit counts."""
    hits: Counter[str] = Counter()

    async def start(request: web.Request) -> web.Response:
        hits[f"{request.method} {request.path}"] += 1
        i = request.match_info["i"]
        return web.Response(status=301, headers={"Location": f"http://r{i}.test:{port}/t/{i}"})

    async def middle(request: web.Request) -> web.Response:
        i = request.match_info["i"]
        return web.Response(status=302, headers={"Location": f"http://f{i}.test:{port}/final"})

    async def final(request: web.Request) -> web.Response:
        return web.Response(body=PAGE, content_type="text/html")

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(hits)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_route("*", "/s/{i}", start)
    app.router.add_route("*", "/t/{i}", middle)
    app.router.add_route("*", "/final", final)
    app.router.add_get("/stats", stats)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


class BenchDNS(AbstractResolver):
    """Every `*.test` name is the local upstream (no real DNS in either client)."""

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        return [ResolveResult(hostname=host, host="127.0.0.1", port=port, family=socket.AF_INET,
                              proto=0, flags=socket.AI_NUMERICHOST)]

    async def close(self) -> None:
        return None


async def bare_chain(session: aiohttp.ClientSession, url: str) -> str:
    """What a plain client would do for the same answer: HEAD each hop, GET the HTML head."""
    current = URL(url)
    for _ in range(11):
        async with session.head(current, allow_redirects=False) as resp:
            location = resp.headers.get("Location")
            html = resp.headers.get("Content-Type", "").startswith("text/html")
        if resp.status in (301, 302, 303, 307, 308) and location:
            current = current.join(URL(location))
            continue
        if html:
            async with session.get(current, allow_redirects=False) as resp:
                await resp.content.read(64 * 1024)
        break
    return str(current)


async def timed(label: str, fn: object, urls: list[str]) -> float:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(url: str) -> str:
        async with gate:
            return await fn(url)  # type: ignore[operator, no-any-return]

    started = time.perf_counter()
    finals = await asyncio.gather(*(one(u) for u in urls))
    elapsed = time.perf_counter() - started
    assert all(f.endswith("/final") for f in finals), f"{label}: a chain did not finish"
    return elapsed


async def run(port: int) -> None:
    settings = Settings(resolve_concurrency=CONCURRENCY)
    policy = GuardPolicy.from_settings(settings, test_allowance=[("127.0.0.1", port)])
    bare_session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=CONCURRENCY, resolver=BenchDNS()))
    results: dict[str, list[float]] = {"ours": [], "bare": []}
    async with Resolver(settings, dns=BenchDNS(), policy=policy) as resolver, bare_session:

        async def ours(url: str) -> str:
            chain = await resolver.resolve_chain(url)
            assert chain.outcome == "ok", chain.detail
            return chain.final_url

        async def bare(url: str) -> str:
            return await bare_chain(bare_session, url)

        for r in range(ROUNDS):  # alternate, fresh URLs each round: no warm caches favour one
            for name, fn in (("bare", bare), ("ours", ours)):
                urls = [f"http://c{i}.test:{port}/s/{r}-{name}-{i}" for i in range(CHAINS)]
                results[name].append(await timed(name, fn, urls))

        one_url = f"http://c0.test:{port}/s/single-flight"
        chains = await asyncio.gather(
            *(resolver.resolve_chain(one_url) for _ in range(SINGLE_FLIGHT_CALLS)))
        async with bare_session.get(f"http://127.0.0.1:{port}/stats") as resp:
            hits = json.loads(await resp.text())

    best = {name: min(times) for name, times in results.items()}
    rows = [("client", f"{CHAINS} chains x 3 hops, best of {ROUNDS}", "chains/s")]
    for name in ("bare", "ours"):
        rows.append((name, f"{best[name]:.3f} s", f"{CHAINS / best[name]:.0f}"))
    ratio = best["ours"] / best["bare"]
    rows.append(("overhead", f"{ratio:.2f}x (target <= 1.5x)", ""))
    table("resolve: guarded Resolver vs bare aiohttp loop (concurrency "
          f"{CONCURRENCY}, 4 requests per chain)", rows)
    fetched = hits.get("HEAD /s/single-flight", 0) + hits.get("GET /s/single-flight", 0)
    table("single flight", [
        ("concurrent resolve_chain calls of one URL", str(SINGLE_FLIGHT_CALLS)),
        ("upstream fetches of its first hop (counted at the server)", str(fetched)),
        ("distinct answers", str(len({c.final_url for c in chains}))),
    ])


def main() -> None:
    port = free_port()
    code = f"from bench.resolve import serve; serve({port})"
    with server_process([python(), "-c", code], port):
        asyncio.run(run(port))


if __name__ == "__main__":
    main()
