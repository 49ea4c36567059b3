"""Texts of the message patterns (`message.*`): each names one of the 3 Nos, its advice the 3 Musts.

The 3 Musts, as the advice words them: block and report; verify through a number you
already know (never one the message gives); tell your family. `{match}` is the student's own
words that matched (at most 60 characters), shown as text.
"""

from __future__ import annotations

from service.detect.texts import Table, Text

_VERIFY_VI = "Gọi lại qua số bạn đã biết từ trước (không dùng số trong tin nhắn) để xác minh."
_VERIFY_EN = "Check by calling a number you already knew, never one the message gives."
_FAMILY_VI = "Chặn, báo cáo người gửi và kể ngay cho bố mẹ hoặc thầy cô."
_FAMILY_EN = "Block and report the sender, and tell a parent or teacher now."


def _t(vi: str, vi_advice: str, en: str, en_advice: str) -> dict[str, Text]:
    return {"vi": Text(vi, vi_advice), "en": Text(en, en_advice)}


TEXTS: Table = {
    "message.secrecy": _t(
        "Tin nhắn bảo bạn giữ bí mật («{match}»). Không giữ bí mật với gia đình: người tốt "
        "không bao giờ bắt bạn giấu bố mẹ.",
        f"Hãy kể ngay với bố mẹ, chính vì họ bảo đừng kể. {_FAMILY_VI}",
        "The message asks you to keep a secret (“{match}”). No secrets from your family: "
        "people who mean well never ask you to hide things from your parents.",
        f"Tell your parents now, exactly because they said not to. {_FAMILY_EN}",
    ),
    "message.isolation": _t(
        "Tin nhắn muốn tách bạn khỏi mọi người («{match}»): tắt máy, đi một mình, thuê phòng. "
        "Đó là cách kẻ \"bắt cóc online\" cô lập nạn nhân.",
        f"Không đi đâu một mình, không tắt điện thoại. {_FAMILY_VI}",
        "The message wants to cut you off from everyone (“{match}”): phone off, go alone, "
        "rent a room. That is how \"online kidnappers\" isolate their victims.",
        f"Don't go anywhere alone and keep your phone on. {_FAMILY_EN}",
    ),
    "message.authority_threat": _t(
        "Người nhắn tự xưng công an, viện kiểm sát, tòa án hoặc ngân hàng và dọa bạn («{match}»). "
        "Cơ quan thật không làm việc qua tin nhắn, Zalo hay cuộc gọi video.",
        f"Không làm theo, không chuyển tiền. {_VERIFY_VI} Kể với gia đình; công an thật sẽ "
        "mời bạn đến trụ sở cùng bố mẹ.",
        "The sender claims to be the police, a prosecutor, a court or a bank and threatens "
        "you (“{match}”). Real authorities never handle cases by chat, Zalo or video call.",
        f"Don't follow the instructions and don't pay. {_VERIFY_EN} Tell your family; real "
        "police ask you to come to the station with your parents.",
    ),
    "message.personal_data": _t(
        "Tin nhắn hỏi thông tin cá nhân («{match}»): CCCD, mã OTP, mật khẩu hay tài khoản "
        "ngân hàng. Không chia sẻ thông tin cá nhân với người lạ.",
        f"Không gửi mã OTP, mật khẩu hay ảnh giấy tờ cho ai. {_VERIFY_VI}",
        "The message asks for personal information (“{match}”): ID card, OTP code, password "
        "or bank account. Never share personal information with strangers.",
        f"Never send OTP codes, passwords or photos of your documents to anyone. {_VERIFY_EN}",
    ),
    "message.sensitive_photos": _t(
        "Tin nhắn đòi ảnh hoặc video của bạn («{match}»). Không gửi ảnh nhạy cảm: ảnh đã gửi "
        "có thể bị dùng để tống tiền.",
        f"Không gửi, kể cả khi bị dọa. Nếu đã lỡ gửi, đó không phải lỗi của bạn. {_FAMILY_VI}",
        "The message asks for photos or videos of you (“{match}”). No sensitive photos: "
        "anything you send can be used to blackmail you.",
        f"Don't send any, even under threats. If you already did, it is not your fault. "
        f"{_FAMILY_EN}",
    ),
    "message.money_transfer": _t(
        "Tin nhắn đòi chuyển tiền, nạp tiền hoặc đóng phí («{match}»).",
        f"Không chuyển tiền cho người bạn chưa gặp ngoài đời. {_VERIFY_VI} Hỏi bố mẹ trước.",
        "The message asks you to send money, top up or pay a fee (“{match}”).",
        f"Never send money to someone you haven't met in real life. {_VERIFY_EN} Ask your "
        "parents first.",
    ),
    "message.job_offer": _t(
        "Lời mời \"việc nhẹ lương cao\" («{match}»). Việc làm online, làm nhiệm vụ hay đi làm "
        "ở nước ngoài là mồi nhử quen thuộc.",
        f"Không nhận việc, không đóng phí, không đi đâu theo lời mời. {_FAMILY_VI}",
        "An offer of easy work for high pay (“{match}”). Online tasks, \"jobs\" abroad and "
        "commissions are a common bait.",
        f"Don't take the job, don't pay any fee, don't travel for it. {_FAMILY_EN}",
    ),
    "message.prize": _t(
        "Tin nhắn báo bạn trúng thưởng («{match}»). Giải thưởng bạn không tham gia là mồi "
        "để lấy tiền hoặc thông tin.",
        f"Không bấm link, không đóng phí nhận quà. {_VERIFY_VI}",
        "The message says you won a prize (“{match}”). A prize you never entered for is bait "
        "for your money or your details.",
        f"Don't click, don't pay to claim it. {_VERIFY_EN}",
    ),
    "message.meeting": _t(
        "Tin nhắn hẹn gặp hoặc hỏi nơi ở, trường học («{match}»). Không gặp người lạ quen "
        "qua mạng.",
        f"Không đi gặp, không cho địa chỉ. {_FAMILY_VI}",
        "The message asks to meet or where you live or study (“{match}”). Don't meet "
        "strangers from the internet.",
        f"Don't go and don't give your address. {_FAMILY_EN}",
    ),
    "message.private_group": _t(
        "Tin nhắn kéo bạn vào nhóm kín hoặc sang ứng dụng khác («{match}»). Không tham gia "
        "nhóm của người lạ.",
        f"Hỏi người gửi là ai ngoài đời. {_VERIFY_VI} Nếu lạ, hãy chặn và báo cáo.",
        "The message pulls you into a private group or another app (“{match}”). Don't join "
        "strangers' groups.",
        f"Ask who the sender is in real life. {_VERIFY_EN} If you don't know them, block "
        "and report.",
    ),
    "message.video_call": _t(
        "Tin nhắn rủ gọi video hoặc vào phòng Zoom («{match}»). Không gọi Zoom với người lạ.",
        f"Nếu là lớp học, hỏi lại thầy cô qua kênh quen. Không bật camera theo yêu cầu của "
        f"người lạ. {_FAMILY_VI}",
        "The message asks for a video call or a Zoom room (“{match}”). No Zoom calls with "
        "strangers.",
        f"If it is a class, check with your teacher the usual way. Never turn on your camera "
        f"for a stranger. {_FAMILY_EN}",
    ),
    "message.urgency": _t(
        "Tin nhắn hối thúc bạn («{match}»). Kẻ lừa đảo không để bạn kịp suy nghĩ hay hỏi ai.",
        f"Dừng lại, không làm gì vội. {_VERIFY_VI}",
        "The message rushes you (“{match}”). Scammers don't want you to think or ask anyone.",
        f"Stop and don't act in a hurry. {_VERIFY_EN}",
    ),
    "message.link": _t(
        "Tin nhắn có một link đáng ngờ hoặc nguy hiểm ({host}): xem phần các link bên dưới.",
        f"Không mở link, không nhập thông tin. {_FAMILY_VI}",
        "The message holds a suspicious or dangerous link ({host}): see the links below.",
        f"Don't open it and don't type anything into it. {_FAMILY_EN}",
    ),
    "message.combination": _t(
        "Tin nhắn dùng nhiều chiêu cùng lúc (các dấu hiệu trên), đúng kịch bản lừa đảo mà "
        "công an cảnh báo.",
        "Đừng trả lời, đừng làm theo. Chặn và báo cáo, xác minh qua số bạn đã biết, và kể "
        "ngay với gia đình.",
        "The message combines several of the tricks above, the very script the police "
        "warn about.",
        "Don't reply and don't follow it. Block and report, verify through a number you "
        "already knew, and tell your family now.",
    ),
}
