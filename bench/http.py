"""HTTP benchmark: cached POST /v1/check against a bare aiohttp JSON handler, in one run.

Each server runs in its own process pinned to one core; the load generator (an aiohttp
client at fixed concurrency) is pinned to the other, so the ratio compares like with like.
Run: .venv/bin/python -m bench.http [--seconds 5] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp

from bench._common import ROOT, free_port, python, server_process, table

URLS = [f"http://site{i}.example.com/path/{i}?q={i}" for i in range(200)]


async def load(port: int, seconds: float, concurrency: int) -> tuple[int, list[float], int]:
    """Requests completed, latencies (s) and non-200 answers within `seconds`."""
    url = f"http://127.0.0.1:{port}/v1/check"
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        for u in URLS:  # warm the cache
            async with session.post(url, json={"url": u, "resolve": "never"}) as r:
                await r.read()
        deadline = time.perf_counter() + seconds

        async def worker(k: int) -> None:
            nonlocal errors
            i = k
            while time.perf_counter() < deadline:
                body = {"url": URLS[i % len(URLS)], "resolve": "never"}
                t0 = time.perf_counter()
                async with session.post(url, json=body) as r:
                    await r.read()
                    if r.status != 200:
                        errors += 1
                latencies.append(time.perf_counter() - t0)
                i += concurrency

        await asyncio.gather(*(worker(k) for k in range(concurrency)))
    return len(latencies), latencies, errors


def pin(cores: set[int]) -> None:
    with contextlib.suppress(AttributeError, OSError):  # not Linux or fewer cores: unpinned
        os.sched_setaffinity(0, cores)


@contextmanager
def variant(name: str, port: int, extra_env: dict[str, str]) -> Iterator[None]:
    server_core = "0"
    if name == "bare aiohttp":
        args = ["taskset", "-c", server_core, python(), str(ROOT / "bench/_bare_server.py"),
                str(port)]
        env: dict[str, str] = {}
    else:
        args = ["taskset", "-c", server_core, python(), "-m", "service.cli", "serve"]
        env = {"LINKGUARD_PORT": str(port), "LINKGUARD_RATE_LIMIT": "0",
               "LINKGUARD_LOG_LEVEL": "WARNING", **extra_env}
    with server_process(args, port, env):
        yield


def run(variants: list[tuple[str, dict[str, str]]], seconds: float, concurrency: int) -> None:
    pin({1} if (os.cpu_count() or 1) > 1 else {0})
    results: dict[str, tuple[float, float, float, int]] = {}
    for name, env in variants:
        port = free_port()
        with variant(name, port, env):
            done, lat, errors = asyncio.run(load(port, seconds, concurrency))
        lat.sort()
        p50 = statistics.median(lat) * 1000
        p99 = lat[int(len(lat) * 0.99) - 1] * 1000
        results[name] = (done / seconds, p50, p99, errors)
    base = results["bare aiohttp"][0]
    rows = [("variant", "req/s", "p50 ms", "p99 ms", "non-200", "vs bare")]
    for name, (rps, p50, p99, errors) in results.items():
        rows.append((name, f"{rps:,.0f}", f"{p50:.2f}", f"{p99:.2f}", str(errors),
                     f"{rps / base:.0%}"))
    table(f"HTTP: cached POST /v1/check, {concurrency} concurrent, {seconds:.0f}s each, "
          "server on one core", rows)


VARIANTS: list[tuple[str, dict[str, str]]] = [
    ("bare aiohttp", {}),
    ("linkguard (in-process cache)", {}),
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args(argv)
    run(VARIANTS, args.seconds, args.concurrency)


if __name__ == "__main__":
    main()
