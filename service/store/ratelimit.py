"""Per-client rate limits: a token bucket kept as one number (GCRA), in process or in Redis.

`LINKGUARD_RATE_LIMIT=N` gives every client a bucket of N requests that refills at N per
minute: N at once after a quiet minute, then one every 60/N seconds. GCRA (the generic cell
rate algorithm, ITU-T I.371) stores only the "theoretical arrival time" of the next request,
so a check is one read and one write, and the wait it answers is exact (`Retry-After`).

A client is the peer address; `X-Forwarded-For` is believed only from `trusted_proxies`, and
read from the right (each proxy appends the address it saw; the first untrusted one is the
client, so a client cannot spoof its way out by sending its own header). IPv6 clients are
counted per /64, since one host usually holds a whole /64 (RFC 6177). With an API key, the
key is the client (`request[API_KEY_ID]`, set by the API key check, which runs earlier).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from aiohttp import web

from service.core.errors import RateLimited
from service.store.redis_link import REDIS_ERRORS, RedisLink

API_KEY_ID = web.RequestKey("api_key_id", str)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_TRACKED = 100_000  # in-process clients remembered; a full bucket needs no entry

# GCRA in Redis with the server's clock (TIME), so replicas with skewed clocks agree.
# ARGV: period (ms per token), burst (ms of tolerance). Returns 0, or ms to wait.
GCRA_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local period = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat or tat < now then tat = now end
local new = tat + period
if new - now > burst then return new - now - burst end
redis.call('SET', KEYS[1], new, 'PX', new - now)
return 0
"""


def parse_networks(cidrs: Sequence[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        addr = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def client_address(peer: str | None, forwarded_for: str | None,
                   trusted: Sequence[Network]) -> str:
    """The address to count: the peer, or the first untrusted hop of X-Forwarded-For."""
    addr = _address(peer or "")
    if addr is None:
        return peer or "unknown"  # a unix socket peer: one client
    if forwarded_for:
        for hop in reversed(forwarded_for.split(",")):
            if not any(addr in net for net in trusted):
                break  # `addr` is no proxy of ours: it is the client
            nxt = _address(hop)
            if nxt is None:
                break  # garbage from a trusted proxy: keep the last address we can believe
            addr = nxt
    if isinstance(addr, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((addr, 64), strict=False))
    return str(addr)


def identity(peer: str | None, forwarded_for: str | None, trusted: Sequence[Network],
             api_key_id: str | None = None) -> str:
    if api_key_id:
        return f"key:{api_key_id}"
    return f"ip:{client_address(peer, forwarded_for, trusted)}"


class Limiter(Protocol):
    async def hit(self, who: str) -> float:
        """Count one request of `who`: 0 when allowed, else the seconds until one would be."""
        ...


class MemoryLimiter:
    """GCRA in one process (the default, and the fallback while Redis is down)."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic,
                 max_tracked: int = MAX_TRACKED) -> None:
        self._period = 60.0 / per_minute
        self._burst = 60.0  # N tokens of 60/N seconds each
        self._clock = clock
        self._max = max_tracked
        self._tat: dict[str, float] = {}

    async def hit(self, who: str) -> float:
        now = self._clock()
        tat = max(self._tat.get(who, now), now)
        new = tat + self._period
        if new - now > self._burst + 1e-9:
            return new - now - self._burst
        self._tat[who] = new
        if len(self._tat) > self._max:
            self._prune(now)
        return 0.0

    def _prune(self, now: float) -> None:
        self._tat = {k: v for k, v in self._tat.items() if v > now}  # full buckets go
        while len(self._tat) > self._max:  # still too many: forget the oldest clients
            del self._tat[next(iter(self._tat))]


class RedisLimiter:
    """GCRA in Redis (one atomic script per request), counted across every replica."""

    def __init__(self, link: RedisLink, per_minute: int, *, fallback: MemoryLimiter) -> None:
        self._link = link
        self._period_ms = math.ceil(60_000 / per_minute)
        self._burst_ms = 60_000
        self._fallback = fallback
        self._script = link.client.register_script(GCRA_LUA)

    async def hit(self, who: str) -> float:
        if self._link.up:
            digest = hashlib.sha256(who.encode()).hexdigest()[:24]  # no addresses in key names
            try:
                wait_ms = await self._script(keys=[f"lg:rl:{digest}"],
                                             args=[self._period_ms, self._burst_ms])
                return int(wait_ms) / 1000
            except REDIS_ERRORS as exc:
                self._link.failed(exc)
        return await self._fallback.hit(who)


class RateGate:
    """What the middleware asks: raise RateLimited (429 + Retry-After) when over the limit."""

    def __init__(self, limiter: Limiter, *, trusted_proxies: Sequence[str]) -> None:
        self._limiter = limiter
        self._trusted = parse_networks(trusted_proxies)

    async def check(self, request: web.Request) -> None:
        who = identity(request.remote, request.headers.get("X-Forwarded-For"), self._trusted,
                       request.get(API_KEY_ID))
        wait = await self._limiter.hit(who)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise RateLimited(f"too many requests; try again in {seconds} s",
                              retry_after=seconds)
