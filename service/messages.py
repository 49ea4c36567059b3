"""Reason codes to short, localized text (vi default, en) with advice from the 3 Nos / 3 Musts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"


@dataclass(frozen=True, slots=True)
class Text:
    """One reason in one language. `{name}` placeholders are filled from the signal's evidence."""

    message: str
    advice: str


# Each namespace has its own table so that detectors owned by different modules can be
# written side by side. Every code a detector can emit must appear here in both languages;
# tests/test_messages.py enforces it. Keep it short and plain: the reader is 12 to 18.

_BLOCKLIST: dict[str, dict[str, Text]] = {}
_URL: dict[str, dict[str, Text]] = {}
_LOOKALIKE: dict[str, dict[str, Text]] = {}  # lookalike.* and idn.*
_REDIRECT: dict[str, dict[str, Text]] = {}
_LURE: dict[str, dict[str, Text]] = {}  # invite.*, form.*, download.*

MESSAGES: Mapping[str, Mapping[str, Text]] = {
    **_BLOCKLIST, **_URL, **_LOOKALIKE, **_REDIRECT, **_LURE,
}
