"""`lists update` against a loopback feed server: every format, and every way a feed goes wrong."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.settings import Settings
from service.upkeep import files
from service.upkeep.curate import ALLOWLISTED, PROTECTED, PUBLIC_SUFFIX
from service.upkeep.feeds import FetchFailed, fetch
from service.upkeep.loader import load_lists
from service.upkeep.updater import Outcome, load_guard, select, update_lists
from tests.feed_server import HUGE, FeedServer, feed_text, hosts, serve_in_thread

PROTECTED_TOML = """
[[target]]
name = "Google"
category = "tech"
domains = ["google.com", "google.com.vn"]

[[target]]
name = "Vietcombank"
category = "bank"
domains = ["vietcombank.com.vn"]

[[target]]
name = "Blogger"
category = "social"
domains = ["blogspot.com"]
"""
FORMATS = ("domains", "hosts", "adblock", "urls", "phishtank-csv", "urlhaus-csv")
FILES = {"phishtank-csv": "feeds/feed.csv", "urlhaus-csv": "feeds/feed.csv"}


@pytest.fixture(scope="module")
def feeds() -> Iterator[FeedServer]:
    yield from serve_in_thread()


def write_dir(root: Path, source: str, fmt: str = "domains", *, action: str = "block",
              extra: str = "") -> Path:
    """A lists dir with one feed list `feed`, an allow list and protected targets."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "allow.txt").write_text("school.example.edu.vn\n")
    (root / "protected.toml").write_text(PROTECTED_TOML)
    category = "allow" if action == "allow" else "phishing"
    (root / "lists.toml").write_text(f"""
[[list]]
name = "feed"
file = "{FILES.get(fmt, "feeds/feed.txt")}"
format = "{fmt}"
category = "{category}"
action = "{action}"
license = "CC0-1.0"
source = "{source}"
enabled = false
{extra}

[[list]]
name = "school"
file = "allow.txt"
format = "domains"
category = "allow"
action = "allow"
license = "CC0-1.0"

[reference.protected]
file = "protected.toml"
license = "CC0-1.0"
""")
    return root


async def run(root: Path, *, dry_run: bool = False, time_limit: float = 10.0,
              max_bytes: int | None = None) -> Outcome:
    manifest = files.read_manifest(root)
    [outcome] = await update_lists(
        root, select(manifest, ["feed"]), load_guard(root, manifest), time_limit=time_limit,
        max_bytes=max_bytes or Settings().feed_max_bytes, dry_run=dry_run)
    return outcome


def feed_file(root: Path) -> Path:
    spec = files.read_manifest(root).get("feed")
    assert spec is not None
    return root / spec.file


async def seeded(feeds: FeedServer, tmp_path: Path, name: str, count: int = 200,
                 **kw: str) -> tuple[Path, bytes]:
    """A dir whose feed was updated once from a good 200-entry download."""
    root = write_dir(tmp_path / "lists", feeds.put(name, feed_text("domains", hosts(count))), **kw)
    assert (await run(root)).status == "updated"
    return root, feed_file(root).read_bytes()


def unchanged(root: Path, before: bytes) -> None:
    """The served list is the old one, whole, and still loads."""
    assert feed_file(root).read_bytes() == before
    load_lists(root)


@pytest.mark.parametrize("fmt", FORMATS)
async def test_every_format_is_fetched_screened_written_and_loads(
        feeds: FeedServer, tmp_path: Path, fmt: str) -> None:
    url = feeds.put(f"fmt-{fmt}", feed_text(fmt, hosts(120)), etag=f'"{fmt}-1"')
    root = write_dir(tmp_path, url, fmt)
    outcome = await run(root)
    assert (outcome.status, outcome.entries, outcome.previous, outcome.errors) == (
        "updated", 120, None, 0)
    meta = files.read_meta(feed_file(root))
    assert meta is not None and meta.etag == f'"{fmt}-1"' and meta.entries == 120
    assert meta.sha256 == files.sha256(feed_file(root).read_bytes())
    assert meta.last_attempt["status"] == "updated" and meta.fetched_at
    loaded = {i.name: i for i in load_lists(root).infos}
    assert loaded["feed"].loaded is False  # still disabled: fetched to try it, not served


async def test_etag_gives_304_and_keeps_the_file(feeds: FeedServer, tmp_path: Path) -> None:
    url = feeds.put("etag", feed_text("domains", hosts(100)), etag='"v1"')
    root = write_dir(tmp_path, url)
    assert (await run(root)).status == "updated"
    mtime = feed_file(root).stat().st_mtime_ns
    outcome = await run(root)
    assert outcome.status == "not_modified" and outcome.ok
    assert feeds.requests[-1][1].get("If-None-Match") == '"v1"'
    assert feed_file(root).stat().st_mtime_ns == mtime
    meta = files.read_meta(feed_file(root))
    assert meta is not None and meta.last_attempt["status"] == "not_modified"


async def test_last_modified_is_sent_back(feeds: FeedServer, tmp_path: Path) -> None:
    stamp = "Sat, 28 Nov 2026 10:00:00 GMT"
    root = write_dir(tmp_path, feeds.put("lm", feed_text("domains", hosts(100)),
                                         last_modified=stamp))
    assert (await run(root)).status == "updated"
    assert (await run(root)).status == "not_modified"
    assert feeds.requests[-1][1].get("If-Modified-Since") == stamp


async def test_same_body_is_unchanged_and_keeps_the_version(
        feeds: FeedServer, tmp_path: Path) -> None:
    root, before = await seeded(feeds, tmp_path, "same")
    version = load_lists(root).version
    outcome = await run(root)
    assert outcome.status == "unchanged"
    assert load_lists(root).version == version and feed_file(root).read_bytes() == before


async def test_guards_drop_suffixes_protected_and_allowlisted(
        feeds: FeedServer, tmp_path: Path) -> None:
    bad = ["com", "com.vn", "blogspot.com", "google.com", "mail.google.com", "vn",
           "vietcombank.com.vn", "school.example.edu.vn", "x.school.example.edu.vn"]
    good = [*hosts(100), "someone.blogspot.com", "google.com.evil.test"]
    root = write_dir(tmp_path, feeds.put("polluted", feed_text("domains", good + bad)))
    outcome = await run(root)
    assert outcome.status == "updated" and outcome.entries == len(good)
    assert dict(outcome.dropped) == {PUBLIC_SUFFIX: 4, PROTECTED: 3, ALLOWLISTED: 2}
    written = feed_file(root).read_text().split()
    assert not set(bad) & set(written) and set(good) <= set(written)
    meta = files.read_meta(feed_file(root))
    assert meta is not None and meta.dropped == dict(outcome.dropped)
    assert {d["key"] for d in meta.dropped_samples} == set(bad)


async def test_url_entries_for_a_whole_protected_site_are_dropped_pages_kept(
        feeds: FeedServer, tmp_path: Path) -> None:
    text = "http://google.com/\nhttps://sites.google.com/view/evil-login\n" + "".join(
        f"http://{h}/x\n" for h in hosts(60))
    root = write_dir(tmp_path, feeds.put("urls-guard", text), "urls")
    outcome = await run(root)
    assert outcome.entries == 61 and dict(outcome.dropped) == {PROTECTED: 1}
    assert "sites.google.com/view/evil-login" in feed_file(root).read_text()


async def test_a_hosts_line_keeps_its_other_names(feeds: FeedServer, tmp_path: Path) -> None:
    text = "0.0.0.0 google.com evil-one.test evil-two.test\n" + "".join(
        f"0.0.0.0 {h}\n" for h in hosts(60))
    root = write_dir(tmp_path, feeds.put("hosts-mixed", text), "hosts")
    assert (await run(root)).entries == 62
    assert feed_file(root).read_text().splitlines()[0] == "0.0.0.0 evil-one.test evil-two.test"


async def test_an_allow_feed_only_loses_public_suffixes(feeds: FeedServer, tmp_path: Path) -> None:
    text = "com\ngoogle.com\nschool.example.edu.vn\n" + "\n".join(hosts(10, "ok"))
    root = write_dir(tmp_path, feeds.put("allow-feed", text), action="allow")
    outcome = await run(root)
    assert outcome.entries == 12 and dict(outcome.dropped) == {PUBLIC_SUFFIX: 1}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/truncated", "cut short"),
        ("/status/404", "HTTP 404"),
        ("/status/503", "HTTP 503"),
        ("/loop", "more than 5 redirects"),
    ],
)
async def test_a_failed_download_keeps_the_last_good_copy(
        feeds: FeedServer, tmp_path: Path, path: str, expected: str) -> None:
    root, before = await seeded(feeds, tmp_path, "good" + path.replace("/", "-"))
    write_dir(root, feeds.url(path))
    outcome = await run(root)
    assert outcome.status == "failed" and not outcome.ok
    assert expected in outcome.message and "last good copy stays" in outcome.message
    unchanged(root, before)
    meta = files.read_meta(feed_file(root))
    assert meta is not None and meta.last_attempt["status"] == "failed"
    assert meta.entries == 200  # the good copy's record stays


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "no usable entries"),
        ("\n\n# only comments\n", "no usable entries"),
        (feed_text("domains", hosts(60)), "shrank by 70%"),
        ("<html><body>\n" + "<p>Please log in</p>\n" * 50 + "</body></html>\n", "unreadable"),
    ],
    ids=["empty", "comments", "shrunk", "html"],
)
async def test_a_suspicious_download_is_refused_whole(
        feeds: FeedServer, tmp_path: Path, body: str, expected: str) -> None:
    root, before = await seeded(feeds, tmp_path, f"seed-{expected[:5]}")
    write_dir(root, feeds.put(f"bad-{len(body)}", body))
    outcome = await run(root)
    assert outcome.status == "refused" and expected in outcome.message
    unchanged(root, before)


async def test_garbage_bytes_are_refused(feeds: FeedServer, tmp_path: Path) -> None:
    root, before = await seeded(feeds, tmp_path, "seed-garbage")
    write_dir(root, feeds.url("/garbage"))
    outcome = await run(root)
    assert outcome.status == "refused" and outcome.errors > outcome.entries
    unchanged(root, before)


async def test_min_entries_and_max_shrink_come_from_the_manifest(
        feeds: FeedServer, tmp_path: Path) -> None:
    root, _ = await seeded(feeds, tmp_path, "seed-limits", extra="max_shrink = 0.8")
    write_dir(root, feeds.put("sixty", feed_text("domains", hosts(60))), extra="max_shrink = 0.8")
    assert (await run(root)).status == "updated"  # 70% shrink is within 0.8
    write_dir(root, feeds.put("ninety", feed_text("domains", hosts(90))), extra="min_entries = 100")
    outcome = await run(root)
    assert outcome.status == "refused" and "min_entries = 100" in outcome.message


@pytest.mark.parametrize("path", ["/slow", "/stall"])
async def test_a_slow_feed_times_out(feeds: FeedServer, tmp_path: Path, path: str) -> None:
    root, before = await seeded(feeds, tmp_path, "seed" + path.replace("/", "-"))
    write_dir(root, feeds.url(path))
    outcome = await run(root, time_limit=0.5)
    assert outcome.status == "failed" and "no complete answer within 0.5 s" in outcome.message
    unchanged(root, before)


async def test_a_50_mb_response_stops_at_the_default_cap(
        feeds: FeedServer, tmp_path: Path) -> None:
    root, before = await seeded(feeds, tmp_path, "seed-huge")
    write_dir(root, feeds.url("/huge"))
    outcome = await run(root, time_limit=60)
    cap = Settings().feed_max_bytes
    assert outcome.status == "failed" and f"larger than the {cap} bytes" in outcome.message
    # The download stopped past the cap; the server never got to write its 50 MB.
    assert cap < feeds.sent["huge"] < HUGE
    unchanged(root, before)


async def test_a_declared_50_mb_response_is_refused_before_reading(feeds: FeedServer) -> None:
    progress: list[int] = []
    with pytest.raises(FetchFailed, match=f"{HUGE} bytes announced"):
        await fetch(feeds.url("/huge?declared=1"), time_limit=10, max_bytes=1024 * 1024,
                    progress=lambda done, total: progress.append(done))
    assert progress == []


async def test_progress_reports_and_the_cap_counts_decoded_bytes(feeds: FeedServer) -> None:
    seen: list[tuple[int, int | None]] = []
    url = feeds.put("progress", feed_text("domains", hosts(5000)))
    fetched = await fetch(url, time_limit=10, max_bytes=10**6,
                          progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(fetched.data), len(fetched.data))
    zipped = await fetch(url + "?gzip=1", time_limit=10, max_bytes=10**6)
    assert zipped.data == fetched.data
    assert feeds.requests[-1][1]["Accept-Encoding"] == "gzip, deflate"
    # Compressed, the body is a few KB on the wire; decoded it is over the cap.
    with pytest.raises(FetchFailed, match="larger than the 10240 bytes allowed"):
        await fetch(url + "?gzip=1", time_limit=10, max_bytes=10240)


@pytest.mark.parametrize("source", ["ftp://feeds.example/x.txt", "file:///etc/passwd",
                                    "feeds.example/x.txt", "http://", "https://[::1"])
async def test_only_http_sources(tmp_path: Path, source: str) -> None:
    root = write_dir(tmp_path, source)
    outcome = await run(root)
    assert outcome.status == "failed" and "only absolute http" in outcome.message
    assert not feed_file(root).exists()


async def test_dry_run_diffs_and_writes_nothing(feeds: FeedServer, tmp_path: Path) -> None:
    root, before = await seeded(feeds, tmp_path, "seed-diff", count=100)
    meta_before = files.meta_path(feed_file(root)).read_bytes()
    names = [*hosts(100)[10:], "new-one.test", "google.com"]
    write_dir(root, feeds.put("next", feed_text("domains", names)))
    outcome = await run(root, dry_run=True)
    assert outcome.status == "checked" and outcome.diff is not None
    assert outcome.diff.added == ("new-one.test",)
    assert outcome.diff.removed == tuple(sorted(hosts(100)[:10]))
    assert dict(outcome.dropped) == {PROTECTED: 1}
    unchanged(root, before)
    assert files.meta_path(feed_file(root)).read_bytes() == meta_before


async def test_the_served_list_keeps_serving_while_a_feed_is_bad(
        feeds: FeedServer, tmp_path: Path) -> None:
    """End to end through the loader: an enabled feed, a good update, then a broken one."""
    root = write_dir(tmp_path, feeds.put("served", feed_text("domains", hosts(100))))
    manifest = (root / "lists.toml").read_text().replace("enabled = false", "enabled = true")
    (root / "lists.toml").write_text(manifest)
    assert (await run(root)).status == "updated"
    good = load_lists(root)
    (root / "lists.toml").write_text(manifest.replace(feeds.url("/feed/served"),
                                                      feeds.url("/truncated")))
    assert (await run(root)).status == "failed"
    again = load_lists(root)
    assert again.index.count("feed") == good.index.count("feed") == 100
    meta = files.read_meta(feed_file(root))
    assert meta is not None and meta.last_attempt["status"] == "failed" and meta.entries == 100
