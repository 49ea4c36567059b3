"""URL core: validate, canonicalize (Safe Browsing v4), lookup expressions, registrable domain.

The canonical form follows developers.google.com/safe-browsing/v4/urls-hashing, section
"Canonicalization", step by step; where the spec is silent we side with the Safe Browsing
reference clients (google/safebrowsing urls.go) and, for what browsers do, the WHATWG URL
Standard. tests/test_urls_conformance.py holds the spec's and those clients' vectors.
Host handling (IPv4 spellings, IDNA, the public suffix list) lives in `service.core.hostnames`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from service.core import hostnames
from service.core.errors import InvalidURL
from service.core.hostnames import (
    IPAddress,
    canonical_ipv4,
    registrable_domain,
    shown,
    unicode_host,
)

__all__ = [
    "MAX_URL_LENGTH",
    "URL",
    "canonical_ipv4",
    "canonicalize",
    "expressions",
    "lookup_hosts",
    "lookup_paths",
    "parse",
    "registrable_domain",
    "unicode_host",
]

MAX_URL_LENGTH = 8 * 1024  # bytes of UTF-8, the API's input limit (DESIGN.md)
HTTP_SCHEMES = frozenset({"http", "https"})
# The spec and its reference client also canonicalize ftp:// URLs; strict=False accepts them.
SPEC_SCHEMES = frozenset({"http", "https", "ftp"})
DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
MAX_LOOKUP_HOSTS = 5  # spec, "Suffix/prefix expressions": the host and up to 4 suffixes
MAX_PREFIX_COMPONENTS = 4  # "/" and up to 3 more directory prefixes

# Leading and trailing C0 controls and spaces are dropped, as browsers do (WHATWG URL Standard,
# basic URL parser); TAB, CR and LF are removed everywhere (spec).
_C0_AND_SPACE = bytes(range(0x21))
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# urls.go getScheme: in "www.abc.com:80/" the colon starts a port, not a scheme.
_PORT_AFTER_COLON = re.compile(r"[0-9]+(?:[/?@]|$)")
# "<not a scheme>://..." (a zero-width space or a BOM before "http"): no browser opens it, and
# taken as scheme-less it would name the host "http" (IDNA maps those characters to nothing).
_BAD_SCHEME = re.compile(r"([^/?#]*?)://")
_DOT_SEGMENT_OR_EMPTY = re.compile(r"//|/\.\.?(?:/|$)")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_FAST_UNESCAPE_ROUNDS = 4


@dataclass(frozen=True, slots=True)
class URL:
    """A canonical http(s) URL split into parts (Safe Browsing v4 canonical form).

    host: lowercase ASCII (IDN as punycode), an IPv4 dotted quad, or an IPv6 literal in brackets.
    port: the explicit port when it is not the scheme's default, else None. The spec's
          canonical string drops every port; `port` keeps it for signals and for fetching.
    path: canonical, always starts with "/". query: None without "?", "" for a bare "?".
    registrable: the registrable domain (eTLD+1, private suffixes count) or the host itself
          for IP hosts and hosts that have no public suffix.
    userinfo: the escaped "user:pass" of "http://user:pass@host/", None when the URL had no
          "@". It never reaches the canonical string, but "facebook.com@evil.top" is a lure.
    """

    scheme: str
    host: str
    port: int | None
    path: str
    query: str | None
    registrable: str
    userinfo: str | None = None

    @property
    def canonical(self) -> str:
        if self.query is None:
            return f"{self.scheme}://{self.host}{self.path}"
        return f"{self.scheme}://{self.host}{self.path}?{self.query}"

    @property
    def ip(self) -> IPAddress | None:
        return hostnames.ip_of(self.host)

    @property
    def is_ip(self) -> bool:
        return hostnames.ip_of(self.host) is not None

    @property
    def has_userinfo(self) -> bool:
        return self.userinfo is not None

    @property
    def unicode_host(self) -> str:
        """The host for display and lookalike checks (punycode labels decoded)."""
        return hostnames.unicode_host(self.host)


def parse(url: str | bytes, *, strict: bool = True) -> URL:
    """Canonicalize and split `url`; raise InvalidURL for non-http(s) or host-less input.

    Input without a scheme is taken as http. `bytes` are taken as the URL's raw octets.
    strict=False runs the bare spec algorithm, which the spec's own examples need: it also takes
    ftp:// and escapes host bytes that no DNS name can hold instead of refusing them.
    """
    text = _normalized(_octets(url), strict)
    scheme, rest = _split_scheme(text)
    if scheme not in (HTTP_SCHEMES if strict else SPEC_SCHEMES):
        raise InvalidURL(f"{shown(scheme + ':')} links cannot be checked; only http and https")
    before_query, has_query, query = rest.partition("?")
    if not before_query.startswith("//"):
        raise InvalidURL(f"expected '//' after {shown(scheme + ':')}")
    authority, _, path = before_query[2:].partition("/")
    userinfo, has_userinfo, host_and_port = authority.rpartition("@")
    raw_host, port = _split_port(host_and_port, scheme)
    if not raw_host:
        raise InvalidURL("URL has no host")
    host = hostnames.canonical_host(raw_host, strict)
    return URL(
        scheme=scheme,
        host=host,
        port=port,
        path=_canonical_path("/" + path),
        query=query if has_query else None,
        registrable=registrable_domain(host),
        userinfo=userinfo if has_userinfo else None,
    )


def canonicalize(url: str | bytes, *, strict: bool = True) -> str:
    """The Safe Browsing v4 canonical URL of `url` (see `parse`)."""
    return parse(url, strict=strict).canonical


def lookup_hosts(url: str | URL) -> list[str]:
    """The host and its suffixes from the last five labels, never the TLD alone; IPs alone."""
    parsed = url if isinstance(url, URL) else parse(url)
    host = parsed.host
    if parsed.is_ip:
        return [host]
    labels = host.split(".")
    first = max(1, len(labels) - MAX_LOOKUP_HOSTS)
    return [host, *(".".join(labels[i:]) for i in range(first, len(labels) - 1))]


def lookup_paths(url: str | URL) -> list[str]:
    """Path with query, path, then up to 4 directory prefixes ending in "/"; most specific first."""
    parsed = url if isinstance(url, URL) else parse(url)
    path = parsed.path
    paths = [f"{path}?{parsed.query}"] if parsed.query else []
    if path != "/":
        paths.append(path)
    components = [part for part in path.split("/") if part]
    for count in range(min(len(components), MAX_PREFIX_COMPONENTS) - 1, 0, -1):
        paths.append("/" + "/".join(components[:count]) + "/")
    paths.append("/")
    return paths


def expressions(url: str | URL) -> list[str]:
    """Safe Browsing host-suffix x path-prefix expressions (<= 5 hosts x 6 paths)."""
    parsed = url if isinstance(url, URL) else parse(url)
    paths = lookup_paths(parsed)
    return [host + path for host in lookup_hosts(parsed) for path in paths]


def _octets(url: str | bytes) -> bytes:
    if isinstance(url, str):
        if len(url) > MAX_URL_LENGTH:
            raise InvalidURL(f"URL is longer than {MAX_URL_LENGTH} bytes")
        try:
            data = url.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidURL("URL is not valid Unicode text") from None
    elif isinstance(url, bytes):
        data = url
    else:
        raise InvalidURL(f"URL must be text, not {type(url).__name__}")
    if len(data) > MAX_URL_LENGTH:
        raise InvalidURL(f"URL is longer than {MAX_URL_LENGTH} bytes")
    return data


def _normalized(data: bytes, strict: bool) -> str:
    """Spec steps before parsing: drop the fragment, TAB/CR/LF, unescape fully, re-escape once."""
    data = data.partition(b"#")[0].strip(_C0_AND_SPACE).translate(None, b"\t\r\n")
    if not data:
        raise InvalidURL("URL is empty")
    if strict and b"\x00" in data:
        # A raw NUL cuts the URL short in C-string consumers, so what opens is ambiguous.
        raise InvalidURL("URL contains a NUL byte")
    if b"\\" in data:
        # WHATWG URL Standard: in http(s) and ftp URLs a literal "\" before the query is a path
        # separator, so "http://a.com\@b.com" opens a.com. Only literal ones: to browsers "%5C"
        # is data, and "http://a.com%5C@b.com" opens b.com. Reading either one the other way
        # round would score a host the student never reaches.
        head, mark, tail = data.partition(b"?")
        data = head.replace(b"\\", b"/") + mark + tail
    if b"%" in data:
        data = _unescape_fully(data)
    return hostnames.sb_escape(data)


def _unescape_fully(data: bytes) -> bytes:
    """Spec: "repeatedly percent-unescape the URL until it has no more percent-escapes"."""
    for _ in range(_FAST_UNESCAPE_ROUNDS):
        decoded = unquote_to_bytes(data)
        if decoded == data or b"%" not in decoded:
            return decoded
        data = decoded
    return _unescape_linear(data)


def _unescape_linear(data: bytes) -> bytes:
    """The same fixed point in one pass, for "%252525..." nests that would take a round per level.

    Escapes never overlap (a '%' is not a hex digit), so the result does not depend on the order
    of decoding: decode each escape as soon as its last digit arrives, then look again.
    """
    out = bytearray()
    for byte in data:
        out.append(byte)
        while len(out) >= 3 and out[-3] == 0x25 and out[-2] in _HEX and out[-1] in _HEX:
            value = int(out[-2:], 16)
            del out[-3:]
            out.append(value)
    return bytes(out)


def _split_scheme(text: str) -> tuple[str, str]:
    match = _SCHEME.match(text)
    if match is not None and not _PORT_AFTER_COLON.match(text, match.end()):
        return match.group(1).lower(), text[match.end() :]
    bad = _BAD_SCHEME.match(text)
    if bad is not None:
        raise InvalidURL(f"{shown(bad.group(1))} before '://' is no scheme; a browser would not "
                         "open this link")
    # Spec: input without a scheme is http. "//host" is a network-path reference (RFC 3986 4.2).
    return "http", text if text.startswith("//") else "//" + text


def _split_port(host_and_port: str, scheme: str) -> tuple[str, int | None]:
    if host_and_port.startswith("["):
        end = host_and_port.find("]") + 1
        if not end:
            raise InvalidURL(f"IPv6 host {shown(host_and_port)} is missing its closing ']'")
        host, port_text = host_and_port[:end], host_and_port[end:]
        if port_text and not port_text.startswith(":"):
            raise InvalidURL(f"unexpected {shown(port_text)} after the IPv6 address")
        port_text = port_text[1:]
    else:
        host, _, port_text = host_and_port.partition(":")
    if not port_text:
        return host, None
    if not port_text.isdigit():
        raise InvalidURL(f"port {shown(port_text)} is not a number")
    port = int(port_text) if len(port_text.lstrip("0")) <= 5 else 65536
    if port > 65535:
        raise InvalidURL(f"port {shown(port_text)} is out of range (0-65535)")
    return host, None if port == DEFAULT_PORTS.get(scheme) else port


def _canonical_path(path: str) -> str:
    """Spec: resolve "/./" and "/../", replace runs of slashes with one."""
    if not _DOT_SEGMENT_OR_EMPTY.search(path):
        return path
    segments = path.split("/")
    kept: list[str] = []
    for segment in segments:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment and segment != ".":
            kept.append(segment)
    # "/a/b/.." is the directory "/a/", as browsers resolve it (WHATWG path state).
    trailing = "/" if kept and segments[-1] in ("", ".", "..") else ""
    return "/" + "/".join(kept) + trailing
