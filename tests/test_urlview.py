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
