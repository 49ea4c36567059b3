"""Scheduled `lists update` inside the service: every enabled feed with a source, every interval.

A run is exactly `linkguard lists update` with no names (same selection, same guards: a feed
that fails, shrinks too much or breaks is refused and the last good copy keeps serving), done
in a worker thread so requests keep being answered. The loop sleeps until the due time (shared
by every replica through the lease, see service/store/update_lease.py) plus a random jitter,
takes the lease, checks that no other replica did the run meanwhile, runs, and sets the next
due time: one interval after a run where every feed is fine, and after a failure a backoff that
doubles from RETRY_FIRST up to the interval (a school without internet gets one warning per
feed and try, not an error loop). Nothing here raises into the service.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from service.settings import Settings
from service.upkeep import files
from service.upkeep.loader import Lists
from service.upkeep.updater import Outcome, load_guard, select, update_lists

log = logging.getLogger("linkguard.updates")

STARTUP_DELAY = 30.0  # seconds after start before a first run (capped by the interval), and
# the most jitter a first run gets
RETRY_FIRST = 60.0  # seconds before the first retry after a failed run; doubles, up to the interval
LEASE_MAX = 60.0  # seconds: the lease's TTL (renewed while a run lasts), at most half the interval


class Lease(Protocol):
    """service.store.update_lease.LocalLease or RedisLease."""

    shared: bool

    async def next_due(self) -> float | None: ...
    async def acquire(self, ttl: float) -> bool: ...
    async def renew(self, ttl: float) -> bool: ...
    async def release(self) -> None: ...
    async def finished(self, record: dict[str, Any]) -> None: ...


@dataclass(frozen=True, slots=True)
class Run:
    """One scheduled run on this replica: when, whether every feed was fine, what each did."""

    at: float
    ok: bool
    changed: bool  # a list file was replaced: the lists must be reloaded
    outcomes: tuple[Outcome, ...]
    error: str | None = None  # the run itself failed (a broken manifest, a bug)


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """What the admin page shows for one feed: its copy, its last update and the next one.

    `last_*` come from the list's `.meta.json` (written by every update, scheduled or by the
    CLI, on whichever replica did it), so every replica sharing the lists directory agrees."""

    name: str
    source: str
    enabled: bool
    last_attempt_at: str | None  # ISO 8601 UTC
    last_status: str | None  # updated | unchanged | not_modified | refused | failed
    last_message: str | None
    fetched_at: str | None  # when the copy on disk was downloaded (None: the shipped snapshot)
    entries: int
    next_at: float | None  # Unix time of the next scheduled run (None: updates are off)
    interval: float


class Scheduler:
    """The update loop of one replica; `run_forever` until `stop` is set."""

    def __init__(self, settings: Settings, lease: Lease, *, replica: str,
                 lists: Callable[[], Lists], on_run: Callable[[Run], Awaitable[None]]) -> None:
        self.settings = settings
        self.replica = replica
        self.interval = settings.update_interval
        self.lease = lease
        self._lists = lists
        self._on_run = on_run
        self.next_at: float | None = None
        self.failures = 0  # consecutive failed runs, for the backoff
        self.runs: dict[str, int] = {"ok": 0, "failed": 0}  # runs done by this replica
        self.outcomes: dict[tuple[str, str], int] = {}  # (list, status) -> count
        self.last_run: Run | None = None
        self.stop = asyncio.Event()
        self._abort: Callable[[], object] | None = None

    @property
    def lease_ttl(self) -> float:
        return max(1.0, min(LEASE_MAX, self.interval / 2))

    def backoff(self) -> float:
        return float(min(self.interval, RETRY_FIRST * 2 ** max(0, self.failures - 1)))

    async def run_forever(self) -> None:
        self.next_at = await asyncio.to_thread(self._first_due)
        while not self.stop.is_set():
            try:
                await self._step()
            except Exception:  # the loop outlives any surprise; a run is retried later
                log.exception("scheduled list update failed unexpectedly")
                await self._pause(self.backoff())

    async def _step(self) -> None:
        shared = await self.lease.next_due()
        due = shared if shared is not None else self.next_at
        self.next_at = due
        spread = self.settings.update_jitter * self.interval
        if shared is None and self.last_run is None:
            spread = min(spread, STARTUP_DELAY)  # a first start waits seconds, not half an hour
        jitter = random.uniform(0, spread)  # noqa: S311 - spreads load, guards no secret
        # At most one interval: a due time left in Redis by an older, longer interval is moot.
        wait = min(self.interval, max(0.0, (due or 0) - time.time()))
        if await self._pause(wait + jitter):
            return
        if not await self.lease.acquire(self.lease_ttl):
            await self._pause(self.lease_ttl)  # another replica runs it; its due time follows
            return
        try:
            again = await self.lease.next_due()
            if again is not None and again > time.time():
                self.next_at = again  # another replica did this run while we slept
                return
            run = await self._run_with_lease()
            self.failures = 0 if run.ok else self.failures + 1
            pause = self.interval if run.ok else self.backoff()
            self.next_at = time.time() + pause
            await self.lease.finished(_record(run, due, self.next_at, self.replica))
            if not run.ok:
                log.warning("scheduled list update: %s; next try in %.0f s",
                            _problems(run), pause)
            await self._on_run(run)
        finally:
            await self.lease.release()

    async def _run_with_lease(self) -> Run:
        done = asyncio.Event()
        keeper = asyncio.get_running_loop().create_task(self._keep_lease(done))
        try:
            return await self.run_once()
        finally:
            # Stopped between Redis calls, never cancelled in one (service/store/redis_link.py).
            done.set()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper

    async def _keep_lease(self, done: asyncio.Event) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), self.lease_ttl / 3)
            if done.is_set():
                return
            if not await self.lease.renew(self.lease_ttl):
                log.warning("scheduled list update: lost the update lease mid-run; "
                            "another replica may download too")
                return

    async def run_once(self) -> Run:
        """One run of `lists update` for every enabled feed with a source, in a thread."""
        started = time.time()
        try:
            outcomes = await asyncio.to_thread(self._update_in_thread)
        except Exception as exc:  # ListError (broken manifest, unwritable file) or a bug
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            run = Run(started, False, False, (), error=message)
        else:
            ok = all(outcome.ok for outcome in outcomes)
            changed = any(outcome.status == "updated" for outcome in outcomes)
            run = Run(started, ok, changed, tuple(outcomes))
        self.runs["ok" if run.ok else "failed"] += 1
        for outcome in run.outcomes:
            key = (outcome.name, outcome.status)
            self.outcomes[key] = self.outcomes.get(key, 0) + 1
        self.last_run = run
        return run

    def _update_in_thread(self) -> list[Outcome]:
        lists_dir = self.settings.lists_dir
        manifest = files.read_manifest(lists_dir)
        specs = select(manifest, ())
        if not specs:
            return []
        guard = load_guard(lists_dir, manifest, lists=self._lists())
        loop = asyncio.new_event_loop()  # the thread's own: downloads never touch the app's
        try:
            task = loop.create_task(update_lists(
                lists_dir, specs, guard, time_limit=self.settings.feed_timeout,
                max_bytes=self.settings.feed_max_bytes, proxy=self.settings.feed_proxy))
            self._abort = lambda: loop.call_soon_threadsafe(task.cancel)
            return loop.run_until_complete(task)
        finally:
            self._abort = None
            loop.close()

    def abort(self) -> None:
        """Cancel a run in progress (at shutdown): files are replaced atomically, so a run
        stopped anywhere leaves each list whole, old or new."""
        abort = self._abort
        if abort is not None:
            with contextlib.suppress(RuntimeError):  # its loop closed meanwhile
                abort()

    def _first_due(self) -> float:
        """Soon after start, unless every feed was checked within the interval (a restart does
        not download again): then one interval after the stalest check."""
        soon = time.time() + min(self.interval, STARTUP_DELAY)
        try:
            specs = select(files.read_manifest(self.settings.lists_dir), ())
        except Exception:  # a broken manifest is reported by the run itself
            return soon
        checked = []
        for spec in specs:
            meta = files.read_meta(files.list_path(self.settings.lists_dir, spec))
            stamp = _unix(meta.checked_at) if meta is not None else None
            if stamp is None:
                return soon
            checked.append(stamp)
        return max(soon, min(checked) + self.interval) if checked else soon

    async def _pause(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), seconds)
        return self.stop.is_set()

    def status(self) -> tuple[FeedStatus, ...]:
        """One FeedStatus per list with a source (enabled or not), for the admin page. Reads
        the small `.meta.json` files: call it from a thread (asyncio.to_thread)."""
        return feed_status(self.settings.lists_dir, next_at=self.next_at,
                           interval=self.interval)


def feed_status(lists_dir: Path, *, next_at: float | None, interval: float
                ) -> tuple[FeedStatus, ...]:
    """The status of every feed in the manifest at `lists_dir` (see FeedStatus)."""
    rows = []
    for spec in files.read_manifest(lists_dir).lists:
        if not spec.source:
            continue
        meta = files.read_meta(files.list_path(lists_dir, spec))
        attempt = meta.last_attempt if meta is not None else {}
        rows.append(FeedStatus(
            name=spec.name, source=spec.source, enabled=spec.enabled,
            last_attempt_at=attempt.get("at"), last_status=attempt.get("status"),
            last_message=attempt.get("message"),
            fetched_at=meta.fetched_at if meta is not None else None,
            entries=meta.entries if meta is not None else 0,
            next_at=next_at if spec.enabled and interval > 0 else None, interval=interval))
    return tuple(rows)


def _record(run: Run, due: float | None, next_at: float, replica: str) -> dict[str, Any]:
    return {"at": run.at, "due": due, "next": next_at, "by": replica, "ok": run.ok,
            "error": run.error, "lists": {o.name: o.status for o in run.outcomes}}


def _problems(run: Run) -> str:
    if run.error is not None:
        return run.error
    return "; ".join(f"{o.name} {o.status}: {o.message}" for o in run.outcomes if not o.ok)


def _unix(iso: str | None) -> float | None:
    if not iso:
        return None
    try:
        return float(calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")))
    except (ValueError, OverflowError):
        return None
