"""URL display segments (as the warning page shows them) and the national reporting links."""

from __future__ import annotations

import pytest

from service.detect.urlview import describe
from service.store.reports import Report
from service.web import national

CASES = [
    # url, flags, highlighted pieces, the bold (registrable) text
    ("http://xn--fcebook-8va.com/login", ("punycode", "confusable"), ["à"], "fàcebook.com"),
    ("http://xn--fcebook-2fg.com/", ("punycode", "confusable"), ["а"], "fаcebook.com"),
    ("http://faceb00k.com/x?y=1", ("digits",), ["00"], "faceb00k.com"),
    ("http://paypa1.com/", (), [], "paypa1.com"),  # a 1 at the end is no letter swap
    ("http://192.168.1.10/admin", ("ip",), ["192.168.1.10"], "192.168.1.10"),
    ("http://login.vietcombank.com.vn.evil.top/", (), [], "evil.top"),
    ("http://a.b.vietcombank.com.vn/", (), [], "vietcombank.com.vn"),
]


@pytest.mark.parametrize(("url", "flags", "highlighted", "domain"), CASES)
def test_segments_mark_what_deceives(url: str, flags: tuple[str, ...], highlighted: list[str],
                                     domain: str) -> None:
    view = describe(url)
    assert view.flags == flags
    assert [s.text for s in view.segments if s.highlight] == highlighted
    assert "".join(s.text for s in view.segments if s.kind in ("domain", "dot")
                   ).endswith(domain)
    if "ip" not in flags:
        assert "".join(s.text for s in view.segments if s.kind == "domain") == domain.replace(
            ".", "")


def test_a_cyrillic_letter_is_named_with_what_it_imitates() -> None:
    view = describe("http://xn--fcebook-2fg.com/")
    assert view.host_ascii == "xn--fcebook-2fg.com" and view.host_unicode == "fаcebook.com"
    (lookalike,) = view.lookalikes
    assert (lookalike.codepoint, lookalike.name, lookalike.looks_like) == (
        "U+0430", "CYRILLIC SMALL LETTER A", "a")


@pytest.mark.parametrize("raw", ["not a url", "javascript:alert(1)", "", "http://"])
def test_text_that_is_no_url_is_one_plain_segment(raw: str) -> None:
    view = describe(raw)
    assert [(s.text, s.highlight) for s in view.segments] == [(raw, None)] and view.flags == ()


def test_long_paths_are_cut() -> None:
    view = describe("http://x.test/" + "a" * 1000)
    assert len(view.segments[-1].text) <= 302 and view.segments[-1].text.endswith("…")


def _report(status: str, kind: str = "scam") -> Report:
    return Report(id="1-a", kind=kind, url="http://evil.test/?a=<b>", comment="",
                  lists_version="v", created_at=0.0, status=status)


@pytest.mark.parametrize(("status", "kind", "channels"), [
    ("accepted", "scam", ["chongluadao", "ncsc"]),
    ("accepted", "phishing", ["chongluadao", "ncsc"]),
    ("new", "scam", []), ("rejected", "scam", []), ("accepted", "false_positive", []),
])  # fmt: skip
def test_national_links_only_for_accepted_harmful_reports(status: str, kind: str,
                                                          channels: list[str]) -> None:
    links = national.links(_report(status, kind), "text")
    assert [link.channel.id for link in links] == channels
    for link in links:  # no channel documents a prefill parameter: nothing rides in the link
        assert link.href.startswith("https://") and "evil.test" not in link.href


def test_a_documented_prefill_parameter_is_escaped() -> None:
    channel = national.Channel("x", "X", "https://form.example/report", prefill="?url={url}")
    assert national.href_for(channel, "http://a.test/?q=1&b=<2>") == (
        "https://form.example/report?url=http%3A%2F%2Fa.test%2F%3Fq%3D1%26b%3D%3C2%3E")


EXACT = [
    ("https://user:pw@xn--80ak6aa92e.xn--80ak6aa92e.com:8443/a/b?q=1&r=<x>",
     [("https://", "scheme", None), ("user:pw@", "userinfo", "userinfo"),
      ("аррӏе", "subdomain", "confusable"), (".", "dot", None), ("аррӏе", "domain", "confusable"),
      (".", "dot", None), ("com", "domain", None), (":8443", "port", None),
      ("/a/b?q=1&r=<x>", "path", None)],
     ("punycode", "confusable", "userinfo"), "аррӏе.аррӏе.com"),
    ("http://login.faceb00k.co.uk/",
     [("http://", "scheme", None), ("login", "subdomain", None), (".", "dot", None),
      ("faceb", "domain", None), ("00", "domain", "digits"), ("k", "domain", None),
      (".", "dot", None), ("co", "domain", None), (".", "dot", None), ("uk", "domain", None),
      ("/", "path", None)],
     ("digits",), "login.faceb00k.co.uk"),
    ("http://[::1]:8080/x",
     [("http://", "scheme", None), ("[::1]", "domain", "ip"), (":8080", "port", None),
      ("/x", "path", None)],
     ("ip",), "[::1]"),
    ("http://g00gle1a.com/?",
     [("http://", "scheme", None), ("g", "domain", None), ("00", "domain", "digits"),
      ("gle", "domain", None), ("1", "domain", "digits"), ("a", "domain", None),
      (".", "dot", None), ("com", "domain", None), ("/?", "path", None)],
     ("digits",), "g00gle1a.com"),
    ("http://A.Test",
     [("http://", "scheme", None), ("a", "domain", None), (".", "dot", None),
      ("test", "domain", None), ("/", "path", None)],
     (), "a.test"),
    ("http://xn--fcebook-2fg.com/",
     [("http://", "scheme", None), ("f", "domain", None), ("а", "domain", "confusable"),
      ("cebook", "domain", None), (".", "dot", None), ("com", "domain", None), ("/", "path", None)],
     ("punycode", "confusable"), "fаcebook.com"),
]


@pytest.mark.parametrize(("url", "segments", "flags", "unicode_host"), EXACT)
def test_every_segment_in_order(url: str, segments: list[tuple[str, str, str | None]],
                                flags: tuple[str, ...], unicode_host: str) -> None:
    view = describe(url)
    assert [(s.text, s.kind, s.highlight) for s in view.segments] == segments
    assert (view.text, view.flags, view.host_unicode) == (url, flags, unicode_host)
    assert view.punycode is ("punycode" in flags)


def test_each_lookalike_is_named_once_and_at_most_eight_are() -> None:
    view = describe("http://xn--80ak6aa92e.xn--80ak6aa92e.com/")
    assert [(x.char, x.codepoint, x.name, x.looks_like) for x in view.lookalikes] == [
        ("а", "U+0430", "CYRILLIC SMALL LETTER A", "a"),
        ("р", "U+0440", "CYRILLIC SMALL LETTER ER", "p"),
        ("ӏ", "U+04CF", "CYRILLIC SMALL LETTER PALOCHKA", "i"),
        ("е", "U+0435", "CYRILLIC SMALL LETTER IE", "e")]
    greek = describe("http://xn--nxasmq6b.com/").lookalikes  # βόλοσ: β and λ imitate no letter
    assert [(x.char, x.looks_like) for x in greek] == [
        ("β", ""), ("ό", "o"), ("λ", ""), ("ο", "o"), ("σ", "o")]
    many = "".join(chr(0x430 + i) for i in range(12))  # twelve Cyrillic letters
    from service.core.urls import parse
    view = describe(f"http://{parse('http://' + many + '.com/').host}/")
    assert len(view.lookalikes) == 8 and [x.char for x in view.lookalikes] == list(many[:8])
    assert describe("http://a.test/").lookalikes == ()
    assert describe("http://1.2.3.4/").lookalikes == ()


def test_a_path_of_exactly_the_limit_is_whole_and_one_more_is_cut() -> None:
    whole = "/" + "a" * 299
    assert describe("http://x.test" + whole).segments[-1].text == whole
    cut = describe("http://x.test" + whole + "bc").segments[-1].text
    assert cut == whole + "…"
    assert describe("not a url " + "x" * 400).segments[0].text == ("not a url " + "x" * 400)[:300]
