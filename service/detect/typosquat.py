"""Typosquats: a registrable label that looks like, or is one typo away from, a brand token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from service.detect.confusables import compact, glyph_key, has_one_character_swap
from service.detect.hostview import HostView, key_of
from service.detect.targets import MIN_EDIT_LABEL, Brand, TargetTable

TLD_SWAP = "lookalike.tld_swap"
SKELETON = "lookalike.skeleton"
SPLIT = "lookalike.split"
HOMOGLYPH = "lookalike.homoglyph"
EDIT_DISTANCE = "lookalike.edit_distance"
CHAR_SWAP = "lookalike.char_swap"

# Weights, measured with bench/lookalike.py (docs/detectors.md): the same skeleton as a brand
# (UTS #39) is as good as proof; a looser ASCII-glyph match or a split name nearly so; one typo
# from a long brand name is dangerous, from a short one (5-6 letters) it is only suspicious,
# since real words sit one letter from short names.
WEIGHTS = {
    SKELETON: 90, HOMOGLYPH: 80, SPLIT: 80, TLD_SWAP: 65,
    EDIT_DISTANCE: 70, CHAR_SWAP: 70,
}
SHORT_TOKEN_WEIGHT = 55  # edit distance or swap against a 5-6 letter token
LONG_TOKEN = 7
FIRST_LETTER_GUARD = 5  # Chromium's first-letter guard ("hank" vs "tank") up to this length


@dataclass(frozen=True, slots=True)
class Hit:
    code: str
    brand: Brand
    token: str
    score: int


def _is_country_suffix(suffix_ascii: str) -> bool:
    last = suffix_ascii.rsplit(".", 1)[-1]
    return len(last) == 2 and last.isalpha()


def _tld_swap(view: HostView, table: TargetTable) -> Hit | None:
    """The brand's exact name under another public suffix (shopee.top, vietcombank.xyz)."""
    brand = table.tokens.get(view.label)
    if brand is None or (brand.country_variants and _is_country_suffix(view.suffix_ascii)):
        return None
    return Hit(TLD_SWAP, brand, view.label, WEIGHTS[TLD_SWAP])


def _skeleton(view: HostView, table: TargetTable) -> Hit | None:
    """Same UTS #39 skeleton after dropping diacritics (fаcebook, vietcombạnk, faceb00k).

    Weak tokens (acb, o2) match too when the label is Unicode: nobody writes "асb" in
    Cyrillic by chance (Chromium matches IDN skeletons against its whole top-domain list)."""
    for key in view.keys:
        brand = table.keys.get(key)
        if brand is None and not view.label.isascii():
            brand = table.weak_keys.get(key)
        if brand is not None:
            return Hit(SKELETON, brand, key, WEIGHTS[SKELETON])
    return None


def _split(view: HostView, table: TargetTable) -> Hit | None:
    """A brand cut by '-' or '.' (face-book.com, vietc.ombank.com.vn)."""
    labels = view.prefix.split(".")
    for start in range(len(labels)):
        joined = compact("".join(labels[start:]))
        if joined != view.label:
            brand = table.keys.get(key_of(joined))
            if brand is not None:
                return Hit(SPLIT, brand, joined, WEIGHTS[SPLIT])
    return None


def _homoglyph(view: HostView, table: TargetTable) -> Hit | None:
    """Equal once ASCII glyph classes merge (uietcombank, faeebook): dnstwist's glyph table."""
    brand = table.glyph_keys.get(glyph_key(view.label))
    return None if brand is None else Hit(HOMOGLYPH, brand, view.label, WEIGHTS[HOMOGLYPH])


def _likely_benign(plain: str, token: str) -> bool:
    """Chromium IsLikelyEditDistanceFalsePositive, narrowed for protected brands: numbered
    siblings of a numbered name (abcd1/abcd2) and first-letter changes of short words."""
    if token[-1:].isdigit() and plain.rstrip("0123456789") == token.rstrip("0123456789"):
        return True
    if len(token) <= FIRST_LETTER_GUARD:
        return plain[1:] == token[1:] or plain == token[1:] or plain[1:] == token
    return False


def _weight(code: str, token: str) -> int:
    return WEIGHTS[code] if len(token) >= LONG_TOKEN else SHORT_TOKEN_WEIGHT


def _queries(view: HostView) -> tuple[str, ...]:
    """The label as typed (diacritics dropped), plus its skeletons when it is not ASCII: for
    ASCII, the m->rn skeleton would put "stern" one letter from "steam"."""
    return (view.plain,) if view.label.isascii() else (view.plain, *view.keys)


def _eligible(view: HostView, brand: Brand, token: str) -> bool:
    """Names of 5+ letters anywhere; 4-letter names (momo, zalo, tiki) only under one of the
    brand's own suffixes (momoa.vn), where a near miss is not somebody else's word."""
    return len(token) > MIN_EDIT_LABEL or view.suffix_ascii in brand.suffixes


def _edit_distance(view: HostView, table: TargetTable) -> Hit | None:
    """One insertion, deletion or substitution from a brand token."""
    if len(view.plain) < MIN_EDIT_LABEL - 1 or "-" in view.plain:
        return None  # a '-' that makes the only difference is a split (Chromium: not a typo)
    for query in _queries(view):
        keys, brands = table.edit_near.get(len(query), ((), ()))
        found = process.extractOne(query, keys, scorer=Levenshtein.distance, score_cutoff=1)
        if found is not None and found[1] == 1:
            brand, token = brands[found[2]]
            if _eligible(view, brand, token) and not _likely_benign(view.plain, token):
                return Hit(EDIT_DISTANCE, brand, token, _weight(EDIT_DISTANCE, token))
    return None


def _char_swap(view: HostView, table: TargetTable) -> Hit | None:
    """Two neighbouring letters swapped (faecbook, doamin): Chromium HasOneCharacterSwap."""
    for query in _queries(view):
        keys, brands = table.edit_near.get(len(query), ((), ()))
        found = process.extractOne(query, keys, scorer=OSA.distance, score_cutoff=1)
        if found is not None and has_one_character_swap(query, found[0]):
            brand, token = brands[found[2]]
            if _eligible(view, brand, token):
                return Hit(CHAR_SWAP, brand, token, _weight(CHAR_SWAP, token))
    return None


# Tried in order; the first that matches names the target (one typosquat signal per host).
# A swap is tested before the glyph classes, which would also merge "ec" and "ce".
HEURISTICS: tuple[Callable[[HostView, TargetTable], Hit | None], ...] = (
    _skeleton, _split, _char_swap, _homoglyph, _edit_distance,
)


def find_typosquat(view: HostView, table: TargetTable) -> Hit | None:
    if view.label in table.tokens:  # the brand's own name: only its suffix can be wrong
        return _tld_swap(view, table)
    for heuristic in HEURISTICS:
        hit = heuristic(view, table)
        if hit is not None:
            return hit
    return None
