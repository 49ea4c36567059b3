"""A URL cut into display segments with its deceptive parts marked, as the warning page shows it.

The same rules as the extension's lib/urldisplay.js: the registrable domain is emphasised the
way Chromium's omnibox does (docs/security/url_display_guidelines), punycode labels are shown
in Unicode with the ASCII form beside them, non-ASCII runs ("confusable") and 0/1 between
letters ("digits", dnstwist's ASCII homoglyphs) are highlighted, userinfo and IP hosts flagged.
Each confusable character is also named with what it imitates (its UTS #39 skeleton). Pages
render the segments as escaped text; nothing here is HTML.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from service.core import urls
from service.core.errors import InvalidURL
from service.detect.confusables import skeletons
from service.detect.idn import to_unicode

FLAGS = ("punycode", "confusable", "digits", "userinfo", "ip")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_DIGIT_SWAP_RUN = re.compile(r"(?<=[a-z])[01]+(?=[a-z])")
MAX_SHOWN_PATH = 300  # characters of path and query shown; the rest is cut with an ellipsis
MAX_NAMED = 8  # confusable characters named per URL


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    kind: str  # scheme | userinfo | subdomain | domain | dot | port | path
    highlight: str | None = None  # confusable | digits | userinfo | ip


@dataclass(frozen=True, slots=True)
class Lookalike:
    char: str
    codepoint: str  # "U+0430"
    name: str  # "CYRILLIC SMALL LETTER A"
    looks_like: str  # "a"


@dataclass(frozen=True, slots=True)
class UrlView:
    text: str  # the URL as stored
    segments: tuple[Segment, ...]
    flags: tuple[str, ...]
    host_ascii: str
    host_unicode: str
    lookalikes: tuple[Lookalike, ...] = ()

    @property
    def punycode(self) -> bool:
        return "punycode" in self.flags


def _label_pieces(label: str, kind: str) -> tuple[list[Segment], set[str]]:
    marks = [(m.start(), m.end(), "confusable") for m in _NON_ASCII_RUN.finditer(label)]
    marks += [(m.start(), m.end(), "digits") for m in _DIGIT_SWAP_RUN.finditer(label)]
    pieces: list[Segment] = []
    flags: set[str] = set()
    at = 0
    for start, end, why in sorted(marks):
        if start < at:
            continue
        if start > at:
            pieces.append(Segment(label[at:start], kind))
        pieces.append(Segment(label[start:end], kind, why))
        flags.add(why)
        at = end
    if at < len(label):
        pieces.append(Segment(label[at:], kind))
    return pieces, flags


def _lookalikes(host: str) -> tuple[Lookalike, ...]:
    found: dict[str, Lookalike] = {}
    for char in host:
        if char.isascii() or char in found or len(found) >= MAX_NAMED:
            continue
        plain = sorted(s for s in skeletons(char) if s.isascii())
        found[char] = Lookalike(char, f"U+{ord(char):04X}", unicodedata.name(char, "?"),
                                plain[0].lower() if plain else "")
    return tuple(found.values())


def describe(raw: str) -> UrlView:
    """Segments of `raw` (a URL as a report stores it); text that is no URL is one segment."""
    try:
        url = urls.parse(raw)
    except InvalidURL:
        return UrlView(raw, (Segment(raw[:MAX_SHOWN_PATH], "path"),), (), "", "")
    flags: set[str] = set()
    segments = [Segment(f"{url.scheme}://", "scheme")]
    if url.userinfo:  # RFC 3986 section 7.6: userinfo makes a URL look like another site
        segments.append(Segment(f"{url.userinfo}@", "userinfo", "userinfo"))
        flags.add("userinfo")
    if url.is_ip:
        segments.append(Segment(url.host, "domain", "ip"))
        flags.add("ip")
        unicode_host = url.host
    else:
        labels = url.host.split(".")
        in_domain = len([x for x in url.registrable.split(".") if x])
        for index, label in enumerate(labels):
            if index:
                segments.append(Segment(".", "dot"))
            kind = "domain" if index >= len(labels) - in_domain else "subdomain"
            if label.startswith("xn--"):
                flags.add("punycode")
            pieces, label_flags = _label_pieces(to_unicode(label)[0], kind)
            segments += pieces
            flags |= label_flags
        unicode_host = to_unicode(url.host)[0]
    if url.port is not None:
        segments.append(Segment(f":{url.port}", "port"))
    rest = url.path + (f"?{url.query}" if url.query is not None else "")
    if len(rest) > MAX_SHOWN_PATH:
        rest = rest[:MAX_SHOWN_PATH] + "…"
    segments.append(Segment(rest, "path"))
    return UrlView(raw, tuple(segments), tuple(f for f in FLAGS if f in flags), url.host,
                   unicode_host, _lookalikes(unicode_host))
