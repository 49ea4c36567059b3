"""What a 202 for a report is worth on each Redis: WAITAOF, the AOF settings, the start-up
warning, and a report Redis cannot confirm on its disk going to the local spool."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio.cluster import RedisCluster
from redis_fixtures import RedisServer

from service.store.durability import Durability, probe
from service.store.redis_link import RedisLink
from service.store.redis_reports import STREAM, RedisReportStore
from service.store.reports import Report
from service.store.spool import Spool, parse
from service.web.backends import SPOOL_FILE

pytestmark = pytest.mark.redis

ADVICE = [  # what Redis said -> a fragment of the warning (None: no warning)
    (Durability(True, "7.4.1", "yes", "everysec"), None),
    (Durability(True, "7.4.1", "yes", "always"), None),
    (Durability(True, "", None, None, config_error="unknown command 'CONFIG'"), None),
    (Durability(True, "7.2.4", "no", "everysec"), "runs appendonly no"),
    (Durability(True, "7.2.4", "yes", "no"), "runs appendfsync no"),
    (Durability(False, "7.0.15", "yes", "always"), None),
    (Durability(False, "7.0.15", "yes", "everysec"), "runs appendfsync everysec"),
    (Durability(False, "6.2.14", "no", "always"), "runs appendonly no"),
    (Durability(False, "7.0.15", None, None, config_error="unknown command 'CONFIG'"),
     "refused CONFIG GET (unknown command 'CONFIG')"),
]

# Real servers: kind, appendonly, appendfsync, extra args -> what the probe reads, the warning.
SERVERS = {
    "redis7.0-always": ("redis-server", "yes", "always", (), (False, "yes", "always"), None),
    "redis7.0-everysec": ("redis-server", "yes", "everysec", (), (False, "yes", "everysec"),
                          "has no WAITAOF (Redis 7.2+) and runs appendfsync everysec"),
    "redis7.0-no-config": ("redis-server", "yes", "always", ("--rename-command", "CONFIG", ""),
                           (False, None, None), "refused CONFIG GET"),
    "waitaof-everysec": ("waitaof", "yes", "everysec", (), (True, "yes", "everysec"), None),
    "waitaof-no-aof": ("waitaof", "no", "everysec", (), (True, "no", "everysec"),
                       "runs appendonly no, so WAITAOF cannot confirm"),
}


def report(n: int) -> Report:
    return Report(id=f"r{n:04d}", kind="phishing", url=f"http://s{n}.test/", comment="",
                  lists_version="v1", created_at=1000.0 + n)


async def stream_ids(link: RedisLink) -> list[str]:
    return [fields[b"id"].decode() for _, fields in await link.client.xrange(STREAM)]


async def waitaof_calls(link: RedisLink) -> int:
    """WAITAOFs the server(s) ran, from INFO commandstats (summed over a Cluster's nodes)."""
    client = link.client
    nodes = client.get_nodes() if isinstance(client, RedisCluster) else [None]
    total = 0
    for node in nodes:
        target: dict[str, Any] = {} if node is None else {"target_nodes": node}
        stats = await client.execute_command("INFO", "commandstats", **target)
        total += int(stats.get("cmdstat_waitaof", {}).get("calls", 0))
    return total


@pytest.fixture
async def own(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[RedisLink]:
    """A link to a server of the test's own, configured by `request.param` (SERVERS)."""
    kind, appendonly, appendfsync, extra, _, _ = SERVERS[request.param]
    server = RedisServer(tmp_path / "redis", kind=kind, appendonly=appendonly,
                         appendfsync=appendfsync, extra=extra).start()
    link = RedisLink.from_url(server.url)
    await link.start()
    yield link
    await link.close()
    server.kill()


@pytest.mark.parametrize(("durability", "fragment"), ADVICE)
def test_advice_names_the_risk_and_the_fix(durability: Durability, fragment: str | None) -> None:
    advice = durability.advice("/var/lib/linkguard/reports-spool.jsonl")
    if fragment is None:
        assert advice is None
    else:
        assert advice is not None and fragment in advice and "Fix:" in advice, advice


@pytest.mark.parametrize("own", sorted(SERVERS), indirect=True)
async def test_start_up_reads_redis_and_warns_once_when_a_202_could_be_lost(
    own: RedisLink, request: pytest.FixtureRequest, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    *_, expected, fragment = SERVERS[request.node.callspec.params["own"]]
    found = await probe(own.client, STREAM)
    assert (found.waitaof, found.appendonly, found.appendfsync) == expected
    store = RedisReportStore(own, spool=Spool(tmp_path / SPOOL_FILE))
    with caplog.at_level(logging.INFO, logger="linkguard.reports"):
        await store.start()
        await store.start()  # Redis unchanged: nothing more to say
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    if fragment is None:
        assert warnings == []
        assert [r.getMessage() for r in caplog.records] == [
            "reports: a 202 means Redis fsync'd the report "
            f"({'WAITAOF' if found.waitaof else 'appendfsync always'})"]
    else:
        assert len(warnings) == 1 and fragment in warnings[0] and "Fix:" in warnings[0]


@pytest.mark.parametrize(("fixture", "expected"), [
    ("redis_server", (False, "yes", "always")),  # Debian's redis-server 7.0, as the fixtures run it
    ("redis_cluster", (False, "yes", "always")),
    ("waitaof_server", (True, "yes", "everysec")),
    ("waitaof_cluster", (True, "yes", "everysec")),
])
async def test_the_probe_asks_the_node_holding_the_reports_on_one_node_and_a_cluster(
    request: pytest.FixtureRequest, fixture: str, expected: tuple[bool, str, str]
) -> None:
    link = RedisLink.from_url(request.getfixturevalue(fixture).url)
    await link.start()
    try:
        found = await probe(link.client, STREAM)
    finally:
        await link.close()
    assert (found.waitaof, found.appendonly, found.appendfsync) == expected
    assert found.version.count(".") == 2 and not found.config_error


async def test_with_waitaof_each_report_waits_for_the_fsync_and_a_retry_is_stored_once(
    any_waitaof: str, tmp_path: Path
) -> None:
    link = RedisLink.from_url(any_waitaof)
    await link.start()
    spool = Spool(tmp_path / SPOOL_FILE)
    store = RedisReportStore(link, spool=spool)
    try:
        await store.start()
        before = await waitaof_calls(link)
        for n in (1, 1, 2):  # a retried request with the same id, then another report
            assert await store.add(report(n)) == f"r{n:04d}"
        assert link.up and not spool.pending()
        assert await waitaof_calls(link) - before >= 3  # at least one wait per answer
        await spool.append(report(2))  # reached Redis, but its confirmation was lost
        await spool.append(report(3))
        assert await store.replay() == 2 and not spool.pending()
        assert sorted(await stream_ids(link)) == ["r0001", "r0002", "r0003"]
    finally:
        await link.close()


@pytest.mark.parametrize("own", ["waitaof-no-aof"], indirect=True)
async def test_a_report_waitaof_cannot_confirm_is_spooled_until_redis_persists_it(
    own: RedisLink, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spool = Spool(tmp_path / SPOOL_FILE)
    store = RedisReportStore(own, spool=spool)
    await store.start()
    assert await store.add(report(1)) == "r0001"  # a 202: on this replica's disk
    assert [r.id for r in parse(spool.path.read_bytes())] == ["r0001"]
    assert await stream_ids(own) == ["r0001"]  # and readable by the reviewers meanwhile
    assert own.up  # a Redis that answers is not an outage
    with caplog.at_level(logging.WARNING, logger="linkguard.reports"):
        assert await store.replay() == 0  # still unconfirmable: the spool keeps it
    assert spool.pending() and "spooled reports stay in" in caplog.text
    await own.client.config_set("appendonly", "yes")  # the operator's fix, live
    for _ in range(200):  # enabling the AOF at run time writes a first rewrite
        info = await own.client.info("persistence")
        if info["aof_enabled"] and not info["aof_rewrite_in_progress"] and \
                not info["aof_rewrite_scheduled"]:
            break
        await asyncio.sleep(0.05)
    assert await store.replay() == 1 and not spool.pending()
    assert await stream_ids(own) == ["r0001"]

