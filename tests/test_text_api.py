"""POST /v1/check/text on a real aiohttp server: shapes, links, limits, privacy, rate limits;
and the check page at / (CSP, files, manifest with share_target)."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openapi_check import Contract

from service.settings import Settings
from service.web import logs, openapi
from service.web.app import HANDLER_ARGS, create_app
from service.web.state import CACHE

SCAM = ("Tôi là cán bộ công an, em liên quan đến vụ án rửa tiền. Không được nói với bố mẹ, "
        "chuyển tiền ngay vào tài khoản tạm giữ.")
PLANTED = "Mật-mã-cài-sẵn-ZX81Q"  # a phrase that must never reach a log line or the cache


async def check_text(client: TestClient, text: str, **extra: Any) -> dict[str, Any]:
    resp = await client.post("/v1/check/text", json={"text": text, **extra})
    body: dict[str, Any] = await resp.json()
    assert resp.status == 200, body
    Contract(openapi.document()).check("POST", "/v1/check/text", 200, resp.headers, body)
    return body


async def test_a_scam_with_no_link_is_dangerous_with_localized_reasons(client: TestClient) -> None:
    vi = await check_text(client, SCAM)
    en = await check_text(client, SCAM, lang="en")
    assert vi["verdict"] == en["verdict"] == "dangerous" and vi["links"] == []
    assert vi["lang"] == "vi" and en["lang"] == "en"
    codes = [r["code"] for r in en["reasons"]]
    assert {"message.authority_threat", "message.secrecy", "message.money_transfer",
            "message.combination"} <= set(codes)
    secrecy = next(r for r in en["reasons"] if r["code"] == "message.secrecy")
    assert secrecy["evidence"]["match"] == "Không được nói với bố mẹ"
    assert "family" in secrecy["message"] and "parents" in secrecy["advice"]
    assert vi["reasons"][0]["message"] != en["reasons"][0]["message"]


async def test_links_get_the_check_shape_bare_domains_included(client: TestClient) -> None:
    # .test is no public suffix: bare, it is a word; with its scheme, a link.
    text = ("Vao phish.example.com/login ngay, hoặc vietcombank-xacminh.top/dang-nhap de xac "
            "minh tai khoan. Hỏi ở tp.hcm, không phải evil-phish.test hay http://evil-phish.test/a")
    body = await check_text(client, text, lang="en")
    assert [link["url"] for link in body["links"]] == [
        "phish.example.com/login", "vietcombank-xacminh.top/dang-nhap", "http://evil-phish.test/a"]
    first = body["links"][0]
    assert first["canonical_url"] == "http://phish.example.com/login"
    assert first["verdict"] == "dangerous" and first["reasons"][0]["code"] == "blocklist.match"
    assert set(first) >= {"redirects", "suggestion", "lists_version", "cached", "ttl"}
    assert body["links"][1]["suggestion"] == "vietcombank.com.vn"
    link_reasons = [r for r in body["reasons"] if r["code"] == "message.link"]
    assert {r["evidence"]["host"] for r in link_reasons} == {
        "phish.example.com", "vietcombank-xacminh.top", "evil-phish.test"}
    assert body["verdict"] == "dangerous"


async def test_a_teachers_zoom_link_is_no_alarm_but_the_link_is_listed(client: TestClient) -> None:
    body = await check_text(client, "Các em vào lớp lúc 19h qua https://zoom.us/j/8123456789 nhé.")
    assert body["verdict"] == "safe"
    assert body["links"][0]["reasons"][0]["code"] == "invite.video_call"


async def test_at_most_twenty_links(client: TestClient) -> None:
    body = await check_text(client, " ".join(f"http://site{i}.example.org/" for i in range(25)))
    assert len(body["links"]) == 20


async def test_accept_language_picks_the_language(client: TestClient) -> None:
    resp = await client.post("/v1/check/text", json={"text": SCAM},
                             headers={"Accept-Language": "en-US,en;q=0.8"})
    assert (await resp.json())["lang"] == "en"


BAD: list[tuple[str, Any, int, str]] = [
    ("not a string", {"text": 5}, 422, "invalid_field"),
    ("a list", {"text": ["a"]}, 422, "invalid_field"),
    ("missing", {}, 422, "missing_field"),
    ("empty", {"text": ""}, 422, "empty_text"),
    ("too long", {"text": "a" * 8193}, 413, "text_too_long"),
    ("too long in UTF-8", {"text": "ệ" * 3000}, 413, "text_too_long"),
    ("NUL", {"text": "a\u0000b"}, 400, "invalid_text"),
    ("lone surrogate", "RAW:{\"text\": \"\\ud800 x\"}", 400, "invalid_text"),
    ("invalid UTF-8", b'{"text": "\xff"}', 400, "bad_json"),
    ("unknown lang", {"text": "hi", "lang": "fr"}, 422, "invalid_field"),
    ("lang not a string", {"text": "hi", "lang": 1}, 422, "invalid_field"),
    ("bad resolve", {"text": "hi", "resolve": "sometimes"}, 422, "invalid_field"),
    ("not an object", [1], 422, "invalid_field"),
]


@pytest.mark.parametrize(("what", "body", "status", "code"), BAD, ids=[b[0] for b in BAD])
async def test_bad_input_gets_a_clear_4xx(client: TestClient, what: str, body: Any, status: int,
                                          code: str) -> None:
    if isinstance(body, bytes) or (isinstance(body, str) and body.startswith("RAW:")):
        data = body if isinstance(body, bytes) else body[4:].encode()
        resp = await client.post("/v1/check/text", data=data,
                                 headers={"Content-Type": "application/json"})
    else:
        resp = await client.post("/v1/check/text", json=body)
    answer = await resp.json()
    assert resp.status == status, answer
    assert answer["error"]["code"] == code
    Contract(openapi.document()).check("POST", "/v1/check/text", status, resp.headers, answer)


async def test_eight_kib_exactly_is_accepted(client: TestClient) -> None:
    body = await check_text(client, "ệ" * 2730 + "ab")  # 8190 + 2 bytes
    assert body["verdict"] == "safe"


async def test_not_json_is_415(client: TestClient) -> None:
    resp = await client.post("/v1/check/text", data="text=hi")
    assert resp.status == 415


@pytest.fixture
def captured(settings: Settings) -> Iterator[io.StringIO]:
    """Every logger at DEBUG through the service's JSON handler, as `linkguard serve` sets it."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    logs.setup(settings.replace(log_level="DEBUG"), stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


async def test_the_text_is_never_logged_nor_cached(aiohttp_client: Any, settings: Settings,
                                                   captured: io.StringIO) -> None:
    app = create_app(settings.replace(lists_poll_seconds=0))
    server = TestServer(app)
    await server.start_server(**HANDLER_ARGS)
    client: TestClient = await aiohttp_client(server)
    text = f"{SCAM} {PLANTED} Vào http://evil-phish.test/{PLANTED} ngay."
    body = await check_text(client, text)
    assert body["verdict"] == "dangerous" and len(body["links"]) == 1
    bad = await client.post("/v1/check/text", json={"text": text + "\u0000"})
    assert bad.status == 400
    shared = await client.get("/", params={"text": text})  # the share_target's way in
    assert shared.status == 200
    entries = app[CACHE]._data  # type: ignore[attr-defined]  # MemoryCache: key -> (expiry, bytes)
    assert len(entries) == 1  # the link's verdict only, under a hashed key
    cached = b"".join(key.encode() + value for key, (_, value) in entries.items())
    assert PLANTED.encode() not in cached and "rửa tiền".encode() not in cached
    await client.close()
    log_text = captured.getvalue()
    lines = [json.loads(line) for line in log_text.splitlines() if line.strip()]
    assert any(line["logger"] == "linkguard.text" for line in lines)
    assert any(line["logger"] == "linkguard.check" for line in lines)  # the link, hashed
    folded = re.sub(r"\W", "", PLANTED.lower())
    for needle in (PLANTED, PLANTED.lower(), folded, "rửa tiền", "bố mẹ"):
        assert needle not in log_text


async def test_rate_limits_apply(aiohttp_client: Any, settings: Settings) -> None:
    server = TestServer(create_app(settings.replace(rate_limit=2, lists_poll_seconds=0)))
    await server.start_server(**HANDLER_ARGS)
    client: TestClient = await aiohttp_client(server)
    statuses = [(await client.post("/v1/check/text", json={"text": "hi"})).status
                for _ in range(4)]
    assert statuses[:2] == [200, 200] and statuses[-1] == 429


async def test_api_keys_guard_the_text_route_but_not_the_page(aiohttp_client: Any,
                                                              settings: Settings) -> None:
    key = "k" * 24
    server = TestServer(create_app(settings.replace(api_keys=(key,), lists_poll_seconds=0)))
    await server.start_server(**HANDLER_ARGS)
    client: TestClient = await aiohttp_client(server)
    assert (await client.post("/v1/check/text", json={"text": "hi"})).status == 401
    ok = await client.post("/v1/check/text", json={"text": "hi"},
                           headers={"Authorization": f"Bearer {key}"})
    assert ok.status == 200
    assert (await client.get("/")).status == 200


async def test_the_check_page_forbids_inline_script_and_external_resources(
        client: TestClient) -> None:
    resp = await client.get("/", params={"text": "shared"})
    assert resp.status == 200 and resp.content_type == "text/html"
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    page = await resp.text()
    assert re.findall(r"<script\b[^>]*>", page) == [
        '<script type="module" src="/static/check.js">']
    assert re.search(r"<script[^>]*>\s*[^<\s]", page) is None  # no inline script
    assert re.search(r"\son[a-z]+\s*=", page) is None  # no inline event handlers
    assert re.search(r"(src|href)=\"(https?:)?//", page) is None  # nothing from elsewhere
    for name, kind in [("check.js", "text/javascript"), ("check.css", "text/css"),
                       ("icon128.png", "image/png")]:
        file = await client.get(f"/static/{name}")
        assert file.status == 200 and file.content_type == kind
        assert file.headers["Content-Security-Policy"] == csp
    assert (await client.get("/static/../settings.py")).status == 404
    assert (await client.get("/static/index.html")).status == 404


async def test_the_manifest_shares_text_into_the_page(client: TestClient) -> None:
    resp = await client.get("/manifest.webmanifest")
    assert resp.status == 200 and resp.content_type == "application/manifest+json"
    manifest = json.loads(await resp.text())
    target = manifest["share_target"]
    assert target["action"] == "/" and target["method"] == "GET"
    assert target["params"] == {"title": "title", "text": "text", "url": "url"}
    assert manifest["start_url"] == "/" and manifest["icons"]
    script = await (await client.get("/static/check.js")).text()
    assert re.search(r"\.(inner|outer)HTML|insertAdjacentHTML|document\.write|eval\(|"
                     r"new Function", script) is None
