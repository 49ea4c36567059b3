"""List reloads announced to every replica over Redis pub/sub, and which version each serves.

A replica that reloaded its lists sets `lg:{lists}:version` and publishes on `lg:lists:reload`;
every other replica reloads and acknowledges by writing `{version, at}` under its replica id
in the hash `lg:{lists}:replicas` (refreshed every HEARTBEAT seconds; the hash expires when
every replica is gone). Pub/sub delivers only to connected subscribers, so a replica that
(re)subscribes compares the version key with the last one it saw and catches up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable

from redis.asyncio.client import PubSub

from service.core.errors import LinkGuardError
from service.store.redis_link import REDIS_ERRORS, RedisLink, pause, stop_task

log = logging.getLogger("linkguard.announce")

CHANNEL = "lg:lists:reload"
VERSION_KEY = "lg:{lists}:version"
REPLICAS_KEY = "lg:{lists}:replicas"
HEARTBEAT = 10.0  # seconds between acknowledgements
STALE_AFTER = 3.5 * HEARTBEAT  # a replica silent this long has gone away
RESUBSCRIBE_DELAY = 0.5
POLL = 0.2  # seconds per wait for a message: how soon the listener notices it must stop


def replica_id() -> str:
    """Host name (the container id under Docker) and pid: unique among running replicas."""
    return f"{socket.gethostname()}-{os.getpid()}"


class Announcer:
    """Without a link (no Redis) it only knows this process, and announcing is a no-op."""

    def __init__(
        self,
        link: RedisLink | None,
        *,
        replica: str,
        serving: Callable[[], str],
        reload: Callable[[], Awaitable[object]],
    ) -> None:
        self.replica = replica
        self._link = link
        self._serving = serving
        self._reload = reload
        self._seen: str | None = None  # the last announced version we acted on
        self._unsent: str | None = None  # announced while Redis was down
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def start(self) -> None:
        if self._link is None:
            return
        with contextlib.suppress(*REDIS_ERRORS):
            seen = await self._link.client.get(VERSION_KEY)
            self._seen = seen.decode() if isinstance(seen, bytes) else None
        self._link.on_recovery(self._resend)
        self._task = asyncio.get_running_loop().create_task(self._listen())

    async def announce(self) -> None:
        """Tell the other replicas that this one reloaded (call after a local reload)."""
        version = self._seen = self._serving()
        if self._link is None:
            return
        message = json.dumps({"version": version, "from": self.replica})
        try:
            await self._link.client.set(VERSION_KEY, version)
            await self._link.client.publish(CHANNEL, message)
            self._unsent = None
        except REDIS_ERRORS as exc:
            self._unsent = version
            self._link.failed(exc)
        await self.ack()

    async def _resend(self) -> None:
        if self._unsent is not None and self._unsent == self._serving():
            await self.announce()

    async def ack(self) -> None:
        if self._link is None:
            return
        entry = json.dumps({"version": self._serving(), "at": time.time()})
        try:
            await self._link.client.hset(REPLICAS_KEY, self.replica, entry)
            await self._link.client.expire(REPLICAS_KEY, int(STALE_AFTER * 2))
        except REDIS_ERRORS as exc:
            self._link.failed(exc)

    async def replicas(self) -> dict[str, str]:
        """Replica id -> lists version it serves (only this one without Redis or while down)."""
        mine = {self.replica: self._serving()}
        if self._link is None or not self._link.up:
            return mine
        try:
            raw = await self._link.client.hgetall(REPLICAS_KEY)
        except REDIS_ERRORS as exc:
            self._link.failed(exc)
            return mine
        found, stale, cutoff = {}, [], time.time() - STALE_AFTER
        for key, value in raw.items():
            name = key.decode() if isinstance(key, bytes) else str(key)
            try:
                doc = json.loads(value)
                if float(doc["at"]) >= cutoff:
                    found[name] = str(doc["version"])
                    continue
            except (ValueError, KeyError, TypeError):
                pass
            stale.append(name)
        if stale:
            with contextlib.suppress(*REDIS_ERRORS):
                await self._link.client.hdel(REPLICAS_KEY, *stale)
        return {**found, **mine}

    async def _listen(self) -> None:
        assert self._link is not None
        while not self._stop.is_set():
            try:
                pubsub = self._link.client.pubsub()
                try:
                    await pubsub.subscribe(CHANNEL)
                    await self._catch_up()
                    await self._receive(pubsub)
                finally:
                    with contextlib.suppress(*REDIS_ERRORS):
                        await pubsub.aclose()  # type: ignore[no-untyped-call]
            except REDIS_ERRORS:
                # The link's probe logs the outage once; we just subscribe again.
                await pause(self._stop, RESUBSCRIBE_DELAY)

    async def _receive(self, pubsub: PubSub) -> None:
        next_ack = time.monotonic()
        while not self._stop.is_set():
            if time.monotonic() >= next_ack:
                await self.ack()
                next_ack = time.monotonic() + HEARTBEAT
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=POLL)
            if message is None or message.get("type") != "message":
                continue
            try:
                doc = json.loads(message["data"])
                version, sender = str(doc["version"]), str(doc["from"])
            except (ValueError, KeyError, TypeError):
                continue
            if sender != self.replica:
                await self._follow(version)

    async def _catch_up(self) -> None:
        """After (re)subscribing: an announcement we missed while away is still in the key."""
        assert self._link is not None
        announced = await self._link.client.get(VERSION_KEY)
        version = announced.decode() if isinstance(announced, bytes) else None
        if version is not None and version != self._seen:
            await self._follow(version)
        else:
            await self.ack()

    async def _follow(self, version: str) -> None:
        self._seen = version
        if version != self._serving():
            try:
                await self._reload()
            except LinkGuardError as exc:  # a broken list: the old lists keep serving
                log.error("reload announced (%s) failed here: %s", version, exc.message)
        await self.ack()

    async def close(self) -> None:
        self._stop.set()
        if self._task is not None:
            await stop_task(self._task)
        if self._link is not None and self._link.up:
            with contextlib.suppress(*REDIS_ERRORS):
                await self._link.client.hdel(REPLICAS_KEY, self.replica)
