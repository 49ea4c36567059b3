"""Every reason code the service can emit has a message and advice in Vietnamese and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.detect import messages
from service.detect.lexicon import parse_phrases
from service.detect.messages import LANGS, MESSAGES, pick_lang, text_for

SERVICE = Path(__file__).resolve().parent.parent / "service"
NAMESPACES = ("blocklist", "allowlist", "url", "lookalike", "idn", "redirect", "invite", "form",
              "download", "message", "platform")
CODE = re.compile(r"""["']((?:""" + "|".join(NAMESPACES) + r""")\.[a-z][a-z0-9_]*)["']""")


def emitted_codes() -> set[str]:
    """Reason codes written as string literals anywhere in the service package."""
    found: set[str] = set()
    for path in SERVICE.rglob("*.py"):
        if path.name == "messages.py":
            continue
        found.update(CODE.findall(path.read_text(encoding="utf-8")))
    return found


def lexicon_codes() -> set[str]:
    """The scam.* codes are data: one per category of the shipped scam lexicon."""
    text = (SERVICE.parent / "blocklists" / "reference" / "scam-lexicon.toml").read_text("utf-8")
    return {p.code for p in parse_phrases(text).values()}


@pytest.mark.parametrize("code", sorted(lexicon_codes()))
def test_every_lexicon_category_has_both_languages(code: str) -> None:
    assert code in MESSAGES, f"{code} has no message"
    for lang in LANGS:
        assert MESSAGES[code][lang].message and MESSAGES[code][lang].advice


def test_the_scan_finds_the_structural_codes() -> None:
    assert {"blocklist.match", "url.userinfo", "url.suspicious_tld"} <= emitted_codes()


@pytest.mark.parametrize("code", sorted(emitted_codes()))
def test_every_emitted_code_has_both_languages(code: str) -> None:
    assert code in MESSAGES, f"{code} has no message"
    for lang in LANGS:
        text = MESSAGES[code][lang]
        assert text.message.strip() and text.advice.strip()


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_vietnamese_differs_from_english(code: str) -> None:
    assert MESSAGES[code]["vi"] != MESSAGES[code]["en"]


def test_placeholders_are_filled_from_evidence_and_missing_ones_stay_empty() -> None:
    text = text_for("url.suspicious_tld", {"tld": "top"}, "en")
    assert ".top" in text.message
    assert "{" not in text_for("url.suspicious_tld", {}, "vi").message


def test_hostile_evidence_is_inserted_as_text_not_as_a_format() -> None:
    text = text_for("url.userinfo", {"host": "{host.__class__}{0}"}, "en")
    assert "{host.__class__}{0}" in text.message


def test_unknown_code_falls_back_to_a_generic_message() -> None:
    assert "x.unknown" in text_for("x.unknown", {}, "en").message


@pytest.mark.parametrize(
    ("lang", "accept", "expected"),
    [
        ("en", None, "en"),
        ("vi", "en", "vi"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "fr-FR, vi;q=0.5", "vi"),
        ("de", "de", "vi"),
        (None, None, "vi"),
        (None, "fr,en", "en"),  # no space after the comma
        (None, "  EN-gb ;q=0.8", "en"),  # case, spaces and a region
        (None, "fr;q=0.9,en-US;q=0.8", "en"),
        (None, "xx-en, vi", "vi"),  # the primary tag is the part before the dash
        (None, "en-vi", "en"),
        (None, "", "vi"),
        ("EN", None, "vi"),  # ?lang= is exact
    ],
)
def test_language_choice(lang: str | None, accept: str | None, expected: str) -> None:
    assert pick_lang(lang, accept) == expected


def test_three_nos_and_three_musts_in_both_languages() -> None:
    for lang in LANGS:
        assert len(messages.THREE_NOS[lang]) == 3
        assert len(messages.THREE_MUSTS[lang]) == 3


def test_text_for_another_language_or_missing_evidence() -> None:
    assert text_for("blocklist.match", {}, "fr") == text_for("blocklist.match", {}, "vi")
    en = text_for("blocklist.match", {}, "en")
    assert en.message == "This link is on a list of scam or dangerous sites ()."
    assert "{" not in en.advice and "XXXX" not in en.message
