"""Crash-safe list files: temp + fsync + rename, the .prev copy, metadata, and a real kill -9."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.upkeep import files
from service.upkeep.loader import load_lists
from tests.feed_server import FeedServer, feed_text, hosts, serve_in_thread
from tests.test_update import feed_file, run, write_dir

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def feeds() -> Iterator[FeedServer]:
    yield from serve_in_thread()


def temps(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def test_write_atomic_keeps_the_previous_copy_and_permissions(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "list.txt"
    files.write_atomic(path, b"one\n")
    assert path.read_bytes() == b"one\n" and stat.S_IMODE(path.stat().st_mode) == 0o644
    assert not files.prev_path(path).exists()
    path.chmod(0o640)
    files.write_atomic(path, b"two\n")
    assert path.read_bytes() == b"two\n" and stat.S_IMODE(path.stat().st_mode) == 0o640
    assert files.prev_path(path).read_bytes() == b"one\n"
    files.write_atomic(path, b"three\n")
    assert files.prev_path(path).read_bytes() == b"two\n"
    assert temps(path) == []


def test_a_failure_before_the_rename_leaves_the_old_file_and_no_temp(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "list.txt"
    files.write_atomic(path, b"old\n")

    def boom(temp: Path) -> None:
        assert temp.read_bytes() == b"new\n"  # written and fsync'd before this point
        raise RuntimeError("disk gone")

    monkeypatch.setattr(files, "before_rename", boom)
    with pytest.raises(RuntimeError):
        files.write_atomic(path, b"new\n")
    assert path.read_bytes() == b"old\n" and temps(path) == []


def test_stale_temps_of_a_killed_run_are_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    stale, fresh = tmp_path / ".list.txt.abc.tmp", tmp_path / ".list.txt.def.tmp"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    old = time.time() - 2 * files.STALE_TEMP
    os.utime(stale, (old, old))
    files.write_atomic(path, b"data\n")
    assert not stale.exists() and fresh.exists()  # a fresh one may belong to a running update


def test_meta_round_trip_and_bad_meta_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    assert files.read_meta(path) is None
    meta = files.ListMeta(source="https://x", etag='"1"', entries=3, dropped={"protected": 1})
    files.write_meta(path, meta)
    assert files.read_meta(path) == meta
    files.meta_path(path).write_text("{not json")
    assert files.read_meta(path) is None
    files.meta_path(path).write_text('["a list"]')
    assert files.read_meta(path) is None


CRASH = """
import os, signal, sys
from service.upkeep import files

def crash(temp):
    print("TEMP", temp, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

files.before_rename = crash  # test-only hook: never set by settings or environment
from service.cli.main import main
main(["lists", "update", "feed"])
"""


def test_killing_update_between_write_and_rename_leaves_the_old_list_whole(
        feeds: FeedServer, tmp_path: Path) -> None:
    root = write_dir(tmp_path / "lists", feeds.put("crash", feed_text("domains", hosts(200))))
    manifest = root / "lists.toml"
    manifest.write_text(manifest.read_text().replace("enabled = false", "enabled = true"))
    assert asyncio.run(run(root)).status == "updated"
    path = feed_file(root)
    before, meta_before = path.read_bytes(), files.meta_path(path).read_bytes()
    version = load_lists(root).version
    new = feed_text("domains", hosts(300, "next"))
    feeds.put("crash", new)

    env = {**os.environ, "LINKGUARD_LISTS_DIR": str(root),
           "LINKGUARD_DATA_DIR": str(tmp_path / "var"), "LINKGUARD_REDIS_URL": ""}
    done = subprocess.run([sys.executable, "-c", CRASH], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
    temp = Path(done.stdout.split("TEMP ", 1)[1].strip())
    assert temp.read_text() == new  # the new copy was complete, only the rename never came

    assert path.read_bytes() == before  # the served list is the old one, whole
    assert files.meta_path(path).read_bytes() == meta_before
    lists = load_lists(root)
    assert lists.version == version and lists.index.count("feed") == 200

    outcome = asyncio.run(run(root))  # the next run is not fooled by the dead one
    assert outcome.status == "updated" and outcome.entries == 300
    assert load_lists(root).index.count("feed") == 300
    assert files.prev_path(path).read_bytes() == before
