"""Canonical lookup keys for list entries: a host, or a URL's Safe Browsing expression.

Every key goes through `service.core.urls` so that list entries and checked URLs agree byte for
byte. Lists are large (a million lines), so text that is already canonical takes a fast path:
a host of lowercase LDH labels, or an http(s) URL built only of such a host and characters
the Safe Browsing canonicalization leaves alone (it escapes bytes <= 0x20, >= 0x7f, '#' and
'%', resolves '.'/'..' segments and collapses '//'; see developers.google.com/safe-browsing/
v4/urls-hashing#canonicalization). Anything else is handed to `urls.parse`.
tests/test_lists.py checks that both paths agree.
"""

from __future__ import annotations

import re

from service.core import urls
from service.core.errors import InvalidURL

# LDH labels (RFC 1123 section 2.1), at least two of them, and a last label that starts with
# a letter: such a host can never be read as an IPv4 number (inet_aton forms such as 0x7f.1),
# so canonicalization leaves it as it is.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = rf"(?:{_LABEL}\.)+[a-z](?:[a-z0-9-]{{0,61}}[a-z0-9])?"
_FAST_HOST = re.compile(_HOST)
# RFC 3986 unreserved and sub-delims plus ':' '@' '/' (and '?' in the query): none of them is
# escaped or unescaped by the canonicalization.
_PCHARS = r"A-Za-z0-9\-._~!$&'()*+,;=:@/"
_FAST_URL = re.compile(rf"https?://({_HOST})(/[{_PCHARS}]*)?(?:\?([{_PCHARS}?]*))?")
_NOT_IN_HOST = re.compile(r"[/?#@\\*\s]")
# A dotted-quad IPv4 address already in canonical form (no leading zeros, each part <= 255):
# malware feeds list tens of thousands of them, and it is its own canonical host.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_PLAIN_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
MAX_HOST_LENGTH = 253  # RFC 1035 section 2.3.4, without the trailing dot


def is_plain_host(token: str) -> bool:
    """True when `token` is already a canonical host name (the fast path's test)."""
    return len(token) <= MAX_HOST_LENGTH and "--" not in token and bool(_FAST_HOST.fullmatch(token))


class BadEntry(ValueError):
    """A list line that cannot become a lookup key; `reason` says why, in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def canonical_host(token: str) -> str:
    """The canonical host for `token` (`EVIL.com.` -> `evil.com`), or BadEntry."""
    if is_plain_host(token) or _PLAIN_IPV4.fullmatch(token):
        return token
    if not token:
        raise BadEntry("empty host name")
    if len(token) > 4 * MAX_HOST_LENGTH:  # room for %-escapes and Unicode, not for junk
        raise BadEntry("host name too long")
    if _NOT_IN_HOST.search(token):
        raise BadEntry(
            "not a host name (it has / ? # @ \\ * or a space); a list of URLs needs format 'urls'"
        )
    if ":" in token and not (token.startswith("[") and token.endswith("]")):
        raise BadEntry("a port is not part of a host entry (write IPv6 addresses in [brackets])")
    url = _parse(f"http://{token}/")
    if url.port is not None or url.path != "/" or url.query is not None:
        raise BadEntry("not a plain host name")
    return url.host


def canonical_url(token: str) -> str:
    """The Safe Browsing expression of the URL `token`: host + path (+ '?' + query), no scheme.

    An empty query ("page?") is dropped, as the lookup expressions drop it.
    """
    match = _FAST_URL.fullmatch(token)
    if match is not None:
        host, path, query = match.groups()
        if len(host) <= MAX_HOST_LENGTH and "--" not in host and _plain_path(path):
            return f"{host}{path or '/'}?{query}" if query else f"{host}{path or '/'}"
    url = _parse(token)
    return f"{url.host}{url.path}?{url.query}" if url.query else f"{url.host}{url.path}"


def url_key(url: urls.URL) -> str:
    """The full lookup expression of an already parsed URL (what an exact URL entry holds)."""
    return f"{url.host}{url.path}?{url.query}" if url.query else f"{url.host}{url.path}"


def _plain_path(path: str | None) -> bool:
    if not path:
        return True
    return not ("//" in path or "/./" in path or "/../" in path or path.endswith(("/.", "/..")))


def _parse(text: str) -> urls.URL:
    try:
        return urls.parse(text)
    except InvalidURL as exc:
        raise BadEntry(exc.message) from None
    except ValueError as exc:  # e.g. an IDNA label the codec refuses
        raise BadEntry(f"not a valid URL or host: {exc}") from None
