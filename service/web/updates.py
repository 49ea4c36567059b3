"""Wiring of the scheduled list updates: the loop lives with the app, reloads after a run, reports.

With Redis the lease is shared (service/store/update_lease.py): one replica downloads, reloads
and announces on the reload channel, and the others reload from the shared lists directory
(service/store/announce.py). Without Redis the process does it all. `/readyz` shows the last
run and the feeds whose last update failed, `/metrics` counts runs and outcomes, and
`feed_statuses(app)` gives the admin page one FeedStatus per feed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

from aiohttp import web
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from service.core.errors import ListError
from service.store.update_lease import LocalLease, RedisLease
from service.upkeep.schedule import FeedStatus, Run, Scheduler, feed_status
from service.web import listwatch
from service.web.metrics import METRICS
from service.web.state import ANNOUNCER, LISTS, REDIS, SETTINGS

log = logging.getLogger("linkguard.updates")

UPDATES = web.AppKey("updates", Scheduler)  # absent while LINKGUARD_UPDATE_INTERVAL=0
STOP_WAIT = 5.0  # seconds a run gets to stop at shutdown before it is cancelled
FAILED = ("failed", "refused")


def setup(app: web.Application) -> None:
    """Call after listwatch.setup: the loop starts once the backends (Redis) are attached."""
    app[METRICS].registry.register(_Collector(app))
    if app[SETTINGS].update_interval > 0:
        app.cleanup_ctx.append(_scheduled)


async def _scheduled(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    link = app.get(REDIS)
    replica = app[ANNOUNCER].replica
    lease = LocalLease() if link is None else RedisLease(link, replica=replica)

    async def after(run: Run) -> None:
        await _after(app, run)

    scheduler = Scheduler(settings, lease, replica=replica,
                          lists=lambda: app[LISTS].current, on_run=after)
    app[UPDATES] = scheduler
    task = asyncio.get_running_loop().create_task(scheduler.run_forever())
    log.info("scheduled list updates every %g s (LINKGUARD_UPDATE_INTERVAL)%s",
             settings.update_interval, ", one replica at a time (Redis)" if link else "")
    yield
    scheduler.stop.set()
    scheduler.abort()
    done, _ = await asyncio.wait({task}, timeout=STOP_WAIT)
    if not done:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _after(app: web.Application, run: Run) -> None:
    """A run that replaced a list: reload here and tell every replica (announce)."""
    if not run.changed:
        return
    try:
        result = await listwatch.reload_now(app, announce=True)
    except ListError as exc:
        log.error("scheduled list update wrote lists that do not load; the old lists keep "
                  "serving: %s", exc.message)
        return
    names = ", ".join(o.name for o in run.outcomes if o.status == "updated")
    log.info("scheduled list update: %s updated; serving %s", names, result.new_version)


async def feed_statuses(app: web.Application) -> tuple[FeedStatus, ...]:
    """One frozen FeedStatus per feed (list with a source): its last update and the next run.
    For the admin pages; works with updates off too (next_at is then None)."""
    scheduler = app.get(UPDATES)
    settings = app[SETTINGS]
    next_at = scheduler.next_at if scheduler is not None else None
    return await asyncio.to_thread(feed_status, settings.lists_dir, next_at=next_at,
                                   interval=settings.update_interval)


async def readiness(app: web.Application) -> dict[str, Any]:
    """For /readyz: the schedule, its last run on this replica, feeds whose update failed."""
    scheduler = app.get(UPDATES)
    try:
        feeds = await feed_statuses(app)
    except ListError:
        feeds = ()
    failing = {f.name: f.last_status for f in feeds
               if f.enabled and f.last_status in FAILED}
    body: dict[str, Any] = {"interval": app[SETTINGS].update_interval,
                            "next_at": None, "last_run": None, "failing": failing}
    if scheduler is not None:
        body["next_at"] = scheduler.next_at
        last = scheduler.last_run
        if last is not None:
            body["last_run"] = {"at": last.at, "ok": last.ok}
    return body


class _Collector(Collector):
    """Runs and outcomes of the scheduled updates on this replica, read at each scrape."""

    def __init__(self, app: web.Application) -> None:
        self._app = app

    def collect(self) -> Iterator[Metric]:
        scheduler = self._app.get(UPDATES)
        interval = GaugeMetricFamily("linkguard_list_update_interval_seconds",
                                     "LINKGUARD_UPDATE_INTERVAL (0: scheduled updates are off)")
        interval.add_metric([], self._app[SETTINGS].update_interval)
        runs = CounterMetricFamily("linkguard_list_update_runs",
                                   "Scheduled update runs this replica did, by result",
                                   labels=["result"])
        outcomes = CounterMetricFamily("linkguard_list_updates",
                                       "Feed updates by scheduled runs on this replica, by "
                                       "outcome (refused and failed keep the last good copy)",
                                       labels=["list", "status"])
        next_at = GaugeMetricFamily("linkguard_list_update_next_timestamp_seconds",
                                    "When the next scheduled update is due (Unix time)")
        failures = GaugeMetricFamily("linkguard_list_update_consecutive_failures",
                                     "Scheduled runs in a row with a failed or refused feed")
        if scheduler is not None:
            for result, count in scheduler.runs.items():
                runs.add_metric([result], count)
            for (name, status), count in sorted(scheduler.outcomes.items()):
                outcomes.add_metric([name, status], count)
            next_at.add_metric([], scheduler.next_at or 0)
            failures.add_metric([], scheduler.failures)
        yield from (interval, runs, outcomes, next_at, failures)
