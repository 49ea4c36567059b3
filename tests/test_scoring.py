"""Scoring: allow against block at the scorer, one reason per host however many lists, the sum."""

from __future__ import annotations

import pytest

from service.core import urls
from service.core.model import Assessment, Hop, Reference, Signal, Subject, Verdict
from service.detect import present
from service.detect.scoring import assess_url, combine
from service.lists.entries import ListSpec, parse_list
from service.lists.index import Hit, Index, Match


def spec(name: str, category: str, fmt: str = "domains") -> ListSpec:
    action = "allow" if category == "allow" else "block"
    return ListSpec(name=name, file=f"{name}.txt", format=fmt, category=category, action=action)


# evil.test is on three block lists; good.evil.test (under it) and school.test are allowed;
# bad.school.test (under the allowed school.test) is blocked, and so is one exact school URL.
INDEX = Index(
    (spec(name, category, fmt), parse_list(text, fmt).entries)
    for name, category, fmt, text in (
        ("phish", "phishing", "domains", "evil.test\nbad.school.test\n"),
        ("scam", "scam", "domains", "evil.test\n"),
        ("abp", "malware", "adblock", "||evil.test^\n"),
        ("urls", "scam", "urls", "http://school.test/exact/page.html\n"),
        ("allow", "allow", "domains", "good.evil.test\nschool.test\n"),
    )
)
REFERENCE = Reference(suspicious_tlds=frozenset({"top"}))

# url -> (verdict, score, reason codes in order). DESIGN.md: an allowlist hit is safe unless the
# exact URL is blocklisted; an allowed site loses the shape signals (url.*) too.
ALLOW_BLOCK = [
    ("http://evil.test/", "dangerous", 100, ["blocklist.match"]),  # three lists, one reason
    ("http://a.b.evil.test/x", "dangerous", 100, ["blocklist.match"]),
    ("http://good.evil.test/", "safe", 0, ["allowlist.match"]),  # allowed under a blocked domain
    ("http://deep.good.evil.test/login", "safe", 0, ["allowlist.match"]),
    ("http://bad.school.test/", "safe", 0, ["allowlist.match"]),  # blocked under an allowed one
    ("http://school.test/exact/page.html", "dangerous", 95, ["blocklist.match"]),  # exact URL
    ("http://school.test/exact/", "safe", 0, ["allowlist.match"]),  # only that very URL
    ("http://user@good.evil.test:8080/", "safe", 0, ["allowlist.match"]),  # shape dropped
    ("http://user@other.test:8080/", "suspicious", 53, ["url.userinfo", "url.nonstandard_port"]),
    ("http://other.top/", "safe", 25, ["url.suspicious_tld"]),
    ("http://other.test/", "safe", 0, []),
]


@pytest.mark.parametrize(("url", "verdict", "score", "codes"), ALLOW_BLOCK)
def test_allow_and_block_at_the_scorer(
    url: str, verdict: str, score: int, codes: list[str]
) -> None:
    result = assess_url(urls.parse(url), INDEX, REFERENCE)
    assert (result.level, result.score, [s.code for s in result.signals]) == (verdict, score, codes)


def test_a_host_on_three_lists_is_one_reason_from_the_strongest_list() -> None:
    match = INDEX.match(urls.parse("http://evil.test/"))
    assert sorted(hit.list for hit in match.block) == ["abp", "phish", "scam"]
    result = assess_url(urls.parse("http://evil.test/"), INDEX, REFERENCE)
    assert [(s.code, s.score, s.evidence["list"]) for s in result.signals] == [
        ("blocklist.match", 100, "phish")
    ]


def block(lst: str, category: str, entry: str, exact: bool = False) -> Hit:
    return Hit(lst, category, "block", entry, exact)


def allow(entry: str) -> Hit:
    return Hit("allow", "allow", "allow", entry)


BLOCK_SIG = Signal("blocklist.match", 100, {"list": "phish"})
ALLOW_SIG = Signal("allowlist.match", 0, {"list": "allow"})
INVITE = Signal("invite.private_group", 40, {"service": "zalo"})
SHAPE = Signal("url.userinfo", 45, {"host": "x.test"})

# (signals, match, codes kept): combine's allowlist rules on their own.
COMBINE_ALLOW = [
    ([BLOCK_SIG, SHAPE], None, ["blocklist.match", "url.userinfo"]),
    ([BLOCK_SIG, SHAPE], Match(block=(block("phish", "phishing", "x.test"),)),
     ["blocklist.match", "url.userinfo"]),
    ([BLOCK_SIG, ALLOW_SIG, SHAPE, INVITE],
     Match(block=(block("phish", "phishing", "x.test"),), allow=(allow("ok.x.test"),)),
     ["invite.private_group", "allowlist.match"]),  # the lure stays: what the link asks
    ([ALLOW_SIG, INVITE], Match(allow=(allow("x.test/g/abc"),)), ["allowlist.match"]),
    ([BLOCK_SIG, SHAPE],
     Match(block=(block("urls", "scam", "x.test/p", exact=True),), allow=(allow("x.test"),)),
     ["blocklist.match", "url.userinfo"]),  # the exact URL beats the allow entry
]


@pytest.mark.parametrize(("signals", "match", "codes"), COMBINE_ALLOW)
def test_combine_applies_the_allowlist(
    signals: list[Signal], match: Match | None, codes: list[str]
) -> None:
    assert [s.code for s in combine(signals, match=match).signals] == codes


def sig(code: str, score: int, target: str | None = None) -> Signal:
    return Signal(code, score, {"target": target} if target else {})


# (signals, score, verdict, codes with scores, suggestion): noisy-OR, clamping, order, dedupe.
COMBINE = [
    ([], 0, "safe", [], None),
    ([sig("url.long", 10)], 10, "safe", [("url.long", 10)], None),
    ([sig("url.a", 60), sig("url.b", 30)], 72, "dangerous", [("url.a", 60), ("url.b", 30)], None),
    ([sig("url.a", 29)], 29, "safe", [("url.a", 29)], None),
    ([sig("url.a", 30)], 30, "suspicious", [("url.a", 30)], None),
    ([sig("url.a", 69)], 69, "suspicious", [("url.a", 69)], None),
    ([sig("url.a", 70)], 70, "dangerous", [("url.a", 70)], None),
    ([sig("url.a", 150)], 100, "dangerous", [("url.a", 150)], None),  # clamped to 100
    ([sig("url.a", -20), sig("url.b", 50)], 50, "suspicious", [("url.b", 50), ("url.a", -20)],
     None),
    ([sig("url.b", 40), sig("url.a", 40)], 64, "suspicious", [("url.a", 40), ("url.b", 40)], None),
    # one reason per (code, target): the strongest; other targets stay separate reasons
    ([sig("lookalike.x", 40, "facebook.com"), sig("lookalike.x", 60, "facebook.com"),
      sig("lookalike.x", 50, "zalo.me"), sig("lookalike.x", 60, "facebook.com")],
     80, "dangerous", [("lookalike.x", 60), ("lookalike.x", 50)], "facebook.com"),
    ([sig("url.a", 20), sig("lookalike.y", 30, "zalo.me"), sig("lookalike.x", 50, "vnu.edu.vn")],
     72, "dangerous", [("lookalike.x", 50), ("lookalike.y", 30), ("url.a", 20)], "vnu.edu.vn"),
]


@pytest.mark.parametrize(("signals", "score", "verdict", "kept", "suggestion"), COMBINE)
def test_combine_weighs_signals(
    signals: list[Signal], score: int, verdict: str, kept: list[tuple[str, int]],
    suggestion: str | None,
) -> None:
    result = combine(signals)
    assert (result.score, result.level) == (score, verdict)
    assert [(s.code, s.score) for s in result.signals] == kept
    assert result.suggestion == suggestion


def test_dedupe_keeps_the_first_of_equal_scores() -> None:
    first = Signal("blocklist.match", 100, {"list": "a"})
    second = Signal("blocklist.match", 100, {"list": "b"})
    assert combine([first, second]).signals == (first,)


@pytest.mark.parametrize(("lang", "fragment"), [("en", "list"), ("vi", "danh sách")])
def test_present_gives_the_api_shape_in_the_student_language(lang: str, fragment: str) -> None:
    verdict = Verdict(score=100, level="dangerous", signals=(BLOCK_SIG,), suggestion=None)
    hops = (Hop(url="http://x.test/", status=301, via="start"),
            Hop(url="http://evil.test/", status=200, via="redirect"))
    body = present.assessment(
        Assessment(url="HTTP://x.test", canonical_url="http://x.test/",
                   final_url="http://evil.test/", verdict=verdict, redirects=hops,
                   lists_version="v1", cached=True, ttl=60),
        lang,
    )
    reason = body.pop("reasons")
    assert body == {
        "url": "HTTP://x.test", "canonical_url": "http://x.test/",
        "final_url": "http://evil.test/", "verdict": "dangerous", "score": 100,
        "redirects": [{"url": "http://x.test/", "status": 301, "via": "start"},
                      {"url": "http://evil.test/", "status": 200, "via": "redirect"}],
        "suggestion": None, "lists_version": "v1", "cached": True, "ttl": 60, "lang": lang,
    }
    assert [(r["code"], r["score"], r["evidence"]) for r in reason] == [
        ("blocklist.match", 100, {"list": "phish"})
    ]
    assert fragment in reason[0]["message"] and reason[0]["advice"]
    assert present.error("invalid_url", "bad", url="u") == {
        "url": "u", "error": {"code": "invalid_url", "message": "bad"}}
    assert present.error("busy", "later") == {"error": {"code": "busy", "message": "later"}}


def test_an_empty_target_is_no_target_when_reasons_are_merged() -> None:
    verdict = combine([Signal("url.userinfo", 45, {"host": "x.test"}),
                       Signal("url.userinfo", 30, {"host": "x.test", "target": ""}),
                       Signal("url.userinfo", 20, {"target": "XXXX"})])
    assert [(s.score, s.evidence.get("target")) for s in verdict.signals] == [(45, None),
                                                                               (20, "XXXX")]


STRUCT_REF = Reference(suspicious_tlds=frozenset({"top"}),
                       shorteners=frozenset({"bit.ly", "go.school.test"}))


@pytest.mark.parametrize(("url", "signals"), [
    ("http://203.0.113.9/login", [Signal("url.ip_host", 35, {"host": "203.0.113.9"})]),
    ("http://[2001:db8::1]/", [Signal("url.ip_host", 35, {"host": "[2001:db8::1]"})]),
    ("http://facebook.com@evil.test/", [Signal("url.userinfo", 45, {"host": "evil.test"})]),
    ("http://xn--80ak6aa92e.com/", [Signal("url.punycode", 20, {"host": "xn--80ak6aa92e.com"})]),
    ("http://a.b.c.d.evil.com/", [Signal("url.many_subdomains", 15, {"count": "4"})]),
    ("http://a.b.c.evil.com/", []),  # three labels in front are not many
    ("http://evil.test:8443/", [Signal("url.nonstandard_port", 15, {"port": "8443"})]),
    ("https://evil.test:80/", [Signal("url.nonstandard_port", 15, {"port": "80"})]),
    ("http://evil.test:80/", []),
    ("http://x.test/" + "a" * 187, [Signal("url.long", 10, {"length": "201"})]),
    ("http://x.test/" + "a" * 186, []),  # 200 characters are not long
    ("http://win-prize.top/", [Signal("url.suspicious_tld", 25, {"tld": "top"})]),
    ("http://bit.ly/x", [Signal("url.shortener", 15, {"host": "bit.ly"})]),
    ("http://go.school.test/x", [Signal("url.shortener", 15, {"host": "go.school.test"})]),
    ("http://x.bit.ly/x", [Signal("url.shortener", 15, {"host": "x.bit.ly"})]),
])
def test_each_structural_reason_exactly(url: str, signals: list[Signal]) -> None:
    from service.detect import structural

    subject = Subject(url=urls.parse(url), match=Match())
    found = [s for detector in structural.DETECTORS for s in detector(subject, STRUCT_REF)]
    assert found == signals


def test_list_reasons_name_the_list_category_and_entry() -> None:
    from service.detect import structural

    match = Match(block=(block("p", "phishing", "evil.test"), block("m", "malware", "evil.test"),
                         block("s", "scam", "evil.test"), block("l", "lure", "evil.test"),
                         block("a", "adult", "evil.test"), block("o", "odd", "evil.test")),
                  allow=(allow("good.evil.test"), allow("evil.test")))
    subject = Subject(url=urls.parse("http://good.evil.test/"), match=match)
    assert list(structural.detect_block(subject, STRUCT_REF)) == [
        Signal("blocklist.match", score, {"list": name, "category": category, "entry": "evil.test"})
        for name, category, score in (("p", "phishing", 100), ("m", "malware", 100),
                                      ("s", "scam", 95), ("l", "lure", 90), ("a", "adult", 75),
                                      ("o", "odd", 90))]
    assert list(structural.detect_allow(subject, STRUCT_REF)) == [
        Signal("allowlist.match", 0, {"list": "allow", "entry": "good.evil.test"})]
