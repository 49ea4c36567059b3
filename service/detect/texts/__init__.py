"""Localized texts of every reason code, one module per namespace, read by detect.messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    """One reason in one language. `{name}` placeholders are filled from the signal's evidence."""

    message: str
    advice: str


Table = dict[str, dict[str, Text]]  # reason code -> language -> text
