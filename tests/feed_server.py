"""A loopback feed server in its own thread (usable from sync CliRunner tests and subprocesses).

`/feed/{name}` serves whatever a test put in `FeedServer.bodies[name]`, with an ETag when given
(and 304 for a matching If-None-Match); the other routes misbehave on purpose: slow, huge,
truncated, garbage, HTTP errors, endless redirects.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

HUGE = 50 * 1024 * 1024  # the "50 MB response"
LINE = b"0123456789abcdef.huge-feed.test\n"  # 32 bytes


def hosts(count: int, stem: str = "phish") -> list[str]:
    return [f"{stem}{i}.bad-feed.test" for i in range(count)]


def feed_text(fmt: str, names: list[str]) -> str:
    """`names` (hosts) written in feed format `fmt`, the way real feeds look."""
    if fmt == "domains":
        return "# Title: test feed\n# Last updated: 2026-11-28\n" + "\n".join(names) + "\n"
    if fmt == "hosts":
        return "127.0.0.1 localhost\n::1 ip6-localhost\n" + "".join(
            f"0.0.0.0 {n}\n" for n in names)
    if fmt == "adblock":
        return "[Adblock Plus 2.0]\n! Title: test\n" + "".join(f"||{n}^\n" for n in names)
    if fmt == "urls":
        return "".join(f"http://{n}/login.php?id=1\n" for n in names)
    if fmt == "phishtank-csv":
        head = ("phish_id,url,phish_detail_url,submission_time,verified,verification_time,"
                "online,target\n")
        return head + "".join(
            f'{i},"http://{n}/a,b",http://p/{i},2026-11-28,yes,2026-11-28,yes,Other\n'
            for i, n in enumerate(names))
    if fmt == "urlhaus-csv":
        head = ("# abuse.ch URLhaus Database Dump\n#\n"
                "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n")
        return head + "".join(
            f'"{i}","2026-11-28","http://{n}/i","online","x","malware_download","elf","u","r"\n'
            for i, n in enumerate(names))
    raise ValueError(fmt)


@dataclass
class Body:
    data: bytes
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FeedServer:
    base: str = ""
    bodies: dict[str, Body] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)  # bytes the huge routes wrote
    delays: dict[str, float] = field(default_factory=dict)  # seconds before /feed/{name} answers
    admin_token: str = "feed-server-admin-token"
    reload_answer: tuple[int, dict[str, object]] = (
        200, {"old_version": "v-old", "new_version": "v-new", "changed": True})

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def put(self, name: str, text: str | bytes, *, etag: str | None = None,
            last_modified: str | None = None) -> str:
        data = text.encode() if isinstance(text, str) else text
        self.bodies[name] = Body(data, etag, last_modified)
        return self.url(f"/feed/{name}")


def make_app(server: FeedServer) -> web.Application:
    async def feed(request: web.Request) -> web.StreamResponse:
        delay = server.delays.get(request.match_info["name"])
        if delay:
            await asyncio.sleep(delay)
        body = server.bodies.get(request.match_info["name"])
        if body is None:
            raise web.HTTPNotFound()
        headers = {}
        if body.etag:
            headers["ETag"] = body.etag
            if request.headers.get("If-None-Match") == body.etag:
                return web.Response(status=304, headers=headers)
        if body.last_modified:
            headers["Last-Modified"] = body.last_modified
            if request.headers.get("If-Modified-Since") == body.last_modified:
                return web.Response(status=304, headers=headers)
        response = web.Response(body=body.data, headers=headers, content_type="text/plain")
        if request.query.get("gzip"):
            response.enable_compression()
        return response

    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(30)
        return web.Response(text="late.example\n")

    async def stall(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"first.example\n")
        await asyncio.sleep(30)
        return response

    async def huge(request: web.Request) -> web.StreamResponse:
        """50 MB generated on the fly (chunked, no length): nothing is held in memory."""
        response = web.StreamResponse()
        if request.query.get("declared"):
            response.content_length = HUGE
        await response.prepare(request)
        chunk = LINE * 2048  # 64 KiB
        written = 0
        try:
            while written < HUGE:
                await response.write(chunk)
                written += len(chunk)
                server.sent["huge"] = written
        except (ConnectionResetError, ConnectionError):
            return response
        return response

    async def truncated(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_length = 100_000
        await response.prepare(request)
        await response.write(b"".join(f"t{i}.bad-feed.test\n".encode() for i in range(1000)))
        assert request.transport is not None
        request.transport.close()  # the connection drops before Content-Length bytes came
        return response

    async def garbage(request: web.Request) -> web.Response:
        return web.Response(body=random.Random(7).randbytes(200_000),
                            content_type="application/octet-stream")

    async def html(request: web.Request) -> web.Response:
        page = "<!doctype html><html><head><title>Login</title></head><body>\n" + \
            "".join(f"<p>line {i}</p>\n" for i in range(300)) + "</body></html>\n"
        return web.Response(text=page, content_type="text/html")

    async def status(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]), text="nope")

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def admin_reload(request: web.Request) -> web.Response:
        """Stands in for a running service's POST /v1/admin/reload."""
        if request.headers.get("Authorization") != f"Bearer {server.admin_token}":
            return web.json_response({"error": {"code": "unauthorized", "message": "no"}},
                                     status=401)
        status, body = server.reload_answer
        return web.json_response(body, status=status)

    @web.middleware
    async def record(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
        server.requests.append((request.path, dict(request.headers)))
        return await handler(request)

    app = web.Application(middlewares=[record])
    app.router.add_get("/feed/{name}", feed)
    app.router.add_get("/slow", slow)
    app.router.add_get("/stall", stall)
    app.router.add_get("/huge", huge)
    app.router.add_get("/truncated", truncated)
    app.router.add_get("/garbage", garbage)
    app.router.add_get("/html", html)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/loop", loop)
    app.router.add_post("/v1/admin/reload", admin_reload)
    return app


@dataclass
class ForwardProxy:
    """A plain HTTP forward proxy (absolute-form requests), as schools run for outbound traffic.

    It answers 407 unless the request carries `Proxy-Authorization: Basic <credentials>`, and
    records (target URL, Proxy-Authorization) of every request it is sent.
    """

    base: str = ""
    credentials: str = "Basic bWFpbnRhaW5lcjpzM2NyZXQ="  # maintainer:s3cret
    seen: list[tuple[str, str | None]] = field(default_factory=list)


HOP_BY_HOP = {"host", "proxy-authorization", "proxy-connection", "connection", "keep-alive"}
PASSED_BACK = {"etag", "last-modified", "content-type", "content-encoding"}


def make_proxy_app(proxy: ForwardProxy) -> web.Application:
    async def forward(request: web.Request) -> web.Response:
        target = request.raw_path
        auth = request.headers.get("Proxy-Authorization")
        proxy.seen.append((target, auth))
        if auth != proxy.credentials:
            return web.Response(status=407, headers={"Proxy-Authenticate": 'Basic realm="school"'})
        if not target.startswith("http://"):
            return web.Response(status=400, text="absolute-form requests only")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        async with ClientSession(trust_env=False, auto_decompress=False) as session, \
                session.get(target, headers=headers, allow_redirects=False) as upstream:
            body = await upstream.read()
            passed = {k: v for k, v in upstream.headers.items() if k.lower() in PASSED_BACK}
            return web.Response(body=body, status=upstream.status, headers=passed)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


def serve_in_thread() -> Iterator[FeedServer]:
    """Start the server on 127.0.0.1:<free port> in a daemon thread; stop it afterwards."""
    yield from _serve(FeedServer(), make_app)


def proxy_in_thread() -> Iterator[ForwardProxy]:
    """A ForwardProxy on 127.0.0.1:<free port> in a daemon thread."""
    yield from _serve(ForwardProxy(), make_proxy_app)


def _serve(server: Any, make: Callable[[Any], web.Application]) -> Iterator[Any]:
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    runner = web.AppRunner(make(server), handle_signals=False, shutdown_timeout=0.1)

    async def start() -> None:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        server.base = f"http://127.0.0.1:{port}"
        ready.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10), "feed server did not start"
    async def stop() -> None:
        await runner.cleanup()
        # Handlers still sleeping (/slow, /stall) end here, not when the loop is collected.
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
