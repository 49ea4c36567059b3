"""The HTTP API end to end on a real aiohttp server: verdicts, limits and every bad input a 4xx."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from service.core.urls import MAX_URL_LENGTH
from service.web.inputs import MAX_BATCH, MAX_BODY


async def check(client: TestClient, url: str, **extra: Any) -> dict[str, Any]:
    resp = await client.post("/v1/check", json={"url": url, "resolve": "never", **extra})
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    return body


async def test_blocklisted_host_is_dangerous_with_a_localized_reason(client: TestClient) -> None:
    body = await check(client, "http://login.evil-phish.test/account", lang="en")
    assert body["verdict"] == "dangerous" and body["score"] >= 70
    reason = body["reasons"][0]
    assert reason["code"] == "blocklist.match"
    assert reason["evidence"] == {"list": "test-phishing", "category": "phishing",
                                  "entry": "evil-phish.test"}
    assert "scam" in reason["message"] and reason["advice"]
    vi = await check(client, "http://login.evil-phish.test/account", lang="vi")
    assert vi["reasons"][0]["message"] != reason["message"]


async def test_response_has_the_design_shape(client: TestClient) -> None:
    body = await check(client, "HTTPS://WWW.Example.COM:443/a/./b/../c#top")
    assert body["canonical_url"] == "https://www.example.com/a/c"
    assert body["final_url"] == body["canonical_url"]
    assert body["url"] == "HTTPS://WWW.Example.COM:443/a/./b/../c#top"
    assert set(body) >= {"verdict", "score", "reasons", "redirects", "suggestion",
                         "lists_version", "cached", "ttl"}
    assert body["redirects"] == [{"url": body["canonical_url"], "status": None, "via": "start"}]


async def test_second_check_is_cached_and_other_spellings_share_it(client: TestClient) -> None:
    first = await check(client, "http://phish.example.com/x")
    again = await check(client, "HTTP://PHISH.example.com/x#frag")
    assert first["cached"] is False and again["cached"] is True
    assert again["url"] == "HTTP://PHISH.example.com/x#frag"
    assert 0 < again["ttl"] <= first["ttl"]


async def test_url_entry_matches_its_prefix_only(client: TestClient) -> None:
    assert (await check(client, "http://bad.example.net/login/step2"))["verdict"] == "dangerous"
    assert (await check(client, "http://bad.example.net/about"))["verdict"] == "safe"


async def test_allow_beats_block_unless_the_exact_url_is_blocked(client: TestClient) -> None:
    other = await check(client, "http://allowed-but-bad.example.org/other")
    assert other["verdict"] == "safe"
    assert [r["code"] for r in other["reasons"]] == ["allowlist.match"]
    exact = await check(client, "http://allowed-but-bad.example.org/exact/page.html")
    assert exact["verdict"] == "dangerous"


async def test_get_is_the_same_for_curl(client: TestClient) -> None:
    resp = await client.get("/v1/check", params={"url": "evil-phish.test", "lang": "en"})
    assert resp.status == 200
    assert (await resp.json())["verdict"] == "dangerous"


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        # A URL pasted into the query without encoding it: its %ff is the byte 0xFF, not U+FFFD.
        ("url=http://a.example/%ff", "http://a.example/%FF"),
        ("url=http%3A%2F%2Fa.example%2F%25ff", "http://a.example/%FF"),  # encoded properly
        ("url=http://a.example/%C3%A9", "http://a.example/%C3%A9"),  # UTF-8 stays text
        ("url=http://a.example/%ff&url=http://b.example/", "http://a.example/%FF"),  # the first
        ("lang=en&url=http://a.example/x%2By+z", "http://a.example/x+y%20z"),
    ],
)
async def test_get_reads_the_url_parameter_as_bytes(
        client: TestClient, query: str, canonical: str) -> None:
    resp = await client.get(f"/v1/check?{query}")
    assert resp.status == 200
    body = await resp.json()
    assert body["canonical_url"] == canonical
    posted = await check(client, body["url"])
    assert posted["canonical_url"] == canonical  # GET and POST check the same URL


async def test_accept_language_picks_english(client: TestClient) -> None:
    resp = await client.post("/v1/check", json={"url": "http://evil-phish.test/"},
                             headers={"Accept-Language": "en-US,en;q=0.8"})
    assert (await resp.json())["lang"] == "en"


async def test_batch_keeps_order_and_puts_errors_in_their_slots(client: TestClient) -> None:
    urls = ["http://evil-phish.test/", "javascript:alert(1)", 42, "https://example.com/",
            "x" * (MAX_URL_LENGTH + 1)]
    resp = await client.post("/v1/check/batch", json={"urls": urls})
    assert resp.status == 200
    results = (await resp.json())["results"]
    assert len(results) == len(urls)
    assert results[0]["verdict"] == "dangerous"
    assert results[1]["error"]["code"] == "invalid_url" and results[1]["url"] == urls[1]
    assert results[2]["error"]["code"] == "invalid_field"
    assert results[3]["verdict"] == "safe"
    assert results[4]["error"]["code"] == "url_too_long"


async def test_report_is_stored_without_identifying_the_student(
    client: TestClient, tmp_path: Path
) -> None:
    resp = await client.post(
        "/v1/reports",
        json={"url": "HTTP://Evil-Phish.test/a#b", "kind": "lure", "comment": "từ người lạ\x07"},
        headers={"User-Agent": "student-browser", "X-Forwarded-For": "10.1.2.3"},
    )
    assert resp.status == 202
    report_id = (await resp.json())["id"]
    stored = (tmp_path / "var/reports.jsonl").read_text()
    record = json.loads(stored.splitlines()[0])
    assert record["id"] == report_id
    assert record["url"] == "http://evil-phish.test/a"
    assert record["comment"] == "từ người lạ"
    assert "student-browser" not in stored and "10.1.2.3" not in stored
    assert "127.0.0.1" not in stored


async def test_lists_health_and_ready(client: TestClient) -> None:
    lists = await (await client.get("/v1/lists")).json()
    names = {entry["name"] for entry in lists["lists"]}
    assert {"test-phishing", "test-allow"} <= names
    assert (await client.get("/healthz")).status == 200
    ready = await (await client.get("/readyz")).json()
    assert ready["lists_version"] == lists["version"]


async def test_cors_only_for_extension_origins(client: TestClient) -> None:
    ext = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
    pre = await client.options("/v1/check", headers={"Origin": ext,
                                                     "Access-Control-Request-Method": "POST"})
    assert pre.status == 204 and pre.headers["Access-Control-Allow-Origin"] == ext
    resp = await client.post("/v1/check", json={"url": "example.com"},
                             headers={"Origin": "moz-extension://1234"})
    assert resp.headers["Access-Control-Allow-Origin"] == "moz-extension://1234"
    web = await client.post("/v1/check", json={"url": "example.com"},
                            headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in web.headers


NESTED = ("[" * 100_000 + "]" * 100_000).encode()
BAD_INPUTS: list[tuple[str, str, dict[str, Any], int, str]] = [
    # (method, path, request kwargs, status, error code)
    ("POST", "/v1/check", {"data": b'{"url": "x"}'}, 415, "unsupported_media_type"),
    ("POST", "/v1/check", {"data": b"{not json", "headers": {"Content-Type": "application/json"}},
     400, "bad_json"),
    ("POST", "/v1/check", {"data": b'{"url": "\xff\xfe"}',
                           "headers": {"Content-Type": "application/json"}}, 400, "bad_json"),
    ("POST", "/v1/check", {"data": NESTED[:60_000],
                           "headers": {"Content-Type": "application/json"}}, 400, "bad_json"),
    ("POST", "/v1/check", {"data": b"x" * (MAX_BODY + 1),
                           "headers": {"Content-Type": "application/json"}},
     413, "payload_too_large"),
    ("POST", "/v1/check", {"json": []}, 422, "invalid_field"),
    ("POST", "/v1/check", {"json": {}}, 422, "missing_field"),
    ("POST", "/v1/check", {"json": {"url": 5}}, 422, "invalid_field"),
    ("POST", "/v1/check", {"json": {"url": ["http://a.b"]}}, 422, "invalid_field"),
    ("POST", "/v1/check", {"json": {"url": "x" * (MAX_URL_LENGTH + 1)}}, 413, "url_too_long"),
    ("POST", "/v1/check", {"json": {"url": "javascript:alert(1)"}}, 400, "invalid_url"),
    ("POST", "/v1/check", {"json": {"url": "data:text/html,<script>"}}, 400, "invalid_url"),
    ("POST", "/v1/check", {"json": {"url": "file:///etc/passwd"}}, 400, "invalid_url"),
    ("POST", "/v1/check", {"json": {"url": "http://"}}, 400, "invalid_url"),
    ("POST", "/v1/check", {"json": {"url": "http://exa\x00mple.com/"}}, 400, "invalid_url"),
    ("POST", "/v1/check", {"json": {"url": ""}}, 400, "invalid_url"),
    ("POST", "/v1/check", {"json": {"url": "http://a.b/", "resolve": "sometimes"}},
     422, "invalid_field"),
    ("POST", "/v1/check", {"json": {"url": "http://a.b/", "lang": 7}}, 422, "invalid_field"),
    ("GET", "/v1/check", {}, 422, "missing_field"),
    ("GET", "/v1/check", {"params": {"url": "y" * (MAX_URL_LENGTH + 1)}}, 413, "url_too_long"),
    ("POST", "/v1/check/batch", {"json": {"urls": "http://a.b"}}, 422, "invalid_field"),
    ("POST", "/v1/check/batch", {"json": {"urls": ["a.b"] * (MAX_BATCH + 1)}},
     413, "batch_too_large"),
    ("POST", "/v1/check/batch", {"json": {}}, 422, "missing_field"),
    ("POST", "/v1/reports", {"json": {"url": "http://a.b/", "kind": "spam"}}, 422,
     "invalid_field"),
    ("POST", "/v1/reports", {"json": {"url": "notaurl://x"}}, 400, "invalid_url"),
    ("POST", "/v1/reports", {"json": {"url": "http://a.b/", "comment": "c" * 5000}}, 413,
     "payload_too_large"),
    ("POST", "/v1/reports", {"json": {"url": "http://a.b/", "comment": {"a": 1}}}, 422,
     "invalid_field"),
    ("DELETE", "/v1/check", {}, 405, "method_not_allowed"),
    ("GET", "/nope", {}, 404, "not_found"),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "code"), BAD_INPUTS,
                         ids=[f"{m} {p} {s} {c}" for m, p, _, s, c in BAD_INPUTS])
async def test_bad_input_is_a_clear_4xx(
    client: TestClient, method: str, path: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    resp = await client.request(method, path, **kwargs)
    assert resp.status == status, await resp.text()
    body = await resp.json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]
