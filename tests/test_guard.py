"""The address policy: pure tables, then every forbidden spelling end to end, zero connections."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from service.resolve import guard
from service.resolve.connector import (
    BlockedAddress,
    GuardedDNS,
    guarded_socket_factory,
    make_session,
)
from service.resolve.guard import GuardPolicy
from service.resolve.resolver import Resolver
from service.settings import Settings
from tests.servers import Listener, TestDNS, listen

POLICY = GuardPolicy()

REFUSED = [
    # (url, reason)
    ("http://127.0.0.1/", "address"),
    ("http://127.1/", "address"),
    ("http://2130706433/", "address"),
    ("http://0x7f.1/", "address"),
    ("http://0X7F.0.0.1/", "address"),
    ("http://017700000001/", "address"),
    ("http://0177.0.0.1/", "address"),
    ("http://１２７.０.０.１/", "address"),  # fullwidth digits fold to ASCII (IDNA/NFKC)
    ("http://0/", "address"),
    ("http://[::1]/", "address"),
    ("http://[::ffff:127.0.0.1]/", "address"),
    ("http://[::ffff:8.8.8.8]/", "address"),  # mapped is refused even when public
    ("http://[::127.0.0.1]/", "address"),
    ("http://[64:ff9b::a00:1]/", "address"),
    ("http://[64:ff9b:1::808:808]/", "address"),
    ("http://[2002:c0a8:1::1]/", "address"),
    ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "address"),  # Teredo client 127.0.0.1
    ("http://10.1.2.3/", "address"),
    ("http://172.31.255.255/", "address"),
    ("http://192.168.100.1/", "address"),
    ("http://100.100.100.100/", "address"),
    ("http://169.254.169.254/latest/meta-data/", "address"),
    ("http://0xa9fea9fe/", "address"),
    ("http://224.0.0.251/", "address"),
    ("http://255.255.255.255/", "address"),
    ("http://198.19.1.1/", "address"),
    ("http://203.0.113.9/", "address"),
    ("http://[fd00::1]/", "address"),
    ("http://[fe80::1]/", "address"),
    ("http://[fec0::1]/", "address"),
    ("http://[ff02::1]/", "address"),
    ("http://[2001:db8::1]/", "address"),
    ("http://[100::1]/", "address"),
    ("http://localhost/", "host"),
    ("http://LOCALHOST./", "host"),
    ("http://api.localhost/", "host"),
    ("http://printer.local/", "host"),
    ("http://metadata.google.internal/", "host"),
    ("http://router.home.arpa/", "host"),
    ("http://intranet/", "host"),
    ("http://1.0.0.127.in-addr.arpa/", "host"),
    ("http://something.onion/", "host"),
    ("http://%31%32%37.0.0.1/", "host"),
    ("http://127.0.0.08/", "host"),  # ends in a number, but not a valid one: never to DNS
    ("http://4294967296/", "host"),
    ("http://1.2.3.4.5/", "host"),
    ("http://[fe80::1%25eth0]/", "host"),
    ("http://ex ample.com/", "host"),
    ("ftp://example.com/", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("gopher://example.com:70/", "scheme"),
    ("javascript:alert(1)", "scheme"),
    ("data:text/html,hi", "scheme"),
    ("http://example.com:22/", "port"),
    ("https://8.8.8.8:8443/", "port"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_refused(url: str, reason: str) -> None:
    refusal = guard.check_url(url, POLICY)
    assert refusal is not None
    assert refusal.reason == reason


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "https://example.com./path?q=1",
        "http://8.8.8.8/",
        "https://1.1.1.1:443/",
        "http://[2606:4700:4700::1111]/",
        "http://[64:ff9b::808:808]/",  # NAT64 of a public address
        "http://xn--bcher-kva.example/",
        "http://my_host.example.com/",
        "http://bücher.example/",
    ],
)
def test_allowed(url: str) -> None:
    assert guard.check_url(url, POLICY) is None


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0x", "0.0.0.0"),
        # google/safebrowsing urls_test.go TestParseIPAddress rows WHATWG agrees with
        ("12.0x12.01234", "12.18.2.156"),
        ("012.034.01.055", "10.28.1.45"),
        ("0x12.0x43.0x44.0x01", "18.67.68.1"),
        ("167838211", "10.1.2.3"),
        ("3279880203", "195.127.0.11"),
        ("4294967295", "255.255.255.255"),
    ],
)
def test_numeric_hosts_read_like_a_browser(host: str, expected: str) -> None:
    assert guard.parse_ipv4(host) == ipaddress.IPv4Address(expected)


# Safe Browsing's parser wraps "276.2.3" to 20.2.0.3 and reads bad octal as decimal; browsers
# (WHATWG) fail those hosts, and so do we: a failed numeric host is refused, never resolved.
@pytest.mark.parametrize(
    "host", ["276.2.3", "1.2.3.00x0", "0x120x34", "4294967296", "1.2.3.4.5", "08", "1..2",
             "+1.0.0.1", "1_0.0.0.1", "0x1g"],
)
def test_invalid_numeric_hosts(host: str) -> None:
    with pytest.raises(ValueError):
        guard.parse_ipv4(host)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("8.8.8.8", None),
        ("0.1.2.3", "this-network"),
        ("100.64.0.1", "cgnat"),
        ("169.254.169.254", "link-local"),
        ("192.0.0.9", "ietf-protocol"),
        ("240.0.0.1", "reserved"),
        ("2606:4700::1", None),
        ("64:ff9b::7f00:1", "nat64-loopback"),
        ("2002:a9fe:a9fe::1", "6to4-link-local"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "teredo-documentation"),
        ("::", "unspecified"),
        ("4000::1", "reserved"),  # outside 2000::/3
    ],
)
def test_address_kinds(address: str, kind: str | None) -> None:
    assert guard.address_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://10.0.0.1/", True),
        ("http://100.64.0.1/", True),
        ("http://[fd00::1]/", True),
        ("http://intranet/", True),
        ("http://wiki.school.internal/", True),
        ("http://127.0.0.1/", False),
        ("http://169.254.169.254/", False),
        ("http://localhost/", False),
        ("http://224.0.0.1/", False),
    ],
)
def test_intranet_setting_widens_only_private_space(url: str, allowed: bool) -> None:
    policy = GuardPolicy.from_settings(Settings(resolve_allow_private=True))
    assert (guard.check_url(url, policy) is None) is allowed


def test_test_allowance_is_an_exact_address_and_port() -> None:
    policy = POLICY.allowing(("127.0.0.1", 8123))
    assert guard.check_url("http://127.0.0.1:8123/", policy) is None
    assert guard.check_url("http://127.0.0.1:8124/", policy) is not None
    assert guard.check_url("http://127.0.0.2:8123/", policy) is not None
    assert guard.check_url("http://127.0.0.1/", policy) is not None
    assert guard.check_url("http://10.0.0.1:8123/", policy) is not None


def test_ports_come_from_settings() -> None:
    policy = GuardPolicy.from_settings(Settings(resolve_allowed_ports=(8080,)))
    assert policy.allowed_ports == {80, 443, 8080}
    assert guard.check_url("http://example.com:8080/", policy) is None
    assert guard.check_url("http://example.com:8081/", policy) is not None


# ---- end to end: each forbidden spelling is refused with zero connections -------------------

NAMES = {
    "loopback-name.test": "127.0.0.1",
    "second-loopback.test": "127.0.0.2",
    "private-name.test": "10.0.0.1",
    "metadata-name.test": "169.254.169.254",
    "v6-loopback.test": "::1",
    "mapped-name.test": "::ffff:127.0.0.1",
    "mixed.test": ["8.8.8.8", "127.0.0.1"],  # one bad answer spoils the name
}
# Hosts; each URL is http://HOST:P/ where P is the counting listeners' port, which the policy
# allows as a port, so only the address can be what refuses them.
FORBIDDEN_HOSTS = [
    "127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f000001", "0x7f.1", "0x7f.0.0.1",
    "017700000001", "0177.0.0.1", "0177.1", "127.000.000.001", "127.0.0.1.", "１２７.０.０.１",
    "127.0.0.2", "0.0.0.0", "0", "localhost", "LocalHost.", "app.localhost", "[::1]",
    "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]",
    "[64:ff9b::7f00:1]", "[2002:7f00:1::]", "[2001:0:4136:e378:8000:63bf:80ff:fffe]", "[::]",
    "[fe80::1%25lo]", "10.0.0.1", "012.0.0.1", "172.16.0.1", "192.168.0.1", "0xc0a80001",
    "100.64.0.1", "169.254.169.254", "2852039166", "0xa9.0xfe.0xa9.0xfe", "224.0.0.1",
    "255.255.255.255", "240.0.0.1", "198.18.0.1", "192.0.2.1", "[fc00::1]", "[fd12:3456::1]",
    "[fec0::1]", "[ff02::1]", "[::ffff:169.254.169.254]", "[64:ff9b::a9fe:a9fe]",
    "[64:ff9b:1::a00:1]", "[2002:a9fe:a9fe::1]", "metadata.google.internal", "printer.local",
    "router.home.arpa", "intranet", "%31%32%37.0.0.1", "evil.test@127.0.0.1",
    *NAMES,
]


@dataclass
class Trap:
    listeners: list[Listener]
    port: int
    connects: list[object]

    @property
    def accepted(self) -> int:
        return sum(listener.count for listener in self.listeners)


@pytest.fixture
async def trap(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Trap]:
    """Listeners on 127.0.0.1, 127.0.0.2 and ::1 (one port), and a count of connect() calls."""
    first = await listen("127.0.0.1")
    listeners = [first]
    for host in ("127.0.0.2", "::1"):
        with contextlib.suppress(OSError):  # a machine without IPv6 loopback skips ::1
            listeners.append(await listen(host, first.port))
    loop = asyncio.get_running_loop()
    connects: list[object] = []
    real_connect = loop.sock_connect

    async def counting_connect(sock: socket.socket, address: object) -> None:
        connects.append(address)
        await real_connect(sock, address)

    monkeypatch.setattr(loop, "sock_connect", counting_connect)
    yield Trap(listeners, first.port, connects)
    for listener in listeners:
        listener.server.close()


def trap_resolver(trap: Trap, policy: GuardPolicy | None = None) -> Resolver:
    settings = Settings(resolve_allowed_ports=(trap.port,))
    return Resolver(settings, dns=TestDNS(NAMES, default=None),  # type: ignore[arg-type]
                    policy=policy or GuardPolicy.from_settings(settings))


def test_the_table_is_big_enough() -> None:
    assert len(FORBIDDEN_HOSTS) >= 40


@pytest.mark.parametrize("host", FORBIDDEN_HOSTS)
async def test_forbidden_spelling_makes_no_connection(trap: Trap, host: str) -> None:
    async with trap_resolver(trap) as resolver:
        chain = await resolver.resolve_chain(f"http://{host}:{trap.port}/")
    assert chain.outcome == "blocked_target", chain.detail
    assert trap.connects == []
    assert trap.accepted == 0
    assert [s.code for s in chain.signals] == ["redirect.blocked_target"]


@pytest.mark.parametrize("host", ["127.0.0.1", "loopback-name.test"])
async def test_the_trap_counts_when_the_guard_allows(trap: Trap, host: str) -> None:
    # Control: the same spelling with an explicit allowance does connect, so zeros above mean
    # the guard refused, not that the trap could not count.
    policy = GuardPolicy.from_settings(Settings()).allowing(("127.0.0.1", trap.port))
    async with trap_resolver(trap, policy) as resolver:
        chain = await resolver.resolve_chain(f"http://{host}:{trap.port}/")
    assert chain.outcome == "error"  # the trap hangs up without answering
    assert len(trap.connects) >= 1
    assert trap.accepted >= 1


async def test_socket_factory_alone_refuses_the_connected_address(trap: Trap) -> None:
    # No GuardedDNS and no URL check: a plain connector that only has the guard's socket
    # factory still refuses a name whose (only) answer is loopback.
    connector = aiohttp.TCPConnector(
        resolver=TestDNS({"sneaky.test": "127.0.0.1"}),
        socket_factory=guarded_socket_factory(GuardPolicy(allowed_ports=frozenset({trap.port}))),
    )
    async with aiohttp.ClientSession(connector=connector) as session:
        with pytest.raises(aiohttp.ClientConnectorError) as caught:
            await session.get(f"http://sneaky.test:{trap.port}/")
    assert isinstance(caught.value.os_error, BlockedAddress)
    assert trap.connects == []
    assert trap.accepted == 0


async def test_pooled_or_new_connections_are_checked_by_peer_address(trap: Trap) -> None:
    # Backstop: pretend aiohttp stopped honouring socket_factory. The connection is made (the
    # trap counts it) but the connector refuses it by its peer address before a request byte.
    settings = Settings(resolve_allowed_ports=(trap.port,))
    session = make_session(settings, dns=TestDNS(NAMES))
    session.connector._socket_factory = None  # type: ignore[union-attr]
    async with session:
        with pytest.raises(aiohttp.ClientOSError, match="loopback") as caught:
            await session.get(f"http://127.0.0.1:{trap.port}/")
    assert isinstance(caught.value.__cause__, BlockedAddress)
    assert trap.accepted == 1


async def test_sessions_from_make_session_are_guarded_for_every_user(trap: Trap) -> None:
    settings = Settings(resolve_allowed_ports=(trap.port,))
    async with make_session(settings, dns=TestDNS(NAMES)) as session:
        for url in (f"http://127.0.0.1:{trap.port}/", f"http://loopback-name.test:{trap.port}/"):
            with pytest.raises(aiohttp.ClientConnectorError):
                await session.get(url)
    assert trap.accepted == 0


async def test_guarded_dns_refuses_a_name_with_any_private_answer() -> None:
    dns = GuardedDNS(TestDNS({"mixed.test": ["8.8.8.8", "10.0.0.1"], "ok.test": "8.8.8.8"}),
                     POLICY)
    assert [a["host"] for a in await dns.resolve("ok.test", 80)] == ["8.8.8.8"]
    with pytest.raises(BlockedAddress, match="private"):
        await dns.resolve("mixed.test", 80)
    with pytest.raises(BlockedAddress, match="local"):
        await dns.resolve("localhost", 80)
