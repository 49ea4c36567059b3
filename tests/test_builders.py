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
