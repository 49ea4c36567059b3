"""Single flight across replicas: a short Redis lock so N replicas resolve a new URL once.

The replica that wins `SET lg:lock:... NX PX` computes (after looking in the cache once more:
another replica may have finished between our miss and our lock); the others poll the cache
for its result, and compute themselves when the lock is gone without a result (the winner
failed) or the bounded wait is over. It is an optimisation, never a dependency: any Redis
error means "compute here", as the in-process default does.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable

from service.core.model import Assessment
from service.store.redis_link import REDIS_ERRORS, RedisLink

# Delete the lock only if it is still ours (it may have expired and been taken by another).
RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
POLL_INTERVAL = 0.025  # seconds between cache looks while another replica computes


class RedisFlight:
    """Implements `assess.Flight`. `hold` bounds the lock (a crashed holder frees it), `wait`
    bounds how long a follower waits; both a little above the resolver's time budget."""

    def __init__(self, link: RedisLink, *, hold: float, wait: float) -> None:
        self._link = link
        self._hold_ms = max(1, int(hold * 1000))
        self._wait = wait
        self._release = link.client.register_script(RELEASE_LUA)

    async def run(
        self,
        key: str,
        compute: Callable[[], Awaitable[Assessment]],
        cached: Callable[[], Awaitable[Assessment | None]],
    ) -> Assessment:
        if not self._link.up:
            return await compute()
        lock = "lg:lock:" + key.removeprefix("lg:")
        token = secrets.token_hex(8)
        try:
            won = await self._link.client.set(lock, token, nx=True, px=self._hold_ms)
        except REDIS_ERRORS as exc:
            self._link.failed(exc)
            return await compute()
        if won:
            try:
                return await cached() or await compute()
            finally:
                await self._unlock(lock, token)
        return await self._follow(lock, compute, cached)

    async def _follow(
        self,
        lock: str,
        compute: Callable[[], Awaitable[Assessment]],
        cached: Callable[[], Awaitable[Assessment | None]],
    ) -> Assessment:
        deadline = time.monotonic() + self._wait
        while time.monotonic() < deadline and self._link.up:
            await asyncio.sleep(POLL_INTERVAL)
            hit = await cached()
            if hit is not None:
                return hit
            try:
                held = await self._link.client.exists(lock)
            except REDIS_ERRORS as exc:
                self._link.failed(exc)
                break
            if not held:  # the winner finished without caching, or failed: one last look
                return await cached() or await compute()
        return await compute()

    async def _unlock(self, lock: str, token: str) -> None:
        if not self._link.up:
            return  # the lock expires on its own
        try:
            await self._release(keys=[lock], args=[token])
        except REDIS_ERRORS as exc:
            self._link.failed(exc)
