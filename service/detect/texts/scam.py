"""Texts of scam-name and platform-page reasons: `scam.*`, `platform.*` (advice: the 3 Musts)."""

from __future__ import annotations

from service.detect.texts import Table, Text

_MUSTS_VI = "Chặn và báo cáo người gửi, tự kiểm tra lại, và kể với gia đình."
_MUSTS_EN = "Block and report the sender, check for yourself, and tell your family."

TEXTS: Table = {  # scam.* and platform.*
    "scam.gambling": {
        "vi": Text(
            "Tên trang {host} được ghép từ những chữ của cờ bạc trực tuyến ({words}).",
            "Cờ bạc trực tuyến là bất hợp pháp và là cái bẫy lấy tiền: không nạp tiền, không "
            "đăng ký. " + _MUSTS_VI,
        ),
        "en": Text(
            "The name {host} is built from online-gambling words ({words}).",
            "Online gambling is illegal in Vietnam and a trap for your money: don't sign up or "
            "pay in. " + _MUSTS_EN,
        ),
    },
    "scam.job": {
        "vi": Text(
            "Tên trang {host} hứa hẹn việc làm dễ, lương cao ({words}): kiểu lừa \"làm nhiệm "
            "vụ\" hay tuyển người đi làm ở nước ngoài.",
            "Việc thật không bắt bạn nạp tiền trước hay đi gặp người lạ. Không gửi giấy tờ, "
            "không chuyển tiền. Hỏi bố mẹ hoặc thầy cô trước. " + _MUSTS_VI,
        ),
        "en": Text(
            "The name {host} promises easy, well-paid work ({words}): the shape of task scams "
            "and fake jobs abroad that lead to trafficking.",
            "Real jobs never ask you to pay first or to meet strangers. Don't send documents or "
            "money. Ask a parent or teacher first. " + _MUSTS_EN,
        ),
    },
    "scam.loan": {
        "vi": Text(
            "Tên trang {host} mời vay tiền nhanh, dễ ({words}).",
            "Vay qua trang lạ dẫn tới lãi cắt cổ, bị đòi nợ và lộ danh bạ. Không gửi CCCD hay "
            "ảnh chân dung. " + _MUSTS_VI,
        ),
        "en": Text(
            "The name {host} offers quick, easy loans ({words}).",
            "Loans from unknown sites end in crushing interest, harassment and leaked "
            "contacts. Don't send your ID card or selfies. " + _MUSTS_EN,
        ),
    },
    "scam.game_currency": {
        "vi": Text(
            "Tên trang {host} hứa tặng hoặc bán rẻ tiền trong game ({words}).",
            "Kim cương, quân huy hay skin miễn phí là mồi để lấy tài khoản game của bạn. Chỉ "
            "nạp trong game hoặc trang chính thức, không nhập mật khẩu ở đây. " + _MUSTS_VI,
        ),
        "en": Text(
            "The name {host} promises free or cheap game currency ({words}).",
            "Free diamonds, vouchers or skins are bait to steal your game account. Top up "
            "only in the game or on its official site, and never type your password here. "
            + _MUSTS_EN,
        ),
    },
    "scam.gift": {
        "vi": Text(
            "Tên trang {host} báo bạn được quà hoặc trúng thưởng ({words}).",
            "Quà thật không bắt bạn đăng nhập, trả phí hay gửi mã OTP. " + _MUSTS_VI,
        ),
        "en": Text(
            "The name {host} says you have a gift or a prize ({words}).",
            "Real gifts never ask you to log in, pay a fee or send a one-time code. "
            + _MUSTS_EN,
        ),
    },
    "scam.account": {
        "vi": Text(
            "Tên trang {host} nói về khóa, mở khóa hay xác minh tài khoản ({words}).",
            "Đây là cách lừa lấy mật khẩu. Muốn kiểm tra tài khoản, hãy tự mở ứng dụng chính "
            "thức. Không nhập mật khẩu hay mã OTP ở đây. " + _MUSTS_VI,
        ),
        "en": Text(
            "The name {host} is about locking, unlocking or verifying an account ({words}).",
            "This is how passwords are stolen. To check your account, open the official app "
            "yourself. Never type a password or one-time code here. " + _MUSTS_EN,
        ),
    },
    "scam.identity": {
        "vi": Text(
            "Tên trang {host} đòi cập nhật giấy tờ hay thông tin cá nhân ({words}).",
            "Cơ quan nhà nước không yêu cầu cập nhật CCCD qua link lạ. Chỉ dùng VNeID hoặc "
            "trang .gov.vn. Không gửi ảnh giấy tờ. " + _MUSTS_VI,
        ),
        "en": Text(
            "The name {host} asks you to update identity papers or personal details ({words}).",
            "Government offices never ask you to update your ID card through a link. Use only "
            "VNeID or a .gov.vn site. Don't send photos of documents. " + _MUSTS_EN,
        ),
    },
    "scam.contest": {
        "vi": Text(
            "Tên trang {host} nhờ bạn bình chọn cho một cuộc thi ({words}).",
            "Trang bình chọn giả bắt đăng nhập Facebook hay Zalo để lấy tài khoản của bạn. "
            "Hỏi lại người nhờ bằng cách khác (gọi điện). " + _MUSTS_VI,
        ),
        "en": Text(
            "The name {host} asks you to vote in a contest ({words}).",
            "Fake voting pages make you log in with Facebook or Zalo to steal the account. "
            "Check with whoever asked by another way (call them). " + _MUSTS_EN,
        ),
    },
    "scam.government": {
        "vi": Text(
            "Tên trang {host} mượn danh cơ quan nhà nước ({words}), nhưng không phải trang "
            ".gov.vn.",
            "Trang thật của chính phủ, công an hay cơ quan thuế có đuôi .gov.vn. Không khai "
            "báo hay nộp tiền ở đây. " + _MUSTS_VI,
        ),
        "en": Text(
            "The name {host} borrows the name of a government office ({words}), but it is not "
            "a .gov.vn site.",
            "Real government, police and tax sites end in .gov.vn. Don't declare anything or "
            "pay here. " + _MUSTS_EN,
        ),
    },
    "platform.brand_page": {
        "vi": Text(
            "Trang {page} trên {platform} (nơi ai cũng tạo được trang) mang tên {brand}, nhưng "
            "không phải trang của {brand}.",
            "Trang thật của {brand} là {target}: hãy tự gõ địa chỉ đó hoặc mở ứng dụng chính "
            "thức. Không đăng nhập ở đây. " + _MUSTS_VI,
        ),
        "en": Text(
            "The page {page} on {platform} (where anyone can make a page) uses the name "
            "{brand}, but it is not {brand}'s page.",
            "{brand}'s real site is {target}: type it yourself or open the official app. "
            "Don't log in here. " + _MUSTS_EN,
        ),
    },
    "platform.scam_page": {
        "vi": Text(
            "Trang {page} trên {platform} (nơi ai cũng tạo được trang) được đặt tên bằng chữ "
            "của các trò lừa ({words}).",
            "Không nạp tiền, không điền thông tin, không gửi giấy tờ. " + _MUSTS_VI,
        ),
        "en": Text(
            "The page {page} on {platform} (where anyone can make a page) is named with scam "
            "words ({words}).",
            "Don't pay, don't fill anything in, don't send documents. " + _MUSTS_EN,
        ),
    },
}
