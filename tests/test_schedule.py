"""Scheduled updates in one process against a loopback feed server: no CLI call, same guards.

Each test starts the real application (create_app) with a one-second LINKGUARD_UPDATE_INTERVAL
and a lists directory whose one feed points at the feed server, then waits (bounded) for what
a student or an admin would see: the new entry blocked, the refusal in /readyz and /metrics.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis_fixtures import RedisServer

from service.settings import Settings
from service.store.update_lease import LocalLease
from service.upkeep import files
from service.upkeep.loader import load_lists
from service.upkeep.schedule import RETRY_FIRST, Scheduler
from service.upkeep.updater import load_guard, select, update_lists
from service.web.updates import UPDATES, feed_statuses
from tests.conftest import ClientFactory
from tests.feed_server import FeedServer, feed_text, hosts, serve_in_thread

DEADLINE = 30.0  # seconds; generous for a loaded 2-core machine
NEW = "brand-new-phish.bad-feed.test"


@pytest.fixture(scope="module")
def feeds() -> Iterator[FeedServer]:
    yield from serve_in_thread()


def lists_with_feed(root: Path, source: str, snapshot: list[str]) -> Path:
    """A lists dir whose one feed `feed` (enabled, shipped as `snapshot`) comes from `source`."""
    (root / "feeds").mkdir(parents=True)
    (root / "feeds/feed.txt").write_text(feed_text("domains", snapshot))
    (root / "allow.txt").write_text("school.example.edu.vn\n")
    (root / "lists.toml").write_text(f"""
[[list]]
name = "feed"
file = "feeds/feed.txt"
format = "domains"
category = "phishing"
action = "block"
license = "CC0-1.0"
source = "{source}"
snapshot = "2026-11-01"
snapshot_from = "tests"
min_entries = 10

[[list]]
name = "school"
file = "allow.txt"
format = "domains"
category = "allow"
action = "allow"
license = "CC0-1.0"
""")
    return root


Start = Callable[..., Awaitable[TestClient]]


@pytest.fixture
def start(aiohttp_client: ClientFactory, tmp_path: Path) -> Start:
    async def start(lists_dir: Path, interval: float = 1.0,
                    redis_url: str | None = None) -> TestClient:
        from service.web.app import create_app

        settings = Settings(lists_dir=lists_dir, data_dir=tmp_path / "var", rate_limit=0,
                            lists_poll_seconds=0, update_interval=interval, update_jitter=0.1,
                            redis_url=redis_url)
        return await aiohttp_client(TestServer(create_app(settings)))
    return start


async def wait_until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + DEADLINE
    while loop.time() < end:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what}: not within {DEADLINE} s")


async def verdict(client: TestClient, host: str) -> str:
    body = await (await client.get("/v1/check", params={"url": f"http://{host}/"})).json()
    return str(body["verdict"])


async def get_json(client: TestClient, path: str) -> Any:
    return await (await client.get(path)).json()


def sample(metrics: str, series: str) -> float:
    """The value of one series in a Prometheus text exposition."""
    found = re.search(rf"^{re.escape(series)} (\S+)$", metrics, re.M)
    assert found, f"{series} is not exported"
    return float(found.group(1))


def requests_for(feeds: FeedServer, name: str) -> int:
    return sum(1 for path, _ in feeds.requests if path == f"/feed/{name}")


async def test_the_schedule_fetches_and_serves_new_entries(
        feeds: FeedServer, tmp_path: Path, start: Start) -> None:
    url = feeds.put("grows", feed_text("domains", [*hosts(150), NEW]))
    client = await start(lists_with_feed(tmp_path / "lists", url, hosts(100)))
    assert await verdict(client, NEW) == "safe"  # the snapshot does not have it

    async def blocked() -> bool:
        return await verdict(client, NEW) == "dangerous"

    await wait_until(blocked, "the scheduled update did not serve the new entry")
    row = next(r for r in (await get_json(client, "/v1/lists"))["lists"] if r["name"] == "feed")
    assert (row["origin"], row["entries"], row["snapshot"]) == ("download", 151, "2026-11-01")
    ready = await get_json(client, "/readyz")
    assert ready["updates"]["last_run"]["ok"] is True and ready["updates"]["failing"] == {}
    metrics = await (await client.get("/metrics")).text()
    assert sample(metrics, 'linkguard_list_updates_total{list="feed",status="updated"}') == 1
    assert sample(metrics, 'linkguard_list_update_runs_total{result="ok"}') >= 1
    [status] = await feed_statuses(client.server.app)
    assert (status.name, status.last_status, status.entries) == ("feed", "updated", 151)
    assert status.next_at is not None and status.interval == 1.0


@pytest.mark.redis
async def test_the_schedule_runs_under_the_redis_lease_on_a_node_and_a_cluster(
        feeds: FeedServer, tmp_path: Path, start: Start, any_redis: str) -> None:
    url = feeds.put(f"leased-{len(feeds.bodies)}", feed_text("domains", [*hosts(150), NEW]))
    client = await start(lists_with_feed(tmp_path / "lists", url, hosts(100)),
                         redis_url=any_redis)
    scheduler = client.server.app[UPDATES]
    assert scheduler.lease.shared

    async def blocked() -> bool:
        return await verdict(client, NEW) == "dangerous"

    await wait_until(blocked, "the scheduled update did not serve the new entry")
    assert scheduler.runs["ok"] >= 1 and await scheduler.lease.next_due() is not None


@pytest.mark.redis
async def test_with_redis_down_the_replica_keeps_its_lists_fresh_itself(
        feeds: FeedServer, tmp_path: Path, start: Start, redis_own: RedisServer) -> None:
    name = f"degraded-{len(feeds.bodies)}"
    url = feeds.put(name, feed_text("domains", hosts(150)))
    client = await start(lists_with_feed(tmp_path / "lists", url, hosts(100)),
                         redis_url=redis_own.url)
    scheduler = client.server.app[UPDATES]

    async def ran() -> bool:
        return scheduler.runs["ok"] >= 1

    await wait_until(ran, "a first run with Redis up")
    redis_own.kill()
    feeds.put(name, feed_text("domains", [*hosts(150), NEW]))

    async def blocked() -> bool:
        return await verdict(client, NEW) == "dangerous"

    await wait_until(blocked, "no update while Redis was down")
    assert (await get_json(client, "/readyz"))["status"] == "degraded"


def bad_feed(feeds: FeedServer, kind: str) -> str:
    if kind == "shrunk":  # a download cut short but well-formed: 20 of 300 entries
        return feeds.put("shrunk", feed_text("domains", hosts(20)))
    return feeds.url("/truncated")  # the connection drops before Content-Length bytes


@pytest.mark.parametrize(("kind", "status"), [("shrunk", "refused"), ("cut", "failed")])
async def test_a_truncated_feed_is_refused_by_the_schedule_as_by_the_cli(
        feeds: FeedServer, tmp_path: Path, start: Start, kind: str, status: str) -> None:
    source = bad_feed(feeds, kind)
    root = lists_with_feed(tmp_path / "lists", source, hosts(300))
    twin = lists_with_feed(tmp_path / "twin", source, hosts(300))
    before = (root / "feeds/feed.txt").read_bytes()
    client = await start(root)

    async def failing() -> bool:  # the attempt on disk (readyz) and the run counted (metrics)
        ready = (await get_json(client, "/readyz"))["updates"]
        return ready["failing"] == {"feed": status} and client.server.app[UPDATES].failures > 0

    await wait_until(failing, "the refusal did not show in /readyz")
    assert (root / "feeds/feed.txt").read_bytes() == before  # the last good copy stays
    assert await verdict(client, hosts(300)[299]) == "dangerous"
    metrics = await (await client.get("/metrics")).text()
    assert sample(metrics, f'linkguard_list_updates_total{{list="feed",status="{status}"}}') >= 1
    assert sample(metrics, 'linkguard_list_update_runs_total{result="failed"}') >= 1
    assert sample(metrics, 'linkguard_list_update_runs_total{result="ok"}') == 0
    assert sample(metrics, "linkguard_list_update_consecutive_failures") >= 1
    # What `linkguard lists update` (the same function, no names) says on an identical copy:
    manifest = files.read_manifest(twin)
    [cli] = await update_lists(twin, select(manifest, ()), load_guard(twin, manifest),
                               time_limit=10, max_bytes=Settings().feed_max_bytes)
    meta = files.read_meta(root / "feeds/feed.txt")
    assert meta is not None and cli.status == meta.last_attempt["status"] == status


async def test_interval_zero_never_fetches(
        feeds: FeedServer, tmp_path: Path, start: Start) -> None:
    off = await start(lists_with_feed(tmp_path / "off", feeds.put(
        "off", feed_text("domains", hosts(100))), hosts(100)), interval=0)
    on = await start(lists_with_feed(tmp_path / "on", feeds.put(
        "on", feed_text("domains", hosts(100))), hosts(100)), interval=1)

    async def on_fetched() -> bool:  # the control: the same setup with updates on fetches
        return requests_for(feeds, "on") > 0

    await wait_until(on_fetched, "the control app never fetched")
    assert requests_for(feeds, "off") == 0
    assert UPDATES not in off.server.app and UPDATES in on.server.app
    ready = await get_json(off, "/readyz")
    assert ready["updates"] == {"interval": 0, "next_at": None, "last_run": None, "failing": {}}


async def test_no_network_at_first_start_serves_the_snapshot_and_backs_off(
        tmp_path: Path, start: Start, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="linkguard")
    client = await start(lists_with_feed(tmp_path / "lists", "http://127.0.0.1:9/feed",
                                         hosts(100)))
    scheduler = client.server.app[UPDATES]

    async def failed_twice() -> bool:
        return scheduler.runs["failed"] >= 2

    await wait_until(failed_twice, "the scheduler did not retry")
    assert await verdict(client, hosts(100)[0]) == "dangerous"  # the snapshot serves
    row = next(r for r in (await get_json(client, "/v1/lists"))["lists"] if r["name"] == "feed")
    assert (row["origin"], row["data_date"]) == ("snapshot", "2026-11-01")
    assert (await client.get("/healthz")).status == 200
    records = [r for r in caplog.records if r.name == "linkguard.updates"]
    assert any("next try in" in r.getMessage() for r in records)
    assert all(r.levelno <= logging.WARNING for r in records)  # a warning, not an error loop


@pytest.mark.parametrize(("interval", "failures", "pause"), [
    (21600, 1, RETRY_FIRST), (21600, 2, 2 * RETRY_FIRST), (21600, 4, 8 * RETRY_FIRST),
    (21600, 9, 256 * RETRY_FIRST), (21600, 10, 21600), (21600, 40, 21600),
    (90, 1, 60), (90, 2, 90), (1, 1, 1),
])
def test_backoff_doubles_up_to_the_interval(interval: float, failures: int, pause: float,
                                            tmp_path: Path) -> None:
    settings = Settings(update_interval=interval)
    scheduler = Scheduler(settings, LocalLease(), replica="r", lists=lambda: load_lists(
        settings.lists_dir, heuristics_only=True), on_run=_nothing)
    scheduler.failures = failures
    assert scheduler.backoff() == pause


async def _nothing(run: object) -> None:
    return None


@pytest.mark.parametrize(("raw", "ok"), [("0", True), ("1", True), ("21600", True),
                                         ("0.5", False), ("-1", False), ("soon", False)])
def test_update_interval_setting(raw: str, ok: bool) -> None:
    from service.core.errors import ConfigError

    if ok:
        assert Settings.from_env({"LINKGUARD_UPDATE_INTERVAL": raw}).update_interval == float(raw)
    else:
        with pytest.raises(ConfigError, match="LINKGUARD_UPDATE_INTERVAL"):
            Settings.from_env({"LINKGUARD_UPDATE_INTERVAL": raw})
