"""Malformed HTTP on a raw socket: garbage, smuggling shapes, huge request lines, slow clients.

The server must answer each with a 4xx (aiohttp's parser answers most of them before the
application runs, in plain text) within a short client timeout, and keep serving others: a
slow-loris client holding half-sent requests open must not stop /healthz from answering.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from aiohttp.test_utils import TestClient

TIMEOUT = 5.0  # seconds the test waits for any answer; the server answers in milliseconds
H = b"Host: x\r\n"

# (id, bytes sent, expected status)
MALFORMED: list[tuple[str, bytes, int]] = [
    ("garbage-request-line", b"GARBAGE\r\n\r\n", 400),
    ("tls-client-hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(40), 400),
    ("nul-in-method", b"G\x00T / HTTP/1.1\r\n\r\n", 400),
    ("unknown-http-version", b"GET / HTTP/9.9\r\n\r\n", 400),
    ("nul-in-query", b"GET /v1/check?url=http://a.com/\x00 HTTP/1.1\r\n" + H + b"\r\n", 400),
    # Header injection: a bare CR or LF inside a value would split it into two headers.
    ("bare-cr-in-request-id", b"GET /healthz HTTP/1.1\r\n" + H +
     b"X-Request-ID: abc\rX-Injected: 1\r\n\r\n", 400),
    ("bare-lf-in-request-id", b"GET /healthz HTTP/1.1\r\n" + H +
     b"X-Request-ID: abc\nX-Injected: 1\r\n\r\n", 400),
    ("bare-cr-in-accept-language", b"GET /v1/check?url=a.com HTTP/1.1\r\n" + H +
     b"Accept-Language: en\rX-Injected: 1\r\n\r\n", 400),
    ("nul-in-header", b"GET /healthz HTTP/1.1\r\n" + H + b"X-Request-ID: a\x00b\r\n\r\n", 400),
    ("obs-fold", b"GET /healthz HTTP/1.1\r\n" + H + b" X-Injected: 1\r\n\r\n", 400),
    ("space-in-header-name", b"GET /healthz HTTP/1.1\r\n" + H + b"X Injected: 1\r\n\r\n", 400),
    # Request smuggling shapes (RFC 9112 section 6.3): refused, never guessed.
    ("negative-content-length", b"POST /v1/check HTTP/1.1\r\n" + H +
     b"Content-Type: application/json\r\nContent-Length: -1\r\n\r\n{}", 400),
    ("content-length-list", b"POST /v1/check HTTP/1.1\r\n" + H +
     b"Content-Type: application/json\r\nContent-Length: 2, 2\r\n\r\n{}", 400),
    ("content-length-and-chunked", b"POST /v1/check HTTP/1.1\r\n" + H +
     b"Content-Type: application/json\r\nContent-Length: 2\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("chunked-not-last", b"POST /v1/check HTTP/1.1\r\n" + H +
     b"Content-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\n\r\n", 400),
    ("bad-chunk-size", b"POST /v1/check HTTP/1.1\r\n" + H +
     b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
     400),
    # Request lines: 17 KiB reaches the application (our JSON 413), 200 KiB does not.
    ("request-line-17KiB", b"GET /v1/check?url=" + b"a" * 17 * 1024 + b" HTTP/1.1\r\n" + H +
     b"\r\n", 413),
    ("request-line-200KiB", b"GET /" + b"a" * 200 * 1024 + b" HTTP/1.1\r\n" + H + b"\r\n", 400),
]


async def open_raw(client: TestClient) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = client.server.host, client.server.port
    return await asyncio.wait_for(asyncio.open_connection(host, port), TIMEOUT)


async def close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError, TimeoutError):
        await asyncio.wait_for(writer.wait_closed(), TIMEOUT)


async def exchange(client: TestClient, data: bytes) -> tuple[int, bytes]:
    """Send `data`, read the response head; (status, head)."""
    reader, writer = await open_raw(client)
    try:
        writer.write(data)
        with contextlib.suppress(ConnectionError):  # the server may answer and close first
            await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT)
    finally:
        await close(writer)
    status_line = head.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1."), status_line
    return int(status_line.split()[1]), head


async def nothing_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    try:
        await asyncio.wait_for(reader.read(1), seconds)
    except TimeoutError:
        return True
    return False


async def healthy(client: TestClient) -> bool:
    resp = await asyncio.wait_for(client.get("/healthz"), TIMEOUT)
    return resp.status == 200


@pytest.mark.parametrize(("data", "status"), [case[1:] for case in MALFORMED],
                         ids=[case[0] for case in MALFORMED])
async def test_malformed_http_gets_a_4xx_quickly(
    client: TestClient, data: bytes, status: int
) -> None:
    got, head = await exchange(client, data)
    assert got == status, head
    assert b"X-Injected" not in head and b"Set-Cookie" not in head
    assert await healthy(client)


async def test_slow_loris_clients_do_not_stop_others(client: TestClient) -> None:
    """Thirty connections stuck halfway through their headers or bodies; others are served."""
    stuck = []
    try:
        for i in range(30):
            reader, writer = await open_raw(client)
            if i % 2:
                writer.write(b"GET /healthz HTTP/1.1\r\n" + H + b"X-Slow: ")
            else:
                writer.write(b"POST /v1/check HTTP/1.1\r\n" + H + b"Content-Type: "
                             b"application/json\r\nContent-Length: 1000\r\n\r\n{\"url\": ")
            await writer.drain()
            stuck.append((reader, writer))
        assert await healthy(client)
        resp = await asyncio.wait_for(
            client.post("/v1/check", json={"url": "http://evil-phish.test/"}), TIMEOUT)
        assert resp.status == 200 and (await resp.json())["verdict"] == "dangerous"
        # They really are stuck: no answer yet to a request none of them finished.
        answers = await asyncio.gather(*(nothing_within(reader, 0.2) for reader, _ in stuck))
        assert all(answers)
    finally:
        for _, writer in stuck:
            await close(writer)
    assert await healthy(client)


async def test_a_client_vanishing_mid_body_leaves_the_server_serving(client: TestClient) -> None:
    for _ in range(5):
        _, writer = await open_raw(client)
        writer.write(b"POST /v1/reports HTTP/1.1\r\n" + H + b"Content-Type: application/json\r\n"
                     b"Content-Length: 5000\r\n\r\n{\"url\": \"http://a.com/\", \"comment\": \"")
        await writer.drain()
        await close(writer)
    assert await healthy(client)
    resp = await client.post("/v1/reports", json={"url": "http://a.com/"})
    assert resp.status == 202
