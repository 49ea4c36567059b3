"""The content script itself stops a click on a pre-checked bad link (docs/extension.md, the first
row of the mechanism table), tested with the session rules out of the way: with them in place the
rule would turn the navigation round anyway and hide a script that never cancels the click."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.harness import LOOKALIKE

pytestmark = pytest.mark.browser

# Remove every session rule and keep the worker from adding new ones for this test's browser.
RULES_OUT_OF_THE_WAY = """async () => {
  const dnr = chrome.declarativeNetRequest;
  const ids = (await dnr.getSessionRules()).map((rule) => rule.id);
  await dnr.updateSessionRules({ removeRuleIds: ids });
  dnr.updateSessionRules = async () => {};
  return (await dnr.getSessionRules()).length;
}"""
RULE_COUNT = "async () => (await chrome.declarativeNetRequest.getSessionRules()).length"


@pytest.mark.parametrize("how", ["click", "ctrl-click"])
def test_the_content_script_cancels_a_click_on_a_bad_link_without_the_session_rule(
    launch: Any, servers: Any, how: str
) -> None:
    browser = launch()
    page = browser.new_page()
    page.goto("http://school.test/links")
    page.wait_for_selector("#lookalike[data-linkguard='dangerous']", state="attached",
                           timeout=10_000)
    page.wait_for_selector("#dynamic[data-linkguard='dangerous']", state="attached",
                           timeout=10_000)  # the last pre-check batch is in
    assert browser.worker.evaluate(RULES_OUT_OF_THE_WAY) == 0
    before = servers.pages.count("faceb00k.com")
    navigations = browser.record_navigations(page)
    if how == "click":
        page.click("#lookalike")
        browser.wait_for_warning(page)  # the worker swapped the tab to the warning page
        assert page.evaluate("() => document.body.dataset.kind") == "warn"
        assert page.evaluate("() => decodeURIComponent(location.hash.slice(1))") == LOOKALIKE
    else:
        with browser.context.expect_page(timeout=10_000) as opened:
            page.click("#lookalike", modifiers=["Control"])  # a new tab: the warning opens there
        warning = opened.value
        browser.wait_for_warning(warning)
        assert page.url == "http://school.test/links"  # the chat stays where it was
    # The click never became a navigation: not one request for the link, none reached its server.
    assert [r.url for r in navigations if r.url == LOOKALIKE] == []
    assert servers.pages.count("faceb00k.com") == before
    assert browser.worker.evaluate(RULE_COUNT) == 0  # and no rule did it instead
