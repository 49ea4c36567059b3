"""Orchestration of one check: cache, then score (resolving the chain when it helps), then cache."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import time
from collections.abc import Callable

from service import codec, scoring, urls
from service.cache import Cache
from service.loader import Lists
from service.model import Assessment, Hop, Verdict

log = logging.getLogger(__name__)

RESOLVE_MODES = ("auto", "never", "always")

# How long a verdict may be reused. Safe verdicts expire soonest: a site that turns bad
# (or a list that learns of it) must reach students quickly; known-bad stays bad.
TTL_BY_LEVEL = {"safe": 900, "suspicious": 1800, "dangerous": 6 * 3600}
TTL_UNRESOLVED = 120  # a chain we could not follow is retried soon


def cache_key(lists_version: str, mode: str, canonical: str) -> str:
    """`lg:v:<lists version>:<mode>:<hash>`; the hash keeps full URLs out of the cache's keys."""
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return f"lg:v:{lists_version}:{mode}:{digest}"


def ttl_for(verdict: Verdict) -> int:
    if "redirect.unresolved" in verdict.codes:
        return TTL_UNRESOLVED
    return TTL_BY_LEVEL[verdict.level]


class Assessor:
    """Checks URLs against the current lists; the only place that decides what gets cached."""

    def __init__(
        self,
        *,
        lists: Callable[[], Lists],
        cache: Cache,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._lists = lists
        self._cache = cache
        self._clock = clock
        self._inflight: dict[str, asyncio.Future[Assessment]] = {}

    async def check(self, raw: str, *, resolve: str = "auto") -> Assessment:
        """Assess one URL. Raises InvalidURL for input that is not a checkable http(s) URL."""
        url = urls.parse(raw)
        lists = self._lists()
        key = cache_key(lists.version, resolve, url.canonical)
        data = await self._cache.get(key)
        if data is not None:
            cached = codec.decode(data, now=self._clock())
            if cached is not None:
                return dataclasses.replace(cached, url=raw)
        # Single flight: concurrent checks of one URL share one computation.
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Assessment] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            result = await self._compute(raw, url, lists, key)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it, nobody else must
            raise
        finally:
            del self._inflight[key]
        future.set_result(result)
        return result

    async def _compute(self, raw: str, url: urls.URL, lists: Lists, key: str) -> Assessment:
        verdict = scoring.assess_url(url, lists.index, lists.reference)
        hops = (Hop(url.canonical, None, "start"),)
        ttl = ttl_for(verdict)
        result = Assessment(
            url=raw,
            canonical_url=url.canonical,
            final_url=url.canonical,
            verdict=verdict,
            redirects=hops,
            lists_version=lists.version,
            cached=False,
            ttl=ttl,
        )
        await self._cache.set(key, codec.encode(result, expires_at=self._clock() + ttl), ttl)
        return result
