"""Hostile input through the HTTP API: each request a clear 4xx or a verdict, never a 500 or a hang.

tests/test_api.py's BAD_INPUTS holds the plain mistakes (wrong types, missing fields, the simple
limits); these are the requests an attacker or a broken client sends: limits in UTF-8 bytes,
NUL bytes, broken UTF-8, deep nesting, huge numbers, lookalike Unicode, script schemes, header
injection, oversized and malformed HTTP. After each one the server must still answer /healthz.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from service.core.urls import MAX_URL_LENGTH
from service.web.inputs import MAX_BATCH, MAX_BODY

LEVELS = {"safe", "suspicious", "dangerous"}
VERDICT = "verdict"  # expected "code" of a 200 answer: a verdict, not an error
BASE = "http://a.com/"


def body(data: bytes, content_type: str = "application/json") -> dict[str, Any]:
    return {"data": data, "headers": {"Content-Type": content_type}}


def nested(opening: bytes, closing: bytes, depth: int, inner: bytes = b"1") -> bytes:
    return opening * depth + inner + closing * depth


# Exactly at, and one byte over, the 8 KiB limit: "é" is two bytes of UTF-8.
AT_LIMIT = BASE + "a" * (MAX_URL_LENGTH - len(BASE))
OVER_IN_BYTES = BASE + "é" * ((MAX_URL_LENGTH - len(BASE)) // 2 + 1)
assert len(OVER_IN_BYTES) < MAX_URL_LENGTH < len(OVER_IN_BYTES.encode())

# (id, method, path, request kwargs, status, error code or VERDICT)
HOSTILE: list[tuple[str, str, str, dict[str, Any], int, str]] = [
    # Size limits, counted in UTF-8 bytes (DESIGN.md: URL <= 8 KiB), by POST and by GET.
    ("url-8KiB", "POST", "/v1/check", {"json": {"url": AT_LIMIT}}, 200, VERDICT),
    ("url-8KiB-get", "GET", "/v1/check", {"params": {"url": AT_LIMIT}}, 200, VERDICT),
    ("url-8KiB+1-utf8", "POST", "/v1/check", {"json": {"url": OVER_IN_BYTES}}, 413,
     "url_too_long"),
    ("url-8KiB+1-utf8-get", "GET", "/v1/check", {"params": {"url": OVER_IN_BYTES}}, 413,
     "url_too_long"),  # a 24 KiB request line once percent-encoded: still our JSON 413
    ("body-exactly-64KiB", "POST", "/v1/check",
     body(b'{"url": "http://a.com/"' + b" " * (MAX_BODY - 24) + b"}"), 200, VERDICT),
    # NUL bytes: inside a URL, around it, in keys, raw in the body.
    ("nul-in-path", "POST", "/v1/check", {"json": {"url": BASE + "a\x00b"}}, 400, "invalid_url"),
    ("nul-leading", "POST", "/v1/check", {"json": {"url": "\x00" + BASE}}, 200, VERDICT),
    ("nul-in-key", "POST", "/v1/check", {"json": {"url\x00": BASE}}, 422, "missing_field"),
    ("nul-in-lang", "POST", "/v1/check", {"json": {"url": BASE, "lang": "en\x00"}}, 200, VERDICT),
    ("nul-raw-in-string", "POST", "/v1/check", body(b'{"url": "http://a.com/\x00"}'), 400,
     "bad_json"),
    ("nul-after-body", "POST", "/v1/check", body(b'{"url": "http://a.com/"}\x00'), 400,
     "bad_json"),
    ("nul-get", "GET", "/v1/check?url=http%3A%2F%2Fa%00b.com%2F", {}, 400, "invalid_url"),
    # Broken UTF-8 and other encodings (RFC 8259 section 8.1: JSON is UTF-8).
    ("utf8-overlong", "POST", "/v1/check", body(b'{"url": "http://a.com/\xc0\xaf"}'), 400,
     "bad_json"),
    ("utf8-cesu-surrogate", "POST", "/v1/check", body(b'{"url": "http://a.com/\xed\xa0\x80"}'),
     400, "bad_json"),
    ("utf8-truncated", "POST", "/v1/check", body(b'{"url": "http://a.com/"}\xe2\x82'), 400,
     "bad_json"),
    ("utf8-in-key", "POST", "/v1/check", body(b'{"u\xffrl": "http://a.com/"}'), 400, "bad_json"),
    ("utf16-body", "POST", "/v1/check", body('{"url": "http://a.com/"}'.encode("utf-16")), 400,
     "bad_json"),
    ("utf8-bom", "POST", "/v1/check", body(b'\xef\xbb\xbf{"url": "http://a.com/"}'), 400,
     "bad_json"),
    ("lone-surrogate-url", "POST", "/v1/check", body(b'{"url": "http://a.com/\\ud800"}'), 400,
     "invalid_url"),
    ("lone-surrogate-lang", "POST", "/v1/check", body(b'{"url": "http://a.com/", '
                                                      b'"lang": "\\udfff"}'), 200, VERDICT),
    ("invalid-utf8-get", "GET", "/v1/check?url=%ff%fe", {}, 400, "invalid_url"),
    # Deep nesting, within the body limit: objects, arrays, and both in a batch.
    ("nested-objects", "POST", "/v1/check", body(nested(b'{"a":', b"}", 10_000)), 400,
     "bad_json"),
    ("nested-arrays-complete", "POST", "/v1/check", body(nested(b"[", b"]", 30_000)), 400,
     "bad_json"),
    ("nested-in-batch", "POST", "/v1/check/batch",
     body(b'{"urls": ' + nested(b"[", b"]", 30_000, b'"a.com"') + b"}"), 400, "bad_json"),
    ("nested-extra-field", "POST", "/v1/check",
     body(b'{"url": "http://a.com/", "x": ' + nested(b"[", b"]", 200) + b"}"), 200, VERDICT),
    # Huge and odd numbers.
    ("int-5000-digits", "POST", "/v1/check",
     body(b'{"url": "http://a.com/", "lang": ' + b"9" * 5000 + b"}"), 400, "bad_json"),
    ("float-overflow", "POST", "/v1/check", body(b'{"url": 1e999999}'), 422, "invalid_field"),
    ("nan", "POST", "/v1/check", body(b'{"url": NaN}'), 422, "invalid_field"),
    ("infinity-lang", "POST", "/v1/check", body(b'{"url": "http://a.com/", "lang": -Infinity}'),
     422, "invalid_field"),
    ("huge-batch-number", "POST", "/v1/check/batch", body(b'{"urls": [1e308, -0, 1E-400]}'), 200,
     "batch"),
    # Hosts of thousands of labels (RFC 1035: 253 characters).
    ("10000-labels", "POST", "/v1/check", {"json": {"url": "http://" + "a." * 10_000 + "com/"}},
     413, "url_too_long"),
    ("4000-labels", "POST", "/v1/check", {"json": {"url": "http://" + "a." * 4000 + "com/"}},
     400, "invalid_url"),
    ("4000-labels-get", "GET", "/v1/check", {"params": {"url": "a." * 4000 + "com"}}, 400,
     "invalid_url"),
    ("4000-numeric-labels", "POST", "/v1/check", {"json": {"url": "http://" + "1." * 4000 + "1/"}},
     400, "invalid_url"),
    ("4000-empty-labels", "POST", "/v1/check", {"json": {"url": "http://a" + "." * 8000 + "com/"}},
     200, VERDICT),  # Safe Browsing: runs of dots collapse to one
    # IDN edge cases (UTS #46, WHATWG URL Standard).
    ("ideographic-full-stop", "POST", "/v1/check", {"json": {"url": "http://evil-phish\u3002test/"}},
     200, VERDICT),
    ("fullwidth-host", "POST", "/v1/check",
     {"json": {"url": "http://\uff45\uff56\uff49\uff4c-phish.test/"}}, 200, VERDICT),
    ("fullwidth-solidus", "POST", "/v1/check", {"json": {"url": "http://a\uff0fb.com/"}}, 400,
     "invalid_url"),
    ("bad-punycode", "POST", "/v1/check", {"json": {"url": "http://xn--zzzzzzzz.com/"}}, 200,
     VERDICT),
    ("empty-punycode", "POST", "/v1/check", {"json": {"url": "http://xn--.com/"}}, 200, VERDICT),
    ("punycode-of-rtl-override", "POST", "/v1/check",
     {"json": {"url": "http://xn--ab-g4t.com/"}}, 200, VERDICT),  # "a\u202eb" spelled in ASCII
    ("rtl-override", "POST", "/v1/check", {"json": {"url": "http://\u202egoogle.com/"}}, 400,
     "invalid_url"),
    ("rtl-override-in-path", "POST", "/v1/check",
     {"json": {"url": "http://a.com/\u202egpj.exe"}}, 200, VERDICT),
    ("zero-width-joiner", "POST", "/v1/check", {"json": {"url": "http://face\u200dbook.com/"}},
     400, "invalid_url"),
    ("combining-marks", "POST", "/v1/check",
     {"json": {"url": "http://a" + "\u0301" * 100 + ".com/"}}, 400, "invalid_url"),
    # Schemes that run code or read files: never checkable, never fetched.
    *[(f"scheme-{i}", "POST", "/v1/check", {"json": {"url": url}}, 400, "invalid_url")
      for i, url in enumerate([
          "ftp://a.com/x", "vbscript:msgbox(1)", "blob:http://a.com/0-1", "JaVaScRiPt:alert(1)",
          "java\tscript:alert(1)", " javascript:alert(1)", "javascript://%0aalert(1)",
          "data:text/html;base64,PHNjcmlwdD4=", "about:blank", "chrome://settings",
          "mailto:a@b.com", "http:javascript:alert(1)", "file://host/share/x",
          "view-source:http://a.com/", "intent://x#Intent;scheme=http;end",
      ])],
    # Header injection: CR/LF in fields that could reach a header or a log line.
    ("crlf-in-lang", "POST", "/v1/check",
     {"json": {"url": BASE, "lang": "en\r\nSet-Cookie: x=1"}}, 200, VERDICT),
    ("crlf-in-lang-get", "GET", "/v1/check",
     {"params": {"url": BASE, "lang": "en\r\nSet-Cookie: x=1"}}, 200, VERDICT),
    ("crlf-in-url", "POST", "/v1/check", {"json": {"url": BASE + "\r\nSet-Cookie: x=1"}}, 200,
     VERDICT),
    ("crlf-in-url-get", "GET", "/v1/check?url=http://a.com/%0d%0aSet-Cookie:%20x=1", {}, 200,
     VERDICT),
    ("hostile-request-id", "POST", "/v1/check",
     {"json": {"url": BASE}, "headers": {"X-Request-ID": "<script>alert(1)</script>"}}, 200,
     VERDICT),
    ("long-request-id", "POST", "/v1/check",
     {"json": {"url": BASE}, "headers": {"X-Request-ID": "a" * 5000}}, 200, VERDICT),
    ("long-accept-language", "POST", "/v1/check",
     {"json": {"url": BASE}, "headers": {"Accept-Language": "en-x-" + "a," * 3000}}, 200,
     VERDICT),
    # Content types: only JSON, whatever its parameters say (RFC 8259 section 8.1).
    ("text-plain", "POST", "/v1/check", body(b'{"url": "http://a.com/"}', "text/plain"), 415,
     "unsupported_media_type"),
    ("form-encoded", "POST", "/v1/check", {"data": {"url": BASE}}, 415, "unsupported_media_type"),
    ("multipart", "POST", "/v1/check",
     body(b"--b\r\n\r\nx\r\n--b--\r\n", "multipart/form-data; boundary=b"), 415,
     "unsupported_media_type"),
    ("json-lookalike-type", "POST", "/v1/check",
     body(b'{"url": "http://a.com/"}', "application/json-patch+json"), 415,
     "unsupported_media_type"),
    ("uppercase-json-type", "POST", "/v1/check", body(b'{"url": "http://a.com/"}',
                                                      "APPLICATION/JSON"), 200, VERDICT),
    ("latin1-charset-ascii-body", "POST", "/v1/check",
     body(b'{"url": "http://a.com/"}', "application/json; charset=latin-1"), 200, VERDICT),
    ("latin1-charset-latin1-body", "POST", "/v1/check",
     body('{"url": "http://a.com/é"}'.encode("latin-1"), "application/json; charset=latin-1"),
     400, "bad_json"),
    # Empty and degenerate bodies on every POST route.
    *[(f"empty-{p}", "POST", p, body(b""), 400, "bad_json")
      for p in ("/v1/check", "/v1/check/batch", "/v1/reports")],
    ("whitespace-body", "POST", "/v1/check", body(b" \r\n\t "), 400, "bad_json"),
    ("null-body", "POST", "/v1/check", body(b"null"), 422, "invalid_field"),
    ("string-body", "POST", "/v1/reports", body(b'"http://a.com/"'), 422, "invalid_field"),
    # Duplicate keys: the last one counts, as in JSON.parse and Python's json.
    ("duplicate-keys", "POST", "/v1/check",
     body(b'{"url": "javascript:alert(1)", "url": "http://a.com/"}'), 200, VERDICT),
]


async def still_healthy(client: TestClient) -> None:
    resp = await client.get("/healthz")
    assert resp.status == 200 and (await resp.json()) == {"status": "ok"}


def assert_clean_headers(headers: Any) -> None:
    """Nothing from the request became a header, and no header value can split a response."""
    assert "Set-Cookie" not in headers
    for name, value in headers.items():
        assert "\r" not in value and "\n" not in value, (name, value)
    request_id = headers.get("X-Request-ID", "")
    assert request_id.isascii() and request_id.isprintable() and len(request_id) <= 64
    assert "<" not in request_id


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "code"),
                         [case[1:] for case in HOSTILE], ids=[case[0] for case in HOSTILE])
async def test_hostile_request_is_a_clear_4xx_or_a_verdict(
    client: TestClient, method: str, path: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    resp = await asyncio.wait_for(client.request(method, path, **kwargs), 10)
    text = await resp.text()
    assert resp.status == status, text[:500]
    assert resp.content_type == "application/json"
    doc = json.loads(text)
    assert_clean_headers(resp.headers)
    if code == VERDICT:
        assert doc["verdict"] in LEVELS and 0 <= doc["score"] <= 100
        assert "\r" not in doc["canonical_url"] and "\n" not in doc["canonical_url"]
        assert "\u202e" not in doc["canonical_url"] and doc["canonical_url"].isascii()
    elif code == "batch":
        assert all("error" in r or r["verdict"] in LEVELS for r in doc["results"])
    else:
        assert set(doc) == {"error"} and set(doc["error"]) == {"code", "message"}
        assert doc["error"]["code"] == code and doc["error"]["message"]
    await still_healthy(client)


async def test_duplicate_keys_take_the_last_value(client: TestClient) -> None:
    resp = await client.post("/v1/check", **body(b'{"url": "javascript:x", "url": "a.com"}'))
    assert (await resp.json())["canonical_url"] == "http://a.com/"


@pytest.mark.parametrize("host", ["xn--zzzzzzzz.com", "xn--.com", "xn--ab-g4t.com"])
async def test_punycode_no_browser_would_decode_is_suspicious(
    client: TestClient, host: str
) -> None:
    # ASCII input needs no IDNA, so such a host parses; UTS #46 refuses to decode its label
    # (bad punycode, or a bidi control inside), which is a reason to warn, not to fail.
    resp = await client.post("/v1/check", json={"url": f"http://{host}/"})
    doc = await resp.json()
    assert doc["verdict"] == "suspicious" and "idn.invalid" in [r["code"] for r in doc["reasons"]]


# One hundred hostile URLs in one batch: every slot a verdict or an error object, in order.
LONE_SURROGATE = "\ud800"  # sent as the JSON escape, which Python's json accepts
BIG = [OVER_IN_BYTES, AT_LIMIT, "http://" + "a." * 4000 + "com/"]  # once each: 64 KiB in all
SMALL: list[object] = [
    BASE + "a\x00b", "\x00" + BASE, "http://evil-phish\u3002test/", "http://xn--zzzzzzzz.com/",
    "http://\u202egoogle.com/", "javascript:alert(1)", "data:,x", "file:///etc/passwd",
    "vbscript:x", "blob:http://a.com/x", BASE + "\r\nSet-Cookie: x=1", "", " ", None, 1e308,
    True, [], {}, "http://[::1]/", "http://0x7f.1/", "http://user:pass@facebook.com@evil.top/",
    "http://a.com:99999/", "http://a.com:/", "http://[::1/", "%" * 100, "http://%zz.com/",
    LONE_SURROGATE,
]
BATCH = [*BIG, *(SMALL * MAX_BATCH)][:MAX_BATCH]


async def test_a_batch_of_100_hostile_urls(client: TestClient) -> None:
    escaped = json.dumps("\ud800").encode()
    data = json.dumps({"urls": BATCH}, ensure_ascii=False).encode("utf-8", "surrogatepass")
    data = data.replace(LONE_SURROGATE.encode("utf-8", "surrogatepass"), escaped[1:-1])
    assert len(data) <= MAX_BODY
    resp = await client.post("/v1/check/batch", **body(data))
    assert resp.status == 200, await resp.text()
    results = (await resp.json())["results"]
    assert len(results) == MAX_BATCH
    for sent, result in zip(BATCH, results, strict=True):
        if "error" in result:
            assert set(result["error"]) == {"code", "message"}
            assert result.get("url") == (sent if isinstance(sent, str) else None)
        else:
            assert result["url"] == sent and result["verdict"] in LEVELS
    assert sum("error" not in r for r in results) >= 10  # the checkable ones got verdicts
    await still_healthy(client)


HOSTILE_COMMENTS = [
    "a\x00b", "line one\r\nSet-Cookie: x=1", "\u202egpj.exe", "\x1b[31mred\x1b[0m\x07",
    "<script>alert(1)</script>", "🙂" * 1000, "\u200b\u200d\ufeff", "x" * 4000, "\\ud800",
]


@pytest.mark.parametrize("comment", HOSTILE_COMMENTS)
async def test_reports_with_hostile_comments_are_stored_clean(
    client: TestClient, tmp_path: Path, comment: str
) -> None:
    data = json.dumps({"url": "http://evil-phish.test/\r\nx", "kind": "phishing",
                       "comment": comment}).replace("\\\\ud800", "\\ud800").encode()
    resp = await client.post("/v1/reports", **body(data))
    assert resp.status == 202, await resp.text()
    stored = [json.loads(line) for line in (tmp_path / "var/reports.jsonl").read_text(
        encoding="utf-8").splitlines()]
    (record,) = [r for r in stored if r.get("id") == (await resp.json())["id"]]
    assert record["url"] == "http://evil-phish.test/x"
    kept = record["comment"]
    assert all(c == "\n" or c.isprintable() for c in kept), repr(kept)
    assert not any(c in kept for c in "\x00\r\x1b\u202e\u200b\ufeff")
    await still_healthy(client)


async def test_chunked_body_over_64KiB_is_413(client: TestClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"url": "http://a.com/", "pad": "'
        for _ in range(70):
            yield b"x" * 1024
        yield b'"}'

    resp = await client.post("/v1/check", data=chunks(),
                             headers={"Content-Type": "application/json"})
    assert resp.status == 413
    assert (await resp.json())["error"]["code"] == "payload_too_large"
    await still_healthy(client)


async def test_chunked_body_within_the_limit_is_read(client: TestClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"url": '
        yield b'"http://evil-phish.test/"}'

    resp = await client.post("/v1/check", data=chunks(),
                             headers={"Content-Type": "application/json"})
    assert resp.status == 200 and (await resp.json())["verdict"] == "dangerous"


@pytest.mark.parametrize("headers", [
    {"X-Big": "x" * 100_000},
    {f"X-H{i}": "x" for i in range(200)},
], ids=["100KB-header", "200-headers"])
async def test_oversized_headers_are_refused_by_the_http_parser(
    client: TestClient, headers: dict[str, str]
) -> None:
    # aiohttp's parser answers before the application sees the request: a plain-text 400.
    resp = await client.post("/v1/check", json={"url": BASE}, headers=headers)
    assert resp.status == 400
    await still_healthy(client)


async def test_no_log_line_carries_the_hostile_url(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    marker = "Marker-7f3a9c"
    for url in (f"http://evil-phish.test/{marker}\r\nX-Injected: 1",
                f"http://evil-phish.test/?{marker}=\r\n", f"javascript:{marker}\r\n"):
        await client.post("/v1/check", json={"url": url})
        await client.get("/v1/check", params={"url": url})
        await client.post("/v1/reports", json={"url": url, "comment": marker + "\r\n"})
    assert {"linkguard.check", "linkguard.reports"} <= {r.name for r in caplog.records}
    for record in caplog.records:
        text = record.getMessage() + repr(vars(record))
        assert marker not in text, text[:300]
        assert "X-Injected" not in text


ADMIN_TOKEN = "hostile-test-admin-token-0123456789"


@pytest.mark.parametrize("action", ["accept", "reject"])
async def test_admin_review_note_with_a_lone_surrogate_is_cleaned(
    aiohttp_client: Any, settings: Any, action: str
) -> None:
    # Was a 500 after the list edit: the store could not encode "\ud800" as UTF-8.
    from aiohttp.test_utils import TestServer

    from service.web.app import HANDLER_ARGS, create_app

    server = TestServer(create_app(settings.replace(admin_token=ADMIN_TOKEN,
                                                    lists_poll_seconds=0)))
    await server.start_server(**HANDLER_ARGS)
    admin = await aiohttp_client(server)
    resp = await admin.post("/v1/reports", json={"url": "http://spam.example.com/", "kind": "scam"})
    report_id = (await resp.json())["id"]
    note = b'"bad\\ud800 \\u0000\\u202enote\\r\\n"'
    extra = b'"list": "test-phishing", ' if action == "accept" else b""
    resp = await admin.post(f"/v1/admin/reports/{report_id}/{action}",
                            data=b"{" + extra + b'"note": ' + note + b"}",
                            headers={"Authorization": f"Bearer {ADMIN_TOKEN}",
                                     "Content-Type": "application/json"})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["report"]["note"] == "bad note"
    await still_healthy(admin)
