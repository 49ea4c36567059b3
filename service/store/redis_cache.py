"""The verdict cache in Redis, shared by every replica; an in-process cache while Redis is down.

Keys come from `assess.cache_key` (`lg:v:<lists version>:<mode>:<hash>`), so a list reload
retires old verdicts without a flush, and on a Cluster they spread over every slot. Values
are `codec` bytes (reason codes, not text: one entry renders in any language).
"""

from __future__ import annotations

from service.store.cache import MemoryCache
from service.store.redis_link import REDIS_ERRORS, RedisLink


class RedisCache:
    """Implements `cache.Cache`; never raises into a request: a failing Redis is reported to
    the link (logged once) and the in-process fallback answers until Redis is back."""

    def __init__(self, link: RedisLink, *, fallback: MemoryCache) -> None:
        self._link = link
        self._fallback = fallback

    async def get(self, key: str) -> bytes | None:
        if self._link.up:
            try:
                value = await self._link.client.get(key)
                return value if isinstance(value, bytes) else None
            except REDIS_ERRORS as exc:
                self._link.failed(exc)
        return await self._fallback.get(key)

    async def set(self, key: str, value: bytes, ttl: int) -> None:
        if ttl <= 0:
            return
        if self._link.up:
            try:
                await self._link.client.set(key, value, ex=ttl)
                return
            except REDIS_ERRORS as exc:
                self._link.failed(exc)
        await self._fallback.set(key, value, ttl)

    async def close(self) -> None:
        await self._fallback.close()  # the link is closed by its owner
