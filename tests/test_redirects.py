"""Pure chain steps: next hop, body-head decoding, chain signals and when to resolve."""

from __future__ import annotations

import gzip
import zlib

import pytest

from service.core.model import Hop
from service.detect import redirects
from service.detect.redirects import NextHop, next_hop

BASE = "http://a.test/dir/page?x=1"
HTML = {"Content-Type": "text/html; charset=utf-8"}

NEXT_HOP_CASES = [
    # (status, headers, body, expected NextHop or None)
    (301, {"Location": "https://b.test/"}, None, NextHop("https://b.test/", "location")),
    (302, {"location": "/root"}, None, NextHop("http://a.test/root", "location")),
    (303, {"Location": "next"}, None, NextHop("http://a.test/dir/next", "location")),
    (307, {"Location": "../up?q"}, None, NextHop("http://a.test/up?q", "location")),
    (308, {"Location": "//c.test/x"}, None, NextHop("http://c.test/x", "location")),
    (302, {"Location": "?only=query"}, None, NextHop("http://a.test/dir/page?only=query",
                                                     "location")),
    (302, {"Location": "  /spaced\t\n "}, None, NextHop("http://a.test/spaced", "location")),
    (302, {"Location": "/\\evil.test/"}, None, NextHop("http://evil.test/", "location")),
    (302, {"Location": "javascript:alert(1)"}, None, NextHop("javascript:alert(1)", "location")),
    (302, {}, None, None),  # a 3xx without Location is a destination
    (302, {"Location": "   "}, None, None),
    (300, {"Location": "/x"}, None, None),  # 300/304/305 are not followed by browsers
    (304, {"Location": "/x"}, None, None),
    (200, {"Location": "/x"}, None, None),  # Location outside 3xx means nothing to a browser
    (200, {"Refresh": "0; url=/r"}, None, NextHop("http://a.test/r", "refresh")),
    (200, {"refresh": "5;URL='https://b.test/'"}, None, NextHop("https://b.test/", "refresh")),
    (200, {"Refresh": "600; url=/late"}, None, None),  # a slow reload, not a redirect
    (200, {"Refresh": "30"}, None, None),  # reload of the same page
    (200, {"Refresh": f"0; url={BASE}"}, None, None),  # refresh to itself
    (200, HTML, b'<meta http-equiv="refresh" content="0;url=/m">', NextHop("http://a.test/m",
                                                                          "meta")),
    (200, HTML, b"<META HTTP-EQUIV=REFRESH CONTENT=\"1; URL='/m?a=1&amp;b=2'\">",
     NextHop("http://a.test/m?a=1&b=2", "meta")),
    (200, HTML, b'<meta content="0;https://b.test/" http-equiv="Refresh">',
     NextHop("https://b.test/", "meta")),
    (200, {}, b'<meta http-equiv="refresh" content="0;url=/m">', NextHop("http://a.test/m",
                                                                        "meta")),
    (200, {"Content-Type": "application/json"}, b'<meta http-equiv="refresh" content="0;url=/m">',
     None),
    (200, HTML, b"<meta http-equiv=refresh content=0;url=/unquoted>",
     NextHop("http://a.test/unquoted", "meta")),
    (200, HTML, b'<!-- <meta http-equiv="refresh" content="0;url=/old"> -->', None),
    (200, HTML, b'<meta name="refresh" content="0;url=/x"><meta http-equiv="refresh">', None),
    (200, HTML, b"<p>" * 20_000 + b"<meta http-equiv='refresh' content='0;url=/deep'>",
     NextHop("http://a.test/deep", "meta")),
    (200, HTML, b"<script>location.href = '/s1'</script>", NextHop("http://a.test/s1", "script")),
    (200, HTML, b'<script>window.location="https://b.test/s2";</script>',
     NextHop("https://b.test/s2", "script")),
    (200, HTML, b"<script>window.location.href='https:\\/\\/b.test\\/s3'</script>",
     NextHop("https://b.test/s3", "script")),
    (200, HTML, b'<script>location.replace("/s4")</script>', NextHop("http://a.test/s4",
                                                                    "script")),
    (200, HTML, b"<script>document.location.assign(`/s5`)</script>",
     NextHop("http://a.test/s5", "script")),
    (200, HTML, b"<script>top.location = '/s6'</script>", NextHop("http://a.test/s6", "script")),
    (200, HTML, b"<script>if (location == '/x') {}</script>", None),  # a comparison
    (200, HTML, b"<script>var u = location.href;</script>", None),  # a read, not a jump
    (200, HTML, b"<script>if (location.href == '/x') {}</script>", None),
    (200, HTML, b"<script>mylocation.href = '/x'; $location = '/y'</script>", None),
    (200, HTML, b"<script>location.href = target;</script>", None),  # not a literal
    (200, HTML, b"<p>Hello, nothing to see</p>", None),
    (200, HTML, b"\xff\xfe<meta http-equiv=refresh content='0;url=/bin'>",
     NextHop("http://a.test/bin", "meta")),  # undecodable bytes are replaced, not fatal
    # the Refresh header wins over the body; meta wins over script
    (200, {**HTML, "Refresh": "0;url=/h"}, b'<meta http-equiv="refresh" content="0;url=/m">',
     NextHop("http://a.test/h", "refresh")),
    (200, HTML, b"<script>location='/s'</script><meta http-equiv=refresh content='0;url=/m'>",
     NextHop("http://a.test/m", "meta")),
]


@pytest.mark.parametrize(("status", "headers", "body", "expected"), NEXT_HOP_CASES)
def test_next_hop(status: int, headers: dict[str, str], body: bytes | None,
                  expected: NextHop | None) -> None:
    assert next_hop(BASE, status, headers, body) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("0; url=/a", (0.0, "/a")),
        ("0;URL=/a", (0.0, "/a")),
        ("3, url = '/a b'", (3.0, "/a b")),
        ('0; url="/q"trailing', (0.0, "/q")),
        ("0;/bare", (0.0, "/bare")),
        ("7", (7.0, None)),
        ("", (0.0, None)),
        ("1.5; url=/f", (1.5, "/f")),
        ("...; url=/dots", (0.0, "/dots")),
    ],
)
def test_parse_refresh(content: str, expected: tuple[float, str | None]) -> None:
    assert redirects.parse_refresh(content) == expected


LIMIT = 64 * 1024


@pytest.mark.parametrize(
    ("raw", "coding", "expected_len"),
    [
        (b"x" * 100, None, 100),
        (b"x" * 100_000, "identity", LIMIT),
        (gzip.compress(b"y" * 50_000_000, mtime=0), "gzip", LIMIT),  # 50 MB bomb, 49 KB sent
        (gzip.compress(b"<p>hi</p>", mtime=0), "x-gzip", 9),
        (zlib.compress(b"z" * 10_000_000), "deflate", LIMIT),
        (zlib.compress(b"z" * 1000)[2:-4], "deflate", 1000),  # raw deflate, as some servers send
        (b"\x00not gzip at all", "gzip", 0),
        (b"brotli bytes", "br", 0),  # we asked for identity and will not guess
    ],
    # named ids: a gzip member's bytes in a test id changed with its timestamp on every run
    ids=["plain", "identity", "gzip-bomb", "x-gzip", "deflate-bomb", "raw-deflate", "not-gzip",
         "brotli"],
)
def test_decode_body_head_caps_inflated_bytes(raw: bytes, coding: str | None,
                                              expected_len: int) -> None:
    assert len(redirects.decode_body_head(raw, coding, LIMIT)) == expected_len


SHORT = frozenset({"bit.ly", "tinyurl.com"})


def reg(host: str) -> str:
    """Registrable domain for the tests (the last two labels)."""
    return ".".join(host.split(".")[-2:])


def hops(*specs: tuple[str, str]) -> tuple[Hop, ...]:
    return tuple(Hop(url, 200 if i == len(specs) - 1 else 302, via)
                 for i, (url, via) in enumerate(specs))


def signals_of(chain: tuple[Hop, ...], outcome: str = "ok") -> dict[str, dict[str, str]]:
    found = redirects.chain_signals(chain, shorteners=SHORT, outcome=outcome, registrable=reg)
    return {s.code: {**s.evidence, "score": str(s.score)} for s in found}


CHAIN_CASES = [
    # (hops, outcome, {code: evidence subset incl. score})
    (hops(("http://bit.ly/x", "start"), ("https://shop.example.com/", "location")), "ok",
     {"redirect.shortener": {"host": "bit.ly", "count": "1", "score": "10"}}),
    (hops(("http://bit.ly/x", "start"), ("https://tinyurl.com/y", "location"),
          ("https://shop.example.com/", "location")), "ok",
     {"redirect.shortener": {"host": "bit.ly", "count": "2", "score": "25"}}),
    (hops(("https://news.example.com/a", "start"), ("https://other.example.org/", "location")),
     "ok", {"redirect.cross_domain": {"start": "example.com", "final": "example.org",
                                      "score": "5"}}),
    (hops(("https://www.example.com/", "start"), ("https://login.example.com/", "location")),
     "ok", {}),  # same registrable domain: nothing to say
    (hops(("https://a.example.com/", "start"), ("http://a.example.com/", "location")), "ok",
     {"redirect.downgrade": {"host": "a.example.com", "score": "20"}}),
    (hops(("https://a.example.com/", "start"), ("https://a.example.com/m", "meta")), "ok",
     {"redirect.meta_refresh": {"host": "a.example.com", "via": "meta", "score": "15"}}),
    (hops(("https://a.example.com/", "start"), ("https://a.example.com/s", "script")), "ok",
     {"redirect.meta_refresh": {"via": "script"}}),
    (hops(*[(f"https://a.example.com/{i}", "start" if i == 0 else "location")
            for i in range(5)]), "ok", {"redirect.chain_long": {"count": "4", "score": "15"}}),
    (hops(*[(f"https://a.example.com/{i}", "start" if i == 0 else "location")
            for i in range(4)]), "ok", {}),  # three redirects are ordinary tracking
    (hops(("https://a.example.com/", "start"), ("http://10.0.0.1/", "location")),
     "blocked_target", {"redirect.blocked_target": {"host": "10.0.0.1", "hop": "1",
                                                    "score": "40"},
                        "redirect.cross_domain": {}, "redirect.downgrade": {}}),
    (hops(("http://192.168.1.1/", "start")), "blocked_target",
     {"redirect.blocked_target": {"hop": "0", "score": "5"}}),
    (hops(("https://a.example.com/", "start"), ("javascript:alert(1)", "location")),
     "blocked_target", {"redirect.blocked_target": {"host": "javascript:"}}),
    (hops(("https://a.example.com/", "start")), "timeout",
     {"redirect.unresolved": {"outcome": "timeout", "host": "a.example.com", "score": "10"}}),
    (hops(("https://a.example.com/", "start")), "dns_error",
     {"redirect.unresolved": {"outcome": "dns_error", "score": "15"}}),
    (hops(("https://a.example.com/", "start"), ("https://a.example.com/b", "location")), "loop",
     {"redirect.unresolved": {"outcome": "loop", "score": "20"}}),
    ((), "error", {}),
]


@pytest.mark.parametrize(("chain", "outcome", "expected"), CHAIN_CASES)
def test_chain_signals(chain: tuple[Hop, ...], outcome: str,
                       expected: dict[str, dict[str, str]]) -> None:
    found = signals_of(chain, outcome)
    assert set(found) == set(expected)
    for code, evidence in expected.items():
        assert evidence.items() <= found[code].items(), code


def test_a_benign_short_link_stays_below_suspicious() -> None:
    chain = hops(("http://bit.ly/x", "start"), ("https://www.youtube.com/watch", "location"))
    total = sum(s.score for s in redirects.chain_signals(chain, shorteners=SHORT, outcome="ok",
                                                          registrable=reg))
    assert total < 30


def test_chain_signals_use_urls_registrable_domain_by_default() -> None:
    chain = hops(("https://a.example.co.uk/", "start"), ("https://b.example.co.uk/", "location"))
    assert redirects.chain_signals(chain, shorteners=SHORT, outcome="ok") == ()


@pytest.mark.parametrize(
    ("mode", "host", "score", "allowlisted", "expected"),
    [
        ("never", "bit.ly", 50, False, False),
        ("always", "example.com", 0, False, True),
        ("always", "example.com", 0, True, False),  # never an allowlisted host
        ("auto", "bit.ly", 0, False, True),  # known shortener
        ("auto", "go.bit.ly", 0, False, True),  # by registrable domain
        ("auto", "bit.ly", 0, True, False),
        ("auto", "l.facebook.com", 0, False, True),  # built-in redirector
        ("auto", "nam12.safelinks.protection.outlook.com", 0, False, True),
        ("auto", "example.com", 0, False, False),  # looks clean: not fetched
        ("auto", "example.com", 15, False, False),  # an odd port alone: not worth a visit
        ("auto", "example.com", 24, False, False),
        ("auto", "example.com", 25, False, True),  # uncertain band [25, 70)
        ("auto", "example.com", 69, False, True),
        ("auto", "example.com", 70, False, False),  # already dangerous: no need to visit
        ("auto", "example.com", 40, True, False),
    ],
)
def test_should_resolve(mode: str, host: str, score: int, allowlisted: bool,
                        expected: bool) -> None:
    assert redirects.should_resolve(
        mode, host=host, registrable=reg(host), offline_score=score, allowlisted=allowlisted,
        shorteners=SHORT,
    ) is expected
