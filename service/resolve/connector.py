"""The guarded aiohttp client: DNS answers and the socket address pass the guard before connect.

`GuardedDNS` refuses a name whose answers include a forbidden address; the connector's socket
factory checks the exact (address, port) handed to connect(2), so DNS rebinding, a numeric
spelling the URL check missed, or a redirect into private space end before a packet leaves.
"""

from __future__ import annotations

import ipaddress
import socket
from contextvars import ContextVar

import aiohttp
from aiohappyeyeballs import AddrInfoType, SocketFactoryType
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.client_reqrep import ClientRequest
from aiohttp.connector import Connection
from aiohttp.tracing import Trace

from service.resolve import guard
from service.resolve.guard import GuardPolicy, Refusal
from service.settings import Settings

USER_AGENT = "NotAloneLinkGuard/0.1 (+link-safety check for students; no cookies, HEAD first)"
HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    # We read at most the head of a body; asking for identity keeps servers from compressing,
    # and anything they compress anyway is inflated by us with an output cap (no zip bombs).
    "Accept-Encoding": "identity",
}
# Refusals made inside aiohttp (DNS answers, socket addresses) for the hop being fetched: the
# exception aiohttp wraps them in does not always keep the type, so the hop's task notes them.
refusals: ContextVar[list[Refusal] | None] = ContextVar("linkguard_refusals", default=None)


class BlockedAddress(OSError):
    """A forbidden address met inside the connector; aiohttp wraps it in a connect error."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(f"refused by the link guard: {refusal.detail}")
        self.refusal = refusal
        noted = refusals.get()
        if noted is not None:
            noted.append(refusal)


def peer_ip(text: str) -> guard.IPAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])


class GuardedDNS(AbstractResolver):
    """Wraps a resolver: a name that resolves to any forbidden address is refused outright."""

    def __init__(self, inner: AbstractResolver, policy: GuardPolicy) -> None:
        self.inner = inner
        self.policy = policy

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            literal = guard.host_address(host)
        except ValueError:
            raise BlockedAddress(Refusal("host", "numeric host that is not an address")) from None
        refusal = guard.check_host_name(host, self.policy) if literal is None else None
        if refusal is not None:
            raise BlockedAddress(refusal)
        answers = await self.inner.resolve(host, port, family)
        for answer in answers:
            # One private answer spoils the name: a public site has no reason to list one,
            # and a rebinding attacker relies on the client trying it.
            refusal = guard.check_address(peer_ip(answer["host"]), answer["port"], self.policy)
            if refusal is not None:
                raise BlockedAddress(refusal)
        return answers

    async def close(self) -> None:
        await self.inner.close()


def guarded_socket_factory(policy: GuardPolicy) -> SocketFactoryType:
    """aiohappyeyeballs calls this with the exact addrinfo it will connect(2) to next."""

    def make(addr_info: AddrInfoType) -> socket.socket:
        family, type_, proto, _, address = addr_info
        refusal = guard.check_address(peer_ip(str(address[0])), int(address[1]), policy)
        if refusal is not None:
            raise BlockedAddress(refusal)
        return socket.socket(family, type_, proto)

    return make


class GuardedConnector(aiohttp.TCPConnector):
    """A TCPConnector whose DNS answers and socket addresses pass the guard (aiohttp >= 3.12)."""

    def __init__(self, *, policy: GuardPolicy, dns: AbstractResolver | None = None,
                 limit: int = 100) -> None:
        self.policy = policy
        self._owns_dns = dns is None
        self._guarded_dns = GuardedDNS(dns or aiohttp.DefaultResolver(), policy)
        super().__init__(
            resolver=self._guarded_dns,
            socket_factory=guarded_socket_factory(policy),
            limit=limit,
            ttl_dns_cache=10,  # answers are cached after the guard has seen them
        )

    async def connect(self, req: ClientRequest, traces: list[Trace],
                      timeout: aiohttp.ClientTimeout) -> Connection:  # noqa: ASYNC109 - aiohttp's signature
        """Every connection, new or pooled, is checked by its peer address before a request
        byte is written: the backstop should a future aiohttp stop honouring socket_factory."""
        conn = await super().connect(req, traces, timeout)
        transport = conn.transport
        peer = transport.get_extra_info("peername") if transport is not None else None
        if not isinstance(peer, tuple) or len(peer) < 2:
            refusal: Refusal | None = Refusal("address", "unknown peer address")
        else:
            refusal = guard.check_address(peer_ip(str(peer[0])), int(peer[1]), self.policy)
        if refusal is not None:
            conn.close()
            raise BlockedAddress(refusal)
        return conn

    async def close(self, *, abort_ssl: bool = False) -> None:
        await super().close(abort_ssl=abort_ssl)
        if self._owns_dns:
            await self._guarded_dns.close()


def make_session(settings: Settings, *, dns: AbstractResolver | None = None,
                 policy: GuardPolicy | None = None) -> aiohttp.ClientSession:
    """The only kind of session the Resolver accepts: guarded, cookie-less, no proxies from env."""
    connector = GuardedConnector(
        policy=policy or GuardPolicy.from_settings(settings),
        dns=dns,
        limit=settings.resolve_concurrency,
    )
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),  # a tracker must not learn it saw us before
        trust_env=False,  # HTTP(S)_PROXY would move the connection out of the guard's sight
        auto_decompress=False,  # we inflate ourselves, with an output cap
        headers=HEADERS,
        timeout=aiohttp.ClientTimeout(total=settings.resolve_hop_timeout),
    )
