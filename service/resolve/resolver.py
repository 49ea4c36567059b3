"""The one IO loop that follows a redirect chain over aiohttp, behind the SSRF guard.

Pure steps come from `redirects` (where a response points) and `guard` (where we may go); the
connection-level checks live in `connector`. docs/resolver.md explains the policy, limits,
outcomes and signals.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from service.core.errors import ConfigError
from service.core.model import Hop, Signal
from service.detect import redirects, wrappers
from service.detect.wrappers import WrapperTable
from service.resolve import guard
from service.resolve.connector import (
    HEADERS,
    BlockedAddress,
    GuardedConnector,
    make_session,
    refusals,
)
from service.resolve.guard import GuardPolicy, Refusal
from service.settings import Settings

log = logging.getLogger(__name__)

# Statuses some servers and CDNs give HEAD while GET works (RFC 9110 §9.3.2 says HEAD should
# mirror GET, but 405/501 "method not allowed/implemented" and 400/403/404 from picky WAFs and
# presigned-URL stores are common in practice).
HEAD_REFUSED = frozenset({400, 403, 404, 405, 406, 501})
OUTCOMES = ("ok", "timeout", "dns_error", "refused", "blocked_target", "too_many_hops", "loop",
            "error")


@dataclass(frozen=True, slots=True)
class Chain:
    """A followed chain: hops (first via "start"), where it ended, how, and what it says."""

    hops: tuple[Hop, ...]
    final_url: str
    outcome: str
    detail: str = ""
    signals: tuple[Signal, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.outcome == "ok"


@dataclass(frozen=True, slots=True)
class _Fetched:
    status: int
    headers: Mapping[str, str]
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class _Failed:
    outcome: str
    detail: str


@dataclass(slots=True)
class _Walk:
    hops: list[Hop] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


def _clean(url: URL) -> URL:
    """No credentials forwarded (RFC 9110 §4.2.4 deprecates them anyway), no fragment."""
    if url.absolute:
        url = url.with_user(None)
    return url.with_fragment(None)


_KEPT_HEADERS = ("Location", "Refresh", "Content-Type", "Content-Encoding")


class Resolver:
    """Follows redirect chains. One per app; `resolve_chain` never raises for network trouble."""

    def __init__(
        self,
        settings: Settings,
        *,
        session: aiohttp.ClientSession | None = None,
        dns: AbstractResolver | None = None,
        policy: GuardPolicy | None = None,
        shorteners: frozenset[str] = frozenset(),
        on_chain: Callable[[Chain], None] | None = None,
    ) -> None:
        if session is None:
            session = make_session(settings, dns=dns, policy=policy)
            self._owns_session = True
        elif not isinstance(session.connector, GuardedConnector) or dns or policy:
            raise ConfigError(
                "Resolver needs a session from service.connector.make_session(settings, dns=..., "
                "policy=...): the guard lives in its connector"
            )
        else:
            self._owns_session = False
        assert isinstance(session.connector, GuardedConnector)
        self.policy = session.connector.policy
        self.shorteners = shorteners  # default for resolve_chain(shorteners=None)
        self._on_chain = on_chain  # metrics: one call per walk (not per waiting caller)
        self._session = session
        self._settings = settings
        self._semaphore = asyncio.Semaphore(settings.resolve_concurrency)
        self._inflight: dict[str, asyncio.Task[Chain]] = {}
        self._hop_timeout = aiohttp.ClientTimeout(total=settings.resolve_hop_timeout)

    async def __aenter__(self) -> Resolver:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

    async def close(self) -> None:
        for task in list(self._inflight.values()):
            task.cancel()
        if self._owns_session:
            await self._session.close()

    async def resolve_chain(
        self,
        url: str,
        *,
        shorteners: frozenset[str] | None = None,
        wrappers: WrapperTable | None = None,
    ) -> Chain:
        """Follow `url`; concurrent calls for the same URL share one walk (single flight).

        `shorteners` (the served lists' set, which a reload may change) names shortener hops in
        the chain's signals; without it the set given at construction is used. A hop that a
        known wrapper in `wrappers` carries is unwrapped offline: the wrapper is never fetched.
        """
        task = self._inflight.get(url)
        if task is None:
            known = self.shorteners if shorteners is None else shorteners
            task = asyncio.create_task(self._resolve(url, known, wrappers))
            self._inflight[url] = task
            task.add_done_callback(lambda done: self._forget(url, done))
        # shield: one impatient caller must not cancel the walk the others are waiting for
        return await asyncio.shield(task)

    def _forget(self, url: str, task: asyncio.Task[Chain]) -> None:
        if self._inflight.get(url) is task:
            del self._inflight[url]

    async def _resolve(
        self, url: str, shorteners: frozenset[str], table: WrapperTable | None
    ) -> Chain:
        walk = _Walk()
        try:
            async with asyncio.timeout(self._settings.resolve_timeout):
                outcome, detail = await self._walk(url, walk, table)
        except TimeoutError:
            outcome = "timeout"
            detail = f"no destination within {self._settings.resolve_timeout:g} s"
        except Exception:  # a bug must cost one check, not the service
            log.exception("resolver failed on a chain")
            outcome, detail = "error", "internal error while following the link"
        hops = tuple(walk.hops)
        signals = redirects.chain_signals(hops, shorteners=shorteners, outcome=outcome)
        chain = Chain(hops, hops[-1].url if hops else url, outcome, detail, signals)
        if self._on_chain is not None:
            self._on_chain(chain)
        return chain

    async def _walk(self, url: str, walk: _Walk, table: WrapperTable | None) -> tuple[str, str]:
        try:
            current = _clean(URL(url))
        except (ValueError, TypeError):
            return "error", "not a readable address"
        if not current.scheme or (current.scheme in guard.SCHEMES and not current.raw_host):
            return "error", "not a full web address"
        via = "start"
        for _ in range(self._settings.resolve_max_hops + 1):
            text = str(current)
            walk.hops.append(Hop(text, None, via))  # status filled in once it answers
            refusal = guard.check_target(current.scheme, current.raw_host, current.port,
                                         self.policy)
            if refusal is not None:
                return "blocked_target", refusal.detail
            walk.seen.add(text)
            step = _unwrapped(text, table)
            if step is None:
                result = await self._fetch(current)
                if isinstance(result, _Failed):
                    return result.outcome, result.detail
                walk.hops[-1] = Hop(text, result.status, via)
                step = redirects.next_hop(text, result.status, result.headers, result.body)
                if step is None:
                    return "ok", ""
            try:
                current = _clean(URL(step.url))
            except (ValueError, TypeError):
                return "error", "the redirect points to an unreadable address"
            if str(current) in walk.seen:
                return "loop", f"the chain comes back to {current.host or current.scheme}"
            via = step.via
        walk.hops.append(Hop(str(current), None, via))
        return "too_many_hops", f"more than {self._settings.resolve_max_hops} redirects"

    async def _fetch(self, url: URL) -> _Fetched | _Failed:
        """HEAD, then GET when HEAD is refused or the answer is an HTML page we must peek into."""
        token = refusals.set([])
        try:
            async with self._semaphore:
                result = await self._request("HEAD", url)
                if result.status in HEAD_REFUSED or (
                    200 <= result.status < 300 and redirects.is_html(result.headers)
                ):
                    result = await self._request("GET", url)
                return result
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            return _failure(exc, refusals.get() or [])
        finally:
            refusals.reset(token)

    async def _request(self, method: str, url: URL) -> _Fetched:
        async with self._session.request(
            method, url, allow_redirects=False, timeout=self._hop_timeout,
            auto_decompress=False, headers=HEADERS,
        ) as resp:
            headers = {k: v for k in _KEPT_HEADERS if (v := resp.headers.get(k)) is not None}
            body = None
            if method == "GET" and resp.status not in redirects.REDIRECT_STATUSES and (
                redirects.is_html(headers)
            ):
                raw = await _read_head(resp, self._settings.resolve_max_body)
                body = redirects.decode_body_head(
                    raw, headers.get("Content-Encoding"), self._settings.resolve_max_body
                )
            return _Fetched(resp.status, headers, body)


def _unwrapped(url: str, table: WrapperTable | None) -> redirects.NextHop | None:
    found = wrappers.unwrap_once(url, table)
    if found is None:
        return None
    # A `javascript:` target keeps its scheme only; the guard then refuses it like any other.
    return redirects.NextHop(found.url, "unwrap")


async def _read_head(resp: aiohttp.ClientResponse, limit: int) -> bytes:
    """At most `limit` raw bytes, then stop reading (the connection is dropped, not drained)."""
    chunks: list[bytes] = []
    total = 0
    try:
        while total < limit:
            chunk = await resp.content.read(limit - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except (aiohttp.ClientPayloadError, TimeoutError):
        pass  # a dripping or broken body: the head we have is what we judge
    return b"".join(chunks)


def _blocked(exc: BaseException | None) -> Refusal | None:
    """The guard's refusal somewhere in aiohttp's wrapping of `exc`, if any."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, BlockedAddress):
            return exc.refusal
        inner = getattr(exc, "os_error", None)
        exc = inner if isinstance(inner, BaseException) else (exc.__cause__ or exc.__context__)
        seen += 1
    return None


def _failure(exc: BaseException, noted: list[Refusal]) -> _Failed:
    refusal = _blocked(exc) or (noted[0] if noted else None)
    if refusal is not None:
        return _Failed("blocked_target", refusal.detail)
    if isinstance(exc, TimeoutError):
        return _Failed("timeout", "the server did not answer in time")
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return _Failed("dns_error", "the site's name does not exist (any more)")
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return _Failed("error", "the site's security certificate is not valid")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return _Failed("refused", "the server refused the connection")
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientOSError):
        return _Failed("error", "the server closed the connection")
    if isinstance(exc, aiohttp.ClientResponseError):
        return _Failed("error", "the server sent an invalid answer")
    return _Failed("error", type(exc).__name__)
