"""Checks that follow redirect chains, through the HTTP API, against real loopback servers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from service.resolve.guard import GuardPolicy
from service.settings import Settings
from service.web.app import HANDLER_ARGS, create_app
from tests.servers import Seen, TestDNS, chain_app

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[[TestServer], Awaitable[TestClient]]


@dataclass
class Rig:
    client: TestClient
    seen: Seen
    port: int

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    async def check(self, url: str, **extra: Any) -> dict[str, Any]:
        resp = await self.client.post("/v1/check", json={"url": url, "lang": "en", **extra})
        assert resp.status == 200, await resp.text()
        body: dict[str, Any] = await resp.json()
        return body


@pytest.fixture
async def rig(aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, lists_dir: Path,
              tmp_path: Path) -> Rig:
    seen = Seen()
    upstream = await aiohttp_server(chain_app(seen), host="127.0.0.1")
    with (lists_dir / "reference/url-shorteners.txt").open("a") as f:
        f.write("\nshort.test\n")
    settings = Settings(lists_dir=lists_dir, data_dir=tmp_path / "var", rate_limit=0)
    policy = GuardPolicy.from_settings(settings, test_allowance=[("127.0.0.1", upstream.port)])
    app = create_app(settings, dns=TestDNS(), policy=policy)
    server = TestServer(app)
    await server.start_server(**HANDLER_ARGS)
    return Rig(await aiohttp_client(server), seen, upstream.port)


def codes(body: dict[str, Any]) -> list[str]:
    return [r["code"] for r in body["reasons"]]


async def test_short_link_to_a_listed_host_is_dangerous_and_shows_the_chain(rig: Rig) -> None:
    target = rig.url("evil-phish.test", "/final")
    body = await rig.check(rig.url("short.test", f"/go?to={target}"))
    assert body["verdict"] == "dangerous"
    assert body["final_url"] == target
    assert [(h["status"], h["via"]) for h in body["redirects"]] == [(302, "start"),
                                                                   (200, "location")]
    assert "blocklist.match" in codes(body) and "redirect.shortener" in codes(body)
    assert "url.shortener" not in codes(body)  # the chain's reason replaces the offline one


async def test_a_listed_hop_in_the_middle_is_named(rig: Rig) -> None:
    end = rig.url("site.test", "/final")
    middle = rig.url("evil-phish.test", f"/go?to={end}")
    body = await rig.check(rig.url("short.test", f"/go?to={middle}"))
    assert body["final_url"] == end
    assert "redirect.to_listed" in codes(body)
    assert body["verdict"] == "dangerous"


async def test_never_means_no_request_leaves(rig: Rig) -> None:
    body = await rig.check(rig.url("short.test", "/final"), resolve="never")
    assert sum(rig.seen.hits.values()) == 0
    assert set(codes(body)) == {"url.shortener", "url.nonstandard_port"}
    assert len(body["redirects"]) == 1 and body["redirects"][0]["via"] == "start"


async def test_a_plain_safe_link_is_not_fetched_in_auto_mode(rig: Rig) -> None:
    body = await rig.check(rig.url("site.test", "/final"))
    assert body["verdict"] == "safe"
    assert sum(rig.seen.hits.values()) == 0


async def test_redirect_into_private_space_is_refused_not_an_error(rig: Rig) -> None:
    body = await rig.check(rig.url("short.test", "/go?to=http://10.0.0.1/admin"))
    assert "redirect.blocked_target" in codes(body)
    assert body["final_url"] == "http://10.0.0.1/admin"


async def test_a_cached_chain_is_not_fetched_again(rig: Rig) -> None:
    url = rig.url("short.test", "/chain/301/2")
    first = await rig.check(url)
    fetched = sum(rig.seen.hits.values())
    again = await rig.check(url)
    assert again["cached"] is True and first["cached"] is False
    assert sum(rig.seen.hits.values()) == fetched
    assert again["redirects"] == first["redirects"]


async def test_unresolvable_short_link_is_explained_and_retried_soon(rig: Rig) -> None:
    body = await rig.check("http://nxdomain.test/abc", resolve="always")
    assert "redirect.unresolved" in codes(body)
    assert body["ttl"] <= 120
