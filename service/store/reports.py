"""Students' reports: the record, and a durable append-only file store (Redis lives elsewhere).

A report holds what the link was and why it was reported; nothing that identifies the
student (no address, no user agent, no account), by design.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

KINDS = ("phishing", "scam", "lure", "false_positive", "other")
STATUSES = ("new", "accepted", "rejected")
MAX_COMMENT = 1000  # characters


@dataclass(frozen=True, slots=True)
class Report:
    id: str
    kind: str
    url: str  # canonical
    comment: str
    lists_version: str
    created_at: float
    status: str = "new"
    note: str = ""  # the reviewer's note
    reviewed_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def new_report_id(now: float) -> str:
    """Sortable by time, unguessable: `<ms since epoch, hex>-<8 random hex>`."""
    return f"{int(now * 1000):x}-{secrets.token_hex(4)}"


def clean_comment(text: str) -> str:
    """Drop control characters (keeps newlines) and cap the length."""
    kept = "".join(
        ch for ch in text if ch == "\n" or not unicodedata.category(ch).startswith("C")
    )
    return kept.strip()[:MAX_COMMENT]


class ReportStore(Protocol):
    async def add(self, report: Report) -> str: ...

    async def list(self, *, status: str | None = None, limit: int = 100) -> list[Report]: ...

    async def get(self, report_id: str) -> Report | None: ...

    async def review(self, report_id: str, *, status: str, note: str = "") -> Report | None: ...

    async def close(self) -> None: ...


class FileReportStore:
    """JSON lines, one event per line (`report` or `review`), fsync'd before `add` returns.

    Appending events rather than rewriting keeps every acknowledged report safe from a crash
    in the middle of a review; reading folds the events into current reports.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = asyncio.Lock()

    async def add(self, report: Report) -> str:
        await self._append({"type": "report", **report.to_json()})
        return report.id

    async def list(self, *, status: str | None = None, limit: int = 100) -> list[Report]:
        reports = await asyncio.to_thread(self._fold)
        chosen = [r for r in reports.values() if status is None or r.status == status]
        return sorted(chosen, key=lambda r: r.created_at, reverse=True)[:limit]

    async def get(self, report_id: str) -> Report | None:
        return (await asyncio.to_thread(self._fold)).get(report_id)

    async def review(self, report_id: str, *, status: str, note: str = "") -> Report | None:
        if await self.get(report_id) is None:
            return None
        event = {"type": "review", "id": report_id, "status": status, "note": note,
                 "reviewed_at": time.time()}
        await self._append(event)
        return await self.get(report_id)

    async def close(self) -> None:
        return None

    async def _append(self, event: dict[str, Any]) -> None:
        line = json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
        async with self._lock:
            await asyncio.to_thread(self._write, line.encode())

    def _write(self, data: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)

    def _fold(self) -> dict[str, Report]:
        reports: dict[str, Report] = {}
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return reports
        fields = {f.name for f in dataclasses.fields(Report)}
        for line in lines:
            try:
                event = json.loads(line)
                if event.get("type") == "report":
                    report = Report(**{k: v for k, v in event.items() if k in fields})
                    reports[report.id] = report
                elif event.get("type") == "review" and event["id"] in reports:
                    reports[event["id"]] = dataclasses.replace(
                        reports[event["id"]], status=event["status"], note=event.get("note", ""),
                        reviewed_at=event.get("reviewed_at"),
                    )
            except (ValueError, KeyError, TypeError):
                continue  # a torn last line after a crash: skip it, keep the rest
        return reports
