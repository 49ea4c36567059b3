"""HTTP handlers of the public API v1; each reads input, calls the core, renders JSON."""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import quote, unquote_plus, unquote_to_bytes

from aiohttp import web

from service.assess import RESOLVE_MODES
from service.core import urls
from service.core.errors import LinkGuardError, ValidationFailed
from service.detect import present
from service.detect.messages import pick_lang
from service.store.reports import KINDS, Report, clean_comment, new_report_id
from service.web import backends, inputs, logs, trends, updates
from service.web.metrics import METRICS
from service.web.state import ASSESSOR, LISTS, REPORTS, SETTINGS

MAX_BODY = inputs.MAX_BODY
MAX_COMMENT_INPUT = 4000  # characters accepted; stored comments are cut to store.MAX_COMMENT


def _lang(request: web.Request, value: object) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationFailed("'lang' must be a string such as 'vi' or 'en'")
    return pick_lang(value, request.headers.get("Accept-Language"))


async def _check(request: web.Request, raw: object, lang: str, resolve: object) -> web.Response:
    url = inputs.url_field(raw)
    mode = inputs.choice(resolve, "resolve", RESOLVE_MODES, "auto")
    result = await request.app[ASSESSOR].check(url, resolve=mode)
    logs.checked(result, full=request.app[SETTINGS].log_full_urls)
    return web.json_response(present.assessment(result, lang))


async def check_post(request: web.Request) -> web.Response:
    doc = await inputs.json_object(request)
    lang = _lang(request, doc.get("lang"))
    return await _check(request, doc.get("url"), lang, doc.get("resolve"))


async def check_get(request: web.Request) -> web.Response:
    q = request.query
    lang = _lang(request, q.get("lang"))
    return await _check(request, _raw_param(request, "url"), lang, q.get("resolve"))


_PRINTABLE = "".join(map(chr, range(0x21, 0x7F)))


def _raw_param(request: web.Request, name: str) -> str | None:
    """A query parameter's first value, its %XX bytes kept as bytes: aiohttp decodes them as
    UTF-8 and turns `%ff` into U+FFFD, which would check another URL than the one sent. A value
    that is not UTF-8 is handed on with those bytes escaped again (the URL they spell)."""
    for pair in request.rel_url.raw_query_string.split("&"):
        key, _, value = pair.partition("=")
        if unquote_plus(key) != name:
            continue
        octets = unquote_to_bytes(value.replace("+", " "))
        try:
            return octets.decode("utf-8")
        except UnicodeDecodeError:
            return quote(octets, safe=_PRINTABLE)
    return None


async def check_batch(request: web.Request) -> web.Response:
    doc = await inputs.json_object(request)
    lang = _lang(request, doc.get("lang"))
    items = inputs.url_list(doc.get("urls"))
    mode = inputs.choice(doc.get("resolve"), "resolve", RESOLVE_MODES, "never")
    results = await asyncio.gather(*(_batch_item(request, item, lang, mode) for item in items))
    return web.json_response({"results": results})


async def _batch_item(request: web.Request, item: object, lang: str, mode: str) -> dict[str, Any]:
    """One slot of a batch: a result, or an error object in its place (never a whole 400)."""
    try:
        url = inputs.url_field(item)
        result = await request.app[ASSESSOR].check(url, resolve=mode)
    except LinkGuardError as exc:
        return present.error(exc.code, exc.message, url=item if isinstance(item, str) else None)
    logs.checked(result, full=request.app[SETTINGS].log_full_urls)
    return present.assessment(result, lang)


async def report(request: web.Request) -> web.Response:
    doc = await inputs.json_object(request)
    raw = inputs.url_field(doc.get("url"))
    kind = inputs.choice(doc.get("kind"), "kind", KINDS, "other")
    comment = inputs.optional_str(doc.get("comment"), "comment", limit=MAX_COMMENT_INPUT)
    canonical = urls.canonicalize(raw)  # InvalidURL -> 400: only checkable links are stored
    now = time.time()
    entry = Report(
        id=new_report_id(now),
        kind=kind,
        url=canonical,
        comment=clean_comment(comment),
        lists_version=request.app[LISTS].current.version,
        created_at=now,
    )
    report_id = await request.app[REPORTS].add(entry)
    request.app[METRICS].report(kind)
    trends.reported(request.app, kind)
    logs.reported(kind, canonical, full=request.app[SETTINGS].log_full_urls)
    return web.json_response({"id": report_id}, status=202)


async def lists_info(request: web.Request) -> web.Response:
    lists = request.app[LISTS].current
    return web.json_response(
        {
            "version": lists.version,
            "lists": [
                {
                    "name": i.name,
                    "category": i.category,
                    "action": i.action,
                    "format": i.format,
                    "entries": i.entries,
                    "errors": i.errors,
                    "enabled": i.enabled,
                    "updated_at": i.updated_at,
                    "source": i.source,
                    "license": i.license,
                    "description": i.description,
                    # a shipped snapshot is not live data: say which copy is served, of when
                    "snapshot": i.snapshot,
                    "origin": i.origin,
                    "data_date": i.data_date,
                }
                for i in lists.infos
            ],
        }
    )


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """200 while this replica answers; `status` is "degraded" while Redis is down, and
    `replicas` maps every live replica to the lists version it serves."""
    lists = request.app[LISTS].current
    state = await backends.readiness(request.app)
    state["updates"] = await updates.readiness(request.app)
    return web.json_response({**state, "lists_version": lists.version})


def setup(app: web.Application) -> None:
    app.router.add_post("/v1/check", check_post)
    app.router.add_get("/v1/check", check_get)
    app.router.add_post("/v1/check/batch", check_batch)
    app.router.add_post("/v1/reports", report)
    app.router.add_get("/v1/lists", lists_info)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
