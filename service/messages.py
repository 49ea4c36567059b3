"""Reason codes to short, localized text (vi default, en) with advice from the 3 Nos / 3 Musts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"


@dataclass(frozen=True, slots=True)
class Text:
    """One reason in one language. `{name}` placeholders are filled from the signal's evidence."""

    message: str
    advice: str


# Each namespace has its own table so that detectors owned by different modules can be
# written side by side. Every code a detector can emit must appear here in both languages;
# tests/test_messages.py enforces it. Keep it short and plain: the reader is 12 to 18.

_BLOCKLIST: dict[str, dict[str, Text]] = {
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
_URL: dict[str, dict[str, Text]] = {
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
_LOOKALIKE: dict[str, dict[str, Text]] = {  # lookalike.* and idn.*
    "lookalike.skeleton": {
        "vi": Text(
            "Tên trang {host} được viết để trông giống hệt {target}, nhưng đó không phải "
            "trang thật.",
            "Đừng đăng nhập hay nhập thông tin gì. Muốn vào {brand}, hãy tự gõ {target} hoặc "
            "mở ứng dụng chính thức. Chặn và báo cáo người gửi.",
        ),
        "en": Text(
            "The name {host} is written to look exactly like {target}, but it is not the "
            "real site.",
            "Don't log in or type anything. To use {brand}, type {target} yourself or open the "
            "official app. Block and report the sender.",
        ),
    },
    "lookalike.homoglyph": {
        "vi": Text(
            "Tên trang {host} dùng những chữ trông na ná (như rn thay cho m, 0 thay cho o) để "
            "giả làm {target}.",
            "Đọc kỹ từng chữ cái. Đừng đăng nhập; hãy tự gõ {target}. Chặn và báo cáo người "
            "gửi.",
        ),
        "en": Text(
            "The name {host} uses look-alike letters (like rn for m, 0 for o) to pass as "
            "{target}.",
            "Read it letter by letter. Don't log in; type {target} yourself. Block and report "
            "the sender.",
        ),
    },
    "lookalike.split": {
        "vi": Text(
            "Tên trang {host} cắt tên {brand} bằng dấu gạch hoặc dấu chấm để giả làm {target}.",
            "Trang thật không viết tên mình như vậy. Đừng đăng nhập; hãy tự gõ {target}.",
        ),
        "en": Text(
            "The name {host} cuts the name {brand} with a dash or a dot to pass as {target}.",
            "The real site doesn't spell its name like that. Don't log in; type {target} "
            "yourself.",
        ),
    },
    "lookalike.tld_swap": {
        "vi": Text(
            "Trang {host} dùng tên {brand} nhưng với đuôi khác: trang thật là {target}.",
            "Phần đuôi của tên trang rất quan trọng. Đừng nhập mật khẩu, mã OTP hay thông tin "
            "cá nhân. Hãy vào thẳng {target} để kiểm tra.",
        ),
        "en": Text(
            "The site {host} uses the name {brand} with a different ending: the real site is "
            "{target}.",
            "The ending of a site's name matters. Don't type passwords, OTP codes or personal "
            "details. Go to {target} directly to check.",
        ),
    },
    "lookalike.edit_distance": {
        "vi": Text(
            "Tên trang {host} chỉ khác {target} một chữ cái: rất có thể là trang giả.",
            "Kẻ gian đăng ký tên gần giống để bạn không để ý. Đừng đăng nhập; hãy tự gõ "
            "{target}. Nếu có người gửi link này, hãy kể với bố mẹ hoặc thầy cô.",
        ),
        "en": Text(
            "The name {host} is one letter away from {target}: very likely a fake.",
            "Scammers register near-identical names hoping you won't notice. Don't log in; "
            "type {target} yourself. If someone sent you this, tell a parent or teacher.",
        ),
    },
    "lookalike.char_swap": {
        "vi": Text(
            "Tên trang {host} đảo chỗ hai chữ cái của {target}: rất có thể là trang giả.",
            "Mắt ta dễ bỏ qua hai chữ bị đảo. Đừng đăng nhập; hãy tự gõ {target}.",
        ),
        "en": Text(
            "The name {host} swaps two letters of {target}: very likely a fake.",
            "Eyes easily miss two swapped letters. Don't log in; type {target} yourself.",
        ),
    },
    "lookalike.target_embedding": {
        "vi": Text(
            "Địa chỉ {host} chứa chữ {target} để đánh lừa, nhưng trang bạn thật sự vào là "
            "{site}.",
            "Hãy nhìn phần cuối của tên trang: đó mới là trang thật. Đừng đăng nhập hay nhập "
            "thông tin. Chặn và báo cáo người gửi.",
        ),
        "en": Text(
            "The address {host} contains {target} to fool you, but the site you would really "
            "visit is {site}.",
            "Look at the end of the site name: that is the real site. Don't log in or type "
            "anything. Block and report the sender.",
        ),
    },
    "lookalike.combosquat": {
        "vi": Text(
            "Trang {host} ghép tên {brand} với chữ khác ({keyword}) để trông như trang chính "
            "thức, nhưng nó không thuộc {brand}.",
            "Trang giả hay hứa quà, khuyến mãi, việc làm hoặc đòi \"xác minh tài khoản\". Đừng "
            "nhập mật khẩu, OTP hay số thẻ. Hãy xác minh qua {target} hoặc ứng dụng chính thức, "
            "và kể với gia đình.",
        ),
        "en": Text(
            "The site {host} glues the name {brand} to other words ({keyword}) to look "
            "official, but it does not belong to {brand}.",
            "Fake sites promise gifts, deals or jobs, or ask you to \"verify your account\". "
            "Don't type passwords, OTP codes or card numbers. Verify through {target} or the "
            "official app, and tell your family.",
        ),
    },
    "idn.mixed_script": {
        "vi": Text(
            "Tên trang {host} trộn chữ của nhiều bảng chữ cái (ví dụ chữ Nga lẫn chữ Latinh), "
            "một mẹo để giả tên trang quen.",
            "Đừng tin vẻ ngoài của tên trang. Hãy tự gõ địa chỉ trang bạn muốn vào.",
        ),
        "en": Text(
            "The name {host} mixes letters from different alphabets (say Russian and Latin), "
            "a trick to copy a familiar name.",
            "Don't trust how the name looks. Type the address of the site you want yourself.",
        ),
    },
    "idn.whole_script_confusable": {
        "vi": Text(
            "Tên trang {host} viết toàn bằng chữ nước ngoài trông giống hệt chữ Latinh.",
            "Tên này có thể giả một trang quen. Hãy tự gõ địa chỉ trang bạn muốn vào.",
        ),
        "en": Text(
            "The name {host} is written entirely in foreign letters that look like Latin ones.",
            "It may be copying a familiar site. Type the address you want yourself.",
        ),
    },
    "idn.invisible_chars": {
        "vi": Text(
            "Tên trang {host} chứa ký tự vô hình hoặc dấu chồng lên nhau.",
            "Trang thật không cần những ký tự này. Đừng mở link; hãy hỏi người lớn.",
        ),
        "en": Text(
            "The name {host} contains invisible characters or stacked accent marks.",
            "Real sites don't need them. Don't open the link; ask an adult.",
        ),
    },
    "idn.digit_lookalike": {
        "vi": Text(
            "Tên trang {host} dùng ký tự nước ngoài trông giống chữ số.",
            "Tên này có thể giả một trang khác. Đừng đăng nhập; hãy tự gõ địa chỉ trang thật.",
        ),
        "en": Text(
            "The name {host} uses foreign characters that look like digits.",
            "It may be copying another site. Don't log in; type the real address yourself.",
        ),
    },
    "idn.disallowed_chars": {
        "vi": Text(
            "Tên trang {host} chứa ký tự hiếm hoặc biểu tượng mà trình duyệt không muốn hiển "
            "thị.",
            "Những ký tự này hay được dùng để giả tên trang. Hãy kiểm tra kỹ trước khi mở.",
        ),
        "en": Text(
            "The name {host} contains rare characters or symbols that browsers refuse to "
            "display.",
            "Such characters are used to fake site names. Check carefully before you open it.",
        ),
    },
    "idn.dangerous_pattern": {
        "vi": Text(
            "Tên trang {host} chứa ký tự trông như dấu gạch chéo, gạch ngang hoặc chữ cái "
            "quen.",
            "Phần trước hoặc sau ký tự đó có thể đang giả một trang khác. Đừng mở link này.",
        ),
        "en": Text(
            "The name {host} contains characters that look like slashes, dashes or familiar "
            "letters.",
            "The parts around them may be faking another site. Don't open this link.",
        ),
    },
    "idn.invalid": {
        "vi": Text(
            "Tên trang {host} là tên quốc tế hoá không hợp lệ.",
            "Trình duyệt thường từ chối tên như vậy. Đừng mở link; hãy hỏi người lớn.",
        ),
        "en": Text(
            "The name {host} is not a valid international domain name.",
            "Browsers usually refuse such names. Don't open the link; ask an adult.",
        ),
    },
}
_REDIRECT: dict[str, dict[str, Text]] = {
    "redirect.shortener": {
        "vi": Text(
            "Link đi qua dịch vụ rút gọn link ({host}) để giấu trang thật.",
            "Chúng tôi đã đi theo link để xem nó dẫn tới đâu. Hãy nhìn địa chỉ cuối cùng "
            "trước khi mở.",
        ),
        "en": Text(
            "The link goes through a link shortener ({host}) that hides the real page.",
            "We followed it to see where it ends. Check the final address before you open it.",
        ),
    },
    "redirect.chain_long": {
        "vi": Text(
            "Link chuyển qua nhiều trang liên tiếp ({count} lần) rồi mới tới trang cuối.",
            "Kẻ lừa đảo hay chuyển qua nhiều bước để giấu trang thật. Đừng vội nhập thông tin gì.",
        ),
        "en": Text(
            "The link jumps through many pages in a row ({count} times) before it arrives.",
            "Scammers use many jumps to hide the real page. Don't rush to type anything in.",
        ),
    },
    "redirect.cross_domain": {
        "vi": Text(
            "Link bắt đầu ở {start} nhưng đưa bạn sang một trang khác: {final}.",
            "Hãy kiểm tra xem trang cuối cùng có đúng là trang bạn muốn vào không.",
        ),
        "en": Text(
            "The link starts at {start} but takes you to a different site: {final}.",
            "Check that the final site is really the one you meant to visit.",
        ),
    },
    "redirect.downgrade": {
        "vi": Text(
            "Giữa đường, link chuyển từ kết nối bảo mật (https) sang kết nối không bảo mật "
            "(http) ở {host}.",
            "Trên kết nối không bảo mật, người khác có thể đọc hoặc sửa những gì bạn gửi. "
            "Đừng đăng nhập hay nhập mật khẩu ở đó.",
        ),
        "en": Text(
            "On the way, the link switches from a secure (https) to an insecure (http) "
            "connection at {host}.",
            "On an insecure connection others can read or change what you send. Don't log in "
            "or type passwords there.",
        ),
    },
    "redirect.meta_refresh": {
        "vi": Text(
            "Trang {host} tự động chuyển bạn sang một trang khác ngay khi mở.",
            "Đây là mẹo để qua mặt công cụ kiểm tra link. Hãy xem kỹ trang bạn thật sự sẽ tới.",
        ),
        "en": Text(
            "The page at {host} automatically sends you on to another page as soon as it opens.",
            "This trick is used to slip past link checkers. Look carefully at where you really "
            "end up.",
        ),
    },
    "redirect.unresolved": {
        "vi": Text(
            "Chúng tôi chưa kiểm tra được link này thật sự dẫn tới đâu.",
            "Nếu không biết chắc link từ ai và dẫn đi đâu thì đừng mở. Hỏi người gửi hoặc "
            "người lớn trước.",
        ),
        "en": Text(
            "We could not check where this link really goes.",
            "If you don't know for sure who sent it and where it goes, don't open it. Ask the "
            "sender or an adult first.",
        ),
    },
    "redirect.blocked_target": {
        "vi": Text(
            "Link dẫn vào một địa chỉ trong mạng nội bộ hoặc không phải trang web ({host}), "
            "nên chúng tôi không mở nó.",
            "Link từ bên ngoài không có lý do gì để dẫn vào mạng của trường hay nhà bạn. "
            "Đừng mở, và báo cho thầy cô hoặc bố mẹ.",
        ),
        "en": Text(
            "The link leads to an address inside a private network, or to something that is "
            "not a website ({host}), so we did not open it.",
            "A link from outside has no reason to lead into your school's or home network. "
            "Don't open it, and tell a teacher or parent.",
        ),
    },
    "redirect.to_listed": {
        "vi": Text(
            "Một trang trên đường đi của link nằm trong danh sách lừa đảo/nguy hiểm ({host}).",
            "Dù link trông bình thường, nó sẽ đưa bạn tới trang nguy hiểm. Đừng mở. Chặn và "
            "báo cáo người gửi.",
        ),
        "en": Text(
            "One of the pages this link passes through is on a list of scam or dangerous "
            "sites ({host}).",
            "Even if the link looks normal, it takes you to a dangerous page. Don't open it. "
            "Block and report the sender.",
        ),
    },
}
_LURE: dict[str, dict[str, Text]] = {  # invite.*, form.*, download.*
    "invite.group_chat": {
        "vi": Text(
            "Đây là link mời vào một nhóm chat ({service}).",
            "Ai gửi cho bạn? Bạn có biết người đó ngoài đời không? Không tham gia nhóm của "
            "người lạ, và đừng giữ bí mật: hãy hỏi bố mẹ hoặc thầy cô trước.",
        ),
        "en": Text(
            "This is an invite link to a group chat ({service}).",
            "Who sent it? Do you know them in real life? Don't join strangers' groups, and "
            "don't keep it secret: ask a parent or teacher first.",
        ),
    },
    "invite.video_call": {
        "vi": Text(
            "Đây là link vào một cuộc gọi video ({service}).",
            "Không vào cuộc gọi Zoom hay gọi video với người lạ. Nếu là lớp học, hãy hỏi lại "
            "thầy cô. Không bật camera hay gửi ảnh theo yêu cầu của người lạ, và kể với gia "
            "đình.",
        ),
        "en": Text(
            "This is a link to a video call ({service}).",
            "Don't join Zoom or video calls with strangers. If it's a class, check with your "
            "teacher. Never turn on your camera or send photos because a stranger asks, and "
            "tell your family.",
        ),
    },
    "form.personal_data": {
        "vi": Text(
            "Đây là một biểu mẫu trực tuyến ({service}) có thể hỏi thông tin cá nhân của bạn.",
            "Không điền họ tên, địa chỉ, số điện thoại, trường lớp, mật khẩu hay gửi ảnh cho "
            "người lạ. Hỏi bố mẹ hoặc thầy cô xem biểu mẫu này có thật không.",
        ),
        "en": Text(
            "This is an online form ({service}) that may ask for your personal details.",
            "Don't give strangers your name, address, phone number, school, passwords or "
            "photos. Ask a parent or teacher whether the form is genuine.",
        ),
    },
    "download.app": {
        "vi": Text(
            "Link này tải về một ứng dụng hoặc tệp cài đặt ({service}{file}).",
            "Chỉ cài ứng dụng từ CH Play hoặc App Store. Ứng dụng VNeID hay ứng dụng công an "
            "giả thường được gửi qua link như thế này. Hỏi người lớn trước khi cài.",
        ),
        "en": Text(
            "This link downloads an app or an installer ({service}{file}).",
            "Only install apps from Google Play or the App Store. Fake VNeID or police apps "
            "are often sent as links like this one. Ask an adult before installing.",
        ),
    },
}

MESSAGES: Mapping[str, Mapping[str, Text]] = {
    **_BLOCKLIST, **_URL, **_LOOKALIKE, **_REDIRECT, **_LURE,
}

# The campaign's rules, shown under every warning (Not Alone: "3 Không" and "3 Phải").
THREE_NOS = {
    "vi": (
        "Không tham gia link lạ, cuộc gọi Zoom hay gặp người lạ.",
        "Không chia sẻ thông tin cá nhân hay ảnh nhạy cảm.",
        "Không giữ bí mật với gia đình.",
    ),
    "en": (
        "No joining strange links, Zoom calls or meeting strangers.",
        "No sharing personal information or sensitive photos.",
        "No keeping secrets from your family.",
    ),
}
THREE_MUSTS = {
    "vi": (
        "Phải chặn và báo cáo.",
        "Phải xác minh.",
        "Phải chia sẻ với gia đình.",
    ),
    "en": (
        "Must block and report.",
        "Must verify.",
        "Must share with family.",
    ),
}
VERDICT_TITLES = {
    "vi": {"safe": "Chưa thấy dấu hiệu nguy hiểm", "suspicious": "Hãy cẩn thận",
           "dangerous": "Nguy hiểm: đừng mở link này"},
    "en": {"safe": "No danger found", "suspicious": "Be careful",
           "dangerous": "Dangerous: don't open this link"},
}
_FALLBACK = {
    "vi": Text("Phát hiện dấu hiệu đáng ngờ ({code}).", "Hãy hỏi người lớn trước khi mở."),
    "en": Text("Something suspicious was found ({code}).", "Ask an adult before you open it."),
}


class _Evidence(dict[str, str]):
    """Fills `{name}` placeholders; a missing name shows as empty, never raises."""

    def __missing__(self, key: str) -> str:
        return ""


def pick_lang(lang: str | None, accept_language: str | None = None) -> str:
    """`lang` if supported, else the first supported language of Accept-Language, else vi."""
    if lang in LANGS:
        return lang
    for part in (accept_language or "").split(","):
        tag = part.split(";", 1)[0].strip().lower()
        primary = tag.split("-", 1)[0]
        if primary in LANGS:
            return primary
    return DEFAULT_LANG


def text_for(code: str, evidence: Mapping[str, str], lang: str) -> Text:
    """The localized message and advice of one reason, placeholders filled."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    template = MESSAGES.get(code, {}).get(lang)
    values = _Evidence(evidence)
    if template is None:
        template, values["code"] = _FALLBACK[lang], code
    return Text(
        template.message.format_map(values), template.advice.format_map(values)
    )
