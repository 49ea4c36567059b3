"""URL hosts: IPv4 spellings, IPv6 literals, IDNA via ICU, syntax checks, registrable domain."""

from __future__ import annotations

import functools
import ipaddress
import re
from urllib.parse import quote_from_bytes, unquote_to_bytes

import icu
import tldextract

from service.core.errors import InvalidURL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_HOST_LENGTH = 253  # RFC 1035 section 2.3.4: 255 octets on the wire, 253 characters written
MAX_LABEL_LENGTH = 63  # RFC 1035 section 2.3.4

# Safe Browsing v4 "Canonicalization" (developers.google.com/safe-browsing/v4/urls-hashing):
# percent-escape every byte <= ASCII 32, >= 127, '#' and '%', with uppercase hex.
_SB_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "#%")
_SB_SAFE_BYTES = _SB_SAFE.encode("ascii")

# UTS #46 non-transitional processing, what the WHATWG URL Standard ("domain to ASCII") and
# Chromium (url/url_canon_icu.cc) run: IDNA2008 semantics, so "fuß.de" is xn--fu-hia.de. Python's
# encodings.idna is IDNA2003 (it maps ß to "ss") and would send us to a different host.
_UTS46 = icu.IDNA(
    icu.IDNA.CHECK_NONTRANSITIONAL_TO_ASCII
    | icu.IDNA.CHECK_NONTRANSITIONAL_TO_UNICODE
    | icu.IDNA.CHECK_BIDI
    | icu.IDNA.CHECK_CONTEXTJ
)
# "domain to ASCII" uses CheckHyphens=false and VerifyDnsLength=false; empty labels are collapsed
# by the Safe Browsing rules, and lengths are checked below. Every other UTS #46 error is fatal.
_TOLERATED_IDNA_ERRORS = (
    icu.IDNAInfo.ERROR_EMPTY_LABEL
    | icu.IDNAInfo.ERROR_LABEL_TOO_LONG
    | icu.IDNAInfo.ERROR_DOMAIN_NAME_TOO_LONG
    | icu.IDNAInfo.ERROR_LEADING_HYPHEN
    | icu.IDNAInfo.ERROR_TRAILING_HYPHEN
    | icu.IDNAInfo.ERROR_HYPHEN_3_4
)

# WHATWG URL Standard "forbidden domain code points". UTS #46 maps some characters onto them
# (fullwidth "／" to "/"): such a name is no valid IDN, and "/" would move the host's end.
_FORBIDDEN_IN_DOMAIN = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")

# IPv4 parsing of the Safe Browsing reference clients (google/safebrowsing urls.go,
# parseIPAddress; lig/google-safe-browsing expression.py, CanonicalizeIp): inet_aton forms
# (1 to 4 parts; decimal, 0-octal, 0x-hex; the last part fills the remaining bytes; values
# truncated to their width), the Windows resolver's "a.b.c.d <rubbish>" form, and "08"/"09"
# making the whole host decimal instead of invalid.
_WINDOWS_TRAILING_SPACE = re.compile(r"(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}) ")
_POSSIBLE_IP = re.compile(r"(?:0x[0-9a-f]+|[0-9.])+", re.IGNORECASE)
_BAD_OCTAL = re.compile(r"(?:^|\.)0[0-9]*[89]")
_OCTAL = re.compile(r"0[0-7]+")

# What a host name may hold after IDNA: LDH labels (RFC 1123 section 2.1) plus "_", which DNS
# carries and browsers accept (RFC 2782 service labels, real sites on some hosting platforms).
_NAME = re.compile(r"(?:[a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}")
_NAME_CHARS = re.compile(r"[a-z0-9_.-]+")
# WHATWG URL Standard, host parser: a name whose last label is a number must be an IPv4 address.
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")


def sb_escape(data: bytes) -> str:
    """Percent-escape `data` as the Safe Browsing canonical form does."""
    if not data.rstrip(_SB_SAFE_BYTES):  # the common case: nothing to escape
        return data.decode("ascii")
    return quote_from_bytes(data, safe=_SB_SAFE)


def shown(text: str, limit: int = 80) -> str:
    """`text` quoted for an error message, cut short so a hostile 8 KiB input stays readable."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


@functools.lru_cache(maxsize=16384)
def canonical_host(raw: str, strict: bool = True) -> str:
    """The Safe Browsing canonical form of `raw`, a host as written in an escaped URL.

    Unescape, IDNA to punycode, trim and collapse dots, lowercase, any IPv4 spelling to a dotted
    quad, IPv6 to RFC 5952 text in brackets, re-escape. `strict` also refuses names DNS cannot
    carry (characters, label and name lengths); without it the bare spec algorithm escapes them.
    """
    data = _squeeze_dots(unquote_to_bytes(raw) if "%" in raw else raw.encode())
    if not data.isascii():
        data = _squeeze_dots(_idna_to_ascii(data, strict))
    if data[:1] == b"[":
        return _canonical_ipv6_literal(data.decode("latin-1"))
    if not data:
        raise InvalidURL("URL has no host")
    data = data.lower()
    text = data.decode("latin-1")
    ipv4 = canonical_ipv4(text)
    if ipv4 is not None:
        return ipv4
    if strict:
        _check_name(text)
    return sb_escape(data)


def canonical_ipv4(host: str) -> str | None:
    """The dotted quad `host` spells in any inet_aton form (`0x7f.1` -> 127.0.0.1), else None."""
    if not host[:1].isdigit():  # every spelling starts with a digit; most names do not
        return None
    if len(host) <= 15:
        match = _WINDOWS_TRAILING_SPACE.match(host)
        if match is not None:
            host = match.group(1)
    if not _POSSIBLE_IP.fullmatch(host):
        return None
    parts = host.split(".")
    if len(parts) > 4:
        return None
    allow_octal = _BAD_OCTAL.search(host) is None
    value = 0
    for index, part in enumerate(parts):
        width = 8 * (5 - len(parts) if index == len(parts) - 1 else 1)
        number = _ip_number(part, allow_octal)
        if number is None:
            return None
        value = (value << width) | (number & ((1 << width) - 1))
    return str(ipaddress.IPv4Address(value))


def _ip_number(part: str, allow_octal: bool) -> int | None:
    try:
        if part[:2].lower() == "0x":
            return int(part[2:], 16) if part[2:] else None
        if allow_octal and _OCTAL.fullmatch(part):
            return int(part, 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:  # more digits than int() accepts: not an address anyone can mean
        return None


def _canonical_ipv6_literal(raw: str) -> str:
    if not raw.endswith("]"):
        raise InvalidURL(f"IPv6 host {shown(raw)} is missing its closing ']'")
    inner = raw[1:-1]
    try:
        if "%" in inner:  # RFC 6874 zone identifiers name an interface, not a web site
            raise ValueError(inner)
        address = ipaddress.IPv6Address(inner)
    except ValueError:
        raise InvalidURL(f"{shown(raw)} is not a valid IPv6 address") from None
    return f"[{ipv6_text(address)}]"


def ipv6_text(address: ipaddress.IPv6Address) -> str:
    """RFC 5952 text; an embedded IPv4 address in dotted form (section 5), as inet_ntop does."""
    mapped = address.ipv4_mapped
    if mapped is not None:
        return f"::ffff:{mapped}"
    if address.packed[:12] == bytes(12) and int(address) > 0xFFFF:  # RFC 4291 2.5.5.1
        return f"::{ipaddress.IPv4Address(address.packed[12:])}"
    return address.compressed


def _squeeze_dots(data: bytes) -> bytes:
    """Safe Browsing: remove leading and trailing dots, replace consecutive dots with one."""
    if data[:1] == b"." or data[-1:] == b"." or b".." in data:
        return b".".join(label for label in data.split(b".") if label)
    return data


def _idna_to_ascii(data: bytes, strict: bool) -> bytes:
    try:
        name = data.decode("utf-8")
    except UnicodeDecodeError:
        if strict:
            raise InvalidURL("host is not valid UTF-8 text") from None
        return data  # the bare spec algorithm escapes the bytes as they are
    info = icu.IDNAInfo()
    converted = str(_UTS46.nameToASCII(name, info))
    if (
        info.errors() & ~_TOLERATED_IDNA_ERRORS
        or not converted.isascii()
        or _FORBIDDEN_IN_DOMAIN.search(converted)
    ):
        if strict:
            raise InvalidURL(f"host {shown(name)} is not a valid international domain name")
        return data
    return converted.encode("ascii")


def _check_name(name: str) -> None:
    if _NUMERIC_LABEL.fullmatch(name.rpartition(".")[2]):
        raise InvalidURL(f"host {shown(name)} ends in a number but is not an IPv4 address")
    if len(name) <= MAX_HOST_LENGTH and _NAME.fullmatch(name):
        return
    if len(name) > MAX_HOST_LENGTH:
        raise InvalidURL(f"host is longer than {MAX_HOST_LENGTH} characters")
    if not _NAME_CHARS.fullmatch(name):
        raise InvalidURL(f"host {shown(name)} has characters a domain name cannot contain")
    raise InvalidURL(f"host {shown(name)} has a label longer than {MAX_LABEL_LENGTH} characters")


@functools.lru_cache(maxsize=16384)
def ip_of(host: str) -> IPAddress | None:
    """The address a canonical host names: a dotted quad or a bracketed IPv6 literal; else None."""
    try:
        if host[:1] == "[" and host[-1:] == "]":
            return ipaddress.IPv6Address(host[1:-1])
        if host[-1:].isdigit():
            return ipaddress.IPv4Address(host)
    except ValueError:
        pass
    return None


@functools.lru_cache(maxsize=16384)
def unicode_host(host: str) -> str:
    """`host` with its punycode labels shown in Unicode; invalid punycode keeps the ASCII form."""
    if "xn--" not in host.lower():
        return host
    info = icu.IDNAInfo()
    converted = str(_UTS46.nameToUnicode(host, info))
    return host if info.errors() & ~_TOLERATED_IDNA_ERRORS else converted


def make_extractor() -> tldextract.TLDExtract:
    """A public-suffix extractor that only ever reads tldextract's bundled PSL snapshot."""
    # suffix_list_urls=() never fetches (explicit arguments beat TLDEXTRACT_* variables);
    # cache_dir=None writes nothing under ~/.cache; private suffixes make foo.github.io its own
    # registrable domain, as the PSL's private section intends (github.io hosts many owners).
    return tldextract.TLDExtract(
        cache_dir=None,
        suffix_list_urls=(),
        fallback_to_snapshot=True,
        include_psl_private_domains=True,
    )


_EXTRACTOR = make_extractor()


@functools.lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """eTLD+1 of a canonical host (private PSL suffixes count); IPs and suffix-less hosts as is."""
    if not host or ip_of(host) is not None:
        return host
    # Ask with the Unicode form: tldextract would decode each punycode label itself with the
    # pure-Python idna package, ten times slower than ICU. Labels map one to one, so the answer's
    # label count picks the same labels from the ASCII host.
    found = _EXTRACTOR.extract_str(unicode_host(host)).top_domain_under_public_suffix
    if not found:
        return host
    return ".".join(host.split(".")[-(found.count(".") + 1) :])


@functools.lru_cache(maxsize=16384)
def has_public_suffix(host: str) -> bool:
    """True when `host` is a name under a real public suffix with a label of its own before it
    (`bit.ly`, `vietcombank-xacminh.top`), False for `main.hcm`, a bare suffix or an IP."""
    if not host or ip_of(host) is not None:
        return False
    found = _EXTRACTOR.extract_str(unicode_host(host))
    return bool(found.suffix and found.domain)


@functools.lru_cache(maxsize=1)  # the bundled snapshot never changes while running
def private_suffixes() -> frozenset[str]:
    """The PSL's PRIVATE section (blogspot.com, github.io, *.compute.amazonaws.com ...) from
    tldextract's bundled snapshot: suffixes under which anyone may publish a site."""
    public = make_extractor()
    icann_only = tldextract.TLDExtract(
        cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True,
        include_psl_private_domains=False,
    )
    return frozenset(public.tlds) - frozenset(icann_only.tlds)
