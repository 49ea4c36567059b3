"""Index semantics: host suffixes, URL prefixes, allow versus block, exceptions, counts."""

from __future__ import annotations

import pytest

from service.core import urls
from service.lists.entries import Entry, ListSpec, iter_list, parse_list
from service.lists.index import Index, IndexBuilder, Match


def spec(name: str, category: str = "phishing", fmt: str = "domains") -> ListSpec:
    action = "allow" if category == "allow" else "block"
    return ListSpec(name=name, file=f"{name}.txt", format=fmt, category=category, action=action)


def index_of(*lists: tuple[str, str, str, str]) -> Index:
    """(name, category, format, text) per list."""
    return Index(
        (spec(name, category, fmt), parse_list(text, fmt).entries)
        for name, category, fmt, text in lists
    )


INDEX = index_of(
    ("phish", "phishing", "domains", "evil.com\nbad.example.org\n1.2.3.4\n[2001:DB8::1]\n"),
    ("urls", "scam", "urls", "http://host.test/login/\nhttp://host.test/a/page.html?x=1\n"),
    ("lure", "lure", "urls", "https://zalo.me/g/abc123\nhttp://trusted.test/exact.html\n"),
    ("allow", "allow", "domains", "trusted.test\nzalo.me\ngood.evil.com\n"),
    ("abp", "malware", "adblock", "||malware.test^\n@@||safe.malware.test^\n"),
)

# (url, block hits as (list, entry, exact), allow hits as (list, entry), blocked, allowed)
CASES = [
    ("http://evil.com/", [("phish", "evil.com", False)], [], True, False),
    ("http://a.b.c.d.e.f.evil.com/x", [("phish", "evil.com", False)], [], True, False),
    ("http://notevil.com/", [], [], False, False),
    ("http://evil.com.example/", [], [], False, False),
    ("http://1.2.3.4/x", [("phish", "1.2.3.4", False)], [], True, False),
    ("http://5.1.2.3.4.example/", [], [], False, False),
    ("http://[2001:db8:0::1]/", [("phish", "[2001:db8::1]", False)], [], True, False),
    ("http://0x01020304/", [("phish", "1.2.3.4", False)], [], True, False),
    # path prefix entries cover what is under them; exact entries only themselves (+ query-less)
    ("http://host.test/login/", [("urls", "host.test/login/", True)], [], True, False),
    (
        "http://www.host.test/login/step2.php",
        [("urls", "host.test/login/", False)],
        [],
        True,
        False,
    ),
    ("http://host.test/loginx", [], [], False, False),
    (
        "http://host.test/a/page.html?x=1",
        [("urls", "host.test/a/page.html?x=1", True)],
        [],
        True,
        False,
    ),
    ("http://host.test/a/page.html?x=2", [], [], False, False),
    # allow beats block, unless the exact URL is blocklisted
    (
        "http://good.evil.com/",
        [("phish", "evil.com", False)],
        [("allow", "good.evil.com")],
        False,
        True,
    ),
    (
        "https://zalo.me/g/abc123",
        [("lure", "zalo.me/g/abc123", True)],
        [("allow", "zalo.me")],
        True,
        False,
    ),
    ("https://zalo.me/g/abc123/more", [], [("allow", "zalo.me")], False, True),
    (
        "http://trusted.test/exact.html",
        [("lure", "trusted.test/exact.html", True)],
        [("allow", "trusted.test")],
        True,
        False,
    ),
    ("http://trusted.test/other.html", [], [("allow", "trusted.test")], False, True),
    # adblock exceptions are allow hits from the same list
    ("http://x.malware.test/", [("abp", "malware.test", False)], [], True, False),
    (
        "http://safe.malware.test/",
        [("abp", "malware.test", False)],
        [("abp", "safe.malware.test")],
        False,
        True,
    ),
]


@pytest.mark.parametrize(("url", "block", "allow", "blocked", "allowed"), CASES)
def test_match(
    url: str,
    block: list[tuple[str, str, bool]],
    allow: list[tuple[str, str]],
    blocked: bool,
    allowed: bool,
) -> None:
    match = INDEX.match(urls.parse(url))
    assert [(h.list, h.entry, h.exact) for h in match.block] == block
    assert [(h.list, h.entry) for h in match.allow] == allow
    assert (match.blocked, match.allowed) == (blocked, allowed)


def test_hits_carry_category_and_action() -> None:
    match = INDEX.match(urls.parse("http://safe.malware.test/"))
    assert [(h.category, h.action) for h in match.block] == [("malware", "block")]
    assert [(h.category, h.action) for h in match.allow] == [("malware", "allow")]


def test_most_specific_hit_first() -> None:
    index = index_of(
        ("a", "phishing", "domains", "evil.com\n"),
        ("b", "scam", "domains", "x.evil.com\n"),
        ("c", "scam", "urls", "http://x.evil.com/p/\n"),
    )
    match = index.match(urls.parse("http://x.evil.com/p/q"))
    assert [h.entry for h in match.block] == ["x.evil.com/p/", "x.evil.com", "evil.com"]


def test_one_key_in_several_lists_gives_one_hit_per_list() -> None:
    index = index_of(
        ("a", "phishing", "domains", "evil.com\nevil.com\n"),
        ("b", "scam", "hosts", "0.0.0.0 evil.com\n"),
        ("c", "allow", "domains", "evil.com\n"),
    )
    match = index.match(urls.parse("http://evil.com/"))
    assert sorted(h.list for h in match.block) == ["a", "b"]
    assert [h.list for h in match.allow] == ["c"]
    assert dict(index.counts) == {"a": 1, "b": 1, "c": 1}
    assert len(index) == 1


def test_counts_and_entries_per_list() -> None:
    assert INDEX.counts["phish"] == 4 and INDEX.count("urls") == 2 and INDEX.count("nope") == 0
    assert INDEX.count("abp") == 2
    assert sorted((e.value, e.exception) for e in INDEX.entries("abp")) == [
        ("malware.test", False),
        ("safe.malware.test", True),
    ]
    assert [s.name for s in INDEX.lists] == ["phish", "urls", "lure", "allow", "abp"]


def test_empty_index_matches_nothing() -> None:
    empty = Index.empty()
    match = empty.match(urls.parse("http://evil.com/"))
    assert match == Match() and not match.blocked and not match.allowed
    assert len(empty) == 0 and dict(empty.counts) == {}


def test_builder_takes_raw_scanner_output() -> None:
    builder = IndexBuilder()
    builder.add_raw(spec("raw", fmt="urls"), iter_list("evil.com\nhttp://x.test/a/\n", "urls"))
    index = builder.build()
    assert index.match(urls.parse("http://sub.evil.com/")).blocked
    assert index.match(urls.parse("http://x.test/a/b")).blocked
    with pytest.raises(ValueError, match="added twice"):
        builder.add_raw(spec("raw"), iter([]))


def test_exception_and_block_in_one_list_for_one_key() -> None:
    index = Index([(spec("abp", fmt="adblock"), [Entry("a.com"), Entry("a.com", exception=True)])])
    match = index.match(urls.parse("http://a.com/"))
    assert (len(match.block), len(match.allow), match.blocked) == (1, 1, False)


def test_a_url_entry_on_two_lists_is_found_on_both() -> None:
    index = index_of(("a", "phishing", "urls", "http://evil.test/login\n"),
                     ("b", "scam", "urls", "http://evil.test/login\nhttp://other.test/\n"))
    hits = index.match(urls.parse("http://evil.test/login")).block
    assert sorted(h.list for h in hits) == ["a", "b"]


@pytest.mark.parametrize("url", [
    "http://x9.evil.t3st/",  # a digit in a label is no IP address
    "http://login.evil.t3st/",
    "http://a.b.evil.t3st/path",
    "http://login.evil.te5t/",  # nor is a digit just before the last letter
])
def test_a_listed_domain_covers_subdomains_with_digits_in_them(url: str) -> None:
    index = index_of(("a", "phishing", "domains", "evil.t3st\nevil.te5t\n"))
    assert index.match(urls.parse(url)).blocked
