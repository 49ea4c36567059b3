"""Admin API: reload lists, review reports, see list metadata; a bearer token guards every route.

The routes exist only when `LINKGUARD_ADMIN_TOKEN` is set (else 404, as if absent). The token
is compared in constant time (hmac.compare_digest over SHA-256 digests, so not even its length
leaks); a missing or wrong one is a 401 with `WWW-Authenticate: Bearer` (RFC 6750 section 3).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from service.core.errors import ListError, ValidationFailed
from service.store.reports import MAX_COMMENT, STATUSES
from service.upkeep import files, review
from service.upkeep.loader import ListInfo
from service.upkeep.updater import load_guard
from service.web import inputs, listwatch
from service.web.state import LISTS, REPORTS, SETTINGS

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_LIMIT = 1000
REALM = "linkguard-admin"


def _unauthorized(message: str, *, error: str | None) -> web.Response:
    challenge = f'Bearer realm="{REALM}"' + (f', error="{error}"' if error else "")
    return web.json_response({"error": {"code": "unauthorized", "message": message}},
                             status=401, headers={"WWW-Authenticate": challenge})


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).digest()


def guarded(handler: Handler) -> Handler:
    async def check_token(request: web.Request) -> web.StreamResponse:
        token = request.app[SETTINGS].admin_token or ""
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return _unauthorized("send the admin token as 'Authorization: Bearer <token>'",
                                 error=None)
        if not token or not hmac.compare_digest(_digest(given.strip()), _digest(token)):
            return _unauthorized("the admin token is not valid", error="invalid_token")
        return await handler(request)

    return check_token


async def _body(request: web.Request, allowed: tuple[str, ...]) -> dict[str, Any]:
    """An optional JSON object with only `allowed` keys (an empty body is `{}`)."""
    if not request.body_exists:
        return {}
    doc = await inputs.json_object(request)
    unknown = sorted(set(doc) - set(allowed))
    if unknown:
        raise ValidationFailed(f"unknown field(s) {', '.join(unknown)}; allowed: "
                               f"{', '.join(allowed)}")
    return doc


def _list_error(exc: ListError) -> ValidationFailed:
    return ValidationFailed(exc.message, code="list_error")


async def reload(request: web.Request) -> web.Response:
    """Reload the lists here and on every replica; 422 (old lists kept) when they do not load."""
    try:
        result = await listwatch.reload_now(request.app, announce=True)
    except ListError as exc:
        return web.json_response(
            {"error": {"code": "list_error", "message": exc.message},
             "lists_version": request.app[LISTS].current.version}, status=422)
    return web.json_response({"old_version": result.old_version,
                              "new_version": result.new_version, "changed": result.changed})


async def reports(request: web.Request) -> web.Response:
    status = request.query.get("status")  # "?status=" is a value outside the enum, not "all"
    if status is not None and status not in STATUSES:
        raise ValidationFailed(f"'status' must be one of: {', '.join(STATUSES)}")
    raw = request.query.get("limit", "100")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValidationFailed(f"'limit' must be a whole number from 1 to {MAX_LIMIT}")
    found = await request.app[REPORTS].list(status=status, limit=int(raw))
    return web.json_response({"reports": [r.to_json() for r in found]})


async def accept(request: web.Request) -> web.Response:
    doc = await _body(request, ("list", "note", "entry"))
    name = _optional(doc, "list", 64)
    note = _optional(doc, "note", MAX_COMMENT)
    entry_as = inputs.choice(doc.get("entry"), "entry", review.ENTRY_KINDS, "") or None
    done = await accept_one(request.app, request.match_info["id"], list_name=name or None,
                            note=note, entry_as=entry_as)
    body: dict[str, Any] = {
        "report": done.report.to_json(),
        "list": done.edit.list, "entry": done.edit.value, "kind": done.edit.kind,
        "added": done.edit.changed,
    }
    body.update(await reload_after_review(request.app))
    return web.json_response(body)


async def accept_one(app: web.Application, report_id: str, *, list_name: str | None,
                     note: str, entry_as: str | None) -> review.Accepted:
    """Accept one report as `reports accept` does (the staff pages call this too); the caller
    reloads the lists afterwards, once for any number of reports."""
    lists_dir = app[SETTINGS].lists_dir
    try:
        manifest = await asyncio.to_thread(files.read_manifest, lists_dir)
        current = app[LISTS].current
        guard = await asyncio.to_thread(load_guard, lists_dir, manifest, lists=current)
        return await review.accept_report(
            app[REPORTS], report_id, lists_dir=lists_dir, manifest=manifest,
            guard=guard, index=current.index, list_name=list_name, note=note,
            entry_as=entry_as)
    except ListError as exc:
        raise _list_error(exc) from None


async def reload_after_review(app: web.Application) -> dict[str, Any]:
    """Reload here and on every replica; the answer's `reloaded`/`lists_version` fields."""
    try:
        result = await listwatch.reload_now(app, announce=True)
    except ListError as exc:
        return {"reloaded": False, "reload_error": exc.message,
                "lists_version": app[LISTS].current.version}
    return {"reloaded": True, "lists_version": result.new_version}


async def reject(request: web.Request) -> web.Response:
    doc = await _body(request, ("note",))
    note = _optional(doc, "note", MAX_COMMENT)
    done = await review.reject_report(request.app[REPORTS], request.match_info["id"], note=note)
    return web.json_response({"report": done.report.to_json(),
                              "was_accepted": done.was_accepted})


async def lists(request: web.Request) -> web.Response:
    """Every list with what the loader saw and what the last update recorded."""
    current = request.app[LISTS].current
    state = request.app[listwatch.RELOADS]
    rows = await asyncio.to_thread(list_rows, current.infos)
    return web.json_response({
        "version": current.version, "loaded_at": current.loaded_at, "lists": rows,
        "reload_error": state.last_error, "reload_error_at": state.last_error_at,
    })


def list_rows(infos: tuple[ListInfo, ...]) -> list[dict[str, Any]]:
    rows = []
    for info in infos:
        meta = files.read_meta(Path(info.path))
        rows.append({
            "name": info.name, "category": info.category, "action": info.action,
            "format": info.format, "enabled": info.enabled, "loaded": info.loaded,
            "entries": info.entries, "errors": info.errors, "updated_at": info.updated_at,
            "source": info.source, "license": info.license, "sha256": info.sha256,
            "snapshot": info.snapshot, "origin": info.origin, "data_date": info.data_date,
            "update": None if meta is None else meta.to_json(),
        })
    return rows


def _optional(doc: dict[str, Any], name: str, limit: int) -> str:
    return inputs.optional_str(doc.get(name), name, limit=limit).strip()


def setup(app: web.Application) -> None:
    """Register the admin routes, only when an admin token is configured."""
    if not app[SETTINGS].admin_token:
        return
    app.router.add_post("/v1/admin/reload", guarded(reload))
    app.router.add_get("/v1/admin/reports", guarded(reports))
    app.router.add_post("/v1/admin/reports/{id}/accept", guarded(accept))
    app.router.add_post("/v1/admin/reports/{id}/reject", guarded(reject))
    app.router.add_get("/v1/admin/lists", guarded(lists))
