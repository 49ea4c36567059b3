"""The application's state keys (aiohttp `AppKey`) and the swappable lists snapshot."""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractResolver

from service.assess import Assessor
from service.resolve.guard import GuardPolicy
from service.settings import Settings
from service.store.announce import Announcer
from service.store.cache import Cache
from service.store.ratelimit import RateGate
from service.store.redis_link import RedisLink
from service.store.reports import ReportStore
from service.upkeep.loader import Lists


class ListsState:
    """Holds the lists being served. A reload builds new Lists beside the old and swaps them in
    one assignment, so a request sees either the old snapshot or the new one, never a mix."""

    def __init__(self, lists: Lists) -> None:
        self.current = lists

    def swap(self, lists: Lists) -> Lists:
        old, self.current = self.current, lists
        return old


SETTINGS = web.AppKey("settings", Settings)
LISTS = web.AppKey("lists", ListsState)
CACHE = web.AppKey("cache", Cache)
REPORTS = web.AppKey("reports", ReportStore)
ASSESSOR = web.AppKey("assessor", Assessor)
ResolverOptions = tuple[AbstractResolver | None, GuardPolicy | None]  # test DNS, test allowance
RESOLVER_OPTIONS: web.AppKey[ResolverOptions] = web.AppKey("resolver_options")
LIMITER = web.AppKey("limiter", RateGate)  # absent when LINKGUARD_RATE_LIMIT=0
ANNOUNCER = web.AppKey("announcer", Announcer)  # list reloads to every replica
REDIS = web.AppKey("redis", RedisLink)  # absent without LINKGUARD_REDIS_URL
