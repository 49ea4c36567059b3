"""Confusable skeletons (UTS #39 via ICU, plus Chromium's extra mappings) and lookalike keys."""

from __future__ import annotations

import functools
import re
import unicodedata

import icu
from rapidfuzz.distance import Levenshtein

# UTS #39 section 4 "Confusable Detection": skeleton(X) == skeleton(Y) means X and Y are
# confusable. ICU's SpoofChecker computes it from Unicode's confusables.txt.
_SPOOF = icu.SpoofChecker()

# Chromium components/url_formatter/spoof_checks/skeleton_generator.cc: letters the Unicode
# confusables data misses, mapped before the ICU skeleton ("ExtraConf" rules). Kept verbatim as
# data so the skeleton of a label agrees with Chromium's (tests/data/lookalike/skeleton_cases).
_EXTRA_CONFUSABLES: dict[str, str] = {
    **dict.fromkeys("æӕ", "ae"), **dict.fromkeys("ϼҏ", "p"),
    **dict.fromkeys("ħнћңҥӈӊԋԧԩ", "h"), **dict.fromkeys("ĸκкқҝҟҡӄԟ", "k"),
    **dict.fromkeys("ŋпԥกח", "n"), **dict.fromkeys("ŧтҭԏ七丅丆丁", "t"),
    **dict.fromkeys("ƅьҍв", "b"), **dict.fromkeys("ωшщพฟພຟ", "w"),
    **dict.fromkeys("мӎ", "m"), **dict.fromkeys("єҽҿၔ", "e"), "ґ": "r",
    **dict.fromkeys("ғӻ", "f"), **dict.fromkeys("ҫင", "c"), **dict.fromkeys("ұ丫", "y"),
    **dict.fromkeys("χҳӽӿ乂", "x"), **dict.fromkeys("ԃძ", "d"), **dict.fromkeys("ԍဌ", "g"),
    **dict.fromkeys("ടรຣຮ", "s"), "၂": "j", **dict.fromkeys("०০੦૦ଠ୦೦စ", "o"),
    **dict.fromkeys("৭੧૧", "q"), **dict.fromkeys("บບ", "u"), "θ": "0",
    **dict.fromkeys("२২੨૨೩೭շ", "2"), **dict.fromkeys("зҙӡउওਤ੩૩౩ဒვპკੜ", "3"),
    **dict.fromkeys("੫丩ㄐ", "4"), "ճ": "6", **dict.fromkeys("৪੪୫", "8"),
    **dict.fromkeys("૭୨౨", "9"), **dict.fromkeys("—一―⸺⸻", "-"),
}
_EXTRA_TABLE = str.maketrans(_EXTRA_CONFUSABLES)
_EXTRA_CHARS = frozenset(_EXTRA_CONFUSABLES)

# Chromium: characters that look like more than one thing get one skeleton per reading.
# U+04CF (ӏ) reads as l besides ICU's i; ł as t besides l (crbug.com/1250993: łest.net);
# ß as b (Chromium's tests find youtube.com in youtuße.com; ICU keeps ß apart).
# Later Chromium additions to the extra map above: စ (crbug.com/1207187), კ and ੜ
# (crbug.com/1156531).
_ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "þ": ("b", "p"), "œ": ("ce", "oe"), "ӏ": ("l",), "ł": ("t",), "ß": ("b",),
}
_ALTERNATIVE_CHARS = frozenset(_ALTERNATIVES)
_MAX_ALTERNATIVE_CHARS = 5  # Chromium kMaxCharactersWithMultipleSkeletons
_MAX_ALTERNATIVE_LENGTH = 32  # Chromium kMaxHostnameLengthToComputeSupplementalHostnames

# Chromium's "DropAcc" transliterator: NFD, drop nonspacing marks, NFC, then three letters that
# carry their stroke inside the glyph. Vietnamese needs it: vietcombạnk, zalò, đ.
_STROKES = str.maketrans({"ł": "l", "ø": "o", "đ": "d"})
_STROKE_CHARS = frozenset("łøđ")

# Diacritics are only dropped from Latin/Greek/Cyrillic text (Chromium lgc_letters_n_ascii_):
# marks on other scripts are blocked by the IDN rules instead.
_LGC = icu.UnicodeSet(r"[[:Latin:][:Greek:][:Cyrillic:][0-9\u002e_\u002d][\u0300-\u0339]]")
_LGC.freeze()


def _marks_of_lgc() -> dict[int, None]:
    """Every nonspacing mark (Mn) that NFD yields for a character of _LGC: deleting them with
    one str.translate equals filtering each character's category, at C speed."""
    marks: dict[int, None] = {}
    chars = icu.UnicodeSetIterator(_LGC)
    while chars.next():
        for c in unicodedata.normalize("NFD", chars.getString()):
            if unicodedata.category(c) == "Mn":
                marks[ord(c)] = None
    return marks


_LGC_MARKS = _marks_of_lgc()
# The UTS #39 skeleton maps code points one by one; of lowercase ASCII host characters only
# these three change (checked against ICU in tests/test_lookalike.py), so an ASCII host needs
# no ICU call.
_ASCII_SKELETON = str.maketrans({"m": "rn", "0": "O", "1": "l"})
_ASCII_HOST = re.compile(r"[a-z0-9._-]*")

# ASCII look-alikes that UTS #39 keeps apart because they differ in a good font but not at a
# glance in a chat bubble (dnstwist's `glyphs_ascii` table, Fuzzer class). Applied after the
# skeleton, which already maps m->rn, 1->l and 0->O. Letters map to one representative of
# their class; letters that look like two (d~cl, k~lc, w~vv) expand, so that "vietcombanlc"
# and "vietcombank" meet without turning the "lc" of "d1ch" (d, 1->l, c, h) into a k.
_GLYPH_TABLE = str.maketrans({"u": "v", "c": "e", "i": "l", "g": "q", "b": "el", "d": "el",
                              "k": "le", "w": "vv", "3": "8", "6": "9"})
_GLYPH_CONTRACTIONS = (("rn", "n"), ("nn", "n"))  # m is rn in the skeleton: rn, nn, m ~ n


def _extra(text: str) -> str:
    # A set test at C speed first: most labels hold none of Chromium's extra confusables.
    return text if _EXTRA_CHARS.isdisjoint(text) else text.translate(_EXTRA_TABLE)


def drop_diacritics(text: str) -> str:
    """Chromium's MaybeRemoveDiacritics: strip marks from Latin/Greek/Cyrillic text only."""
    if text.isascii() or not _LGC.containsAll(text):
        return text
    # No NFC afterwards: once its marks are gone, an _LGC string has nothing left to compose
    # (checked over every _LGC character and random triples; tests/test_lookalike.py).
    bare = unicodedata.normalize("NFD", text).translate(_LGC_MARKS)
    return bare if _STROKE_CHARS.isdisjoint(bare) else bare.translate(_STROKES)


def _readings(text: str) -> set[str]:
    """Every spelling of `text` with multi-reading characters replaced (Chromium's
    GenerateSupplementalHostnames), capped like Chromium to avoid blowing up."""
    if _ALTERNATIVE_CHARS.isdisjoint(text):
        return {text}
    if len(text) > _MAX_ALTERNATIVE_LENGTH or sum(c in _ALTERNATIVES for c in text) > (
        _MAX_ALTERNATIVE_CHARS
    ):
        return {text}
    out = {""}
    for c in text:
        choices = (c, *_ALTERNATIVES.get(c, ()))
        out = {prefix + choice for prefix in out for choice in choices}
    return out


@functools.lru_cache(maxsize=65536)
def skeletons(text: str) -> frozenset[str]:
    """UTS #39 skeletons of `text` as Chromium computes them for hostnames (one or more)."""
    text = text.rstrip(".")
    if not text:
        return frozenset()
    if _ASCII_HOST.fullmatch(text):
        return frozenset((text.translate(_ASCII_SKELETON),))
    readings = _readings(text)
    if len(readings) == 1:  # the usual case: no generator, one ICU call
        return frozenset((uts39_skeleton(_extra(drop_diacritics(text))),))
    return frozenset(uts39_skeleton(_extra(drop_diacritics(r))) for r in readings)


def uts39_skeleton(text: str) -> str:
    """UTS #39 skeleton (section 4) from ICU; an ASCII host's by table (_ASCII_SKELETON)."""
    if _ASCII_HOST.fullmatch(text):
        return text.translate(_ASCII_SKELETON)
    return str(_SPOOF.getSkeleton(0, text))


@functools.lru_cache(maxsize=65536)
def visual_keys(text: str) -> frozenset[str]:
    """Lookalike comparison keys: skeletons, lowercased so that 0 (skeleton O) equals o."""
    found = skeletons(text)
    if len(found) == 1:
        return frozenset((next(iter(found)).lower(),))
    return frozenset(s.lower() for s in found)


@functools.lru_cache(maxsize=65536)
def glyph_key(text: str) -> str:
    """A looser key: the visual key with ASCII glyph classes merged (u~v, c~e, cl~d, vv~w...)."""
    key = min(visual_keys(text), default="").translate(_GLYPH_TABLE)
    for sequence, replacement in _GLYPH_CONTRACTIONS:
        key = key.replace(sequence, replacement)
    return key


def compact(text: str) -> str:
    """`text` without the separators of a host name ('.' and '-')."""
    return text.replace(".", "").replace("-", "")


def is_edit_distance_at_most_one(a: str, b: str) -> bool:
    """Levenshtein distance <= 1 (Chromium IsEditDistanceAtMostOne), via rapidfuzz."""
    return Levenshtein.distance(a, b, score_cutoff=1) <= 1


def has_one_character_swap(a: str, b: str) -> bool:
    """`a` is `b` with exactly one pair of adjacent characters swapped (Chromium
    HasOneCharacterSwap)."""
    if len(a) != len(b) or a == b:
        return False
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and a[diffs[0]] == b[diffs[1]]
        and a[diffs[1]] == b[diffs[0]]
    )


