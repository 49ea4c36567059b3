"""The daily counters' wiring: the check and report hooks, the flusher, the 30-day summary.

The hook is the assessor's observer (every check, cached or not, passes through it once: one
dict increment, see CheckTally) and one call in the report route. What is counted: the
verdict level, each reason *family* (the part of a reason code before the dot: `lookalike`,
`invite`, `blocklist`...), the lists version that answered, and a report's kind. Never a
URL, a host or a client address.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from aiohttp import web

from service.assess import Observer
from service.core.model import Assessment
from service.store.counters import (
    DAYS_KEPT,
    Counters,
    Day,
    MemoryCounters,
    RedisCounters,
    day_of,
    field_name,
)
from service.store.redis_link import pause, stop_task
from service.web.state import REDIS

COUNTERS: web.AppKey[Counters] = web.AppKey("counters")
FLUSH_SECONDS = 2.0
LEVELS = ("safe", "suspicious", "dangerous")


def check_fields(result: Assessment) -> list[str]:
    """The counter fields one check adds to (each reason family once per check)."""
    families = sorted({code.split(".", 1)[0] for code in result.verdict.codes})
    return [field_name("check", result.verdict.level),
            field_name("lists", result.lists_version),
            *(field_name("reason", family) for family in families)]


CheckKey = tuple[str, str, str, tuple[str, ...]]  # day, level, lists version, reason codes


class CheckTally:
    """Checks not yet counted. A check costs one dict increment keyed by what it will count
    (its day, verdict, lists version and reason codes); `drain` expands the keys into counter
    fields, every FLUSH_SECONDS and before a read."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._pending: Counter[CheckKey] = Counter()

    def add(self, result: Assessment) -> None:
        verdict = result.verdict
        self._pending[(day_of(self._clock()), verdict.level, result.lists_version,
                       verdict.codes)] += 1

    def drain(self, counters: Counters) -> None:
        pending, self._pending = self._pending, Counter()
        per_day: dict[str, Counter[str]] = {}
        for (day, level, version, codes), n in pending.items():
            bucket = per_day.setdefault(day, Counter())
            bucket[field_name("check", level)] += n
            bucket[field_name("lists", version)] += n
            for family in {code.split(".", 1)[0] for code in codes}:
                bucket[field_name("reason", family)] += n
        for day, counts in per_day.items():
            counters.add(day, counts)


TALLY = web.AppKey("check_tally", CheckTally)


class CountingObserver:
    """The assessor's observer: hands every hook to `inner` (metrics), and tallies checks."""

    def __init__(self, app: web.Application, inner: Observer) -> None:
        self._tally = app.get(TALLY)
        self._inner = inner

    def cache_lookup(self, hit: bool) -> None:
        self._inner.cache_lookup(hit)

    def checked(self, result: Assessment, seconds: float) -> None:
        self._inner.checked(result, seconds)
        if self._tally is not None:
            self._tally.add(result)


def reported(app: web.Application, kind: str) -> None:
    """The report route's hook: one report of `kind` today."""
    counters = app.get(COUNTERS)
    if counters is not None:
        counters.count([field_name("report", kind)])


def setup(app: web.Application) -> None:
    app[TALLY] = CheckTally()
    app.cleanup_ctx.append(attach)


async def attach(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx after the backends: Redis counters or memory, and the task that moves the
    check tally into them (and, with Redis, sends it) every FLUSH_SECONDS."""
    link = app.get(REDIS)
    counters: Counters = MemoryCounters() if link is None else RedisCounters(link)
    app[COUNTERS] = counters
    tally = app[TALLY]
    stop = asyncio.Event()

    async def flusher() -> None:
        while not await pause(stop, FLUSH_SECONDS):
            tally.drain(counters)
            await counters.flush()

    task = asyncio.get_running_loop().create_task(flusher())
    try:
        yield
    finally:
        stop.set()
        await stop_task(task)
        tally.drain(counters)
        with contextlib.suppress(Exception):  # a last flush; Redis may already be gone
            await counters.flush()


@dataclass(frozen=True, slots=True)
class Summary:
    """What the trends page draws: the days, and per-day series by verdict and kind."""

    days: tuple[str, ...]
    checks: dict[str, list[int]]  # level -> one count per day
    reports: dict[str, list[int]]  # kind -> one count per day
    reasons: list[tuple[str, int]]  # family, total over the window, most common first
    versions: list[tuple[str, str, str, int]]  # version, first day, last day, checks
    partial: bool = False

    @property
    def total_checks(self) -> int:
        return sum(sum(v) for v in self.checks.values())


def summarize(days: list[Day], kinds: tuple[str, ...], *, partial: bool = False) -> Summary:
    checks = {level: [d.group("check").get(level, 0) for d in days] for level in LEVELS}
    reports = {kind: [d.group("report").get(kind, 0) for d in days] for kind in kinds}
    reasons: Counter[str] = Counter()
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    served: Counter[str] = Counter()
    for d in days:
        reasons.update(d.group("reason"))
        for version, n in d.group("lists").items():
            first.setdefault(version, d.day)
            last[version] = d.day
            served[version] += n
    versions = sorted(((v, first[v], last[v], served[v]) for v in served),
                      key=lambda row: (row[2], row[1]), reverse=True)
    return Summary(tuple(d.day for d in days), checks, reports, reasons.most_common(12),
                   versions, partial)


async def summary(app: web.Application, kinds: tuple[str, ...]) -> Summary:
    counters = app[COUNTERS]
    app[TALLY].drain(counters)
    days = await counters.days(DAYS_KEPT)
    return summarize(days, kinds, partial=bool(getattr(counters, "degraded", False)))
