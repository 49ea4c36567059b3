"""The OpenAPI document: valid 3.1, the same routes as the app, and real answers conform to it."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from openapi_check import Contract, app_operations, doc_operations
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from service.settings import Settings
from service.web import openapi
from service.web.app import HANDLER_ARGS, create_app

TOKEN = "t" * 24
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
LONG_URL = "http://example.com/" + "a" * 9000


@pytest.fixture
def full_settings(settings: Settings) -> Settings:
    """Every route present: the admin token turns the admin API on."""
    return settings.replace(admin_token=TOKEN, lists_poll_seconds=0)


@pytest.fixture
async def admin_client(aiohttp_client: Any, full_settings: Settings) -> TestClient:
    server = TestServer(create_app(full_settings))
    await server.start_server(**HANDLER_ARGS)
    client: TestClient = await aiohttp_client(server)
    return client


def test_document_is_valid_openapi_3_1() -> None:
    doc = openapi.document()
    assert doc["openapi"].startswith("3.1")
    validate(doc)  # raises OpenAPIValidationError


def test_the_validator_can_fail() -> None:
    broken = {**openapi.document(), "paths": {"/x": {"get": {"responses": "nope"}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_every_route_is_documented_and_every_operation_exists(full_settings: Settings) -> None:
    app = create_app(full_settings)
    served, documented = app_operations(app), doc_operations(openapi.document())
    assert served - documented == set(), "routes missing from the document"
    assert documented - served == set(), "documented operations the app does not serve"


def test_a_new_route_breaks_the_agreement(full_settings: Settings) -> None:
    """The comparison above can fail: an undocumented route shows up in the difference."""
    app = create_app(full_settings)

    async def extra(request: web.Request) -> web.Response:
        return web.Response()

    app.router.add_post("/v1/undocumented/{x}", extra)
    assert app_operations(app) - doc_operations(openapi.document()) == {
        ("POST", "/v1/undocumented/{x}")}


async def test_served_document_is_the_built_one(client: TestClient) -> None:
    resp = await client.get("/openapi.json")
    assert resp.status == 200
    assert resp.content_type == "application/json"
    assert await resp.json() == openapi.document()


Case = tuple[str, str, str, dict[str, Any], int]  # method, template, path, request kwargs, status

CASES: list[Case] = [
    ("GET", "/healthz", "/healthz", {}, 200),
    ("GET", "/readyz", "/readyz", {}, 200),
    ("GET", "/v1/lists", "/v1/lists", {}, 200),
    ("GET", "/metrics", "/metrics", {}, 200),
    ("GET", "/openapi.json", "/openapi.json", {}, 200),
    ("POST", "/v1/check", "/v1/check", {"json": {"url": "http://evil-phish.test/login"}}, 200),
    ("POST", "/v1/check", "/v1/check",
     {"json": {"url": "http://xn--fcebook-hwa.com/", "lang": "en"}}, 200),
    ("GET", "/v1/check", "/v1/check", {"params": {"url": "trusted.example.org/a?b=c"}}, 200),
    ("POST", "/v1/check", "/v1/check", {"json": {"url": "javascript:alert(1)"}}, 400),
    ("POST", "/v1/check", "/v1/check", {"data": b"{", "headers": {
        "Content-Type": "application/json"}}, 400),
    ("POST", "/v1/check", "/v1/check", {"json": {}}, 422),
    ("POST", "/v1/check", "/v1/check", {"json": {"url": "a.example", "resolve": "x"}}, 422),
    ("POST", "/v1/check", "/v1/check", {"data": "url=x"}, 415),
    ("POST", "/v1/check", "/v1/check", {"json": {"url": LONG_URL}}, 413),
    ("GET", "/v1/check", "/v1/check", {}, 422),
    ("POST", "/v1/check/batch", "/v1/check/batch",
     {"json": {"urls": ["http://evil-phish.test/", "javascript:x", 5, None]}}, 200),
    ("POST", "/v1/check/batch", "/v1/check/batch", {"json": {"urls": ["a.example"] * 101}}, 413),
    ("POST", "/v1/check/batch", "/v1/check/batch", {"json": {"urls": "a.example"}}, 422),
    ("POST", "/v1/reports", "/v1/reports",
     {"json": {"url": "http://evil-phish.test/x", "kind": "phishing", "comment": "hi"}}, 202),
    ("POST", "/v1/reports", "/v1/reports", {"json": {"url": "a.example", "kind": "x"}}, 422),
    ("POST", "/v1/reports", "/v1/reports", {"json": {"url": "ftp://a.example/"}}, 400),
    ("POST", "/v1/admin/reload", "/v1/admin/reload", {"headers": ADMIN}, 200),
    ("POST", "/v1/admin/reload", "/v1/admin/reload", {}, 401),
    ("GET", "/v1/admin/reports", "/v1/admin/reports", {"headers": ADMIN}, 200),
    ("GET", "/v1/admin/reports", "/v1/admin/reports",
     {"headers": ADMIN, "params": {"limit": "0"}}, 422),
    ("GET", "/v1/admin/lists", "/v1/admin/lists", {"headers": ADMIN}, 200),
    ("POST", "/v1/admin/reports/{id}/accept", "/v1/admin/reports/nope/accept",
     {"headers": ADMIN}, 404),
    ("POST", "/v1/admin/reports/{id}/reject", "/v1/admin/reports/nope/reject",
     {"headers": ADMIN, "json": {"note": "x", "extra": 1}}, 422),
    ("POST", "/v1/admin/reports/{id}/reject", "/v1/admin/reports/nope/reject",
     {"headers": {"Authorization": "Bearer wrong-token-wrong"}}, 401),
]


@pytest.mark.parametrize(("method", "template", "path", "kwargs", "status"), CASES,
                         ids=[f"{c[0]} {c[2]} {c[4]}" for c in CASES])
async def test_answers_conform(admin_client: TestClient, method: str, template: str, path: str,
                               kwargs: dict[str, Any], status: int) -> None:
    resp = await admin_client.request(method, path, **kwargs)
    assert resp.status == status, await resp.text()
    body = await resp.json() if resp.content_type == "application/json" else await resp.text()
    Contract(openapi.document()).check(method, template, status, resp.headers, body)


async def test_report_review_answers_conform(admin_client: TestClient) -> None:
    contract = Contract(openapi.document())
    made = await admin_client.post("/v1/reports", json={"url": "http://new-phish.example.net/a",
                                                        "kind": "phishing"})
    report_id = (await made.json())["id"]
    steps = [("accept", {}, 200), ("accept", {}, 409), ("reject", {"note": "no"}, 200)]
    for action, body, status in steps:
        resp = await admin_client.post(f"/v1/admin/reports/{report_id}/{action}", json=body,
                                       headers=ADMIN)
        assert resp.status == status, await resp.text()
        contract.check("POST", f"/v1/admin/reports/{{id}}/{action}", status, resp.headers,
                       await resp.json())
    listed = await admin_client.get("/v1/admin/reports", headers=ADMIN)
    contract.check("GET", "/v1/admin/reports", 200, listed.headers, await listed.json())


async def test_rate_limited_answer_conforms(aiohttp_client: Any, settings: Settings) -> None:
    server = TestServer(create_app(settings.replace(rate_limit=1, lists_poll_seconds=0)))
    await server.start_server(**HANDLER_ARGS)
    client = await aiohttp_client(server)
    await client.get("/v1/check", params={"url": "a.example"})
    resp = await client.get("/v1/check", params={"url": "a.example"})
    assert resp.status == 429
    Contract(openapi.document()).check("GET", "/v1/check", 429, resp.headers, await resp.json())


def test_contract_rejects_a_wrong_answer() -> None:
    """The conformance check can fail: a result without its verdict is refused."""
    contract = Contract(openapi.document())
    headers = {"Content-Type": "application/json", "X-Request-ID": "abc"}
    with pytest.raises(Exception, match="verdict"):
        contract.check("POST", "/v1/check", 200, headers, {"url": "x"})
    with pytest.raises(AssertionError, match="X-Request-ID"):
        contract.check("GET", "/healthz", 200, {"Content-Type": "application/json"},
                       {"status": "ok"})
