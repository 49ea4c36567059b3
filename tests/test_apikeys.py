"""Optional API keys: which routes need one, both ways to send it, per-key limits, bad config."""

from __future__ import annotations

import hashlib
import io
import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openapi_check import Contract

from service.core.errors import ConfigError
from service.settings import Settings
from service.web import logs, openapi
from service.web.apikeys import KeyRing
from service.web.app import HANDLER_ARGS, create_app

KEY_A = "key-a-0123456789abcdef"
KEY_B = "key-b-fedcba9876543210"
ADMIN_TOKEN = "admin-token-0123456789"
HASHED_B = "sha256:" + hashlib.sha256(KEY_B.encode()).hexdigest()
CHECK = {"url": "http://evil-phish.test/x"}
ORIGIN = "chrome-extension://abcdefghijklmnop"


async def serve(aiohttp_client: Any, settings: Settings, **changes: Any) -> TestClient:
    changes.setdefault("api_keys", (KEY_A, HASHED_B))
    app = create_app(settings.replace(lists_poll_seconds=0, **changes))
    server = TestServer(app)
    await server.start_server(**HANDLER_ARGS)
    client: TestClient = await aiohttp_client(server)
    return client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


PROTECTED = [
    ("POST", "/v1/check", {"json": CHECK}, 200),
    ("GET", "/v1/check", {"params": CHECK}, 200),
    ("POST", "/v1/check/batch", {"json": {"urls": [CHECK["url"]]}}, 200),
    ("POST", "/v1/reports", {"json": {"url": CHECK["url"], "kind": "phishing"}}, 202),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "ok"), PROTECTED,
                         ids=[f"{m} {p}" for m, p, _, _ in PROTECTED])
@pytest.mark.parametrize(("headers", "status", "error"), [
    ({}, 401, None),
    (bearer("not-a-key-at-all-xxxx"), 401, "invalid_token"),
    ({"X-API-Key": "not-a-key-at-all-xxxx"}, 401, "invalid_token"),
    ({"Authorization": f"Basic {KEY_A}"}, 401, None),  # not a bearer token: no key sent
    (bearer(KEY_A), 0, None),
    ({"Authorization": f"bearer {KEY_A}"}, 0, None),  # RFC 9110 section 11.1: case-insensitive
    ({"X-API-Key": KEY_A}, 0, None),
    (bearer(KEY_B), 0, None),  # configured as its SHA-256 only
], ids=["none", "wrong-bearer", "wrong-header", "basic", "bearer", "lowercase", "header",
        "hashed"])
async def test_protected_routes(aiohttp_client: Any, settings: Settings, method: str,
                                path: str, kwargs: dict[str, Any], ok: int,
                                headers: dict[str, str], status: int, error: str | None) -> None:
    client = await serve(aiohttp_client, settings)
    resp = await client.request(method, path, headers=headers, **kwargs)
    expected = status or ok
    assert resp.status == expected, await resp.text()
    if expected == 401:
        body = await resp.json()
        assert body["error"]["code"] == "unauthorized"
        challenge = resp.headers["WWW-Authenticate"]
        assert challenge.startswith('Bearer realm="linkguard"')
        assert (f'error="{error}"' in challenge) is (error is not None)
        Contract(openapi.document()).check(method, path, 401, resp.headers, body)


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/openapi.json",
                                  "/v1/lists"])
async def test_open_routes_need_no_key(aiohttp_client: Any, settings: Settings,
                                       path: str) -> None:
    client = await serve(aiohttp_client, settings)
    assert (await client.get(path)).status == 200


async def test_without_keys_the_service_is_open(client: TestClient) -> None:
    assert (await client.post("/v1/check", json=CHECK)).status == 200


async def test_admin_routes_keep_their_own_token(aiohttp_client: Any, settings: Settings) -> None:
    client = await serve(aiohttp_client, settings, admin_token=ADMIN_TOKEN)
    assert (await client.get("/v1/admin/lists", headers=bearer(ADMIN_TOKEN))).status == 200
    assert (await client.get("/v1/admin/lists", headers=bearer(KEY_A))).status == 401
    assert (await client.post("/v1/check", json=CHECK, headers=bearer(ADMIN_TOKEN))).status == 401


async def test_preflight_needs_no_key_and_errors_carry_cors(aiohttp_client: Any,
                                                            settings: Settings) -> None:
    client = await serve(aiohttp_client, settings)
    pre = await client.options("/v1/check", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert pre.status == 204
    assert "Authorization" in pre.headers["Access-Control-Allow-Headers"]
    assert "X-API-Key" in pre.headers["Access-Control-Allow-Headers"]
    denied = await client.post("/v1/check", json=CHECK, headers={"Origin": ORIGIN})
    assert denied.status == 401
    assert denied.headers["Access-Control-Allow-Origin"] == ORIGIN


async def test_each_key_has_its_own_rate_limit(aiohttp_client: Any, settings: Settings) -> None:
    client = await serve(aiohttp_client, settings, rate_limit=2)
    a = [(await client.post("/v1/check", json=CHECK, headers=bearer(KEY_A))).status
         for _ in range(3)]
    b = [(await client.post("/v1/check", json=CHECK, headers={"X-API-Key": KEY_B})).status
         for _ in range(2)]
    assert a == [200, 200, 429]
    assert b == [200, 200]  # same address, another key: another bucket
    metrics = await (await client.get("/metrics")).text()
    assert 'linkguard_rate_limited_total{client="key"} 1.0' in metrics


async def test_guessing_keys_is_rate_limited_by_address(aiohttp_client: Any,
                                                        settings: Settings) -> None:
    client = await serve(aiohttp_client, settings, rate_limit=2)
    guesses = [(await client.post("/v1/check", json=CHECK, headers=bearer(f"guess-{i:016d}")))
               for i in range(3)]
    assert [g.status for g in guesses] == [401, 401, 429]
    assert "Retry-After" in guesses[-1].headers
    # A valid key is its own identity: the address's empty bucket does not stop it.
    assert (await client.post("/v1/check", json=CHECK, headers=bearer(KEY_A))).status == 200


async def test_keys_are_never_logged(aiohttp_client: Any, settings: Settings) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.setup(settings.replace(log_level="DEBUG"), stream=stream)
    try:
        client = await serve(aiohttp_client, settings)
        for headers in (bearer(KEY_A), {"X-API-Key": KEY_B}, bearer("wrong-key-0123456789")):
            await client.post("/v1/check", json=CHECK, headers=headers)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    text = stream.getvalue()
    assert "checked" in text
    a_id = hashlib.sha256(KEY_A.encode()).hexdigest()[:8]
    assert f'"api_key": "{a_id}"' in text  # the key's id is what the access log shows
    for secret in (KEY_A, KEY_B, "wrong-key-0123456789"):
        assert secret not in text


@pytest.mark.parametrize(("entries", "message"), [
    (("short",), "key 1 is shorter than 16"),
    ((KEY_A, "sha256:abc"), "entry 2 is not sha256:<64 hex>"),
])
def test_bad_keys_stop_start_up(settings: Settings, entries: tuple[str, ...],
                                message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        create_app(settings.replace(api_keys=entries))
    for entry in entries:
        if len(entry) > 8:
            assert entry not in caught.value.message  # never echo a key


def test_keys_from_the_environment(lists_dir: Any) -> None:
    env = {"LINKGUARD_API_KEYS": f" {KEY_A} ,{HASHED_B},", "LINKGUARD_LISTS_DIR": str(lists_dir)}
    settings = Settings.from_env(env)
    assert settings.api_keys == (KEY_A, HASHED_B)
    ring = KeyRing.parse(settings.api_keys)
    a_id = hashlib.sha256(KEY_A.encode()).hexdigest()[:8]
    assert ring.identify(KEY_A) == a_id
    assert ring.identify(KEY_B) == HASHED_B[7:15]
    assert ring.identify(KEY_A + "x") is None
