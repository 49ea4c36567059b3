"""Scam names without brands, platform-hosted fakes and glued distinctive brands (issue 12)."""

from __future__ import annotations

from functools import cache

import pytest
from mutate_preload import warm

from service.core import urls
from service.core.model import SUSPICIOUS_AT, Reference, Subject, Verdict
from service.detect import scoring
from service.lists.entries import parse_list
from service.lists.index import Index
from service.lists.manifest import ListSpec
from service.settings import REPO_BLOCKLISTS
from service.upkeep.loader import load_lists


@cache
def shipped() -> Reference:
    """The reference data exactly as the service loads it, with no block or allow list."""
    return load_lists(REPO_BLOCKLISTS, heuristics_only=True).reference


warm(shipped)


def verdict(url: str, index: Index | None = None) -> Verdict:
    parsed = urls.parse(url)
    match = (index or Index.empty()).match(parsed)
    return scoring.score(Subject(url=parsed, match=match), shipped())


def codes(url: str) -> set[str]:
    return {s.code for s in verdict(url).signals}


@pytest.mark.parametrize(("url", "code", "words"), [
    # The issue's own examples: with or without hyphens, glued, with digits.
    ("http://viecnheluongcao24h.net/", "scam.job", "việc nhẹ lương cao"),
    ("http://viec-nhe-luong-cao.com/", "scam.job", "việc nhẹ lương cao"),
    ("http://tuyenctv-nhanh.com/", "scam.job", "tuyển ctv"),
    ("http://lamnhiemvu.site/", "scam.job", "làm nhiệm vụ"),
    ("http://xuatkhaulaodong-nhatban.com/", "scam.job", "xuất khẩu lao động"),
    ("http://taixiu88.vip/", "scam.gambling", "tài xỉu"),
    ("http://chanle.club/", "scam.gambling", "chẵn lẻ"),
    ("http://nohu52.com/", "scam.gambling", "nổ hũ"),
    ("http://bancaonline.net/", "scam.gambling", "bắn cá"),
    ("http://lode-mienbac.com/", "scam.gambling", "lô đề"),
    ("http://vaytiennhanh.online/", "scam.loan", "vay tiền nhanh"),
    ("http://nhankimcuong.com/", "scam.game_currency", "nhận kim cương"),
    ("http://napthe-kimcuong.xyz/", "scam.game_currency", "nạp thẻ, kim cương"),
    ("http://nhanquatrian.online/", "scam.gift", "nhận quà tri ân"),
    ("http://mokhoataikhoan.com/", "scam.account", "mở khóa tài khoản"),
    ("http://capnhat-cccd.com/", "scam.identity", "cập nhật cccd"),
    ("http://binhchonthisinh.com/", "scam.contest", "bình chọn thí sinh"),
    ("http://chinhphu-vietnam.com/", "scam.government", "chính phủ việt nam"),
    # Written with diacritics in an IDN: folded before matching.
    ("http://tàixỉu.vip/", "scam.gambling", "tài xỉu"),
])
def test_scam_words_in_a_host_name(url: str, code: str, words: str) -> None:
    signals = {s.code: s for s in verdict(url).signals}
    assert code in signals, signals
    assert signals[code].evidence["words"] == words


@pytest.mark.parametrize("url", [
    # Hard negatives: the phrase's letters inside other words, honest Vietnamese sites.
    "http://explode.com/", "http://ocado.com/", "http://ubibanca.com/", "http://kingoloto.com/",
    "http://vieclam24h.vn/", "http://thethao247.vn/", "http://tuyensinh247.com/",
    "http://vnexpress.net/", "http://dantri.com.vn/", "http://kenh14.vn/", "http://zingmp3.vn/",
    "http://aqua2ch.net/", "http://freedom251.com/", "http://bet365.es/",
    # The state's own sites, and the government portal (a protected target).
    "http://vieclam.gov.vn/", "http://dichvucong.gov.vn/", "http://chinhphu.vn/",
    "http://thitotnghiepthpt.edu.vn/",
    # One weak phrase alone is an everyday word.
    "http://kimcuong.vn/", "http://tuyendung.com/", "http://vay.vn/",
])
def test_honest_names_stay_safe(url: str) -> None:
    found = verdict(url)
    assert found.score < SUSPICIOUS_AT, found.signals


def test_weak_phrases_count_together_or_under_a_suspicious_tld() -> None:
    assert "scam.game_currency" not in codes("http://kimcuong.vn/")
    assert "scam.game_currency" in codes("http://kimcuong.top/")
    assert "scam.job" in codes("http://tuyendung-ctv.com/")


@pytest.mark.parametrize(("url", "code", "target"), [
    # A brand in a platform subdomain counts as in a registrable domain ...
    ("http://books-facebook.blogspot.com/", "lookalike.combosquat", "facebook.com"),
    ("http://vietcombank-xacthuc.pages.dev/", "lookalike.combosquat", "vietcombank.com.vn"),
    ("http://garena-quatang.vercel.app/", "lookalike.combosquat", "garena.vn"),
    ("http://shopee-hoantien.netlify.app/", "lookalike.combosquat", "shopee.vn"),
    ("http://momo-nhanqua.web.app/", "lookalike.combosquat", "momo.vn"),
    ("http://zalo-xacminh.firebaseapp.com/", "lookalike.combosquat", "zalo.me"),
    # ... also on page builders the PSL lacks (platforms.toml) ...
    ("http://vietcombank-xacthuc.weebly.com/", "lookalike.combosquat", "vietcombank.com.vn"),
    # ... and in the first path segments.
    ("http://user.github.io/instagram_login/", "platform.brand_page", "instagram.com"),
    ("https://sites.google.com/view/vietcombank-xac-thuc", "platform.brand_page",
     "vietcombank.com.vn"),
    ("https://sites.google.com/view/garena/home", "platform.brand_page", "garena.vn"),
    ("https://linktr.ee/shopee_hoantien", "platform.brand_page", "shopee.vn"),
    ("http://abc.pages.dev/vietcombank/login", "platform.brand_page", "vietcombank.com.vn"),
])
def test_brand_on_a_user_content_platform(url: str, code: str, target: str) -> None:
    signals = {s.code: s for s in verdict(url).signals}
    assert code in signals, signals
    assert signals[code].evidence["target"] == target
    assert verdict(url).score >= SUSPICIOUS_AT


@pytest.mark.parametrize(("url", "words"), [
    ("https://sites.google.com/view/tuyen-ctv-online", "ctv online"),
    ("http://abc.github.io/taixiu88/", "tài xỉu"),
    ("https://heylink.me/nohu-club", "nổ hũ"),
])
def test_scam_words_name_a_platform_page(url: str, words: str) -> None:
    signals = {s.code: s for s in verdict(url).signals}
    assert "platform.scam_page" in signals, signals
    assert signals["platform.scam_page"].evidence["words"] == words


@pytest.mark.parametrize("url", [
    # The platforms' own pages, and honest users' pages.
    "https://pages.github.com/", "https://github.io/", "https://sites.google.com/",
    "https://sites.google.com/new", "https://sites.google.com/view/thptnguyenhue",
    "https://www.blogger.com/", "https://vercel.com/", "https://linktr.ee/",
    "https://docs.google.com/document/d/1abcDEF/edit", "http://user.github.io/",
    "http://mycv.github.io/projects/", "http://thaytoan.blogspot.com/2024/05/bai-giang.html",
    # A brand next to an unknown word in a path is a student's project, not a lure.
    "http://user.github.io/facebook-clone/", "http://user.github.io/shopee-ui/",
    # The brand's own pages on a platform it owns.
    "https://www.facebook.com/groups/", "https://m.facebook.com/",
    "https://facebook.github.io/react/", "https://microsoft.github.io/vscode-docs/",
])
def test_platform_pages_that_stay_silent(url: str) -> None:
    found = codes(url)
    assert not {c for c in found if c.startswith(("platform.", "lookalike.", "scam."))}, found


def test_a_platform_page_warns_even_when_the_platform_is_allowlisted() -> None:
    spec = ListSpec(name="major-sites", file="major-sites.txt", format="domains",
                    category="allow", action="allow")
    allow = Index([(spec, parse_list("google.com\n", "domains").entries)])
    found = verdict("https://sites.google.com/view/vietcombank-xac-thuc", allow)
    assert "platform.brand_page" in {s.code for s in found.signals}
    assert found.score >= SUSPICIOUS_AT
    # The allowlisted platform's own page stays safe.
    assert verdict("https://sites.google.com/view/thptnguyenhue", allow).score == 0


@pytest.mark.parametrize(("url", "kind"), [
    # A distinctive brand glued to other letters (distinct.py measures which brands are).
    ("http://shopeecf.com/", "glued"),
    ("http://vietcombankvn.top/", "keyword"),
    ("http://garenaxyz.com/", "glued"),
    # A short brand glued to a scam phrase (chẵn lẻ): a lure keyword too.
    ("http://chanlemomo.cc/", "keyword"),
])
def test_brand_glued_inside_words(url: str, kind: str) -> None:
    signals = {s.code: s for s in verdict(url).signals}
    assert signals["lookalike.combosquat"].evidence["kind"] == kind


@pytest.mark.parametrize("url", [
    "http://appledaily.com.tw/", "http://metacritic.com/", "http://steamboat.com/",
    "http://googleable.com/", "http://telegrammar.com/",
])
def test_everyday_brand_names_glued_stay_silent(url: str) -> None:
    assert "lookalike.combosquat" not in codes(url)


def test_distinctiveness_is_measured_not_listed() -> None:
    table = shipped().targets
    assert table is not None
    assert {"shopee", "vietcombank", "garena", "lazada", "techcombank"} <= table.distinctive
    assert not {"apple", "meta", "steam", "google", "telegram", "discord"} & table.distinctive


@pytest.mark.parametrize(("url", "code", "score", "evidence"), [
    ("http://user.github.io/vietcombank-login/", "platform.brand_page", 75,
     {"host": "user.github.io", "platform": "github.io", "site": "user.github.io",
      "target": "vietcombank.com.vn", "brand": "Vietcombank", "kind": "lookalike.combosquat",
      "keyword": "login", "page": "vietcombank-login"}),
    ("http://user.github.io/faceb00k/", "platform.brand_page", 90,
     {"host": "user.github.io", "platform": "github.io", "site": "user.github.io",
      "target": "facebook.com", "brand": "Facebook", "kind": "lookalike.skeleton",
      "page": "faceb00k"}),
    ("http://x.github.io/vietcombank.com.vn/", "platform.brand_page", 85,
     {"host": "x.github.io", "platform": "github.io", "site": "x.github.io",
      "target": "vietcombank.com.vn", "brand": "Vietcombank",
      "kind": "lookalike.target_embedding", "page": "vietcombank.com.vn"}),
    ("http://taixiu-nohu.top/", "scam.gambling", 60,
     {"host": "taixiu-nohu.top", "site": "taixiu-nohu.top", "words": "tài xỉu, nổ hũ"}),
    ("http://sites.google.com/view/taixiu88/", "platform.scam_page", 60,
     {"host": "sites.google.com", "platform": "sites.google.com", "site": "sites.google.com",
      "words": "tài xỉu", "page": "taixiu88"}),
])
def test_the_whole_evidence_of_a_scam_name_or_platform_page(url: str, code: str, score: int,
                                                            evidence: dict[str, str]) -> None:
    signals = {s.code: s for s in verdict(url).signals}
    assert (signals[code].score, dict(signals[code].evidence)) == (score, evidence)
