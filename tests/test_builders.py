"""The tables the detectors build once at import, checked by calling their builders directly
(`make mutate` cannot reach code that ran before a mutant was switched on; docs/testing.md)."""

from __future__ import annotations

import pytest

from service.detect import idn, lures

# (character, allowed in a shown IDN label): UTS #39 recommended + inclusion sets, minus the
# ranges Chromium removes (idn_spoof_checker.cc), Vietnamese letters from U+1EA0 kept.
ALLOWED = [
    ("a", True), ("-", True), ("é", True), ("ệ", True), ("ữ", True), ("а", True),  # Cyrillic a
    ("\u0338", False), ("\u2010", False), ("\u2019", False), ("\u0138", False),
    ("\u1e00", False), ("\u1e9b", False), ("\u1f00", False),  # Latin Ext Additional, Greek Ext
    ("\u0000", False), ("<", False),
]


@pytest.mark.parametrize(("char", "allowed"), ALLOWED)
def test_the_allowed_set_follows_chromium(char: str, allowed: bool) -> None:
    built = idn._allowed_set()
    assert bool(built.contains(char)) is allowed
    assert built.isFrozen()


def test_a_whole_script_entry_holds_its_letters_lookalikes_and_tlds() -> None:
    entry = idn._script("[[:Grek:]]", "αι", ("gr", "cy"))
    assert entry.letters.contains("ω") and not entry.letters.contains("a")
    assert entry.letters.isFrozen()
    assert entry.latin_lookalikes == frozenset({"α", "ι"})
    assert entry.tlds == frozenset({"gr", "cy"})
    assert idn._script("[[:Armn:]]", "").tlds == frozenset()


def test_a_lure_pattern_row_is_one_pattern_per_host_and_every_path() -> None:
    rows = lures._p("invite.private_group", 45, "Zalo group", "zalo.me  chat.zalo.me", "/g/", "/x/")
    assert rows == (
        lures.Pattern("invite.private_group", "zalo.me", ("/g/", "/x/"), 45, "Zalo group"),
        lures.Pattern("invite.private_group", "chat.zalo.me", ("/g/", "/x/"), 45, "Zalo group"),
    )
    assert lures._p("form.personal_data", 40, "Forms", "forms.gle") == (
        lures.Pattern("form.personal_data", "forms.gle", ("",), 40, "Forms"),
    )


def test_distinctive_tokens_are_long_letters_found_in_no_word_and_no_other_site() -> None:
    from service.detect.distinct import distinctive_tokens
    from service.detect.targets import Brand

    def brand(token: str, domain: str) -> Brand:
        return Brand(name=token, category="x", domains=(domain,), tokens=(token,))

    brands = [brand("vietcombank", "vietcombank.com.vn"), brand("shopee", "shopee.vn"),
              brand("momo", "momo.vn"), brand("abc12", "abc12.vn"), brand("google", "google.com"),
              brand("tiktok", "tiktok.com")]
    found = distinctive_tokens(brands, ["  Googles ", "", "bank"], ["shopee.vn", "tiktokshop.vn"])
    # momo is short, abc12 not letters, google inside a word, tiktok inside another site's name;
    # shopee.vn is shopee's own domain, so it does not count against it
    assert found == frozenset({"vietcombank", "shopee"})
    assert distinctive_tokens(brands, [], ["shopeefood.vn"]) == frozenset(
        {"vietcombank", "google", "tiktok"})


PROTECTED = """
[[target]]
name = "Vietcombank"
category = "bank"
domains = ["vietcombank.com.vn"]
tokens = ["vcbdigibank"]
"""
LEXICON = """
[[category]]
code = "scam.gambling"
weight = 60
strong = ["tài xỉu"]
"""


def test_name_data_is_built_from_whichever_sources_are_given() -> None:
    from service.detect.namedata import NameSources, build_name_data

    none = build_name_data(NameSources())
    assert (none.targets, none.lexicon, none.platforms) == (None, None, None)
    full = build_name_data(NameSources(protected=PROTECTED, keywords="login\n", lexicon=LEXICON,
                                       syllables="tai\nxiu\n", english="bank # a word\nhello\n",
                                       platforms='[[path]]\nhost = "sites.google.com"\n'),
                           private_suffixes=["github.io"], popular=["vcbdigibank.top"])
    assert [b.name for b in full.targets.brands] == ["Vietcombank"]
    assert full.targets.distinctive == frozenset({"vietcombank"})  # vcbdigibank is another site
    assert full.lexicon is not None and full.platforms is not None
    assert full.platforms.is_platform_suffix("github.io")
    assert full.platforms.place("sites.google.com", "google.com", "/view/taixiu/") is not None
    no_words = build_name_data(NameSources(protected=PROTECTED))
    assert no_words.targets.distinctive == frozenset() and no_words.lexicon is None
    domains = build_name_data(NameSources(protected=PROTECTED,
                                          protected_domains=("truong.edu.vn",)))
    assert [b.domains for b in domains.targets.brands] == [("truong.edu.vn",)]
