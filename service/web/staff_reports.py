"""The reports queue page: filter, read each report safely, accept or reject several at once.

Accepting goes through the admin API's own path (admin.accept_one: the list and entry rules
of `reports accept`), then the lists reload once for the whole batch. The current verdict of
each row is scored offline from the served lists (scoring.assess_url): no cache, no network,
and no trend counters, so reading the queue changes nothing.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from service.core import urls
from service.core.errors import InvalidURL, LinkGuardError
from service.core.model import Verdict
from service.detect import scoring, urlview
from service.detect.messages import text_for
from service.store.reports import KINDS, MAX_COMMENT, STATUSES, Report
from service.upkeep import files, review
from service.upkeep.loader import Lists
from service.web import admin, national
from service.web.sessions import CURRENT
from service.web.staff_guard import FORM, action, field, flash, page, render, take_flash
from service.web.staff_texts import translator
from service.web.state import LISTS, REPORTS, SETTINGS

SHOWN = 200  # rows per page
SCANNED = 1000  # reports read to fill a page filtered by kind
MAX_SELECTED = 200


@dataclass(frozen=True, slots=True)
class Row:
    report: Report
    view: urlview.UrlView
    verdict: Verdict | None
    reasons: tuple[tuple[str, str], ...]  # code, message
    when: str
    links: tuple[national.Link, ...]


def _verdict(report: Report, lists: Lists, lang: str) -> tuple[Verdict | None, tuple[Any, ...]]:
    try:
        verdict = scoring.assess_url(urls.parse(report.url), lists.index, lists.reference)
    except InvalidURL:
        return None, ()
    reasons = tuple((s.code, text_for(s.code, s.evidence, lang).message)
                    for s in verdict.signals)
    return verdict, reasons


def _row(report: Report, lists: Lists, lang: str) -> Row:
    verdict, reasons = _verdict(report, lists, lang)
    t = translator(lang)
    text = t("national.text", url=report.url, kind=t(f"kind.{report.kind}"),
             day=national.report_day(report))
    return Row(report, urlview.describe(report.url), verdict, reasons,
               time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(report.created_at)),
               national.links(report, text))


def _choice(value: str | None, allowed: tuple[str, ...], default: str) -> str:
    return value if value in allowed else default


@page
async def queue(request: web.Request) -> web.StreamResponse:
    status = _choice(request.query.get("status"), (*STATUSES, "all"), "new")
    kind = _choice(request.query.get("kind"), (*KINDS, "all"), "all")
    lang = _lang(request)
    error = ""
    found: list[Report] = []
    try:
        found = await request.app[REPORTS].list(status=None if status == "all" else status,
                                                limit=SHOWN if kind == "all" else SCANNED)
    except LinkGuardError as exc:  # Redis down and no spool to read: say so on the page
        error = exc.message
    lists = request.app[LISTS].current
    rows = [_row(r, lists, lang) for r in found if kind == "all" or r.kind == kind][:SHOWN]
    return render(request, "reports.html", {
        "rows": rows, "status": status, "kind": kind, "statuses": STATUSES, "kinds": KINDS,
        "targets": await _targets(request), "error": error,
        "flash": await take_flash(request), "max_note": MAX_COMMENT,
    })


def _lang(request: web.Request) -> str:
    return request[CURRENT].lang


async def _targets(request: web.Request) -> list[tuple[str, str, str]]:
    """The lists a reviewer may accept into: (name, category, action) of editable lists."""
    try:
        manifest = await asyncio.to_thread(files.read_manifest, request.app[SETTINGS].lists_dir)
    except LinkGuardError:
        return []
    return [(s.name, s.category, s.action) for s in manifest.lists if files.editable(s)]


@action
async def review_selected(request: web.Request) -> web.StreamResponse:
    t = translator(_lang(request))
    ids = [i for i in request[FORM].getall("id", []) if isinstance(i, str)][:MAX_SELECTED]
    verb = field(request, "action")
    back = web.HTTPSeeOther("/admin/reports?" + _filters(request))
    if not ids or verb not in ("accept", "reject"):
        await flash(request, t("review.none"))
        raise back
    note = field(request, "note", MAX_COMMENT)
    lines = []
    accepted = 0
    for report_id in dict.fromkeys(ids):
        try:
            if verb == "accept":
                done = await admin.accept_one(
                    request.app, report_id, list_name=field(request, "list", 64) or None,
                    note=note, entry_as=_entry(field(request, "entry")))
                accepted += 1
                lines.append(t("review.accepted", id=report_id, entry=done.edit.value,
                               list=done.edit.list))
            else:
                await review.reject_report(request.app[REPORTS], report_id, note=note)
                lines.append(t("review.rejected", id=report_id))
        except LinkGuardError as exc:
            lines.append(t("review.failed", id=report_id[:80], error=exc.message))
    if accepted:
        result = await admin.reload_after_review(request.app)
        lines.append(t("review.reloaded", version=result["lists_version"]) if result["reloaded"]
                     else t("review.reload_failed", error=result.get("reload_error", "")))
    await flash(request, "\n".join(lines))
    raise back


def _entry(value: str) -> str | None:
    return value if value in review.ENTRY_KINDS else None


def _filters(request: web.Request) -> str:
    status = _choice(field(request, "status"), (*STATUSES, "all"), "new")
    kind = _choice(field(request, "kind"), (*KINDS, "all"), "all")
    return f"status={status}&kind={kind}"


def setup(app: web.Application) -> None:
    app.router.add_get("/admin/reports", queue)
    app.router.add_post("/admin/reports/review", review_selected)
