"""Hot reload of the lists: build the new snapshot beside the old one, then swap in one step."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiohttp import web

from service.upkeep.loader import load_lists
from service.web.state import LISTS, SETTINGS

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reloaded:
    old_version: str
    new_version: str

    @property
    def changed(self) -> bool:
        return self.old_version != self.new_version


async def reload_lists(app: web.Application) -> Reloaded:
    """Load the lists again and serve them. On ListError the old lists keep serving and the
    error propagates (its message says what is wrong); requests are never dropped: loading
    runs in a thread and the swap is one assignment."""
    settings = app[SETTINGS]
    new = await asyncio.to_thread(load_lists, settings.lists_dir)
    old = app[LISTS].swap(new)
    log.info("lists reloaded: %s -> %s", old.version, new.version)
    return Reloaded(old.version, new.version)
