"""Texts of the campaign's lure reasons (the 3 Nos): `invite.*`, `form.*`, `download.*`."""

from __future__ import annotations

from service.detect.texts import Table, Text

TEXTS: Table = {  # invite.*, form.*, download.*
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
