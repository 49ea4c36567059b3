"""The verdict cache on a real Redis (one node and a cluster): keys, TTLs, languages, replicas."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis_fixtures import RedisServer

from service.assess import TTL_BY_LEVEL, cache_key
from service.core.model import Assessment, Hop, Verdict
from service.resolve.guard import GuardPolicy
from service.settings import Settings
from service.store.flight import RedisFlight
from service.store.redis_link import RedisLink, connect
from service.web.app import HANDLER_ARGS, create_app
from service.web.reload import reload_lists
from tests.servers import Seen, TestDNS, chain_app

pytestmark = pytest.mark.redis

MakeClient = Callable[..., Awaitable[TestClient]]


@pytest.fixture
async def make_client(aiohttp_client: Any, settings: Settings) -> MakeClient:
    """A test client of an app on `redis_url` (several apps on one Redis act as replicas)."""

    async def make(redis_url: str, **changes: Any) -> TestClient:
        app = create_app(settings.replace(redis_url=redis_url, **changes))
        server = TestServer(app)
        await server.start_server(**HANDLER_ARGS)
        client: TestClient = await aiohttp_client(server)
        return client

    return make


@pytest.fixture
async def raw_redis(any_redis: str) -> AsyncIterator[Any]:
    client = connect(any_redis)
    yield client
    await client.aclose()


async def check(client: TestClient, url: str, **extra: Any) -> dict[str, Any]:
    resp = await client.post("/v1/check", json={"url": url, "resolve": "never", **extra})
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    return body


async def test_keys_carry_the_lists_version_and_a_reload_retires_them(
    make_client: MakeClient, any_redis: str, raw_redis: Any, lists_dir: Path
) -> None:
    client = await make_client(any_redis)
    url = "http://fresh.example.com/page"
    first = await check(client, url)
    old_key = cache_key(first["lists_version"], "never", first["canonical_url"])
    assert first["cached"] is False and await raw_redis.exists(old_key) == 1
    assert (await check(client, url))["cached"] is True

    phishing = lists_dir / "test/phishing.txt"
    phishing.write_text(phishing.read_text() + "fresh.example.com\n")
    await reload_lists(client.server.app)
    after = await check(client, url)
    assert after["lists_version"] != first["lists_version"]
    assert after["cached"] is False and after["verdict"] == "dangerous"
    assert await raw_redis.exists(cache_key(after["lists_version"], "never", url)) == 1
    assert await raw_redis.exists(old_key) == 1  # retired by its key, not flushed


@pytest.mark.parametrize(
    ("url", "verdict"),
    [
        ("http://login.evil-phish.test/account", "dangerous"),  # test blocklist
        ("http://trusted.example.org/", "safe"),  # test allowlist
        ("http://192.168.1.1/login", None),  # whatever the heuristics say, its TTL must follow
    ],
)
async def test_ttl_follows_the_verdict(
    make_client: MakeClient, any_redis: str, raw_redis: Any, url: str, verdict: str | None
) -> None:
    client = await make_client(any_redis)
    body = await check(client, url)
    if verdict is not None:
        assert body["verdict"] == verdict
    expected = TTL_BY_LEVEL[body["verdict"]]
    assert body["ttl"] == expected
    ttl = await raw_redis.ttl(cache_key(body["lists_version"], "never", body["canonical_url"]))
    assert expected - 5 <= ttl <= expected


async def test_one_cached_entry_renders_in_both_languages(
    make_client: MakeClient, any_redis: str
) -> None:
    client = await make_client(any_redis)
    en = await check(client, "http://login.evil-phish.test/a", lang="en")
    vi = await check(client, "http://login.evil-phish.test/a", lang="vi")
    assert en["cached"] is False and vi["cached"] is True
    assert [r["code"] for r in en["reasons"]] == [r["code"] for r in vi["reasons"]]
    assert en["reasons"][0]["message"] != vi["reasons"][0]["message"]
    assert en["lang"] == "en" and vi["lang"] == "vi"


async def test_a_verdict_computed_on_one_replica_is_cached_on_another(
    make_client: MakeClient, any_redis: str
) -> None:
    a, b = await make_client(any_redis), await make_client(any_redis)
    first = await check(a, "http://phish.example.com/x")
    second = await check(b, "HTTP://PHISH.example.com/x")
    assert first["cached"] is False and second["cached"] is True
    assert second["verdict"] == first["verdict"] == "dangerous"


def _assessment(n: int) -> Assessment:
    return Assessment(url="http://x.test/", canonical_url="http://x.test/",
                      final_url="http://x.test/", verdict=Verdict(n, "safe", (), None),
                      redirects=(Hop("http://x.test/", None),), lists_version="v",
                      cached=False, ttl=60)


async def test_replicas_computing_one_new_url_at_once_compute_it_once(any_redis: str) -> None:
    """Five replicas (links) ask for one key together; only the lock holder computes."""
    links = [RedisLink.from_url(any_redis) for _ in range(5)]
    flights = [RedisFlight(link, hold=5, wait=4) for link in links]
    computed: list[int] = []
    done = asyncio.Event()

    async def compute(n: int) -> Assessment:
        computed.append(n)
        await asyncio.sleep(0.2)  # a slow chain: the others must wait, not compute
        done.set()
        return _assessment(n)

    async def cached() -> Assessment | None:
        return _assessment(computed[0]) if done.is_set() else None

    try:
        results = await asyncio.gather(*(
            f.run("lg:v:x:never:abc", lambda n=n: compute(n), cached)  # type: ignore[misc]
            for n, f in enumerate(flights)
        ))
    finally:
        for link in links:
            await link.close()
    assert len(computed) == 1
    assert {r.verdict.score for r in results} == {computed[0]}


async def test_redis_down_at_start_degrades_logs_once_and_recovers(
    make_client: MakeClient, redis_own: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    redis_own.kill()
    caplog.set_level(logging.WARNING, logger="linkguard.redis")
    client = await make_client(redis_own.url)
    for _ in range(3):
        assert (await check(client, "http://phish.example.com/y"))["verdict"] == "dangerous"
    ready = await (await client.get("/readyz")).json()
    assert ready["status"] == "degraded" and ready["redis"]["up"] is False
    assert (await check(client, "http://phish.example.com/y"))["cached"] is True  # in-process
    downs = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(downs) == 1

    redis_own.start()
    for _ in range(100):
        ready = await (await client.get("/readyz")).json()
        if ready["status"] == "ready":
            break
        await asyncio.sleep(0.05)
    assert ready["status"] == "ready" and ready["redis"]["outages"] == 1
    assert [r for r in caplog.records if "is back" in r.getMessage()]
    assert (await check(client, "http://phish.example.com/z"))["cached"] is False
    assert (await check(client, "http://phish.example.com/z"))["cached"] is True  # via Redis


async def test_replicas_share_one_redirect_resolution(
    aiohttp_server: Any, aiohttp_client: Any, lists_dir: Path, tmp_path: Path, any_redis: str
) -> None:
    """Two replicas, four simultaneous checks of one new short link: the chain's slow hop is
    fetched as often as one resolution fetches it, not once per replica."""
    seen = Seen()
    upstream = await aiohttp_server(chain_app(seen), host="127.0.0.1")
    with (lists_dir / "reference/url-shorteners.txt").open("a") as f:
        f.write("\nshort.test\n")
    settings = Settings(lists_dir=lists_dir, data_dir=tmp_path / "var", rate_limit=0,
                        redis_url=any_redis)
    policy = GuardPolicy.from_settings(settings, test_allowance=[("127.0.0.1", upstream.port)])
    clients = []
    for _ in range(2):
        server = TestServer(create_app(settings, dns=TestDNS(), policy=policy))
        await server.start_server(**HANDLER_ARGS)
        clients.append(await aiohttp_client(server))

    def link(n: int) -> str:
        return f"http://short.test:{upstream.port}/go?to=/pause/{n}"

    await check(clients[0], link(1), resolve="always")  # how many fetches one resolution makes
    one = sum(v for (_, path), v in seen.hits.items() if path == "/pause/1")
    results = await asyncio.gather(*(check(c, link(2), resolve="always") for c in clients * 2))
    shared = sum(v for (_, path), v in seen.hits.items() if path == "/pause/2")
    assert one >= 1 and shared == one
    assert sorted(r["cached"] for r in results).count(False) <= 2  # one per replica at most
    assert {r["final_url"] for r in results} == {f"http://short.test:{upstream.port}/pause/2"}
