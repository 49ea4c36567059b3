"""Rate limits: who a client is, the GCRA bucket, and 429 + Retry-After in process and in Redis."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from service.settings import Settings
from service.store.ratelimit import MemoryLimiter, client_address, identity, parse_networks
from service.web.app import HANDLER_ARGS, create_app

PROXIES = parse_networks(["10.0.0.0/8", "fd00::/8"])

IDENTITY_CASES = [
    # peer, X-Forwarded-For, expected client
    ("203.0.113.7", None, "203.0.113.7"),
    ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # untrusted peer: its header is ignored
    ("10.0.0.2", "198.51.100.1", "198.51.100.1"),  # our proxy: the address it saw
    ("10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a spoofed left entry is ignored
    ("10.0.0.2", "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two proxies of ours
    ("10.0.0.2", "10.0.0.8, 10.0.0.9", "10.0.0.8"),  # all ours: the leftmost
    ("10.0.0.2", "garbage, 198.51.100.1", "198.51.100.1"),
    ("10.0.0.2", "198.51.100.1, garbage", "10.0.0.2"),  # a proxy of ours wrote garbage
    ("10.0.0.2", "", "10.0.0.2"),
    ("::ffff:203.0.113.7", None, "203.0.113.7"),  # IPv4-mapped IPv6 is the IPv4 client
    ("2001:db8:1:2:3:4:5:6", None, "2001:db8:1:2::/64"),  # one IPv6 host holds a /64
    ("2001:db8:1:2:ffff::1", None, "2001:db8:1:2::/64"),
    ("fd00::1", "[2001:db8::9]", "2001:db8::/64"),
    (None, None, "unknown"),
]


@pytest.mark.parametrize(("peer", "xff", "expected"), IDENTITY_CASES)
def test_client_address(peer: str | None, xff: str | None, expected: str) -> None:
    assert client_address(peer, xff, PROXIES) == expected


def test_an_api_key_is_the_client_whatever_the_address() -> None:
    assert identity("203.0.113.7", None, PROXIES, "school-a") == "key:school-a"
    assert identity("203.0.113.7", None, PROXIES, None) == "ip:203.0.113.7"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_bucket_of_n_refills_one_every_60_over_n_seconds() -> None:
    clock = Clock()
    limiter = MemoryLimiter(6, clock=clock)  # one token per 10 s
    assert [await limiter.hit("a") for _ in range(6)] == [0.0] * 6
    assert await limiter.hit("a") == pytest.approx(10.0)
    assert await limiter.hit("b") == 0.0  # another client has its own bucket
    clock.now += 9.5
    assert await limiter.hit("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert await limiter.hit("a") == 0.0
    assert await limiter.hit("a") == pytest.approx(10.0)
    clock.now += 60
    assert [await limiter.hit("a") for _ in range(7)][-2:] == [0.0, pytest.approx(10.0)]


async def test_memory_limiter_forgets_full_buckets_first() -> None:
    clock = Clock()
    limiter = MemoryLimiter(60, clock=clock, max_tracked=3)
    for who in "abc":
        await limiter.hit(who)
    clock.now += 5  # every bucket is full again
    await limiter.hit("d")
    assert len(limiter._tat) == 1


async def over_the_limit(clients: list[TestClient], limit: int,
                         headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Send `limit` requests round robin (all 200), then one more: it must be a 429."""
    for i in range(limit):
        resp = await clients[i % len(clients)].get(
            "/v1/check", params={"url": f"http://site{i}.example.com/", "resolve": "never"},
            headers=headers or {})
        assert resp.status == 200, await resp.text()
    resp = await clients[limit % len(clients)].get("/v1/check", params={"url": "http://x.test/"},
                                                    headers=headers or {})
    assert resp.status == 429
    assert 1 <= int(resp.headers["Retry-After"]) <= 60
    body: dict[str, Any] = await resp.json()
    assert body["error"]["code"] == "rate_limited"
    return body


async def make(aiohttp_client: Any, settings: Settings) -> TestClient:
    server = TestServer(create_app(settings))
    await server.start_server(**HANDLER_ARGS)
    client: TestClient = await aiohttp_client(server)
    return client


async def test_in_process_limit_answers_429_and_spares_health(
    aiohttp_client: Any, settings: Settings
) -> None:
    client = await make(aiohttp_client, settings.replace(rate_limit=5))
    await over_the_limit([client], 5)
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/readyz")).status == 200
    preflight = await client.options("/v1/check", headers={
        "Origin": "chrome-extension://abc", "Access-Control-Request-Method": "POST"})
    assert preflight.status == 204


async def test_forwarded_clients_count_apart_only_behind_a_trusted_proxy(
    aiohttp_client: Any, settings: Settings
) -> None:
    trusted = await make(aiohttp_client, settings.replace(
        rate_limit=3, trusted_proxies=("127.0.0.1/32",)))
    await over_the_limit([trusted], 3, {"X-Forwarded-For": "198.51.100.1"})
    await over_the_limit([trusted], 3, {"X-Forwarded-For": "198.51.100.2"})  # a fresh bucket
    untrusted = await make(aiohttp_client, settings.replace(rate_limit=3))
    await over_the_limit([untrusted], 3, {"X-Forwarded-For": "198.51.100.1"})
    resp = await untrusted.get("/v1/check", params={"url": "http://x.test/"},
                               headers={"X-Forwarded-For": "198.51.100.9"})
    assert resp.status == 429  # the header is not believed: still the same client


async def test_zero_turns_limits_off(aiohttp_client: Any, settings: Settings) -> None:
    client = await make(aiohttp_client, settings.replace(rate_limit=0))
    for i in range(30):
        resp = await client.get("/v1/check", params={"url": f"http://s{i}.example.com/"})
        assert resp.status == 200


@pytest.mark.redis
async def test_limits_count_across_replicas_sharing_redis(
    aiohttp_client: Any, settings: Settings, any_redis: str
) -> None:
    shared = settings.replace(rate_limit=6, redis_url=any_redis)
    a, b = await make(aiohttp_client, shared), await make(aiohttp_client, shared)
    await over_the_limit([a, b], 6)
    resp = await a.get("/v1/check", params={"url": "http://x.test/"})
    assert resp.status == 429  # both replicas see the same bucket


@pytest.mark.redis
async def test_redis_limits_fall_back_to_local_ones_while_redis_is_down(
    aiohttp_client: Any, settings: Settings, redis_own: Any
) -> None:
    client = await make(aiohttp_client, settings.replace(rate_limit=4, redis_url=redis_own.url))
    redis_own.kill()
    await over_the_limit([client], 4)  # still limited, by the in-process bucket
