"""HTTP wiring: create_app(settings) builds the aiohttp application, its state and middlewares."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractResolver

from service.assess import Assessor
from service.core.errors import LinkGuardError, RateLimited
from service.resolve.connector import make_session
from service.resolve.guard import GuardPolicy
from service.resolve.resolver import Resolver
from service.settings import Settings
from service.store.ratelimit import API_KEY_ID
from service.upkeep.loader import Lists, load_lists
from service.web import admin, apikeys, backends, listwatch, logs, metrics, openapi, routes, updates
from service.web.checkpage import setup as setup_check_page
from service.web.staff import setup as setup_staff
from service.web.state import (
    ASSESSOR,
    CACHE,
    LIMITER,
    LISTS,
    REDIS,
    REPORTS,
    RESOLVER_OPTIONS,
    SETTINGS,
    ListsState,
)
from service.web.textapi import setup as setup_text_api
from service.web.trends import CountingObserver

log = logging.getLogger("linkguard")

EXTENSION_ORIGINS = ("chrome-extension://", "moz-extension://", "safari-web-extension://")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# aiohttp answers its own errors with a reason phrase; ours carry a stable code instead.
HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


# Room for an over-long URL in a GET query string, so we answer it with our own JSON 413
# instead of aiohttp's bare text 400 at its default 8190-byte request-line limit: 8 KiB
# characters percent-encoded take up to 12 bytes each (4 UTF-8 bytes as %XX), ~96 KiB.
# The access log class rides along so tests' servers log as `linkguard serve` does (aiohttp's
# default format prints the request line, query string and all).
HANDLER_ARGS: dict[str, Any] = {"max_line_size": 128 * 1024,
                                "access_log_class": logs.AccessLogger}


def json_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Map the error tree to JSON once (STYLE.md); an unexpected error is a logged 500."""
    try:
        return await handler(request)
    except RateLimited as exc:
        request.app[metrics.METRICS].limited(API_KEY_ID in request)
        response = json_error(exc.status, exc.code, exc.message)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except LinkGuardError as exc:
        return json_error(exc.status, exc.code, exc.message)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = HTTP_CODES.get(exc.status, "http_error")
        response = json_error(exc.status, code, exc.reason)
        if "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception:
        log.exception("unhandled error on %s %s", request.method, logs.route_label(request))
        return json_error(500, "internal_error", "something went wrong on our side")


@web.middleware
async def cors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Let the extension's pages call the service; web pages of other origins get no CORS."""
    origin = request.headers.get("Origin", "")
    allowed = origin.startswith(EXTENSION_ORIGINS)
    if request.method == "OPTIONS" and allowed:
        response: web.StreamResponse = web.Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = (
            "Content-Type, Authorization, X-API-Key, X-Request-ID")
        response.headers["Access-Control-Max-Age"] = "600"
    else:
        response = await handler(request)
    if allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "X-Request-ID, Retry-After"
        response.headers["Vary"] = "Origin"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@web.middleware
async def ratelimit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Per-client limits on the API (/v1/); health, readiness and preflights are not counted."""
    gate = request.app.get(LIMITER)
    if gate is not None and request.path.startswith("/v1/") and request.method != "OPTIONS":
        await gate.check(request)  # RateLimited -> 429 with Retry-After (error_middleware)
    return await handler(request)


def create_app(
    settings: Settings,
    *,
    lists: Lists | None = None,
    dns: AbstractResolver | None = None,
    policy: GuardPolicy | None = None,
) -> web.Application:
    """The application for `settings`; lists load now so a broken manifest stops start-up.

    `dns` and `policy` are for tests: a resolver mapping `*.test` names to loopback servers and
    the guard's explicit allowance for those servers' ports. Production passes neither.
    """
    # Outermost first. The request id and the metrics see every answer, errors included;
    # CORS headers go on error answers too (outside the error mapping); the API key check sits
    # inside the error mapping (its 429 becomes JSON) and before the rate limit (it sets the
    # identity the limit counts).
    app = web.Application(
        middlewares=[logs.request_id_middleware, metrics.metrics_middleware, cors_middleware,
                     error_middleware, apikeys.api_key_middleware, ratelimit_middleware],
        client_max_size=routes.MAX_BODY,
    )
    state = ListsState(lists if lists is not None else load_lists(settings.lists_dir))
    app[SETTINGS] = settings
    app[LISTS] = state
    app[RESOLVER_OPTIONS] = (dns, policy)
    apikeys.setup(app, settings.api_keys)  # ConfigError for a short or malformed key
    metrics.setup(app).watch(lists=lambda: app[LISTS].current, redis=lambda: app.get(REDIS))
    app.cleanup_ctx.append(_services)
    routes.setup(app)
    setup_text_api(app)  # POST /v1/check/text
    setup_check_page(app)  # GET / the phone check page, its static files and manifest
    openapi.setup(app)
    listwatch.setup(app)  # reload serialization; polls the list files unless turned off
    updates.setup(app)  # the service's own feed updates every LINKGUARD_UPDATE_INTERVAL
    admin.setup(app)  # /v1/admin/* only when LINKGUARD_ADMIN_TOKEN is set
    setup_staff(app)  # /admin/ pages and trend counters, only with LINKGUARD_ADMIN_TOKEN
    return app


async def _services(app: web.Application) -> AsyncIterator[None]:
    """Owns the cache, report store, limits (Redis or in-process: `backends`) and the
    resolver's one client session (aiohttp cleanup_ctx)."""
    settings = app[SETTINGS]
    async with backends.attach(app) as flight:
        dns, policy = app[RESOLVER_OPTIONS]
        session = make_session(settings, dns=dns, policy=policy)
        observer = app[metrics.METRICS]
        counting = CountingObserver(app, observer)  # the trends' one hook per check
        resolver = Resolver(settings, session=session, on_chain=observer.chain)
        app[ASSESSOR] = Assessor(lists=lambda: app[LISTS].current, cache=app[CACHE],
                                 resolver=resolver, flight=flight, observer=counting)
        yield
        await resolver.close()
        await session.close()
        await app[REPORTS].close()


def run(settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM. On either signal aiohttp closes the listening socket (new
    connections are refused), gives in-flight requests `shutdown_timeout` seconds to finish,
    cancels what is left, then runs cleanup_ctx (Redis, the resolver's session) and returns,
    so the process exits 0 (docs/operations.md, "Shutdown and upgrades")."""
    logs.setup(settings)
    app = create_app(settings)
    app.on_startup.append(backends.reload_on_sighup)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        shutdown_timeout=settings.shutdown_timeout,
        print=lambda *_: log.info("serving on %s port %s", settings.host, settings.port),
        **HANDLER_ARGS,  # the access log class, and for each connection's RequestHandler
    )
