"""Feed downloads through a school's HTTP proxy (LINKGUARD_FEED_PROXY): a real forward proxy on
loopback in front of the loopback feed server. The proxy environment variables are never used."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.core.errors import ConfigError
from service.settings import Settings, redact_url
from service.upkeep import files
from service.upkeep.feeds import fetch
from service.upkeep.updater import Outcome, load_guard, select, update_lists
from tests.feed_server import (
    FeedServer,
    ForwardProxy,
    feed_text,
    hosts,
    proxy_in_thread,
    serve_in_thread,
)
from tests.test_cli_lists import entries, lg, with_feed
from tests.test_update import write_dir

GOOD_LOGIN = "maintainer:s3cret"


@pytest.fixture(scope="module")
def feeds() -> Iterator[FeedServer]:
    yield from serve_in_thread()


@pytest.fixture(scope="module")
def proxy() -> Iterator[ForwardProxy]:
    yield from proxy_in_thread()


def through(proxy: ForwardProxy, login: str = GOOD_LOGIN) -> str:
    return proxy.base.replace("http://", f"http://{login}@")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once the socket closes


async def test_a_feed_comes_through_the_proxy_with_its_credentials(
        feeds: FeedServer, proxy: ForwardProxy) -> None:
    url = feeds.put("proxied", feed_text("domains", hosts(3)), etag='"p1"')
    got = await fetch(url, time_limit=10, max_bytes=1 << 20, proxy=through(proxy))
    assert got.status == 200 and got.etag == '"p1"' and b"phish0.bad-feed.test" in got.data
    assert proxy.seen[-1] == (url, proxy.credentials)  # absolute-form, Basic credentials
    again = await fetch(url, time_limit=10, max_bytes=1 << 20, etag='"p1"', proxy=through(proxy))
    assert again.not_modified  # conditional requests pass through the proxy too


async def test_without_the_setting_nothing_goes_to_a_proxy_even_from_the_environment(
        feeds: FeedServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", through(proxy))
    monkeypatch.setenv("http_proxy", through(proxy))
    before = len(proxy.seen)
    url = feeds.put("direct", feed_text("domains", hosts(2)))
    assert (await fetch(url, time_limit=10, max_bytes=1 << 20)).status == 200
    assert len(proxy.seen) == before


async def test_wrong_proxy_credentials_fail_without_showing_the_password(
        feeds: FeedServer, proxy: ForwardProxy, tmp_path: Path) -> None:
    root = write_dir(tmp_path / "lists", feeds.put("denied", feed_text("domains", hosts(50))))
    outcome = await run_through(root, through(proxy, "maintainer:wrong-pw"))
    assert outcome.status == "failed" and "HTTP 407" in outcome.message
    assert "wrong-pw" not in outcome.message


async def test_an_unreachable_proxy_is_named_without_its_password(
        feeds: FeedServer, tmp_path: Path) -> None:
    root = write_dir(tmp_path / "lists", feeds.put("noproxy", feed_text("domains", hosts(50))))
    dead = f"http://maintainer:hunter2@127.0.0.1:{closed_port()}"
    outcome = await run_through(root, dead)
    assert outcome.status == "failed"
    assert "cannot reach the proxy http://maintainer:***@127.0.0.1:" in outcome.message
    assert "LINKGUARD_FEED_PROXY" in outcome.message and "hunter2" not in outcome.message
    assert "last good copy stays" in outcome.message or "no copy on disk yet" in outcome.message


async def run_through(root: Path, proxy_url: str) -> Outcome:
    manifest = files.read_manifest(root)
    [outcome] = await update_lists(root, select(manifest, ["feed"]), load_guard(root, manifest),
                                   time_limit=10, max_bytes=1 << 20, proxy=proxy_url)
    return outcome


def test_cli_update_goes_through_the_configured_proxy(
        feeds: FeedServer, proxy: ForwardProxy, lists_dir: Path) -> None:
    url = feeds.put("cli-proxied", feed_text("domains", hosts(40)))
    with_feed(lists_dir, url)
    result = lg(lists_dir, "lists", "update", "feed",
                env={"LINKGUARD_FEED_PROXY": through(proxy)})
    assert result.exit_code == 0, result.output
    assert entries(lists_dir / "feeds/test-feed.txt") == set(hosts(40))
    assert (url, proxy.credentials) in proxy.seen
    bad = lg(lists_dir, "lists", "update", "feed", env={"LINKGUARD_FEED_PROXY": "socks5://x:1"})
    assert bad.exit_code != 0 and "LINKGUARD_FEED_PROXY" in bad.output


@pytest.mark.parametrize(
    "value",
    ["proxy.school.lan:3128", "socks5://proxy:1080", "http://", "http://proxy:3128/path",
     "http://proxy:3128/?q=1", "http://proxy:99999", "http://proxy:0", "http://[::1"],
)
def test_bad_proxy_settings_stop_start_up_with_the_fix(value: str) -> None:
    with pytest.raises(ConfigError, match="LINKGUARD_FEED_PROXY") as info:
        Settings.from_env({"LINKGUARD_FEED_PROXY": value})
    assert "http://proxy.school.lan:3128" in info.value.message


@pytest.mark.parametrize(
    "value",
    ["http://proxy.school.lan:3128", "https://proxy.example:443/", "http://u:p@10.0.0.1:8080"],
)
def test_good_proxy_settings(value: str) -> None:
    assert Settings.from_env({"LINKGUARD_FEED_PROXY": value}).feed_proxy == value
    assert Settings.from_env({"LINKGUARD_FEED_PROXY": ""}).feed_proxy is None


@pytest.mark.parametrize(
    ("url", "shown"),
    [("http://proxy:3128", "http://proxy:3128"),
     ("http://u:pw@proxy:3128", "http://u:***@proxy:3128"),
     ("http://u:pw@proxy", "http://u:***@proxy")],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown
