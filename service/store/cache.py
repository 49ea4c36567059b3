"""Verdict cache: one async interface, an in-process TTL+LRU implementation (Redis elsewhere)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol


class Cache(Protocol):
    """What the assessor needs of a cache. Values are opaque bytes; keys are namespaced `lg:`."""

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl: int) -> None: ...

    async def close(self) -> None: ...


class MemoryCache:
    """A bounded in-process cache: least recently used entries go first, expired ones on read.

    Single event loop, no locks needed: every method runs to completion without awaiting.
    """

    def __init__(self, max_entries: int = 50_000, *, clock: Callable[[], float] = time.monotonic):
        self._data: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._max = max_entries
        self._clock = clock

    def __len__(self) -> int:
        return len(self._data)

    async def get(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None:
            return None
        expires, value = item
        if expires <= self._clock():
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes, ttl: int) -> None:
        if ttl <= 0 or self._max == 0:
            return
        self._data[key] = (self._clock() + ttl, value)
        self._data.move_to_end(key)
        while len(self._data) > self._max:
            self._data.popitem(last=False)

    async def close(self) -> None:
        self._data.clear()
