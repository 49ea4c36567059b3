"""Pure steps of a redirect chain: where a response sends the browser next, and what a chain says.

No IO: the resolver (`service/resolver.py`) is the one loop that fetches; this module only reads
a status, headers and the first bytes of a body (httpx's `_build_redirect_request` habit).
"""

from __future__ import annotations

import html
import itertools
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from service.core import urls
from service.core.errors import InvalidURL
from service.core.model import Hop, Signal

# RFC 9110 §15.4: the statuses whose Location a browser follows (300, 304 and 305 are not
# redirects a browser takes on its own).
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A Refresh/meta refresh that waits longer than this is a page reload or a news ticker, not a
# way to move the visitor on; phishing kits use 0-5 seconds.
MAX_REFRESH_DELAY = 60.0
HTML_TYPES = ("text/html", "application/xhtml+xml")

# Weights (0-100, combined by the scorer's noisy-OR). A chain alone should not make a benign
# short link "suspicious" (< 30); hiding tricks and private targets weigh more.
SHORTENER = 10  # the chain passes through a link shortener
SHORTENER_STACKED = 25  # two or more shorteners: layering hides the destination on purpose
CHAIN_LONG = 15
CHAIN_LONG_AT = 4  # redirects; ad trackers use 1-3
CROSS_DOMAIN = 5  # a page (not a shortener) sends the visitor to another site
DOWNGRADE = 20  # https -> http: the rest of the trip can be read and changed on the way
META_REFRESH = 15  # client-side redirects are a favourite way to slip past link scanners
BLOCKED_REDIRECT = 40  # a public link that points into a private network or a non-web scheme
BLOCKED_START = 5  # the link itself is a local address: said, but not alarming on its own
UNRESOLVED = {"timeout": 10, "dns_error": 15, "refused": 10, "error": 10,
              "loop": 20, "too_many_hops": 25}
CLIENT_SIDE = frozenset({"refresh", "meta", "script"})

# Where an "auto" check resolves: links that exist to hide a destination, and offline scores in
# the uncertain band (clean-looking links are not fetched; dangerous ones need no more proof).
UNCERTAIN_BAND = (25, 70)  # 25: a suspicious TLD alone qualifies, an odd port alone does not
# Redirectors that are not in the shortener list (host suffixes): the target is in the query.
REDIRECTOR_HOSTS = frozenset({
    "l.facebook.com", "lm.facebook.com", "l.messenger.com", "l.instagram.com",
    "out.reddit.com", "href.li", "l.wl.co", "safelinks.protection.outlook.com",
    "urldefense.com", "urldefense.proofpoint.com", "click.mailchimp.com",
})


@dataclass(frozen=True, slots=True)
class NextHop:
    """Where a response sends the browser: an absolute URL and how it got there.

    `via` is "location" (3xx), "refresh" (header), "meta" or "script".
    """

    url: str
    via: str


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup that also works on a plain dict."""
    value = headers.get(name)
    if value is not None:
        return value
    lower = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lower), None)


def is_html(headers: Mapping[str, str]) -> bool:
    """HTML, or no Content-Type at all (browsers sniff those, so may we)."""
    ctype = (header(headers, "Content-Type") or "").split(";", 1)[0].strip().lower()
    return ctype in HTML_TYPES or ctype == ""


_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def absolute(base: str, ref: str) -> str:
    """Resolve `ref` like a browser: strip spaces and controls, `\\` is `/` in http(s) URLs."""
    ref = re.sub(r"[\t\n\r]", "", ref).strip(_C0_AND_SPACE)
    scheme = _SCHEME.match(ref)
    target = scheme.group().lower() if scheme else urlsplit(base).scheme.lower() + ":"
    if target in ("http:", "https:"):
        ref = ref.replace("\\", "/")  # WHATWG URL: special schemes treat "\\" as "/"
    return urljoin(base, ref)


_REFRESH = re.compile(
    r"""\s*(?P<delay>[0-9.]*)\s*[;,]?\s*(?:url\s*=\s*)?(?P<q>['"]?)(?P<url>.*)""",
    re.IGNORECASE | re.DOTALL,
)


def parse_refresh(content: str) -> tuple[float, str | None]:
    """The HTML "shared declarative refresh steps": `5; url='/next'` -> (5.0, "/next")."""
    match = _REFRESH.match(content)
    if match is None:  # pragma: no cover - every string matches
        return 0.0, None
    try:
        delay = float(match["delay"] or 0)
    except ValueError:
        delay = 0.0
    target = match["url"]
    if match["q"]:
        target = target.split(match["q"], 1)[0]
    target = target.strip()
    return delay, target or None


# A tag scanner, not a full HTML parser: html.parser costs milliseconds per page of tags (a CPU
# lever for a hostile 64 KiB page); these linear regexes cost microseconds. Comments are cut
# first so a commented-out tag is not followed.
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_META = re.compile(r"<meta\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def _meta_refresh(text: str) -> str | None:
    """`content` of the first `<meta http-equiv="refresh">`, entities decoded (HTML §4.2.5.3)."""
    for tag in _META.finditer(_COMMENT.sub("", text)):
        attrs: dict[str, str] = {}
        for match in _ATTR.finditer(tag.group(1)):
            value = match.group(2) or match.group(3) or match.group(4) or ""
            attrs.setdefault(match.group(1).lower(), html.unescape(value))
        if attrs.get("http-equiv", "").strip().lower() == "refresh" and "content" in attrs:
            return attrs["content"]
    return None


# `location.href = "…"`, `window.location='…'`, `location.replace("…")`, `location.assign(…)`,
# with or without `window.`/`document.`/`top.` in front. String literals only: we do not run JS.
# The pattern starts with the literal "location" (the word boundary is a lookbehind after it)
# so the regex engine can skip ahead by literal search: ~0.1 ms per 64 KiB instead of ~5 ms.
_SCRIPT = re.compile(
    r"""location(?<![\w$]location)\s*"""
    r"""(?:\.\s*href\s*=|=(?!=)|\.\s*(?:replace|assign)\s*\(\s*)\s*"""
    r"""(?P<q>["'`])(?P<url>[^"'`<>\s]{1,2048})(?P=q)""",
)


def _script_target(text: str) -> str | None:
    match = _SCRIPT.search(text)
    if match is None:
        return None
    return match["url"].replace("\\/", "/").replace("\\u002f", "/").replace("\\x2f", "/")


def next_hop(
    url: str, status: int, headers: Mapping[str, str], body_head: bytes | None
) -> NextHop | None:
    """Where this response sends a browser, or None when it is a destination.

    Order: a 3xx Location, a Refresh header, then (HTML bodies only) a meta refresh, then a
    script `location` assignment. A refresh back to the same URL is a reload, not a hop.
    """
    if status in REDIRECT_STATUSES:
        location = header(headers, "Location")
        if location and location.strip():
            return NextHop(absolute(url, location), "location")
        return None
    found: list[tuple[str, float, str | None]] = []
    refresh = header(headers, "Refresh")
    if refresh:
        found.append(("refresh", *parse_refresh(refresh)))
    if body_head and is_html(headers):
        text = body_head.decode("utf-8", errors="replace")
        meta = _meta_refresh(text)
        if meta is not None:
            found.append(("meta", *parse_refresh(meta)))
        script = _script_target(text)
        if script is not None:
            found.append(("script", 0.0, script))
    for via, delay, target in found:
        if target is None or delay > MAX_REFRESH_DELAY:
            continue
        resolved = absolute(url, target)
        if resolved.split("#", 1)[0] != url.split("#", 1)[0]:
            return NextHop(resolved, via)
    return None


def decode_body_head(raw: bytes, content_encoding: str | None, limit: int) -> bytes:
    """At most `limit` decoded bytes of a body head; bombs stop at the limit, unknown codings
    (br, zstd) give b"" because we asked for `identity` and will not guess."""
    coding = (content_encoding or "").strip().lower()
    if coding in ("", "identity"):
        return raw[:limit]
    if coding not in ("gzip", "x-gzip", "deflate"):
        return b""
    # wbits 47 = 32 + 15: zlib or gzip header; raw deflate (some servers' "deflate") is -15.
    for wbits in (47, -15):
        try:
            return zlib.decompressobj(wbits).decompress(raw, limit)  # max_length caps output
        except zlib.error:
            continue
    return b""


Registrable = Callable[[str], str]


def _parts(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "")


def _registrable(host: str, registrable: Registrable) -> str:
    try:
        return registrable(host) or host
    except (InvalidURL, ValueError):
        return host


def is_shortener(host: str, registrable: str, shorteners: frozenset[str]) -> bool:
    return host in shorteners or registrable in shorteners


def is_redirector(host: str) -> bool:
    return any(host == r or host.endswith("." + r) for r in REDIRECTOR_HOSTS)


def chain_signals(
    hops: Sequence[Hop],
    *,
    shorteners: frozenset[str],
    outcome: str,
    registrable: Registrable | None = None,
) -> tuple[Signal, ...]:
    """What the path itself says (every hop's own URL is scored by the caller)."""
    if not hops:
        return ()
    reg = registrable or urls.registrable_domain
    parts = [_parts(hop.url) for hop in hops]
    regs = [_registrable(host, reg) if host else "" for _, host in parts]
    signals: list[Signal] = []
    short = [host for (_, host), r in zip(parts, regs, strict=True)
             if host and is_shortener(host, r, shorteners)]
    if short:
        weight = SHORTENER_STACKED if len(short) > 1 else SHORTENER
        signals.append(Signal("redirect.shortener", weight,
                              {"host": short[0], "count": str(len(short))}))
    redirects = len(hops) - 1
    if redirects >= CHAIN_LONG_AT:
        signals.append(Signal("redirect.chain_long", CHAIN_LONG, {"count": str(redirects)}))
    start_short = bool(short) and short[0] == parts[0][1]
    if redirects and regs[0] and regs[-1] and regs[0] != regs[-1] and not start_short:
        signals.append(Signal("redirect.cross_domain", CROSS_DOMAIN,
                              {"start": regs[0], "final": regs[-1]}))
    for (before, _), (after, host) in itertools.pairwise(parts):
        if before == "https" and after == "http":
            signals.append(Signal("redirect.downgrade", DOWNGRADE, {"host": host}))
            break
    for index, hop in enumerate(hops[1:], start=1):
        if hop.via in CLIENT_SIDE:
            signals.append(Signal("redirect.meta_refresh", META_REFRESH,
                                  {"host": parts[index - 1][1], "via": hop.via}))
            break
    if outcome == "blocked_target":
        scheme, host = parts[-1]
        weight = BLOCKED_REDIRECT if redirects else BLOCKED_START
        signals.append(Signal("redirect.blocked_target", weight,
                              {"host": host or f"{scheme}:", "hop": str(redirects)}))
    elif outcome in UNRESOLVED:
        signals.append(Signal("redirect.unresolved", UNRESOLVED[outcome],
                              {"outcome": outcome, "host": parts[-1][1]}))
    return tuple(signals)


def should_resolve(
    mode: str,
    *,
    host: str,
    registrable: str,
    offline_score: int,
    allowlisted: bool,
    shorteners: frozenset[str],
) -> bool:
    """Fetch this link's chain? Visiting can spend one-time links, so only when it helps."""
    if mode == "never" or allowlisted:
        return False
    if mode == "always":
        return True
    if is_shortener(host, registrable, shorteners) or is_redirector(host):
        return True
    low, high = UNCERTAIN_BAND
    return low <= offline_score < high
