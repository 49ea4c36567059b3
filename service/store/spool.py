"""A local fsync'd file of reports not yet on Redis's disk, replayed into Redis exactly once.

Exactly once = at least once (the file is truncated only after every report in it was
acknowledged) + idempotent replay (the store's add script ignores a report id it has seen).
An exclusive `flock` around append and replay keeps processes that share a data dir apart,
and lets a restarted process replay what its predecessor spooled.
"""

from __future__ import annotations

import asyncio
import dataclasses
import fcntl
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from service.store.reports import Report

_FIELDS = {f.name for f in dataclasses.fields(Report)}


def parse(data: bytes) -> list[Report]:
    """The reports in spool bytes; a torn last line (a write that never returned) is skipped."""
    reports = []
    for line in data.decode("utf-8", errors="replace").splitlines():
        try:
            doc = json.loads(line)
            reports.append(Report(**{k: v for k, v in doc.items() if k in _FIELDS}))
        except (ValueError, TypeError, AttributeError):
            continue
    return reports


class Spool:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = asyncio.Lock()  # one writer per process; flock orders processes

    def pending(self) -> bool:
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    async def append(self, report: Report) -> None:
        """Return only once the report is on disk (fsync), or raise OSError."""
        line = json.dumps(report.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n"
        async with self._lock:
            await asyncio.to_thread(self._append, line.encode())

    async def replay(self, push: Callable[[list[Report]], Awaitable[object]]) -> int:
        """Push the spooled reports (all in one call, so the store can batch its round trips
        and its durability wait), then empty the file. If `push` raises, the file stays as it
        was (reports already pushed are ignored by the idempotent push next time)."""
        async with self._lock:
            if not self.pending():
                return 0
            fd = await asyncio.to_thread(self._open_locked)
            try:
                reports = parse(await asyncio.to_thread(_read_all, fd))
                if reports:
                    await push(reports)
                await asyncio.to_thread(_truncate, fd)
            finally:
                os.close(fd)  # releases the flock
            return len(reports)

    def _open_locked(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def _append(self, data: bytes) -> None:
        fd = self._open_locked()
        try:
            os.lseek(fd, 0, os.SEEK_END)
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _truncate(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.fsync(fd)
