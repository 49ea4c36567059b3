"""HTTP wiring: create_app(settings) builds the aiohttp application, its state and middlewares."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger, AbstractResolver

from service import admin, backends, listwatch, routes
from service.assess import Assessor
from service.connector import make_session
from service.errors import LinkGuardError, RateLimited
from service.guard import GuardPolicy
from service.loader import Lists, load_lists
from service.resolver import Resolver
from service.settings import Settings
from service.state import (
    ASSESSOR,
    CACHE,
    LIMITER,
    LISTS,
    REPORTS,
    RESOLVER_OPTIONS,
    SETTINGS,
    ListsState,
)

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


# Room for an 8 KiB URL in a GET query string: we answer an over-long one with our own JSON
# 413 instead of aiohttp's bare 400 at its default 8190-byte request-line limit.
HANDLER_ARGS: dict[str, Any] = {"max_line_size": 16 * 1024}


def json_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Map the error tree to JSON once (STYLE.md); an unexpected error is a logged 500."""
    try:
        return await handler(request)
    except RateLimited as exc:
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
        log.exception("unhandled error on %s %s", request.method, request.path)
        return json_error(500, "internal_error", "something went wrong on our side")


@web.middleware
async def cors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Let the extension's pages call the service; web pages of other origins get no CORS."""
    origin = request.headers.get("Origin", "")
    allowed = origin.startswith(EXTENSION_ORIGINS)
    if request.method == "OPTIONS" and allowed:
        response: web.StreamResponse = web.Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
        response.headers["Access-Control-Max-Age"] = "600"
    else:
        response = await handler(request)
    if allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
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


class AccessLogger(AbstractAccessLogger):
    """Access log without query strings: `GET /v1/check?url=...` must not log the URL."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %.1fms", request.method, request.path, response.status, time * 1000
        )


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
    app = web.Application(
        middlewares=[cors_middleware, error_middleware, ratelimit_middleware],
        client_max_size=routes.MAX_BODY,
    )
    state = ListsState(lists if lists is not None else load_lists(settings.lists_dir))
    app[SETTINGS] = settings
    app[LISTS] = state
    app[RESOLVER_OPTIONS] = (dns, policy)
    app.cleanup_ctx.append(_services)
    routes.setup(app)
    listwatch.setup(app)  # reload serialization; polls the list files unless turned off
    admin.setup(app)  # /v1/admin/* only when LINKGUARD_ADMIN_TOKEN is set
    return app


async def _services(app: web.Application) -> AsyncIterator[None]:
    """Owns the cache, report store, limits (Redis or in-process: `backends`) and the
    resolver's one client session (aiohttp cleanup_ctx)."""
    settings = app[SETTINGS]
    async with backends.attach(app) as flight:
        dns, policy = app[RESOLVER_OPTIONS]
        session = make_session(settings, dns=dns, policy=policy)
        resolver = Resolver(settings, session=session)
        app[ASSESSOR] = Assessor(lists=lambda: app[LISTS].current, cache=app[CACHE],
                                 resolver=resolver, flight=flight)
        yield
        await resolver.close()
        await session.close()
        await app[REPORTS].close()


def run(settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM (aiohttp finishes in-flight requests within the bound)."""
    logging.basicConfig(
        level=settings.log_level_number, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    app = create_app(settings)
    app.on_startup.append(backends.reload_on_sighup)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        access_log_class=AccessLogger,
        shutdown_timeout=settings.shutdown_timeout,
        print=lambda *_: log.info("serving on http://%s:%s", settings.host, settings.port),
        **HANDLER_ARGS,  # run_app hands extra keywords to each connection's RequestHandler
    )
