"""Graceful shutdown of `linkguard serve`: SIGTERM refuses new connections, lets an in-flight
request finish within LINKGUARD_SHUTDOWN_TIMEOUT, and the process exits 0.

The slow in-flight request is a real one, not a test route: an admin reload whose new list
file is a named pipe, so loading it waits (in the loader's thread) until the test writes the
list; that is a big feed being read, made deterministic. `linkguard_http_requests_in_flight`
on /metrics tells us the request is being handled, without sleeping on a guess.

What aiohttp does not finish: a request whose body is still arriving. At shutdown it stops
reading from every connection (web_protocol.RequestHandler.data_received drops data once the
connection is closing), so such a request waits out the bound and is dropped. Behind nginx
(request buffering is on by default) bodies reach the service whole; docs/operations.md says so.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from redis_fixtures import free_port

LINKGUARD = str(Path(sys.executable).with_name("linkguard"))
START_TIMEOUT = 30.0
BODY = json.dumps({"url": "http://slow-report.example/", "kind": "scam"}).encode()


class Service:
    def __init__(self, proc: subprocess.Popen[bytes], port: int, data_dir: Path) -> None:
        self.proc, self.port, self.data_dir = proc, port, data_dir

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as resp:
            body: bytes = resp.read()
            return body

    def in_flight(self) -> float:
        for line in self.get("/metrics").decode().splitlines():
            if line.startswith("linkguard_http_requests_in_flight "):
                return float(line.split()[1])
        raise AssertionError("no in-flight gauge on /metrics")

    def refuses_connections(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except ConnectionRefusedError:
            return True
        return False


def wait_for(condition: object, what: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.02)


@pytest.fixture
def start(lists_dir: Path, tmp_path: Path) -> Iterator[object]:
    procs: list[subprocess.Popen[bytes]] = []

    def run(shutdown_timeout: float, admin_token: str = "") -> Service:
        port = free_port()
        env = {**os.environ, "LINKGUARD_ADMIN_TOKEN": admin_token,
               "LINKGUARD_HOST": "127.0.0.1", "LINKGUARD_PORT": str(port),
               "LINKGUARD_LISTS_DIR": str(lists_dir), "LINKGUARD_DATA_DIR": str(tmp_path / "var"),
               "LINKGUARD_SHUTDOWN_TIMEOUT": str(shutdown_timeout), "LINKGUARD_RATE_LIMIT": "0",
               "LINKGUARD_LISTS_POLL_SECONDS": "0"}
        env.pop("LINKGUARD_REDIS_URL", None)
        proc = subprocess.Popen([LINKGUARD, "serve"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        procs.append(proc)
        service = Service(proc, port, tmp_path / "var")

        def up() -> bool:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                return service.get("/healthz") == b'{"status": "ok"}'
            except OSError:
                return False

        wait_for(up, "the service answers /healthz")
        return service

    yield run
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def start_slow_report(service: Service) -> socket.socket:
    """Send the headers and part of a report's body, and never the rest."""
    sock = socket.create_connection(("127.0.0.1", service.port), timeout=30)
    head = (f"POST /v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
            f"\r\nContent-Length: {len(BODY)}\r\n\r\n").encode()
    sock.sendall(head + BODY[:10])
    wait_for(lambda: service.in_flight() >= 2, "the slow report is in flight")  # it + the scrape
    return sock


def read_response(sock: socket.socket) -> tuple[int, dict[str, object]]:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    return status, json.loads(body)


ADMIN_TOKEN = "shutdown-admin-token-0123"
SLOW_LIST = """

[[list]]
name = "slow-feed"
file = "test/slow-feed.txt"
format = "domains"
category = "phishing"
action = "block"
license = "CC0-1.0"
description = "A named pipe: loading it waits until the test writes it"
"""


def start_slow_reload(service: Service, lists_dir: Path) -> socket.socket:
    """A new list that is a named pipe, then POST /v1/admin/reload: the handler waits for it."""
    os.mkfifo(lists_dir / "test/slow-feed.txt")
    with (lists_dir / "lists.toml").open("a") as f:
        f.write(SLOW_LIST)
    sock = socket.create_connection(("127.0.0.1", service.port), timeout=30)
    sock.sendall(f"POST /v1/admin/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                 f"{ADMIN_TOKEN}\r\nContent-Length: 0\r\n\r\n".encode())
    wait_for(lambda: service.in_flight() >= 2, "the reload is in flight")  # it + the scrape
    return sock


def test_sigterm_finishes_the_in_flight_request_and_exits_0(start: object,
                                                             lists_dir: Path) -> None:
    service: Service = start(10.0, admin_token=ADMIN_TOKEN)  # type: ignore[operator]
    sock = start_slow_reload(service, lists_dir)
    service.proc.send_signal(signal.SIGTERM)
    wait_for(service.refuses_connections, "new connections are refused", timeout=10)
    assert service.proc.poll() is None  # still finishing the reload
    # The feed arrives. O_NONBLOCK: if the loader were not reading, this fails (ENXIO) at once.
    fd = os.open(lists_dir / "test/slow-feed.txt", os.O_WRONLY | os.O_NONBLOCK)
    os.write(fd, b"slow-feed.example\n")
    os.close(fd)
    status, body = read_response(sock)
    sock.close()
    assert status == 200, body
    assert body["changed"] is True
    assert service.proc.wait(timeout=20) == 0
    stderr = service.proc.stderr.read().decode() if service.proc.stderr else ""
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert any(line.get("route") == "/v1/admin/reload" and line.get("status") == 200
               for line in lines)
    assert not any(line["level"] in ("ERROR", "CRITICAL") for line in lines), stderr


def test_a_stalled_request_cannot_hold_the_exit_past_the_bound(start: object) -> None:
    service: Service = start(1.0)  # type: ignore[operator]
    sock = start_slow_report(service)  # and never send the rest
    service.proc.send_signal(signal.SIGTERM)
    wait_for(service.refuses_connections, "new connections are refused", timeout=10)
    # aiohttp waits the bound for the handler, then cancels it (twice the bound at most),
    # then cleans up; 15 s is far above that, far below a hang.
    assert service.proc.wait(timeout=15) == 0
    sock.settimeout(5)
    try:
        leftover = sock.recv(65536)
    except ConnectionResetError:
        leftover = b""
    sock.close()
    assert b" 202 " not in leftover  # the stalled report was not stored half-read
    assert not (service.data_dir / "reports.jsonl").exists()


async def test_a_body_that_arrives_in_pieces_is_read_whole(client: TestClient) -> None:
    """The slow client above, in process: a body sent in small pieces (chunked) is one report,
    not a 400 for the first piece."""
    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(BODY), 7):
            yield BODY[start:start + 7]
            await asyncio.sleep(0.01)  # pacing only: each piece is its own read on the server

    resp = await client.post("/v1/reports", data=pieces(),
                             headers={"Content-Type": "application/json"})
    assert resp.status == 202, await resp.text()
