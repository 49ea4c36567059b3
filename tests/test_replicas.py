"""Two `linkguard serve` processes sharing one redis-server: the compose topology, locally.

Shared cache, a reload announced by one and served by the other, limits counted across both,
and Redis killed (SIGKILL) and restarted on the same port and dir in the middle of a load of
checks and reports: no 5xx, and every accepted report in the stream exactly once. The kill
runs against each configuration docs/deploy.md documents as losing no report, and lands while
Redis has a background fsync in flight, the moment `appendfsync everysec` alone would lose
acknowledged writes (service/store/durability.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import shutil
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import redis
from redis_fixtures import RedisServer

from bench._soak_procs import Replica, start_replica
from service.settings import REPO_BLOCKLISTS
from service.store.redis_reports import STREAM

pytestmark = [pytest.mark.redis, pytest.mark.slow]

RATE_LIMIT = 20
MANIFEST_ENTRY = """
[[list]]
name = "replica-test"
file = "test/replica.txt"
format = "domains"
category = "phishing"
action = "block"
license = "CC0-1.0"
description = "Test entries for the replica tests"
"""


@dataclass
class Topology:
    redis: RedisServer
    lists_dir: Path
    a: Replica
    b: Replica


@contextlib.contextmanager
def running(tmp: Path, server: RedisServer) -> Iterator[Topology]:
    """Two replicas on `server` (started here, killed at the end), with a list of their own."""
    lists_dir = tmp / "blocklists"
    shutil.copytree(REPO_BLOCKLISTS, lists_dir)
    (lists_dir / "test").mkdir()
    (lists_dir / "test/replica.txt").write_text("evil-replica.test\n")
    with (lists_dir / "lists.toml").open("a") as f:
        f.write(MANIFEST_ENTRY)
    server.start()
    env = {"LINKGUARD_REDIS_URL": server.url, "LINKGUARD_LISTS_DIR": str(lists_dir),
           "LINKGUARD_RATE_LIMIT": str(RATE_LIMIT), "LINKGUARD_LOG_LEVEL": "WARNING",
           # the test client plays a proxy: X-Forwarded-For names the student
           "LINKGUARD_TRUSTED_PROXIES": "127.0.0.1/32"}
    try:
        a = start_replica("a", tmp, env)
        try:
            b = start_replica("b", tmp, env)
        except BaseException:
            a.stop()
            raise
        try:
            yield Topology(server, lists_dir, a, b)
        finally:
            a.stop()
            b.stop()
    finally:
        server.kill()


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    tmp = tmp_path_factory.mktemp("replicas")
    with running(tmp, RedisServer(tmp / "redis")) as topology:
        yield topology


# The configurations docs/deploy.md documents as losing no report answered 202.
NO_LOSS = {
    "redis7.0-appendfsync-always": "redis-server",  # no WAITAOF: Redis fsyncs before replying
    "waitaof-appendfsync-everysec": "waitaof",  # the compose file's: the store waits for fsync
}


@pytest.fixture(params=sorted(NO_LOSS))
def outage_topology(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Topology]:
    """A topology on one documented no-loss Redis configuration: the module's for the one it
    runs (one topology fewer to start), else one of the test's own."""
    kind = NO_LOSS[request.param]
    if kind == "redis-server":  # the module's topology: a redis-server in this configuration
        yield request.getfixturevalue("topology")
        return
    with running(tmp_path, RedisServer(tmp_path / "redis", kind=kind)) as topology:
        yield topology


async def call(session: aiohttp.ClientSession, replica: Replica, method: str, path: str,
               client: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    async with session.request(method, replica.url + path, json=body,
                               headers={"X-Forwarded-For": client}) as resp:
        data = await resp.json() if resp.content_type == "application/json" else None
        return resp.status, data


async def readyz(session: aiohttp.ClientSession, replica: Replica) -> dict[str, Any]:
    status, body = await call(session, replica, "GET", "/readyz", "192.0.2.1")
    assert status == 200
    return dict(body)


async def test_a_verdict_computed_on_a_is_cached_on_b(topology: Topology) -> None:
    async with aiohttp.ClientSession() as s:
        body = {"url": "http://login.evil-replica.test/x", "resolve": "never"}
        status, first = await call(s, topology.a, "POST", "/v1/check", "198.51.100.10", body)
        assert status == 200 and first["cached"] is False and first["verdict"] == "dangerous"
        status, second = await call(s, topology.b, "POST", "/v1/check", "198.51.100.10", body)
        assert status == 200 and second["cached"] is True
        assert second["lists_version"] == first["lists_version"]


async def test_limits_count_across_both_processes(topology: Topology) -> None:
    async with aiohttp.ClientSession() as s:
        for i in range(RATE_LIMIT):
            replica = (topology.a, topology.b)[i % 2]
            body = {"url": f"http://limit{i}.example.com/", "resolve": "never"}
            status, _ = await call(s, replica, "POST", "/v1/check", "198.51.100.20", body)
            assert status == 200
        for replica in (topology.a, topology.b):
            async with s.post(replica.url + "/v1/check", json={"url": "http://x.example.com/"},
                              headers={"X-Forwarded-For": "198.51.100.20"}) as resp:
                assert resp.status == 429 and int(resp.headers["Retry-After"]) >= 1


async def test_a_reload_on_a_is_announced_and_served_by_b(topology: Topology) -> None:
    async with aiohttp.ClientSession() as s:
        before = await readyz(s, topology.b)
        (topology.lists_dir / "test/replica.txt").write_text("evil-replica.test\nnew-bad.test\n")
        topology.a.proc.send_signal(signal.SIGHUP)  # `linkguard serve`'s reload signal
        def settled(a: dict[str, Any], b: dict[str, Any]) -> bool:
            """Both serve the new version and both see both acknowledgements."""
            expected = {a["replica"]: a["lists_version"], b["replica"]: b["lists_version"]}
            return (a["lists_version"] == b["lists_version"] != before["lists_version"]
                    and a["replicas"] == b["replicas"] == expected)

        deadline = asyncio.get_running_loop().time() + 15
        while True:  # read both after each other: judge one snapshot, not a stale half
            state_a, state_b = await readyz(s, topology.a), await readyz(s, topology.b)
            if settled(state_a, state_b) or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.05)
        assert state_b["lists_version"] == state_a["lists_version"] != before["lists_version"]
        assert state_b["replicas"] == state_a["replicas"] == {
            state_a["replica"]: state_a["lists_version"],
            state_b["replica"]: state_b["lists_version"]}
        body = {"url": "http://new-bad.test/", "resolve": "never"}
        status, result = await call(s, topology.b, "POST", "/v1/check", "198.51.100.30", body)
        assert status == 200 and result["verdict"] == "dangerous"


async def test_killing_redis_under_load_loses_no_report_and_answers_no_5xx(
    outage_topology: Topology,
) -> None:
    topology = outage_topology
    accepted: list[str] = []
    statuses: list[int] = []
    stop_load = asyncio.Event()
    numbers = itertools.count()

    async def worker(session: aiohttp.ClientSession, replica: Replica) -> None:
        while not stop_load.is_set():
            n = next(numbers)
            client = f"198.18.{n // 250 % 250}.{n % 250}"  # a fresh student, under the limit
            if n % 3:  # two reports to a check: most writes Redis may hold are reports
                body = {"url": f"http://spam{n}.example.com/", "kind": "scam"}
                status, data = await call(session, replica, "POST", "/v1/reports", client, body)
                if status == 202:
                    accepted.append(data["id"])
            else:
                body = {"url": f"http://load{n}.example.com/p", "resolve": "never"}
                status, _ = await call(session, replica, "POST", "/v1/check", client, body)
            statuses.append(status)

    async with aiohttp.ClientSession() as s:
        load = [asyncio.create_task(worker(s, r)) for r in (topology.a, topology.b) * 4]
        await asyncio.sleep(1.0)
        landed = await asyncio.to_thread(topology.redis.kill_during_fsync, 10.0)
        before_outage = len(accepted)
        await asyncio.sleep(1.5)
        during_outage = len(accepted) - before_outage
        await asyncio.to_thread(topology.redis.start)
        await asyncio.sleep(1.5)
        stop_load.set()
        await asyncio.gather(*load)
        for _ in range(100):  # the spools replay within a probe interval or two
            states = [await readyz(s, r) for r in (topology.a, topology.b)]
            if all(st["status"] == "ready" for st in states) and _stream_ids(topology) and \
                    len(_stream_ids(topology)) >= len(accepted):
                break
            await asyncio.sleep(0.1)

    # Where the kill landed: with `everysec`, while Redis held writes it had replied to but not
    # yet written (a background fsync in flight), the moment that loses them without WAITAOF;
    # `always` writes and fsyncs before replying, so that moment never comes.
    assert landed is (topology.redis.appendfsync == "everysec"), topology.redis.appendfsync
    assert before_outage > 0 and during_outage > 0 and len(accepted) > during_outage
    assert set(statuses) <= {200, 202}, sorted(set(statuses))
    ids = _stream_ids(topology)
    assert len(ids) == len(set(ids)), "a report is in the stream twice"
    lost = set(accepted) - set(ids)
    assert not lost, f"{len(lost)} reports answered 202 are not in the stream: {sorted(lost)}"
    for replica in (topology.a, topology.b):  # each logs the outage once, and the recovery
        text = replica.log.read_text(errors="replace")
        assert text.count("unreachable") == 1 and text.count("is back after") == 1, text[-3000:]
        assert not list((replica.log.parent / f"data-{replica.name}").glob("*spool*")) or \
            all(p.stat().st_size == 0 for p in
                (replica.log.parent / f"data-{replica.name}").glob("*spool*"))


def _stream_ids(topology: Topology) -> list[str]:
    with redis.Redis(port=topology.redis.port, socket_timeout=2) as r:
        return [fields[b"id"].decode() for _, fields in r.xrange(STREAM)]
