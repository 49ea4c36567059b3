"""The feeds shipped in blocklists/: recorded, licensed, present, big enough, and not blocking
popular sites; their snapshot date is what the API and the CLI show."""

from __future__ import annotations

import calendar
import json
import re
import time
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner
from listcopy import copy_blocklists

from service.cli.main import main as cli
from service.core import urls
from service.lists.entries import ListSpec, parse_manifest
from service.settings import REPO_BLOCKLISTS, Settings
from service.upkeep.loader import Lists, load_lists
from tests.conftest import ClientFactory

ROOT = REPO_BLOCKLISTS.parent
POPULAR = ROOT / "bench/data/top-10k-domains.txt"
FEEDS_BUDGET = 20 * 1024 * 1024  # bytes of shipped snapshots: the repository stays small
COMMIT = re.compile(r"\b[0-9a-f]{40}\b")


def shipped_feeds() -> list[ListSpec]:
    manifest = parse_manifest((REPO_BLOCKLISTS / "lists.toml").read_text(encoding="utf-8"))
    return [spec for spec in manifest.enabled if spec.source]


@pytest.fixture(scope="module")
def shipped() -> Lists:
    return load_lists(REPO_BLOCKLISTS)


@pytest.mark.parametrize("spec", shipped_feeds(), ids=lambda spec: spec.name)
def test_every_enabled_feed_is_licensed_recorded_and_shipped(spec: ListSpec) -> None:
    assert spec.license.strip(), "an enabled feed needs its licence in the manifest"
    assert spec.source and spec.source.startswith("https://"), "and where updates come from"
    assert spec.snapshot and spec.snapshot_from, "and the date and origin of its snapshot"
    commit = COMMIT.search(spec.snapshot_from)
    assert commit, "snapshot_from names the commit the snapshot was taken from"
    path = REPO_BLOCKLISTS / spec.file
    assert path.is_file() and path.stat().st_size > 0, f"{spec.file} is shipped"
    docs = (ROOT / "docs/lists.md").read_text(encoding="utf-8")
    assert f"`{spec.name}`" in docs and commit.group() in docs, "docs/lists.md records it"


def test_a_fresh_checkout_blocks_at_least_10000_entries_from_two_feeds(shipped: Lists) -> None:
    feeds = {spec.name for spec in shipped_feeds()}
    counts = {i.name: i.entries for i in shipped.infos if i.name in feeds and i.loaded}
    assert len([n for n in counts.values() if n > 0]) >= 2, counts
    assert sum(counts.values()) >= 10_000, counts
    assert all(i.errors == 0 for i in shipped.infos if i.name in feeds)


def test_shipped_snapshots_stay_small() -> None:
    size = sum(path.stat().st_size for path in (REPO_BLOCKLISTS / "feeds").iterdir())
    assert size < FEEDS_BUDGET


def popular() -> list[str]:
    return [line.strip() for line in POPULAR.read_text().splitlines() if line.strip()]


def test_no_popular_or_allowlisted_site_is_blocked(shipped: Lists) -> None:
    allow = (REPO_BLOCKLISTS / "allow/major-sites.txt").read_text().split()
    protected = shipped.reference.targets.official if shipped.reference.targets else ()
    names = {*popular(), *(n for n in allow if not n.startswith("#")), *protected}
    blocked = []
    for name in sorted(names):
        for host in (name, f"www.{name}"):
            try:
                match = shipped.index.match(urls.parse(f"https://{host}/"))
            except urls.InvalidURL:
                continue
            if match.block:  # any block hit, even one an allow entry overrides
                blocked.append((host, [hit.list for hit in match.block]))
    assert blocked == []


async def test_the_api_shows_the_snapshot_date(aiohttp_client: ClientFactory,
                                               tmp_path: Path) -> None:
    from service.web.app import create_app

    lists_dir = copy_blocklists(tmp_path / "blocklists", feeds=True)
    settings = Settings(lists_dir=lists_dir, data_dir=tmp_path / "var", rate_limit=0,
                        update_interval=0, lists_poll_seconds=0)
    client: TestClient = await aiohttp_client(TestServer(create_app(settings)))
    rows = {r["name"]: r for r in (await (await client.get("/v1/lists")).json())["lists"]}
    for spec in shipped_feeds():
        row = rows[spec.name]
        assert (row["origin"], row["snapshot"], row["data_date"]) == (
            "snapshot", spec.snapshot, spec.snapshot)
    assert rows["major-sites"]["origin"] == "file"
    # The staleness alert reads the data's date, not the checkout's mtime (docs/operations.md).
    metrics = await (await client.get("/metrics")).text()
    spec = shipped_feeds()[0]
    stamp = calendar.timegm(time.strptime(str(spec.snapshot), "%Y-%m-%dT%H:%M:%SZ"))
    found = re.search(rf'^linkguard_list_updated_timestamp_seconds{{list="{spec.name}"}} (\S+)$',
                      metrics, re.M)
    assert found and float(found.group(1)) == stamp


def test_lists_stats_shows_the_snapshot_date(tmp_path: Path) -> None:
    lists_dir = copy_blocklists(tmp_path / "blocklists", feeds=True)
    env = {"LINKGUARD_LISTS_DIR": str(lists_dir), "LINKGUARD_REDIS_URL": None}
    result = CliRunner().invoke(cli, ["lists", "stats", "--json"], env=env)
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.output)["lists"]}
    text = CliRunner().invoke(cli, ["lists", "stats"], env=env).output
    for spec in shipped_feeds():
        assert (rows[spec.name]["origin"], rows[spec.name]["updated_at"]) == (
            "snapshot", spec.snapshot)
        line = next(line for line in text.splitlines() if line.startswith(spec.name + " "))
        assert "snapshot" in line and str(spec.snapshot) in line
    assert "scheduled updates: off (LINKGUARD_UPDATE_INTERVAL=0)" in text  # the tests' setting


def test_a_failed_scheduled_update_shows_in_lists_stats(tmp_path: Path) -> None:
    """The schedule writes each attempt to the list's .meta.json, which stats reads."""
    from service.upkeep import files

    lists_dir = copy_blocklists(tmp_path / "blocklists", feeds=True)
    spec = shipped_feeds()[0]
    path = lists_dir / spec.file
    files.write_meta(path, files.ListMeta(last_attempt={
        "at": files.iso_now(), "status": "failed", "message": "no route to host"}))
    env = {"LINKGUARD_LISTS_DIR": str(lists_dir), "LINKGUARD_REDIS_URL": None}
    text = CliRunner().invoke(cli, ["lists", "stats"], env=env).output
    line = next(line for line in text.splitlines() if line.startswith(spec.name + " "))
    assert "snapshot" in line and "last update failed" in line
