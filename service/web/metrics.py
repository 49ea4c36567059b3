"""Prometheus metrics (`linkguard_*`) in a registry of the app's own, served at GET /metrics.

Each app has its own CollectorRegistry rather than prometheus-client's global one, so tests
and several apps in one process never share or collide on series. Every label takes a bounded
set of values: route templates (never raw paths), HTTP statuses, verdict levels, reason codes
(stable identifiers, DESIGN.md), resolver outcomes, report kinds. docs/operations.md lists
each metric and what to alert on.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from service.core.model import LEVELS, Assessment
from service.resolve.resolver import OUTCOMES, Chain
from service.store.reports import KINDS
from service.web.logs import Handler, method_label, route_label

if TYPE_CHECKING:
    from service.store.redis_link import RedisLink
    from service.upkeep.loader import Lists

# Seconds. A check answered from the cache or offline takes well under 10 ms; one that
# follows a redirect chain takes up to the resolver's budget (5 s by default).
CHECK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
HOP_BUCKETS = (0, 1, 2, 3, 4, 5, 6, 8, 10, 20)


def fetched(result: Assessment) -> bool:
    """Whether answering `result` meant following its chain over the network."""
    return (len(result.redirects) > 1 or any(h.status is not None for h in result.redirects)
            or "redirect.unresolved" in result.verdict.codes)


class Metrics:
    """Every series the service exports; the hooks are plain methods other modules call."""

    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.requests = Counter(
            "linkguard_http_requests", "HTTP requests answered, by route template and status",
            ["method", "route", "status"], registry=r)
        self.request_seconds = Histogram(
            "linkguard_http_request_duration_seconds", "Time to answer an HTTP request",
            ["route"], buckets=CHECK_BUCKETS, registry=r)
        self.in_flight = Gauge(
            "linkguard_http_requests_in_flight", "HTTP requests being handled now", registry=r)
        self.checks = Histogram(
            "linkguard_check_duration_seconds",
            "Time to assess one URL: from the cache, offline, or by following its chain",
            ["source"], buckets=CHECK_BUCKETS, registry=r)
        self.verdicts = Counter(
            "linkguard_verdicts", "Verdicts given, by level", ["verdict"], registry=r)
        self.reasons = Counter(
            "linkguard_reasons", "Reasons given, by reason code", ["code"], registry=r)
        self.cache = Counter(
            "linkguard_cache_lookups", "Verdict cache lookups", ["result"], registry=r)
        self.chains = Counter(
            "linkguard_resolver_chains", "Redirect chains followed, by outcome", ["outcome"],
            registry=r)
        self.hops = Histogram(
            "linkguard_resolver_hops", "Redirects in one followed chain", buckets=HOP_BUCKETS,
            registry=r)
        self.reports = Counter(
            "linkguard_reports_accepted", "Reports stored (202), by kind", ["kind"], registry=r)
        self.rate_limited = Counter(
            "linkguard_rate_limited", "Requests refused with 429, by kind of client identity",
            ["client"], registry=r)
        # Series that exist from the start, so `rate()` and absence alerts work at zero.
        for level in LEVELS:
            self.verdicts.labels(level)
        for result in ("hit", "miss"):
            self.cache.labels(result)
        for outcome in OUTCOMES:
            self.chains.labels(outcome)
        for kind in KINDS:
            self.reports.labels(kind)
        for client in ("key", "address"):
            self.rate_limited.labels(client)

    # -- hooks ---------------------------------------------------------------------------
    def cache_lookup(self, hit: bool) -> None:
        self.cache.labels("hit" if hit else "miss").inc()

    def checked(self, result: Assessment, seconds: float) -> None:
        source = "cache" if result.cached else "network" if fetched(result) else "offline"
        self.checks.labels(source).observe(seconds)
        self.verdicts.labels(result.verdict.level).inc()
        for code in result.verdict.codes:
            self.reasons.labels(code).inc()

    def chain(self, chain: Chain) -> None:
        self.chains.labels(chain.outcome).inc()
        self.hops.observe(max(0, len(chain.hops) - 1))

    def report(self, kind: str) -> None:
        self.reports.labels(kind).inc()

    def limited(self, by_key: bool) -> None:
        self.rate_limited.labels("key" if by_key else "address").inc()

    def watch(self, *, lists: Callable[[], Lists], redis: Callable[[], RedisLink | None]) -> None:
        """Export the served lists and the Redis link as they are at each scrape."""
        self.registry.register(_StateCollector(lists, redis))

    def exposition(self, accept: str) -> tuple[bytes, str]:
        """The scrape body and its content type (text format, or OpenMetrics when asked)."""
        encoder, content_type = choose_encoder(accept)
        return encoder(self.registry), content_type


METRICS = web.AppKey("metrics", Metrics)


def _timestamp(iso: str | None) -> float | None:
    if not iso:
        return None
    try:
        return float(calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return None


class _StateCollector(Collector):
    """Lists and Redis state, read when Prometheus scrapes (nothing to keep in sync)."""

    def __init__(self, lists: Callable[[], Lists],
                 redis: Callable[[], RedisLink | None]) -> None:
        self._lists = lists
        self._redis = redis

    def collect(self) -> Iterator[Metric]:
        lists = self._lists()
        info = GaugeMetricFamily("linkguard_lists_info", "The lists version being served",
                                 labels=["version"])
        info.add_metric([lists.version], 1)
        loaded = GaugeMetricFamily("linkguard_lists_loaded_timestamp_seconds",
                                   "When the served lists were loaded (Unix time)")
        loaded.add_metric([], _timestamp(lists.loaded_at) or 0)
        entries = GaugeMetricFamily("linkguard_list_entries", "Entries loaded per list",
                                    labels=["list", "category", "action"])
        errors = GaugeMetricFamily("linkguard_list_errors", "Unreadable lines per list",
                                   labels=["list"])
        updated = GaugeMetricFamily("linkguard_list_updated_timestamp_seconds",
                                    "Date of each list's data: a shipped snapshot's date, a "
                                    "download's time or the file's mtime (Unix time)",
                                    labels=["list"])
        for i in lists.infos:
            entries.add_metric([i.name, i.category, i.action], i.entries)
            errors.add_metric([i.name], i.errors)
            stamp = _timestamp(i.data_date or i.updated_at)  # a checkout's mtime says "now"
            if stamp is not None:
                updated.add_metric([i.name], stamp)
        yield from (info, loaded, entries, errors, updated)
        link = self._redis()
        if link is None:
            return
        up = GaugeMetricFamily("linkguard_redis_up", "1 while Redis answers, 0 while degraded")
        up.add_metric([], 1 if link.up else 0)
        failed = CounterMetricFamily("linkguard_redis_errors",
                                     "Redis calls that failed (the service then degrades)")
        failed.add_metric([], link.errors)
        outages = CounterMetricFamily("linkguard_redis_outages",
                                      "Times Redis became unreachable")
        outages.add_metric([], link.outages)
        yield from (up, failed, outages)


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count every answer by route template and status (just inside the request id)."""
    metrics = request.app[METRICS]
    started = time.perf_counter()
    metrics.in_flight.inc()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        metrics.in_flight.dec()
        route = route_label(request)
        metrics.requests.labels(method_label(request.method), route, str(status)).inc()
        metrics.request_seconds.labels(route).observe(time.perf_counter() - started)


async def serve(request: web.Request) -> web.Response:
    """GET /metrics: Prometheus text format (OpenMetrics when the scraper asks for it)."""
    body, content_type = request.app[METRICS].exposition(request.headers.get("Accept", ""))
    return web.Response(body=body, headers={"Content-Type": content_type})


def setup(app: web.Application) -> Metrics:
    metrics = app[METRICS] = Metrics()
    app.router.add_get("/metrics", serve)
    return metrics
