"""Unwrapping known link wrappers offline: every wrapper family, nesting, and hostile parameters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from service.core.errors import ListError
from service.core.model import Hop
from service.detect import wrappers
from service.detect.wrappers import unwrap_hops

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "blocklists" / "reference" / "wrappers.json"
TABLE = wrappers.build_wrappers(REFERENCE.read_text(encoding="utf-8"))
BAD = "https://evil-phish.test/login?a=1&b=2"


def enc(url: str) -> str:
    return quote(url, safe="")


def hop(url: str) -> Hop:
    return Hop(url, None, "unwrap")


FAMILIES = [
    # (wrapped link, the URL inside) - one row per wrapper family the service knows
    (f"https://l.facebook.com/l.php?u={enc(BAD)}&h=AT0xyz", BAD),
    (f"https://lm.facebook.com/l.php?u={enc(BAD)}&h=AT1", BAD),
    ("https://l.facebook.com/l.php?u=https://evil-phish.test/plain&h=x",
     "https://evil-phish.test/plain"),
    (f"https://l.messenger.com/l.php?u={enc(BAD)}&h=x", BAD),
    (f"https://l.instagram.com/?u={enc(BAD)}&e=x", BAD),
    (f"https://www.google.com/url?q={enc(BAD)}&sa=D&ust=1", BAD),
    (f"https://www.google.com.vn/url?sa=t&source=web&url={enc(BAD)}&ved=2ah", BAD),
    (f"https://www.googleadservices.com/pagead/aclk?sa=L&adurl={enc(BAD)}", BAD),
    (f"https://www.youtube.com/redirect?event=video_description&q={enc(BAD)}&v=x", BAD),
    (f"https://nam12.safelinks.protection.outlook.com/?url={enc(BAD)}&data=05%7C02&reserved=0",
     BAD),
    (f"https://steamcommunity.com/linkfilter/?url={enc(BAD)}", BAD),
    (f"https://vk.com/away.php?to={enc(BAD)}&cc_key=", BAD),
    (f"https://t.umblr.com/redirect?z={enc(BAD)}&t=abc", BAD),
    (f"https://out.reddit.com/t3_x?url={enc(BAD)}&token=y", BAD),
    (f"https://duckduckgo.com/l/?uddg={enc(BAD)}&rut=z", BAD),
    (f"https://href.li/?{BAD}", BAD),
    # the host is canonicalized before matching: case, a trailing dot, an explicit port
    (f"HTTPS://L.FACEBOOK.COM./l.php?u={enc(BAD)}", BAD),
    (f"https://l.facebook.com:443/l.php?u={enc(BAD)}", BAD),
    (f"l.facebook.com/l.php?u={enc(BAD)}", BAD),  # no scheme: taken as http, like any check
]


@pytest.mark.parametrize(("wrapped", "inner"), FAMILIES)
def test_every_wrapper_family_gives_its_inner_url_as_an_unwrap_hop(wrapped: str,
                                                                   inner: str) -> None:
    assert unwrap_hops(wrapped, TABLE) == (hop(inner),)


NESTED_INNER = f"https://l.facebook.com/l.php?u={enc(BAD)}"
NESTED_GOOGLE = f"https://www.google.com/url?q={enc(NESTED_INNER)}"
NESTED = f"https://eur01.safelinks.protection.outlook.com/?url={enc(NESTED_GOOGLE)}&data=x"


def test_nested_wrappers_unwrap_outermost_first() -> None:
    assert unwrap_hops(NESTED, TABLE) == (hop(NESTED_GOOGLE), hop(NESTED_INNER), hop(BAD))


def test_nesting_is_bounded() -> None:
    url = BAD
    for _ in range(wrappers.MAX_NESTED + 3):
        url = f"https://www.google.com/url?q={enc(url)}"
    hops = unwrap_hops(url, TABLE)
    assert len(hops) == wrappers.MAX_NESTED
    assert all(h.via == "unwrap" for h in hops)


def test_a_wrapper_of_itself_stops() -> None:
    # ClearURLs' anonym.to rule takes the whole query: a link whose query is itself comes back
    url = "https://anonym.to/?https://anonym.to/?x"
    assert len(unwrap_hops(url, TABLE)) <= wrappers.MAX_NESTED


NOT_UNWRAPPED = [
    # (link, why nothing comes out of it)
    "https://www.youtube.com/redirect?q=hello+world",  # the parameter is not a URL
    "https://www.youtube.com/redirect?q=%2Flocal%2Fpath",  # a path, not a URL
    "https://vk.com/away.php?to=",  # empty parameter
    "https://vk.com/away.php?to=https%3A%2F%2F",  # a scheme with no host
    "https://www.youtube.com/redirect?q=" + "a" * 9000,  # oversized, and not a URL
    "https://www.youtube.com/redirect?q=https%3A%2F%2Fx.test%2F" + "a" * 8200,  # oversized URL
    "https://www.facebook.com/profile.php?id=4",  # the wrapper host, but not its wrapper path
    f"https://www.google.com/search?q={enc(BAD)}",  # a search for a URL is not a redirect
    f"https://instagram.com.evil.test/?u={enc(BAD)}",  # the pattern stops before the host does
    f"https://google.com.evil.top/url?q={enc(BAD)}",  # the pattern only tolerates evil.top
    f"https://l.facebook.com.evil.top/l.php?u={enc(BAD)}",
    f"https://evil.top/l.facebook.com/l.php?u={enc(BAD)}",
    f"https://example.com/?url={enc(BAD)}",  # not a known wrapper
    "not a url at all",
]


@pytest.mark.parametrize("url", NOT_UNWRAPPED)
def test_links_that_wrap_nothing_we_can_follow_give_no_hop(url: str) -> None:
    assert unwrap_hops(url, TABLE) == ()


SCRIPT_TARGETS = [
    "https://www.youtube.com/redirect?q=javascript%3Aalert(document.cookie)",
    "https://www.youtube.com/redirect?q=JavaScript%3Aalert(1)",
    "https://vk.com/away.php?to=data%3Atext%2Fhtml%2C%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "https://steamcommunity.com/linkfilter/?url=javascript:alert(1)",
    "https://www.youtube.com/redirect?q=%20%0Ajavascript%3Aalert(1)",  # leading space, newline
]


@pytest.mark.parametrize("url", SCRIPT_TARGETS)
def test_a_script_inside_becomes_a_scheme_only_hop(url: str) -> None:
    hops = unwrap_hops(url, TABLE)
    assert len(hops) == 1 and hops[0].via == "unwrap"
    assert hops[0].url in ("javascript:", "data:")  # the payload is not repeated


def test_a_twice_encoded_parameter_is_decoded_to_its_url() -> None:
    twice = enc(enc(BAD))
    assert unwrap_hops(f"https://www.youtube.com/redirect?q={twice}", TABLE) == (hop(BAD),)
    assert unwrap_hops(f"https://vk.com/away.php?to={twice}", TABLE) == (hop(BAD),)


def test_decoding_is_bounded() -> None:
    many = BAD
    for _ in range(wrappers.MAX_DECODE + 2):
        many = enc(many)
    assert unwrap_hops(f"https://vk.com/away.php?to={many}", TABLE) == ()


def test_no_table_unwraps_nothing() -> None:
    assert unwrap_hops(FAMILIES[0][0], None) == ()


@pytest.mark.parametrize("text", [
    "not json", "[]", '{"providers": {"x": {"urlPattern": "("}}}',
    '{"providers": {"x": {"urlPattern": "a", "redirections": ["(["]}}}',
    '{"providers": {"x": {"redirections": []}}}',
])
def test_a_broken_table_is_a_list_error(text: str) -> None:
    with pytest.raises(ListError):
        wrappers.build_wrappers(text)


def test_the_table_says_where_it_came_from() -> None:
    assert TABLE.source == "https://github.com/ClearURLs/Rules"
    assert len(TABLE.commit) == 40


SHARED = json.loads((ROOT / "extension/tests/unwrap-cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("link", "inner"), SHARED["cases"])
def test_the_extension_s_shared_cases_agree(link: str, inner: list[str]) -> None:
    # extension/tests/unwrap.test.mjs runs the same table through extension/lib/unwrap.js
    assert [h.url for h in unwrap_hops(link, TABLE)] == inner


def test_the_extension_s_copy_of_the_patterns_is_current() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts/wrappers.py"), "extension",
                           "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def _table(**rules: tuple[str, list[str]]) -> wrappers.WrapperTable:
    return wrappers.build_wrappers(json.dumps({"providers": {
        name: {"urlPattern": pattern, "redirections": redirections}
        for name, (pattern, redirections) in rules.items()}}))


X = _table(
    x=(r"^https?://(?:[a-z0-9-]+\.)*?x\.test", [r"^https?://(?:[a-z0-9-]+\.)*?x\.test/r\?u=([^&]*)",
                                               r"^https?://x\.test/out/(.*)$",
                                               r"^https?://x\.test/\?go=([^&]*)"]),
    short=(r"^https?://s\.test", [r"^https?://s\.test[^?]*\?u=([^&]*)"]),  # not anchored at the end
    generic=(r"^https?://a\.b\.", [r"^https?://a\.b\.[^/]+/r\?u=([^&]*)"]),  # names no domain
)
INNER = "http://inner.test/"


@pytest.mark.parametrize(("link", "found"), [
    (f"http://x.test/r?u={enc(INNER)}", wrappers.Unwrapped(INNER, "x")),
    (f"http://www.x.test/r?u={enc(INNER)}&h=1", wrappers.Unwrapped(INNER, "x")),
    (f"x.test/r?u={enc(INNER)}", wrappers.Unwrapped(INNER, "x")),  # no scheme: taken as http
    (f"http://x.test/out/{enc(INNER)}", wrappers.Unwrapped(INNER, "x")),  # in the path, no query
    (f"http://x.test?go={enc(INNER)}", wrappers.Unwrapped(INNER, "x")),  # an empty path is "/"
    (f"http://x.test/r?u={enc('javascript:alert(1)')}",
     wrappers.Unwrapped("javascript:", "x", False)),
    (f"http://x.test/r?u={enc('DATA:text/html,<b>')}", wrappers.Unwrapped("data:", "x", False)),
    (f"http://x.test/r?u=%01%20{enc(INNER)}%20%1F", wrappers.Unwrapped(INNER, "x")),  # stripped ...
    (f"http://x.test/r?u=%01{enc(INNER)}%7F",
     wrappers.Unwrapped(INNER + "\x7f", "x")),  # ... but not DEL
    (f"http://x.test/r?u={enc(INNER + 'a!')}", wrappers.Unwrapped(INNER + "a!", "x")),
    (f"http://s.test/r?u={enc(INNER)}", wrappers.Unwrapped(INNER, "short")),
    # the provider's pattern stops before the host does: s.testevil.zz is not s.test
    (f"http://s.testevil.zz/r?u={enc(INNER)}", None),
    # a pattern that matches any registrable domain (a.b.<anything>) is not trusted
    (f"http://a.b.x2.test/r?u={enc(INNER)}", None),
    (f"http://a.b.c.d.zz/r?u={enc(INNER)}", None),
])  # fmt: skip
def test_unwrap_once_with_a_table_of_its_own(link: str, found: wrappers.Unwrapped | None) -> None:
    assert wrappers.unwrap_once(link, X) == found


def test_a_parameter_encoded_up_to_three_times_is_decoded() -> None:
    value = INNER
    for rounds in range(1, wrappers.MAX_DECODE + 2):
        value = enc(value)
        got = wrappers.unwrap_once(f"http://x.test/r?u={enc(value)}", X)
        # the link's own encoding is one round; MAX_DECODE rounds in all
        assert (got == wrappers.Unwrapped(INNER, "x")) is (rounds < wrappers.MAX_DECODE), rounds


def test_an_inner_url_of_exactly_the_length_limit_is_kept() -> None:
    from service.core import urls

    room = urls.MAX_URL_LENGTH - len(INNER)
    fits = INNER + "a" * room
    assert wrappers._inner(fits, "x") == wrappers.Unwrapped(fits, "x")
    assert wrappers._inner(fits + "a", "x") is None
    assert wrappers._inner(INNER + "é" * (room // 2), "x") is not None  # bytes of UTF-8 count
    assert wrappers._inner(INNER + "é" * (room // 2 + 1), "x") is None
