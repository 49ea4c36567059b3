"""The parts of a URL the warning page decodes (userinfo, IDN labels) stay text in Chromium.

A path or query arrives percent-encoded and is shown that way, so markup there cannot tell text
from innerHTML; the userinfo is percent-decoded for display and punycode labels are decoded to
Unicode, so those are where markup would become elements if the page parsed text as HTML.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

# (hash, userinfo segment as shown, domain text, flags the notes must mention)
CASES = [
    ("http://%3Cimg%20src=x%20id=injected%20onerror=alert(1)%3E@evil-phish.test/",
     "<img src=x id=injected onerror=alert(1)>@", "evil-phish.test",
     ["The part before @ is not the website"]),
    ("http://%3Cb%20id=injected%3Ex%3C%2Fb%3E:%3Csvg%20onload=alert(2)%3E@xn--80ak6aa92e.com/",
     "<b id=injected>x</b>:<svg onload=alert(2)>@", "аррӏе.com",
     ["The part before @ is not the website", "another alphabet", "xn--80ak6aa92e.com"]),
]


@pytest.mark.parametrize(("target", "userinfo", "domain", "notes"), CASES)
def test_decoded_userinfo_and_idn_are_text_on_the_warning_page(
    launch: Any, target: str, userinfo: str, domain: str, notes: list[str]
) -> None:
    browser = launch()
    page = browser.new_page()
    browser.open(page, f"{browser.page_url('warning.html')}#{target}")
    browser.wait_for_warning(page)
    page.wait_for_timeout(300)  # an onerror/onload would have fired by now
    assert browser.dialogs == []
    assert page.locator("#injected, main img, main svg, main b").count() == 0
    assert page.inner_text(".seg-userinfo") == userinfo
    assert "".join(page.locator(".seg-domain, .seg-dot").all_inner_texts()).endswith(domain)
    shown = page.inner_text(".url-notes")
    for note in notes:
        assert note in shown, shown
    assert page.evaluate("() => document.body.dataset.kind") not in ("checking", "invalid")
