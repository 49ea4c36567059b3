"""The Redis connection (one node or a Cluster) and whether it answers: outages logged once.

URLs: `redis://[user:pass@]host:6379/0`, `rediss://...` (TLS), `unix:///path/redis.sock`, and
`redis+cluster://host:7000` / `rediss+cluster://host:7000` for Redis Cluster (any one node
is enough; the client discovers the others with CLUSTER SLOTS).

While Redis is down every adapter serves from its in-process fallback without trying Redis
on each request (a request never waits out a connect timeout); one background task pings until
it answers, then the recovery callbacks run (the report spool is replayed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisClusterException, RedisError

from service.settings import redact_url

log = logging.getLogger("linkguard.redis")

# What a Redis call may raise when the server is down, restarting or unreachable.
# (RedisClusterException is not a RedisError; TimeoutError is an OSError.)
REDIS_ERRORS: tuple[type[BaseException], ...] = (RedisError, RedisClusterException, OSError)

CLUSTER_SCHEMES = {"redis+cluster": "redis", "rediss+cluster": "rediss"}
CONNECT_TIMEOUT = 0.5  # seconds; loopback or LAN
SOCKET_TIMEOUT = 1.0  # a hung Redis costs a request at most this (then we degrade)
PROBE_INTERVAL = 0.5  # seconds between pings while Redis is down
STOP_WAIT = 3.0  # seconds a background task gets to finish at shutdown

Client = Redis | RedisCluster


def is_cluster(url: str) -> bool:
    return urlsplit(url).scheme in CLUSTER_SCHEMES


def connect(url: str) -> Client:
    """A client for `url` (no connection is made yet). One retry without backoff: the first
    command after a Redis restart meets a dead pooled connection and must simply reconnect."""
    options: dict[str, Any] = {
        "socket_connect_timeout": CONNECT_TIMEOUT,
        "socket_timeout": SOCKET_TIMEOUT,
        "retry": Retry(NoBackoff(), 1),
    }
    parts = urlsplit(url)
    if parts.scheme in CLUSTER_SCHEMES:
        plain = urlunsplit(parts._replace(scheme=CLUSTER_SCHEMES[parts.scheme]))
        return RedisCluster.from_url(plain, **options)
    return Redis.from_url(url, **options)


class RedisLink:
    """A client plus its health. Adapters check `up` before a call and report `failed(exc)`."""

    def __init__(self, client: Client, *, url: str, probe_interval: float = PROBE_INTERVAL):
        self.client = client
        self.url = redact_url(url)
        self.kind = "redis-cluster" if isinstance(client, RedisCluster) else "redis"
        self.outages = 0
        self.errors = 0  # every failed call, for linkguard_redis_errors_total (service.web.metrics)
        self._up = True
        self._down_since: float | None = None
        self._probe_interval = probe_interval
        self._probe: asyncio.Task[None] | None = None
        self._recovery: list[Callable[[], Awaitable[object]]] = []
        self._stop = asyncio.Event()

    @classmethod
    def from_url(cls, url: str) -> RedisLink:
        return cls(connect(url), url=url)

    @property
    def up(self) -> bool:
        return self._up

    def on_recovery(self, callback: Callable[[], Awaitable[object]]) -> None:
        """Run `callback` each time Redis answers again after an outage."""
        self._recovery.append(callback)

    async def start(self) -> None:
        """Check Redis once; a service whose Redis is down still starts (degraded)."""
        try:
            await self.client.ping()
        except REDIS_ERRORS as exc:
            self.failed(exc)

    def failed(self, exc: BaseException) -> None:
        """Called by an adapter whose Redis call failed: log the outage once, start probing."""
        self.errors += 1
        if not self._up:
            return
        self._up = False
        self.outages += 1
        self._down_since = time.time()
        log.warning("redis %s unreachable (%s: %s); serving degraded: in-process cache and "
                    "limits, reports spooled to disk", self.url, type(exc).__name__, exc)
        self._probe = asyncio.get_running_loop().create_task(self._probe_until_up())

    async def _probe_until_up(self) -> None:
        while not await pause(self._stop, self._probe_interval):
            try:
                await self.client.ping()
            except REDIS_ERRORS:
                continue
            break
        if self._stop.is_set():
            return
        down_for = time.time() - (self._down_since or time.time())
        self._up, self._down_since = True, None
        log.warning("redis %s is back after %.1fs", self.url, down_for)
        for callback in self._recovery:
            try:
                await callback()
            except Exception:  # one failed callback must not stop the others
                log.exception("redis recovery step failed")

    def status(self) -> dict[str, Any]:
        """For /readyz: whether Redis answers, since when it does not, how often it failed."""
        return {
            "backend": self.kind,  # no URL: /readyz is public, the Redis address is not
            "up": self._up,
            "down_since": self._down_since,
            "outages": self.outages,
        }

    async def close(self) -> None:
        self._stop.set()
        if self._probe is not None:
            await stop_task(self._probe)
        await self.client.aclose()


async def pause(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep `seconds` or until `stop` is set; True when stopping."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


async def stop_task(task: asyncio.Task[None]) -> None:
    """Wait for a background task that saw its stop event; cancel it only as a last resort.

    Cancelling a task in the middle of a redis-py command can swallow the cancellation and
    leave the task waiting forever (redis/redis-py#2028, #2665 are of this family), so our
    loops stop at a safe point between commands instead.
    """
    done, _ = await asyncio.wait({task}, timeout=STOP_WAIT)
    if not done:
        task.cancel()
        await asyncio.wait({task}, timeout=STOP_WAIT)
    elif not task.cancelled() and task.exception() is not None:
        log.error("redis background task failed", exc_info=task.exception())
