"""Structural detectors: list hits and the shape of the URL itself (`blocklist.*`, `url.*`)."""

from __future__ import annotations

from collections.abc import Iterator

from service.core.model import Reference, Signal, Subject

# Weights. A block hit of a harmful category is decisive on its own (DESIGN.md: dangerous);
# shape signals are weak alone and add up through the scorer's noisy-OR.
CATEGORY_SCORE = {"phishing": 100, "malware": 100, "scam": 95, "lure": 90, "adult": 75}
IP_HOST = 35  # people do not type raw addresses; phishing kits on cheap hosting do
USERINFO = 45  # `facebook.com@evil.top` shows one host and visits another (RFC 3986 §3.2.1)
PUNYCODE = 20  # an IDN host; the lookalike detectors say whether it imitates anything
MANY_SUBDOMAINS = 15
NONSTANDARD_PORT = 15
LONG_URL = 10
SUSPICIOUS_TLD = 25
SHORTENER = 15  # hides the destination; the resolver follows it when allowed

SUBDOMAIN_LIMIT = 4  # labels in front of the registrable domain
LONG_URL_AT = 200  # characters of the canonical URL
DEFAULT_PORTS = {"http": 80, "https": 443}


def detect_block(subject: Subject, ref: Reference) -> Iterator[Signal]:
    for hit in subject.match.block:
        yield Signal(
            "blocklist.match",
            CATEGORY_SCORE.get(hit.category, 90),
            {"list": hit.list, "category": hit.category, "entry": hit.entry},
        )


def detect_allow(subject: Subject, ref: Reference) -> Iterator[Signal]:
    if subject.match.allowed:
        hit = subject.match.allow[0]
        yield Signal("allowlist.match", 0, {"list": hit.list, "entry": hit.entry})


def detect_ip_host(subject: Subject, ref: Reference) -> Iterator[Signal]:
    if subject.url.is_ip:
        yield Signal("url.ip_host", IP_HOST, {"host": subject.url.host})


def detect_userinfo(subject: Subject, ref: Reference) -> Iterator[Signal]:
    if subject.url.userinfo:
        yield Signal("url.userinfo", USERINFO, {"host": subject.url.host})


def detect_punycode(subject: Subject, ref: Reference) -> Iterator[Signal]:
    if any(label.startswith("xn--") for label in subject.url.host.split(".")):
        yield Signal("url.punycode", PUNYCODE, {"host": subject.url.host})


def detect_many_subdomains(subject: Subject, ref: Reference) -> Iterator[Signal]:
    url = subject.url
    if url.is_ip or url.host == url.registrable:
        return
    extra = url.host[: -len(url.registrable) - 1].count(".") + 1
    if extra >= SUBDOMAIN_LIMIT:
        yield Signal("url.many_subdomains", MANY_SUBDOMAINS, {"count": str(extra)})


def detect_port(subject: Subject, ref: Reference) -> Iterator[Signal]:
    port = subject.url.port
    if port is not None and port != DEFAULT_PORTS.get(subject.url.scheme):
        yield Signal("url.nonstandard_port", NONSTANDARD_PORT, {"port": str(port)})


def detect_long(subject: Subject, ref: Reference) -> Iterator[Signal]:
    length = len(subject.url.canonical)
    if length > LONG_URL_AT:
        yield Signal("url.long", LONG_URL, {"length": str(length)})


def detect_suspicious_tld(subject: Subject, ref: Reference) -> Iterator[Signal]:
    if subject.url.is_ip:
        return
    tld = subject.url.host.rsplit(".", 1)[-1]
    if tld in ref.suspicious_tlds:
        yield Signal("url.suspicious_tld", SUSPICIOUS_TLD, {"tld": tld})


def detect_shortener(subject: Subject, ref: Reference) -> Iterator[Signal]:
    url = subject.url
    if url.host in ref.shorteners or url.registrable in ref.shorteners:
        yield Signal("url.shortener", SHORTENER, {"host": url.host})


DETECTORS = (
    detect_block,
    detect_allow,
    detect_ip_host,
    detect_userinfo,
    detect_punycode,
    detect_many_subdomains,
    detect_port,
    detect_long,
    detect_suspicious_tld,
    detect_shortener,
)
