"""The list-file poller: the in-process service picks up edits on its own, and survives bad ones."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from service.settings import Settings
from service.upkeep.loader import load_lists
from service.web import listwatch
from tests.conftest import ClientFactory

DEADLINE = 20.0  # seconds to wait for the poller; generous for a loaded 2-core machine


@pytest.fixture
async def polled(aiohttp_client: ClientFactory, settings: Settings) -> TestClient:
    from service.web.app import create_app

    server = TestServer(create_app(settings.replace(lists_poll_seconds=0.05)))
    return await aiohttp_client(server)


async def version(client: TestClient) -> str:
    return str((await (await client.get("/readyz")).json())["lists_version"])


async def wait_for_change(client: TestClient, old: str) -> str:
    loop = asyncio.get_running_loop()
    end = loop.time() + DEADLINE
    while loop.time() < end:
        now = await version(client)
        if now != old:
            return now
        await asyncio.sleep(0.05)
    raise AssertionError(f"the lists were not reloaded within {DEADLINE} s")


async def verdict(client: TestClient, url: str) -> str:
    return str((await (await client.get("/v1/check", params={"url": url})).json())["verdict"])


def touch_later(path: Path, text: str) -> None:
    """Write `text` and move the mtime forward so even a coarse clock sees a change."""
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


async def test_an_edited_list_is_served_without_a_restart(
        polled: TestClient, settings: Settings) -> None:
    first = await version(polled)
    assert await verdict(polled, "http://fresh-phish.test/") == "safe"
    touch_later(settings.lists_dir / "test/phishing.txt", "evil-phish.test\nfresh-phish.test\n")
    await wait_for_change(polled, first)
    assert await verdict(polled, "http://fresh-phish.test/") == "dangerous"


async def test_a_broken_edit_keeps_the_old_lists_then_a_fix_is_picked_up(
        polled: TestClient, settings: Settings) -> None:
    first = await version(polled)
    manifest = settings.lists_dir / "lists.toml"
    good = manifest.read_text()
    touch_later(manifest, good + "\n[[list]]\nname = 'broken'\n")
    app = polled.server.app
    loop = asyncio.get_running_loop()
    end = loop.time() + DEADLINE
    while loop.time() < end:
        if app[listwatch.RELOADS].last_error is not None:
            break
        await asyncio.sleep(0.05)
    # The poller uses reload_now, so the failure is recorded like an admin reload's.
    assert app[listwatch.RELOADS].last_error is not None
    assert await version(polled) == first
    assert await verdict(polled, "http://evil-phish.test/") == "dangerous"
    touch_later(settings.lists_dir / "test/phishing.txt", "evil-phish.test\nlater-phish.test\n")
    touch_later(manifest, good)
    await wait_for_change(polled, first)
    assert await verdict(polled, "http://later-phish.test/") == "dangerous"
    assert app[listwatch.RELOADS].last_error is None


async def test_polling_off_starts_no_watcher(settings: Settings) -> None:
    from service.web.app import create_app

    app = create_app(settings.replace(lists_poll_seconds=0))
    assert listwatch.RELOADS in app
    assert listwatch._poller not in app.cleanup_ctx
    on = create_app(settings.replace(lists_poll_seconds=5))
    assert listwatch._poller in on.cleanup_ctx


def test_signature_follows_the_manifest_on_disk(lists_dir: Path) -> None:
    lists = load_lists(lists_dir)
    before = listwatch.signature(lists_dir, lists)
    assert str(lists_dir / "lists.toml") in {path for path, *_ in before}
    assert str(lists_dir / "test/phishing.txt") in {path for path, *_ in before}
    (lists_dir / "new.txt").write_text("x.test\n")
    with (lists_dir / "lists.toml").open("a") as f:
        f.write('\n[[list]]\nname = "new"\nfile = "new.txt"\nformat = "domains"\n'
                'category = "scam"\naction = "block"\nlicense = "CC0-1.0"\n')
    after = listwatch.signature(lists_dir, lists)  # the served snapshot does not name it yet
    assert str(lists_dir / "new.txt") in {path for path, *_ in after}
    (lists_dir / "new.txt").write_text("x.test\ny.test\n")
    assert listwatch.signature(lists_dir, lists) != after
