"""Staff pages over HTTP: login, cookie flags, CSRF and origin checks, review, bad input."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer

from service.settings import Settings
from service.web import sessions
from tests.conftest import ClientFactory

TOKEN = "staff-admin-token-0123456789"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def staff_settings(settings: Settings) -> Settings:
    return settings.replace(admin_token=TOKEN, lists_poll_seconds=0,
                            trusted_proxies=("127.0.0.1/32",))


@pytest.fixture
async def staff(aiohttp_client: ClientFactory, staff_settings: Settings) -> TestClient:
    from service.web.app import HANDLER_ARGS, create_app

    server = TestServer(create_app(staff_settings))
    await server.start_server(**HANDLER_ARGS)
    return await aiohttp_client(server)


async def login_form(client: TestClient, **headers: str) -> str:
    response = await client.get("/admin/login", headers=headers)
    assert response.status == 200
    found = CSRF.search(await response.text())
    assert found is not None
    return found.group(1)


async def login(client: TestClient, token: str = TOKEN, **headers: str) -> Any:
    form_token = await login_form(client)
    return await client.post("/admin/login", data={"csrf": form_token, "token": token},
                             headers=headers, allow_redirects=False)


async def logged_in(client: TestClient) -> str:
    """Log in; the session's CSRF token from the queue page."""
    response = await login(client)
    assert response.status == 303 and response.headers["Location"] == "/admin/reports"
    page = await client.get("/admin/reports")
    assert page.status == 200
    found = CSRF.search(await page.text())
    assert found is not None
    return found.group(1)


async def file_report(client: TestClient, url: str, kind: str, comment: str = "") -> str:
    response = await client.post("/v1/reports", json={"url": url, "kind": kind,
                                                      "comment": comment})
    assert response.status == 202
    return str((await response.json())["id"])


async def test_without_an_admin_token_there_are_no_staff_pages(client: TestClient) -> None:
    for path in ("/admin/", "/admin/login", "/admin/reports", "/admin/trends"):
        assert (await client.get(path, allow_redirects=False)).status == 404


async def test_login_sets_a_strict_http_only_session_cookie(staff: TestClient) -> None:
    response = await login(staff)
    assert response.status == 303
    cookie = response.cookies[sessions.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/admin" and cookie["max-age"] == str(8 * 3600)
    assert not cookie["secure"]  # plain HTTP from a client that is no proxy of ours
    assert len(cookie.value) >= 40


@pytest.mark.parametrize(("peer_says", "secure"), [("https", True), ("http", False)])
async def test_the_cookie_is_secure_when_a_trusted_proxy_says_https(
        staff: TestClient, peer_says: str, secure: bool) -> None:
    response = await login(staff, **{"X-Forwarded-Proto": peer_says})
    assert bool(response.cookies[sessions.COOKIE]["secure"]) is secure


async def test_an_untrusted_peer_cannot_claim_https(
        aiohttp_client: ClientFactory, settings: Settings) -> None:
    from service.web.app import create_app

    client = await aiohttp_client(TestServer(create_app(settings.replace(
        admin_token=TOKEN, lists_poll_seconds=0, trusted_proxies=("10.0.0.0/8",)))))
    response = await login(client, **{"X-Forwarded-Proto": "https"})
    assert not response.cookies[sessions.COOKIE]["secure"]


@pytest.mark.parametrize("token", ["wrong-token-0123456789", "", TOKEN + "x", TOKEN[:-1]])
async def test_a_wrong_token_gets_no_session_and_sees_no_reports(
        staff: TestClient, token: str) -> None:
    await file_report(staff, "http://seen-only-by-staff.test/", "scam", "secret comment")
    response = await login(staff, token)
    assert response.status == 401 and sessions.COOKIE not in response.cookies
    queue = await staff.get("/admin/reports", allow_redirects=False)
    assert queue.status == 303 and queue.headers["Location"] == "/admin/login"
    assert "seen-only-by-staff" not in await (await staff.get("/admin/reports")).text()


async def test_a_forged_or_logged_out_session_sees_no_reports(staff: TestClient) -> None:
    await file_report(staff, "http://seen-only-by-staff.test/", "scam")
    csrf = await logged_in(staff)
    old = staff.session.cookie_jar.filter_cookies(staff.make_url("/admin/"))[sessions.COOKIE]
    assert "seen-only-by-staff" in await (await staff.get("/admin/reports")).text()
    out = await staff.post("/admin/logout", data={"csrf": csrf}, allow_redirects=False)
    assert out.status == 303
    for value in (old.value, "forged-" + "x" * 40, ""):
        staff.session.cookie_jar.update_cookies({sessions.COOKIE: value},
                                                staff.make_url("/admin/"))
        page = await staff.get("/admin/reports", allow_redirects=False)
        assert page.status == 303, value


async def test_the_login_form_needs_its_own_token(staff: TestClient) -> None:
    response = await staff.post("/admin/login", data={"token": TOKEN}, allow_redirects=False)
    assert response.status == 403 and sessions.COOKIE not in response.cookies
    await login_form(staff)
    wrong = await staff.post("/admin/login", data={"token": TOKEN, "csrf": "guess"},
                             allow_redirects=False)
    assert wrong.status == 403 and sessions.COOKIE not in wrong.cookies


async def test_failed_logins_are_rate_limited_before_the_token_is_compared(
        staff: TestClient) -> None:
    for _ in range(sessions.LOGIN_PER_MINUTE):
        assert (await login(staff, "wrong-token-0123456789")).status == 401
    limited = await login(staff, TOKEN)  # even the right token waits: no free guesses
    assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
    assert sessions.COOKIE not in limited.cookies


POSTS = ["/admin/logout", "/admin/lang", "/admin/reports/review", "/admin/lists/update"]


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize(("form", "headers", "status"), [
    ({}, {}, 403),  # no CSRF token
    ({"csrf": "not-the-token"}, {}, 403),
    ("session", {"Origin": "http://evil.test"}, 403),
    ("session", {"Origin": "null"}, 403),
    ("session", {"Sec-Fetch-Site": "cross-site"}, 403),
    ("session", {"Sec-Fetch-Site": "same-site"}, 403),  # another port of the same host
])  # fmt: skip
async def test_a_post_without_the_token_or_from_elsewhere_is_refused(
        staff: TestClient, path: str, form: Any, headers: dict[str, str], status: int) -> None:
    report_id = await file_report(staff, "http://refused-post.test/", "scam")
    csrf = await logged_in(staff)
    data = {"csrf": csrf} if form == "session" else dict(form)
    data.update({"id": report_id, "action": "accept", "lang": "en"})
    response = await staff.post(path, data=data, headers=headers, allow_redirects=False)
    assert response.status == status
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    check = await staff.get("/v1/check", params={"url": "http://refused-post.test/"})
    assert "blocklist.match" not in {r["code"] for r in (await check.json())["reasons"]}
    assert (await staff.get("/admin/reports", allow_redirects=False)).status == 200  # still in


@pytest.mark.parametrize(("headers", "host", "same"), [
    ({"Sec-Fetch-Site": "same-origin", "Origin": "http://elsewhere.test"}, "a.test", True),
    ({"Sec-Fetch-Site": "none"}, "a.test", True),
    ({"Sec-Fetch-Site": "same-site"}, "a.test", False),
    ({"Sec-Fetch-Site": "cross-site"}, "a.test", False),
    ({"Origin": "http://a.test:8080"}, "a.test:8080", True),
    ({"Origin": "http://a.test:8080"}, "a.test", True),  # behind nginx: Host $host, no port
    ({"Origin": "http://a.test:8080"}, "a.test:9090", False),
    ({"Origin": "http://b.test"}, "a.test", False),
    ({"Origin": "null"}, "a.test", False),
    ({"Origin": "http://[::1]:8080"}, "[::1]:8080", True),
    ({"Origin": "http://[::1]:8080"}, "[::1]:9090", False),
    ({"Origin": "not a url"}, "a.test", False),
    ({}, "a.test", True),  # curl: the CSRF token still has to match
])  # fmt: skip
def test_same_origin(headers: dict[str, str], host: str, same: bool) -> None:
    from aiohttp.test_utils import make_mocked_request

    request = make_mocked_request("POST", "/admin/logout", headers={"Host": host, **headers})
    assert sessions.same_origin(request) is same


@pytest.mark.parametrize("path", POSTS)
async def test_a_post_without_a_session_is_401(staff: TestClient, path: str) -> None:
    response = await staff.post(path, data={"csrf": "x"}, allow_redirects=False)
    assert response.status == 401


async def test_accept_adds_the_entry_reloads_and_the_next_check_is_blocked(
        staff: TestClient) -> None:
    first = await file_report(staff, "http://win-a-prize-now.test/claim", "scam")
    second = await file_report(staff, "http://free-skins-now.test/", "phishing")
    csrf = await logged_in(staff)
    response = await staff.post("/admin/reports/review", data=[
        ("csrf", csrf), ("action", "accept"), ("id", first), ("id", second), ("note", "batch")])
    assert response.status == 200  # followed the 303 back to the queue
    text = await response.text()
    assert f"{first}: win-a-prize-now.test → local-scam" in text
    assert f"{second}: free-skins-now.test → local-phishing" in text
    for url in ("http://win-a-prize-now.test/other", "http://free-skins-now.test/"):
        body = await (await staff.get("/v1/check", params={"url": url})).json()
        assert "blocklist.match" in {r["code"] for r in body["reasons"]}
    accepted = await (await staff.get("/admin/reports?status=accepted")).text()
    assert accepted.count('data-testid="report"') == 2
    assert "chongluadao.vn/report/reportphishing" in accepted  # national links, once accepted


async def test_reject_with_a_note_and_into_a_chosen_list(staff: TestClient) -> None:
    rejected = await file_report(staff, "http://just-a-blog.test/", "other")
    chosen = await file_report(staff, "http://odd-one.test/page", "other")
    csrf = await logged_in(staff)
    await staff.post("/admin/reports/review", data={
        "csrf": csrf, "action": "reject", "id": rejected, "note": "a real blog <b>ok</b>"})
    done = await staff.post("/admin/reports/review", data={
        "csrf": csrf, "action": "accept", "id": chosen, "list": "local-lure", "entry": "url"})
    assert "odd-one.test/page → local-lure" in await done.text()
    page = await (await staff.get("/admin/reports?status=rejected&kind=other")).text()
    assert "a real blog &lt;b&gt;ok&lt;/b&gt;" in page and "just-a-blog" in page


@pytest.mark.parametrize("data", [
    {"action": "accept"},  # no id
    {"action": "explode", "id": "18c0ffee000-0badcafe"},
    {"action": "accept", "id": "18c0ffee000-0badcafe"},  # no such report
    {"action": "accept", "id": "../../etc/passwd"},
    {"action": "accept", "id": "x" * 5000},
    {"action": "reject", "id": "ünï-cödé"},
    {"action": "accept", "id": "real", "list": "no-such-list"},
    {"action": "accept", "id": "real", "list": "local-allow"},  # a scam report on the allow list
    {"action": "accept", "id": "real", "entry": "everything"},
    {"action": "accept", "id": "real", "note": "n" * 100_000},
])  # fmt: skip
async def test_bad_review_input_is_a_message_never_a_500(
        staff: TestClient, data: dict[str, str]) -> None:
    real = await file_report(staff, "http://bad-input.test/", "scam")
    csrf = await logged_in(staff)
    form = {k: (real if v == "real" else v) for k, v in data.items()}
    response = await staff.post("/admin/reports/review", data={"csrf": csrf, **form})
    assert response.status in (200, 400, 413), await response.text()
    if response.status == 200:
        assert 'data-testid="flash"' in await response.text()


@pytest.mark.parametrize(("body", "content_type"), [
    (b'{"csrf": "x"}', "application/json"),
    (b"csrf=%ff%fe&id=%80", "application/x-www-form-urlencoded"),
    (b"--b\r\nContent-Disposition: form-data; name=csrf\r\n\r\nx",
     "multipart/form-data; boundary=b"),
    (b"\x00\x01\x02", "text/plain"),
])  # fmt: skip
async def test_unreadable_forms_are_4xx(staff: TestClient, body: bytes,
                                        content_type: str) -> None:
    await logged_in(staff)
    for path in ("/admin/reports/review", "/admin/login"):
        response = await staff.post(path, data=body, headers={"Content-Type": content_type})
        assert 400 <= response.status < 500, (path, response.status)


@pytest.mark.parametrize("query", ["status=<script>", "kind=%ff", "status=&kind=", "lang=xx",
                                   "status=all&kind=lure", "kind=" + "k" * 9000])
async def test_odd_filters_still_render(staff: TestClient, query: str) -> None:
    await logged_in(staff)
    response = await staff.get(f"/admin/reports?{query}")
    assert response.status in (200, 413)
    if response.status == 200:
        assert "<script>" not in (await response.text()).replace(
            '<script src="/admin/static/staff.js" defer></script>', "")


async def test_every_page_forbids_inline_script(staff: TestClient) -> None:
    await file_report(staff, 'http://x.test/"><script>alert(1)</script>', "scam",
                      '<img src=x onerror="alert(2)"><script>alert(3)</script>')
    await logged_in(staff)
    for path in ("/admin/login", "/admin/reports", "/admin/lists", "/admin/trends"):
        response = await staff.get(path)
        assert response.status == 200, path
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        text = await response.text()
        assert re.findall(r"<script(?![^>]*\bsrc=)", text) == [], path
        assert "onerror=" not in text.replace("onerror=&#34;", "")
    for asset, kind in (("staff.css", "text/css"), ("staff.js", "javascript")):
        response = await staff.get(f"/admin/static/{asset}")
        assert response.status == 200 and kind in response.headers["Content-Type"]
    assert (await staff.get("/admin/static/index.html")).status == 404  # the check page's own


async def test_language_is_vietnamese_by_default_and_english_by_choice(
        staff: TestClient) -> None:
    assert "Đăng nhập" in await (await staff.get("/admin/login")).text()
    assert "Log in" in await (await staff.get("/admin/login?lang=en")).text()
    csrf = await logged_in(staff)
    assert "Hàng chờ báo cáo" in await (await staff.get("/admin/reports")).text()
    page = await staff.post("/admin/lang", data=FormData({"csrf": csrf, "lang": "en",
                                                           "back": "/admin/trends"}))
    assert page.url.path == "/admin/trends" and "Trends, last 30 days" in await page.text()


async def test_a_lookalike_url_is_shown_as_the_warning_page_shows_it(staff: TestClient) -> None:
    await file_report(staff, "http://xn--fcebook-2fg.com/login", "phishing")
    await logged_in(staff)
    page = await (await staff.get("/admin/reports?lang=en")).text()
    assert '<span class="seg-domain hl hl-confusable">а</span>' in page
    assert "xn--fcebook-2fg.com" in page and "U+0430 CYRILLIC SMALL LETTER A" in page
    assert 'data-level="dangerous"' in page and "lookalike.skeleton" in page


async def test_an_expired_session_sees_no_reports(staff: TestClient) -> None:
    await file_report(staff, "http://seen-only-by-staff.test/", "scam")
    await logged_in(staff)
    store = staff.app[sessions.STORE]
    later = time.time() + store.lifetime + 1  # 8 hours and a second after the login
    store._clock = lambda: later  # the store's clock (a constructor argument in production)
    page = await staff.get("/admin/reports", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"] == "/admin/login"
    assert "seen-only-by-staff" not in await (await staff.get("/admin/reports")).text()
