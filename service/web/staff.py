"""The staff pages under /admin/: wiring, login and logout, the guards every page passes.

They exist only when LINKGUARD_ADMIN_TOKEN is set, like the admin API (else 404). A page needs
a live session (service.web.sessions); a POST also needs this origin and the session's CSRF
token. Every answer carries a Content-Security-Policy without 'unsafe-inline' (no inline
script or style can run, whatever a report contains) and is rendered by Jinja2 with
autoescaping on, so a reported URL or comment is always text. The pages: reports queue
(staff_reports), lists health and trends (staff_pages).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from service.detect.messages import pick_lang
from service.store.ratelimit import MemoryLimiter, RedisLimiter
from service.store.sessions import LIFETIME, SessionStore
from service.web import sessions, staff_pages, staff_reports, trends
from service.web.staff_guard import action, field, form_of, refused, render
from service.web.staff_texts import LANGS
from service.web.state import REDIS, SETTINGS

HERE = Path(__file__).parent
LOGIN_LANG = web.RequestKey("staff_login_lang", str)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).digest()


async def login_page(request: web.Request, *, error: str = "", wait: int = 0,
                     status: int = 200) -> web.StreamResponse:
    if error == "" and await sessions.current(request) is not None:
        raise web.HTTPSeeOther("/admin/reports")
    lang = pick_lang(request.query.get("lang") or request.get(LOGIN_LANG),
                     None)  # Vietnamese unless asked: staff pages default to vi
    token = sessions.new_login_token()
    response = render(request, "login.html", {"error": error, "wait": wait, "form_token": token},
                      status=status, lang=lang)
    sessions.set_cookie(response, request, sessions.LOGIN_COOKIE, token,
                        max_age=sessions.LOGIN_FORM_SECONDS,
                        trusted=request.app[SETTINGS].trusted_proxies)
    return response


async def login(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    form = await form_of(request)
    if form is not None:
        lang = form.get("lang")
        request[LOGIN_LANG] = lang if lang in LANGS else "vi"
    if not sessions.same_origin(request):
        return refused(request, "refused.origin")
    if form is None or not sessions.token_matches(
            form.get("csrf"), request.cookies.get(sessions.LOGIN_COOKIE, "")):
        return await login_page(request, error="login.expired", status=403)
    wait = await sessions.login_wait(request, settings.trusted_proxies)
    if wait:
        response = await login_page(request, error="login.limited", wait=wait, status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    given = form.get("token")
    token = settings.admin_token or ""
    if not isinstance(given, str) or not token or not hmac.compare_digest(
            _digest(given.strip()), _digest(token)):
        return await login_page(request, error="login.wrong", status=401)
    sid, _ = await request.app[sessions.STORE].create(lang=request.get(LOGIN_LANG, "vi"))
    response = web.HTTPSeeOther("/admin/reports")
    sessions.set_cookie(response, request, sessions.COOKIE, sid, max_age=LIFETIME,
                        trusted=settings.trusted_proxies)
    sessions.drop_cookie(response, sessions.LOGIN_COOKIE)
    raise response


@action
async def logout(request: web.Request) -> web.StreamResponse:
    await request.app[sessions.STORE].delete(request[sessions.CURRENT_ID])
    response = web.HTTPSeeOther("/admin/login")
    sessions.drop_cookie(response, sessions.COOKIE)
    raise response


@action
async def set_lang(request: web.Request) -> web.StreamResponse:
    lang = field(request, "lang")
    if lang in LANGS:
        await request.app[sessions.STORE].update(
            request[sessions.CURRENT_ID], dataclasses.replace(request[sessions.CURRENT],
                                                              lang=lang))
    back = field(request, "back", 100)
    raise web.HTTPSeeOther(back if back in ("/admin/reports", "/admin/lists", "/admin/trends")
                           else "/admin/reports")


async def index(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/admin/reports")


async def _backends(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx after the backends: the session store and the login limiter (Redis when
    configured, so every replica knows a session and counts a guesser's attempts)."""
    link = app.get(REDIS)
    app[sessions.STORE] = SessionStore(link)
    memory = MemoryLimiter(sessions.LOGIN_PER_MINUTE, clock=time.monotonic)
    app[sessions.LOGIN_LIMITER] = (memory if link is None else
                                   RedisLimiter(link, sessions.LOGIN_PER_MINUTE, fallback=memory))
    yield


def setup(app: web.Application) -> None:
    """The pages and the trend counters, only with an admin token (nothing is counted that
    nobody can see)."""
    if not app[SETTINGS].admin_token:
        return
    trends.setup(app)
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE / "templates"),
                         autoescape=True, undefined=jinja2.StrictUndefined)
    app.cleanup_ctx.append(_backends)
    app.router.add_get("/admin", index)
    app.router.add_get("/admin/", index)
    app.router.add_get("/admin/login", login_page)
    app.router.add_post("/admin/login", login)
    app.router.add_post("/admin/logout", logout)
    app.router.add_post("/admin/lang", set_lang)
    app.router.add_static("/admin/static/", HERE / "staff_static")
    staff_reports.setup(app)
    staff_pages.setup(app)
