"""Admin API: absent without a token, 401 without the right one, every route's work and errors."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from service.settings import Settings
from service.upkeep import files
from tests.conftest import ClientFactory

TOKEN = "s3cret-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROUTES = [
    ("POST", "/v1/admin/reload"),
    ("GET", "/v1/admin/reports"),
    ("POST", "/v1/admin/reports/18c0ffee000-0badcafe/accept"),
    ("POST", "/v1/admin/reports/18c0ffee000-0badcafe/reject"),
    ("GET", "/v1/admin/lists"),
]


@pytest.fixture
async def admin(aiohttp_client: ClientFactory, settings: Settings) -> TestClient:
    from service.web.app import HANDLER_ARGS, create_app

    server = TestServer(create_app(settings.replace(admin_token=TOKEN, lists_poll_seconds=0)))
    await server.start_server(**HANDLER_ARGS)
    return await aiohttp_client(server)


async def report(client: TestClient, url: str, kind: str) -> str:
    response = await client.post("/v1/reports", json={"url": url, "kind": kind})
    assert response.status == 202
    return str((await response.json())["id"])


async def call(client: TestClient, method: str, path: str, **kw: Any) -> tuple[int, Any]:
    response = await client.request(method, path, headers=kw.pop("headers", AUTH), **kw)
    return response.status, await response.json()


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_without_a_configured_token_the_routes_do_not_exist(
        client: TestClient, method: str, path: str) -> None:
    response = await client.request(method, path, headers=AUTH)
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    ("header", "error"),
    [(None, None), ("Basic " + TOKEN, None), ("Bearer", None), ("Bearer ", None),
     ("Bearer wrong-token", "invalid_token"), (f"Bearer {TOKEN}x", "invalid_token"),
     (f"Bearer {TOKEN[:-1]}", "invalid_token"), ("Bearer ünïcode", "invalid_token")],
)  # fmt: skip
async def test_a_missing_or_wrong_token_is_401_with_a_challenge(
        admin: TestClient, method: str, path: str, header: str | None,
        error: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    status, body = await call(admin, method, path, headers=headers)
    assert status == 401 and body["error"]["code"] == "unauthorized"
    response = await admin.request(method, path, headers=headers)
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="linkguard-admin"')
    assert (f'error="{error}"' in challenge) if error else ("error=" not in challenge)


@pytest.mark.parametrize(("method", "path", "expected"), [
    ("POST", "/v1/admin/reload", 200), ("GET", "/v1/admin/reports", 200),
    ("GET", "/v1/admin/lists", 200), ("POST", "/v1/admin/reports/18c0ffee000-0badcafe/accept", 404),
    ("POST", "/v1/admin/reports/18c0ffee000-0badcafe/reject", 404)])  # fmt: skip
async def test_the_right_token_gets_through(admin: TestClient, method: str, path: str,
                                            expected: int) -> None:
    assert (await call(admin, method, path))[0] == expected


async def test_reload_swaps_and_a_broken_list_keeps_the_old_ones(
        admin: TestClient, settings: Settings) -> None:
    status, body = await call(admin, "POST", "/v1/admin/reload")
    assert status == 200 and body["changed"] is False
    old = body["new_version"]
    (settings.lists_dir / "test/phishing.txt").write_text("evil-phish.test\nfresh-phish.test\n")
    status, body = await call(admin, "POST", "/v1/admin/reload")
    assert status == 200 and body["changed"] and body["old_version"] == old
    good = body["new_version"]
    (settings.lists_dir / "test/phishing.txt").unlink()
    status, body = await call(admin, "POST", "/v1/admin/reload")
    assert status == 422 and body["error"]["code"] == "list_error"
    assert "test/phishing.txt not found" in body["error"]["message"]
    assert body["lists_version"] == good
    ready = await (await admin.get("/readyz")).json()
    assert ready["lists_version"] == good
    check = await (await admin.get("/v1/check", params={"url": "http://fresh-phish.test/"})).json()
    assert check["verdict"] == "dangerous"
    _, lists = await call(admin, "GET", "/v1/admin/lists")
    assert "not found" in lists["reload_error"] and lists["version"] == good


async def test_reports_listing_filters_and_limits(admin: TestClient) -> None:
    first = await report(admin, "http://one.test/", "phishing")
    second = await report(admin, "http://two.test/", "lure")
    status, body = await call(admin, "GET", "/v1/admin/reports")
    assert status == 200 and [r["id"] for r in body["reports"]] == [second, first]
    status, body = await call(admin, "GET", "/v1/admin/reports?limit=1&status=new")
    assert [r["id"] for r in body["reports"]] == [second]
    status, body = await call(admin, "GET", "/v1/admin/reports?status=accepted")
    assert body["reports"] == []


@pytest.mark.parametrize("query", ["status=open", "status=", "limit=", "limit=0", "limit=1001",
                                   "limit=ten", "limit=-1"])
async def test_reports_listing_bad_query_is_422(admin: TestClient, query: str) -> None:
    status, body = await call(admin, "GET", f"/v1/admin/reports?{query}")
    assert status == 422 and body["error"]["code"] == "invalid_field"


@pytest.mark.parametrize(
    ("url", "kind", "body", "listed", "kind_of_entry", "file"),
    [
        ("http://brand-new-phish.test/login.php", "phishing", None, "brand-new-phish.test",
         "host", "local/phishing.txt"),
        ("https://sites.google.com/view/evil-form", "phishing", None,
         "sites.google.com/view/evil-form", "url", "local/phishing.txt"),
        ("https://zalo.me/g/abcdef123", "lure", {"note": "mission group"}, "zalo.me/g/abcdef123",
         "url", "local/lure.txt"),
        ("http://fake-shop.test/sale", "scam", {"entry": "url"}, "fake-shop.test/sale", "url",
         "local/scam.txt"),
        ("http://honest-school-club.test/join", "false_positive", None,
         "honest-school-club.test", "host", "local/allow.txt"),
        ("http://other.test/x", "other", {"list": "local-scam"}, "other.test", "host",
         "local/scam.txt"),
    ],
)
async def test_accept_adds_the_right_entry_then_reloads(
        admin: TestClient, settings: Settings, url: str, kind: str, body: dict[str, str] | None,
        listed: str, kind_of_entry: str, file: str) -> None:
    report_id = await report(admin, url, kind)
    before = (await (await admin.get("/readyz")).json())["lists_version"]
    status, done = await call(admin, "POST", f"/v1/admin/reports/{report_id}/accept", json=body)
    assert status == 200, done
    assert (done["entry"], done["kind"], done["added"], done["reloaded"]) == (
        listed, kind_of_entry, True, True)
    assert done["report"]["status"] == "accepted" and done["lists_version"] != before
    text = (settings.lists_dir / file).read_text()
    assert f"by linkguard: report {report_id} ({kind})" in text
    verdict = (await (await admin.get("/v1/check", params={"url": url})).json())["verdict"]
    assert verdict == ("safe" if kind == "false_positive" else "dangerous")
    status, again = await call(admin, "POST", f"/v1/admin/reports/{report_id}/accept")
    assert status == 409 and again["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    ("kind", "body", "status", "code", "message"),
    [
        ("phishing", {"list": "openphish"}, 422, "list_error", "downloaded from"),
        ("phishing", {"list": "no-such-list"}, 422, "list_error", "unknown list"),
        ("phishing", {"list": "local-allow"}, 422, "list_error", "goes on a block list"),
        ("false_positive", {"list": "local-phishing"}, 422, "list_error", "allow list"),
        ("other", None, 422, "list_error", "no default list"),
        ("phishing", {"entry": "domain"}, 422, "invalid_field", "'entry'"),
        ("phishing", {"lists": "local-phishing"}, 422, "invalid_field", "unknown field"),
        ("phishing", {"note": 5}, 422, "invalid_field", "'note'"),
        ("phishing", {"list": ["local-phishing"]}, 422, "invalid_field", "'list'"),
    ],
)
async def test_accept_refuses_bad_bodies_and_leaves_the_report_new(
        admin: TestClient, kind: str, body: dict[str, Any] | None, status: int, code: str,
        message: str) -> None:
    report_id = await report(admin, "http://victim-phish.test/", kind)
    got, answer = await call(admin, "POST", f"/v1/admin/reports/{report_id}/accept", json=body)
    assert (got, answer["error"]["code"]) == (status, code) and message in answer[
        "error"]["message"]
    _, listing = await call(admin, "GET", "/v1/admin/reports")
    assert listing["reports"][0]["status"] == "new"


async def test_accept_malformed_bodies(admin: TestClient) -> None:
    report_id = await report(admin, "http://victim-phish.test/", "phishing")
    path = f"/v1/admin/reports/{report_id}/accept"
    status, body = await call(admin, "POST", path, data=b"{not json",
                              headers={**AUTH, "Content-Type": "application/json"})
    assert (status, body["error"]["code"]) == (400, "bad_json")
    status, body = await call(admin, "POST", path, data=b"list=x",
                              headers={**AUTH, "Content-Type": "text/plain"})
    assert status == 415
    status, body = await call(admin, "POST", path, json=["local-phishing"])
    assert status == 422


async def test_a_false_positive_blocked_by_an_exact_entry_says_what_to_remove(
        admin: TestClient) -> None:
    report_id = await report(admin, "http://allowed-but-bad.example.org/exact/page.html",
                             "false_positive")
    status, body = await call(admin, "POST", f"/v1/admin/reports/{report_id}/accept")
    assert status == 422 and "remove it from 'test-urls'" in body["error"]["message"]


async def test_accepting_a_protected_host_is_refused(admin: TestClient) -> None:
    report_id = await report(admin, "https://accounts.google.com/signin", "phishing")
    status, body = await call(admin, "POST", f"/v1/admin/reports/{report_id}/accept",
                              json={"entry": "host"})
    assert status == 422 and "protected target" in body["error"]["message"]


async def test_reject_and_reject_after_accept(admin: TestClient) -> None:
    report_id = await report(admin, "http://meh.test/", "phishing")
    status, body = await call(admin, "POST", f"/v1/admin/reports/{report_id}/reject",
                              json={"note": "a news site"})
    assert status == 200 and body["report"]["status"] == "rejected"
    assert body["report"]["note"] == "a news site" and body["was_accepted"] is False
    other = await report(admin, "http://bad-one.test/", "phishing")
    assert (await call(admin, "POST", f"/v1/admin/reports/{other}/accept"))[0] == 200
    status, body = await call(admin, "POST", f"/v1/admin/reports/{other}/reject")
    assert status == 200 and body["was_accepted"] is True


@pytest.mark.parametrize("report_id", ["18c0ffee000-0badcafe", "..%2F..%2Fetc", "X" * 65,
                                       "DROP TABLE"])
async def test_unknown_report_ids_are_404(admin: TestClient, report_id: str) -> None:
    for action in ("accept", "reject"):
        status, body = await call(admin, "POST", f"/v1/admin/reports/{report_id}/{action}")
        assert status == 404 and body["error"]["code"] == "not_found"


async def test_lists_show_loader_info_and_update_metadata(
        admin: TestClient, settings: Settings) -> None:
    path = settings.lists_dir / "test/phishing.txt"
    files.write_meta(path, files.ListMeta(source="https://feed.test/x", etag='"e1"',
                                                  entries=2, fetched_at="2026-11-28T10:00:00Z"))
    status, body = await call(admin, "GET", "/v1/admin/lists")
    assert status == 200 and body["reload_error"] is None
    rows = {row["name"]: row for row in body["lists"]}
    assert rows["test-phishing"]["entries"] == 2
    assert rows["test-phishing"]["update"]["etag"] == '"e1"'
    assert rows["openphish"]["update"] is None and rows["openphish"]["loaded"] is False
