"""GET /: the check page any phone can open, its script and style, and its web app manifest.

The files are package data (service/web/static/, in the wheel and in an editable install),
read once. Every answer carries a strict Content-Security-Policy: scripts and styles only from
this origin as files (no inline script, no eval), no external resource of any kind, and the
page cannot be framed. The page itself talks only to POST /v1/check/text on this origin.
"""

from __future__ import annotations

import functools
from importlib import resources

from aiohttp import web

FILES = {  # name -> content type; nothing else under /static/ exists
    "check.js": "text/javascript",
    "check.css": "text/css",
    "icon48.png": "image/png",
    "icon128.png": "image/png",
}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}


@functools.cache
def _read(name: str) -> bytes:
    return resources.files("service.web").joinpath("static", name).read_bytes()


def _file(name: str, content_type: str) -> web.Response:
    response = web.Response(body=_read(name), content_type=content_type,
                            charset="utf-8" if content_type.startswith("text/") else None)
    response.headers.update(HEADERS)
    return response


async def page(request: web.Request) -> web.Response:
    """The page; shared text arrives in the query string and is read by the page's script
    (the access log never records query strings)."""
    return _file("index.html", "text/html")


async def manifest(request: web.Request) -> web.Response:
    return _file("manifest.webmanifest", "application/manifest+json")


async def static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in FILES:
        raise web.HTTPNotFound()
    return _file(name, FILES[name])


def setup(app: web.Application) -> None:
    app.router.add_get("/", page)
    app.router.add_get("/manifest.webmanifest", manifest)
    app.router.add_get("/static/{name}", static)
