"""Texts of list hits and URL-shape reasons: `blocklist.*`, `allowlist.*`, `url.*`."""

from __future__ import annotations

from service.detect.texts import Table, Text

_LISTS: Table = {
    "blocklist.match": {
        "vi": Text(
            "Đường link này nằm trong danh sách lừa đảo/nguy hiểm ({category}).",
            "Đừng mở, đừng đăng nhập hay nhập thông tin gì. Chặn và báo cáo người gửi, "
            "rồi kể cho bố mẹ hoặc thầy cô.",
        ),
        "en": Text(
            "This link is on a list of scam or dangerous sites ({category}).",
            "Don't open it and don't type anything into it. Block and report the sender, "
            "then tell a parent or teacher.",
        ),
    },
    "allowlist.match": {
        "vi": Text(
            "Trang này nằm trong danh sách trang web đáng tin cậy.",
            "Vẫn cẩn thận: trang thật cũng có thể bị kẻ xấu dùng để nhắn tin hay mời bạn.",
        ),
        "en": Text(
            "This site is on the list of trusted websites.",
            "Still take care: strangers can contact you through real sites too.",
        ),
    },
}

_URL: Table = {
    "url.ip_host": {
        "vi": Text(
            "Link dùng một dãy số ({host}) thay cho tên trang web.",
            "Trang thật hầu như không bao giờ làm vậy. Đừng đăng nhập hay nhập thông tin.",
        ),
        "en": Text(
            "The link uses a number ({host}) instead of a website name.",
            "Real sites almost never do this. Don't log in or type personal details.",
        ),
    },
    "url.userinfo": {
        "vi": Text(
            "Link có ký tự @ để đánh lừa: trang thật sự sẽ mở là {host}.",
            "Phần trước dấu @ chỉ để bạn tưởng là trang quen. Đừng mở link này.",
        ),
        "en": Text(
            "The link hides its real address behind an @: it really opens {host}.",
            "The part before the @ is there to look familiar. Don't open this link.",
        ),
    },
    "url.punycode": {
        "vi": Text(
            "Tên trang web dùng chữ đặc biệt (quốc tế hoá), có thể để giả dạng trang khác.",
            "Kiểm tra kỹ từng chữ cái, hoặc tự gõ địa chỉ trang thật.",
        ),
        "en": Text(
            "The website name uses special (international) letters that can imitate another site.",
            "Check every letter, or type the real site's address yourself.",
        ),
    },
    "url.many_subdomains": {
        "vi": Text(
            "Địa chỉ có rất nhiều phần phía trước ({count}), một mẹo để giấu tên trang thật.",
            "Hãy nhìn phần cuối của tên trang web: đó mới là trang bạn sẽ vào.",
        ),
        "en": Text(
            "The address has many parts in front ({count}), a trick to hide the real site.",
            "Look at the end of the website name: that is the site you would really visit.",
        ),
    },
    "url.nonstandard_port": {
        "vi": Text(
            "Link dùng một cổng kết nối lạ ({port}).",
            "Trang web bình thường không cần vậy. Hãy hỏi người lớn nếu không chắc.",
        ),
        "en": Text(
            "The link uses an unusual connection port ({port}).",
            "Normal websites don't need this. Ask an adult if you're not sure.",
        ),
    },
    "url.long": {
        "vi": Text(
            "Link dài bất thường ({length} ký tự).",
            "Link rất dài thường để giấu địa chỉ thật. Đừng vội bấm.",
        ),
        "en": Text(
            "The link is unusually long ({length} characters).",
            "Very long links often hide where they really go. Don't rush to click.",
        ),
    },
    "url.suspicious_tld": {
        "vi": Text(
            "Đuôi tên miền .{tld} hay bị dùng cho trang lừa đảo.",
            "Trang ngân hàng, trường học hay mạng xã hội thật hiếm khi dùng đuôi này.",
        ),
        "en": Text(
            "The ending .{tld} is often used by scam sites.",
            "Real banks, schools and social networks rarely use it.",
        ),
    },
    "url.shortener": {
        "vi": Text(
            "Đây là link rút gọn ({host}): nó giấu trang thật mà bạn sẽ đến.",
            "Đừng tham gia link lạ. Hỏi người gửi xem link dẫn đến đâu, và xác minh trước.",
        ),
        "en": Text(
            "This is a short link ({host}): it hides the real page it leads to.",
            "Don't join strange links. Ask the sender where it goes, and verify first.",
        ),
    },
}

TEXTS: Table = {**_LISTS, **_URL}
