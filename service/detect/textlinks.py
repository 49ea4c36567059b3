"""Links inside a chat message: http(s) URLs, www. names and bare domains with a real suffix.

Scam messages rarely write `https://`: "vao vietcombank-xacminh.top/login de xac minh" is the
usual shape. A bare name counts as a link only when its ending is a real public suffix (the
PSL snapshot tldextract ships, core.hostnames), so "tp.hcm", "3.5tr" or "ok.em" are words,
not links. E-mail addresses are not links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.core import hostnames, urls
from service.core.errors import InvalidURL

MAX_LINKS = 20  # DESIGN.md: at most 20 links of one message are checked

_TAIL = r"[^\s<>\"'`{}|\\^\[\]]*"
_LINK = re.compile(
    rf"(?i)(?<![\w@.\-/])(?:"
    rf"(?P<scheme>https?://[^\s<>\"'`{{}}|\\^\[\]]+)"
    rf"|(?P<bare>(?:[\w\-]+\.)+[^\W\d_][\w\-]*(?::\d{{1,5}})?(?:[/?#]{_TAIL})?)"
    rf")"
)
# Punctuation that ends a sentence rather than a URL ("xem tai abc.top/x." or "(abc.top)").
_TRAILING = ".,;:!?…»\"'”’)]}>"


@dataclass(frozen=True, slots=True)
class FoundLink:
    """A link as written in the message and where it sits (start, end) in the text."""

    text: str
    start: int
    end: int


def find_links(text: str, limit: int = MAX_LINKS) -> list[FoundLink]:
    """The distinct links of `text` in order of appearance, at most `limit`."""
    found: list[FoundLink] = []
    seen: set[str] = set()
    for match in _LINK.finditer(text):
        raw = _trim(match.group(0))
        if not raw or (match.group("bare") and not _real_name(raw)):
            continue
        key = raw.lower()
        if key in seen:
            continue
        seen.add(key)
        found.append(FoundLink(raw, match.start(), match.start() + len(raw)))
        if len(found) >= limit:
            break
    return found


def link_spans(text: str) -> list[tuple[int, int]]:
    """Where every link of `text` sits, beyond the first MAX_LINKS too (to blank them out)."""
    return [(f.start, f.end) for f in find_links(text, limit=len(text))]


def _trim(raw: str) -> str:
    while raw and raw[-1] in _TRAILING:
        if raw[-1] == ")" and raw.count("(") >= raw.count(")"):
            break  # a balanced "(...)" belongs to the URL (Wikipedia-style paths)
        raw = raw[:-1]
    return raw


def _real_name(raw: str) -> bool:
    """A bare `name.suffix[/path]` whose host has a public suffix and a label of its own."""
    try:
        url = urls.parse("http://" + raw)
    except InvalidURL:
        return False
    return hostnames.has_public_suffix(url.host)
