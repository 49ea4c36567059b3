"""GET /metrics: counters move with real requests, labels stay bounded, registries are per app."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families
from redis_fixtures import free_port

from service.resolve.guard import GuardPolicy
from service.settings import Settings
from service.web.app import HANDLER_ARGS, create_app
from tests.servers import Seen, TestDNS, chain_app

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[[TestServer], Awaitable[TestClient]]
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(client: TestClient) -> Samples:
    resp = await client.get("/metrics")
    assert resp.status == 200
    assert resp.content_type == "text/plain"
    samples: Samples = {}
    for family in text_string_to_metric_families(await resp.text()):
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def series(samples: Samples, name: str) -> list[dict[str, str]]:
    return [dict(labels) for (n, labels) in samples if n == name]


async def serve(aiohttp_client: ClientFactory, settings: Settings, **kw: object) -> TestClient:
    server = TestServer(create_app(settings, **kw))  # type: ignore[arg-type]
    await server.start_server(**HANDLER_ARGS)
    return await aiohttp_client(server)


async def test_checks_move_the_counters(client: TestClient) -> None:
    for url in ("http://evil-phish.test/a", "http://evil-phish.test/a", "https://example.com/"):
        assert (await client.post("/v1/check", json={"url": url})).status == 200
    assert (await client.get("/v1/check", params={"url": "javascript:x"})).status == 400
    made = await client.post("/v1/reports", json={"url": "http://x.example/", "kind": "scam"})
    assert made.status == 202
    m = await scrape(client)
    assert value(m, "linkguard_http_requests_total", method="POST", route="/v1/check",
                 status="200") == 3
    assert value(m, "linkguard_http_requests_total", method="GET", route="/v1/check",
                 status="400") == 1
    assert value(m, "linkguard_verdicts_total", verdict="dangerous") == 2
    assert value(m, "linkguard_verdicts_total", verdict="safe") == 1
    assert value(m, "linkguard_reasons_total", code="blocklist.match") == 2
    assert value(m, "linkguard_cache_lookups_total", result="hit") == 1
    assert value(m, "linkguard_cache_lookups_total", result="miss") == 2
    assert value(m, "linkguard_check_duration_seconds_count", source="cache") == 1
    assert value(m, "linkguard_check_duration_seconds_count", source="offline") == 2
    assert value(m, "linkguard_reports_accepted_total", kind="scam") == 1
    assert value(m, "linkguard_reports_accepted_total", kind="phishing") == 0  # exists at zero
    assert value(m, "linkguard_http_requests_in_flight") == 1  # this scrape itself


async def test_lists_are_exported(client: TestClient) -> None:
    version = (await (await client.get("/v1/lists")).json())["version"]
    m = await scrape(client)
    assert value(m, "linkguard_lists_info", version=version) == 1
    assert value(m, "linkguard_list_entries", list="test-phishing", category="phishing",
                 action="block") == 2
    assert value(m, "linkguard_list_updated_timestamp_seconds", list="test-phishing") > 1e9
    assert value(m, "linkguard_lists_loaded_timestamp_seconds") > 1e9
    assert series(m, "linkguard_redis_up") == []  # no Redis configured, no Redis series


async def test_random_paths_and_methods_do_not_grow_the_series(client: TestClient) -> None:
    for _ in range(1000):
        resp = await client.get(f"/{secrets.token_hex(8)}/{secrets.token_hex(4)}")
        assert resp.status == 404
    for method in ("PROPFIND", "MKCOL", "PURGE"):  # known to the HTTP parser, not to us
        assert (await client.request(method, "/healthz")).status == 405
    assert (await client.request("FOO", "/healthz")).status == 400  # refused by the parser
    m = await scrape(client)
    labels = series(m, "linkguard_http_requests_total")
    assert len(labels) <= 3, labels
    assert value(m, "linkguard_http_requests_total", method="GET", route="unmatched",
                 status="404") == 1000
    assert value(m, "linkguard_http_requests_total", method="other", route="unmatched",
                 status="405") == 3
    assert len(series(m, "linkguard_http_request_duration_seconds_count")) <= 2


async def test_rate_limited_requests_are_counted(aiohttp_client: ClientFactory,
                                                 settings: Settings) -> None:
    client = await serve(aiohttp_client, settings.replace(rate_limit=1, lists_poll_seconds=0))
    statuses = [(await client.get("/v1/check", params={"url": "a.example"})).status
                for _ in range(3)]
    assert statuses == [200, 429, 429]
    m = await scrape(client)
    assert value(m, "linkguard_rate_limited_total", client="address") == 2
    assert value(m, "linkguard_rate_limited_total", client="key") == 0


async def test_resolver_outcomes_and_hops(aiohttp_server: ServerFactory,
                                          aiohttp_client: ClientFactory, lists_dir: Path,
                                          settings: Settings) -> None:
    upstream = await aiohttp_server(chain_app(Seen()), host="127.0.0.1")
    policy = GuardPolicy.from_settings(settings, test_allowance=[("127.0.0.1", upstream.port)])
    client = await serve(aiohttp_client, settings, dns=TestDNS(), policy=policy)
    base = f"http://site.test:{upstream.port}"
    for url in (f"{base}/go?to={base}/final", f"{base}/loop/a"):
        resp = await client.post("/v1/check", json={"url": url, "resolve": "always"})
        assert resp.status == 200
    m = await scrape(client)
    assert value(m, "linkguard_resolver_chains_total", outcome="ok") == 1
    assert value(m, "linkguard_resolver_chains_total", outcome="loop") == 1
    assert value(m, "linkguard_resolver_chains_total", outcome="timeout") == 0
    assert value(m, "linkguard_resolver_hops_count") == 2
    assert value(m, "linkguard_resolver_hops_bucket", le="0.0") == 0
    assert value(m, "linkguard_resolver_hops_bucket", le="1.0") >= 1  # the one redirect of /go
    assert value(m, "linkguard_check_duration_seconds_count", source="network") == 2


async def test_redis_errors_and_outage_are_exported(aiohttp_client: ClientFactory,
                                                    settings: Settings) -> None:
    """A Redis nobody listens on: the service answers (degraded) and the metrics say why."""
    dead = f"redis://127.0.0.1:{free_port()}/0"
    client = await serve(aiohttp_client, settings.replace(redis_url=dead, lists_poll_seconds=0))
    assert (await client.post("/v1/check", json={"url": "a.example"})).status == 200
    m = await scrape(client)
    assert value(m, "linkguard_redis_up") == 0
    assert value(m, "linkguard_redis_outages_total") == 1
    assert value(m, "linkguard_redis_errors_total") >= 1


async def test_each_app_has_its_own_registry(aiohttp_client: ClientFactory,
                                             settings: Settings) -> None:
    one = await serve(aiohttp_client, settings)
    two = await serve(aiohttp_client, settings)
    await one.post("/v1/check", json={"url": "http://evil-phish.test/"})
    assert value(await scrape(one), "linkguard_verdicts_total", verdict="dangerous") == 1
    assert value(await scrape(two), "linkguard_verdicts_total", verdict="dangerous") == 0


@pytest.mark.parametrize(("accept", "content_type"), [
    ("", "text/plain"),
    ("application/openmetrics-text; version=1.0.0", "application/openmetrics-text"),
])
async def test_exposition_format_follows_accept(client: TestClient, accept: str,
                                                content_type: str) -> None:
    resp = await client.get("/metrics", headers={"Accept": accept} if accept else {})
    assert resp.status == 200
    assert resp.content_type == content_type
    assert "linkguard_http_requests" in await resp.text()
