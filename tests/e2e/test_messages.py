"""Checking a message in Chromium: the phone check page at /, and the extension's context-menu
flow and popup paste box. Hostile text must show as text: no dialog, no element it spells."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import CHROMIUM
from tests.e2e.harness import BLOCKLISTED

pytestmark = pytest.mark.browser

# The <img> sits inside a phrase the matcher quotes back ("Gửi ... CCCD"), so it reaches the
# reasons' evidence: rendered as HTML it would become an element (and, without the CSP, run).
TAG = "<img src=x onerror=alert(1)>"
HOSTILE = (
    "Tôi là cán bộ công an, em liên quan đến vụ án rửa tiền. Không được nói với bố mẹ, "
    f"chuyển tiền ngay vào tài khoản tạm giữ. Gửi {TAG} CCCD cho anh: "
    f"{BLOCKLISTED}<script>alert(2)</script>"
)
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(playwright_instance: Any) -> Any:
    """A phone-sized Chromium without the extension: the page must work on its own."""
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="vi-VN")
    page = context.new_page()
    page.dialogs = []
    page.problems = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()
    browser.close()


def test_check_page_at_a_phone_width(phone: Any, service: Any, shot: Any) -> None:
    phone.goto(f"{service.url}/")
    phone.wait_for_selector("body[data-ready]")
    assert phone.inner_text("h1") == "Kiểm tra link và tin nhắn"  # Vietnamese first
    phone.fill("#text", HOSTILE)
    phone.click("#go")
    phone.wait_for_selector("#result[data-verdict='dangerous']", timeout=15_000)
    phone.wait_for_timeout(300)
    assert phone.dialogs == []
    assert phone.locator("#result script, #result img, main img").count() == 0
    assert phone.inner_text("#verdict") == "Nguy hiểm: đây có thể là lừa đảo"
    reasons = phone.inner_text("#reasons")
    assert "Không được nói với bố mẹ" in reasons and "kể" in reasons
    assert f"Gửi {TAG} CCCD" in reasons  # the hostile tag, shown as text
    links = phone.locator("#links li")
    assert links.count() == 1
    assert links.first.get_attribute("data-verdict") == "dangerous"
    assert links.first.locator(".url").inner_text() == BLOCKLISTED  # the <script> is not a link
    # Nothing wider than the phone, and no CSP violation or script error on the way.
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.problems == []
    shot(phone, "check-page-vi.png")
    phone.click("#lang")  # English by choice, the answer re-rendered in it, then re-checked
    assert phone.inner_text("#verdict") == "Dangerous: this is probably a scam"
    assert phone.inner_text("h1") == "Check a link or a message"
    phone.wait_for_function(
        "() => document.getElementById('reasons').textContent.includes('Tell your parents')")
    assert phone.dialogs == [] and phone.problems == []


def test_text_shared_into_the_page_is_checked_on_open(phone: Any, service: Any) -> None:
    shared = "Việc nhẹ lương cao, đóng phí 500k trước để nhận việc, vào nhóm kín Telegram"
    phone.goto(f"{service.url}/?title=Zalo&text={shared}")
    phone.wait_for_selector("#result:not([hidden])", timeout=15_000)
    assert phone.input_value("#text").endswith(shared)
    assert phone.evaluate("() => location.search") == ""  # the message leaves the address bar
    assert phone.get_attribute("#result", "data-verdict") == "dangerous"
    assert phone.problems == []


def _tab_id(browser: Any, fragment: str) -> int:
    return int(browser.worker.evaluate(
        "(f) => chrome.tabs.query({}).then((tabs) => tabs.find((t) => (t.url || '')"
        ".includes(f)).id)", fragment))


def test_context_menu_check_opens_the_result_page(launch: Any, shot: Any) -> None:
    """Chromium cannot click its native context menu headless, so the test takes the selection
    as Chrome would hand it over (info.selectionText) and sends it through the extension's own
    dispatcher (`openMessage`), which calls the menu's click handler (textcheck.onMenuClicked):
    stash the text, open message.html#<id> next to the tab."""
    browser = launch()
    chat = browser.new_page()
    chat.goto("http://school.test/chat")
    selected = chat.evaluate(
        "(text) => { const p = document.createElement('p'); p.id = 'msg'; p.textContent = text;"
        " document.body.append(p); const range = document.createRange();"
        " range.selectNodeContents(p); const s = getSelection(); s.removeAllRanges();"
        " s.addRange(range); return s.toString(); }", HOSTILE)
    assert selected == HOSTILE
    tab = _tab_id(browser, "school.test/chat")
    helper = browser.new_page()
    helper.goto(browser.page_url(f"popup.html?tab={tab}"))
    helper.wait_for_selector("body[data-ready]")
    with browser.context.expect_page(timeout=10_000) as opened:
        answer = helper.evaluate(
            "(text) => chrome.runtime.sendMessage({type: 'openMessage', text})", selected)
    assert answer["ok"] is True and len(answer["id"]) == 24
    result = opened.value
    result.on("dialog", lambda d: (browser.dialogs.append(d.message), d.dismiss()))
    result.wait_for_url(f"{browser.origin}/message.html#*")
    result.wait_for_selector("body[data-ready]", timeout=15_000)
    assert result.get_attribute("body", "data-verdict") == "dangerous"
    assert result.inner_text("h1") == "Dangerous: this message is probably a scam"
    assert result.inner_text("#message") == HOSTILE  # the message as text
    assert TAG in result.inner_text("#reason-list")
    result.wait_for_timeout(300)
    assert browser.dialogs == []
    assert result.locator("main script, main img, main iframe").count() == 0
    assert "message.secrecy" in result.evaluate(
        "() => [...document.querySelectorAll('#reason-list li')].map((li) => li.dataset.code)")
    assert result.locator("#link-list li[data-verdict='dangerous']").count() == 1
    stored = browser.worker.evaluate("() => chrome.storage.session.get('messages')")
    assert [entry["text"] for entry in stored["messages"].values()] == [HOSTILE]
    local = json.dumps(browser.worker.evaluate("() => chrome.storage.local.get(null)"))
    assert "rửa tiền" not in local and "r\\u1eeda ti\\u1ec1n" not in local  # never on disk
    shot(result, "message-en.png")


def test_popup_paste_box_takes_a_message(launch: Any) -> None:
    browser = launch()
    popup = browser.new_page()
    popup.set_viewport_size({"width": 380, "height": 600})
    popup.goto(browser.page_url("popup.html"))
    popup.wait_for_selector("body[data-ready]")
    popup.fill("#check-url", "Bạn trúng thưởng iPhone, gửi ảnh CCCD và mã OTP để nhận quà")
    popup.click("#check-go")
    popup.wait_for_selector("#check-verdict[data-verdict='dangerous']", timeout=10_000)
    assert popup.inner_text("#check-reason")  # the strongest reason, as text
    assert popup.is_visible("#check-details") and not popup.is_visible("#check-report")
