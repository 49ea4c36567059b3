"""Scheduled updates with two `linkguard serve` processes on one real Redis and one lists dir.

The runs the replicas record in Redis must form one chain (each run serves the due time the
previous one set), with one download per run between them, not one each; the replica that did
not download serves the new entries through the announce channel (file polling is off); and a
leader killed with SIGKILL hands the very next run to the other replica.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from redis_fixtures import RedisServer

from bench._soak_procs import Replica, start_replica
from service.store.update_lease import LOCK_KEY, RUNS_KEY
from tests.feed_server import FeedServer, feed_text, hosts, serve_in_thread
from tests.test_schedule import lists_with_feed

pytestmark = [pytest.mark.redis, pytest.mark.slow]

INTERVAL = 2
DEADLINE = 60.0  # seconds; the condition usually holds after a few intervals
NEW = "replicated-phish.bad-feed.test"
EARLY = 0.05  # seconds: asyncio may fire a timer up to its clock resolution early


@dataclass
class Pair:
    redis: redis.Redis
    feeds: FeedServer
    replicas: list[Replica]

    def runs(self) -> list[dict[str, Any]]:
        """Every recorded run, oldest first."""
        return [json.loads(raw) for raw in reversed(self.redis.lrange(RUNS_KEY, 0, -1))]

    def downloads(self) -> int:
        return sum(1 for path, _ in self.feeds.requests if path == "/feed/replicated")


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    server = RedisServer(tmp_path / "redis").start()
    feeds_gen = serve_in_thread()
    feeds = next(feeds_gen)
    source = feeds.put("replicated", feed_text("domains", [*hosts(150), NEW]))
    lists_dir = lists_with_feed(tmp_path / "lists", source, hosts(100))
    env = {"LINKGUARD_REDIS_URL": server.url, "LINKGUARD_LISTS_DIR": str(lists_dir),
           "LINKGUARD_UPDATE_INTERVAL": str(INTERVAL), "LINKGUARD_LISTS_POLL_SECONDS": "0",
           "LINKGUARD_RATE_LIMIT": "0", "LINKGUARD_LOG_LEVEL": "WARNING"}
    replicas: list[Replica] = []
    client = redis.Redis.from_url(server.url)
    try:
        replicas.append(start_replica("a", tmp_path, env))
        replicas.append(start_replica("b", tmp_path, env))
        yield Pair(client, feeds, replicas)
    finally:
        for replica in replicas:
            replica.stop()
        client.close()
        feeds_gen.close()
        server.kill()


def wait_until(check: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {DEADLINE} s")


def assert_chain(runs: list[dict[str, Any]]) -> None:
    """Each run served the due time the run before it set, whoever did it: one schedule."""
    for before, after in itertools.pairwise(runs):
        assert after["due"] == before["next"], (before, after)
        assert after["at"] >= before["next"] - EARLY, "a run started before it was due"


def verdict(replica: Replica, host: str) -> str:
    with urllib.request.urlopen(f"{replica.url}/v1/check?url=http://{host}/", timeout=5) as r:
        return str(json.load(r)["verdict"])


def replica_of(pair: Pair, replica_id: str) -> Replica:
    """The process behind a replica id (`<host name>-<pid>`, service/store/announce.py)."""
    return next(r for r in pair.replicas if replica_id == f"{socket.gethostname()}-{r.proc.pid}")


def test_two_replicas_download_once_per_interval_between_them(pair: Pair) -> None:
    wait_until(lambda: len(pair.runs()) >= 4, "four scheduled runs")
    runs = pair.runs()
    downloads = pair.downloads()  # read second: a run recorded meanwhile cannot be missing
    assert_chain(runs)
    # One download per run between both replicas (a run may be under way as we look).
    assert len(runs) <= downloads <= len(runs) + 1
    assert all(run["ok"] for run in runs)
    # Both replicas serve the new entry: the runner reloaded, the other followed the announce.
    for replica in pair.replicas:
        wait_until(lambda r=replica: verdict(r, NEW) == "dangerous", f"{replica.name} serves it")


@pytest.mark.parametrize("when", ["between runs", "mid-run"])
def test_a_killed_leader_hands_the_next_run_to_the_other(pair: Pair, when: str) -> None:
    wait_until(lambda: len(pair.runs()) >= 1, "a first scheduled run")
    if when == "mid-run":  # the leader holds the lease, waiting for a slow feed, when killed
        seen = pair.downloads()
        pair.feeds.delays["replicated"] = 30.0
        wait_until(lambda: pair.downloads() > seen and pair.redis.get(LOCK_KEY) is not None,
                   "a run in progress")
        holder = pair.redis.get(LOCK_KEY)
        assert holder is not None
        leader = replica_of(pair, holder.decode().rsplit(":", 1)[0])
    else:
        leader = replica_of(pair, pair.runs()[-1]["by"])
    other = next(r for r in pair.replicas if r is not leader)
    leader_id, other_id = (f"{socket.gethostname()}-{r.proc.pid}" for r in (leader, other))
    os.kill(leader.proc.pid, signal.SIGKILL)
    leader.proc.wait(10)
    killed_at = time.time()
    pair.feeds.delays.clear()

    def other_ran() -> bool:
        return any(run["by"] == other_id and run["at"] > killed_at for run in pair.runs())

    wait_until(other_ran, "the surviving replica never ran the update")
    runs = pair.runs()
    # Killed between runs or holding the lease (which then expires): the runs still form one
    # chain, so the survivor took the very run the leader had due, and none was skipped.
    assert_chain(runs)
    assert not any(run["by"] == leader_id and run["at"] > killed_at for run in runs)
    assert verdict(other, NEW) == "dangerous"
