"""A report is on the disk before it is acknowledged: the fsync of the report file and the spool
is observed (a spy on the os calls) and made to fail (fault injection)."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from redis_fixtures import RedisServer

from service.core.errors import Unavailable
from service.settings import Settings
from service.store.redis_link import RedisLink
from service.store.redis_reports import RedisReportStore
from service.store.reports import FileReportStore, Report
from service.store.spool import Spool, parse
from service.web.backends import REPORTS_FILE, SPOOL_FILE


def report(n: int) -> Report:
    return Report(id=f"r{n:04d}", kind="phishing", url=f"http://s{n}.test/", comment="",
                  lists_version="v1", created_at=1000.0 + n)


class OsSpy:
    """Records write/fsync/ftruncate/close per file (by path); `fail_fsync` injects EIO."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, watched: Path) -> None:
        self.watched = watched.resolve()
        self.events: list[tuple[str, bytes]] = []
        self.fail_fsync = False
        for name in ("write", "fsync", "ftruncate", "close"):
            monkeypatch.setattr(os, name, self._wrap(name, getattr(os, name)))

    def _path(self, fd: int) -> Path | None:
        try:
            return Path(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            return None

    def _wrap(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(fd: int, *args: Any) -> Any:
            if self._path(fd) == self.watched:
                data = args[0] if name == "write" else b""
                self.events.append((name, bytes(data)))
                if name == "fsync" and self.fail_fsync:
                    raise OSError(errno.EIO, "injected: the disk refused the fsync")
            return real(fd, *args)

        return call

    def names(self) -> list[str]:
        return [name for name, _ in self.events]


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    path = tmp_path / "reports.jsonl"
    path.touch()
    return path


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch, report_file: Path) -> Iterator[OsSpy]:
    yield OsSpy(monkeypatch, report_file)


async def test_the_report_file_is_fsynced_after_the_write_before_add_returns(
    spy: OsSpy, report_file: Path
) -> None:
    store = FileReportStore(report_file)
    assert await store.add(report(1)) == "r0001"
    assert spy.names() == ["write", "fsync", "close"]
    assert b'"id":"r0001"' in spy.events[0][1]
    spy.events.clear()
    await store.review("r0001", status="accepted")  # a review is an event, fsync'd the same way
    assert spy.names() == ["write", "fsync", "close"]


async def test_a_failed_fsync_of_the_report_file_is_no_acknowledgement(
    spy: OsSpy, report_file: Path
) -> None:
    spy.fail_fsync = True
    with pytest.raises(OSError, match="injected"):
        await FileReportStore(report_file).add(report(2))
    assert spy.names() == ["write", "fsync", "close"]  # the file is closed all the same


@pytest.fixture
def spool_file(tmp_path: Path) -> Path:
    path = tmp_path / SPOOL_FILE
    path.touch()
    return path


async def test_the_spool_is_fsynced_after_each_append_and_after_the_replay_truncates(
    monkeypatch: pytest.MonkeyPatch, spool_file: Path
) -> None:
    spy = OsSpy(monkeypatch, spool_file)
    spool = Spool(spool_file)
    await spool.append(report(3))
    assert spy.names() == ["write", "fsync", "close"]
    assert parse(spy.events[0][1]) == [report(3)]
    spy.events.clear()
    pushed: list[list[Report]] = []

    async def push(reports: list[Report]) -> None:
        pushed.append(reports)

    assert await spool.replay(push) == 1
    assert pushed == [[report(3)]]
    assert spy.names() == ["ftruncate", "fsync", "close"]


async def test_a_failed_spool_fsync_raises_so_nothing_says_202(
    monkeypatch: pytest.MonkeyPatch, spool_file: Path
) -> None:
    spy = OsSpy(monkeypatch, spool_file)
    spy.fail_fsync = True
    with pytest.raises(OSError, match="injected"):
        await Spool(spool_file).append(report(4))


@pytest.mark.redis
async def test_redis_down_and_the_spool_fsync_failing_is_a_503_not_a_202(
    monkeypatch: pytest.MonkeyPatch, redis_own: RedisServer, spool_file: Path
) -> None:
    link = RedisLink.from_url(redis_own.url)
    redis_own.kill()
    await link.start()
    spy = OsSpy(monkeypatch, spool_file)
    spy.fail_fsync = True
    store = RedisReportStore(link, spool=Spool(spool_file))
    try:
        with pytest.raises(Unavailable):
            await store.add(report(5))
    finally:
        await link.close()
    assert spy.names() == ["write", "fsync", "close"]  # it got as far as the fsync


async def test_the_api_answers_202_only_after_the_fsync(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    path = Path(settings.data_dir) / REPORTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    spy = OsSpy(monkeypatch, path)
    resp = await client.post("/v1/reports", json={"url": "http://y.test/", "kind": "scam"})
    assert resp.status == 202
    report_id = (await resp.json())["id"]
    assert spy.names() == ["write", "fsync", "close"]
    assert f'"id":"{report_id}"'.encode() in spy.events[0][1]
