"""URL core: validate, canonicalize (Safe Browsing v4), lookup expressions, registrable domain.

INTERFACE STUB: being implemented; the signatures below are the contract other modules use.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from service.errors import InvalidURL

MAX_URL_LENGTH = 8 * 1024


@dataclass(frozen=True, slots=True)
class URL:
    """A canonical http(s) URL split into parts (Safe Browsing v4 canonical form).

    host: lowercase ASCII (IDN as punycode), an IPv4 dotted quad, or an IPv6 literal in brackets.
    port: the explicit port when it is not the scheme's default, else None. The spec's
          canonical string drops every port; `port` keeps it for signals and for fetching.
    path: canonical, always starts with "/". query: None without "?", "" for a bare "?".
    registrable: the registrable domain (eTLD+1, private suffixes count) or the host itself
          for IP hosts and hosts that have no public suffix.
    """

    scheme: str
    host: str
    port: int | None
    path: str
    query: str | None
    registrable: str

    @property
    def canonical(self) -> str:
        raise NotImplementedError

    @property
    def ip(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        raise NotImplementedError


def parse(url: str) -> URL:
    """Canonicalize and split `url`; raise InvalidURL for non-http(s) or host-less input."""
    raise InvalidURL("not implemented")


def canonicalize(url: str) -> str:
    return parse(url).canonical


def expressions(url: str | URL) -> list[str]:
    """Safe Browsing host-suffix x path-prefix expressions (<= 5 hosts x 6 paths)."""
    raise NotImplementedError


def registrable_domain(host: str) -> str:
    raise NotImplementedError
