"""Redirect steps the first tables left open (found by `make mutate`): escaped script targets,
evidence from the right hop of a longer chain, and a shortener named by its full host."""

from __future__ import annotations

import pytest

from service.core.model import Hop
from service.detect import redirects
from service.detect.redirects import NextHop, next_hop

HTML = {"Content-Type": "text/html"}

# A script's location string as JavaScript escapes its slashes (JSON encoders, minifiers).
SCRIPT_TARGETS = [
    (rb'<script>location.href="https:\/\/evil.test\/x"</script>', "https://evil.test/x"),
    (rb'<script>location.replace("https:\u002f\u002fevil.test\u002fx")</script>',
     "https://evil.test/x"),
    (rb"<script>location='https:\x2f\x2fevil.test\x2fx'</script>", "https://evil.test/x"),
    (rb'<script>location.assign(`/a\/b`)</script>', "http://a.test/a/b"),
]


@pytest.mark.parametrize(("body", "target"), SCRIPT_TARGETS)
def test_escaped_slashes_in_a_script_target_are_slashes(body: bytes, target: str) -> None:
    assert next_hop("http://a.test/", 200, HTML, body) == NextHop(target, "script")


def chain(*urls_and_via: tuple[str, str]) -> tuple[Hop, ...]:
    return tuple(Hop(url, 302, via) for url, via in urls_and_via)


def evidence(hops: tuple[Hop, ...], code: str, shorteners: frozenset[str] = frozenset()
             ) -> dict[str, str] | None:
    found = redirects.chain_signals(hops, shorteners=shorteners, outcome="ok",
                                    registrable=lambda h: ".".join(h.split(".")[-2:]))
    return next((dict(s.evidence) for s in found if s.code == code), None)


def test_cross_domain_names_the_first_and_the_last_hop_of_a_long_chain() -> None:
    hops = chain(("https://news.school.test/a", "start"), ("https://t.tracker.test/go", "location"),
                 ("https://cdn.mid.test/x", "location"), ("https://login.evil.test/", "location"))
    assert evidence(hops, "redirect.cross_domain") == {"start": "school.test", "final": "evil.test"}


def test_client_side_hop_names_the_host_that_sent_it() -> None:
    hops = chain(("https://a.school.test/", "start"), ("https://b.other.test/", "meta"),
                 ("https://c.last.test/", "location"))
    assert evidence(hops, "redirect.meta_refresh") == {"host": "a.school.test", "via": "meta"}
    hops = chain(("https://a.school.test/", "start"), ("https://b.other.test/", "location"),
                 ("https://c.last.test/", "script"))
    assert evidence(hops, "redirect.meta_refresh") == {"host": "b.other.test", "via": "script"}


def test_a_shortener_listed_by_its_full_host_is_resolved() -> None:
    shorteners = frozenset({"go.school.test"})  # the school's own short links, not school.test
    assert redirects.should_resolve("auto", host="go.school.test", registrable="school.test",
                                    offline_score=0, allowlisted=False, shorteners=shorteners)
    assert not redirects.should_resolve("auto", host="www.school.test", registrable="school.test",
                                        offline_score=0, allowlisted=False, shorteners=shorteners)


BASE = "http://a.test/p"
# (status, headers, body, expected): the Location and refresh rules at their edges.
EDGES = [
    (302, {"Location": "\x01/next\x1f"}, None, NextHop("http://a.test/next", "location")),  # C0
    (302, {"Location": "/ne\txt/pa\nge\r"}, None, NextHop("http://a.test/next/page", "location")),
    (302, {"Location": "http:\\\\evil.test\\a"}, None, NextHop("http://evil.test/a", "location")),
    (302, {"Location": "HTTPS:\\\\evil.test\\a"}, None, NextHop("HTTPS://evil.test/a", "location")),
    (302, {"Location": "javascript:a\\b"}, None, NextHop("javascript:a\\b", "location")),
    # a refresh that only moves within the page is a reload, not a hop
    (200, {"Refresh": "0; url=#top"}, None, None),
    (200, {"Refresh": "0; url=/p#a#b"}, None, None),
    (200, {"Refresh": "0; url='/q'x'"}, None, NextHop("http://a.test/q", "refresh")),
    (200, {"Content-Type": "text/html; charset=utf-8; x=y"},
     b'<meta http-equiv="refresh" content="0;url=/m">', NextHop("http://a.test/m", "meta")),
    (200, {"Content-Type": "text/html"}, b'<meta http-equiv="refresh" content>', None),
    # a refresh of exactly the longest delay a student would wait is followed; longer is not
    (200, {"Refresh": "60; url=/slow"}, None, NextHop("http://a.test/slow", "refresh")),
    (200, {"Refresh": "61; url=/slow"}, None, None),
    # a header refresh too slow to count does not hide the page's own meta refresh
    (200, {"Refresh": "600; url=/slow", "Content-Type": "text/html"},
     b'<meta http-equiv="refresh" content="1;url=/m">', NextHop("http://a.test/m", "meta")),
    (200, {"Refresh": "0; url=#top", "Content-Type": "text/html"},
     b'<meta http-equiv="refresh" content="0;url=/m">', NextHop("http://a.test/m", "meta")),
    # a meta refresh in a body that is not HTML is text, not markup
    (200, {"Content-Type": "text/plain"}, b'<meta http-equiv="refresh" content="0;url=/m">', None),
    (200, {}, b'<meta http-equiv="refresh" content="0;url=/m">',  # no type: sniffed, as browsers do
     NextHop("http://a.test/m", "meta")),
    (200, {"Content-Type": " TEXT/HTML ;charset=x"},
     b'<meta http-equiv="refresh" content="0;url=/m">', NextHop("http://a.test/m", "meta")),
    (200, {"Content-Type": "application/xhtml+xml"},
     b'<meta http-equiv="refresh" content="0;url=/m">', NextHop("http://a.test/m", "meta")),
    (200, {"Content-Type": "text/html"}, b"<script>location.href='/s'</script>",
     NextHop("http://a.test/s", "script")),
]


@pytest.mark.parametrize(("status", "headers", "body", "expected"), EDGES)
def test_next_hop_edges(status: int, headers: dict[str, str], body: bytes | None,
                        expected: NextHop | None) -> None:
    assert next_hop(BASE, status, headers, body) == expected


def test_a_page_with_a_fragment_refreshing_to_another_fragment_stays_put() -> None:
    assert next_hop("http://a.test/p#x", 200, {"Refresh": "0; url=#y"}, None) is None
    assert next_hop("http://a.test/p#x", 200, {"Refresh": "0; url=/q#y"}, None) == NextHop(
        "http://a.test/q#y", "refresh")


def test_shorteners_in_a_chain_match_by_host_or_by_registrable_domain() -> None:
    hops = chain(("http://go.school.test/x", "start"), ("http://x.bit.test/y", "location"),
                 ("https://shop.test/", "location"))
    found = evidence(hops, "redirect.shortener", frozenset({"go.school.test", "bit.test"}))
    assert found == {"host": "go.school.test", "count": "2"}


def test_cross_domain_compares_the_first_hop_with_the_last() -> None:
    hops = chain(("https://a.school.test/", "start"), ("https://b.school.test/", "location"),
                 ("https://evil.test/", "location"))
    assert evidence(hops, "redirect.cross_domain") == {"start": "school.test", "final": "evil.test"}
