"""Daily counters (in process and in real Redis), the trends page built from them, sessions."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import TestClient, TestServer

from service.core.model import Assessment, Signal, Verdict
from service.settings import Settings
from service.store.counters import (
    DAYS_KEPT,
    KEY_PREFIX,
    TTL_SECONDS,
    Day,
    MemoryCounters,
    RedisCounters,
    day_of,
    field_name,
    last_days,
)
from service.store.redis_link import RedisLink
from service.store.sessions import LIFETIME, SessionStore
from service.web import charts, trends
from tests.conftest import ClientFactory
from tests.test_staff import TOKEN, logged_in

DAY = 86400.0
T0 = 1_795_953_600.0  # 2026-11-29T12:00:00Z


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("timestamp", "expected"), [
    (0, "1970-01-01"), (T0, "2026-11-29"), (T0 + DAY, "2026-11-30")])  # fmt: skip
def test_days_are_utc_dates(timestamp: float, expected: str) -> None:
    assert day_of(timestamp) == expected


def test_the_window_is_thirty_days_ending_today() -> None:
    days = last_days(T0)
    assert len(days) == DAYS_KEPT and days[-1] == day_of(T0) and days[0] == day_of(T0 - 29 * DAY)


@pytest.mark.parametrize(("group", "name"), [("url", "x"), ("client", "1.2.3.4"), ("", "a")])
def test_only_known_groups_can_be_counted(group: str, name: str) -> None:
    with pytest.raises(ValueError, match="unknown counter group"):
        field_name(group, name)


async def test_memory_counters_count_per_day_and_forget_after_thirty_days() -> None:
    clock = Clock()
    counters = MemoryCounters(clock=clock)
    counters.count(["check:safe", "check:safe", "reason:lookalike"])
    clock.now += DAY
    counters.count(["check:dangerous", "report:scam"])
    days = await counters.days()
    assert days[-2].group("check") == {"safe": 2} and days[-2].group("reason") == {"lookalike": 1}
    assert days[-1].group("check") == {"dangerous": 1} and days[-1].total("report") == 1
    clock.now += 40 * DAY
    counters.count(["check:safe"])
    assert sum(d.total("check") for d in await counters.days()) == 1


@pytest.mark.redis
async def test_redis_counters_are_shared_and_expire(redis_url: str) -> None:
    clock = Clock()
    links = [RedisLink.from_url(redis_url), RedisLink.from_url(redis_url)]
    one, two = (RedisCounters(link, clock=clock) for link in links)
    one.count(["check:safe", "lists:v1"])
    two.count(["check:safe", "check:dangerous"])
    await one.flush()
    # two has not flushed: one replica's reading sees only what was sent, plus its own tally
    assert (await one.days(1))[0].group("check") == {"safe": 1}
    assert (await two.days(1))[0].group("check") == {"safe": 2, "dangerous": 1}  # days() flushes
    raw = aioredis.from_url(redis_url)
    key = KEY_PREFIX + day_of(T0)
    assert 0 < await raw.ttl(key) <= TTL_SECONDS
    fields = {k.decode() for k in await raw.hkeys(key)}
    assert fields == {"check:safe", "check:dangerous", "lists:v1"}
    await raw.aclose()
    for link in links:
        await link.close()


@pytest.mark.redis
async def test_a_failed_flush_keeps_the_tally(redis_own: object) -> None:
    link = RedisLink.from_url(redis_own.url)  # type: ignore[attr-defined]
    counters = RedisCounters(link, clock=Clock())
    counters.count(["check:safe"])
    redis_own.kill()  # type: ignore[attr-defined]
    await counters.flush()  # fails: marks Redis down, keeps the count
    assert counters.degraded
    assert (await counters.days(1))[0].group("check") == {"safe": 1}
    await link.close()


def test_the_tally_expands_into_counter_fields_per_day() -> None:
    clock = Clock()
    tally, counters = trends.CheckTally(clock=clock), MemoryCounters(clock=clock)
    verdict = Verdict(81, "dangerous", (Signal("lookalike.combosquat", 75, {}),
                                        Signal("lookalike.skeleton", 60, {}),
                                        Signal("url.suspicious_tld", 25, {})))
    result = Assessment(url="http://x.top/", canonical_url="http://x.top/",
                        final_url="http://x.top/", verdict=verdict, redirects=(),
                        lists_version="v9", cached=False, ttl=60)
    tally.add(result)
    tally.add(result)
    clock.now += DAY
    tally.add(result)
    tally.drain(counters)
    tally.drain(counters)  # drained: nothing twice
    yesterday, today = asyncio.run(counters.days(2))
    assert yesterday.counts == {"check:dangerous": 2, "lists:v9": 2, "reason:lookalike": 2,
                                "reason:url": 2}
    assert today.total("check") == 1 and sorted(trends.check_fields(result)) == sorted(
        today.counts)


def test_summary_groups_checks_reports_reasons_and_versions() -> None:
    days = [Day("2026-11-28", {"check:safe": 3, "reason:allowlist": 3, "lists:v1": 3}),
            Day("2026-11-29", {"check:dangerous": 2, "reason:lookalike": 2, "report:scam": 1,
                               "lists:v1": 1, "lists:v2": 1})]
    s = trends.summarize(days, ("scam", "lure"))
    assert s.checks["safe"] == [3, 0] and s.checks["dangerous"] == [0, 2] and s.total_checks == 5
    assert s.reports == {"scam": [0, 1], "lure": [0, 0]}
    assert s.reasons == [("allowlist", 3), ("lookalike", 2)]
    assert s.versions == [("v2", "2026-11-29", "2026-11-29", 1),
                          ("v1", "2026-11-28", "2026-11-29", 4)]


@pytest.mark.parametrize(("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20),
                                            (120, 200), (501, 1000)])
def test_the_axis_top_is_a_round_number(value: int, top: int) -> None:
    assert charts.nice_ceiling(value) == top


def test_stacked_bars_are_proportional_and_keep_their_values() -> None:
    chart = charts.stacked(["d1", "d2"], {"a": [2, 0], "b": [3, 1]}, width=200, height=124)
    assert chart.peak == 5 and [(b.series, b.day, b.value) for b in chart.bars] == [
        ("a", "d1", 2), ("b", "d1", 3), ("b", "d2", 1)]
    plot = 124 - charts.TOP - charts.BOTTOM
    assert sum(b.height for b in chart.bars if b.day == "d1") == pytest.approx(plot)
    assert chart.bars[2].height == pytest.approx(plot / 5)
    assert chart.bars[1].y + chart.bars[1].height == pytest.approx(chart.bars[0].y)
    assert charts.stacked(["d"], {"a": [0]}).empty


async def test_the_trends_page_draws_the_counts_that_checks_and_reports_made(
        aiohttp_client: ClientFactory, settings: Settings) -> None:
    from service.web.app import create_app

    staff = await aiohttp_client(TestServer(create_app(settings.replace(
        admin_token=TOKEN, lists_poll_seconds=0))))
    urls = ["http://evil-phish.test/a", "http://evil-phish.test/a",  # the second one is cached
            "http://trusted.example.org/", "https://zalo.me/g/abcdef"]
    for url in urls:
        assert (await staff.get("/v1/check", params={"url": url})).status == 200
    await staff.post("/v1/reports", json={"url": "http://evil-phish.test/", "kind": "lure"})
    await logged_in(staff)
    page = await (await staff.get("/admin/trends")).text()
    bars = dict(re.findall(r'data-series="(\w+)" data-value="(\d+)"', page))
    assert bars == {"dangerous": "2", "safe": "1", "suspicious": "1", "lure": "1"}
    families = dict(re.findall(r'data-family="(\w+)" data-value="(\d+)"', page))
    assert families["blocklist"] == "2" and families["invite"] == "1"
    assert "evil-phish" not in page and "zalo.me" not in page  # counts only


async def test_without_an_admin_token_nothing_is_counted(client: TestClient) -> None:
    await client.get("/v1/check", params={"url": "http://evil-phish.test/"})
    assert trends.COUNTERS not in client.app and trends.TALLY not in client.app


async def test_counters_hold_no_url_and_no_client_address(
        aiohttp_client: ClientFactory, settings: Settings) -> None:
    from service.web.app import create_app

    client = await aiohttp_client(TestServer(create_app(settings.replace(
        admin_token=TOKEN, lists_poll_seconds=0))))
    await client.get("/v1/check", params={"url": "http://private-name.test/secret-path"})
    await client.post("/v1/reports", json={"url": "http://private-name.test/", "kind": "scam"})
    counters = client.app[trends.COUNTERS]
    client.app[trends.TALLY].drain(counters)  # what the flusher does every 2 seconds
    days = await counters.days(1)
    text = repr(days)
    assert "private-name" not in text and "secret" not in text and "127.0.0.1" not in text
    assert days[0].total("check") == 1 and days[0].total("report") == 1


async def test_sessions_end_after_eight_hours() -> None:
    clock = Clock()
    store = SessionStore(clock=clock)
    sid, session = await store.create(lang="en")
    assert await store.get(sid) == session and session.expires_at == T0 + LIFETIME
    clock.now += LIFETIME - 1
    assert await store.get(sid) is not None
    clock.now += 2
    assert await store.get(sid) is None
    assert await store.get(None) is None and await store.get("x" * 500) is None


@pytest.mark.redis
async def test_redis_sessions_are_keyed_by_a_hash_and_expire(redis_url: str) -> None:
    link = RedisLink.from_url(redis_url)
    store = SessionStore(link)
    sid, session = await store.create()
    other_link = RedisLink.from_url(redis_url)
    other = SessionStore(other_link)  # another replica sees it
    assert await other.get(sid) == session
    raw = aioredis.from_url(redis_url)
    keys = [k.decode() for k in await raw.keys("lg:staff:*")]
    assert len(keys) == 1 and sid not in keys[0]
    assert 0 < await raw.ttl(keys[0]) <= LIFETIME
    await store.delete(sid)
    assert await other.get(sid) is None
    await raw.aclose()
    await link.close()
    await other_link.close()


@pytest.mark.redis
async def test_with_redis_two_replicas_share_the_session_and_the_counts(
        aiohttp_client: ClientFactory, settings: Settings, redis_url: str) -> None:
    from service.web.app import create_app

    config = settings.replace(admin_token=TOKEN, lists_poll_seconds=0, redis_url=redis_url)
    one = await aiohttp_client(TestServer(create_app(config)))
    two = await aiohttp_client(TestServer(create_app(config)))
    for client, url in ((one, "http://evil-phish.test/1"), (two, "http://evil-phish.test/2"),
                        (two, "http://trusted.example.org/")):
        assert (await client.get("/v1/check", params={"url": url})).status == 200
    await logged_in(one)
    cookie = one.session.cookie_jar.filter_cookies(one.make_url("/admin/"))["lg_staff"]
    two.session.cookie_jar.update_cookies({"lg_staff": cookie.value}, two.make_url("/admin/"))
    for replica in (one, two):  # what each replica's flusher does every 2 seconds
        replica.app[trends.TALLY].drain(replica.app[trends.COUNTERS])
        await replica.app[trends.COUNTERS].flush()
    page = await two.get("/admin/trends", allow_redirects=False)
    assert page.status == 200  # one's session, read from Redis by the other replica
    bars = dict(re.findall(r'data-series="(\w+)" data-value="(\d+)"', await page.text()))
    assert bars == {"dangerous": "2", "safe": "1"}
    raw = aioredis.from_url(redis_url)
    stored = {k.decode(): v.decode() for k, v in
              (await raw.hgetall(KEY_PREFIX + day_of(time.time()))).items()}
    await raw.aclose()
    assert stored["check:dangerous"] == "2" and not any("evil" in k for k in stored)
