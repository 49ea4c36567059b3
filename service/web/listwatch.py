"""Reload the lists when their files change on disk, and serialize every reload of this process.

Every `LINKGUARD_LISTS_POLL_SECONDS` the manifest and each file the served snapshot read are
stat'ed (a handful of syscalls); when one changed, and is unchanged a moment later (an editor
that writes in place is done), the lists are reloaded. So `linkguard lists add/update` and
`reports accept` take effect on the in-process default without Redis or an admin call. A
reload that fails keeps the old lists; the error is logged once and shown by the admin API.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from service.core.errors import ListError
from service.lists.entries import Manifest
from service.upkeep.files import read_manifest
from service.upkeep.loader import MANIFEST, Lists
from service.web.backends import reload_everywhere
from service.web.reload import Reloaded, reload_lists
from service.web.state import LISTS, SETTINGS

log = logging.getLogger("linkguard.lists")

SETTLE = 1.0  # seconds a changed file must stay unchanged before it is loaded
Signature = tuple[tuple[str, int, int, int], ...]


@dataclass
class ReloadState:
    """One lock for every reload of this process (admin, poll, SIGHUP via announce), and the
    last failure for the admin API."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_error: str | None = None
    last_error_at: str | None = None

    def failed(self, message: str) -> None:
        self.last_error = message
        self.last_error_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


RELOADS = web.AppKey("reloads", ReloadState)


def setup(app: web.Application) -> None:
    app[RELOADS] = ReloadState()
    if app[SETTINGS].lists_poll_seconds > 0:
        app.cleanup_ctx.append(_poller)


async def reload_now(app: web.Application, *, announce: bool) -> Reloaded:
    """Reload (and with `announce`, tell every replica); one at a time. ListError propagates
    and the old lists keep serving."""
    state = app[RELOADS]
    async with state.lock:
        try:
            result = await (reload_everywhere(app) if announce else reload_lists(app))
        except ListError as exc:
            state.failed(exc.message)
            raise
        state.last_error = state.last_error_at = None
        return result


def signature(lists_dir: Path, lists: Lists) -> Signature:
    """(path, mtime_ns, size, inode) of the manifest and every file it names now (the served
    snapshot's files while the manifest on disk does not parse)."""
    manifest: Manifest | None
    try:
        manifest = read_manifest(lists_dir)
    except ListError:
        manifest = lists.manifest
    paths = [Path(lists_dir) / MANIFEST]
    if manifest is not None:
        paths += [Path(lists_dir) / spec.file for spec in manifest.enabled]
        paths += [Path(lists_dir) / ref.file for ref in manifest.reference.values()]
    out = []
    for path in paths:
        try:
            st = path.stat()
            out.append((str(path), st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            out.append((str(path), -1, -1, -1))
    return tuple(out)


async def _poller(app: web.Application) -> AsyncIterator[None]:
    # The first signature is taken before the app serves, so no edit can slip in unseen.
    seen = signature(app[SETTINGS].lists_dir, app[LISTS].current)
    task = asyncio.get_running_loop().create_task(_watch(app, seen))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _watch(app: web.Application, seen: Signature) -> None:
    settings = app[SETTINGS]
    interval = settings.lists_poll_seconds

    def current() -> Signature:
        return signature(settings.lists_dir, app[LISTS].current)

    while True:
        await asyncio.sleep(interval)
        now = await asyncio.to_thread(current)
        if now == seen:
            continue
        await asyncio.sleep(min(SETTLE, interval))
        if await asyncio.to_thread(current) != now:
            continue  # still being written: look again next time
        try:
            result = await reload_now(app, announce=False)
            log.info("list files changed: serving %s", result.new_version)
        except ListError as exc:
            log.error("list files changed but do not load; the old lists keep serving: %s",
                      exc.message)
        except Exception:  # the watcher must outlive any surprise; the next change retries
            log.exception("reloading changed list files failed")
        seen = await asyncio.to_thread(current)
