"""After the CLI changed a list: tell the running service(s), the best way the settings allow.

With `LINKGUARD_REDIS_URL`, the change is announced on the reload channel and every replica
reloads (service/announce.py). Else, given `--service URL`, the admin API is asked to reload
(with `LINKGUARD_ADMIN_TOKEN`). Else the in-process service notices the changed files itself
within `LINKGUARD_LISTS_POLL_SECONDS`, and we say so.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from service.core.errors import ConfigError, LinkGuardError, ListError, Unavailable
from service.settings import Settings
from service.store.announce import Announcer, replica_id
from service.store.redis_link import RedisLink
from service.upkeep.loader import load_lists

ADMIN_RELOAD = "/v1/admin/reload"
TIMEOUT = 60.0  # a reload of large lists takes seconds


async def publish(settings: Settings, *, service_url: str | None = None) -> str:
    """Make the running service(s) serve the lists on disk; returns one sentence for the user.

    The lists are loaded here first, so a change that would not load is never announced.
    """
    lists = await asyncio.to_thread(load_lists, settings.lists_dir)
    if settings.redis_url:
        return await _announce(settings.redis_url, lists.version)
    if service_url:
        return await reload_service(service_url, settings.admin_token)
    if settings.lists_poll_seconds > 0:
        return (f"lists {lists.version} are ready; the service picks them up within "
                f"{settings.lists_poll_seconds:g} s (LINKGUARD_LISTS_POLL_SECONDS)")
    return (f"lists {lists.version} are ready; polling is off, so reload the service: "
            "`kill -HUP <pid>`, POST /v1/admin/reload, or --service URL here")


async def _announce(redis_url: str, version: str) -> str:
    link = RedisLink.from_url(redis_url)
    try:
        await link.start()
        if not link.up:
            raise Unavailable(f"Redis {link.url} is unreachable; replicas that poll their files "
                              "still pick the change up, others need a reload")
        announcer = Announcer(link, replica=f"cli-{replica_id()}", serving=lambda: version,
                              reload=_nothing)
        await announcer.announce()
        await announcer.close()  # forget the CLI's own entry in the replicas hash
    finally:
        await link.close()
    return f"announced lists {version} to every replica over Redis"


async def _nothing() -> None:
    return None


async def reload_service(service_url: str, token: str | None) -> str:
    """POST /v1/admin/reload on `service_url` with the admin token."""
    if not token:
        raise ConfigError("set LINKGUARD_ADMIN_TOKEN to the service's admin token to use --service")
    url = service_url.rstrip("/") + ADMIN_RELOAD
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with aiohttp.ClientSession(trust_env=False) as session, session.post(
            url, headers=headers, timeout=aiohttp.ClientTimeout(total=TIMEOUT)
        ) as response:
            body: dict[str, Any] = await response.json(content_type=None)
            status = response.status
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise Unavailable(f"{url}: {type(exc).__name__}: {exc}") from None
    if status == 200:
        return f"{service_url} reloaded: {body.get('old_version')} -> {body.get('new_version')}"
    message = (body.get("error") or {}).get("message", "") if isinstance(body, dict) else ""
    if status == 422:
        raise ListError(f"{service_url} kept its old lists: {message}")
    raise LinkGuardError(f"{url}: HTTP {status} {message}".rstrip())
