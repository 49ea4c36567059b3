"""Orchestration of one check: cache, then score (resolving the chain when it helps), then cache."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from service.core import urls
from service.core.errors import InvalidURL
from service.core.model import Assessment, Hop, Signal, Verdict
from service.detect import codec, redirects, scoring, wrappers
from service.resolve.resolver import Chain, Resolver
from service.store.cache import Cache
from service.upkeep.loader import Lists

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


class Flight(Protocol):
    """Shares one computation of a cache key beyond this process (a Redis lock, in
    `store.flight`). Without one, concurrent checks share work within the process only."""

    async def run(
        self,
        key: str,
        compute: Callable[[], Awaitable[Assessment]],
        cached: Callable[[], Awaitable[Assessment | None]],
    ) -> Assessment: ...


class Observer(Protocol):
    """Hears about every check (service.web.metrics implements it); keeps assess free of
    prometheus."""

    def cache_lookup(self, hit: bool) -> None: ...

    def checked(self, result: Assessment, seconds: float) -> None: ...


class Assessor:
    """Checks URLs against the current lists; the only place that decides what gets cached."""

    def __init__(
        self,
        *,
        lists: Callable[[], Lists],
        cache: Cache,
        resolver: Resolver | None = None,
        flight: Flight | None = None,
        clock: Callable[[], float] = time.time,
        observer: Observer | None = None,
    ) -> None:
        self._lists = lists
        self._observer = observer
        self._cache = cache
        self._resolver = resolver
        self._flight = flight
        self._clock = clock
        self._inflight: dict[str, asyncio.Future[Assessment]] = {}

    async def check(self, raw: str, *, resolve: str = "auto") -> Assessment:
        """Assess one URL. Raises InvalidURL for input that is not a checkable http(s) URL."""
        started = time.perf_counter()
        result = await self._check(raw, resolve)
        if self._observer is not None:
            self._observer.checked(result, time.perf_counter() - started)
        return result

    async def _check(self, raw: str, resolve: str) -> Assessment:
        url = urls.parse(raw)
        lists = self._lists()
        key = cache_key(lists.version, resolve, url.canonical)
        cached = await self._cached(key, raw)
        if self._observer is not None:
            self._observer.cache_lookup(cached is not None)
        if cached is not None:
            return cached
        # Single flight: concurrent checks of one URL share one computation.
        pending = self._inflight.get(key)
        if pending is not None:  # the first caller's answer, with this caller's spelling
            return dataclasses.replace(await asyncio.shield(pending), url=raw)
        future: asyncio.Future[Assessment] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            # Offline scoring takes microseconds: sharing it would cost more than doing it.
            if self._flight is None or resolve == "never":
                result = await self._compute(raw, url, lists, key, resolve)
            else:
                result = await self._flight.run(
                    key,
                    lambda: self._compute(raw, url, lists, key, resolve),
                    lambda: self._cached(key, raw),
                )
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it, nobody else must
            raise
        finally:
            del self._inflight[key]
        future.set_result(result)
        return result

    async def _cached(self, key: str, raw: str) -> Assessment | None:
        data = await self._cache.get(key)
        cached = codec.decode(data, now=self._clock()) if data is not None else None
        return dataclasses.replace(cached, url=raw) if cached is not None else None

    async def _compute(
        self, raw: str, url: urls.URL, lists: Lists, key: str, mode: str
    ) -> Assessment:
        subject = scoring.subject_for(url, lists.index)
        verdict = scoring.score(subject, lists.reference)
        # Offline: a wrapper's inner URL is its next hop, whatever the mode.
        unwrapped, inner = unwrapped_chain(url, raw, lists)
        chain = unwrapped
        inner_score = verdict.score
        if inner is not None and inner is not url:  # the policy is the inner URL's
            subject = scoring.subject_for(inner, lists.index)
            inner_score = scoring.score(subject, lists.reference).score
        if self._resolver is not None and inner is not None and redirects.should_resolve(
            mode,
            host=inner.host,
            registrable=inner.registrable,
            offline_score=inner_score,
            allowlisted=subject.match.allowed,
            shorteners=lists.reference.shorteners,
        ):
            walked = await self._resolver.resolve_chain(
                fetch_url(inner), shorteners=lists.reference.shorteners,
                wrappers=lists.reference.wrappers,
            )
            chain = joined(chain, walked, lists)
        if len(chain.hops) > 1 or chain is not unwrapped:
            verdict = chain_verdict(url, verdict, chain, lists)
        hops, final_url = chain.hops, chain.final_url
        ttl = ttl_for(verdict)
        result = Assessment(
            url=raw,
            canonical_url=url.canonical,
            final_url=final_url,
            verdict=verdict,
            redirects=hops,
            lists_version=lists.version,
            cached=False,
            ttl=ttl,
        )
        await self._cache.set(key, codec.encode(result, expires_at=self._clock() + ttl), ttl)
        return result


def unwrapped_chain(url: urls.URL, raw: str, lists: Lists) -> tuple[Chain, urls.URL | None]:
    """The start hop and the URLs known wrappers carry inside it (none for an ordinary link),
    and where a resolver would go on: the innermost web URL, or None when the innermost is a
    `javascript:`-style target (then the outcome is "blocked_target")."""
    start = Hop(url.canonical, None, "start")
    inner = wrappers.unwrap_hops(raw.strip(), lists.reference.wrappers, url)
    if not inner:
        return Chain((start,), url.canonical, "ok"), url
    hops = (start, *inner)
    blocked = not inner[-1].url.startswith(("http:", "https:"))
    outcome = "blocked_target" if blocked else "ok"
    signals = redirects.chain_signals(hops, shorteners=lists.reference.shorteners,
                                      outcome=outcome)
    target = None if blocked else urls.parse(inner[-1].url)
    return Chain(hops, hops[-1].url, outcome, "", signals), target


def joined(unwrapped: Chain, walked: Chain, lists: Lists) -> Chain:
    """The unwrap hops, then the walk that started from the innermost URL; signals over all."""
    hops = (*unwrapped.hops[:-1], dataclasses.replace(walked.hops[0], via=unwrapped.hops[-1].via),
            *walked.hops[1:]) if walked.hops else unwrapped.hops
    signals = redirects.chain_signals(hops, shorteners=lists.reference.shorteners,
                                      outcome=walked.outcome)
    return Chain(hops, walked.final_url, walked.outcome, walked.detail, signals)


def fetch_url(url: urls.URL) -> str:
    """What the resolver requests: the canonical URL, but with its explicit port kept
    (the Safe Browsing canonical string drops every port, a fetch must not)."""
    port = f":{url.port}" if url.port is not None else ""
    query = f"?{url.query}" if url.query is not None else ""
    return f"{url.scheme}://{url.host}{port}{url.path}{query}"


def chain_verdict(start: urls.URL, start_verdict: Verdict, chain: Chain, lists: Lists) -> Verdict:
    """Weigh a followed chain: the final page's reasons, the chain's own signals, every listed
    hop (`redirect.to_listed`) and the worst earlier hop when it is worse than the end."""
    scored: list[tuple[urls.URL, Verdict]] = [(start, start_verdict)]
    for hop in chain.hops[1:]:
        try:
            hop_url = urls.parse(hop.url)
        except InvalidURL:  # a refused `javascript:` or `data:` hop: the chain signals say it
            continue
        scored.append((hop_url, scoring.assess_url(hop_url, lists.index, lists.reference)))
    *earlier, (_, final) = scored
    signals: list[Signal] = [*final.signals, *chain.signals]
    for hop_url, hop_verdict in earlier:
        listed = [s for s in hop_verdict.signals if s.code == "blocklist.match"]
        if listed:
            best = max(listed, key=lambda s: s.score)
            signals.append(Signal("redirect.to_listed", best.score,
                                  {"host": hop_url.host, "list": best.evidence.get("list", "")}))
    worst = max(earlier, key=lambda pair: pair[1].score, default=None)
    if worst is not None and worst[1].score > final.score:
        signals += [s for s in worst[1].signals
                    if s.code not in ("blocklist.match", "allowlist.match")]
    if any(s.code == "redirect.shortener" for s in chain.signals):
        signals = [s for s in signals if s.code != "url.shortener"]  # one reason, not two
    return scoring.combine(signals)
