"""The OpenAPI 3.1 document of every public and admin route, served at GET /openapi.json.

Built in Python from the constants the handlers use (schemas in `web/schemas`), once per
process. tests/test_openapi.py fails when a route of the app and the document disagree, and
validates real answers against it; tests/test_schemathesis.py fuzzes the running app with it.
"""

from __future__ import annotations

import functools
import json
from importlib import metadata
from typing import Any

from aiohttp import web

from service.assess import RESOLVE_MODES
from service.store.reports import STATUSES
from service.web import checkpage, inputs, schemas
from service.web.apikeys import HEADER as API_KEY_HEADER

Doc = dict[str, Any]

ERRORS = {
    400: "Malformed input: not a checkable http(s) URL (`invalid_url`), malformed JSON or "
         "invalid UTF-8 (`bad_json`), a malformed request (`bad_request`), a message with a "
         "NUL or a lone surrogate (`invalid_text`)",
    401: "Missing or invalid credentials (`unauthorized`); see WWW-Authenticate",
    404: "No such route, or no such report (`not_found`)",
    409: "The report was reviewed already in a way this action cannot follow (`conflict`)",
    413: "Body over 64 KiB (`payload_too_large`), URL over 8 KiB (`url_too_long`), "
         "batch over 100 (`batch_too_large`), message over 8 KiB (`text_too_long`)",
    415: "The body is not application/json (`unsupported_media_type`)",
    422: "Well-formed JSON with a missing (`missing_field`) or wrong (`invalid_field`, "
         "`list_error`, `empty_text`) field",
    429: "Too many requests from this client (`rate_limited`); see Retry-After",
    503: "A dependency this request needs is down (`unavailable`)",
}
HEADERS = {
    "X-Request-ID": {"description": "The request's id: the client's X-Request-ID when sane "
                                    "(1-64 of A-Z a-z 0-9 . _ -), else one made here",
                     "required": True, "schema": {"type": "string",
                                                  "pattern": r"^[A-Za-z0-9._-]{1,64}$"}},
    "Retry-After": {"description": "Seconds until a request would be allowed", "required": True,
                    "schema": {"type": "string", "pattern": r"^[0-9]+$"}},
    "WWW-Authenticate": {"description": "The Bearer challenge (RFC 6750 section 3)",
                         "required": True, "schema": {"type": "string"}},
}
RESPONSE_HEADERS = {429: ("Retry-After",), 401: ("WWW-Authenticate",)}
Security = list[dict[str, list[str]]]
OPEN: Security = []  # no credentials
API_KEY: Security = [{}, {"apiKeyBearer": []}, {"apiKeyHeader": []}]  # optional unless keys are set
ADMIN: Security = [{"adminToken": []}]


def _version() -> str:
    try:
        return metadata.version("notalone-linkguard")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0.0.0"


def _json(schema: str, description: str) -> Doc:
    return {"description": description,
            "content": {"application/json": {"schema": schemas.ref(schema)}}}


def _body(schema: str, *, required: bool = True) -> Doc:
    return {"required": required,
            "content": {"application/json": {"schema": schemas.ref(schema)}}}


def _op(op_id: str, summary: str, ok: tuple[int, str, str], errors: tuple[int, ...], *,
        security: Security, tags: tuple[str, ...], **more: Any) -> Doc:
    status, schema, description = ok
    responses: Doc = {str(status): _json(schema, description)}
    responses.update({str(code): {"$ref": f"#/components/responses/E{code}"} for code in errors})
    return {"operationId": op_id, "summary": summary, "tags": list(tags),
            "security": security, "responses": responses, **more}


def _query(name: str, schema: Doc, description: str, *, required: bool = False) -> Doc:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description}


def _paths() -> Doc:
    s = schemas
    check_errors = (400, 401, 413, 415, 422, 429)
    admin = ("admin",)
    report_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
                 "description": "the report's id"}
    check_query = [
        _query("url", s.URL_INPUT, "the link to check", required=True),
        _query("lang", s.LANG_QUERY, "answer language"),
        _query("resolve", {"enum": list(RESOLVE_MODES), "default": "auto"},
               "whether the service may follow the link's redirects"),
    ]
    return {
        "/v1/check": {
            "post": _op("check", "Check one link", (200, "CheckResult", "The verdict"),
                        check_errors, security=API_KEY, tags=("check",),
                        requestBody=_body("CheckRequest")),
            "get": _op("checkGet", "Check one link (query string, for curl)",
                       (200, "CheckResult", "The verdict"), (400, 401, 413, 422, 429),
                       security=API_KEY, tags=("check",), parameters=check_query),
        },
        "/v1/check/batch": {"post": _op(
            "checkBatch", f"Check up to {inputs.MAX_BATCH} links",
            (200, "BatchResult", "One result or error object per URL, in input order"),
            check_errors, security=API_KEY, tags=("check",), requestBody=_body("BatchRequest"))},
        "/v1/check/text": {"post": _op(
            "checkText", "Check a whole message: its manipulation patterns and its links",
            (200, "TextResult", "The message's verdict and one result per link in it"),
            check_errors, security=API_KEY, tags=("check",), requestBody=_body("TextRequest"))},
        **_page_paths(),
        "/v1/reports": {"post": _op(
            "report", "Report a link", (202, "ReportAccepted", "Stored durably"),
            (*check_errors, 503), security=API_KEY, tags=("reports",),
            requestBody=_body("ReportRequest"))},
        "/v1/lists": {"get": _op("lists", "The lists being served",
                                 (200, "ListsInfo", "List metadata"), (429,), security=OPEN,
                                 tags=("service",))},
        "/healthz": {"get": _op("healthz", "Liveness", (200, "Health", "The process runs"), (),
                                security=OPEN, tags=("service",))},
        "/readyz": {"get": _op("readyz", "Readiness", (200, "Ready", "This replica answers "
                                                       "checks (status says if degraded)"), (),
                               security=OPEN, tags=("service",))},
        "/metrics": {"get": {
            "operationId": "metrics", "summary": "Prometheus metrics", "tags": ["service"],
            "security": OPEN, "responses": {"200": {
                "description": "Prometheus text format; OpenMetrics when the Accept header "
                               "asks for application/openmetrics-text",
                "content": {"text/plain": {"schema": {"type": "string"}},
                            "application/openmetrics-text": {"schema": {"type": "string"}}}}}}},
        "/openapi.json": {"get": {
            "operationId": "openapi", "summary": "This document", "tags": ["service"],
            "security": OPEN, "responses": {"200": {
                "description": "OpenAPI 3.1",
                "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/v1/admin/reload": {"post": _op(
            "adminReload", "Reload the lists here and on every replica",
            (200, "ReloadResult", "Reloaded"), (401, 422, 429), security=ADMIN, tags=admin)},
        "/v1/admin/reports": {"get": _op(
            "adminReports", "Students' reports, newest first",
            (200, "ReportList", "Reports"), (401, 422, 429, 503), security=ADMIN, tags=admin,
            parameters=[_query("status", {"enum": list(STATUSES)}, "only reports with this "
                               "status"),
                        _query("limit", {"type": "integer", "minimum": 1, "maximum": 1000,
                                         "default": 100}, "at most this many")])},
        "/v1/admin/reports/{id}/accept": {"post": _op(
            "adminAccept", "Accept a report: add its host or URL to a list, then reload",
            (200, "AcceptResult", "Accepted"), (400, 401, 404, 409, 413, 415, 422, 429, 503),
            security=ADMIN, tags=admin, parameters=[report_id],
            requestBody=_body("AcceptRequest", required=False))},
        "/v1/admin/reports/{id}/reject": {"post": _op(
            "adminReject", "Reject a report", (200, "RejectResult", "Rejected"),
            (400, 401, 404, 413, 415, 422, 429, 503), security=ADMIN, tags=admin,
            parameters=[report_id], requestBody=_body("RejectRequest", required=False))},
        "/v1/admin/lists": {"get": _op(
            "adminLists", "Every list with what the loader saw and the last update recorded",
            (200, "AdminLists", "Lists"), (401, 429), security=ADMIN, tags=admin)},
    }


def _page_paths() -> Doc:
    """The check page (service.web.checkpage): not JSON, documented for completeness."""
    def get(op_id: str, summary: str, media: dict[str, Doc], **more: Any) -> Doc:
        return {"get": {"operationId": op_id, "summary": summary, "tags": ["page"],
                        "security": OPEN, "responses": {"200": {
                            "description": summary,
                            "content": {m: {"schema": schema} for m, schema in media.items()}},
                            "404": {"$ref": "#/components/responses/E404"}}, **more}}

    text = {"type": "string"}
    name = {"name": "name", "in": "path", "required": True, "description": "a file of the page",
            "schema": {"enum": sorted(checkpage.FILES)}}
    return {
        "/": get("checkPage", "The check page for phones (paste a link or a message)",
                 {"text/html": text}, parameters=[
                     _query(p, {"type": "string"}, "text shared into the page (share_target)")
                     for p in ("text", "url", "title")]),
        "/manifest.webmanifest": get("checkPageManifest", "The page's web app manifest",
                                     {"application/manifest+json": {"type": "object"}}),
        "/static/{name}": get("checkPageFile", "The page's script, style and icons",
                              {kind: text for kind in sorted(set(checkpage.FILES.values()))},
                              parameters=[name]),
    }


def _responses() -> Doc:
    out = {}
    for code, description in ERRORS.items():
        response = _json("Error", description)
        if code in RESPONSE_HEADERS:
            response["headers"] = {h: {"$ref": f"#/components/headers/{h}"}
                                   for h in RESPONSE_HEADERS[code]}
        out[f"E{code}"] = response
    return out


def _with_request_id(paths: Doc, responses: Doc) -> None:
    """Every answer carries X-Request-ID (logs.request_id_middleware)."""
    tagged = [r for op in (o for p in paths.values() for o in p.values())
              for r in op["responses"].values() if "$ref" not in r]
    for response in [*tagged, *responses.values()]:
        response.setdefault("headers", {})["X-Request-ID"] = {
            "$ref": "#/components/headers/X-Request-ID"}


@functools.cache
def document() -> Doc:
    paths, responses = _paths(), _responses()
    _with_request_id(paths, responses)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Not Alone Link Guard", "version": _version(),
            "summary": "Score a link before a student opens it",
            "description": "docs/api.md explains each route. Admin routes exist only when "
                           "LINKGUARD_ADMIN_TOKEN is set (404 otherwise); check and report "
                           "routes need an API key only when LINKGUARD_API_KEYS is set.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "tags": [{"name": "check"}, {"name": "reports"}, {"name": "service"},
                 {"name": "admin"}, {"name": "page"}],
        "paths": paths,
        "components": {
            "schemas": schemas.schemas(),
            "responses": responses,
            "headers": HEADERS,
            "securitySchemes": {
                "apiKeyBearer": {"type": "http", "scheme": "bearer",
                                 "description": "An API key, when LINKGUARD_API_KEYS is set"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": API_KEY_HEADER,
                                 "description": "The same API key in its own header"},
                "adminToken": {"type": "http", "scheme": "bearer",
                               "description": "LINKGUARD_ADMIN_TOKEN"},
            },
        },
    }


@functools.cache
def _body_bytes() -> bytes:
    return json.dumps(document(), ensure_ascii=False).encode()


async def serve(request: web.Request) -> web.Response:
    return web.Response(body=_body_bytes(), content_type="application/json", charset="utf-8")


def setup(app: web.Application) -> None:
    app.router.add_get("/openapi.json", serve)
