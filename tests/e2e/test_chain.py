"""The warning page shows a short link's redirect chain, hop by hop, from a real resolution.

The package's `service` fixture runs `linkguard serve` as a process whose SSRF guard (rightly)
refuses loopback, so it never follows a chain here. This file serves a second instance of the same
app in-process, with the tests' DNS (`*.test` -> 127.0.0.1) and a guard allowance for exactly one
loopback port: the chain server's. The browser is pointed at that instance through its options.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web
from listcopy import copy_blocklists

from service.resolve.guard import GuardPolicy
from service.settings import Settings
from service.web.app import create_app
from tests.e2e.conftest import E2E_LIST, Servers
from tests.servers import Seen, TestDNS, chain_app

pytestmark = pytest.mark.browser

HOSTILE_QUERY = "?q=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E"  # "><img src=x onerror=alert(1)>


@dataclass
class Resolving:
    url: str  # the in-process service
    port: int  # the chain server (the browser maps *.test here too, but never gets that far)
    seen: Seen

    def at(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture(scope="module")
def resolving(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Resolving]:
    root = tmp_path_factory.mktemp("e2e-chain")
    lists = root / "blocklists"
    copy_blocklists(lists)
    (lists / "e2e").mkdir()
    (lists / "e2e/phishing.txt").write_text("evil-phish.test\n", encoding="utf-8")
    with (lists / "lists.toml").open("a", encoding="utf-8") as f:
        f.write(E2E_LIST)
    with (lists / "reference/url-shorteners.txt").open("a", encoding="utf-8") as f:
        f.write("\nshort.test\n")
    seen = Seen()
    chain_port = servers.thread.serve(chain_app(seen))
    settings = Settings(lists_dir=lists, data_dir=root / "var", rate_limit=0, lists_poll_seconds=0)
    policy = GuardPolicy.from_settings(settings, test_allowance=[("127.0.0.1", chain_port)])

    async def build() -> web.Application:  # built on the loop that serves it
        return create_app(settings, dns=TestDNS(), policy=policy)

    app = asyncio.run_coroutine_threadsafe(build(), servers.thread.loop).result(timeout=10)
    port = servers.thread.serve(app)
    yield Resolving(url=f"http://127.0.0.1:{port}", port=chain_port, seen=seen)


def test_warning_page_shows_the_chain_from_a_short_link_to_a_listed_host(
    launch: Any, resolving: Resolving, shot: Any
) -> None:
    final = resolving.at("evil-phish.test", f"/final{HOSTILE_QUERY}")
    middle = resolving.at("tracker.test", "/go?to=" + quote(final, safe=""))
    start = resolving.at("short.test", "/go?to=" + quote(middle, safe=""))
    browser = launch(serviceUrl=resolving.url)
    page = browser.new_page()
    browser.open(page, start)
    browser.wait_for_warning(page)

    assert page.evaluate("() => document.body.dataset.kind") == "warn"
    assert page.is_visible("#redirects")
    hops = page.locator("#hop-list > li")
    assert hops.count() == 3
    texts = [hops.nth(i).inner_text() for i in range(3)]
    assert "short" in texts[0] and "302" in texts[0]
    assert "tracker" in texts[1] and "302" in texts[1]
    assert "evil-phish" in texts[2]
    # The hostile query is text on the page, never markup.
    assert page.locator("#hop-list img").count() == 0
    assert browser.dialogs == []
    assert resolving.seen.hits[("HEAD", "/final")] + resolving.seen.hits[("GET", "/final")] >= 1
    reasons = page.inner_text("#reason-list")
    assert "on a list of scam or dangerous sites" in reasons
    shot(page, "warning-chain-en.png")
