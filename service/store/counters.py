"""Daily counters for the staff trends page, in Redis (shared, with a TTL) or in process.

Only counts are kept, one bucket per UTC day: checks by verdict, reason families, reports by
kind and checks served per lists version. A field is `<group>:<name>` (`check:dangerous`,
`reason:lookalike`, `report:scam`, `lists:<version>`); nothing in a field or a key names a URL
or a client. `count` and `add` are synchronous and only add to an in-process tally, so the
check path never waits on Redis; with Redis a background task (or a read) flushes the tally
as one pipeline of HINCRBY + EXPIRE per day touched. A failed flush keeps it for the next.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from service.store.redis_link import REDIS_ERRORS, RedisLink

DAYS_KEPT = 30
TTL_SECONDS = (DAYS_KEPT + 5) * 86400  # a day's key outlives the window a little, then goes
KEY_PREFIX = "lg:trend:"
GROUPS = ("check", "reason", "report", "lists")
MAX_FIELD = 120  # characters; longer names (a strange lists version) are cut


def day_of(timestamp: float) -> str:
    """The UTC day of `timestamp` as YYYY-MM-DD (ISO 8601)."""
    return _day_name(int(timestamp // 86400))


@functools.lru_cache(maxsize=64)
def _day_name(day_number: int) -> str:  # every check asks: format each day once
    return time.strftime("%Y-%m-%d", time.gmtime(day_number * 86400))


def last_days(now: float, n: int = DAYS_KEPT) -> list[str]:
    """The `n` UTC days ending today, oldest first."""
    return [day_of(now - 86400 * back) for back in range(n - 1, -1, -1)]


def field_name(group: str, name: str) -> str:
    if group not in GROUPS:
        raise ValueError(f"unknown counter group {group!r}")
    return f"{group}:{name}"[:MAX_FIELD]


@dataclass(frozen=True, slots=True)
class Day:
    """One day's counts; `group("check")` -> {"safe": 3, "dangerous": 1}."""

    day: str
    counts: Mapping[str, int] = field(default_factory=dict)

    def group(self, name: str) -> dict[str, int]:
        prefix = name + ":"
        return {k[len(prefix):]: v for k, v in self.counts.items() if k.startswith(prefix)}

    def total(self, name: str) -> int:
        return sum(self.group(name).values())


class Counters(Protocol):
    def count(self, fields: Iterable[str]) -> None:
        """Add one to each field, for today (never blocks, never raises for Redis)."""
        ...

    def add(self, day: str, counts: Mapping[str, int]) -> None:
        """Add `counts` to `day` (a tally gathered elsewhere, e.g. the checks of 2 seconds)."""
        ...

    async def days(self, n: int = DAYS_KEPT) -> list[Day]: ...

    async def flush(self) -> None: ...


class MemoryCounters:
    """Counts in this process only (no Redis configured): gone at restart, as documented."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._days: dict[str, Counter[str]] = {}

    def count(self, fields: Iterable[str]) -> None:
        today = day_of(self._clock())
        bucket = self._days.get(today)
        if bucket is None:
            bucket = self._days[today] = Counter()
            self._prune()
        bucket.update(fields)

    def add(self, day: str, counts: Mapping[str, int]) -> None:
        self._days.setdefault(day, Counter()).update(counts)

    async def days(self, n: int = DAYS_KEPT) -> list[Day]:
        return [Day(d, dict(self._days.get(d, {}))) for d in last_days(self._clock(), n)]

    async def flush(self) -> None:
        return None

    def _prune(self) -> None:
        keep = set(last_days(self._clock(), DAYS_KEPT))
        for day in [d for d in self._days if d not in keep]:
            del self._days[day]


class RedisCounters:
    """Counts shared by every replica: one hash per day (`lg:trend:YYYY-MM-DD`), with a TTL."""

    def __init__(self, link: RedisLink, *, clock: Callable[[], float] = time.time) -> None:
        self._link = link
        self._clock = clock
        self._pending: dict[str, Counter[str]] = {}

    def count(self, fields: Iterable[str]) -> None:
        self._pending.setdefault(day_of(self._clock()), Counter()).update(fields)

    def add(self, day: str, counts: Mapping[str, int]) -> None:
        self._pending.setdefault(day, Counter()).update(counts)

    async def flush(self) -> None:
        """Send the tally as one pipeline; on failure keep it (merged) for the next flush."""
        if not self._pending or not self._link.up:
            return
        batch, self._pending = self._pending, {}
        pipe = self._link.client.pipeline(transaction=False)
        for day, counts in batch.items():
            key = KEY_PREFIX + day
            for name, n in counts.items():
                pipe.hincrby(key, name, n)
            pipe.expire(key, TTL_SECONDS)
        try:
            await pipe.execute()
        except REDIS_ERRORS as exc:
            self._link.failed(exc)
            for day, counts in batch.items():
                self._pending.setdefault(day, Counter()).update(counts)

    async def days(self, n: int = DAYS_KEPT) -> list[Day]:
        """The last `n` days from Redis plus what this replica has not sent yet; while Redis
        is down, only the unsent tally (the page says the figures are partial)."""
        await self.flush()
        wanted = last_days(self._clock(), n)
        stored: list[Mapping[str, int]] = [{} for _ in wanted]
        if self._link.up:
            pipe = self._link.client.pipeline(transaction=False)
            for day in wanted:
                pipe.hgetall(KEY_PREFIX + day)
            try:
                stored = [_decode(raw) for raw in await pipe.execute()]
            except REDIS_ERRORS as exc:
                self._link.failed(exc)
        days = []
        for day, counts in zip(wanted, stored, strict=True):
            merged = Counter(counts)
            merged.update(self._pending.get(day, {}))
            days.append(Day(day, dict(merged)))
        return days

    @property
    def degraded(self) -> bool:
        return not self._link.up


def _decode(raw: object) -> dict[str, int]:
    if not isinstance(raw, dict):
        return {}
    out: dict[str, int] = {}
    for key, value in raw.items():
        name = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
        try:
            out[name] = int(value)
        except (TypeError, ValueError):
            continue  # not one of ours: skip it rather than fail the page
    return out
