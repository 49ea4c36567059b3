"""Every URL a tab really travels to is checked: wrapped links, server and client redirects."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.e2e.harness import BLOCKLISTED, SAFE

pytestmark = pytest.mark.browser


def kind(page: Any) -> str:
    return str(page.evaluate("() => document.body.dataset.kind"))


def test_a_click_on_a_wrapped_bad_link_is_stopped_with_no_request_to_the_target(
    launch: Any, servers: Any
) -> None:
    target = f"{BLOCKLISTED}wrapped-gift"
    browser = launch()
    page = browser.new_page()
    page.goto(f"http://school.test/wrapped?to={quote(target, safe='')}")
    page.wait_for_selector("#wrapped[data-linkguard='dangerous']", state="attached",
                           timeout=10_000)
    before = (servers.pages.count("evil-phish.test"), servers.pages.count("l.facebook.com"))
    page.click("#wrapped")
    browser.wait_for_warning(page)
    assert kind(page) == "warn"
    assert "evil-phish" in page.inner_text("#hop-list")  # the unwrap hop is in the chain shown
    after = (servers.pages.count("evil-phish.test"), servers.pages.count("l.facebook.com"))
    assert after == before  # neither the wrapper nor its target was asked for anything


@pytest.mark.parametrize("how", ["302", "meta", "script"])
def test_a_neutral_host_that_redirects_to_a_listed_domain_ends_on_the_warning_page(
    launch: Any, servers: Any, how: str
) -> None:
    target = f"{BLOCKLISTED}after-{how}"
    start = f"http://neutral-hop.test/go/{how}?to={quote(target, safe='')}"
    browser = launch()
    page = browser.new_page()
    browser.open(page, start)
    browser.wait_for_warning(page)
    assert kind(page) == "warn"
    shown = page.evaluate("() => decodeURIComponent(location.hash.slice(1))")
    assert shown.startswith(BLOCKLISTED)  # the warning is about where the tab went, not the start
    assert servers.pages.count("neutral-hop.test") >= 1  # the first hop was fine and was loaded


def test_a_history_api_jump_is_checked(launch: Any) -> None:
    browser = launch()
    page = browser.new_page()
    page.goto(SAFE)
    page.wait_for_selector("#landed")
    # The page rewrites its own address (same origin, as the history API requires): no navigation
    # starts, yet the worker decides the new address like any other.
    page.evaluate("() => history.pushState({}, '', '/pushed/there')")
    browser.wait_for_worker(
        "chrome.storage.session.get('tabs').then(({tabs}) => Object.values(tabs || {})"
        f".some((t) => t.url === {SAFE + 'pushed/there'!r} && t.kind === 'allow'))"
    )


def test_a_safe_redirect_chain_still_loads_with_no_warning(launch: Any, servers: Any) -> None:
    final = f"{SAFE}landing"
    middle = f"http://neutral-hop.test/go/meta?to={quote(final, safe='')}"
    start = f"http://other-hop.test/go/302?to={quote(middle, safe='')}"
    browser = launch()
    page = browser.new_page()
    page.goto(start)
    page.wait_for_url(final, timeout=10_000)
    page.wait_for_selector("#landed")
    # Wait until the worker has decided the page the tab ended on: then no warning can come later.
    browser.wait_for_worker(
        "chrome.storage.session.get('tabs').then(({tabs}) => Object.values(tabs || {})"
        f".some((t) => t.url === {final!r} && t.kind === 'allow'))"
    )
    assert page.url == final
    assert "safe-site.test" in page.inner_text("#landed")
