"""Wrapped links through the HTTP API: offline unwrap hops, the worst hop decides, no fetch."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient

from tests import test_check_resolve
from tests.test_check_resolve import Rig, codes

rig = test_check_resolve.rig  # the loopback chain server and a service that may resolve

BAD = "http://login.evil-phish.test/account"


def enc(url: str) -> str:
    return quote(url, safe="")


async def check(client: TestClient, url: str, **extra: Any) -> dict[str, Any]:
    resp = await client.post("/v1/check", json={"url": url, "lang": "en", **extra})
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    return body


@pytest.mark.parametrize("resolve", ["never", "auto"])
async def test_facebook_wrapping_a_listed_url_is_dangerous_with_the_chain(
    client: TestClient, resolve: str
) -> None:
    wrapped = f"https://l.facebook.com/l.php?u={enc(BAD)}&h=AT0abc"
    body = await check(client, wrapped, resolve=resolve)
    assert body["verdict"] == "dangerous", body
    assert body["final_url"] == BAD
    assert [(h["url"], h["via"], h["status"]) for h in body["redirects"]] == [
        (body["canonical_url"], "start", None), (BAD, "unwrap", None)]
    assert "blocklist.match" in codes(body)


async def test_the_same_wrapper_around_a_fine_url_stays_safe(client: TestClient) -> None:
    body = await check(client, f"https://l.facebook.com/l.php?u={enc('https://www.example.com/')}",
                       resolve="never")
    assert body["verdict"] == "safe"
    assert [h["via"] for h in body["redirects"]] == ["start", "unwrap"]


async def test_nested_wrappers_show_every_hop(client: TestClient) -> None:
    inner = f"https://l.facebook.com/l.php?u={enc(BAD)}"
    outer = f"https://nam12.safelinks.protection.outlook.com/?url={enc(inner)}&data=05"
    body = await check(client, outer, resolve="never")
    assert body["verdict"] == "dangerous"
    assert [h["via"] for h in body["redirects"]] == ["start", "unwrap", "unwrap"]


async def test_a_script_inside_a_wrapper_is_suspicious(client: TestClient) -> None:
    body = await check(client, "https://www.youtube.com/redirect?q=javascript%3Aalert(1)",
                       resolve="never")
    assert body["verdict"] == "suspicious"
    assert "redirect.blocked_target" in codes(body)
    assert body["redirects"][-1] == {"url": "javascript:", "status": None, "via": "unwrap"}


async def test_batch_unwraps_too(client: TestClient) -> None:
    resp = await client.post("/v1/check/batch", json={"urls": [
        f"https://www.google.com/url?q={enc(BAD)}", "https://www.google.com/"]})
    results = (await resp.json())["results"]
    assert [r["verdict"] for r in results] == ["dangerous", "safe"]


async def test_a_wrapper_mid_chain_is_unwrapped_without_fetching_it(rig: Rig) -> None:
    target = rig.url("evil-phish.test", "/final")
    # l.facebook.com does not resolve in tests (TestDNS maps *.test only): a fetch would fail
    wrapped = f"http://l.facebook.com/l.php?u={enc(target)}"
    body = await rig.check(rig.url("short.test", f"/go?to={enc(wrapped)}"))
    assert body["verdict"] == "dangerous"
    assert [h["via"] for h in body["redirects"]] == ["start", "location", "unwrap"]
    assert body["redirects"][-1]["status"] == 200 and body["final_url"] == target
    assert ("GET", "/final") in rig.seen.hits or ("HEAD", "/final") in rig.seen.hits


async def test_the_walk_starts_from_the_inner_url(rig: Rig) -> None:
    start = rig.url("short.test", f"/go?to={enc(rig.url('evil-phish.test', '/final'))}")
    body = await rig.check(f"https://www.google.com/url?q={enc(start)}", resolve="always")
    assert body["verdict"] == "dangerous"
    assert [h["via"] for h in body["redirects"]] == ["start", "unwrap", "location"]
    assert body["redirects"][1]["status"] == 302
