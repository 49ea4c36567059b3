"""Lure signals (the campaign's 3 Nos): group and call invites, personal-data forms, downloads.

These links point at legitimate services, so each signal weighs 35-55: alone it makes a link
`suspicious`, never `dangerous`, and the advice asks who sent it. The scorer keeps them even on
allowlisted sites; an allow entry for the exact URL (a school's own meeting) silences them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from service.core.model import Detector, Reference, Signal, Subject

GROUP_CHAT = "invite.group_chat"
VIDEO_CALL = "invite.video_call"
PERSONAL_DATA_FORM = "form.personal_data"
APP_DOWNLOAD = "download.app"


@dataclass(frozen=True, slots=True)
class Pattern:
    """Links on `host` (or its subdomains) whose path starts with one of `paths` and goes on.

    An empty path prefix matches any path but "/" (the service's home page is no invite).
    """

    code: str
    host: str
    paths: tuple[str, ...]
    score: int
    service: str  # shown to the student: "Zalo group", "Google Forms"


def _p(code: str, score: int, service: str, hosts: str, *paths: str) -> tuple[Pattern, ...]:
    return tuple(Pattern(code, host, paths or ("",), score, service) for host in hosts.split())


# The data: services, hosts and the path shapes of their join links (each service's own
# documented link formats). Weights: joining a stranger's group or call is the first of the
# 3 Nos (45); a public Facebook group page is a weaker pull (35); a form asks for personal
# data (40); an installer or an install hand-off outside the official stores is how fake
# VNeID and police apps spread (55 for a file, 45 for a hand-off page).
PATTERNS: tuple[Pattern, ...] = (
    *_p(GROUP_CHAT, 45, "Zalo group", "zalo.me", "/g/"),
    *_p(GROUP_CHAT, 45, "Telegram group", "t.me telegram.me telegram.dog", "/+", "/joinchat/"),
    *_p(GROUP_CHAT, 45, "Discord server", "discord.gg"),
    *_p(GROUP_CHAT, 45, "Discord server", "discord.com discordapp.com", "/invite/"),
    *_p(GROUP_CHAT, 45, "WhatsApp group", "chat.whatsapp.com"),
    *_p(GROUP_CHAT, 45, "Messenger group", "m.me", "/j/"),
    *_p(GROUP_CHAT, 45, "LINE group", "line.me", "/ti/g/", "/ti/g2/"),
    *_p(GROUP_CHAT, 45, "Signal group", "signal.group"),
    *_p(GROUP_CHAT, 35, "Facebook group", "facebook.com fb.com", "/groups/"),
    *_p(VIDEO_CALL, 45, "Zoom", "zoom.us zoom.com zoomgov.com", "/j/", "/my/", "/w/", "/s/",
        "/wc/"),
    *_p(VIDEO_CALL, 45, "Google Meet", "meet.google.com"),
    *_p(VIDEO_CALL, 45, "Microsoft Teams", "teams.microsoft.com", "/l/meetup-join/", "/meet/"),
    *_p(VIDEO_CALL, 45, "Microsoft Teams", "teams.live.com", "/meet/"),
    *_p(VIDEO_CALL, 45, "Messenger room", "msngr.com"),
    *_p(VIDEO_CALL, 45, "Messenger room", "messenger.com", "/room/", "/rooms/"),
    *_p(VIDEO_CALL, 45, "Skype", "join.skype.com"),
    *_p(VIDEO_CALL, 45, "Jitsi Meet", "meet.jit.si"),
    *_p(VIDEO_CALL, 45, "Webex", "webex.com", "/meet/", "/join/"),
    *_p(PERSONAL_DATA_FORM, 40, "Google Forms", "docs.google.com", "/forms/"),
    *_p(PERSONAL_DATA_FORM, 40, "Google Forms", "forms.gle"),
    *_p(PERSONAL_DATA_FORM, 40, "Microsoft Forms", "forms.office.com forms.microsoft.com"),
    *_p(PERSONAL_DATA_FORM, 40, "Typeform", "typeform.com", "/to/"),
    *_p(PERSONAL_DATA_FORM, 40, "Jotform", "form.jotform.com submit.jotform.com"),
    *_p(PERSONAL_DATA_FORM, 40, "Jotform", "jotform.com", "/form/"),
    *_p(PERSONAL_DATA_FORM, 40, "SurveyMonkey", "surveymonkey.com", "/r/"),
    *_p(PERSONAL_DATA_FORM, 40, "Tally", "tally.so", "/r/", "/forms/"),
    *_p(PERSONAL_DATA_FORM, 40, "Airtable form", "airtable.com", "/shr", "/app"),
    *_p(PERSONAL_DATA_FORM, 40, "Zoho Forms", "forms.zohopublic.com"),
    *_p(PERSONAL_DATA_FORM, 40, "Wufoo", "wufoo.com", "/forms/"),
    *_p(PERSONAL_DATA_FORM, 40, "Formstack", "formstack.com", "/forms/"),
    *_p(PERSONAL_DATA_FORM, 40, "Cognito Forms", "cognitoforms.com"),
    *_p(APP_DOWNLOAD, 45, "TestFlight beta", "testflight.apple.com", "/join/"),
    *_p(APP_DOWNLOAD, 45, "Firebase App Distribution", "appdistribution.firebase.dev", "/i/"),
    *_p(APP_DOWNLOAD, 45, "App Center install", "install.appcenter.ms"),
    *_p(APP_DOWNLOAD, 45, "Diawi install", "diawi.com i.diawi.com"),
    *_p(APP_DOWNLOAD, 45, "APK store", "apkpure.com apkpure.net apkcombo.com apkmirror.com "
        "uptodown.com apkmody.io happymod.com an1.com"),
)

# Files that install or run code: Android and iOS packages, Windows executables and scripts,
# macOS images and packages, Java archives, and iOS configuration profiles (which can take
# over a phone). Archives (.zip, .rar) are too common to flag on their own.
DOWNLOAD_EXTENSIONS = frozenset({
    "apk", "xapk", "apks", "apkm", "aab", "ipa", "mobileconfig", "exe", "scr", "bat", "cmd",
    "msi", "msix", "appx", "appxbundle", "ps1", "vbs", "vbe", "jse", "wsf", "hta", "lnk", "pif",
    "cpl", "reg", "jar", "dmg", "pkg",
})
DOWNLOAD_FILE_WEIGHT = 55


@dataclass(frozen=True, slots=True)
class LureRules:
    """The lure patterns indexed by host, and the download file pattern (one regex)."""

    by_host: Mapping[str, tuple[Pattern, ...]]
    extensions: frozenset[str]
    file_pattern: re.Pattern[str]


def build_rules() -> LureRules:
    """The lure rules, prepared once per load from this module's pattern constants."""
    by_host: dict[str, list[Pattern]] = {}
    for pattern in PATTERNS:
        by_host.setdefault(pattern.host, []).append(pattern)
    names = "|".join(sorted(DOWNLOAD_EXTENSIONS, key=len, reverse=True))
    # A file name ending in one of the extensions, in the path or in a query value
    # (download.php?file=vneid.apk), case-insensitively.
    file_pattern = re.compile(rf"[^/=&]\.({names})(?:$|[&;/])", re.IGNORECASE)
    return LureRules({h: tuple(p) for h, p in by_host.items()}, DOWNLOAD_EXTENSIONS,
                     file_pattern)


def _patterns_for(host: str, rules: LureRules) -> Iterator[Pattern]:
    """Patterns of the host and of every parent domain (us02web.zoom.us -> zoom.us)."""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        yield from rules.by_host.get(".".join(labels[i:]), ())


def _matches(pattern: Pattern, path: str) -> bool:
    lowered = path.lower()
    return any(
        lowered.startswith(prefix) and len(lowered) > max(len(prefix), 1)
        for prefix in pattern.paths
    )


def detect_link_pattern(subject: Subject, ref: Reference) -> Iterator[Signal]:
    """invite.*, form.*, download.app (hand-offs): a join, form or install link."""
    if ref.lures is None:
        return
    url = subject.url
    for pattern in _patterns_for(url.host, ref.lures):
        if _matches(pattern, url.path):
            yield Signal(pattern.code, pattern.score, {"service": pattern.service,
                                                       "host": url.host})
            return


def detect_file_download(subject: Subject, ref: Reference) -> Iterator[Signal]:
    """download.app: a link straight to an installer or script (.apk, .exe, .ipa...)."""
    if ref.lures is None:
        return
    url = subject.url
    found = ref.lures.file_pattern.search(url.path) or ref.lures.file_pattern.search(
        url.query or ""
    )
    if found is not None:
        yield Signal(APP_DOWNLOAD, DOWNLOAD_FILE_WEIGHT,
                     {"file": "." + found.group(1).lower(), "host": url.host})


DETECTORS: tuple[Detector, ...] = (detect_link_pattern, detect_file_download)
