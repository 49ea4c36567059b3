"""The in-process cache: TTL expiry and LRU bounds, with a controlled clock."""

from __future__ import annotations

from service.store.cache import MemoryCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_get_returns_until_ttl_then_expires() -> None:
    clock = Clock()
    cache = MemoryCache(10, clock=clock)
    await cache.set("lg:a", b"1", ttl=5)
    assert await cache.get("lg:a") == b"1"
    clock.now += 5
    assert await cache.get("lg:a") is None
    assert len(cache) == 0


async def test_least_recently_used_goes_first() -> None:
    cache = MemoryCache(2, clock=Clock())
    await cache.set("a", b"1", ttl=60)
    await cache.set("b", b"2", ttl=60)
    assert await cache.get("a") == b"1"  # a is now the most recent
    await cache.set("c", b"3", ttl=60)
    assert await cache.get("b") is None
    assert await cache.get("a") == b"1"
    assert await cache.get("c") == b"3"


async def test_zero_ttl_and_zero_size_store_nothing() -> None:
    cache = MemoryCache(0, clock=Clock())
    await cache.set("a", b"1", ttl=60)
    assert await cache.get("a") is None
    cache = MemoryCache(5, clock=Clock())
    await cache.set("a", b"1", ttl=0)
    assert await cache.get("a") is None
