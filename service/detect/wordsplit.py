"""Glued words in host names: can a run of letters be read as Vietnamese syllables and words?

Scam domains glue their words together (`viecnheluongcao24h.net`, `chanlemomo.cc`). A phrase
found inside such a run only counts when the letters on both sides of it read as words too
(`viec|nhe|luong|cao`, `chan|le|momo`); inside a word of another language it does not
(`lode` in `explode`, where `exp` reads as nothing). The vocabulary is data: Vietnamese
syllables and English words from `blocklists/reference/words/` (sources in its README), plus
the lexicon's own phrases and the protected brands' tokens, prepared once at load.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from service.detect.confusables import drop_diacritics

MAX_UNIT = 24  # longest unit looked up while splitting (longer words are rare in host names)
MIN_ENGLISH = 3  # shorter English "words" (ab, ex) are mostly abbreviations: they read as noise
_WORD_LINE = re.compile(r"^[a-z]+$")


def fold(text: str) -> str:
    """Lowercase, diacritics dropped (đ -> d), spaces and host separators removed."""
    # Separators go first: drop_diacritics only folds text made of Latin letters alone.
    return drop_diacritics(text.strip().lower().replace(" ", "").replace("-", "").replace(".", ""))


@dataclass(frozen=True, slots=True, eq=False)
class Vocabulary:
    """Units a run of letters may be split into; `eq=False` so caches can key on identity."""

    units: frozenset[str]
    vietnamese: frozenset[str]
    english: frozenset[str]
    longest: int
    anchors: frozenset[str] = frozenset()  # units that are no bare syllable: words, brands

    def reads_as_words(self, run: str) -> bool:
        """Whether all of `run` (letters only) splits into known units."""
        return _splits(self, run, False)

    def reads_as_anchors(self, run: str) -> bool:
        """Whether all of `run` splits into English words, brand tokens or lexicon phrases."""
        return _splits(self, run, True)


def _lines(text: str | None) -> list[str]:
    out = []
    for line in (text or "").splitlines():
        word = line.split("#", 1)[0].strip().lower()
        if word and _WORD_LINE.match(fold(word)):
            out.append(fold(word))
    return out


def build_vocabulary(vietnamese_text: str | None, english_text: str | None,
                     extra: Iterable[str] = ()) -> Vocabulary:
    """Parse the syllable and word lists (one per line, `#` comments) and add `extra` units
    (lexicon phrases and brand tokens, folded). Cached: a reload with the same files (every
    test app, every replica's reload) reuses the parsed lists."""
    return _vocabulary(vietnamese_text, english_text, tuple(extra))


@functools.lru_cache(maxsize=4)
def _vocabulary(vietnamese_text: str | None, english_text: str | None,
                extra: tuple[str, ...]) -> Vocabulary:
    vietnamese = frozenset(_lines(vietnamese_text))
    english = frozenset(w for w in _lines(english_text) if len(w) >= MIN_ENGLISH)
    more = frozenset(f for f in (fold(e) for e in extra) if f.isalpha())
    units = vietnamese | english | more
    return Vocabulary(units=units, vietnamese=vietnamese, english=english,
                      longest=min(MAX_UNIT, max((len(u) for u in units), default=1)),
                      anchors=english | more)


@functools.lru_cache(maxsize=65536)
def _splits(vocab: Vocabulary, run: str, anchors_only: bool) -> bool:
    """Dynamic programming over prefixes: reachable[i] when run[:i] splits into units."""
    if not run:
        return True
    units, longest = (vocab.anchors if anchors_only else vocab.units), vocab.longest
    reachable = [True] + [False] * len(run)
    for end in range(1, len(run) + 1):
        for start in range(max(0, end - longest), end):
            if reachable[start] and run[start:end] in units:
                reachable[end] = True
                break
    return reachable[-1]


def letters_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The letters glued to text[start:end] on each side (up to a digit or separator)."""
    left = start
    while left > 0 and text[left - 1].isalpha():
        left -= 1
    right = end
    while right < len(text) and text[right].isalpha():
        right += 1
    return text[left:start], text[end:right]


SHORT_PHRASE = 6  # shorter phrases read out of bare syllables too easily (o|ca|do)


def glued_fits(vocab: Vocabulary, text: str, start: int, end: int) -> bool:
    """A phrase at text[start:end] is a word of its own: the letters glued to it on each side
    read as known units (or there are none); for a short phrase, as words that are not bare
    syllables (nohuclub, not ubibanca)."""
    left, right = letters_around(text, start, end)
    if end - start < SHORT_PHRASE:
        return vocab.reads_as_anchors(left) and vocab.reads_as_anchors(right)
    return vocab.reads_as_words(left) and vocab.reads_as_words(right)
