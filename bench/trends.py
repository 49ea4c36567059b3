"""Cost of the trends' counting hook: cached offline checks per second with and without it.

Both runs use the same Assessor set-up (shipped lists, in-process cache, no resolver) and the
same 200 URLs, warmed into the cache so the check itself is as cheap as it gets and the hook's
share is as large as it can be; rounds alternate so machine load hits both alike.
"""

from __future__ import annotations

import asyncio
import statistics

from aiohttp import web

from bench._common import rate
from service.assess import Assessor
from service.core.model import Assessment
from service.settings import REPO_BLOCKLISTS
from service.store.cache import MemoryCache
from service.store.counters import MemoryCounters
from service.upkeep.loader import load_lists
from service.web.trends import TALLY, CheckTally, CountingObserver

ROUNDS = 7
URLS = [f"http://site{i}.example-shop.top/login" for i in range(200)]


class NullObserver:
    def cache_lookup(self, hit: bool) -> None:
        return None

    def checked(self, result: Assessment, seconds: float) -> None:
        return None


def checks_per_second(counting: bool) -> float:
    lists = load_lists(REPO_BLOCKLISTS)
    app = web.Application()
    app[TALLY] = CheckTally()
    observer = CountingObserver(app, NullObserver()) if counting else NullObserver()
    assessor = Assessor(lists=lambda: lists, cache=MemoryCache(10_000), observer=observer)
    loop = asyncio.new_event_loop()

    async def all_urls() -> int:
        for url in URLS:
            await assessor.check(url, resolve="never")
        return len(URLS)

    try:
        loop.run_until_complete(all_urls())  # warm the cache
        per_second = rate(lambda: loop.run_until_complete(all_urls()), min_seconds=0.5)
    finally:
        loop.close()
    if counting:  # the hook really counted (a bench of a no-op would prove nothing)
        tally, counters = app[TALLY], MemoryCounters()
        tally.drain(counters)
        assert asyncio.run(counters.days(1))[0].total("check") > len(URLS)
    return per_second


def main() -> None:
    base, hook = [], []
    for _ in range(ROUNDS):
        base.append(checks_per_second(counting=False))
        hook.append(checks_per_second(counting=True))
    b, h = statistics.median(base), statistics.median(hook)
    print(f"cached checks/s, no counting hook : {b:10.0f}  (median of {ROUNDS})")
    print(f"cached checks/s, counting hook    : {h:10.0f}")
    print(f"ratio hook/baseline               : {h / b:10.3f}  "
          f"(+{(1 / h - 1 / b) * 1e6:.1f} us per check)")


if __name__ == "__main__":
    main()
