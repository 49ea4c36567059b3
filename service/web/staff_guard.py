"""What every staff page passes: the session, the same-origin and CSRF checks, the security
headers, and rendering with Jinja2's autoescaping (service.web.staff has the overview)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp.web_request import FileField
from multidict import MultiDictProxy

from service.web import sessions
from service.web.staff_texts import translator

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    # No Referer leaves for another site (a page address may hold a filter, never a URL);
    # "no-referrer" would make the browser send `Origin: null` on our own form posts.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
Form = MultiDictProxy[str | bytes | bytearray | FileField]
FORM: web.RequestKey[Form] = web.RequestKey("staff_form")


def secured(response: web.StreamResponse) -> web.StreamResponse:
    response.headers.update(SECURITY_HEADERS)
    return response


def render(request: web.Request, template: str, context: dict[str, Any], *,
           status: int = 200, lang: str | None = None) -> web.StreamResponse:
    session = request.get(sessions.CURRENT)
    lang = lang or (session.lang if session is not None else "vi")
    base = {"t": translator(lang), "lang": lang, "session": session,
            "csrf": session.csrf if session is not None else "",
            "path": request.path}
    response = aiohttp_jinja2.render_template(template, request, {**base, **context},
                                              status=status)
    return secured(response)


def refused(request: web.Request, reason: str, *, status: int = 403) -> web.StreamResponse:
    return render(request, "refused.html", {"reason": reason}, status=status)


def page(handler: Handler) -> Handler:
    """A GET page: a live session, else the login page."""
    async def with_session(request: web.Request) -> web.StreamResponse:
        found = await sessions.current(request)
        if found is None:
            raise web.HTTPSeeOther("/admin/login")
        request[sessions.CURRENT_ID], request[sessions.CURRENT] = found
        return secured(await handler(request))
    return with_session


def action(handler: Handler) -> Handler:
    """A state-changing POST: this origin, a live session and its CSRF token in the form."""
    async def guarded(request: web.Request) -> web.StreamResponse:
        found = await sessions.current(request)
        if found is not None:
            request[sessions.CURRENT_ID], request[sessions.CURRENT] = found
        if not sessions.same_origin(request):
            return refused(request, "refused.origin")
        if found is None:
            return refused(request, "refused.session", status=401)
        form = await form_of(request)
        if form is None:
            return refused(request, "refused.form", status=400)
        if not sessions.token_matches(form.get("csrf"), found[1].csrf):
            return refused(request, "refused.csrf")
        request[FORM] = form
        return secured(await handler(request))
    return guarded


async def form_of(request: web.Request) -> Form | None:
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return None
    try:
        return await request.post()
    except (ValueError, UnicodeDecodeError):
        return None


def field(request: web.Request, name: str, limit: int = 200) -> str:
    value = request[FORM].get(name, "")
    return value[:limit].strip() if isinstance(value, str) else ""


async def flash(request: web.Request, message: str) -> None:
    """Keep `message` in the session for the next page (never in the URL)."""
    store, sid = request.app[sessions.STORE], request[sessions.CURRENT_ID]
    await store.update(sid, dataclasses.replace(request[sessions.CURRENT], flash=message))


async def take_flash(request: web.Request) -> str:
    session = request[sessions.CURRENT]
    if session.flash:
        await request.app[sessions.STORE].update(
            request[sessions.CURRENT_ID], dataclasses.replace(session, flash=""))
    return session.flash
