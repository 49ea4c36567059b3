"""Texts of redirect-chain reasons: `redirect.*`."""

from __future__ import annotations

from service.detect.texts import Table, Text

TEXTS: Table = {
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
