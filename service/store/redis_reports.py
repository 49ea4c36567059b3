"""Students' reports in a Redis stream; the local spool holds those Redis cannot take or confirm.

Keys share the hash tag `{reports}`, so on a Cluster they live in one slot and one script can
touch them together:
  lg:{reports}:stream   XADD'ed entries: id, kind, url, comment, lists_version, created_at
  lg:{reports}:index    report id -> stream entry id (dedupe for replays, and `get`)
  lg:{reports}:reviews  report id -> {"status", "note", "reviewed_at"} as JSON
`add` answers only once the report is on a disk: Redis's (WAITAOF confirmed the fsync, or,
on Redis < 7.2, the node fsyncs before replying) or the local spool's (fsync returned). See
service/store/durability.py for why a plain reply is not enough.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from redis.asyncio.cluster import ClusterPipeline
from redis.exceptions import AskError, MovedError, ResponseError, TryAgainError

from service.core.errors import Unavailable
from service.store.durability import Durability, node_of, probe
from service.store.redis_link import REDIS_ERRORS, SOCKET_TIMEOUT, RedisLink
from service.store.reports import Report
from service.store.spool import Spool

log = logging.getLogger("linkguard.reports")

STREAM = "lg:{reports}:stream"
INDEX = "lg:{reports}:index"
REVIEWS = "lg:{reports}:reviews"
PAGE = 200  # stream entries read per round trip when listing

# Idempotent add: a report id already in the index is not appended again (spool replays).
# A known id still rewrites its index entry: that write makes the WAITAOF that follows on this
# connection wait for the offset past the first add too, which may not be fsync'd yet (a retry
# after a lost reply, or a replay right after a crash-free reconnect).
ADD_LUA = """
local sid = redis.call('HGET', KEYS[2], ARGV[1])
if sid then
  redis.call('HSET', KEYS[2], ARGV[1], sid)
  return sid
end
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
# WAITAOF blocks until this connection's writes are fsync'd: about a second with `appendfsync
# everysec` (Redis may postpone it 2 s more on a busy disk). One long wait would outlast the
# pool's socket timeout, which stays short for checks, so the wait is sent as slices on the
# same connection; each slice continues the same wait, the first success ends it.
WAIT_SLICE_MS = int(SOCKET_TIMEOUT * 1000) // 2
WAIT_SLICES = 5
BATCH = 100  # reports per round trip when replaying the spool


class NotDurable(Exception):
    """Redis took the report but could not confirm it is on its disk: keep it in the spool."""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _fields(report: Report) -> list[str]:
    return ["id", report.id, "kind", report.kind, "url", report.url,
            "comment", report.comment, "lists_version", report.lists_version,
            "created_at", repr(report.created_at)]


def _check_waits(answers: Sequence[Any]) -> None:
    """The WAITAOF slices' answers: the first `[numlocal >= 1, _]` means fsync'd; only zeros
    (timed out) or a refusal (appendonly off) means the reports are not on Redis's disk."""
    for answer in answers:
        if isinstance(answer, ResponseError):
            raise NotDurable(f"WAITAOF: {answer}")
        if isinstance(answer, Exception):
            raise answer  # the connection failed: an outage
        if int(answer[0]) >= 1:
            return
    raise NotDurable(f"Redis did not fsync them within {WAIT_SLICES * WAIT_SLICE_MS} ms")


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
        self._durability: Durability | None = None  # probed at start, after outages, on demand
        self._warned: str | None = None  # the last durability warning logged
        self._review_script = link.client.register_script(REVIEW_LUA)
        link.on_recovery(self._recovered)

    async def start(self) -> None:
        """Learn what Redis's replies are worth, then replay what an earlier run (or an
        outage before a restart) left in the spool."""
        if self._link.up:
            await self._probe()
        if self._link.up and self._spool.pending():
            await self.replay()

    async def add(self, report: Report) -> str:
        if self._link.up:
            try:
                await self._push([report])
                return report.id
            except NotDurable as exc:
                self._warn_once(f"a report Redis could not confirm on its disk is spooled: {exc}")
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
        except NotDurable as exc:
            self._warn_once(f"spooled reports stay in {self._spool.path}: {exc}")
            return 0
        except REDIS_ERRORS as exc:
            self._link.failed(exc)
            return 0
        if count:
            log.warning("replayed %d spooled reports into the stream", count)
        return count

    async def _recovered(self) -> None:
        await self._probe()  # Redis may have come back upgraded or reconfigured
        await self.replay()

    async def _probe(self) -> None:
        try:
            await self._probe_strict()
        except REDIS_ERRORS as exc:
            self._link.failed(exc)

    async def _probe_strict(self) -> Durability:
        found = await probe(self._client, STREAM)
        if found != self._durability:  # logged at start-up, and when Redis changed
            advice = found.advice(str(self._spool.path))
            if advice is None:
                how = "WAITAOF" if found.waitaof else "appendfsync always"
                log.info("reports: a 202 means Redis fsync'd the report (%s)", how)
            self._warn_once(advice)
        self._durability = found
        return found

    def _warn_once(self, message: str | None) -> None:
        if message is not None and message != self._warned:
            log.warning("reports: %s", message)
        self._warned = message

    async def _push(self, reports: Sequence[Report]) -> None:
        """Run the add script for each report; with WAITAOF, return only once Redis fsync'd
        them all (NotDurable otherwise). Connection errors propagate (the caller degrades)."""
        durability = self._durability or await self._probe_strict()
        for start in range(0, len(reports), BATCH):
            await self._push_batch(reports[start:start + BATCH], wait=durability.waitaof)

    async def _push_batch(self, reports: Sequence[Report], *, wait: bool) -> None:
        # One pipeline is one connection (per node on a Cluster), the connection WAITAOF asks
        # about. On a Cluster, redirections are not followed: a script re-run elsewhere would
        # leave the WAITAOF answering for a node that wrote nothing.
        pipe = self._client.pipeline(transaction=False)
        for report in reports:
            pipe.eval(ADD_LUA, 2, STREAM, INDEX, report.id, *_fields(report))
        for _ in range(WAIT_SLICES if wait else 0):
            pipe.execute_command("WAITAOF", 1, 0, WAIT_SLICE_MS, **node_of(self._client, STREAM))
        if isinstance(pipe, ClusterPipeline):
            results = await pipe.execute(raise_on_error=False, allow_redirections=False)
        else:
            results = await pipe.execute(raise_on_error=False)
        for result in results[:len(reports)]:
            if isinstance(result, (MovedError, AskError, TryAgainError)):
                await self._client.exists(STREAM)  # follows the redirection: new slot map
                raise NotDurable(f"the report slot is moving ({result})")
            if isinstance(result, Exception):
                raise result
        if wait:
            _check_waits(results[len(reports):])

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
