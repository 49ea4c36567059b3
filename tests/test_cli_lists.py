"""`linkguard lists ...` through click's CliRunner: every command, good input and bad."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from service.cli.main import main
from service.lists.entries import parse_list
from service.upkeep.loader import load_lists
from tests.feed_server import FeedServer, feed_text, hosts, serve_in_thread

FEED_LIST = """
[[list]]
name = "feed"
file = "feeds/test-feed.txt"
format = "domains"
category = "phishing"
action = "block"
license = "CC0-1.0"
source = "{source}"
enabled = true
"""


@pytest.fixture(scope="module")
def feeds() -> Iterator[FeedServer]:
    yield from serve_in_thread()


def lg(lists_dir: Path, *args: str, env: dict[str, str | None] | None = None) -> Result:
    base: dict[str, str | None] = {
        "LINKGUARD_LISTS_DIR": str(lists_dir), "LINKGUARD_DATA_DIR": str(lists_dir.parent / "var"),
        "LINKGUARD_REDIS_URL": None, "LINKGUARD_ADMIN_TOKEN": None,
        "LINKGUARD_LISTS_POLL_SECONDS": None,
    }
    result = CliRunner().invoke(main, list(args), env={**base, **(env or {})})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def with_feed(lists_dir: Path, source: str) -> Path:
    with (lists_dir / "lists.toml").open("a") as f:
        f.write(FEED_LIST.format(source=source))
    (lists_dir / "feeds").mkdir(exist_ok=True)
    (lists_dir / "feeds/test-feed.txt").write_text("")
    return lists_dir


def set_source(lists_dir: Path, source: str) -> None:
    text = (lists_dir / "lists.toml").read_text()
    head, _, _ = text.rpartition('source = "')
    rest = text.rpartition('source = "')[2].split('"', 1)[1]
    (lists_dir / "lists.toml").write_text(f'{head}source = "{source}"{rest}')


def entries(path: Path, fmt: str = "domains") -> set[str]:
    return {e.value for e in parse_list(path.read_bytes(), fmt).entries}


# --- update and diff -------------------------------------------------------------------------


def test_update_writes_screens_and_says_how_the_service_learns(
        feeds: FeedServer, lists_dir: Path) -> None:
    with_feed(lists_dir, feeds.put("cli-feed", feed_text("domains", [*hosts(50), "google.com"])))
    result = lg(lists_dir, "lists", "update")
    assert result.exit_code == 0, result.output
    assert "updated" in result.output and "feed: 50 entries written" in result.output
    assert "dropped (never served): 1 protected" in result.output
    assert "google.com (protected)" in result.output
    assert "picks them up within 30 s" in result.output
    assert entries(lists_dir / "feeds/test-feed.txt") == set(hosts(50))
    again = lg(lists_dir, "lists", "update", "feed")
    assert again.exit_code == 0 and "same content" in again.output


def test_a_failed_update_exits_1_and_keeps_the_copy(feeds: FeedServer, lists_dir: Path) -> None:
    with_feed(lists_dir, feeds.put("cli-keep", feed_text("domains", hosts(50))))
    assert lg(lists_dir, "lists", "update").exit_code == 0
    before = (lists_dir / "feeds/test-feed.txt").read_bytes()
    set_source(lists_dir, feeds.url("/status/404"))
    result = lg(lists_dir, "lists", "update", "feed")
    assert result.exit_code == 1
    assert "FAILED" in result.output and "HTTP 404" in result.output
    assert "Error: not updated: feed (the last good copy stays)" in result.output
    assert (lists_dir / "feeds/test-feed.txt").read_bytes() == before
    set_source(lists_dir, feeds.put("cli-empty", ""))
    result = lg(lists_dir, "lists", "update", "feed")
    assert result.exit_code == 1 and "REFUSED" in result.output and "no usable entries" in (
        result.output)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope",), "unknown list 'nope'"),
        (("local-phishing",), "has no source to update from"),
    ],
)
def test_update_bad_names(lists_dir: Path, args: tuple[str, ...], message: str) -> None:
    result = lg(lists_dir, "lists", "update", *args)
    assert result.exit_code == 1 and message in result.output


def test_update_with_nothing_to_fetch(lists_dir: Path) -> None:
    result = lg(lists_dir, "lists", "update")
    assert result.exit_code == 0 and "no enabled list has a source" in result.output


def test_update_asks_a_service_to_reload(feeds: FeedServer, lists_dir: Path) -> None:
    with_feed(lists_dir, feeds.put("cli-service", feed_text("domains", hosts(50))))
    service = ["--service", feeds.base]
    result = lg(lists_dir, "lists", "update", *service,
                env={"LINKGUARD_ADMIN_TOKEN": feeds.admin_token})
    assert result.exit_code == 0 and f"{feeds.base} reloaded: v-old -> v-new" in result.output
    feeds.put("cli-service", feed_text("domains", hosts(60)))
    result = lg(lists_dir, "lists", "update", *service,
                env={"LINKGUARD_ADMIN_TOKEN": "another-token-0123456789"})
    assert result.exit_code == 1 and "was not published" in result.output
    feeds.put("cli-service", feed_text("domains", hosts(70)))
    result = lg(lists_dir, "lists", "update", *service)
    assert result.exit_code == 1 and "set LINKGUARD_ADMIN_TOKEN" in result.output


def test_diff_shows_what_an_update_would_change(feeds: FeedServer, lists_dir: Path) -> None:
    with_feed(lists_dir, feeds.put("cli-diff", feed_text("domains", hosts(50))))
    assert lg(lists_dir, "lists", "update").exit_code == 0
    before = (lists_dir / "feeds/test-feed.txt").read_bytes()
    feeds.put("cli-diff", feed_text("domains", [*hosts(48), "brand-new.test"]))
    result = lg(lists_dir, "lists", "diff", "feed", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert "+1 added, -2 removed" in result.output and "+ brand-new.test" in result.output
    assert "... and 1 more" in result.output
    assert (lists_dir / "feeds/test-feed.txt").read_bytes() == before
    feeds.put("cli-diff", feed_text("domains", hosts(5)))
    result = lg(lists_dir, "lists", "diff", "feed")
    assert result.exit_code == 1 and "shrank by 90%" in result.output


def test_diff_previous_after_an_edit(lists_dir: Path) -> None:
    assert lg(lists_dir, "lists", "diff", "--previous").output.startswith("no previous copy")
    assert lg(lists_dir, "lists", "add", "new-phish.test", "--list", "test-phishing").exit_code == 0
    result = lg(lists_dir, "lists", "diff", "--previous", "test-phishing")
    assert "+1 added, -0 removed" in result.output and "+ new-phish.test" in result.output
    assert lg(lists_dir, "lists", "diff", "--previous", "nope").exit_code == 1


# --- validate --------------------------------------------------------------------------------


def test_validate_clean_lists(lists_dir: Path) -> None:
    result = lg(lists_dir, "lists", "validate", "--strict")
    assert result.exit_code == 0 and "lists are valid: 0 error(s), 0 warning(s)" in result.output


def test_validate_errors_and_strict_warnings(lists_dir: Path) -> None:
    phishing = lists_dir / "test/phishing.txt"
    phishing.write_text("evil-phish.test\nevil-phish.test\n")
    result = lg(lists_dir, "lists", "validate")
    assert result.exit_code == 0 and "entry.duplicate" in result.output
    result = lg(lists_dir, "lists", "validate", "--strict")
    assert result.exit_code == 1 and "0 error(s), 1 warning(s) (--strict" in result.output
    phishing.write_text("google.com\ncom.vn\nnot a host\ntrusted.example.org\n")
    result = lg(lists_dir, "lists", "validate")
    assert result.exit_code == 1
    for code, line in (("entry.protected", 1), ("entry.public_suffix", 2),
                       ("line.malformed", 3), ("entry.allowlisted", 4)):
        assert f"test-phishing:{line}" in result.output and code in result.output
    assert "4 error(s)" in result.output


def test_validate_warns_about_names_no_dns_zone_can_hold(lists_dir: Path) -> None:
    (lists_dir / "test/phishing.txt").write_text("-dash-.example.com\nok_underscore.example.com\n")
    result = lg(lists_dir, "lists", "validate")
    assert result.exit_code == 0
    assert "test-phishing:1" in result.output and "entry.not_a_domain" in result.output
    assert "test-phishing:2" not in result.output
    assert lg(lists_dir, "lists", "validate", "--strict").exit_code == 1


def test_validate_a_broken_manifest(lists_dir: Path) -> None:
    (lists_dir / "lists.toml").write_text("[[list]]\nname = 1\n")
    result = lg(lists_dir, "lists", "validate")
    assert result.exit_code == 1 and "manifest" in result.output


# --- add / remove ----------------------------------------------------------------------------


def test_add_and_remove_with_dated_comments(lists_dir: Path) -> None:
    result = lg(lists_dir, "lists", "add", "HTTPS://Lure-Group.test/", "--list", "local-lure",
                "--note", "mission scam")
    assert result.exit_code == 0 and "added lure-group.test (host) to local-lure" in result.output
    text = (lists_dir / "local/lure.txt").read_text()
    assert "by linkguard: mission scam\nlure-group.test\n" in text
    assert "# added 20" in text
    result = lg(lists_dir, "lists", "add", "lure-group.test", "--category", "lure")
    assert result.exit_code == 0 and "already on local-lure" in result.output
    result = lg(lists_dir, "lists", "remove", "lure-group.test", "--note", "taken down")
    assert result.exit_code == 0 and "removed lure-group.test from local-lure" in result.output
    assert "lure-group.test" not in entries(lists_dir / "local/lure.txt", "urls")
    lure = (lists_dir / "local/lure.txt").read_text()
    assert "by linkguard: lure-group.test (taken down)" in lure
    assert load_lists(lists_dir).index.count("local-lure") == 0


def test_add_a_page_on_a_shared_platform(lists_dir: Path) -> None:
    result = lg(lists_dir, "lists", "add", "https://sites.google.com/view/fake-bank",
                "--list", "local-phishing")
    assert result.exit_code == 0 and "(url)" in result.output
    assert "sites.google.com/view/fake-bank" in entries(lists_dir / "local/phishing.txt", "urls")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("add", "not a host", "--list", "local-phishing"), 1, "not a valid host or URL"),
        (("add", "evil.test", "--list", "nope"), 1, "unknown list 'nope'; editable lists:"),
        (("add", "evil.test", "--list", "openphish"), 1, "downloaded from"),
        (("add", "http://evil.test/x", "--list", "test-phishing"), 1, "host names only"),
        (("add", "google.com", "--list", "local-phishing"), 1, "protected target"),
        (("add", "com.vn", "--list", "local-phishing"), 1, "public suffix"),
        (("add", "x.trusted.example.org", "--list", "local-phishing"), 1, "allow list"),
        (("add", "com", "--list", "local-allow"), 1, "public suffix"),
        (("add", "evil.test", "--category", "phishing"), 1, "2 editable lists"),
        (("add", "evil.test", "--list", "local-lure", "--category", "phishing"), 1,
         "has category 'lure'"),
        (("add", "evil.test"), 2, "--list NAME"),
        (("add", "evil.test", "--category", "bogus"), 2, "Invalid value"),
        (("remove", "absent.test", "--list", "local-phishing"), 1, "not on the list"),
        (("remove", "absent.test"), 1, "on no editable list"),
        (("remove", "evil.test", "--list", "urlhaus"), 1, "downloaded from"),
    ],
)
def test_edit_errors_are_clear(lists_dir: Path, args: tuple[str, ...], code: int,
                               message: str) -> None:
    result = lg(lists_dir, "lists", *args)
    assert result.exit_code == code and message in result.output, result.output


def test_remove_needs_a_choice_when_two_lists_hold_it(lists_dir: Path) -> None:
    assert lg(lists_dir, "lists", "add", "twice.test", "--list", "local-scam").exit_code == 0
    assert lg(lists_dir, "lists", "add", "twice.test", "--list", "local-lure").exit_code == 0
    result = lg(lists_dir, "lists", "remove", "twice.test")
    assert result.exit_code == 1 and "local-scam, local-lure" in result.output


# --- stats and export ------------------------------------------------------------------------


def test_stats(lists_dir: Path) -> None:
    result = lg(lists_dir, "lists", "stats")
    assert result.exit_code == 0
    assert "test-phishing" in result.output and "(disabled)" in result.output
    assert "per category:" in result.output
    doc = json.loads(lg(lists_dir, "lists", "stats", "--json").output)
    rows = {row["name"]: row for row in doc["lists"]}
    assert rows["test-phishing"]["entries"] == 2 and doc["categories"]["phishing"] == 2
    assert rows["test-urls"]["category"] == "scam"


@pytest.mark.parametrize(
    ("fmt", "present", "absent"),
    [
        ("domains", {"evil-phish.test", "phish.example.com"}, {"bad.example.net/login/"}),
        ("hosts", {"evil-phish.test"}, {"trusted.example.org"}),
        ("adblock", {"evil-phish.test", "bad.example.net/login/", "trusted.example.org"}, set()),
    ],
)
def test_export(lists_dir: Path, tmp_path: Path, fmt: str, present: set[str],
                absent: set[str]) -> None:
    out = tmp_path / f"export.{fmt}"
    result = lg(lists_dir, "lists", "export", "--format", fmt, "--output", str(out))
    assert result.exit_code == 0 and f"({fmt})" in result.output
    parsed = parse_list(out.read_bytes(), fmt)
    values = {e.value for e in parsed.entries}
    assert present <= values and not absent & values and parsed.errors == ()
    assert "licence: CC0-1.0" in out.read_text()
    if fmt == "adblock":
        allowed = {e.value for e in parsed.entries if e.exception}
        assert {"trusted.example.org", "google.com"} <= allowed
    else:
        assert "left out" in result.output  # the URL entries


def test_export_to_stdout_and_named_lists(lists_dir: Path) -> None:
    result = lg(lists_dir, "lists", "export", "--format", "domains", "test-phishing")
    assert "evil-phish.test\nphish.example.com\n" in result.output
    assert "bad.example.net" not in result.output
    bad = lg(lists_dir, "lists", "export", "--format", "domains", "nope")
    assert bad.exit_code == 1 and "unknown list 'nope'" in bad.output
    assert lg(lists_dir, "lists", "export", "--format", "csv").exit_code == 2
