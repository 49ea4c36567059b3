"""The Vietnamese scam lexicon: phrases by category, found in host names and page paths.

Data: `blocklists/reference/scam-lexicon.toml` (categories, weights, strong and weak phrases).
A phrase is found after diacritic folding, with or without '-' or '.' between its syllables,
and, glued to other letters, only where those letters read as words (`wordsplit`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from service.core.errors import ListError
from service.detect.confusables import drop_diacritics
from service.detect.trie import longest_at_each_position
from service.detect.wordsplit import Vocabulary, fold, glued_fits

CODE_PREFIX = "scam."
WEAK_DISCOUNT = 15  # weak phrases that only count together weigh this much less
_DROP_SEPARATORS = str.maketrans("", "", ".-_")


@dataclass(frozen=True, slots=True)
class Phrase:
    written: str  # as in the lexicon, with diacritics
    code: str
    weight: int
    strong: bool


@dataclass(frozen=True, slots=True)
class Hit:
    phrase: Phrase
    start: int
    end: int


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """The phrases keyed by folded form, one regex that finds them all, and the vocabulary
    that judges glued letters. Built once per list load; `eq=False` for identity caches."""

    phrases: Mapping[str, Phrase]
    pattern: re.Pattern[str]
    vocabulary: Vocabulary

    @property
    def words(self) -> tuple[str, ...]:
        """Every phrase as written: lure keywords for brand combosquats too."""
        return tuple(p.written for p in self.phrases.values())

    def find(self, text: str) -> list[Hit]:
        """Non-overlapping phrases in `text` (folded, separators kept), longest first."""
        return _find(self, text)


def parse_phrases(toml_text: str) -> dict[str, Phrase]:
    """Folded phrase -> Phrase; the first category to name a phrase keeps it."""
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise ListError(f"scam lexicon: {exc}") from exc
    categories = data.get("category", [])
    if not isinstance(categories, list) or not categories:
        raise ListError("scam lexicon: expected at least one [[category]] table")
    phrases: dict[str, Phrase] = {}
    for entry in categories:
        code, weight = entry.get("code"), entry.get("weight")
        if not isinstance(code, str) or not code.startswith(CODE_PREFIX):
            raise ListError(f"scam lexicon: category code must start with {CODE_PREFIX!r}")
        if not isinstance(weight, int) or not 0 < weight <= 100:
            raise ListError(f"scam lexicon {code}: weight must be an integer 1-100")
        for strong, key in ((True, "strong"), (False, "weak")):
            words = entry.get(key, [])
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise ListError(f"scam lexicon {code}: `{key}` must be a list of strings")
            for written in words:
                folded = fold(written)
                if len(folded) >= 2 and folded.isalnum():
                    phrases.setdefault(folded, Phrase(written.strip(), code, weight, strong))
    return phrases


def build_lexicon(toml_text: str, vocabulary: Vocabulary) -> Lexicon:
    phrases = parse_phrases(toml_text)
    return Lexicon(phrases=phrases, pattern=longest_at_each_position(phrases),
                   vocabulary=vocabulary)


def _candidates(lexicon: Lexicon, text: str) -> Iterator[Hit]:
    """Every phrase occurrence in `text` (separators dropped), mapped back to `text` positions,
    that stands as words of its own."""
    compact = text.translate(_DROP_SEPARATORS)
    if lexicon.pattern.search(compact) is None:
        return  # most hosts: one regex pass and done
    kept = [i for i, c in enumerate(text) if c not in ".-_"]
    for match in lexicon.pattern.finditer(compact):
        folded = match.group(1)
        start, end = match.start(), match.start() + len(folded)
        # The phrase must start and end on a boundary of the host as written or of glued
        # words: judge the letters glued to it in the written text, separators intact.
        real_start, real_end = kept[start], kept[end - 1] + 1
        if glued_fits(lexicon.vocabulary, text, real_start, real_end):
            yield Hit(lexicon.phrases[folded], real_start, real_end)


def _find(lexicon: Lexicon, text: str) -> list[Hit]:
    text = fold_keep_separators(text)
    hits: list[Hit] = []
    for hit in sorted(_candidates(lexicon, text), key=lambda h: (h.start - h.end, h.start)):
        if all(hit.end <= other.start or other.end <= hit.start for other in hits):
            hits.append(hit)
    return sorted(hits, key=lambda h: h.start)


def fold_keep_separators(text: str) -> str:
    """Lowercase with diacritics dropped, keeping '.', '-' and '_' (word boundaries)."""
    if text.isascii():
        return text.lower()
    # '.', '-' and '_' are in drop_diacritics' Latin set: one call folds the whole name.
    folded = drop_diacritics(text.lower())
    if folded.isascii():
        return folded
    return "".join(fold(part) if part.strip(".-_") else part
                   for part in re.split(r"([.\-_]+)", text.lower()))
