"""Staff login sessions over HTTP: the cookie, the CSRF and same-origin checks, login limits.

- The cookie holds only a random id (service.store.sessions keeps the record): `HttpOnly`,
  `SameSite=Strict`, `Path=/admin`, `Max-Age` 8 h, and `Secure` when the request came over
  HTTPS or through a trusted proxy (LINKGUARD_TRUSTED_PROXIES) that says `X-Forwarded-Proto:
  https`.
- Every POST must come from this origin: a `Sec-Fetch-Site` other than `same-origin` (Fetch
  Metadata, sent by every current browser) or an `Origin` of another host is refused, and the
  form must carry the session's CSRF token (OWASP CSRF Prevention Cheat Sheet: synchronizer
  token plus origin verification). SameSite=Strict alone is not enough: a page on another
  port of the same host is "same-site".
- The login form has its own token (a short-lived cookie and the same value in the form,
  "double submit"), so even the login cannot be posted from elsewhere.
- Login attempts are charged to the client's address (the rate limiter's identity, proxies
  as LINKGUARD_TRUSTED_PROXIES say) before the token is compared, like API key guessing:
  LOGIN_PER_MINUTE attempts a minute, then 429 with Retry-After.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import secrets
from urllib.parse import urlsplit

from aiohttp import web

from service.store.ratelimit import Limiter, identity, parse_networks
from service.store.sessions import LIFETIME, Session, SessionStore

COOKIE = "lg_staff"
LOGIN_COOKIE = "lg_staff_login"
PATH = "/admin"
LOGIN_PER_MINUTE = 10
LOGIN_FORM_SECONDS = 1800
CURRENT = web.RequestKey("staff_session", Session)
CURRENT_ID = web.RequestKey("staff_session_id", str)
STORE = web.AppKey("staff_sessions", SessionStore)
LOGIN_LIMITER: web.AppKey[Limiter] = web.AppKey("staff_login_limiter")


def is_https(request: web.Request, trusted: tuple[str, ...]) -> bool:
    """HTTPS here, or a trusted proxy in front says the client used it."""
    if request.secure:
        return True
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    if proto != "https" or not trusted:
        return False
    try:
        peer = ipaddress.ip_address((request.remote or "").strip("[]"))
    except ValueError:
        return False
    return any(peer in net for net in parse_networks(trusted))


def set_cookie(response: web.StreamResponse, request: web.Request, name: str, value: str, *,
               max_age: int, trusted: tuple[str, ...]) -> None:
    response.set_cookie(name, value, max_age=max_age, path=PATH, httponly=True,
                        samesite="Strict", secure=is_https(request, trusted))


def drop_cookie(response: web.StreamResponse, name: str) -> None:
    response.del_cookie(name, path=PATH)


def same_origin(request: web.Request) -> bool:
    """False for a request a page of another origin made. Fetch Metadata decides when the
    browser sent it (every current one does); else the Origin header, compared with Host
    (without the port when a proxy's Host has none: nginx's `$host` drops it)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # an old client or curl; the CSRF token still has to match
    try:
        parts = urlsplit(origin)
        netloc, hostname = parts.netloc.lower(), (parts.hostname or "")
    except ValueError:
        return False
    if not netloc or origin == "null":
        return False
    host = request.host.lower()
    return netloc == host or (":" not in host.rsplit("]", 1)[-1] and hostname == host)


def token_matches(given: object, expected: str) -> bool:
    if not isinstance(given, str) or not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


async def login_wait(request: web.Request, trusted: tuple[str, ...]) -> int:
    """Charge one login attempt to the client; seconds to wait when over the limit, else 0."""
    limiter = request.app[LOGIN_LIMITER]
    who = "login:" + identity(request.remote, request.headers.get("X-Forwarded-For"),
                              parse_networks(trusted))
    wait = await limiter.hit(who)
    return max(1, math.ceil(wait)) if wait > 0 else 0


async def current(request: web.Request) -> tuple[str, Session] | None:
    """The request's live session (and its id), or None: no cookie, unknown or expired."""
    session_id = request.cookies.get(COOKIE)
    session = await request.app[STORE].get(session_id)
    if session is None or session_id is None:
        return None
    return session_id, session


def remaining(session: Session, now: float) -> int:
    return max(0, min(LIFETIME, math.floor(session.expires_at - now)))
