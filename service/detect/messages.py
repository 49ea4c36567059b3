"""Reason codes to short, localized text (vi default, en) with advice from the 3 Nos / 3 Musts."""

from __future__ import annotations

from collections.abc import Mapping

from service.detect.texts import Text, basic, lookalike, lures, message, redirect, scam

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

__all__ = ["DEFAULT_LANG", "LANGS", "MESSAGES", "Text", "pick_lang", "text_for"]

# Every code a detector can emit has a text in both languages (tests/test_messages.py
# enforces it); the tables live in service/texts/, one module per namespace.
MESSAGES: Mapping[str, Mapping[str, Text]] = {
    **basic.TEXTS, **lookalike.TEXTS, **redirect.TEXTS, **lures.TEXTS, **message.TEXTS,
    **scam.TEXTS,
}

# The campaign's rules, shown under every warning (Not Alone: "3 Không" and "3 Phải").
THREE_NOS = {
    "vi": (
        "Không tham gia link lạ, cuộc gọi Zoom hay gặp người lạ.",
        "Không chia sẻ thông tin cá nhân hay ảnh nhạy cảm.",
        "Không giữ bí mật với gia đình.",
    ),
    "en": (
        "No joining strange links, Zoom calls or meeting strangers.",
        "No sharing personal information or sensitive photos.",
        "No keeping secrets from your family.",
    ),
}
THREE_MUSTS = {
    "vi": (
        "Phải chặn và báo cáo.",
        "Phải xác minh.",
        "Phải chia sẻ với gia đình.",
    ),
    "en": (
        "Must block and report.",
        "Must verify.",
        "Must share with family.",
    ),
}
VERDICT_TITLES = {
    "vi": {"safe": "Chưa thấy dấu hiệu nguy hiểm", "suspicious": "Hãy cẩn thận",
           "dangerous": "Nguy hiểm: đừng mở link này"},
    "en": {"safe": "No danger found", "suspicious": "Be careful",
           "dangerous": "Dangerous: don't open this link"},
}
_FALLBACK = {
    "vi": Text("Phát hiện dấu hiệu đáng ngờ ({code}).", "Hãy hỏi người lớn trước khi mở."),
    "en": Text("Something suspicious was found ({code}).", "Ask an adult before you open it."),
}


class _Evidence(dict[str, str]):
    """Fills `{name}` placeholders; a missing name shows as empty, never raises."""

    def __missing__(self, key: str) -> str:
        return ""


def pick_lang(lang: str | None, accept_language: str | None = None) -> str:
    """`lang` if supported, else the first supported language of Accept-Language, else vi."""
    if lang in LANGS:
        return lang
    for part in (accept_language or "").split(","):
        tag = part.split(";", 1)[0].strip().lower()
        primary = tag.split("-", 1)[0]
        if primary in LANGS:
            return primary
    return DEFAULT_LANG


def text_for(code: str, evidence: Mapping[str, str], lang: str) -> Text:
    """The localized message and advice of one reason, placeholders filled."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    template = MESSAGES.get(code, {}).get(lang)
    values = _Evidence(evidence)
    if template is None:
        template, values["code"] = _FALLBACK[lang], code
    return Text(
        template.message.format_map(values), template.advice.format_map(values)
    )

