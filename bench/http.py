"""HTTP benchmark: cached POST /v1/check against a bare aiohttp JSON handler, in one run.

Each server runs in its own process pinned to one core; the load generator (an aiohttp
client at fixed concurrency) is pinned to the other, so the ratio compares like with like.
The Redis variant's redis-server (started for the run) shares the load generator's core:
the service under test keeps its one core to itself, as with a Redis on another machine.
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
from contextlib import ExitStack, contextmanager
from pathlib import Path

import aiohttp

from bench._common import free_port, python, server_process, table
from bench._redis import redis_server

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
    server_core = SERVER_CORE
    if name == "bare aiohttp":
        # -m, not a script path: as a script, bench/ would lead sys.path and this file
        # (bench/http.py) would shadow the standard library's `http`.
        args = ["taskset", "-c", server_core, python(), "-m", "bench._bare_server", str(port)]
        env: dict[str, str] = {}
    else:
        linkguard = str(Path(python()).with_name("linkguard"))  # the installed console script
        args = ["taskset", "-c", server_core, linkguard, "serve"]
        env = {"LINKGUARD_PORT": str(port), "LINKGUARD_RATE_LIMIT": "0",
               "LINKGUARD_LOG_LEVEL": "WARNING", **extra_env}
    with server_process(args, port, env):
        yield


def run(variants: list[tuple[str, dict[str, str]]], seconds: float, concurrency: int,
        *, redis_core: str | None = None) -> None:
    pin({int(LOAD_CORE)})
    results: dict[str, tuple[float, float, float, int]] = {}
    with ExitStack() as stack:
        redis_url = ""
        if any(REDIS in env.values() for _, env in variants):
            redis_url = stack.enter_context(redis_server(redis_core or LOAD_CORE))
        for name, env in variants:
            env = {k: redis_url if v == REDIS else v for k, v in env.items()}
            port = free_port()
            with variant(name, port, env):
                done, lat, errors = asyncio.run(load(port, seconds, concurrency))
            results[name] = summary(done, lat, errors, seconds)
    where = "the server's core" if redis_core == SERVER_CORE else "the load generator's core"
    report(results, seconds, concurrency, f"redis-server on {where}")


def summary(done: int, lat: list[float], errors: int,
            seconds: float) -> tuple[float, float, float, int]:
    lat.sort()
    p50 = statistics.median(lat) * 1000
    p99 = lat[int(len(lat) * 0.99) - 1] * 1000
    return done / seconds, p50, p99, errors


def report(results: dict[str, tuple[float, float, float, int]], seconds: float,
           concurrency: int, note: str) -> None:
    base = results["bare aiohttp"][0]
    rows = [("variant", "req/s", "p50 ms", "p99 ms", "non-200", "vs bare")]
    for name, (rps, p50, p99, errors) in results.items():
        rows.append((name, f"{rps:,.0f}", f"{p50:.2f}", f"{p99:.2f}", str(errors),
                     f"{rps / base:.0%}"))
    table(f"HTTP: cached POST /v1/check, {concurrency} concurrent, {seconds:.0f}s each, "
          f"server on one core, {note}", rows)


REDIS = "<redis-server of this run>"  # replaced by the URL of the redis-server started for it
SERVER_CORE = "0"
LOAD_CORE = "1" if (os.cpu_count() or 1) > 1 else "0"  # the load generator (and redis-server)

VARIANTS: list[tuple[str, dict[str, str]]] = [
    ("bare aiohttp", {}),
    ("linkguard (in-process cache)", {}),
    ("linkguard (Redis cache)", {"LINKGUARD_REDIS_URL": REDIS}),
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--redis-on-server-core", action="store_true",
                        help="pin redis-server to the service's core (Redis on the same box, "
                             "sharing its one core) instead of the load generator's")
    args = parser.parse_args(argv)
    run(VARIANTS, args.seconds, args.concurrency,
        redis_core=SERVER_CORE if args.redis_on_server_core else None)


if __name__ == "__main__":
    main()
