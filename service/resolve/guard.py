"""The resolver's address policy: which schemes, host names, IP addresses and ports it may reach.

Pure: strings and `ipaddress` values in, a `Refusal` (or None) out. The resolver applies it three
times (the URL before a request, every DNS answer, the socket address right before connect), so
the address actually connected to is always the one that was checked.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # pragma: no cover - annotations only
    from service.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def _nets(*pairs: tuple[str, str]) -> tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network,
                                                 str], ...]:
    return tuple((ipaddress.ip_network(cidr), name) for cidr, name in pairs)


# IANA IPv4/IPv6 Special-Purpose Address Registries (RFC 6890 and updates). Order matters only
# for the name shown in a refusal. Everything here is refused unless `allow_private` names it.
V4_DENY = _nets(
    ("0.0.0.0/8", "this-network"),  # RFC 791 / RFC 1122 §3.2.1.3: 0.0.0.0 reaches localhost
    ("10.0.0.0/8", "private"),  # RFC 1918
    ("100.64.0.0/10", "cgnat"),  # RFC 6598 shared address space
    ("127.0.0.0/8", "loopback"),  # RFC 1122 §3.2.1.3
    ("169.254.0.0/16", "link-local"),  # RFC 3927; 169.254.169.254 is the cloud metadata service
    ("172.16.0.0/12", "private"),  # RFC 1918
    ("192.0.0.0/24", "ietf-protocol"),  # RFC 6890
    ("192.0.2.0/24", "documentation"),  # RFC 5737 TEST-NET-1
    ("192.88.99.0/24", "6to4-relay"),  # RFC 7526 (deprecated anycast)
    ("192.168.0.0/16", "private"),  # RFC 1918
    ("198.18.0.0/15", "benchmarking"),  # RFC 2544
    ("198.51.100.0/24", "documentation"),  # RFC 5737 TEST-NET-2
    ("203.0.113.0/24", "documentation"),  # RFC 5737 TEST-NET-3
    ("224.0.0.0/4", "multicast"),  # RFC 5771
    ("240.0.0.0/4", "reserved"),  # RFC 1112 §4; includes 255.255.255.255 broadcast (RFC 919)
)
V6_DENY = _nets(
    ("::/128", "unspecified"),  # RFC 4291 §2.5.2
    ("::1/128", "loopback"),  # RFC 4291 §2.5.3
    ("::ffff:0:0/96", "ipv4-mapped"),  # RFC 4291 §2.5.5.2: never needed to reach a web page
    ("::/96", "ipv4-compatible"),  # RFC 4291 §2.5.5.1 (deprecated)
    ("64:ff9b:1::/48", "nat64-local"),  # RFC 8215: local-use translation is site-internal
    ("100::/64", "discard"),  # RFC 6666
    ("2001:db8::/32", "documentation"),  # RFC 3849
    ("2001:2::/48", "benchmarking"),  # RFC 5180
    ("3fff::/20", "documentation"),  # RFC 9637
    ("5f00::/16", "srv6"),  # RFC 9602
    ("fc00::/7", "private"),  # RFC 4193 unique local addresses
    ("fe80::/10", "link-local"),  # RFC 4291 §2.5.6
    ("fec0::/10", "site-local"),  # RFC 3879 (deprecated, still routed inside some sites)
    ("ff00::/8", "multicast"),  # RFC 4291 §2.7
)
V6_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")  # RFC 4291 §2.4: all else is special
NAT64_WKP = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 §2.1: the last 32 bits are IPv4
# What an intranet deployment (`resolve_allow_private`) may reach. Loopback, link-local (the
# metadata service), multicast and reserved space stay refused even then.
PRIVATE_KINDS = frozenset({"private", "cgnat"})

# Host names that never mean a public web site. RFC 6761 §6.3 (localhost), RFC 6762 (.local,
# mDNS), RFC 8375 (home.arpa), ICANN 2024 (.internal), RFC 7686 (.onion); `.arpa` is
# infrastructure; lan/home/corp/intranet are the ICANN name-collision favourites.
LOOPBACK_NAMES = ("localhost",)
PRIVATE_SUFFIXES = ("local", "internal", "home.arpa", "lan", "home", "corp", "intranet", "private")
NEVER_SUFFIXES = ("onion", "arpa")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\Z")
_NUMERIC_LABEL = re.compile(r"(?:[0-9]+|0x[0-9a-f]*)\Z")


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a target is refused: `reason` is a stable word, `detail` is short and safe to show."""

    reason: str  # scheme | port | host | address
    detail: str


@dataclass(frozen=True, slots=True)
class GuardPolicy:
    """What the resolver may connect to.

    `test_allowance` holds exact (address, port) pairs that tests open for their loopback
    servers; there is no switch that turns the guard off.
    """

    allowed_ports: frozenset[int] = frozenset({80, 443})
    allow_private: bool = False
    test_allowance: frozenset[tuple[IPAddress, int]] = frozenset()

    @classmethod
    def from_settings(
        cls, settings: Settings, *, test_allowance: Iterable[tuple[str | IPAddress, int]] = ()
    ) -> GuardPolicy:
        return cls(
            allowed_ports=frozenset({80, 443, *settings.resolve_allowed_ports}),
            allow_private=settings.resolve_allow_private,
        ).allowing(*test_allowance)

    def allowing(self, *pairs: tuple[str | IPAddress, int]) -> GuardPolicy:
        """A copy that also allows these exact (address, port) pairs (tests only)."""
        extra = {(ipaddress.ip_address(ip), int(port)) for ip, port in pairs}
        return GuardPolicy(self.allowed_ports, self.allow_private, self.test_allowance | extra)

    def port_allowed(self, port: int) -> bool:
        return port in self.allowed_ports or any(p == port for _, p in self.test_allowance)


def address_kind(ip: IPAddress) -> str | None:
    """The special-purpose range `ip` falls in, or None for a public unicast address."""
    if isinstance(ip, ipaddress.IPv4Address):
        for net, name in V4_DENY:
            if ip in net:
                return name
        return None if ip.is_global else "reserved"  # backstop: Python's copy of the registry
    if ip in NAT64_WKP:  # judge the IPv4 address a NAT64 gateway would really reach
        kind = address_kind(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        return None if kind is None else f"nat64-{kind}"
    if ip.sixtofour is not None:  # 2002::/16, RFC 3056: the relay reaches the embedded IPv4
        kind = address_kind(ip.sixtofour)
        return None if kind is None else f"6to4-{kind}"
    if ip.teredo is not None:  # 2001::/32, RFC 4380: server and (obfuscated) client IPv4
        kinds = [k for k in map(address_kind, ip.teredo) if k is not None]
        return f"teredo-{kinds[0]}" if kinds else None
    for net, name in V6_DENY:
        if ip in net:
            return name
    return None if ip in V6_GLOBAL_UNICAST else "reserved"


def check_address(ip: IPAddress, port: int, policy: GuardPolicy) -> Refusal | None:
    """May we open a TCP connection to (ip, port)? Used for DNS answers and socket addresses."""
    if (ip, port) in policy.test_allowance:
        return None
    if not policy.port_allowed(port):
        return Refusal("port", f"port {port}")
    kind = address_kind(ip)
    if kind is None or (policy.allow_private and kind in PRIVATE_KINDS):
        return None
    return Refusal("address", f"{kind} address {ip}")


def parse_ipv4(host: str) -> ipaddress.IPv4Address:
    """Read a numeric host the way browsers and inet_aton(3) do (WHATWG URL "IPv4 parser").

    `127.1`, `2130706433`, `0x7f.1` and `0177.0.0.1` all mean 127.0.0.1; raise ValueError for
    a host that ends in a number but is no valid address (it must not fall through to DNS).
    """
    parts = host.split(".")
    if len(parts) > 4 or "" in parts:
        raise ValueError(f"not an IPv4 address: {host!r}")
    numbers = []
    for part in parts:
        if not _NUMERIC_LABEL.match(part):  # int() alone would take "+1", "1_0" and "١"
            raise ValueError(f"not an IPv4 address: {host!r}")
        if part.startswith("0x"):
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            numbers.append(int(part[1:], 8))
        else:
            numbers.append(int(part, 10))
    last = numbers.pop()
    if any(n > 255 for n in numbers) or last >= 256 ** (4 - len(numbers)):
        raise ValueError(f"IPv4 part out of range: {host!r}")
    value = last
    for index, n in enumerate(numbers):
        value += n << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def host_address(host: str) -> IPAddress | None:
    """The IP address a URL host spells (any spelling), None for a name; ValueError if invalid."""
    bare = host.strip("[]").lower()
    if ":" in bare:
        if "%" in bare:  # a zone ID (RFC 6874) only ever names a local interface
            raise ValueError("IPv6 zone identifiers are never public")
        return ipaddress.IPv6Address(bare)
    bare = bare.removesuffix(".")
    labels = bare.split(".")
    if labels and _NUMERIC_LABEL.match(labels[-1]):  # WHATWG "ends in a number"
        return parse_ipv4(bare)
    return None


def check_host_name(host: str, policy: GuardPolicy) -> Refusal | None:
    """Refuse names that can only mean a machine on this network (or nothing on the web)."""
    name = host.lower().removesuffix(".")
    labels = name.split(".")
    if not name or len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        return Refusal("host", "not a valid host name")
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return Refusal("host", f"local name {name}")
    if any(name == s or name.endswith("." + s) for s in NEVER_SUFFIXES):
        return Refusal("host", f"special-use name {name}")
    private = len(labels) == 1 or any(
        name == s or name.endswith("." + s) for s in PRIVATE_SUFFIXES
    )
    if private and not policy.allow_private:
        return Refusal("host", f"local network name {name}")
    return None


def check_target(scheme: str, host: str | None, port: int | None,
                 policy: GuardPolicy) -> Refusal | None:
    """May we request scheme://host:port at all? Checked before any DNS lookup or connection."""
    scheme = scheme.lower()
    if scheme not in SCHEMES:
        return Refusal("scheme", f"{scheme or 'no'} scheme")
    if not host:
        return Refusal("host", "no host")
    port = DEFAULT_PORTS[scheme] if port is None else port
    try:
        ip = host_address(host)
    except ValueError:
        return Refusal("host", "numeric host that is not a valid address")
    if ip is not None:
        return check_address(ip, port, policy)
    if not policy.port_allowed(port):
        return Refusal("port", f"port {port}")
    return check_host_name(host, policy)


def check_url(url: str, policy: GuardPolicy) -> Refusal | None:
    """`check_target` for a URL string (pure callers; the resolver checks its client's parse)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return Refusal("host", "unreadable address")
    host = parts.hostname
    if host and ":" not in host:
        try:
            host = host.encode("idna").decode("ascii")  # fullwidth digits fold to ASCII
        except UnicodeError:
            return Refusal("host", "not a valid host name")
    return check_target(parts.scheme, host, port, policy)
