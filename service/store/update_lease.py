"""Scheduled list updates across replicas: a Redis lease with a TTL, and the shared next due time.

One replica at a time downloads: it takes `lg:{lists}:update:lock` with `SET NX PX` (the value
is its token), renews it while it works, and deletes it only if it still holds it. When done it
writes the next due time to `lg:{lists}:update:next` and a record of the run to the capped list
`lg:{lists}:update:runs`, so every replica sleeps until the same moment and the first to wake
does the next run. A replica killed while holding the lease frees it when the TTL runs out.
Any Redis error means "coordinate in process" (the replica keeps its own lists fresh, as
without Redis) until Redis answers again.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from service.store.redis_link import REDIS_ERRORS, RedisLink

LOCK_KEY = "lg:{lists}:update:lock"
NEXT_KEY = "lg:{lists}:update:next"
RUNS_KEY = "lg:{lists}:update:runs"
RUNS_KEPT = 100

# Touch the lease only while it is still ours (it may have expired and been taken by another).
RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
RENEW_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


class LocalLease:
    """One process, no Redis: the lease is always ours and the due time lives in memory."""

    shared = False

    def __init__(self) -> None:
        self._next: float | None = None

    async def next_due(self) -> float | None:
        return self._next

    async def acquire(self, ttl: float) -> bool:
        return True

    async def renew(self, ttl: float) -> bool:
        return True

    async def release(self) -> None:
        return None

    async def finished(self, record: dict[str, Any]) -> None:
        self.remember(float(record["next"]))

    def remember(self, due: float) -> None:
        self._next = due


class RedisLease:
    """The Redis lease for `replica`; falls back to a LocalLease while Redis is down."""

    shared = True

    def __init__(self, link: RedisLink, *, replica: str) -> None:
        self._link = link
        self._token = f"{replica}:{secrets.token_hex(8)}"
        self._local = LocalLease()
        self._held_in_redis = False
        self._release = link.client.register_script(RELEASE_LUA)
        self._renew = link.client.register_script(RENEW_LUA)

    async def next_due(self) -> float | None:
        if self._link.up:
            try:
                raw = await self._link.client.get(NEXT_KEY)
                if raw is None:
                    return await self._local.next_due()
                due = float(raw)
                self._local.remember(due)  # if Redis goes away, keep the shared schedule
                return due
            except REDIS_ERRORS as exc:
                self._link.failed(exc)
            except ValueError:
                pass
        return await self._local.next_due()

    async def acquire(self, ttl: float) -> bool:
        self._held_in_redis = False
        if not self._link.up:
            return True  # degraded: every replica keeps its own lists fresh
        try:
            got = await self._link.client.set(LOCK_KEY, self._token, nx=True, px=_ms(ttl))
        except REDIS_ERRORS as exc:
            self._link.failed(exc)
            return True
        self._held_in_redis = bool(got)
        return self._held_in_redis

    async def renew(self, ttl: float) -> bool:
        if not self._held_in_redis:
            return True
        try:
            return bool(await self._renew(keys=[LOCK_KEY], args=[self._token, _ms(ttl)]))
        except REDIS_ERRORS as exc:
            self._link.failed(exc)
            return False

    async def release(self) -> None:
        if not self._held_in_redis:
            return
        self._held_in_redis = False
        try:
            await self._release(keys=[LOCK_KEY], args=[self._token])
        except REDIS_ERRORS as exc:
            self._link.failed(exc)  # the TTL frees it

    async def finished(self, record: dict[str, Any]) -> None:
        await self._local.finished(record)
        if not self._link.up:
            return
        try:
            async with self._link.client.pipeline(transaction=False) as pipe:
                pipe.set(NEXT_KEY, repr(float(record["next"])))
                pipe.lpush(RUNS_KEY, json.dumps(record, sort_keys=True))
                pipe.ltrim(RUNS_KEY, 0, RUNS_KEPT - 1)
                await pipe.execute()
        except REDIS_ERRORS as exc:
            self._link.failed(exc)


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))
