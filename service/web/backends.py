"""Backends for the settings: Redis shared by every replica (LINKGUARD_REDIS_URL), or in-process.

Both give the same features: a verdict cache, per-client rate limits, durable reports and list
reloads. With Redis each adapter keeps an in-process fallback for outages (DESIGN.md: degrade,
never fail); without it nothing here needs a running Redis (`make run`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from aiohttp import web

from service.assess import Flight
from service.core.errors import LinkGuardError
from service.settings import Settings
from service.store.announce import Announcer, replica_id
from service.store.cache import MemoryCache
from service.store.flight import RedisFlight
from service.store.ratelimit import MemoryLimiter, RateGate, RedisLimiter
from service.store.redis_cache import RedisCache
from service.store.redis_link import RedisLink
from service.store.redis_reports import RedisReportStore
from service.store.reports import FileReportStore
from service.store.spool import Spool
from service.web.reload import Reloaded, reload_lists
from service.web.state import ANNOUNCER, CACHE, LIMITER, LISTS, REDIS, REPORTS, SETTINGS

log = logging.getLogger("linkguard")

REPORTS_FILE = "reports.jsonl"  # the in-process store (no Redis)
SPOOL_FILE = "reports-spool.jsonl"  # reports waiting for Redis to come back


@contextlib.asynccontextmanager
async def attach(app: web.Application) -> AsyncIterator[Flight | None]:
    """Set CACHE, REPORTS, LIMITER, ANNOUNCER (and REDIS) on `app` for its lifetime; yields the
    cross-replica single flight for the assessor (None in-process)."""
    settings = app[SETTINGS]
    memory = MemoryCache(settings.cache_size)
    announcer = Announcer(None, replica=replica_id(), serving=lambda: app[LISTS].current.version,
                          reload=lambda: reload_lists(app))
    if settings.redis_url is None:
        app[CACHE] = memory
        app[REPORTS] = FileReportStore(Path(settings.data_dir) / REPORTS_FILE)
        if settings.rate_limit:
            app[LIMITER] = _gate(settings, MemoryLimiter(settings.rate_limit))
        app[ANNOUNCER] = announcer
        try:
            yield None
        finally:
            await memory.close()
        return
    link = RedisLink.from_url(settings.redis_url)
    await link.start()
    app[REDIS] = link
    app[CACHE] = RedisCache(link, fallback=memory)
    store = RedisReportStore(link, spool=Spool(Path(settings.data_dir) / SPOOL_FILE))
    app[REPORTS] = store
    if settings.rate_limit:
        limiter = RedisLimiter(link, settings.rate_limit,
                               fallback=MemoryLimiter(settings.rate_limit))
        app[LIMITER] = _gate(settings, limiter)
    announcer = Announcer(link, replica=announcer.replica,
                          serving=lambda: app[LISTS].current.version,
                          reload=lambda: reload_lists(app))
    app[ANNOUNCER] = announcer
    await store.start()
    await announcer.start()
    budget = settings.resolve_timeout
    try:
        yield RedisFlight(link, hold=budget + 2, wait=budget + 1)
    finally:
        await announcer.close()
        await memory.close()
        await link.close()


def _gate(settings: Settings, limiter: MemoryLimiter | RedisLimiter) -> RateGate:
    return RateGate(limiter, trusted_proxies=settings.trusted_proxies)


async def reload_everywhere(app: web.Application) -> Reloaded:
    """Reload the lists here, then announce it so every replica reloads (no-op without Redis).
    Raises ListError like `reload.reload_lists` (the old lists keep serving everywhere)."""
    result = await reload_lists(app)
    await app[ANNOUNCER].announce()
    return result


async def readiness(app: web.Application) -> dict[str, Any]:
    """/readyz: degraded (still answering) while Redis is down, and what each replica serves."""
    link = app.get(REDIS)
    announcer = app[ANNOUNCER]
    body: dict[str, Any] = {
        "status": "degraded" if link is not None and not link.up else "ready",
        "backend": "in-process" if link is None else link.kind,
        "replica": announcer.replica,
        "replicas": await announcer.replicas(),
    }
    if link is not None:
        body["redis"] = link.status()
    return body


async def reload_on_sighup(app: web.Application) -> None:
    """on_startup hook of `linkguard serve`: `kill -HUP` reloads the lists on every replica
    (the usual daemon convention; `docker compose kill -s HUP linkguard`)."""
    tasks: set[asyncio.Task[None]] = set()

    async def reload() -> None:
        try:
            result = await reload_everywhere(app)
            log.info("SIGHUP: serving lists %s", result.new_version)
        except LinkGuardError as exc:
            log.error("SIGHUP: reload failed, the old lists keep serving: %s", exc.message)

    def handler() -> None:
        task = asyncio.get_running_loop().create_task(reload())
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, handler)
