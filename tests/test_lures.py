"""Lure signals: invites, calls, forms and downloads are suspicious, never dangerous alone."""

from __future__ import annotations

import pytest

from service.core import urls
from service.core.model import Reference, Signal, Subject
from service.detect import lures
from service.detect.scoring import combine
from service.lists.index import Hit, Match

RULES = lures.build_rules()


def run(url: str, rules: lures.LureRules | None = RULES,
        match: Match | None = None) -> list[Signal]:
    subject = Subject(url=urls.parse(url), match=match or Match())
    ref = Reference(lures=rules)
    return [s for detect in lures.DETECTORS for s in detect(subject, ref)]


@pytest.mark.parametrize(("url", "code", "service"), [
    ("https://zalo.me/g/abcdef123", "invite.group_chat", "Zalo group"),
    ("https://t.me/+AbCdEf_123", "invite.group_chat", "Telegram group"),
    ("https://t.me/joinchat/AAAAAEk", "invite.group_chat", "Telegram group"),
    ("https://discord.gg/abc123", "invite.group_chat", "Discord server"),
    ("https://discord.com/invite/abc123", "invite.group_chat", "Discord server"),
    ("https://chat.whatsapp.com/KxYz123", "invite.group_chat", "WhatsApp group"),
    ("https://m.me/j/AbCdEf", "invite.group_chat", "Messenger group"),
    ("https://www.facebook.com/groups/123456", "invite.group_chat", "Facebook group"),
    ("https://line.me/ti/g/abcdef", "invite.group_chat", "LINE group"),
    ("https://us02web.zoom.us/j/81234567890?pwd=abc", "invite.video_call", "Zoom"),
    ("https://zoom.us/my/someone", "invite.video_call", "Zoom"),
    ("https://meet.google.com/abc-defg-hij", "invite.video_call", "Google Meet"),
    ("https://teams.microsoft.com/l/meetup-join/19%3ameeting", "invite.video_call",
     "Microsoft Teams"),
    ("https://teams.live.com/meet/9312345", "invite.video_call", "Microsoft Teams"),
    ("https://msngr.com/AbCdEfGh", "invite.video_call", "Messenger room"),
    ("https://docs.google.com/forms/d/e/1FAIpQL/viewform", "form.personal_data", "Google Forms"),
    ("https://forms.gle/AbCdEf123", "form.personal_data", "Google Forms"),
    ("https://forms.office.com/r/AbCdEf", "form.personal_data", "Microsoft Forms"),
    ("https://acme.typeform.com/to/AbCdEf", "form.personal_data", "Typeform"),
    ("https://form.jotform.com/231234567890", "form.personal_data", "Jotform"),
    ("https://testflight.apple.com/join/AbCdEf", "download.app", "TestFlight beta"),
    ("https://apkpure.com/vneid/com.vneid", "download.app", "APK store"),
])
def test_join_form_and_install_links(url: str, code: str, service: str) -> None:
    (signal,) = run(url)
    assert (signal.code, signal.evidence["service"]) == (code, service)


@pytest.mark.parametrize(("url", "ext"), [
    ("http://example.com/files/VNeID.apk", ".apk"),
    ("http://203.0.113.9/CongAn.APK", ".apk"),
    ("https://example.com/setup.exe", ".exe"),
    ("https://example.com/dl/profile.mobileconfig", ".mobileconfig"),
    ("https://example.com/download.php?file=vneid.apk", ".apk"),
    ("https://example.com/get?name=app.ipa&x=1", ".ipa"),
    ("https://drive.example.net/a/b/run.bat/", ".bat"),
])
def test_installer_files(url: str, ext: str) -> None:
    (signal,) = run(url)
    assert signal.code == "download.app" and signal.evidence["file"] == ext


@pytest.mark.parametrize("url", [
    "https://zalo.me/0912345678",  # a person's page, not a group invite
    "https://zalo.me/g/",  # no group id
    "https://t.me/durov",  # a public channel
    "https://discord.com/channels/1/2",
    "https://discord.gg/",
    "https://zoom.us/", "https://zoom.us/pricing",
    "https://meet.google.com/",
    "https://docs.google.com/document/d/abc/edit",
    "https://www.facebook.com/someone",
    "https://play.google.com/store/apps/details?id=vn.gov.bocongan.vneid",
    "https://apps.apple.com/vn/app/vneid/id1582750311",
    "https://example.com/setup.exe.html", "https://example.com/apk-guide",
    "https://example.com/blog/.exe", "https://example.com/?q=apk",
    "https://notzoom.us/j/123",  # a suffix of the text, not of the domain
])
def test_ordinary_links_stay_silent(url: str) -> None:
    assert run(url) == []


def test_no_rules_no_signals() -> None:
    assert run("https://zalo.me/g/abcdef", rules=None) == []


@pytest.mark.parametrize("pattern", lures.PATTERNS, ids=lambda p: f"{p.host}{p.paths[0]}")
def test_every_pattern_is_suspicious_never_dangerous(pattern: lures.Pattern) -> None:
    assert 30 <= pattern.score < 70
    assert pattern.code.split(".")[0] in ("invite", "form", "download")


def test_a_lure_alone_is_suspicious_and_two_stay_below_dangerous() -> None:
    assert combine(run("https://zalo.me/g/abcdef")).level == "suspicious"
    assert combine(run("http://example.com/app.apk")).level == "suspicious"


def test_allowlisted_site_keeps_lure_signals_unless_the_url_itself_is_allowed() -> None:
    site = Match(allow=(Hit(list="allow", category="allow", action="allow", entry="zoom.us"),))
    url = Match(allow=(Hit(list="allow", category="allow", action="allow", entry="zoom.us/j/123"),))
    assert combine(run("https://zoom.us/j/123", match=site), match=site).level == "suspicious"
    assert combine(run("https://zoom.us/j/123", match=url), match=url).level == "safe"
