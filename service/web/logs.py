"""Structured JSON logs (one object per line) with a request id, and URLs reduced to domain + hash.

Privacy (DESIGN.md: nothing that identifies a student): a checked link says where a student
was going, so by default no log line holds a full URL. A URL is logged as its registrable
domain and a short HMAC-SHA256 of its canonical form under a key drawn at random when the
process starts: equal URLs have equal hashes within one process's logs (so an operator can
count repeats), but the hash cannot be brute-forced from a guess of the URL, because the key
never leaves memory. `LINKGUARD_LOG_FULL_URLS=true` logs full URLs, for debugging only.
As a second line of defence the formatter rewrites anything that looks like a web URL or a
query string in a message or traceback. Client addresses are never logged.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import logging
import re
import secrets
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import IO, Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from service.core import urls
from service.core.errors import InvalidURL
from service.core.model import Assessment
from service.settings import Settings
from service.store.ratelimit import API_KEY_ID

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID = web.RequestKey("request_id", str)
ROUTE = web.RequestKey("route", str)  # for the access log, which also sees unrouted requests
# A client's id is echoed into our logs and headers: short, and no characters that could split
# a header or a log line (RFC 9110 section 5.5 field values; we are stricter).
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

_current_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "linkguard_request_id", default=None
)
_HASH_KEY = secrets.token_bytes(32)  # per process; never logged, never stored
HASH_CHARS = 16  # 64 bits: enough to tell URLs apart in one process's logs

check_log = logging.getLogger("linkguard.check")
report_log = logging.getLogger("linkguard.reports")

# The safety net of the formatter: web-ish URLs and query strings in free text.
_URL_TEXT = re.compile(r"(?i)\b(?:https?|ftp|wss?|file|data|javascript|blob):[^\s\"'<>]*")
_QUERY_TEXT = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]+")


def url_hash(canonical: str) -> str:
    """HMAC-SHA256 under the per-process key, cut to HASH_CHARS hex digits."""
    return hmac.new(_HASH_KEY, canonical.encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()[:HASH_CHARS]


def url_fields(url: str, *, full: bool) -> dict[str, str]:
    """What a log line may say about `url`: domain and hash, or (with `full`) the URL itself."""
    try:
        parsed = urls.parse(url)
    except InvalidURL:
        return {"url": url} if full else {"url_hash": url_hash(url)}
    if full:
        return {"url": parsed.canonical, "domain": parsed.registrable}
    return {"domain": parsed.registrable, "url_hash": url_hash(parsed.canonical)}


def scrub(text: str) -> str:
    """Replace URLs and query strings in free text (messages, tracebacks) by their hash."""
    def one(match: re.Match[str]) -> str:
        fields = url_fields(match.group(0), full=False)
        domain = f" domain={fields['domain']}" if "domain" in fields else ""
        return f"<url{domain} hash={fields['url_hash']}>"

    text = _URL_TEXT.sub(one, text)
    return _QUERY_TEXT.sub(lambda m: f"{m.group(1)}?<query>", text)


def _iso(created: float) -> str:
    ms = int(created * 1000) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + f".{ms:03d}Z"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request_id, then the record's
    `extra={"fields": {...}}`, then `exc` (the traceback) when there is one."""

    BASE = ("time", "level", "logger", "message", "request_id")

    def __init__(self, *, full_urls: bool = False) -> None:
        super().__init__()
        self.full_urls = full_urls

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "time": _iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or _current_id.get()
        if request_id:
            doc["request_id"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            doc.update({k: v for k, v in fields.items() if k not in self.BASE})
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        if not self.full_urls:
            for key in ("message", "exc"):
                if key in doc:
                    doc[key] = scrub(doc[key])
        return json.dumps(doc, ensure_ascii=False, default=str)


def setup(settings: Settings, *, stream: IO[str] | None = None) -> logging.Handler:
    """Send every logger (ours, aiohttp's, redis') to one JSON handler at the settings' level."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(full_urls=settings.log_full_urls))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level_number)
    return handler


def route_label(request: web.Request) -> str:
    """The matched route's template (`/v1/admin/reports/{id}/accept`), never the raw path:
    bounded for metrics, and free of whatever a client put in the path. Middlewares only:
    a request the HTTP parser refused was never routed."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


def method_label(method: str) -> str:
    return method if method in KNOWN_METHODS else "other"


def incoming_id(value: str | None) -> str | None:
    """A client's X-Request-ID when it is sane, else None (we then make our own)."""
    if value is not None and VALID_REQUEST_ID.fullmatch(value):
        return value
    return None


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outermost: every response (errors, preflights) carries the id its log lines carry."""
    request_id = incoming_id(request.headers.get(REQUEST_ID_HEADER)) or uuid.uuid4().hex
    request[REQUEST_ID] = request_id
    request[ROUTE] = route_label(request)
    token = _current_id.set(request_id)
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # a redirect passes the error middleware as an exception
        exc.headers[REQUEST_ID_HEADER] = request_id
        raise
    finally:
        _current_id.reset(token)
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


class AccessLogger(AbstractAccessLogger):
    """One line per request: method, route template, status, duration, the API key's id. No
    query string, no path (a client may put anything there), no client address."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        method, route = method_label(request.method), request.get(ROUTE, "unrouted")
        fields: dict[str, Any] = {"method": method, "route": route, "status": response.status,
                                  "duration_ms": round(time * 1000, 1)}
        key_id = request.get(API_KEY_ID)
        if key_id:
            fields["api_key"] = key_id  # the key's id (8 hex of its SHA-256), never the key
        self.logger.info("%s %s %s", method, route, response.status,
                         extra={"request_id": request.get(REQUEST_ID), "fields": fields})


def checked(result: Assessment, *, full: bool) -> None:
    """One line per verdict: INFO for suspicious and dangerous links, DEBUG for safe ones."""
    level = logging.DEBUG if result.verdict.level == "safe" else logging.INFO
    if not check_log.isEnabledFor(level):
        return
    fields: dict[str, Any] = {
        **url_fields(result.canonical_url, full=full),
        "verdict": result.verdict.level, "score": result.verdict.score,
        "codes": list(result.verdict.codes), "cached": result.cached,
    }
    if result.final_url != result.canonical_url:
        final = url_fields(result.final_url, full=full)
        fields.update({f"final_{k}": v for k, v in final.items()})
    check_log.log(level, "checked", extra={"fields": fields})


def reported(kind: str, canonical: str, *, full: bool) -> None:
    report_log.info("report stored", extra={"fields": {"kind": kind,
                                                        **url_fields(canonical, full=full)}})
