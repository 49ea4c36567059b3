"""The parts that read names: word splitting, the lexicon file, platforms, fast skeleton paths."""

from __future__ import annotations

import random
import string
import unicodedata

import icu
import pytest

from service.core.errors import ListError
from service.core.hostnames import private_suffixes
from service.detect import confusables
from service.detect.lexicon import build_lexicon, parse_phrases
from service.detect.platforms import build_platforms
from service.detect.wordsplit import build_vocabulary
from service.settings import REPO_BLOCKLISTS

WORDS = REPO_BLOCKLISTS / "reference" / "words"
VOCAB = build_vocabulary((WORDS / "vi-syllables.txt").read_text("utf-8"),
                         (WORDS / "en-words.txt").read_text("utf-8"), ["momo", "ctv"])


@pytest.mark.parametrize(("run", "reads"), [
    ("viecnheluongcao", True), ("taixiu", True), ("momo", True), ("online", True),
    ("xkp", False), ("exp", False), ("qzv", False), ("", True),
])
def test_runs_of_letters_read_as_syllables_and_words(run: str, reads: bool) -> None:
    assert VOCAB.reads_as_words(run) is reads


def test_short_phrases_need_words_not_bare_syllables_around_them() -> None:
    lexicon = build_lexicon('[[category]]\ncode = "scam.gambling"\nweight = 60\n'
                            'strong = ["cá độ", "tài xỉu"]\n', VOCAB)
    assert [h.phrase.written for h in lexicon.find("cado-online")] == ["cá độ"]
    assert lexicon.find("ocado") == []  # o|ca|do: bare syllables
    assert [h.phrase.written for h in lexicon.find("taixiu-x.vip")] == ["tài xỉu"]
    assert [h.phrase.written for h in lexicon.find("choitaixiuonline")] == ["tài xỉu"]
    assert lexicon.find("xkptaixiu") == []  # "xkp" reads as nothing


@pytest.mark.parametrize(("text", "error"), [
    ("not toml [", "scam lexicon"),
    ("", "at least one"),
    ('[[category]]\ncode = "gambling"\nweight = 60\n', "must start with 'scam.'"),
    ('[[category]]\ncode = "scam.x"\nweight = 0\n', "weight"),
    ('[[category]]\ncode = "scam.x"\nweight = 50\nstrong = "tài xỉu"\n', "list of strings"),
])
def test_a_broken_lexicon_file_is_a_clear_list_error(text: str, error: str) -> None:
    with pytest.raises(ListError, match=error):
        parse_phrases(text)


def test_the_shipped_lexicon_folds_every_phrase() -> None:
    phrases = parse_phrases((REPO_BLOCKLISTS / "reference" / "scam-lexicon.toml").read_text())
    assert {"taixiu", "chanle", "viecnheluongcao", "tuyenctv", "cccd"} <= set(phrases)
    assert all(p.isascii() and p.isalnum() for p in phrases)


def test_platforms_come_from_the_psl_private_section_and_the_documented_list() -> None:
    private = private_suffixes()
    assert {"blogspot.com", "github.io", "pages.dev", "vercel.app", "netlify.app",
            "web.app", "firebaseapp.com"} <= private
    assert not {"com", "com.vn", "vn"} & private
    table = build_platforms((REPO_BLOCKLISTS / "reference" / "platforms.toml").read_text(),
                            private)
    place = table.place("user.github.io", "user.github.io", "/instagram_login/x")
    assert place is not None and place.segments == ("instagram_login", "x")
    weebly = table.place("shop.weebly.com", "weebly.com", "/")
    assert weebly is not None and (weebly.site, weebly.user_label) == ("shop.weebly.com", "shop")
    sites = table.place("sites.google.com", "google.com", "/view/bank-xac-thuc/home")
    assert sites is not None and sites.segments == ("bank-xac-thuc",)
    assert table.place("sites.google.com", "google.com", "/view/") is None  # the platform's
    assert table.place("www.weebly.com", "weebly.com", "/") is None
    assert table.place("example.com", "example.com", "/vietcombank/") is None
    wildcard = table.place("a.b.compute.amazonaws.com", "a.b.compute.amazonaws.com", "/x")
    assert wildcard is not None  # "*.compute.amazonaws.com" in the PSL


def test_the_official_walk_stops_at_the_registrable_domain() -> None:
    from service.upkeep.loader import load_lists

    table = load_lists(REPO_BLOCKLISTS, heuristics_only=True).reference.targets
    assert table is not None
    assert table.official_brand("blogspot.com", "blogspot.com") is not None  # Google's own
    assert table.official_brand("books-facebook.blogspot.com",
                                "books-facebook.blogspot.com") is None
    assert table.official_brand("a.b.facebook.com", "facebook.com") is not None


def _reference_drop(text: str) -> str:
    """Chromium's MaybeRemoveDiacritics as first written: NFD, drop Mn, NFC, strokes."""
    if text.isascii() or not confusables._LGC.containsAll(text):
        return text
    bare = "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", bare).translate(confusables._STROKES)


def _lgc_chars() -> list[str]:
    chars, found = icu.UnicodeSetIterator(confusables._LGC), []
    while chars.next():
        found.append(chars.getString())
    return found


def test_the_fast_diacritic_drop_equals_the_reference_algorithm() -> None:
    chars = _lgc_chars()
    assert all(confusables.drop_diacritics(c) == _reference_drop(c) for c in chars)
    rng = random.Random(12)
    for _ in range(3000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(2, 8)))
        assert confusables.drop_diacritics(text) == _reference_drop(text), text


def test_the_ascii_skeleton_table_equals_icu() -> None:
    spoof = icu.SpoofChecker()
    alphabet = string.ascii_lowercase + string.digits + "-._"
    rng = random.Random(12)
    samples = [*alphabet, *("".join(rng.choice(alphabet) for _ in range(12))
                            for _ in range(2000))]
    for text in samples:
        assert confusables.uts39_skeleton(text) == str(spoof.getSkeleton(0, text)), text


def test_word_lists_are_read_line_by_line_with_comments_case_and_marks_folded() -> None:
    from service.detect import wordsplit

    text = "# a header line\nNgân # the bank word\n\n  hàng  \nx-y\nok#\n123\n"
    assert wordsplit._lines(text) == ["ngan", "hang", "xy", "ok"]  # folding drops the dash
    assert wordsplit._lines(None) == [] and wordsplit._lines("") == []
    vocab = build_vocabulary("Ngân\nhàng", "# english\nBank\nab\nWallet # a word")
    assert vocab.vietnamese == {"ngan", "hang"}
    assert vocab.english == {"bank", "wallet"}  # "ab" is under MIN_ENGLISH letters


def test_each_place_on_a_platform_exactly() -> None:
    from service.detect.platforms import Place

    table = build_platforms((REPO_BLOCKLISTS / "reference" / "platforms.toml").read_text(),
                            private_suffixes())
    assert table.place("user.github.io", "user.github.io", "/Login%20Page/x.html") == Place(
        "github.io", "user.github.io", "user", ("login page", "x"))
    assert table.place("sites.google.com", "google.com", "/view/bank-xac-thuc/index/y") == Place(
        "sites.google.com", "sites.google.com", "", ("bank-xac-thuc", "y"))
    assert table.place("a.b.shop.weebly.com", "weebly.com", "/") == Place(
        "weebly.com", "shop.weebly.com", "shop", ())
    assert table.place("shop.weebly.com", "weebly.com", "/home/%ZZ/a/b") == Place(
        "weebly.com", "shop.weebly.com", "shop", ("%zz", "a"))  # two segments name a page
    long = "x" * 64
    assert table.place("user.github.io", "user.github.io", f"/{long}/{'y' * 63}").segments == (
        "y" * 63,)
    assert table.place("user.github.io", "user.github.io", "/index.php/a.htm").segments == ("a",)
    assert table.place("weebly.com", "weebly.com", "/") is None  # the platform's own host
