"""The resolver against real loopback servers: chains, tricks, limits, single flight, rebinding."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from service.core.errors import ConfigError
from service.resolve.connector import USER_AGENT, make_session
from service.resolve.guard import GuardPolicy
from service.resolve.resolver import Chain, Resolver
from service.settings import Settings
from tests.servers import Listener, Seen, TestDNS, chain_app, listen

ServerFactory = Callable[..., Awaitable[TestServer]]


@dataclass
class Rig:
    """One chain server on 127.0.0.1, a `*.test` DNS, and a resolver allowed to reach it."""

    seen: Seen
    port: int
    dns: TestDNS
    resolver: Resolver
    session: aiohttp.ClientSession

    def url(self, path: str, host: str = "site.test") -> str:
        return f"http://{host}:{self.port}{path}"

    async def resolve(self, path: str) -> Chain:
        return await self.resolver.resolve_chain(self.url(path))


async def make_rig(aiohttp_server: ServerFactory, *, dns: TestDNS | None = None,
                   allow: tuple[tuple[str, int], ...] = (), **overrides: object) -> Rig:
    seen = Seen()
    server = await aiohttp_server(chain_app(seen), host="127.0.0.1")
    settings = Settings(**overrides)  # type: ignore[arg-type]
    dns = dns or TestDNS()
    policy = GuardPolicy.from_settings(settings, test_allowance=[("127.0.0.1", server.port),
                                                                  *allow])
    session = make_session(settings, dns=dns, policy=policy)
    resolver = Resolver(settings, session=session)
    return Rig(seen, server.port, dns, resolver, session)


@pytest.fixture
async def rig(aiohttp_server: ServerFactory) -> AsyncIterator[Rig]:
    made = await make_rig(aiohttp_server)
    yield made
    await made.resolver.close()
    await made.session.close()


def statuses(chain: Chain) -> list[int | None]:
    return [hop.status for hop in chain.hops]


def codes(chain: Chain) -> set[str]:
    return {signal.code for signal in chain.signals}


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_follows_each_redirect_status(rig: Rig, status: int) -> None:
    chain = await rig.resolve(f"/chain/{status}/3")
    assert chain.outcome == "ok", chain.detail
    assert statuses(chain) == [status, status, status, 200]
    assert [hop.via for hop in chain.hops] == ["start", "location", "location", "location"]
    assert chain.final_url == rig.url(f"/chain/{status}/0")


@pytest.mark.parametrize(
    ("path", "final", "via"),
    [
        ("/deep/rel/start", "/final?from=rel", "location"),  # ../../final relative to the path
        ("/go?to=/final", "/final", "location"),  # absolute path
        ("/meta", "/final", "meta"),
        ("/script", "/final", "script"),
        ("/refresh", "/final", "refresh"),
    ],
)
async def test_follows_relative_and_client_side_redirects(
    rig: Rig, path: str, final: str, via: str
) -> None:
    chain = await rig.resolve(path)
    assert chain.outcome == "ok"
    assert (chain.final_url, chain.hops[-1].via, chain.hops[-1].status) == (rig.url(final), via,
                                                                              200)
    assert ("redirect.meta_refresh" in codes(chain)) == (via != "location")


async def test_absolute_location_to_another_host_is_followed_and_noted(rig: Rig) -> None:
    chain = await rig.resolve(f"/go?to={rig.url('/final', 'elsewhere.test')}")
    assert chain.final_url == rig.url("/final", "elsewhere.test")
    assert chain.outcome == "ok"
    signal = next(s for s in chain.signals if s.code == "redirect.cross_domain")
    assert dict(signal.evidence) == {"start": "site.test", "final": "elsewhere.test"}


async def test_loop_is_detected(rig: Rig) -> None:
    chain = await rig.resolve("/loop/a")
    assert (chain.outcome, len(chain.hops)) == ("loop", 2)
    assert "redirect.unresolved" in codes(chain)


@pytest.mark.parametrize(("redirects", "outcome", "hops"), [(10, "ok", 11),
                                                            (11, "too_many_hops", 12)])
async def test_at_most_ten_redirects(rig: Rig, redirects: int, outcome: str, hops: int) -> None:
    chain = await rig.resolve(f"/chain/302/{redirects}")
    assert (chain.outcome, len(chain.hops)) == (outcome, hops)
    fetched = sum(1 for (method, path) in rig.seen.hits if method == "HEAD")
    assert fetched == 11  # the 12th hop of the long chain is named, never fetched
    assert "redirect.chain_long" in codes(chain)
    if outcome != "ok":
        assert chain.hops[-1].status is None


async def test_slow_server_hits_the_hop_timeout(aiohttp_server: ServerFactory) -> None:
    rig = await make_rig(aiohttp_server, resolve_timeout=3.0, resolve_hop_timeout=0.3)
    async with rig.resolver, rig.session:
        chain = await rig.resolve("/slow")
    assert chain.outcome == "timeout"
    assert statuses(chain) == [None]
    assert "redirect.unresolved" in codes(chain)


async def test_endless_chain_of_slow_hops_hits_the_total_budget(
    aiohttp_server: ServerFactory,
) -> None:
    rig = await make_rig(aiohttp_server, resolve_timeout=0.5, resolve_hop_timeout=2.0)
    async with rig.resolver, rig.session:
        chain = await rig.resolve("/slow-chain/0")
    assert chain.outcome == "timeout"
    assert chain.hops[-1].status is None
    assert len(chain.hops) < 11  # stopped by time, not by the hop limit


@pytest.mark.parametrize("kind", ["endless", "bomb"])
@pytest.mark.parametrize("where", ["early", "late"])
async def test_bodies_are_read_only_up_to_the_cap(rig: Rig, kind: str, where: str) -> None:
    # The redirect sits before or after the 64 KiB cap; an endless body would run out the time
    # budget and an inflated gzip bomb would find the late redirect if either cap were missing.
    chain = await rig.resolve(f"/{kind}/{where}")
    assert chain.outcome == "ok", chain.detail
    expected = rig.url("/final") if where == "early" else rig.url(f"/{kind}/{where}")
    assert chain.final_url == expected


@pytest.mark.parametrize("code", [400, 403, 405, 501])
async def test_get_when_head_is_refused(rig: Rig, code: int) -> None:
    chain = await rig.resolve(f"/head-refused/{code}")
    assert statuses(chain) == [302, 200]
    assert rig.seen.hits[("HEAD", f"/head-refused/{code}")] == 1
    assert rig.seen.hits[("GET", f"/head-refused/{code}")] == 1


async def test_head_only_for_redirects_and_non_html(rig: Rig) -> None:
    await rig.resolve("/chain/301/2")
    assert not any(method == "GET" for method, _ in rig.seen.hits if _ != "/chain/301/0")


async def test_no_cookies_no_credentials_and_an_honest_user_agent(rig: Rig) -> None:
    chain = await rig.resolver.resolve_chain(
        f"http://student:secret@site.test:{rig.port}/cookie#frag"
    )
    assert chain.outcome == "ok"
    assert chain.hops[0].url == rig.url("/cookie")  # userinfo and fragment are gone
    assert rig.seen.cookies == []
    assert rig.seen.authorization == []
    assert rig.seen.user_agents == {USER_AGENT}


async def test_dns_failure_is_an_outcome(rig: Rig) -> None:
    chain = await rig.resolve("/go?to=http://nxdomain.test/")
    assert (chain.outcome, statuses(chain)) == ("dns_error", [302, None])
    assert "redirect.unresolved" in codes(chain)


async def test_refused_connection_is_an_outcome(aiohttp_server: ServerFactory) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    free_port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    rig = await make_rig(aiohttp_server, allow=(("127.0.0.1", free_port),))
    async with rig.resolver, rig.session:
        chain = await rig.resolve(f"/go?to=http://gone.test:{free_port}/")
    assert (chain.outcome, statuses(chain)) == ("refused", [302, None])


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://localhost/",
        "http://0x7f.1/",
        "javascript:alert(1)",
        "file:///etc/passwd",
    ],
)
async def test_redirect_into_private_space_is_refused(rig: Rig, target: str) -> None:
    chain = await rig.resolve(f"/go?to={target}")
    assert chain.outcome == "blocked_target"
    assert statuses(chain) == [302, None]
    signal = next(s for s in chain.signals if s.code == "redirect.blocked_target")
    assert signal.score >= 40


async def test_redirect_to_a_counted_loopback_port_makes_no_connection(rig: Rig) -> None:
    listener = await listen("127.0.0.1")
    try:
        chain = await rig.resolve(f"/go?to=http://127.0.0.1:{listener.port}/")
        assert chain.outcome == "blocked_target"
        assert listener.count == 0
    finally:
        listener.server.close()


async def test_dns_rebinding_is_refused_at_the_second_lookup(
    aiohttp_server: ServerFactory,
) -> None:
    # rebind.test answers 127.0.0.1 (the test server, allowed) first, 127.0.0.2 (not allowed)
    # afterwards. The first hop clears the client's DNS cache, as an expired 0 s TTL would.
    dns = TestDNS({"rebind.test": [["127.0.0.1"], ["127.0.0.2"]]})
    rig = await make_rig(aiohttp_server, dns=dns)
    trap: Listener = await listen("127.0.0.2", rig.port)
    connector = rig.session.connector
    assert connector is not None
    rig.seen.on_hop.append(connector.clear_dns_cache)  # type: ignore[attr-defined]
    try:
        async with rig.resolver, rig.session:
            chain = await rig.resolver.resolve_chain(
                rig.url(f"/go?close=1&to=http://rebind.test:{rig.port}/final", "rebind.test")
            )
        assert chain.outcome == "blocked_target"
        assert statuses(chain) == [302, None]
        assert dns.calls["rebind.test"] == 2
        assert trap.count == 0
    finally:
        trap.server.close()


async def test_single_flight_makes_one_upstream_fetch(rig: Rig) -> None:
    url = rig.url("/chain/302/1")
    chains = await asyncio.gather(*(rig.resolver.resolve_chain(url) for _ in range(50)))
    assert {c.final_url for c in chains} == {rig.url("/chain/302/0")}
    assert rig.seen.hits[("HEAD", "/chain/302/1")] == 1
    await rig.resolver.resolve_chain(url)  # finished walks are not cached here
    assert rig.seen.hits[("HEAD", "/chain/302/1")] == 2


async def test_semaphore_bounds_outbound_connections(aiohttp_server: ServerFactory) -> None:
    rig = await make_rig(aiohttp_server, resolve_concurrency=2)
    async with rig.resolver, rig.session:
        chains = await asyncio.gather(*(rig.resolve(f"/pause/{i}") for i in range(8)))
    assert all(c.outcome == "ok" for c in chains)
    assert 1 <= rig.seen.max_in_flight <= 2


async def test_a_cancelled_caller_does_not_cancel_the_shared_walk(rig: Rig) -> None:
    url = rig.url("/pause/1")
    first = asyncio.create_task(rig.resolver.resolve_chain(url))
    second = asyncio.create_task(rig.resolver.resolve_chain(url))
    await asyncio.sleep(0.01)
    first.cancel()
    assert (await second).outcome == "ok"


@pytest.mark.parametrize(
    ("bad", "outcome"),
    [("", "error"), ("not a url", "error"), ("/relative/only", "error"), ("http://", "error"),
     ("http://[::1", "error"), ("ftp://site.test/", "blocked_target")],
)
async def test_bad_input_is_an_outcome_not_an_exception(rig: Rig, bad: str, outcome: str) -> None:
    chain = await rig.resolver.resolve_chain(bad)
    assert chain.outcome == outcome
    assert rig.seen.hits == {}


async def test_foreign_sessions_are_rejected() -> None:
    async with aiohttp.ClientSession() as plain:
        with pytest.raises(ConfigError, match="make_session"):
            Resolver(Settings(), session=plain)


async def test_owned_session_is_closed_with_the_resolver(aiohttp_server: ServerFactory) -> None:
    seen = Seen()
    server = await aiohttp_server(chain_app(seen), host="127.0.0.1")
    settings = Settings()
    policy = GuardPolicy.from_settings(settings, test_allowance=[("127.0.0.1", server.port)])
    async with Resolver(settings, dns=TestDNS(), policy=policy) as resolver:
        chain = await resolver.resolve_chain(f"http://own.test:{server.port}/final")
        session = resolver._session
    assert chain.outcome == "ok"
    assert session.closed

