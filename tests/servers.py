"""Loopback test servers for the resolver: a chain app, a `*.test` DNS and connection counters."""

from __future__ import annotations

import asyncio
import functools
import gzip
import socket
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

FINAL_HTML = b"<!doctype html><title>final</title><p>You made it.</p>"
PAD = 70 * 1024  # more than the resolver's default 64 KiB body cap


class TestDNS(AbstractResolver):
    """Maps names to addresses; a list of answer lists is served one per lookup (rebinding).

    Names not in the table fail like a real resolver does (EAI_NONAME).
    """

    __test__ = False  # not a pytest class

    def __init__(self, table: dict[str, str | Sequence[str] | list[list[str]]] | None = None,
                 *, default: str | None = "127.0.0.1") -> None:
        self.table: dict[str, object] = dict(table or {})
        self.default = default  # what other `*.test` names resolve to
        self.calls: Counter[str] = Counter()

    def _answers(self, host: str) -> list[str]:
        entry = self.table.get(host)
        if entry is None:
            if self.default is not None and host.endswith(".test") and host != "nxdomain.test":
                return [self.default]
            raise OSError(socket.EAI_NONAME, f"{host}: name does not exist")
        if isinstance(entry, str):
            return [entry]
        entries = list(entry)  # type: ignore[call-overload]
        if entries and isinstance(entries[0], list):  # one answer list per lookup
            index = min(self.calls[host] - 1, len(entries) - 1)
            return list(entries[index])
        return [str(e) for e in entries]

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        self.calls[host] += 1
        await asyncio.sleep(0)
        return [
            ResolveResult(hostname=host, host=ip, port=port,
                          family=socket.AF_INET6 if ":" in ip else socket.AF_INET,
                          proto=0, flags=socket.AI_NUMERICHOST)
            for ip in self._answers(host)
        ]

    async def close(self) -> None:
        return None


@dataclass
class Listener:
    """A bare TCP listener that only counts accepted connections (the zero-connection proof)."""

    host: str
    port: int
    server: asyncio.Server
    accepted: list[int] = field(default_factory=lambda: [0])

    @property
    def count(self) -> int:
        return self.accepted[0]


async def listen(host: str, port: int = 0) -> Listener:
    accepted = [0]

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted[0] += 1
        writer.close()

    server = await asyncio.start_server(on_connect, host, port)
    bound = server.sockets[0].getsockname()[1]
    return Listener(host, bound, server, accepted)


@dataclass
class Seen:
    """What the chain app observed: hits per (method, path) and request headers of interest."""

    hits: Counter[tuple[str, str]] = field(default_factory=Counter)
    cookies: list[str] = field(default_factory=list)
    authorization: list[str] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)
    in_flight: int = 0
    max_in_flight: int = 0
    on_hop: list[Callable[[], None]] = field(default_factory=list)


def _html(body: bytes, **headers: str) -> web.Response:
    return web.Response(body=body, content_type="text/html", headers=headers)


@functools.cache
def _bomb(prefix: bytes, size: int) -> bytes:
    """gzip of `prefix` + `size` spaces: a few KiB on the wire, megabytes once inflated."""
    return gzip.compress(prefix + b" " * size, compresslevel=9)


def chain_app(seen: Seen) -> web.Application:
    """Routes that each play one redirect trick; `seen` records what clients sent."""
    bomb_early = _bomb(b'<meta http-equiv="refresh" content="0;url=/final">', 20_000_000)
    bomb_late = _bomb(b" " * PAD + b'<meta http-equiv="refresh" content="0;url=/final">',
                      20_000_000)

    @web.middleware
    async def record(request: web.Request, handler: Callable[..., object]) -> web.StreamResponse:
        seen.hits[(request.method, request.path)] += 1
        if "Cookie" in request.headers:
            seen.cookies.append(request.headers["Cookie"])
        if "Authorization" in request.headers:
            seen.authorization.append(request.headers["Authorization"])
        seen.user_agents.add(request.headers.get("User-Agent", ""))
        seen.in_flight += 1
        seen.max_in_flight = max(seen.max_in_flight, seen.in_flight)
        try:
            return await handler(request)  # type: ignore[misc, no-any-return]
        finally:
            seen.in_flight -= 1

    async def final(request: web.Request) -> web.Response:
        return _html(FINAL_HTML)

    async def chain(request: web.Request) -> web.Response:
        status, left = int(request.match_info["status"]), int(request.match_info["left"])
        if left == 0:
            return _html(FINAL_HTML)
        nxt = f"/chain/{status}/{left - 1}"
        return web.Response(status=status, headers={"Location": nxt})

    async def go(request: web.Request) -> web.Response:
        """302 to ?to=... verbatim (absolute, relative, private, other schemes)."""
        for hook in seen.on_hop:
            hook()
        headers = {"Location": request.query["to"]}
        if "close" in request.query:
            headers["Connection"] = "close"
        return web.Response(status=int(request.query.get("status", "302")), headers=headers)

    async def relative(request: web.Request) -> web.Response:
        return web.Response(status=301, headers={"Location": "../../final?from=rel"})

    async def meta(request: web.Request) -> web.Response:
        return _html(b'<html><head><meta http-equiv="Refresh" content="0; URL=/final">'
                     b"</head><body>Redirecting</body></html>")

    async def script(request: web.Request) -> web.Response:
        return _html(b"<html><script>window.location.replace('/final');</script></html>")

    async def refresh(request: web.Request) -> web.Response:
        return web.Response(text="wait", headers={"Refresh": "1; url=/final"})

    async def loop(request: web.Request) -> web.Response:
        other = "b" if request.match_info["name"] == "a" else "a"
        return web.Response(status=302, headers={"Location": f"/loop/{other}"})

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(60)
        return _html(FINAL_HTML)

    async def slow_chain(request: web.Request) -> web.Response:
        await asyncio.sleep(0.2)
        step = int(request.match_info["n"]) + 1
        return web.Response(status=302, headers={"Location": f"/slow-chain/{step}"})

    async def endless(request: web.Request) -> web.StreamResponse:
        late = request.match_info["where"] == "late"
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        if request.method == "HEAD":
            return resp
        head = b"<html>" + (b" " * PAD if late else b"")
        await resp.write(head + b"<script>location.href='/final'</script>")
        try:
            while True:  # never ends: only the client's byte cap stops it
                await resp.write(b"<p>" + b"x" * 16_384 + b"</p>")
        except ConnectionError:
            return resp

    async def bomb(request: web.Request) -> web.Response:
        body = bomb_late if request.match_info["where"] == "late" else bomb_early
        return web.Response(body=body, headers={"Content-Type": "text/html",
                                                "Content-Encoding": "gzip"})

    async def head_refused(request: web.Request) -> web.Response:
        code = int(request.match_info["code"])
        if request.method == "HEAD":
            return web.Response(status=code)
        return web.Response(status=302, headers={"Location": "/final"})

    async def cookie(request: web.Request) -> web.Response:
        resp = web.Response(status=302, headers={"Location": "/final"})
        resp.set_cookie("session", "tracker-id")
        return resp

    async def pause(request: web.Request) -> web.Response:
        await asyncio.sleep(0.05)
        return web.Response(text="plain")

    app = web.Application(middlewares=[record])
    app.router.add_route("*", "/final", final)
    app.router.add_route("*", "/chain/{status}/{left}", chain)
    app.router.add_route("*", "/go", go)
    app.router.add_route("*", "/deep/rel/start", relative)
    app.router.add_route("*", "/meta", meta)
    app.router.add_route("*", "/script", script)
    app.router.add_route("*", "/refresh", refresh)
    app.router.add_route("*", "/loop/{name}", loop)
    app.router.add_route("*", "/slow", slow)
    app.router.add_route("*", "/slow-chain/{n}", slow_chain)
    app.router.add_route("*", "/endless/{where}", endless)
    app.router.add_route("*", "/bomb/{where}", bomb)
    app.router.add_route("*", "/head-refused/{code}", head_refused)
    app.router.add_route("*", "/cookie", cookie)
    app.router.add_route("*", "/pause/{n}", pause)
    return app
