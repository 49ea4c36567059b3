"""Reports in a Redis stream (one node and a cluster), the review, and the spool's exactly-once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis_fixtures import RedisServer

from service.core.errors import Unavailable
from service.settings import Settings
from service.store.redis_link import RedisLink
from service.store.redis_reports import INDEX, STREAM, RedisReportStore
from service.store.reports import Report
from service.store.spool import Spool, parse
from service.web.app import HANDLER_ARGS, create_app
from service.web.backends import SPOOL_FILE

pytestmark = pytest.mark.redis


def report(n: int, **changes: Any) -> Report:
    fields: dict[str, Any] = {"id": f"r{n:04d}", "kind": "phishing", "url": f"http://s{n}.test/",
                              "comment": "", "lists_version": "v1", "created_at": 1000.0 + n}
    return Report(**{**fields, **changes})


@pytest.fixture
async def link(any_redis: str) -> AsyncIterator[RedisLink]:
    link = RedisLink.from_url(any_redis)
    await link.start()
    yield link
    await link.close()


@pytest.fixture
def spool(tmp_path: Path) -> Spool:
    return Spool(tmp_path / "spool" / SPOOL_FILE)


async def stream_ids(link: RedisLink) -> list[str]:
    entries = await link.client.xrange(STREAM)
    return [fields[b"id"].decode() for _, fields in entries]


async def test_a_report_is_202_after_xadd_and_holds_nothing_about_the_student(
    aiohttp_client: Any, settings: Settings, any_redis: str, link: RedisLink
) -> None:
    server = TestServer(create_app(settings.replace(redis_url=any_redis)))
    await server.start_server(**HANDLER_ARGS)
    client: TestClient = await aiohttp_client(server)
    resp = await client.post("/v1/reports", json={
        "url": "HTTP://Evil-Phish.test/Login#x", "kind": "phishing", "comment": "asks for\x00 pw"},
        headers={"User-Agent": "student-laptop-42", "X-Forwarded-For": "10.1.2.3"})
    assert resp.status == 202
    report_id = (await resp.json())["id"]
    [(_, fields)] = await link.client.xrange(STREAM)
    doc = {k.decode(): v.decode() for k, v in fields.items()}
    assert set(doc) == {"id", "kind", "url", "comment", "lists_version", "created_at"}
    assert doc["id"] == report_id and doc["url"] == "http://evil-phish.test/Login"
    assert doc["comment"] == "asks for pw" and doc["lists_version"]
    assert "student-laptop-42" not in repr(doc) and "10.1.2.3" not in repr(doc)


async def test_review_reads_and_marks_reports_in_the_stream(
    link: RedisLink, spool: Spool
) -> None:
    store = RedisReportStore(link, spool=spool)
    for n in range(3):
        await store.add(report(n))
    reviewed = await store.review("r0001", status="accepted", note="added to the list")
    assert reviewed is not None and reviewed.status == "accepted"
    assert reviewed.note == "added to the list" and reviewed.reviewed_at
    assert [r.id for r in await store.list()] == ["r0002", "r0001", "r0000"]
    assert [r.id for r in await store.list(status="accepted")] == ["r0001"]
    assert [r.id for r in await store.list(status="new", limit=1)] == ["r0002"]
    got = await store.get("r0001")
    assert got is not None and got.status == "accepted" and got.url == "http://s1.test/"
    assert await store.get("nope") is None
    assert await store.review("nope", status="rejected") is None


async def test_listing_pages_through_a_long_stream(link: RedisLink, spool: Spool) -> None:
    store = RedisReportStore(link, spool=spool)
    for n in range(450):
        await store.add(report(n))
    assert len(await store.list(limit=1000)) == 450
    newest = await store.list(limit=5)
    assert [r.id for r in newest] == [f"r{n:04d}" for n in range(449, 444, -1)]
    await store.review("r0003", status="rejected")
    assert [r.id for r in await store.list(status="rejected")] == ["r0003"]  # page 3 of 3


async def test_replay_is_exactly_once_even_after_a_crash_between_push_and_truncate(
    link: RedisLink, spool: Spool
) -> None:
    store = RedisReportStore(link, spool=spool)
    await store.add(report(1))  # reached Redis; its reply was "lost", so it was spooled too
    await spool.append(report(1))
    await spool.append(report(2))
    await store.add(report(1))  # a retried request with the same id
    assert await store.replay() == 2
    assert not spool.pending()
    assert await store.replay() == 0
    assert sorted(await stream_ids(link)) == ["r0001", "r0002"]
    assert await link.client.hlen(INDEX) == 2


async def test_a_spool_left_by_an_earlier_run_is_replayed_at_start(
    aiohttp_client: Any, settings: Settings, any_redis: str, link: RedisLink, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    await Spool(data_dir / SPOOL_FILE).append(report(7))
    server = TestServer(create_app(settings.replace(redis_url=any_redis, data_dir=data_dir)))
    await server.start_server(**HANDLER_ARGS)
    await aiohttp_client(server)
    assert await stream_ids(link) == ["r0007"]
    assert not Spool(data_dir / SPOOL_FILE).pending()


def test_a_torn_last_line_is_not_a_report() -> None:
    line = json.dumps(report(1).to_json()).encode()
    assert [r.id for r in parse(line + b"\n" + line[:20])] == ["r0001"]
    assert parse(b"not json\n[1,2]\n{}\n") == []


async def test_while_redis_is_down_reports_spool_and_replay_when_it_returns(
    redis_own: RedisServer, spool: Spool
) -> None:
    link = RedisLink.from_url(redis_own.url)
    await link.start()
    store = RedisReportStore(link, spool=spool)
    try:
        await store.add(report(0))
        redis_own.kill()
        for n in range(1, 4):
            assert await store.add(report(n)) == f"r{n:04d}"
        assert not link.up and len(parse(spool.path.read_bytes())) == 3
        with pytest.raises(Unavailable):
            await store.list()
        redis_own.start()
        for _ in range(100):
            if link.up and not spool.pending():
                break
            await asyncio.sleep(0.05)
        assert sorted(await stream_ids(link)) == ["r0000", "r0001", "r0002", "r0003"]
    finally:
        await link.close()


async def test_no_redis_and_no_disk_is_a_503_not_a_202(
    redis_own: RedisServer, tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("")
    link = RedisLink.from_url(redis_own.url)
    redis_own.kill()
    await link.start()
    store = RedisReportStore(link, spool=Spool(tmp_path / "file" / SPOOL_FILE))
    try:
        with pytest.raises(Unavailable):
            await store.add(report(1))
    finally:
        await link.close()
