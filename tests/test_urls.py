"""service.core.urls and hostnames: refusals, scheme-less input, userinfo, IDN, IPs, suffixes."""

from __future__ import annotations

import ipaddress
import re
import socket
from pathlib import Path
from typing import Any

import pytest
import tldextract.cache
import validators
from fuzzing import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from service.core import hostnames, urls
from service.core.errors import InvalidURL

LONG_LABEL = "a" * 64
LONG_HOST = ".".join(["a" * 60] * 5)  # 304 characters

REFUSED = [
    ("javascript:alert(1)", "'javascript:' links cannot be checked"),
    ("JavaScript:alert(1)", "'javascript:' links"),
    ("javascript%3Aalert(1)", "'javascript:' links"),
    ("data:text/html;base64,PHNjcmlwdD4=", "'data:' links"),
    ("file:///etc/passwd", "'file:' links"),
    ("ftp://files.example.com/a", "'ftp:' links"),
    ("mailto:someone@example.com", "'mailto:' links"),
    ("chrome://settings", "'chrome:' links"),
    ("", "URL is empty"),
    ("   ", "URL is empty"),
    ("\t\r\n \x0b", "URL is empty"),
    ("#only-a-fragment", "URL is empty"),
    ("http://", "URL has no host"),
    ("http:///path", "URL has no host"),
    ("http://:8080/", "URL has no host"),
    ("http://user:pw@/", "URL has no host"),
    ("http://...", "URL has no host"),
    ("/just/a/path", "URL has no host"),
    ("http:example.com", "expected '//' after 'http:'"),
    ("http://a.com/" + "a" * urls.MAX_URL_LENGTH, "URL is longer than 8192 bytes"),
    ("http://a.com/" + "ü" * 4100, "URL is longer than 8192 bytes"),
    ("http://a.com/x\x00y", "NUL byte"),
    ("http://a\x00.com/", "NUL byte"),
    ("http://\ud800.com/", "not valid Unicode"),
    (f"http://{LONG_LABEL}.com/", "label longer than 63"),
    (f"http://{LONG_HOST}/", "longer than 253"),
    ("http://a b.com/", "characters a domain name cannot contain"),
    ("http://a*b.com/", "characters a domain name cannot contain"),
    ("http://evil<script>.com/", "characters a domain name cannot contain"),
    ("http://1.2.3.4.5/", "ends in a number"),
    ("http://example.0x1f/", "ends in a number"),
    ("http://a.com:http/", "port 'http' is not a number"),
    ("http://a.com:65536/", "out of range"),
    ("http://a.com:" + "9" * 5000 + "/", "out of range"),
    ("http://[::1/", "missing its closing ']'"),
    ("http://[::1]x/", "after the IPv6 address"),
    ("http://[1:2:3]/", "not a valid IPv6 address"),
    ("http://[fe80::1%25eth0]/", "not a valid IPv6 address"),
    ("http://a\u200db.com/", "not a valid international domain name"),  # CONTEXTJ
    ("http://paypalא.com/", "not a valid international domain name"),  # Bidi rule
    ("http://evil.com\uff0fgoogle.com/", "not a valid international domain name"),  # maps to "/"
    (b"http://\xff\xfe.com/", "not valid UTF-8"),
    ("\ufeffhttp://evil.com/", "before '://' is no scheme"),  # not the host "http"
    ("\u200bhttps://evil.com/", "before '://' is no scheme"),
    ("ht tp://evil.com/", "before '://' is no scheme"),
]


# Plain ids (no backslash, no "::"): mutmut names a new test on pytest's command line.
REFUSED_IDS = [re.sub(r"[^A-Za-z0-9.:/%-]+", "_", repr(u[:30])).replace("::", "..")
               for u, _ in REFUSED]


@pytest.mark.parametrize(("url", "message"), REFUSED, ids=REFUSED_IDS)
def test_refused_with_a_clear_message(url: str | bytes, message: str) -> None:
    with pytest.raises(InvalidURL) as caught:
        urls.parse(url)
    assert message in caught.value.message
    assert caught.value.code == "invalid_url" and caught.value.status == 400
    assert len(caught.value.message) < 200


def test_non_text_input_is_refused() -> None:
    bad: Any = 42
    with pytest.raises(InvalidURL, match="must be text"):
        urls.parse(bad)


def test_the_length_limit_is_inclusive() -> None:
    url = "http://a.com/" + "a" * (urls.MAX_URL_LENGTH - len("http://a.com/"))
    assert len(urls.canonicalize(url)) == urls.MAX_URL_LENGTH


ACCEPTED = [
    ("www.google.com/path?q=1", "http://www.google.com/path?q=1"),
    ("EXAMPLE.com", "http://example.com/"),
    ("localhost:8080/x", "http://localhost/x"),
    ("//evil.example/x", "http://evil.example/x"),
    ("  https://Example.COM:443/a/./b/../c//d?x#frag  ", "https://example.com/a/c/d?x"),
    ("http://a.com\\@b.com/", "http://a.com/@b.com/"),  # WHATWG: "\" ends the host
    ("http://a.com/x%5Cy?q=\\", "http://a.com/x\\y?q=\\"),  # "%5C" is data; spec keeps "\"
    ("http:\\\\a.com\\x", "http://a.com/x"),
    ("http://a.com/caf\u00e9 au lait", "http://a.com/caf%C3%A9%20au%20lait"),
    ("http://a.com/%2e%2E/%2fb", "http://a.com/b"),
    ("http://a.com/a/b/..", "http://a.com/a/"),
    ("http://my_site.example.com/", "http://my_site.example.com/"),
    ("http://-weird-.example.com/", "http://-weird-.example.com/"),
    ("http://xn--zzzz.com/", "http://xn--zzzz.com/"),  # ASCII hosts are not IDNA-checked
    ("http://1.2.3.4%20junk/", "http://1.2.3.4/"),  # Windows resolver rule (spec clients)
    ("http://a.com/" + "%25" + "25" * 3000, "http://a.com/%25"),  # deep nests stay linear
]


@pytest.mark.parametrize(("url", "canonical"), ACCEPTED)
def test_accepted(url: str, canonical: str) -> None:
    assert urls.canonicalize(url) == canonical


@pytest.mark.parametrize(
    ("url", "port", "canonical"),
    [
        ("http://a.com/", None, "http://a.com/"),
        ("http://a.com:80/", None, "http://a.com/"),
        ("https://a.com:443/", None, "https://a.com/"),
        ("http://a.com:443/", 443, "http://a.com/"),
        ("https://a.com:8443/x", 8443, "https://a.com/x"),
        ("http://a.com:/", None, "http://a.com/"),
        ("http://[::1]:8080/", 8080, "http://[::1]/"),
    ],
)
def test_port_kept_apart_from_the_canonical_string(
    url: str, port: int | None, canonical: str
) -> None:
    parsed = urls.parse(url)
    assert (parsed.port, parsed.canonical) == (port, canonical)


@pytest.mark.parametrize(
    ("url", "host", "userinfo"),
    [
        ("http://facebook.com@evil.top/login", "evil.top", "facebook.com"),
        ("facebook.com@evil.top", "evil.top", "facebook.com"),
        ("https://user:pass@google.com/", "google.com", "user:pass"),
        ("http://a@b@evil.top/", "evil.top", "a@b"),
        ("http://facebook.com%40evil.top/", "evil.top", "facebook.com"),  # spec unescapes first
        ("http://google.com%5C@evil.top/", "evil.top", "google.com\\"),  # as browsers read it
        ("http://@evil.top/", "evil.top", ""),
        ("http://evil.top/@facebook.com", "evil.top", None),
        ("http://evil.top?@facebook.com", "evil.top", None),
    ],
)
def test_userinfo_is_dropped_but_exposed(url: str, host: str, userinfo: str | None) -> None:
    parsed = urls.parse(url)
    assert (parsed.host, parsed.userinfo) == (host, userinfo)
    assert parsed.has_userinfo is (userinfo is not None)
    assert "@" not in parsed.canonical.split("/")[2]


@pytest.mark.parametrize(
    ("url", "host", "shown"),
    [
        ("http://bücher.de/", "xn--bcher-kva.de", "bücher.de"),
        ("http://BÜCHER.de/", "xn--bcher-kva.de", "bücher.de"),
        ("http://b%C3%BCcher.de/", "xn--bcher-kva.de", "bücher.de"),
        ("http://bücher\u3002de/", "xn--bcher-kva.de", "bücher.de"),  # ideographic full stop
        ("vietcombạnk.com", "xn--vietcombnk-lj3e.com", "vietcombạnk.com"),
        ("www.vietcombạnk.com.vn", "www.xn--vietcombnk-lj3e.com.vn", "www.vietcombạnk.com.vn"),
        ("http://fuß.de/", "xn--fu-hia.de", "fuß.de"),  # UTS #46 non-transitional (IDNA2008)
        ("http://аррӏе.com/", "xn--80ak6aa92e.com", "аррӏе.com"),  # Cyrillic lookalike stays
    ],
)
def test_idn_to_punycode_and_back(url: str, host: str, shown: str) -> None:
    parsed = urls.parse(url)
    assert parsed.host == host
    assert parsed.unicode_host == shown == urls.unicode_host(host)


def test_idna2003_would_pick_another_host() -> None:
    # Why ICU and not encodings.idna: IDNA2003 maps ß to "ss", a different (registrable) name.
    assert "fuß.de".encode("idna") == b"fuss.de"
    assert urls.parse("http://fuß.de/").host != "fuss.de"


@pytest.mark.parametrize("host", ["xn--zzzz.com", "xn--.com", "example.com", "1.2.3.4", "[::1]"])
def test_unicode_host_keeps_ascii_when_not_valid_punycode(host: str) -> None:
    assert urls.unicode_host(host) == host


@pytest.mark.parametrize(
    ("url", "host", "ip"),
    [
        ("http://3279880203/", "195.127.0.11", "195.127.0.11"),
        ("http://0177.0.0.1/", "127.0.0.1", "127.0.0.1"),
        ("http://0x7f000001/", "127.0.0.1", "127.0.0.1"),
        ("http://0x7F.1/", "127.0.0.1", "127.0.0.1"),
        ("http://127.1/", "127.0.0.1", "127.0.0.1"),
        ("http://169.254.169.254./", "169.254.169.254", "169.254.169.254"),
        ("http://[0:0:0:0:0:0:0:1]/", "[::1]", "::1"),
        ("http://[::FFFF:7f00:1]/", "[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("http://[2001:DB8::0:1]:80/", "[2001:db8::1]", "2001:db8::1"),
        ("http://[::1.2.3.4]/", "[::1.2.3.4]", "::102:304"),  # IPv4-compatible, dotted
        ("http://[::1:0]/", "[::0.1.0.0]", "::1:0"),  # the smallest such address
        ("http://[::ffff]/", "[::ffff]", "::ffff"),  # too small to embed an IPv4 address
        ("http://example.com/", "example.com", None),
        ("http://1.2.3.com/", "1.2.3.com", None),
    ],
)
def test_ip_hosts(url: str, host: str, ip: str | None) -> None:
    parsed = urls.parse(url)
    assert parsed.host == host
    assert parsed.ip == (ipaddress.ip_address(ip) if ip else None)
    assert parsed.is_ip is (ip is not None)
    if ip:
        assert parsed.registrable == host
        assert urls.lookup_hosts(parsed) == [host]


@pytest.mark.parametrize(
    ("host", "registrable"),
    [
        ("www.vietcombank.com.vn", "vietcombank.com.vn"),
        ("foo.github.io", "foo.github.io"),  # PSL private section counts
        ("github.io", "github.io"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("co.uk", "co.uk"),  # a bare public suffix is its own answer
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("www.xn--80ak6aa92e.xn--p1ai", "xn--80ak6aa92e.xn--p1ai"),  # punycode suffix (.рф)
        ("1.2.3.4", "1.2.3.4"),
        ("[::1]", "[::1]"),
        ("localhost", "localhost"),
        ("printer.lan", "printer.lan"),  # no known suffix
    ],
)
def test_registrable_domain(host: str, registrable: str) -> None:
    assert urls.registrable_domain(host) == registrable


def test_suffix_list_is_never_fetched_nor_cached(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tldextract tried the network or its disk cache")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(tldextract.cache, "_make_dir", refuse)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    # An explicit suffix_list_urls=() must win over this variable.
    monkeypatch.setenv("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "https://publicsuffix.org/list/x")
    fresh = hostnames.make_extractor()  # its first call loads the suffix list
    assert fresh.extract_str("a.foo.github.io").top_domain_under_public_suffix == "foo.github.io"
    assert list(tmp_path.iterdir()) == []


def test_expressions_limits() -> None:
    url = "http://a.b.c.d.e.f.g.h.example.com/1/2/3/4/5/6/7.html?q=1"
    hosts, paths = urls.lookup_hosts(url), urls.lookup_paths(url)
    assert hosts == ["a.b.c.d.e.f.g.h.example.com", "f.g.h.example.com", "g.h.example.com",
                     "h.example.com", "example.com"]
    assert paths == ["/1/2/3/4/5/6/7.html?q=1", "/1/2/3/4/5/6/7.html", "/1/2/3/", "/1/2/",
                     "/1/", "/"]
    assert len(urls.expressions(url)) == 30
    assert urls.lookup_hosts("http://example.com/") == ["example.com"]  # never "com" alone
    assert urls.expressions(urls.parse("localhost/a")) == ["localhost/a", "localhost/"]


# Property tests: arbitrary input gives InvalidURL or a URL; canonical forms are fixed points.
URLISH = st.lists(
    st.sampled_from([
        "http://", "HTTPS://", "ftp://", "javascript:", "//", "@", ":", ":80", "/", "\\", "?",
        "#", "%", "%25", "%2e", "%2F", "%5C", "%00", "%41", "%c3%bc", "%80", "..", ".", "[", "]",
        "::1", "a", "B", "xn--", "ü", "ạ", "\u3002", "\u200d", " ", "\t", "0x", "7f", "08",
        "255", "-", "_", "com", "\x00", "\x01", "\uff0f", "\uff20", "\uff1a", "\uff05", "\uff3b",
    ]),
    max_size=14,
).map("".join)
CANONICAL = re.compile(r"(?:https?|ftp)://[!-~]+")


@settings(max_examples=examples(400), deadline=None)
@given(st.one_of(URLISH, st.text(max_size=40)), st.booleans())
def test_canonical_form_is_a_fixed_point(text: str, strict: bool) -> None:
    try:
        parsed = urls.parse(text, strict=strict)
    except InvalidURL as exc:
        assert exc.message
        return
    canonical = parsed.canonical
    assert CANONICAL.fullmatch(canonical) and "#" not in canonical
    assert re.fullmatch(r"(?:[^%]|%[0-9A-F]{2})*", canonical)
    assert parsed.path.startswith("/") and parsed.host
    if "\\" not in canonical.partition("?")[0]:
        # A "\" decoded from "%5C" stays in the path (the spec escapes no "\"); a literal one
        # is a separator (WHATWG), so such a canonical form reads back differently by design.
        assert urls.canonicalize(canonical, strict=strict) == canonical
    assert 1 <= len(urls.expressions(parsed)) <= 30


HOSTISH = st.lists(
    st.text(alphabet="abz09-_", min_size=1, max_size=8), min_size=1, max_size=5
).map(".".join)


@settings(max_examples=examples(300), deadline=None)
@given(HOSTISH)
def test_every_name_validators_accepts_is_accepted(host: str) -> None:
    # validators.domain (RFC 1034 + RFC 2782 underscores) is stricter than browsers; whatever it
    # takes, our strict host check must take too.
    if validators.domain(host, rfc_2782=True) is True:
        assert urls.parse(f"http://{host}/").host == host


def test_a_list_entry_s_unclosed_ipv6_host_is_named_in_the_error() -> None:
    from service.core import hostnames

    with pytest.raises(InvalidURL, match=r"IPv6 host '\[::1' is missing its closing '\]'"):
        hostnames.canonical_host("[::1")


def test_rate_limited_carries_its_wait_and_message() -> None:
    from service.core.errors import RateLimited

    error = RateLimited("too many checks", retry_after=7)
    assert (str(error), error.retry_after) == ("too many checks", 7)


@pytest.mark.parametrize(("raw", "unescaped"), [
    (b"%41", b"A"),
    (b"%2541", b"A"),  # decoded again once its last digit arrives
    (b"%252541", b"A"),
    (b"%4G", b"%4G"),
    (b"%G4", b"%G4"),
    (b"%%41", b"%A"),
    (b"ab%4", b"ab%4"),
    (b"%", b"%"),
])
def test_linear_unescape(raw: bytes, unescaped: bytes) -> None:
    assert urls._unescape_linear(raw) == unescaped


def test_expressions_take_a_string_or_a_parsed_url() -> None:
    text = "http://a.b.example.com/1/2.html?x=1"
    assert urls.expressions(text) == urls.expressions(urls.parse(text))
    assert "a.b.example.com/1/2.html?x=1" in urls.expressions(text)


def test_a_bad_list_entry_says_why() -> None:
    from service.lists.canon import BadEntry

    error = BadEntry("no host")
    assert (str(error), error.reason) == ("no host", "no host")
