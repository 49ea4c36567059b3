"""Texts of lookalike-domain and IDN reasons: `lookalike.*`, `idn.*`."""

from __future__ import annotations

from service.detect.texts import Table, Text

TEXTS: Table = {  # lookalike.* and idn.*
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
