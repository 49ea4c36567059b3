"""Target embedding (google.com-login.top) and combosquatting (garena-member.xyz) against brands."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from service.detect.confusables import compact
from service.detect.hostview import HostView
from service.detect.targets import Brand, Embed, TargetTable

TARGET_EMBEDDING = "lookalike.target_embedding"
COMBOSQUAT = "lookalike.combosquat"

# Weights (bench/lookalike.py, docs/detectors.md). A whole official domain spelled inside
# another host is a deliberate disguise; at the very end of the name (www-google.com) Chromium
# only shows a safety tip, so it weighs less. A brand glued to a lure word is the commonest
# Vietnamese scam shape; glued to digits (shopee320.vip) slightly less; glued to any other word
# it is only worth a second look (shopeefood.vn is Shopee's, foodshopee.top is not).
EMBED_WEIGHT = 85
TAIL_EMBED_WEIGHT = 70
COMBO_KEYWORD = 75
COMBO_DIGITS = 60
COMBO_OTHER = 35
# A distinctive brand (distinct.py: no dictionary word, no popular domain spells it) glued to
# other letters (shopeecf.com, vietcombankvn-online.top): nobody else's name, so more than
# "another word", yet short of a lure keyword.
COMBO_GLUED = 45
SHORT_BRAND = 5  # brand tokens shorter than this must stand apart from other letters
IGNORED_PARTS = frozenset({"www", "m", "vvvvvv"})  # "vvvvvv" is the skeleton of "www"
_PARTS = re.compile(r"[.\-]")


@dataclass(frozen=True, slots=True)
class Embedding:
    embed: Embed
    tail: bool

    @property
    def score(self) -> int:
        return TAIL_EMBED_WEIGHT if self.tail else EMBED_WEIGHT


@dataclass(frozen=True, slots=True)
class Combo:
    brand: Brand
    token: str
    kind: str  # "keyword" | "digits" | "other"
    word: str  # the lure keyword or the rest of the name

    @property
    def score(self) -> int:
        return {"keyword": COMBO_KEYWORD, "digits": COMBO_DIGITS,
                "glued": COMBO_GLUED}.get(self.kind, COMBO_OTHER)


def find_embedding(view: HostView, table: TargetTable) -> Embedding | None:
    """An official domain's labels, in order, inside the host's tokens - with or without
    separators (googlecom-verify.app) - anywhere except as the host's own registrable domain
    (google.com.mx is a country site, not an embedding: Chromium IsCrossTLDMatch)."""
    keys, count = view.token_keys, len(view.token_keys)
    for i, key in enumerate(keys):
        own_label = i == view.reg_index and view.label_is_one_token
        for embed in table.embeds.get(key, ()):
            end = i + len(embed.labels)
            if not own_label and keys[i:end] == embed.labels:
                return Embedding(embed, tail=end == count)
        found = table.embeds_compact.get(key)  # never the brand's own label: "googlecorn"
        if found is not None:
            return Embedding(found, tail=i + 1 == count)
    return None


def _stands_apart(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else "."
    after = text[end] if end < len(text) else "."
    return not before.isalpha() and not after.isalpha()


def _glued_to_keyword(text: str, start: int, end: int, keywords: Mapping[str, str]) -> bool:
    """A short name glued only to a lure word (nhanquamomo, zalovn): the rest of its part is a
    keyword."""
    left = _PARTS.split(text[:start])[-1]
    right = _PARTS.split(text[end:])[0]
    return all(not side or side in keywords or not side.isalpha() for side in (left, right))


def _inside_keyword(text: str, start: int, end: int, words: tuple[str, ...]) -> bool:
    """The brand only occurs as part of a lure word ("vices" in "services"): Chromium ignores it."""
    for word in words:
        at = text.find(word)
        while at != -1:
            if at <= start and end <= at + len(word):
                return True
            at = text.find(word, at + 1)
    return False


def _keyword_in(parts: list[str], table: TargetTable) -> str | None:
    """A lure keyword in the parts (a short one only as a whole part: "vn"); the long ones
    are found inside parts by one trie regex (targets.keyword_pattern)."""
    keywords = table.keywords
    for part in parts:
        if part in keywords:
            return keywords[part]
        found = table.keyword_pattern.search(part)
        if found is not None:
            return keywords[found.group(1)]
    return None


def _classify(text: str, start: int, end: int, apart: bool, view: HostView, token: str,
              table: TargetTable) -> tuple[str, str] | None:
    """What the brand is glued to: a lure keyword, digits, another word, or nothing."""
    rest = text[:start] + "." + text[end:]
    parts = [p for p in _PARTS.split(rest) if p and p not in IGNORED_PARTS]
    if not parts:
        return None
    # Parts one by one ("vn" only as a whole part), then glued: "dang-nhap" is "dangnhap".
    word = _keyword_in(parts, table) or _keyword_in(["".join(parts)], table)
    if word is not None:
        return "keyword", word
    # Digits are read from the host itself: the skeleton turns 0 and 1 into o and l.
    if any(c.isdigit() for c in view.prefix) and not any(c.isdigit() for c in token):
        return "digits", view.label
    # Another word only counts when the brand stands as its own part (vietcombank-digital):
    # glued, it may be a word of its own (rappler, appledaily) unless the brand is distinctive.
    if apart:
        return "other", view.label
    return ("glued", view.label) if token in table.distinctive else None


def _search(text: str, view: HostView, table: TargetTable) -> Combo | None:
    found = [(m.start(), m.group(1)) for m in table.combo_pattern.finditer(text)]
    for start, key in sorted(found, key=lambda f: -len(f[1])):  # longest brand name first
        token, brand, weak = table.combo[key]
        end = start + len(key)
        apart = _stands_apart(text, start, end)
        short = len(token) < SHORT_BRAND
        if (not short or apart or _glued_to_keyword(text, start, end, table.keywords)) and (
            not _inside_keyword(text, start, end, table.containing[key])
        ):
            kind = _classify(text, start, end, apart, view, token, table)
            if kind is not None and (kind[0] == "keyword" or not weak):
                return Combo(brand, token, *kind)
    return None


def find_combo(view: HostView, table: TargetTable) -> Combo | None:
    """A brand token plus lure words, digits or other words before the public suffix; then the
    same with separators dropped (free-fire-diamonds), where only lure words and digits count."""
    found = _search(view.prefix_key, view, table)
    if found is None and ("-" in view.prefix or "." in view.prefix):
        found = _search(compact(view.prefix_key), view, table)
        if found is not None and found.kind in ("other", "glued"):
            return None
    return found
