"""The message matcher (pure): every pattern in Vietnamese with and without diacritics, in teen
spelling and in English; the hard negatives; combinations; folding; links found in text."""

from __future__ import annotations

import pytest
from fuzzing import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from service.core.errors import ListError
from service.core.model import Assessment, Hop, Signal, Verdict
from service.detect import scoring
from service.detect.message import CODES, build_message_rules, combination, match_message
from service.detect.messages import MESSAGES
from service.detect.textfold import fold
from service.detect.textlinks import MAX_LINKS, find_links
from service.detect.textverdict import text_verdict
from service.settings import REPO_BLOCKLISTS

RULES = build_message_rules(
    (REPO_BLOCKLISTS / "reference" / "message-patterns.toml").read_text(encoding="utf-8"))

# (pattern, [vi with diacritics, vi without, teen spelling, English])
PATTERNS: list[tuple[str, list[str]]] = [
    ("secrecy", ["Không được nói với bố mẹ chuyện này.", "khong duoc noi voi bo me chuyen nay",
                 "ko dc ns vs bme nha", "Don't tell your parents about this."]),
    ("isolation", ["Em thuê phòng khách sạn một mình rồi chờ anh.",
                   "em thue phong khach san mot minh roi cho anh",
                   "tắt đt đi, k nghe máy bme nha", "Turn off your phone and go alone."]),
    ("authority_threat", ["Cơ quan công an thông báo em liên quan vụ án rửa tiền.",
                          "co quan cong an thong bao em lien quan vu an rua tien",
                          "a là cskt, tk của e dính đường dây rửa tiền, công an đang điều tra",
                          "This is the police: your account is part of a money laundering "
                          "investigation."]),
    ("personal_data", ["Gửi cho anh ảnh căn cước công dân và mã OTP.",
                       "gui cho anh anh can cuoc cong dan va ma otp",
                       "gửi a cccd vs otp đi e",
                       "Send me your ID card and the verification code."]),
    ("sensitive_photos", ["Gửi anh xem ảnh nóng của em đi.", "gui anh xem anh nong cua em di",
                          "chụp ảnh nude gửi a nhé", "Send me nudes."]),
    ("money_transfer", ["Em chuyển tiền vào tài khoản tạm giữ ngay.",
                        "em chuyen tien vao tai khoan tam giu ngay",
                        "ck cho a 5tr nha", "Transfer the money to this account."]),
    ("job_offer", ["Việc nhẹ lương cao, làm tại nhà.", "viec nhe luong cao, lam tai nha",
                   "tuyển ctv online, kiếm tiền online tại nhà",
                   "Easy job, high pay, work from home."]),
    ("prize", ["Chúc mừng bạn đã trúng thưởng một chiếc iPhone.",
               "chuc mung ban da trung thuong mot chiec iphone",
               "bạn được nhận quà tri ân nè", "Congratulations, you've won a prize!"]),
    ("meeting", ["Anh qua đón em sau giờ học nhé.", "anh qua don em sau gio hoc nhe",
                 "cho a xin địa chỉ nhà e đi", "Let's meet up, I'll pick you up."]),
    ("private_group", ["Em vào nhóm kín trên Telegram nhé.", "em vao nhom kin tren telegram nhe",
                       "ib zalo a nha", "Join our private group on Telegram."]),
    ("video_call", ["Mình gọi video đi, bật camera lên.", "minh goi video di, bat camera len",
                    "call video vs a đi", "Turn on your camera for a video call."]),
    ("urgency", ["Làm ngay lập tức, trong vòng 30 phút.", "lam ngay lap tuc, trong vong 30 phut",
                 "gấppppp lắm, ngay bây giờ", "Do it immediately, this is urgent."]),
]
# More phrasings from the police warnings (bench/data/messages/README.md).
MORE: list[tuple[str, list[str]]] = [
    ("job_offer", ["Tuyển sugar baby, bao nuôi 20tr/tháng",
                   "casting mẫu nhí, không cần kinh nghiệm", "đầu tư coin lợi nhuận 30% mỗi tuần"]),
    ("money_transfer", ["vay tiền nhanh chỉ cần CCCD, giải ngân trong 5 phút",
                        "tiền chuộc 50 triệu", "ck vào tài khoản cá nhân của cô kế toán nhé"]),
    ("personal_data", ["quét khuôn mặt để kích hoạt định danh mức 2",
                       "Confirm your details to reschedule the delivery"]),
    ("prize", ["Nhận tiền hỗ trợ từ nhà nước, bấm vào đây"]),
]
CASES = [(f"message.{code}", text) for code, texts in (*PATTERNS, *MORE) for text in texts]

# Ordinary messages a student gets: none may be flagged, and none may carry the named code.
HARD_NEGATIVES = [
    ("teacher's Zoom link", "Các em vào lớp học online lúc 19h qua link Zoom nhé, nhớ bật camera."),
    ("bank OTP notice", "Mã OTP của Quý khách là 482913. Tuyệt đối KHÔNG chia sẻ mã này cho bất "
                        "kỳ ai, kể cả nhân viên ngân hàng."),
    ("bank OTP, no diacritics", "Ma OTP cua quy khach la 739201. Ngan hang KHONG BAO GIO yeu cau "
                                "cung cap ma OTP."),
    ("English OTP notice", "Your verification code is 482913. Never share this code with anyone."),
    ("friend joking about the police", "haha mày trốn học nữa là công an tới bắt đó =))"),
    ("parent asks for homework", "Con chụp ảnh bài tập toán gửi mẹ xem nhé."),
    ("parent asks for homework, en", "Can you send me a photo of your homework so I can check it?"),
    ("surprise party", "Sinh nhật mẹ thứ 7, cả nhà làm bất ngờ, đừng nói với mẹ nha!"),
    ("paying a friend back", "ê chuyển khoản tiền ăn trưa cho tao 35k nha, stk tao mày có rồi"),
    ("school news about police", "Công an phường tuyên truyền phòng chống lừa đảo tại trường."),
    ("meet a friend", "mai gặp nhau ở cổng trường lúc 6h45 nha"),
    ("family hotel", "Cả nhà mình đặt phòng khách sạn ở Đà Lạt rồi nha con."),
    ("class Zalo group", "Lớp mình có nhóm Zalo, các em vào nhóm bằng link cô gửi nhé."),
]


@pytest.mark.parametrize(("code", "text"), CASES, ids=[f"{c}:{t[:30]}" for c, t in CASES])
def test_pattern_is_found(code: str, text: str) -> None:
    found = {s.code: s for s in match_message(text, RULES)}
    assert code in found, f"{code} not in {sorted(found)}"
    evidence = found[code].evidence["match"]
    assert evidence and evidence in " ".join(text.split())  # the student's own words


def test_every_pattern_code_has_a_case_and_both_languages() -> None:
    assert {f"message.{code}" for code, _ in PATTERNS} == set(CODES)
    for code in (*CODES, "message.link", "message.combination"):
        assert {"vi", "en"} <= set(MESSAGES[code]), code


@pytest.mark.parametrize(("what", "text"), HARD_NEGATIVES, ids=[w for w, _ in HARD_NEGATIVES])
def test_hard_negatives_are_not_flagged(what: str, text: str) -> None:
    verdict = text_verdict(match_message(text, RULES), [], RULES)
    assert verdict.level == "safe", f"{what}: {verdict}"


@pytest.mark.parametrize("text", [
    "Mã OTP của Quý khách là 482913. Tuyệt đối KHÔNG chia sẻ mã này cho bất kỳ ai.",
    "Your verification code is 482913. Never share this code with anyone.",
])
def test_an_otp_notice_is_no_request_for_personal_data(text: str) -> None:
    assert "message.personal_data" not in {s.code for s in match_message(text, RULES)}


def test_a_lone_authority_word_is_no_threat() -> None:
    codes = {s.code for s in match_message("Chú công an dễ thương ghê", RULES)}
    assert "message.authority_threat" not in codes


@pytest.mark.parametrize(("text", "combo"), [
    ("Tôi là công an, em liên quan vụ án rửa tiền. Không được nói với bố mẹ, chuyển tiền ngay "
     "vào tài khoản tạm giữ.", "authority_pressure"),
    ("Send me a pic, don't tell anyone.", "grooming"),
    ("Chúc mừng bạn trúng thưởng, gửi ảnh CCCD để nhận quà.", "prize_fee"),
    ("Việc nhẹ lương cao, đóng phí 500k trước để nhận việc.", "job_scam"),
])
def test_combinations_make_the_scripts_dangerous(text: str, combo: str) -> None:
    verdict = text_verdict(match_message(text, RULES), [], RULES)
    assert verdict.level == "dangerous", verdict
    combined = next(s for s in verdict.signals if s.code == "message.combination")
    assert combined.evidence["combo"] == combo


def test_each_part_alone_is_weaker_than_the_combination() -> None:
    parts = ["Tôi là công an, em liên quan vụ án rửa tiền.", "Không được nói với bố mẹ.",
             "Chuyển tiền vào tài khoản tạm giữ."]
    whole = text_verdict(match_message(" ".join(parts), RULES), [], RULES).score
    for part in parts:
        assert text_verdict(match_message(part, RULES), [], RULES).score < 70 <= whole


def test_quiet_patterns_do_not_count_towards_many_tricks() -> None:
    signals = [Signal("message.urgency", 15), Signal("message.meeting", 20),
               Signal("message.video_call", 20)]
    assert combination((s.code for s in signals), RULES) is None


def _link(url: str, verdict: Verdict) -> Assessment:
    return Assessment(url, url, url, verdict, (Hop(url, None),), "v")


def test_a_bad_link_makes_the_message_as_bad_and_a_lure_link_counts_as_its_pattern() -> None:
    bad = scoring.combine([Signal("blocklist.match", 100, {"list": "x"})])
    zoom = scoring.combine([Signal("invite.video_call", 45, {"service": "Zoom"})])
    links = [_link("http://evil.test/", bad), _link("https://zoom.us/j/1", zoom)]
    verdict = text_verdict([], links, RULES)
    codes = {s.code: s for s in verdict.signals}
    assert verdict.level == "dangerous" and codes["message.link"].evidence["host"] == "evil.test"
    assert codes["message.video_call"].evidence["link"] == "zoom.us"
    alone = text_verdict([], [_link("https://zoom.us/j/1", zoom)], RULES)
    assert alone.level == "safe"  # a teacher's Zoom link, with nothing else, is no alarm


def test_a_link_is_named_by_its_own_host_not_one_in_its_query() -> None:
    bad = scoring.combine([Signal("blocklist.match", 100, {"list": "x"})])
    zoom = scoring.combine([Signal("invite.video_call", 45, {"service": "Zoom"})])
    links = [_link("http://evil.test/go?next=http://school.test/a/b", bad),
             _link("https://zoom.us/j/1?from=https://other.test/", zoom)]
    codes = {s.code: s for s in text_verdict([], links, RULES).signals}
    assert codes["message.link"].evidence["host"] == "evil.test"
    assert codes["message.video_call"].evidence["link"] == "zoom.us"


@pytest.mark.parametrize(("text", "folded"), [
    ("Đừng nói với BỐ MẸ nhé!!!", "dung noi voi bo me nhe"),
    ("gấppppp lắm", "gap lam"),  # a stretched last letter counts once
    ("CCCD", "cccd"),  # but not letters a word starts with
    ("don't  tell\n\tanyone", "dont tell anyone"),
    ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text).text == folded


@pytest.mark.parametrize(("text", "links"), [
    ("Vào vietcombank-xacminh.top/login để xác minh.", ["vietcombank-xacminh.top/login"]),
    ("xem https://zoom.us/j/123?pwd=x, rồi (bit.ly/abc).", ["https://zoom.us/j/123?pwd=x",
                                                            "bit.ly/abc"]),
    ("www.example.vn và Zalo.me/g/abc", ["www.example.vn", "Zalo.me/g/abc"]),
    ("ở tp.hcm lúc 3.5tr, ok.em, mail a@gmail.com", []),  # no real suffix; an e-mail address
    ("http://evil.test/<script>alert(1)</script>", ["http://evil.test/"]),
    ("a.vn a.vn A.VN", ["a.vn"]),
    # a closing bracket ends a link unless it closes one the link opened (Wikipedia-style paths)
    ("xem https://vi.wikipedia.org/wiki/Hà_Nội_(thành_phố)).",
     ["https://vi.wikipedia.org/wiki/Hà_Nội_(thành_phố)"]),
    ("link: http://a.test/x(1)", ["http://a.test/x(1)"]),
    ("http://a.test/a)b)", ["http://a.test/a)b"]),
    ("(http://a.test/x)", ["http://a.test/x"]),
    ("http://a.test/x).", ["http://a.test/x"]),
    ("http://a.test/(x)y).", ["http://a.test/(x)y"]),
    ("ở tp.hcm rồi vào evil-site.top/x", ["evil-site.top/x"]),  # a non-link first
    ("a.vn a.vn b.vn", ["a.vn", "b.vn"]),  # a repeat first
    ("vào a.vn:99999 nhé", []),  # no port that high: not a link
])
def test_links_in_text(text: str, links: list[str]) -> None:
    assert [f.text for f in find_links(text)] == links


def test_at_most_twenty_links() -> None:
    text = " ".join(f"site{i}.vn" for i in range(30))
    assert len(find_links(text)) == MAX_LINKS


def test_link_words_are_not_read_as_talk() -> None:
    signals = match_message("https://zoom.us/j/123", RULES, blank=[(0, 21)])
    assert signals == []


def test_every_link_is_blanked_even_beyond_the_first_twenty() -> None:
    from service.detect.textlinks import link_spans

    text = " ".join(f"http://l{i}.test/x" for i in range(MAX_LINKS + 3)) + " keep quiet"
    spans = link_spans(text)
    assert len(spans) == MAX_LINKS + 3
    assert [text[a:b] for a, b in spans[-2:]] == ["http://l21.test/x", "http://l22.test/x"]


def test_the_text_result_holds_the_verdict_each_reason_and_each_link() -> None:
    from service.detect import present

    bad = scoring.combine([Signal("blocklist.match", 100, {"list": "x"})])
    link = _link("http://evil.test/", bad)
    verdict = text_verdict([Signal("message.secrecy", 40, {"match": "đừng nói"})], [link], RULES)
    out = present.text_result(verdict, [link], "en")
    assert set(out) == {"verdict", "score", "reasons", "links", "lang"}
    assert (out["verdict"], out["score"], out["lang"]) == ("dangerous", verdict.score, "en")
    assert [r["code"] for r in out["reasons"]] == [s.code for s in verdict.signals]
    assert "secret" in out["reasons"][-1]["message"]  # rendered in the asked language
    assert [a["verdict"] for a in out["links"]] == ["dangerous"]
    vi = present.text_result(verdict, [link], "vi")
    assert vi["lang"] == "vi" and "bí mật" in vi["reasons"][-1]["message"]


@pytest.mark.parametrize(("toml", "error"), [
    ("[[pattern]]\ncode = 'nope'\nscore = 10\nany = ['x']", "code must be one of"),
    ("[[pattern]]\ncode = 'secrecy'\nscore = 0\nany = ['x']", "score must be"),
    ("[[pattern]]\ncode = 'secrecy'\nscore = 10\nany = ['{missing}']", "unknown term"),
    ("[[pattern]]\ncode = 'secrecy'\nscore = 10\nany = ['(']", "bad pattern"),
    ("[[pattern]]\ncode = 'secrecy'\nscore = 10", "give phrases"),
    ("[[combo]]\nscore = 10\nall = ['nope']", "unknown codes"),
    ("[[pattern", "not valid TOML"),
])
def test_a_broken_pattern_file_names_its_fault(toml: str, error: str) -> None:
    with pytest.raises(ListError, match=error):
        build_message_rules(toml)


WORDS = st.sampled_from(["không", "ko", "được", "nói", "với", "bố mẹ", "gửi", "ảnh", "CCCD",
                         "công an", "vụ án", "chuyển tiền", "zalo.me/g/x", "http://a.vn/<b>",
                         "\u0301", "đ", "ＡＢＣ", "!!!", "\n", "'", "é", "🙂", "a.b", "@"])
MESSAGE = st.one_of(st.text(max_size=300), st.lists(WORDS, max_size=40).map(" ".join))


@settings(max_examples=examples(300), deadline=None)
@given(MESSAGE)
def test_any_text_gives_signals_whose_evidence_is_the_students_own_words(text: str) -> None:
    signals = match_message(text, RULES)
    squeezed = " ".join(text.split())
    for signal in signals:
        assert signal.code in CODES and 0 < signal.score <= 100
        assert signal.evidence["match"] in squeezed
    verdict = text_verdict(signals, [], RULES)
    assert 0 <= verdict.score <= 100
    for link in find_links(text):
        assert text[link.start:link.end] == link.text


def test_a_combination_needs_all_its_codes_and_counts_only_loud_patterns() -> None:
    from service.detect.message import Combo, MessageRules

    both = Combo("both", 50, all=frozenset({"message.a", "message.b"}))
    three = Combo("three", 70, count=3)
    either = Combo("either", 40, all=frozenset({"message.a"}),
                   any=frozenset({"message.c", "message.d"}))
    rules = MessageRules(rules=(), combos=(both, three, either), quiet=frozenset({"message.q"}))
    assert both.fires(frozenset({"message.a", "message.b"}))  # exactly its codes
    assert not both.fires(frozenset({"message.a"}))
    assert three.fires(frozenset({"x", "y", "z"})) and not three.fires(frozenset({"x", "y"}))
    assert either.fires(frozenset({"message.a", "message.d"}))
    assert not either.fires(frozenset({"message.a"}))
    got = combination(["message.b", "message.a"], rules)
    assert got == Signal("message.combination", 50, {"combo": "both", "patterns": "a, b"})
    # a quiet code does not count towards three, but is named
    got = combination(["message.a", "message.q", "message.c"], rules)
    assert got == Signal("message.combination", 40,
                         {"combo": "either", "patterns": "a, c, q"})
    assert combination(["message.a", "message.c", "message.x"], rules).evidence["combo"] == "three"
    assert combination(["message.q", "message.x", "message.y"], rules) is None


def test_the_message_verdict_weighs_clamps_and_orders_its_reasons() -> None:
    loud = Signal("message.secrecy", 120, {"match": "x"})  # clamped to 100
    verdict = text_verdict([loud, Signal("message.threat", -5, {"match": "y"})], [], None)
    assert (verdict.score, verdict.level) == (100, "dangerous")
    verdict = text_verdict([Signal("message.secrecy", 40, {"match": "a"}),
                            Signal("message.threat", 50, {"match": "b"}),
                            Signal("message.secrecy", 30, {"match": "c"})], [], None)
    assert verdict.score == 70  # 1 - 0.6 * 0.5; the weaker secrecy reason is dropped
    assert [(s.code, s.score) for s in verdict.signals] == [("message.threat", 50),
                                                             ("message.secrecy", 40)]
    assert text_verdict([Signal("message.secrecy", 1, {"match": "a"})], [], None).score == 1
    assert text_verdict([Signal("message.secrecy", 0, {"match": "a"})], [], None).score == 0
    tie = text_verdict([Signal("message.secrecy", 40, {"match": "first"}),
                        Signal("message.secrecy", 40, {"match": "second"})], [], None)
    assert [s.evidence["match"] for s in tie.signals] == ["first"]


def test_each_bad_link_is_a_reason_of_its_own_and_a_repeat_keeps_the_first() -> None:
    bad = scoring.combine([Signal("blocklist.match", 100, {"list": "x"})])
    lure = scoring.combine([Signal("invite.group_chat", 45, {"service": "Zalo"})])
    links = [_link("http://a.test/", bad), _link("http://b.test/", bad),
             _link("https://zalo.me/g/1", lure), _link("https://zalo.me/g/2", lure)]
    signals = text_verdict([], links, None).signals
    assert [(s.code, s.score, dict(s.evidence)) for s in signals] == [
        ("message.link", 100, {"host": "a.test", "verdict": "dangerous"}),
        ("message.link", 100, {"host": "b.test", "verdict": "dangerous"}),
        ("message.private_group", 25, {"match": "zalo.me", "link": "zalo.me"}),
    ]
