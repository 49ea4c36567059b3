"""The staff pages in headless Chromium: log in, review, hostile reports, CSRF, another origin."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.e2e.conftest import ADMIN_TOKEN, CHROMIUM, Servers, Service

pytestmark = pytest.mark.browser

HOSTILE_URL = 'http://xss-report.test/"><script>alert(1)</script><img src=x onerror=alert(2)>'
HOSTILE_COMMENT = '<img src=x onerror="alert(3)"><script>alert(4)</script> <b>bold?</b>'


def post_json(service: Service, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(service.url + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return dict(json.load(r))


def check(service: Service, url: str) -> dict[str, Any]:
    query = urllib.parse.urlencode({"url": url, "resolve": "never"})
    with urllib.request.urlopen(f"{service.url}/v1/check?{query}", timeout=10) as r:
        return dict(json.load(r))


def report(service: Service, url: str, kind: str, comment: str = "") -> str:
    return str(post_json(service, "/v1/reports", {"url": url, "kind": kind,
                                                  "comment": comment})["id"])


def codes(result: dict[str, Any]) -> set[str]:
    return {r["code"] for r in result["reasons"]}


def attacker_app(target: str, report_id: str) -> web.Application:
    """A page of another origin that tries to accept a report with the staff's session: a
    self-submitting form (the classic CSRF) and a credentialed no-cors fetch."""
    form = (f"<form id='f' method='post' action='{target}/admin/reports/review'>"
            f"<input name='action' value='accept'><input name='id' value='{report_id}'>"
            "<input name='csrf' value='guessed'></form>")
    script = (f"fetch('{target}/admin/reports/review', {{method: 'POST', mode: 'no-cors', "
              "credentials: 'include', headers: {'Content-Type': "
              f"'application/x-www-form-urlencoded'}}, body: 'action=accept&id={report_id}'}})"
              ".finally(() => document.getElementById('f').submit());")

    async def page(_: web.Request) -> web.Response:
        return web.Response(text=f"<!doctype html><body>{form}<script>{script}</script></body>",
                            content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    return app


@pytest.fixture(scope="module")
def chromium(playwright_instance: Any) -> Iterator[Any]:
    """Plain Chromium (no extension: it would check the staff pages' own URLs too); every
    `*.test` name goes to loopback so another site can be served."""
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--headless=new", "--no-sandbox", "--disable-gpu",
              "--host-resolver-rules=MAP *.test 127.0.0.1"])
    yield browser
    browser.close()


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def make(width: int = 1100, height: int = 800) -> Any:
        context = chromium.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        return page

    yield make
    for context in contexts:
        context.close()


def log_in(page: Any, service: Service, lang: str = "en", token: str = ADMIN_TOKEN) -> None:
    page.goto(f"{service.url}/admin/login?lang={lang}")
    page.fill("#token", token)
    page.click("#login")
    page.wait_for_load_state()


def row(page: Any, report_id: str) -> Any:
    return page.locator(f"li[data-id='{report_id}']")


def test_log_in_accept_a_report_and_the_next_check_is_blocked(
        service: Service, new_page: Callable[..., Any], shot: Callable[[Any, str], Path]) -> None:
    url = "http://claim-free-robux.test/login"
    report_id = report(service, url, "phishing", "Bạn cùng lớp gửi link này trong nhóm Zalo")
    report(service, "http://xn--fcebook-2fg.com/login", "phishing", "Trang đăng nhập lạ")
    assert "blocklist.match" not in codes(check(service, url))
    page = new_page()
    log_in(page, service)
    assert page.url.endswith("/admin/reports")
    assert row(page, report_id).locator("[data-testid=verdict]").count() == 1
    shot(page, "staff-queue-en.png")
    row(page, report_id).locator("input[name=id]").check()
    page.click("#review-submit")
    page.wait_for_load_state()
    flash = page.inner_text("[data-testid=flash]")
    assert f"Accepted {report_id}: claim-free-robux.test → local-phishing" in flash
    assert "blocklist.match" in codes(check(service, url))
    page.goto(f"{service.url}/admin/reports?status=accepted")
    accepted = row(page, report_id)
    assert accepted.locator("[data-testid=verdict]").get_attribute("data-level") == "dangerous"
    hrefs = accepted.locator("a.national-link").evaluate_all("(as) => as.map(a => a.href)")
    assert hrefs == ["https://chongluadao.vn/report/reportphishing",
                     "https://canhbao.khonggianmang.vn/"]
    assert page.dialogs == []


def test_hostile_url_and_comment_show_as_text_and_no_dialog_fires(
        service: Service, new_page: Callable[..., Any]) -> None:
    report_id = report(service, HOSTILE_URL, "scam", HOSTILE_COMMENT)
    page = new_page()
    log_in(page, service)
    item = row(page, report_id)
    assert item.locator("[data-testid=comment]").inner_text() == HOSTILE_COMMENT
    assert "<script>alert(1)</script>" in item.locator("[data-testid=url]").inner_text()
    assert item.locator("img, script, b").count() == 0
    page.wait_for_timeout(300)  # an onerror would have fired by now
    assert page.dialogs == []
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0


def test_wrong_token_missing_or_ended_session_see_no_reports(
        service: Service, new_page: Callable[..., Any]) -> None:
    report(service, "http://for-staff-eyes-only.test/", "scam", "only staff may read this")
    page = new_page()
    page.goto(f"{service.url}/admin/reports")  # no session: the login page
    assert page.url.endswith("/admin/login") and "for-staff-eyes-only" not in page.content()
    log_in(page, service, token="not-the-admin-token-000")
    assert page.locator("[data-testid=login-error]").count() == 1
    page.goto(f"{service.url}/admin/reports")
    assert page.url.endswith("/admin/login") and "for-staff-eyes-only" not in page.content()
    log_in(page, service)
    assert "for-staff-eyes-only" in page.content()
    kept = [c for c in page.context.cookies() if c["name"] == "lg_staff"]
    assert kept and kept[0]["httpOnly"] and kept[0]["sameSite"] == "Strict"
    assert kept[0]["path"] == "/admin" and 0 < kept[0]["expires"] - time.time() <= 8 * 3600
    page.click("#logout")
    page.wait_for_load_state()
    page.context.add_cookies(kept)  # the ended session's cookie, put back: still ended
    page.goto(f"{service.url}/admin/reports")
    assert page.url.endswith("/admin/login") and "for-staff-eyes-only" not in page.content()


def test_a_post_without_the_csrf_token_is_refused(
        service: Service, new_page: Callable[..., Any]) -> None:
    url = "http://csrf-target.test/"
    report_id = report(service, url, "scam")
    page = new_page()
    log_in(page, service)
    row(page, report_id).locator("input[name=id]").check()
    page.evaluate("document.querySelector('#review input[name=csrf]').remove()")
    with page.expect_response(lambda r: r.url.endswith("/admin/reports/review")) as answer:
        page.click("#review-submit")
    assert answer.value.status == 403
    assert page.locator("[data-testid=refused]").get_attribute("data-reason") == "refused.csrf"
    assert "blocklist.match" not in codes(check(service, url))


def test_a_page_of_another_origin_cannot_act_with_the_session(
        service: Service, servers: Servers, new_page: Callable[..., Any]) -> None:
    url = "http://cross-origin-target.test/"
    report_id = report(service, url, "scam")
    page = new_page()
    log_in(page, service)  # the session cookie now sits in this browser
    port = servers.thread.serve(attacker_app(service.url, report_id))
    # Another port of 127.0.0.1 is the *same site* (SameSite lets the cookie go), a .test
    # name another site: both must fail.
    for origin in (f"http://127.0.0.1:{port}", f"http://attacker.test:{port}"):
        answers: list[int] = []
        visit = page.context.new_page()  # same browser, same cookies
        visit.on("response", lambda r, seen=answers: seen.append(r.status)
                 if r.url.endswith("/admin/reports/review") else None)
        try:
            visit.goto(origin + "/", wait_until="commit")
        except Exception as exc:  # the form's own navigation may interrupt this one
            assert "interrupted" in str(exc)
        visit.wait_for_url("**/admin/reports/review", wait_until="commit")  # the form posted
        deadline = time.monotonic() + 10
        while len(answers) < 2 and time.monotonic() < deadline:  # the fetch, then the form
            visit.wait_for_timeout(50)
        assert len(answers) == 2 and set(answers) <= {401, 403}, (origin, answers)
        visit.close()
    assert "blocklist.match" not in codes(check(service, url))
    page.goto(f"{service.url}/admin/reports?status=new")
    assert row(page, report_id).count() == 1  # still new


def today_value(page: Any, series: str) -> int:
    day = time.strftime("%Y-%m-%d", time.gmtime())
    bars = page.locator(f"svg[data-testid=chart-check] rect[data-day='{day}']"
                        f"[data-series='{series}']")
    return int(bars.get_attribute("data-value")) if bars.count() else 0


def test_the_trends_page_charts_the_checks_the_test_made(
        service: Service, new_page: Callable[..., Any], shot: Callable[[Any, str], Path]) -> None:
    page = new_page()
    log_in(page, service)
    page.goto(f"{service.url}/admin/trends")
    before = {s: today_value(page, s) for s in ("dangerous", "safe")}
    for n in range(3):
        assert check(service, f"http://evil-phish.test/trend-{n}")["verdict"] == "dangerous"
    for n in range(2):
        assert check(service, f"http://safe-site-{n}.test/")["verdict"] == "safe"
    report(service, "http://evil-phish.test/trend-report", "lure")
    page.reload()
    assert today_value(page, "dangerous") - before["dangerous"] == 3
    assert today_value(page, "safe") - before["safe"] == 2
    assert page.locator("svg[data-testid=chart-report] rect[data-series=lure]").count() >= 1
    assert page.locator("[data-testid=reasons] li[data-family=blocklist]").count() == 1
    assert "evil-phish" not in page.content()
    shot(page, "staff-trends-en.png")


def test_the_pages_fit_a_360_px_phone(service: Service, new_page: Callable[..., Any],
                                      shot: Callable[[Any, str], Path]) -> None:
    page = new_page(width=360, height=740)
    log_in(page, service, lang="vi")  # one login for every page: logins are rate-limited
    for path in ("/admin/reports?status=all", "/admin/lists", "/admin/trends"):
        page.goto(service.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        if path.startswith("/admin/reports"):
            shot(page, "staff-queue-phone-vi.png")
