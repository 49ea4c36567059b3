"""Pure unwrapping of known link wrappers (l.facebook.com/l.php?u=, google.com/url?q=, ...).

The patterns are data (blocklists/reference/wrappers.json, ClearURLs' `redirections` rules): a
provider's `urlPattern` says which URLs it wraps, each of its `redirections` captures the wrapped
URL in group 1, which is percent-decoded (ClearURLs' `decodeURIComponent`). No request is made:
the inner URL becomes the chain's next hop, `via: "unwrap"`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from service.core import urls
from service.core.errors import InvalidURL, ListError
from service.core.model import Hop

MAX_NESTED = 5  # wrappers inside wrappers (Safe Links around google.com/url around l.php?u=)
MAX_DECODE = 3  # percent-decoding rounds: once (ClearURLs), more for a twice-encoded parameter
WEB_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
# A probe domain that names no real site: a pattern that still matches when it stands in for the
# wrapper's registrable domain only tolerates that domain (`google(\.[a-z]{2,}){1,}` on
# google.com.evil.test), it does not name it.
_PROBE = "linkguard-probe.invalid"


@dataclass(frozen=True, slots=True)
class Provider:
    """One ClearURLs provider: which URLs it wraps and where the wrapped URL sits in them."""

    name: str
    url_pattern: re.Pattern[str]
    redirections: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class WrapperTable:
    """The prepared patterns; `source` and `commit` say where they came from."""

    providers: tuple[Provider, ...]
    source: str = ""
    commit: str = ""
    # Every urlPattern in one alternation: one C-level pass tells an ordinary link (nearly all
    # of them) from a candidate before any per-provider work.
    any_host: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Unwrapped:
    """A wrapped URL found inside another: `web` is False for a `javascript:` or `data:` target
    (then `url` is the scheme alone: the payload is not repeated)."""

    url: str
    provider: str
    web: bool = True


def build_wrappers(text: str) -> WrapperTable:
    """Parse wrappers.json; a broken file is a ListError (a reload then keeps the old lists)."""
    try:
        doc = json.loads(text)
        rules = {**doc.get("providers", {}), **doc.get("additions", {})}
        providers = tuple(
            Provider(
                name,
                re.compile(rule["urlPattern"], re.IGNORECASE),
                tuple(re.compile(p, re.IGNORECASE) for p in rule["redirections"]),
            )
            for name, rule in rules.items()
        )
    except (ValueError, KeyError, TypeError, AttributeError, re.error) as exc:
        raise ListError(f"reference 'wrappers': not a wrapper table ({exc})") from None
    union = "|".join(f"(?:{p.url_pattern.pattern})" for p in providers) or "(?!)"
    return WrapperTable(providers, str(doc.get("source", "")), str(doc.get("commit", "")),
                        re.compile(union, re.IGNORECASE))


def _names_host(provider: Provider, scheme: str, host: str, registrable: str) -> bool:
    """The provider's pattern matches this host to its end, and names its registrable domain."""
    match = provider.url_pattern.match(f"{scheme}://{host}/")
    if match is None or match.end() < len(scheme) + 3 + len(host):
        return False  # instagram.com.evil.test: the pattern stops before the host does
    if registrable == host:  # no public suffix (*.test, a typo'd TLD): take the last two labels
        registrable = ".".join(host.rsplit(".", 2)[-2:])
    if registrable == host or not host.endswith("." + registrable):
        probe = _PROBE
    else:
        probe = host[: -len(registrable)] + _PROBE
    return provider.url_pattern.match(f"{scheme}://{probe}/") is None


def _decoded(value: str) -> str:
    value = unquote(value)
    for _ in range(MAX_DECODE - 1):
        if _SCHEME.match(value) or "%" not in value:
            break
        value = unquote(value)
    return value.strip("".join(map(chr, range(0x21))))


def _inner(value: str, provider: str) -> Unwrapped | None:
    value = _decoded(value)
    if len(value.encode("utf-8", "surrogatepass")) > urls.MAX_URL_LENGTH:
        return None  # oversized: nothing a browser would be sent to
    scheme = _SCHEME.match(value)
    if scheme is None:
        return None  # the parameter is not a URL (a search term, a path, a token)
    name = scheme.group()[:-1].lower()
    if name not in WEB_SCHEMES:
        return Unwrapped(f"{name}:", provider, web=False)
    try:
        urls.parse(value)
    except InvalidURL:
        return None
    return Unwrapped(value, provider)


def unwrap_once(
    raw: str, table: WrapperTable | None, parsed: urls.URL | None = None
) -> Unwrapped | None:
    """The URL `raw` wraps, if a provider's pattern says so; None for an ordinary link.
    `parsed` is `urls.parse(raw)` when the caller has it already."""
    if table is None or not table.providers:
        return None
    try:
        parsed = parsed or urls.parse(raw)
    except InvalidURL:
        return None
    if table.any_host is not None and not table.any_host.match(f"{parsed.scheme}://{parsed.host}/"):
        return None
    tail = urlsplit(raw.strip() if "://" in raw else "http://" + raw.strip())
    query = f"?{tail.query}" if tail.query else ""
    candidate = f"{parsed.scheme}://{parsed.host}{tail.path or '/'}{query}"
    for provider in table.providers:
        if not _names_host(provider, parsed.scheme, parsed.host, parsed.registrable):
            continue
        for redirection in provider.redirections:
            match = redirection.match(candidate)
            if match is not None and match.group(1):
                found = _inner(match.group(1), provider.name)
                if found is not None:
                    return found
    return None


def unwrap_hops(
    raw: str, table: WrapperTable | None, parsed: urls.URL | None = None
) -> tuple[Hop, ...]:
    """Every wrapped URL inside `raw`, outermost first, as `unwrap` hops (nested, bounded)."""
    hops: list[Hop] = []
    seen = {raw}
    current = raw
    for _ in range(MAX_NESTED):
        found = unwrap_once(current, table, parsed)
        parsed = None
        if found is None or found.url in seen:
            break
        hops.append(Hop(found.url, None, "unwrap"))
        if not found.web:
            break
        seen.add(found.url)
        current = found.url
    return tuple(hops)
