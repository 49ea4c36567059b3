"""Lookalike detectors against the shipped protected targets: what fires, and what must not."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from mutate_preload import warm

from service.core import urls
from service.core.errors import ListError
from service.core.model import Reference, Signal, Subject
from service.detect import lookalike
from service.detect.scoring import combine
from service.settings import REPO_BLOCKLISTS

REFERENCE = REPO_BLOCKLISTS / "reference"


@cache
def shipped() -> lookalike.TargetTable:
    return lookalike.build_targets(
        (REFERENCE / "protected.toml").read_text(encoding="utf-8"),
        (REFERENCE / "lure-keywords.txt").read_text(encoding="utf-8"),
    )


warm(shipped)


def run(host: str, table: lookalike.TargetTable | None = None, path: str = "/") -> list[Signal]:
    url = urls.parse(f"http://{host}{path}")
    ref = Reference(targets=shipped() if table is None else table)
    subject = Subject(url=url, match=None)  # type: ignore[arg-type]
    return [s for detect in lookalike.DETECTORS for s in detect(subject, ref)]


def by_code(host: str) -> dict[str, Signal]:
    return {s.code: s for s in run(host)}


@pytest.mark.parametrize(("host", "code", "target", "score"), [
    # Skeletons: Cyrillic, Vietnamese diacritics, digits for letters, rn for m (UTS #39).
    ("fаcebook.com", "lookalike.skeleton", "facebook.com", 90),
    ("vietcombạnk.com", "lookalike.skeleton", "vietcombank.com.vn", 90),
    ("zalò.me", "lookalike.skeleton", "zalo.me", 90),
    ("faceb00k.com", "lookalike.skeleton", "facebook.com", 90),
    ("vietcornbank.com.vn", "lookalike.skeleton", "vietcombank.com.vn", 90),
    ("аррӏе.com", "lookalike.skeleton", "apple.com", 90),
    ("трb.vn", "lookalike.skeleton", "tpb.vn", 90),  # Cyrillic т, р: a weak token, Unicode
    # Looser ASCII glyph classes (dnstwist's table): u~v, c~e, d~cl, k~lc.
    ("uietcombank.com.vn", "lookalike.homoglyph", "vietcombank.com.vn", 80),
    ("vietcombanlc.com.vn", "lookalike.homoglyph", "vietcombank.com.vn", 80),
    ("d1chuucong.gov.vn", "lookalike.homoglyph", "dichvucong.gov.vn", 80),
    # A name cut by '-' or '.'.
    ("face-book.com", "lookalike.split", "facebook.com", 80),
    ("vietc.ombank.com.vn", "lookalike.split", "vietcombank.com.vn", 80),
    # The brand's name under another suffix.
    ("shopee.top", "lookalike.tld_swap", "shopee.vn", 65),
    ("vietcombank.xyz", "lookalike.tld_swap", "vietcombank.com.vn", 65),
    # One edit: long names are dangerous, 5-6 letters suspicious, 4 only under their suffix.
    ("faceboook.com", "lookalike.edit_distance", "facebook.com", 70),
    ("gacebook.com", "lookalike.edit_distance", "facebook.com", 70),  # first letter, long name
    ("shoppee.vn", "lookalike.edit_distance", "shopee.vn", 55),
    ("momoa.vn", "lookalike.edit_distance", "momo.vn", 55),
    ("shopee1.vn", "lookalike.edit_distance", "shopee.vn", 55),  # a digit added: a lure shape
    ("faecbook.com", "lookalike.char_swap", "facebook.com", 70),
    ("garnea.vn", "lookalike.char_swap", "garena.vn", 55),
    # Target embedding, anywhere but the tail (85) and at the tail (70).
    ("facebook.com-login.top", "lookalike.target_embedding", "facebook.com", 85),
    ("vietcombank.com.vn.xacminh.info", "lookalike.target_embedding", "vietcombank.com.vn", 85),
    ("googlecom-verify.app", "lookalike.target_embedding", "google.com", 85),
    ("shopee.vn.co", "lookalike.target_embedding", "shopee.vn", 85),
    ("sacombankcom.vn", "lookalike.target_embedding", "sacombank.com.vn", 85),
    ("www-google.com", "lookalike.target_embedding", "google.com", 70),
    # Combosquats: keyword 75, digits 60, another word (brand standing apart) 35.
    ("garena-member.xyz", "lookalike.combosquat", "garena.vn", 75),
    ("shopee-svip.top", "lookalike.combosquat", "shopee.vn", 75),
    ("vietcombank-xacminh.com", "lookalike.combosquat", "vietcombank.com.vn", 75),
    ("quatriangarenavn.com", "lookalike.combosquat", "garena.com", 75),
    ("tuyendung-shopee.com", "lookalike.combosquat", "shopee.com", 75),
    ("nhanquamomo.com", "lookalike.combosquat", "momo.vn", 75),  # short name glued to a keyword
    ("free-fire-diamonds.com", "lookalike.combosquat", "ff.garena.vn", 75),  # separators dropped
    ("fb-hotro.com", "lookalike.combosquat", "facebook.com", 75),  # weak token + keyword
    ("đăng-nhập-zalo.com", "lookalike.combosquat", "zalo.me", 75),  # Vietnamese IDN keyword
    ("shopee-xacminh.ph", "lookalike.combosquat", "shopee.ph", 75),  # suggestion: same suffix
    # School and exam lures (students are the audience): the ministry's names with exam words.
    ("moet-thisinh.com", "lookalike.combosquat", "moet.gov.vn", 75),  # weak token + keyword
    ("bogiaoduc-hocbong.com", "lookalike.combosquat", "moet.gov.vn", 75),
    ("thitotnghiepthpt-tracuu.net", "lookalike.combosquat", "moet.gov.vn", 75),
    ("congan-tphcm.top", "lookalike.combosquat", "bocongan.gov.vn", 75),  # a city's police
    ("dichvucongquocgia.info", "lookalike.combosquat", "dichvucong.gov.vn", 75),
    ("shopee320.vip", "lookalike.combosquat", "shopee.vn", 60),
    ("momo2s.com", "lookalike.combosquat", "momo.vn", 60),
    ("vietcombank-digital.com", "lookalike.combosquat", "vietcombank.com.vn", 35),
])
def test_lookalikes_fire_with_their_target(host: str, code: str, target: str, score: int) -> None:
    signal = by_code(host)[code]
    assert signal.evidence["target"] == target
    assert signal.score == score


@pytest.mark.parametrize("host", [
    # The targets themselves and their real subdomains; other official domains of a brand.
    "facebook.com", "m.facebook.com", "www.vietcombank.com.vn", "vcbdigibank.vietcombank.com.vn",
    "zalopay.vn", "shopeefood.vn", "mail.google.com", "google.com.vn", "youtu.be",
    "steamcommunity.com", "lienquan.garena.vn",
    # A brand owning its name in every country: not a TLD swap, not an embedding.
    "google.de", "google.com.mx", "shopee.ph", "garena.co.id",
    # Short or everyday names are weak: only next to a lure keyword.
    "meta.ua", "steamboat.com", "acb.org", "fb.ru", "congan.com.vn", "moet.com",
    # Short names' near misses elsewhere, first-letter changes of short names (hank/tank).
    "mom.com", "riki.vn", "aidv.com.vn", "ted.com",
    # A brand glued to another word can be a word of its own; a keyword can hold a brand.
    "rappler.com", "appledaily.com.tw", "googlegroups.org", "pineapple.com",
    # ASCII skeletons are not used for edit distance (stern is not steam's "stearn").
    "stern.de", "stream.cz",
    # Hosts no lookalike rule applies to: IPs, special-use names.
    "1.2.3.4", "google-login.test", "facebook-login.localhost",
    # IDN subdomain of a protected domain.
    "xn--xample-9ua.facebook.com",
])
def test_guards_keep_these_silent(host: str) -> None:
    assert run(host) == []


def test_no_targets_no_lookalike_signals_but_idn_rules_still_apply() -> None:
    url = urls.parse("http://fàcebook.com/")
    subject = Subject(url=url, match=None)  # type: ignore[arg-type]
    found = [s for d in lookalike.DETECTORS for s in d(subject, Reference(targets=None))]
    assert [s.code for s in found] == []  # fàcebook: one script, allowed letters
    url = urls.parse("http://fаcebook.com/")  # Cyrillic а inside Latin
    subject = Subject(url=url, match=None)  # type: ignore[arg-type]
    found = [s for d in lookalike.DETECTORS for s in d(subject, Reference(targets=None))]
    assert [s.code for s in found] == ["idn.mixed_script"]


@pytest.mark.parametrize(("host", "code"), [
    ("paypαl.com", "idn.mixed_script"),
    ("ѕсоре.com", "idn.whole_script_confusable"),
    ("੨੨੨.com", "idn.digit_lookalike"),
    ("á\u0301.com", "idn.invisible_chars"),
    ("ab♥.com", "idn.disallowed_chars"),
    ("google丨com.com", "idn.dangerous_pattern"),
    ("abc一def.com", "idn.dangerous_pattern"),
    ("xn--example-.com", "idn.invalid"),
])
def test_idn_rules(host: str, code: str) -> None:
    assert code in by_code(host)


@pytest.mark.parametrize("host", [
    "bücher.de", "北京大學.cn", "президент.рф", "ѕсоре.ru", "café.fr", "hà-nội.vn",
    "τ.com",  # one letter: shown as punycode by browsers, not worth a warning
])
def test_idn_rules_keep_ordinary_idns_silent(host: str) -> None:
    assert [s.code for s in run(host) if s.namespace == "idn"] == []


@pytest.mark.parametrize(("host", "level"), [
    ("fаcebook.com", "dangerous"),  # skeleton alone
    ("facebook.com-login.top", "dangerous"),  # embedding alone
    ("garena-member.xyz", "dangerous"),  # combosquat with a keyword
    ("faceboook.com", "dangerous"),  # one typo from a long name
    ("shoppee.vn", "suspicious"),  # one typo from a 6-letter name
    ("shopee.top", "suspicious"),  # TLD swap alone (the scorer adds url.suspicious_tld)
    ("vietcombank-digital.com", "suspicious"),
])
def test_calibration_through_the_scorer(host: str, level: str) -> None:
    assert combine(run(host)).level == level


def test_suggestion_names_the_official_domain() -> None:
    verdict = combine(run("vietcombank-xacminh.com"))
    assert verdict.suggestion == "vietcombank.com.vn"


TOML = """
[[target]]
name = "Example Bank"
category = "bank"
domains = ["examplebank.vn", "www.Examplebank.com.vn", "exbank.vn"]
tokens = ["Example Bank", "exb"]
weak_tokens = ["bank"]
"""


def test_build_targets_reads_names_tokens_and_suffixes() -> None:
    table = lookalike.build_targets(TOML, "xác minh\n# comment\n\nlogin")
    (brand,) = table.brands
    assert brand.domains == ("examplebank.vn", "examplebank.com.vn", "exbank.vn")
    assert brand.tokens == ("examplebank",)
    assert set(brand.weak) == {"exb", "bank"}
    assert brand.suffixes == {"vn", "com.vn"}
    assert table.keywords == {"xacrninh": "xác minh", "login": "login"}
    assert table.categories == {"bank"}
    assert table.official_brand("ib.examplebank.com.vn", "examplebank.com.vn") is brand


@pytest.mark.parametrize(("text", "message"), [
    ("not toml [", "protected targets"),
    ("", "at least one"),
    ('[[target]]\nname = "x"\n', "non-empty list"),
    ('[[target]]\ndomains = ["a.vn"]\n', "without a name"),
    ('[[target]]\nname = "x"\ndomains = ["a.vn"]\ncategory = "pets"\n', "category"),
    ('[[target]]\nname = "x"\ndomains = ["a.vn"]\ntokens = ["z"]\n', "shorter than"),
    ('[[target]]\nname = "x"\ndomains = ["a.vn"]\ntokens = "zz"\n', "list of strings"),
    ('[[target]]\nname = "x"\ndomains = ["localhost"]\n', "not a domain"),
    ('[[target]]\nname = "x"\ndomains = ["a..vn"]\n', "not a domain"),
    ('[[target]]\nname = "x"\ndomains = ["http://a.vn/x"]\n', "not a domain"),
])
def test_bad_protected_files_are_clear_list_errors(text: str, message: str) -> None:
    with pytest.raises(ListError, match=message):
        lookalike.build_targets(text)


def test_domains_file_for_the_cli() -> None:
    table = lookalike.build_targets_from_domains(
        ["# candidates", "", "examplebank.vn", "  fóó.com  # IDN", "www.momo.vn"]
    )
    assert [b.primary for b in table.brands] == ["examplebank.vn", "xn--f-vgaa.com", "momo.vn"]
    assert [s.code for s in run("examp1ebank.vn", table)] == ["lookalike.skeleton"]
    with pytest.raises(ListError, match="names no domain"):
        lookalike.build_targets_from_domains(["# nothing"])


def test_shipped_targets_cover_the_issue_s_brands() -> None:
    names = " ".join(b.name for b in shipped().brands)
    for brand in ("Vietcombank", "BIDV", "Techcombank", "MB Bank", "TPBank", "VPBank", "ACB",
                  "Agribank", "VietinBank", "Sacombank", "MoMo", "ZaloPay", "VNPay", "VNeID",
                  "Dịch vụ công", "Bộ Công an", "Giáo dục", "Facebook", "Messenger", "Zalo",
                  "TikTok", "Instagram", "YouTube", "Telegram", "Discord", "Garena",
                  "Free Fire", "Liên Quân", "Roblox", "Steam", "Shopee", "Lazada", "Tiki",
                  "Google", "Microsoft", "Apple"):
        assert brand in names
    assert Path(REFERENCE / "lure-keywords.txt").is_file()


def test_the_marks_table_holds_the_marks_of_latin_greek_and_cyrillic_letters_only() -> None:
    # Built once at import, where mutmut cannot reach it (docs/testing.md): called here.
    import unicodedata

    from service.detect import confusables

    marks = confusables._marks_of_lgc()
    for letter in "ệờẵñüάёй":  # Vietnamese, Spanish, German, Greek, Cyrillic
        for mark in unicodedata.normalize("NFD", letter)[1:]:
            assert ord(mark) in marks, (letter, hex(ord(mark)))
    assert all(unicodedata.category(chr(c)) == "Mn" for c in marks)
    assert set(marks.values()) == {None} and ord("a") not in marks
    assert ord("\u0e31") not in marks  # a Thai vowel sign is Mn but not of these scripts
    for spelling in ("việtcombank", "viêtcombank", "vietcombank"):
        assert unicodedata.normalize("NFD", spelling).translate(marks) == "vietcombank"


def test_the_idn_allowed_set_drops_chromium_s_ranges_whole() -> None:
    # Built once at import (docs/testing.md): called here so a broken builder is seen.
    from service.detect import idn

    allowed = idn._allowed_set()
    assert allowed.isFrozen()
    for code in (0x1CD, 0x1D0, 0x1DC, 0x1E00, 0x1E50, 0x1E9B, 0x1F00, 0x1FFF, 0x338, 0x2BB, 0x2BC):
        assert not allowed.contains(chr(code)), hex(code)
    for letter in "aệờẵđ" + chr(0x1EA0) + chr(0x339):  # Vietnamese letters from U+1EA0 stay
        assert allowed.contains(letter), letter


def test_typosquat_weights_and_benign_siblings_at_their_edges() -> None:
    from service.detect import typosquat

    code = typosquat.EDIT_DISTANCE
    assert typosquat._weight(code, "x" * typosquat.LONG_TOKEN) == typosquat.WEIGHTS[code]
    assert typosquat._weight(code, "x" * (typosquat.LONG_TOKEN - 1)) == typosquat.SHORT_TOKEN_WEIGHT
    assert typosquat._likely_benign("abcd1", "abcd2")  # numbered siblings
    assert not typosquat._likely_benign("abcd", "abce2")
    assert typosquat._likely_benign("tank", "hank")  # first letter of a short word
    assert typosquat._likely_benign("ank", "bank") and typosquat._likely_benign("bank", "ank")
    assert not typosquat._likely_benign("nk", "bank")
    assert not typosquat._likely_benign("paypal", "baypal")  # longer than the guard


def test_platform_parents_are_the_host_s_proper_parents_above_the_tld() -> None:
    from service.detect import platforms

    assert list(platforms._parents("a.b.c.com")) == ["b.c.com", "c.com"]
    assert list(platforms._parents("c.com")) == []


def test_protected_domains_from_a_file_skip_comments_and_refuse_an_empty_one() -> None:
    from service.detect.targets import build_targets_from_domains

    table = build_targets_from_domains(["# the school's own", "", "truong-abc.edu.vn # a # b"])
    assert [b.domains for b in table.brands] == [("truong-abc.edu.vn",)]
    with pytest.raises(ListError, match="protected targets: the file names no domain"):
        build_targets_from_domains(["# nothing", "   "])
