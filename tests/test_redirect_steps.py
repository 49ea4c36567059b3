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
