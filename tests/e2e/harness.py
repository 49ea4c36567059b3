"""Loopback servers for the browser tests: a page server counting requests per host, a proxy."""

from __future__ import annotations

import asyncio
import html
import json
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web

# Hosts the browser maps to the page server (Chromium --host-resolver-rules). Real-looking names are
# needed where the detectors look at a real registrable domain (faceb00k.com vs facebook.com).
MAPPED_HOSTS = ("*.test", "faceb00k.com", "zalo.me", "l.facebook.com")

# Chromium on Linux reads managed policy (including 3rdparty extension policy) from here.
POLICY_DIR = Path("/etc/chromium/policies/managed")
POLICY_PREFIX = "linkguard-e2e-"

LOOKALIKE = "http://faceb00k.com/login"
BLOCKLISTED = "http://evil-phish.test/"
INVITE = "http://zalo.me/g/abcxyz123"
SAFE = "http://safe-site.test/"


def _page(title: str, body: str, script: str = "") -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body>{body}"
        f"{f'<script>{script}</script>' if script else ''}</body></html>"
    )


def links_page() -> str:
    """A chat-like page: static links, and a bad link a script adds later (as web chat apps do)."""
    body = (
        "<h1>School chat</h1>"
        f"<p><a id='lookalike' href='{LOOKALIKE}'>Facebook login</a></p>"
        f"<p><a id='safe' href='{SAFE}'>A safe page</a></p>"
        f"<p><a id='invite' href='{INVITE}'>Join our group</a></p>"
        "<div id='chat'></div>"
    )
    script = (
        "setTimeout(() => { const a = document.createElement('a'); a.id = 'dynamic';"
        f" a.href = '{BLOCKLISTED}prize'; a.textContent = 'You won a prize!';"
        " document.getElementById('chat').append(a); }, 300);"
    )
    return _page("School chat", body, script)


def many_links_page(n: int = 200) -> str:
    """n links to n different hosts, one per line, so most are below the fold."""
    items = "".join(
        f"<li style='height:40px'><a href='http://site{i}.test/page'>site {i}</a></li>"
        for i in range(n)
    )
    return _page("Many links", f"<h1>{n} links</h1><ol>{items}</ol>")


def timing_page(n: int = 60) -> str:
    """Safe links plus a click timer: a bubbling listener stops navigation and records the delay."""
    items = "".join(f"<a class='t' href='http://site{i}.test/t'>t{i}</a> " for i in range(n))
    script = (
        "window.clickDelays = [];"
        "window.addEventListener('click', (e) => { e.preventDefault();"
        " window.clickDelays.push(performance.now() - window.clickStart); });"
        "window.timeClicks = () => { window.clickDelays = [];"
        " for (const a of document.querySelectorAll('a.t')) {"
        " window.clickStart = performance.now();"
        " a.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, button: 0})); }"
        " return window.clickDelays; };"
    )
    return _page("Timing", f"<h1>Timing</h1><p>{items}</p>", script)


def wrapped(url: str) -> str:
    """`url` the way Facebook and Messenger hand it out: through l.facebook.com/l.php."""
    return f"http://l.facebook.com/l.php?u={quote(url, safe='')}&h=AT0e2e"


def wrapped_page(target: str) -> str:
    return _page("Chat", f"<p><a id='wrapped' href='{html.escape(wrapped(target))}'>a gift</a></p>")


def redirect(request: web.Request) -> web.Response | None:
    """Redirect tricks of any host: /go/302|meta|script?to=URL, and l.facebook.com/l.php?u=URL."""
    if request.host.split(":")[0].lower() == "l.facebook.com" and request.path == "/l.php":
        return web.Response(status=302, headers={"Location": request.query.get("u", "/")})
    to = request.query.get("to", "/")
    if request.path == "/go/302":
        return web.Response(status=302, headers={"Location": to})
    if request.path == "/go/meta":
        meta = f"<meta http-equiv='refresh' content='0;url={html.escape(to)}'>"
        return web.Response(text=_page("Moving", meta), content_type="text/html")
    if request.path == "/go/script":
        script = f"location.href = {json.dumps(to)};"
        return web.Response(text=_page("Moving", "", script), content_type="text/html")
    return None


class PageServer:
    """Serves every mapped host from one loopback port and counts page requests per Host header.

    /favicon.ico is not counted: the browser asks for it on its own, whenever it likes after a page
    loaded, so a count taken after #landed could still grow by one with no link opened.
    """

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.paths: list[tuple[str, str]] = []
        self.port = 0

    def count(self, host: str) -> int:
        return self.hits[host]

    async def handle(self, request: web.Request) -> web.Response:
        host = request.host.split(":")[0].lower()
        if request.path == "/favicon.ico":
            return web.Response(status=404)
        self.hits[host] += 1
        self.paths.append((host, request.path_qs))
        if (moved := redirect(request)) is not None:
            return moved
        if request.path == "/wrapped":
            return web.Response(text=wrapped_page(request.query.get("to", SAFE)),
                                content_type="text/html", charset="utf-8")
        routes: dict[tuple[str, str], Callable[[], str]] = {
            ("school.test", "/links"): links_page,
            ("school.test", "/many"): many_links_page,
            ("school.test", "/timing"): timing_page,
        }
        make = routes.get((host, request.path))
        text = (
            make() if make else _page(host, f"<h1 id='landed'>Welcome to {html.escape(host)}</h1>")
        )
        return web.Response(text=text, content_type="text/html", charset="utf-8")

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app


class CountingProxy:
    """Forwards /v1/* to the real service and counts calls per path (service calls per page)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.calls: Counter[str] = Counter()
        self.answered: Counter[str] = Counter()  # calls whose answer has been sent back
        self.batch_sizes: list[int] = []
        self.port = 0
        self.session: aiohttp.ClientSession | None = None

    async def handle(self, request: web.Request) -> web.Response:
        self.calls[request.path] += 1
        assert self.session is not None
        body = await request.read()
        if request.path == "/v1/check/batch":
            self.batch_sizes.append(len(json.loads(body).get("urls", [])))
        headers = {
            k: v for k, v in request.headers.items() if k.lower() in ("content-type", "accept")
        }
        async with self.session.request(
            request.method, self.upstream + request.path_qs, data=body, headers=headers
        ) as upstream:
            payload = await upstream.read()
            self.answered[request.path] += 1
            return web.Response(
                body=payload, status=upstream.status, content_type=upstream.content_type
            )

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)

        async def session_ctx(_app: web.Application) -> Any:
            self.session = aiohttp.ClientSession()
            yield
            await self.session.close()

        app.cleanup_ctx.append(session_ctx)
        return app


class ServerThread:
    """Runs aiohttp apps on loopback in a background event loop (the tests drive a sync browser)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runners: list[web.AppRunner] = []

    def start(self) -> None:
        self.thread.start()

    def serve(self, app: web.Application) -> int:
        async def go() -> int:
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.runners.append(runner)
            server = site._server
            assert server is not None
            return int(server.sockets[0].getsockname()[1])  # type: ignore[union-attr]

        return asyncio.run_coroutine_threadsafe(go(), self.loop).result(timeout=10)

    def stop(self) -> None:
        async def down() -> None:
            for runner in self.runners:
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(down(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()
