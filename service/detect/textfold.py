"""Fold a chat message for matching: lowercase, no diacritics, words split by single spaces.

Students type Vietnamese with and without diacritics ("đừng nói với bố mẹ", "dung noi voi bo
me"), so patterns are written once, folded, and matched against the folded message. Folding
keeps a map from every folded character back to the original one, so the evidence a reason
shows is the student's own words, not the folded form.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

# Letters NFKD does not split into base + mark (Vietnamese đ; a few others). NFKD also maps
# fullwidth and styled letters (𝐟𝐫𝐞𝐞, ｆｒｅｅ) to plain ones.
_SPECIAL = {"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe"}
# Apostrophes join a word ("don't" -> "dont") rather than split it.
_JOINERS = frozenset("'’ʼ`´")
RUN = 3  # a word's last letter typed 3+ times counts once ("gấpppp", "sooo"); doubles stay


@dataclass(frozen=True, slots=True)
class Folded:
    """The folded text and, for each of its characters, the index of the original character."""

    text: str
    origin: tuple[int, ...]

    def span(self, original: str, start: int, end: int, limit: int = 60) -> str:
        """The original characters behind folded[start:end], cut to `limit` characters."""
        if start >= end or not self.origin:
            return ""
        first, last = self.origin[start], self.origin[end - 1]
        return " ".join(original[first : last + 1].split())[:limit]


@functools.lru_cache(maxsize=4096)  # a message repeats few distinct characters
def fold_char(char: str) -> str:
    """One character folded: lowercase ASCII letters and digits; anything else is a space."""
    if char in _SPECIAL:
        return _SPECIAL[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    base = base.lower()
    return "".join(c if ("a" <= c <= "z" or "0" <= c <= "9") else " " for c in base) or " "


def fold(text: str) -> Folded:
    """Fold `text`: one space between words, no leading or trailing space, and a word's last
    letter typed RUN or more times kept once."""
    pairs: list[tuple[str, int]] = []
    for index, char in enumerate(text):
        if char in _JOINERS:
            continue
        for piece in fold_char(char):
            if piece == " " and (not pairs or pairs[-1][0] == " "):
                continue
            pairs.append((piece, index))
    if pairs and pairs[-1][0] == " ":
        pairs.pop()
    kept: list[tuple[str, int]] = []
    at = 0
    while at < len(pairs):
        end = at
        while end < len(pairs) and pairs[end][0] == pairs[at][0]:
            end += 1
        # Only a word's last letter is stretched ("nhéeee", "gấppp"): "cccd" keeps its c's.
        stretched = end - at >= RUN and pairs[at][0].isalpha() and (
            end == len(pairs) or pairs[end][0] == " ")
        kept.extend(pairs[at:at + 1] if stretched else pairs[at:end])
        at = end
    return Folded("".join(c for c, _ in kept), tuple(i for _, i in kept))
