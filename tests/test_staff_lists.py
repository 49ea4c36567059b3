"""The lists health page: what the metadata recorded, "update now" with the CLI's guards."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from service.settings import Settings
from service.store.redis_link import RedisLink
from service.store.update_lease import RedisLease
from service.web import staff_pages
from tests.conftest import ClientFactory
from tests.feed_server import FeedServer, feed_text, hosts, serve_in_thread
from tests.test_staff import CSRF, TOKEN, logged_in

FEED = """

[[list]]
name = "staff-feed"
file = "feeds/staff-feed.txt"
format = "domains"
category = "phishing"
action = "block"
license = "CC0-1.0"
source = "{source}"
"""


@pytest.fixture(scope="module")
def feeds() -> Iterator[FeedServer]:
    yield from serve_in_thread()


async def staff_with_feed(aiohttp_client: ClientFactory, settings: Settings, feeds: FeedServer,
                          body: str, *, schedule: float | None = None,
                          interval: float = 0) -> TestClient:
    lists_dir = settings.lists_dir
    with (lists_dir / "lists.toml").open("a") as f:
        f.write(FEED.format(source=feeds.put("staff-feed", body)))
    (lists_dir / "feeds").mkdir(exist_ok=True)
    (lists_dir / "feeds/staff-feed.txt").write_text("\n".join(hosts(150)) + "\n")
    from service.web.app import create_app

    app = create_app(settings.replace(admin_token=TOKEN, lists_poll_seconds=0,
                                      update_interval=interval))
    if schedule is not None:
        app[staff_pages.NEXT_UPDATE] = lambda name: schedule if name == "staff-feed" else None
    return await aiohttp_client(TestServer(app))


async def update_now(staff: TestClient, csrf: str, name: str = "staff-feed") -> str:
    started = await staff.post("/admin/lists/update", data={"csrf": csrf, "list": name})
    assert started.status == 200 and "staff-feed" in await started.text()
    for _ in range(200):
        page = await (await staff.get("/admin/lists")).text()
        if 'data-testid="update-result"' in page:
            return page
        await asyncio.sleep(0.05)
    raise AssertionError("the update never finished")


def row_of(page: str, name: str) -> str:
    found = re.search(rf'<tr data-list="{name}".*?</tr>', page, re.S)
    assert found is not None
    return found.group(0)


async def blocked(staff: TestClient, url: str) -> bool:
    body = await (await staff.get("/v1/check", params={"url": url})).json()
    return "blocklist.match" in {r["code"] for r in body["reasons"]}


async def test_update_now_fetches_screens_writes_and_reloads(
        aiohttp_client: ClientFactory, settings: Settings, feeds: FeedServer) -> None:
    staff = await staff_with_feed(aiohttp_client, settings, feeds,
                                  feed_text("domains", hosts(200)))
    csrf = await logged_in(staff)
    before = row_of(await (await staff.get("/admin/lists")).text(), "staff-feed")
    assert ">150<" in before.replace(" ", "") and "Update now" not in before  # vi by default
    assert '<td data-testid="snapshot">—</td>' in before  # no download, no header date yet
    assert not await blocked(staff, "http://phish199.bad-feed.test/")
    page = await update_now(staff, csrf)
    row = row_of(page, "staff-feed")
    assert "updated" in row and "200 entries written (was 150)" in row
    assert '<td data-testid="next-update">—</td>' in row  # LINKGUARD_UPDATE_INTERVAL=0
    assert await blocked(staff, "http://phish199.bad-feed.test/")
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert f'<td data-testid="snapshot">{today}T' in row  # when this copy was downloaded
    assert CSRF.search(page) is not None


async def test_a_bad_download_is_refused_and_the_last_copy_serves(
        aiohttp_client: ClientFactory, settings: Settings, feeds: FeedServer) -> None:
    staff = await staff_with_feed(aiohttp_client, settings, feeds,
                                  feed_text("domains", hosts(3)))  # shrank 150 -> 3
    csrf = await logged_in(staff)
    row = row_of(await update_now(staff, csrf), "staff-feed")
    assert "refused" in row and "the last good copy stays" in row
    assert await blocked(staff, "http://phish149.bad-feed.test/")
    assert (settings.lists_dir / "feeds/staff-feed.txt").read_text().count("\n") == 150


async def test_the_schedule_hook_shows_the_next_update(
        aiohttp_client: ClientFactory, settings: Settings, feeds: FeedServer) -> None:
    staff = await staff_with_feed(aiohttp_client, settings, feeds, "", schedule=1_796_000_000.0)
    await logged_in(staff)
    row = row_of(await (await staff.get("/admin/lists")).text(), "staff-feed")
    assert '<td data-testid="next-update">2026-11-30T00:53:20Z</td>' in row


@pytest.mark.parametrize("name", ["no-such-list", "local-phishing", "x" * 500])
async def test_update_now_of_a_list_without_a_source_is_a_message(
        aiohttp_client: ClientFactory, settings: Settings, feeds: FeedServer, name: str) -> None:
    staff = await staff_with_feed(aiohttp_client, settings, feeds, "")
    csrf = await logged_in(staff)
    response = await staff.post("/admin/lists/update", data={"csrf": csrf, "list": name})
    assert response.status == 200
    text = await response.text()
    assert 'data-testid="flash"' in text and 'data-testid="update-result"' not in text


@pytest.mark.redis
async def test_with_scheduled_updates_the_page_shows_the_next_run_and_shares_the_lease(
        aiohttp_client: ClientFactory, settings: Settings, feeds: FeedServer,
        redis_url: str) -> None:
    from service.web import updates

    staff = await staff_with_feed(aiohttp_client, settings.replace(redis_url=redis_url), feeds,
                                  feed_text("domains", hosts(200)), interval=3600)
    csrf = await logged_in(staff)
    scheduler = staff.app[updates.UPDATES]
    for _ in range(100):  # the loop sets its first due time in a thread right after start
        if scheduler.next_at is not None:
            break
        await asyncio.sleep(0.05)
    page = await (await staff.get("/admin/lists")).text()
    shown = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(scheduler.next_at))
    assert f'<td data-testid="next-update">{shown}</td>' in row_of(page, "staff-feed")
    assert '<td data-testid="next-update">—</td>' in row_of(page, "local-phishing")  # no source
    other = RedisLease(RedisLink.from_url(redis_url), replica="another-replica")
    assert await other.acquire(30)  # a scheduled run on another replica holds the lease...
    busy = await staff.post("/admin/lists/update", data={"csrf": csrf, "list": "staff-feed"})
    assert 'data-testid="updating"' not in await busy.text()  # ...so update now waits its turn
    await other.release()
    row = row_of(await update_now(staff, csrf), "staff-feed")
    assert "updated" in row
    assert await other.acquire(30)  # update now gave the lease back
    await other.release()
    await other._link.close()
