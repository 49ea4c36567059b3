"""JSON logs: one object per line with a request id; no URL, path or query unless asked for."""

from __future__ import annotations

import ast
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from service.settings import Settings
from service.web import logs
from service.web.app import HANDLER_ARGS, create_app

SECRET_PATH = "secret-path-7f3a"
SECRET_QUERY = "token=QUERYSECRET42"
SECRET_URL = f"http://evil-phish.test/{SECRET_PATH}/login?{SECRET_QUERY}"
SECRETS = (SECRET_PATH, "QUERYSECRET42", "evil-phish.test/")
SERVICE = Path(__file__).resolve().parent.parent / "service"


class Captured:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


@pytest.fixture(params=[False, True], ids=["default", "log_full_urls"])
def full(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def captured(settings: Settings) -> Iterator[Captured]:
    """Every logger, at DEBUG, through the service's JSON handler (as `linkguard serve` sets it)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    logs.setup(settings.replace(log_level="DEBUG"), stream=stream)
    try:
        yield Captured(stream)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


async def serve(aiohttp_client: Any, settings: Settings) -> TestClient:
    server = TestServer(create_app(settings.replace(lists_poll_seconds=0)))
    await server.start_server(**HANDLER_ARGS)
    client: TestClient = await aiohttp_client(server)
    return client


async def exercise(client: TestClient) -> None:
    """Every way a URL reaches the service: check (body, query), batch, report, a bad path."""
    assert (await client.post("/v1/check", json={"url": SECRET_URL})).status == 200
    assert (await client.get("/v1/check", params={"url": SECRET_URL})).status == 200
    batch = await client.post("/v1/check/batch", json={"urls": [SECRET_URL, "javascript:x"]})
    assert batch.status == 200
    report = await client.post("/v1/reports", json={"url": SECRET_URL, "kind": "phishing"})
    assert report.status == 202
    assert (await client.get(f"/{SECRET_PATH}?{SECRET_QUERY}")).status == 404


async def test_no_url_path_or_query_in_any_line_by_default(
        aiohttp_client: Any, settings: Settings, captured: Captured) -> None:
    client = await serve(aiohttp_client, settings)
    await exercise(client)
    await client.close()
    lines = captured.lines()
    assert any(line["logger"] == "linkguard.check" for line in lines)
    assert any(line["logger"] == "aiohttp.access" for line in lines)
    for secret in SECRETS:
        assert secret not in captured.text
    checked = [line for line in lines if line["message"] == "checked"]
    assert len(checked) == 3  # POST, GET, the batch's good URL (a dangerous verdict: INFO)
    for line in checked:
        assert line["domain"] == "evil-phish.test"
        assert len(line["url_hash"]) == logs.HASH_CHARS
        assert "url" not in line
    assert len({line["url_hash"] for line in checked}) == 1  # one URL, one hash


async def test_full_urls_only_when_asked(aiohttp_client: Any, settings: Settings,
                                         captured: Captured) -> None:
    client = await serve(aiohttp_client, settings.replace(log_full_urls=True))
    await exercise(client)
    await client.close()
    checked = [line for line in captured.lines() if line["message"] == "checked"]
    assert checked and all(SECRET_PATH in line["url"] and "QUERYSECRET42" in line["url"]
                           for line in checked)
    access = [line for line in captured.lines() if line["logger"] == "aiohttp.access"]
    assert len(access) == 5  # one per request; the access log stays query-free
    for line in access:
        assert not any(secret in json.dumps(line) for secret in SECRETS)


async def test_every_line_is_one_json_object(aiohttp_client: Any, settings: Settings,
                                             captured: Captured) -> None:
    client = await serve(aiohttp_client, settings)
    await exercise(client)
    for line in captured.lines():
        assert {"time", "level", "logger", "message"} <= set(line)
        assert line["time"].endswith("Z")
    access = [line for line in captured.lines() if line["logger"] == "aiohttp.access"]
    assert {(a["method"], a["route"], a["status"]) for a in access} >= {
        ("POST", "/v1/check", 200), ("GET", "/v1/check", 200), ("GET", "unmatched", 404)}
    assert all(isinstance(a["duration_ms"], float) for a in access)


@pytest.mark.parametrize(("sent", "kept"), [
    ("abc-123_x.Y", True),
    ("0f8fad5b-d9cb-469f-a165-70867728950e", True),
    ("x" * 64, True),
    ("x" * 65, False),
    ("has space", False),
    ("a/b", False),
    ("", False),
    ("id;drop", False),
])
async def test_request_id_round_trip(client: TestClient, captured: Captured, sent: str,
                                     kept: bool) -> None:
    resp = await client.post("/v1/check", json={"url": "http://evil-phish.test/x"},
                             headers={"X-Request-ID": sent})
    got = resp.headers["X-Request-ID"]
    if kept:
        assert got == sent
    else:
        assert got != sent and len(got) == 32 and int(got, 16) >= 0
    mine = [line for line in captured.lines() if line.get("request_id") == got]
    assert {line["logger"] for line in mine} >= {"linkguard.check", "aiohttp.access"}


async def test_error_answers_carry_the_request_id(client: TestClient) -> None:
    for resp in (await client.get("/nope"), await client.post("/v1/check", data="x"),
                 await client.options("/v1/check", headers={
                     "Origin": "chrome-extension://abc",
                     "Access-Control-Request-Method": "POST"})):
        assert logs.VALID_REQUEST_ID.fullmatch(resp.headers["X-Request-ID"])


@pytest.mark.parametrize(("text", "gone", "kept"), [
    ("resolver failed on http://evil.test/a/b?c=d", ["/a/b", "c=d"], ["domain=evil.test"]),
    ("ValueError: bad https://x.example.com:8080/p", ["/p", ":8080"], ["domain=example.com"]),
    ("GET /v1/check?url=abc%2Fdef", ["abc%2Fdef"], ["/v1/check?<query>"]),
    ("javascript:alert(document.cookie)", ["alert", "cookie"], ["<url hash="]),
    ("redis redis://127.0.0.1:6379/0 unreachable", [], ["redis://127.0.0.1:6379/0"]),
])
def test_scrub_free_text(text: str, gone: list[str], kept: list[str]) -> None:
    out = logs.scrub(text)
    for part in gone:
        assert part not in out
    for part in kept:
        assert part in out


def test_a_traceback_with_a_url_is_scrubbed(full: bool) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter(full_urls=full))
    logger = logging.getLogger("linkguard.test_logs")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError(f"cannot read {SECRET_URL}")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert "ValueError" in line["exc"]
    assert (SECRET_PATH in line["exc"]) is full


URL_NAMES = {"url", "path", "query", "query_string", "raw_path", "rel_url", "path_qs",
             "canonical", "canonical_url", "final_url", "raw"}
ALLOWED = {
    ("store/redis_link.py", "url"),  # the Redis address, its password already redacted
    ("store/redis_reports.py", "path"),  # the spool file's path
}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


def _service_modules(root: Path) -> list[Path]:
    """Every module of the package, in every layer's subpackage (logs.py aside, which hashes)."""
    return [p for p in sorted(root.rglob("*.py")) if p.name != "logs.py"]


def _log_calls(root: Path) -> Iterator[tuple[str, int, str]]:
    for path in _service_modules(root):
        name_in_tree = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in LOG_METHODS
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id.endswith("log")):
                continue
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                for sub in ast.walk(arg):
                    name = sub.attr if isinstance(sub, ast.Attribute) else (
                        sub.id if isinstance(sub, ast.Name) else None)
                    if name in URL_NAMES and (name_in_tree, name) not in ALLOWED:
                        yield name_in_tree, node.lineno, name


def test_no_log_call_in_service_passes_a_url() -> None:
    """Every `log.<level>(...)` in service/ (logs.py aside, which hashes): no URL-ish value."""
    assert list(_log_calls(SERVICE)) == []


def test_the_log_scan_reads_every_layer() -> None:
    """The scan above would pass on an empty tree: it must see the subpackages' modules."""
    seen = {p.relative_to(SERVICE).parts[0] for p in _service_modules(SERVICE)}
    assert {"core", "lists", "detect", "upkeep", "resolve", "store", "web", "cli"} <= seen


def test_the_log_call_scan_can_fail(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("log.info('checked %s', request.path)\n"
                                     "check_log.debug('x', extra={'u': result.final_url})\n")
    assert list(_log_calls(tmp_path)) == [("bad.py", 1, "path"), ("bad.py", 2, "final_url")]
