"""IDN display rules in the spirit of Chromium's IDNSpoofChecker: which Unicode labels deceive."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import icu

# Reason codes (messages.py, namespace idn). Weights: an IDN label that fails these rules is
# shown as punycode by browsers; alone it is suspicious, never dangerous. A label that also
# imitates a protected brand gets `lookalike.skeleton` on top (typosquat.py).
MIXED_SCRIPT = "idn.mixed_script"
WHOLE_SCRIPT = "idn.whole_script_confusable"
INVISIBLE = "idn.invisible_chars"
DIGIT_LOOKALIKE = "idn.digit_lookalike"
DISALLOWED = "idn.disallowed_chars"
DANGEROUS_PATTERN = "idn.dangerous_pattern"
INVALID = "idn.invalid"
WEIGHTS = {
    MIXED_SCRIPT: 60, WHOLE_SCRIPT: 55, INVISIBLE: 60, DIGIT_LOOKALIKE: 50,
    DISALLOWED: 45, DANGEROUS_PATTERN: 55, INVALID: 50,
}


def _allowed_set() -> icu.UnicodeSet:
    """UTS #39 recommended + UTS #31 inclusion sets, minus what Chromium removes
    (idn_spoof_checker.cc SetAllowedUnicodeSet, after Mozilla's network.IDN.blacklist_chars)."""
    allowed = icu.UnicodeSet()  # a copy of a frozen set stays frozen: start empty
    allowed.addAll(_CHECKER.getRecommendedUnicodeSet())
    allowed.addAll(_CHECKER.getInclusionUnicodeSet())
    for start, end in _REMOVED_RANGES:
        allowed.remove(chr(start), chr(end))
    allowed.freeze()
    return allowed


# Code point ranges Chromium drops from the allowed set, with its reasons: U+0338 slash overlay;
# NV8 / hyphen, quote, middle-dot and double-hyphen look-alikes; modifier voicing; Kra;
# macOS blank-rendering glyphs; rarely used LGC blocks (Pinyin Latin Ext B, Cyrillic Ext B/C,
# Latin Ext Additional up to U+1E9B - Vietnamese letters from U+1EA0 stay allowed -, Greek
# Extended, Latin Extended D).
_REMOVED_RANGES = (
    (0x338, 0x338), (0x58A, 0x58A), (0x2010, 0x2010), (0x2019, 0x2019), (0x2027, 0x2027),
    (0x30A0, 0x30A0), (0x2BB, 0x2BC), (0x2EC, 0x2EC), (0x138, 0x138), (0x620, 0x620),
    (0xF8C, 0xF8F), (0x1CD, 0x1DC), (0x1C80, 0x1C8F), (0x1E00, 0x1E9B), (0x1F00, 0x1FFF),
    (0xA640, 0xA69F), (0xA720, 0xA7FF),
)
_CHECKER = icu.SpoofChecker()
_CHECKER.setRestrictionLevel(icu.URestrictionLevel.HIGHLY_RESTRICTIVE)
_CHECKER.setAllowedUnicodeSet(_allowed_set())
_CHECKER.setChecks(_CHECKER.getChecks() | icu.USpoofChecks.AUX_INFO)

_ALL_CHECKS = 0xFFFF
_RESTRICTION_MASK = int(icu.URestrictionLevel.RESTRICTION_LEVEL_MASK)
_ASCII_LEVEL = int(icu.URestrictionLevel.ASCII)
_SINGLE_SCRIPT = int(icu.URestrictionLevel.SINGLE_SCRIPT_RESTRICTIVE)


@dataclass(frozen=True, slots=True)
class _WholeScript:
    letters: icu.UnicodeSet  # every letter of the script
    latin_lookalikes: frozenset[str]  # its letters that pass for Latin ones
    tlds: frozenset[str]  # ccTLDs where that script is expected


def _script(pattern: str, lookalikes: str, tlds: tuple[str, ...] = ()) -> _WholeScript:
    letters = icu.UnicodeSet(pattern)
    letters.freeze()
    return _WholeScript(letters, frozenset(lookalikes), frozenset(tlds))


# Chromium kWholeScriptConfusables: a label written only with these letters of one script reads
# as Latin (аррӏе.com) unless the TLD belongs to that script's countries. Thai uses the larger
# Linux set, a superset of the other platforms' one.
_WHOLE_SCRIPTS = (
    _script("[[:Armn:]]", "ագզէլհյոսւօՙ", ("am",)),
    _script("[[:Cyrl:]]", "аысԁеԍһіюјӏорԗԛѕԝхуъьҽпгѵѡ",
            ("bg", "by", "kz", "pyc", "ru", "su", "ua", "uz")),
    _script("[[:Ethi:]]", "ሀሠሰስበነተከዐዕዘጠፐꬅ", ("er", "et")),
    _script("[[:Geor:]]", "იოყძხჽჿ", ("ge",)),
    _script("[[:Grek:]]", "αικνρυωηοτ", ("gr",)),
    _script("[[:Hebr:]]", "דוחיןסװײ׳ﬦ", ("il",)),
    _script("[[:Beng:]]", "০৭"), _script("[[:Deva:]]", "ऽ०ॱ"), _script("[[:Gujr:]]", "ડટ૦૧"),
    _script("[[:Guru:]]", "੦੧"), _script("[[:Knda:]]", "ಽ೦೧"), _script("[[:Mlym:]]", "ടഠധനറ൦"),
    _script("[[:Orya:]]", "ଠ୦୮"), _script("[[:Taml:]]", "டப௦"), _script("[[:Telu:]]", "౦౧"),
    _script("[[:Mymr:]]", "ခဂငထပဝ၀၂ၔၜ\u1090\u1091\u1095\u1096\u1097", ("mm",)),
    _script("[[:Thai:]]", "ทนบพรหเแ๐ดลปฟม", ("th",)),
)

# Chromium digit_lookalikes_: a label made only of digits and these reads as a number.
_DIGITS = frozenset("0123456789")
_DIGIT_LOOKALIKES = frozenset("θ२২੨૨೩೭շзҙӡउওਤ੩૩౩ဒვპკੜ੫丩ㄐճ৪੪୫૭୨౨")  # კ: crbug.com/1156531

_NON_ASCII_LATIN = icu.UnicodeSet("[[:Latin:] - [a-zA-Z]]")
_LGC_AND_ASCII = icu.UnicodeSet(
    r"[[:Latin:][:Greek:][:Cyrillic:][0-9\u002e_\u002d][\u0300-\u0339]]"
)
_KANA_EXCEPTIONS = icu.UnicodeSet(r"[\u3078-\u307a\u30d8-\u30da\u30fb-\u30fe]")
_COMBINING_DIACRITICS = icu.UnicodeSet(r"[\u0300-\u0339]")
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ/ZWJ: invisible even where IDNA 2008 allows them
for _set in (_NON_ASCII_LATIN, _LGC_AND_ASCII, _KANA_EXCEPTIONS, _COMBINING_DIACRITICS):
    _set.freeze()

# Chromium's dangerous_pattern (one ICU regex, alternatives explained there): Japanese letters
# that read as slashes or dashes next to non-Japanese text, out-of-context iteration and
# prolonged-sound marks, CJK ideographs that pass for Latin letters or punctuation next to
# non-CJK text, combining marks after non-LGC letters or dotless i, Kana voiced sound marks,
# and a dot above after i/j/l.
_DANGEROUS = icu.RegexPattern.compile(
    r"[^\p{scx=kana}\p{scx=hira}\p{scx=hani}]"
    r"[\u30ce\u30f3\u30bd\u30be\u4e36\u4e40\u4e41\u4e3f]"
    r"[^\p{scx=kana}\p{scx=hira}\p{scx=hani}]"
    r"|[^\p{scx=kana}][\u30fd\u30fe]|^[\u30fd\u30fe]"
    r"|^[\p{scx=kana}]+[\u3078-\u307a][\p{scx=kana}]+$"
    r"|^[\p{scx=hira}]+[\u30d8-\u30da][\p{scx=hira}]+$"
    r"|[^\p{scx=kana}\p{scx=hira}]\u30fc|^\u30fc"
    r"|[a-z]\u30fb|\u30fb[a-z]"
    r"|[^\p{scx=kana}\p{scx=hira}\p{scx=hani}\p{scx=bopo}]"
    r"[\u4e00\u3127\u4e28\u4e5b\u4e03\u4e05\u5341\u3007\u3112\u311a\u311f\u3128\u3129\u3108"
    r"\u31ba\u31b3\u5de5\u31b2\u8ba0\u4e01]"
    r"|[\u4e00\u3127\u4e28\u4e5b\u4e03\u4e05\u5341\u3007\u3112\u311a\u311f\u3128\u3129\u3108"
    r"\u31ba\u31b3\u5de5\u31b2\u8ba0\u4e01]"
    r"[^\p{scx=kana}\p{scx=hira}\p{scx=hani}\p{scx=bopo}]"
    r"|[^\p{scx=latn}\p{scx=grek}\p{scx=cyrl}][\u0300-\u0339]"
    r"|\u0131[\u0300-\u0339]|\u3099|\u309a|[ijl]\u0307"
)

# UTS #46 processing, nontransitional (IDNA 2008), with the Bidi and ContextJ rules (RFC 5893,
# RFC 5892 appendix A): a label that fails is not a valid IDN and browsers refuse to show it.
_IDNA = icu.IDNA(icu.IDNA.CHECK_BIDI | icu.IDNA.CHECK_CONTEXTJ
                 | icu.IDNA.CHECK_NONTRANSITIONAL_TO_UNICODE)


@functools.lru_cache(maxsize=16384)
def to_unicode(host: str) -> tuple[str, bool]:
    """The Unicode form of an ASCII (punycode) host, and whether it is a valid IDN."""
    if "xn--" not in host:
        return host, True
    info = icu.IDNAInfo()
    text = str(_IDNA.nameToUnicode(host, info))
    return text, info.errors() == 0


def to_ascii(host: str) -> str | None:
    """The ASCII (punycode) form of a Unicode host under UTS #46, or None if it is invalid."""
    if host.isascii():
        return host.lower()
    info = icu.IDNAInfo()
    text = str(_IDNA.nameToASCII(host, info))
    return text if info.errors() == 0 else None


def _tld_specific(label: str, tld: str) -> bool:
    """Letters Chromium allows only under one ccTLD: þ/ð (.is, .fo), ə (.az), and the Catalan
    middle dot, only between two l's under .cat (RFC 5892 appendix A.3)."""
    if len(label) > 1 and tld not in ("is", "fo") and ("þ" in label or "ð" in label):
        return True
    if len(label) > 1 and tld != "az" and "ə" in label:
        return True
    for i, c in enumerate(label):
        if c == "·" and (tld != "cat" or i == 0 or i == len(label) - 1
                         or label[i - 1] != "l" or label[i + 1] != "l"):
            return True
    return False


def _is_digit_lookalike(label: str) -> bool:
    return all(c in _DIGITS or c in _DIGIT_LOOKALIKES for c in label) and any(
        c in _DIGIT_LOOKALIKES for c in label
    )


_ANY_LOOKALIKE = frozenset().union(*(script.latin_lookalikes for script in _WHOLE_SCRIPTS))


def _whole_script_confusable(label: str, tld: str, tld_unicode: str) -> bool:
    if any(c.isalpha() and c not in _ANY_LOOKALIKE for c in label):
        return False  # a letter no script's look-alike list holds (fast path for Latin labels)
    for script in _WHOLE_SCRIPTS:
        used = {c for c in label if script.letters.contains(c)}
        if used and used <= script.latin_lookalikes:
            tld_in_script = script.letters.containsSome(tld_unicode)
            if not tld_in_script and tld not in script.tlds:
                return True
    return False


def _icu_failure(result: int) -> str:
    if result & int(icu.USpoofChecks.CHAR_LIMIT):
        return DISALLOWED
    if result & int(icu.USpoofChecks.INVISIBLE):
        return INVISIBLE
    if result & int(icu.USpoofChecks.MIXED_NUMBERS):
        return DIGIT_LOOKALIKE
    return MIXED_SCRIPT


@functools.lru_cache(maxsize=16384)
def label_problem(label: str, tld: str, tld_unicode: str) -> str | None:
    """The idn.* code a Unicode label breaks (None when it is safe to show), following the
    order of Chromium's IDNSpoofChecker::SafeToDisplayAsUnicode."""
    if label.isascii():
        return None
    if _JOINERS.intersection(label):
        return INVISIBLE
    result = int(_CHECKER.check(label))
    if result & _ALL_CHECKS:
        return _icu_failure(result)
    if _tld_specific(label, tld):
        return DISALLOWED
    level = result & _RESTRICTION_MASK
    if level == _ASCII_LEVEL:
        return None
    if (level == _SINGLE_SCRIPT and _KANA_EXCEPTIONS.containsNone(label)
            and _COMBINING_DIACRITICS.containsNone(label)):
        if _whole_script_confusable(label, tld, tld_unicode):
            return WHOLE_SCRIPT
        return DIGIT_LOOKALIKE if _is_digit_lookalike(label) else None
    if _is_digit_lookalike(label):
        return DIGIT_LOOKALIKE
    if _NON_ASCII_LATIN.containsSome(label) and not _LGC_AND_ASCII.containsAll(label):
        return MIXED_SCRIPT
    if _DANGEROUS.matcher(label).find():
        return DANGEROUS_PATTERN
    return None


def host_problems(host: str) -> list[tuple[str, str]]:
    """(code, offending Unicode label) for every rule an ASCII host's labels break, first
    label per code. Invalid IDNA (bad punycode, Bidi or joiner rules) is one problem."""
    unicode_host, valid = to_unicode(host)
    if not valid:
        return [(INVALID, host)]  # the decoded form holds U+FFFD: show the ASCII one
    labels = unicode_host.split(".")
    tld_unicode = labels[-1]
    tld = host.rsplit(".", 1)[-1]
    found: dict[str, str] = {}
    for label in labels:
        code = label_problem(label, tld, tld_unicode)
        if code is not None and code not in found:
            found[code] = label
    return list(found.items())
