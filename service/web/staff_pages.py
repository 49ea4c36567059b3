"""The lists health page (with "update now") and the 30-day trends page of the staff pages.

"Update now" runs `linkguard lists update`'s own path (updater.select, load_guard,
update_lists with the feed time limit, size cap and proxy from the settings, so the same
guards refuse a bad download) in a worker thread, one run at a time in this process, then
reloads the lists on every replica. What each list's metadata recorded (upkeep/files.py,
`<file>.meta.json`) is shown as it is. The next scheduled update comes from the update
scheduler (service.web.updates) when LINKGUARD_UPDATE_INTERVAL is on; with Redis, "update
now" takes the scheduled updates' lease too, so it never runs beside a run on another
replica. NEXT_UPDATE overrides where the next update time comes from (list name -> time).
"""

from __future__ import annotations

import asyncio
import calendar
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from service.core.errors import LinkGuardError
from service.store.redis_link import pause
from service.store.reports import KINDS
from service.store.update_lease import RedisLease
from service.upkeep import files
from service.upkeep.loader import ListInfo
from service.upkeep.schedule import LEASE_MAX
from service.upkeep.updater import load_guard, select, update_lists
from service.web import admin, charts, listwatch, trends, updates
from service.web.sessions import CURRENT
from service.web.staff_guard import action, flash, page, render, take_flash
from service.web.staff_guard import field as form_field
from service.web.staff_texts import translator
from service.web.state import ANNOUNCER, LISTS, REDIS, SETTINGS

log = logging.getLogger("linkguard.lists")

# An override of the next update time: list name -> epoch seconds, or None.
NEXT_UPDATE: web.AppKey[Callable[[str], float | None]] = web.AppKey("next_scheduled_update")
SNAPSHOT_HEADERS = ("last updated", "last modified", "updated", "date", "snapshot", "version")


@dataclass
class UpdateRun:
    """The last "update now" of this process: running, or its outcome per list."""

    running: bool = False
    names: tuple[str, ...] = ()
    finished_at: str | None = None
    outcomes: list[tuple[str, str, str]] = field(default_factory=list)  # name, status, message
    task: asyncio.Task[None] | None = None


UPDATES = web.AppKey("staff_updates", UpdateRun)


def _epoch(iso: str | None) -> float | None:
    try:
        return float(calendar.timegm(time.strptime(iso or "", "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return None


def age(iso: str | None, now: float) -> str:
    """'3 d 4 h', '5 h 2 min', '7 min' since `iso`; '—' when unknown."""
    then = _epoch(iso)
    if then is None:
        return "—"
    minutes = max(0, int(now - then) // 60)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def snapshot_date(info: ListInfo, meta: dict[str, Any] | None) -> str:
    """When the copy on disk was downloaded, or what the feed's own header says."""
    if meta and meta.get("fetched_at"):
        return str(meta["fetched_at"])
    for name in SNAPSHOT_HEADERS:
        if info.header.get(name):
            return info.header[name][:40]
    return "—"


def next_update(app: web.Application, info: ListInfo) -> str:
    """The next scheduled update of a feed: the NEXT_UPDATE hook when set, else the update
    scheduler's next run (service.web.updates) for an enabled list with a source; else —."""
    schedule = app.get(NEXT_UPDATE)
    if schedule is not None:
        when = schedule(info.name)
    else:
        scheduler = app.get(updates.UPDATES)
        when = (scheduler.next_at if scheduler is not None and info.source and info.enabled
                else None)
    return "—" if when is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))


@page
async def lists_page(request: web.Request) -> web.StreamResponse:
    app = request.app
    current = app[LISTS].current
    rows = await asyncio.to_thread(admin.list_rows, current.infos)
    now = time.time()
    for info, row in zip(current.infos, rows, strict=True):
        row.update(age=age(info.updated_at, now), snapshot=snapshot_date(info, row["update"]),
                   next=next_update(app, info))
    state = app[listwatch.RELOADS]
    return render(request, "lists.html", {
        "rows": rows, "version": current.version, "loaded_at": current.loaded_at,
        "reload_error": state.last_error, "run": app[UPDATES],
        "flash": await take_flash(request),
    })


@action
async def update_now(request: web.Request) -> web.StreamResponse:
    app, t = request.app, translator(request[CURRENT].lang)
    run = app[UPDATES]
    name = form_field(request, "list", 64)
    if run.running:
        await flash(request, t("lists.update_busy"))
        raise web.HTTPSeeOther("/admin/lists")
    settings = app[SETTINGS]
    try:
        manifest = await asyncio.to_thread(files.read_manifest, settings.lists_dir)
        specs = select(manifest, [name] if name else [])
    except LinkGuardError as exc:
        await flash(request, exc.message)
        raise web.HTTPSeeOther("/admin/lists") from None
    lease = _lease(app)
    if lease is not None and not await lease.acquire(LEASE_MAX):
        await flash(request, t("lists.update_busy"))  # a scheduled run, or another replica's
        raise web.HTTPSeeOther("/admin/lists")
    run.running, run.names, run.outcomes = True, tuple(s.name for s in specs), []
    run.task = asyncio.get_running_loop().create_task(_update(app, specs, manifest, lease))
    await flash(request, t("lists.update_started", names=", ".join(run.names) or "—"))
    raise web.HTTPSeeOther("/admin/lists")


def _lease(app: web.Application) -> RedisLease | None:
    """With Redis, the scheduled updates' lease (a lease object of our own: the scheduler's
    keeps its own state), so "update now" never runs beside a run on any replica."""
    link = app.get(REDIS)
    return None if link is None else RedisLease(
        link, replica=f"{app[ANNOUNCER].replica}:update-now")


async def _update(app: web.Application, specs: list[Any], manifest: Any,
                  lease: RedisLease | None) -> None:
    settings, run = app[SETTINGS], app[UPDATES]
    lists_dir = Path(settings.lists_dir)
    done = asyncio.Event()
    keeper = (asyncio.get_running_loop().create_task(_hold_lease(lease, done))
              if lease is not None else None)
    try:
        guard = await asyncio.to_thread(load_guard, lists_dir, manifest)
        # Its own event loop in a worker thread: parsing a large feed must not stall checks.
        outcomes = await asyncio.to_thread(asyncio.run, update_lists(
            lists_dir, specs, guard, time_limit=settings.feed_timeout,
            max_bytes=settings.feed_max_bytes, proxy=settings.feed_proxy))
        run.outcomes = [(o.name, o.status, o.message) for o in outcomes]
        if any(o.status == "updated" for o in outcomes):
            await listwatch.reload_now(app, announce=True)
    except LinkGuardError as exc:
        run.outcomes.append(("—", "failed", exc.message))
    except Exception:  # the page must say it failed; the log has the traceback
        log.exception("update now failed")
        run.outcomes.append(("—", "failed", "unexpected error; see the service log"))
    finally:
        run.running, run.finished_at = False, files.iso_now()
        done.set()
        if keeper is not None and lease is not None:
            await keeper
            await lease.release()


async def _hold_lease(lease: RedisLease, done: asyncio.Event) -> None:
    """Renew the lease while "update now" runs, as a scheduled run does."""
    while not await pause(done, LEASE_MAX / 3):
        await lease.renew(LEASE_MAX)


@page
async def trends_page(request: web.Request) -> web.StreamResponse:
    summary = await trends.summary(request.app, KINDS)
    return render(request, "trends.html", {
        "summary": summary,
        "checks": charts.stacked(summary.days, summary.checks),
        "reports": charts.stacked(summary.days, summary.reports),
        "reasons": charts.ranked(summary.reasons),
        "version": request.app[LISTS].current.version,
    })


async def _cleanup(app: web.Application) -> Any:
    app[UPDATES] = UpdateRun()
    yield
    task = app[UPDATES].task
    if task is not None and not task.done():
        task.cancel()


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(_cleanup)
    app.router.add_get("/admin/lists", lists_page)
    app.router.add_post("/admin/lists/update", update_now)
    app.router.add_get("/admin/trends", trends_page)
