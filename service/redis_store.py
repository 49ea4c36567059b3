"""Students' reports in a Redis stream; while Redis is down they go to the local spool.

Keys share the hash tag `{reports}`, so on a Cluster they live in one slot and one script can
touch them together:
  lg:{reports}:stream   XADD'ed entries: id, kind, url, comment, lists_version, created_at
  lg:{reports}:index    report id -> stream entry id (dedupe for replays, and `get`)
  lg:{reports}:reviews  report id -> {"status", "note", "reviewed_at"} as JSON
`add` answers only after Redis acknowledged the script (or the spool's fsync returned).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from service.errors import Unavailable
from service.redis_client import REDIS_ERRORS, RedisLink
from service.spool import Spool
from service.store import Report

log = logging.getLogger("linkguard.reports")

STREAM = "lg:{reports}:stream"
INDEX = "lg:{reports}:index"
REVIEWS = "lg:{reports}:reviews"
PAGE = 200  # stream entries read per round trip when listing

# Idempotent add: a report id already in the index is not appended again (spool replays).
ADD_LUA = """
local sid = redis.call('HGET', KEYS[2], ARGV[1])
if sid then return sid end
sid = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
redis.call('HSET', KEYS[2], ARGV[1], sid)
return sid
"""
REVIEW_LUA = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
"""
DOWN = "reports are kept in Redis, which is unreachable; try again shortly"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _report(fields: dict[Any, Any], review: Any) -> Report:
    doc = {_text(k): _text(v) for k, v in fields.items()}
    extra: dict[str, Any] = json.loads(review) if review else {}
    return Report(
        id=doc["id"], kind=doc["kind"], url=doc["url"], comment=doc.get("comment", ""),
        lists_version=doc.get("lists_version", ""), created_at=float(doc["created_at"]),
        status=extra.get("status", "new"), note=extra.get("note", ""),
        reviewed_at=extra.get("reviewed_at"),
    )


class RedisReportStore:
    """Implements `store.ReportStore` on a stream; reviews need Redis (503 while it is down)."""

    def __init__(self, link: RedisLink, *, spool: Spool) -> None:
        self._link = link
        self._client = link.client
        self._spool = spool
        self._add_script = link.client.register_script(ADD_LUA)
        self._review_script = link.client.register_script(REVIEW_LUA)
        link.on_recovery(self.replay)

    async def start(self) -> None:
        """Replay what an earlier run (or an outage before a restart) left in the spool."""
        if self._link.up and self._spool.pending():
            await self.replay()

    async def add(self, report: Report) -> str:
        if self._link.up:
            try:
                await self._push(report)
                return report.id
            except REDIS_ERRORS as exc:
                self._link.failed(exc)
        try:
            await self._spool.append(report)
        except OSError as exc:  # neither Redis nor the disk took it: say so, never 202
            log.error("report spool %s not writable: %s", self._spool.path, exc)
            raise Unavailable("the report could not be stored; try again later") from exc
        return report.id

    async def replay(self) -> int:
        """Move spooled reports into the stream; safe to run again after a failure."""
        try:
            count = await self._spool.replay(self._push)
        except REDIS_ERRORS as exc:
            self._link.failed(exc)
            return 0
        if count:
            log.warning("replayed %d spooled reports into the stream", count)
        return count

    async def _push(self, report: Report) -> None:
        fields = [
            "id", report.id, "kind", report.kind, "url", report.url,
            "comment", report.comment, "lists_version", report.lists_version,
            "created_at", repr(report.created_at),
        ]
        await self._add_script(keys=[STREAM, INDEX], args=[report.id, *fields])

    async def list(self, *, status: str | None = None, limit: int = 100) -> list[Report]:
        found: list[Report] = []
        upper = "+"
        try:
            while len(found) < limit:
                entries = await self._client.xrevrange(STREAM, max=upper, min="-", count=PAGE)
                if not entries:
                    break
                rows = [fields for _, fields in entries if fields]  # skip deleted entries
                reviews = await self._client.hmget(REVIEWS, [_text(f[b"id"]) for f in rows])
                for fields, review in zip(rows, reviews, strict=True):
                    report = _report(fields, review)
                    if status is None or report.status == status:
                        found.append(report)
                if len(entries) < PAGE:
                    break
                upper = "(" + _text(entries[-1][0])  # exclusive: continue below the last
        except REDIS_ERRORS as exc:
            self._link.failed(exc)
            raise Unavailable(DOWN) from exc
        return sorted(found[:limit], key=lambda r: r.created_at, reverse=True)

    async def get(self, report_id: str) -> Report | None:
        try:
            sid = await self._client.hget(INDEX, report_id)
            if sid is None:
                return None
            entries = await self._client.xrange(STREAM, min=sid, max=sid)
            review = await self._client.hget(REVIEWS, report_id)
        except REDIS_ERRORS as exc:
            self._link.failed(exc)
            raise Unavailable(DOWN) from exc
        fields = entries[0][1] if entries else None
        return _report(fields, review) if fields else None

    async def review(self, report_id: str, *, status: str, note: str = "") -> Report | None:
        doc = json.dumps({"status": status, "note": note, "reviewed_at": time.time()},
                         ensure_ascii=False)
        try:
            done = await self._review_script(keys=[INDEX, REVIEWS], args=[report_id, doc])
        except REDIS_ERRORS as exc:
            self._link.failed(exc)
            raise Unavailable(DOWN) from exc
        return await self.get(report_id) if done else None

    async def close(self) -> None:
        return None  # the link is closed by its owner
