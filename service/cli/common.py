"""Small helpers the maintainer subcommands share: settings, error mapping, publishing, time."""

from __future__ import annotations

import asyncio
import calendar
import functools
import time
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

import click

from service.cli.publish import publish
from service.core.errors import LinkGuardError
from service.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")

SERVICE_HELP = ("Also ask the running service at this URL to reload (POST /v1/admin/reload, "
                "token from LINKGUARD_ADMIN_TOKEN). Not needed with Redis or list polling.")


def settings() -> Settings:
    try:
        return Settings.from_env()
    except LinkGuardError as exc:
        raise click.ClickException(exc.message) from exc


def friendly(command: Callable[P, T]) -> Callable[P, T]:
    """Turn the library's errors into ClickExceptions: a message and exit code 1, no traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return command(*args, **kwargs)
        except LinkGuardError as exc:
            raise click.ClickException(exc.message) from exc
        except OSError as exc:  # a file the user named, a full disk: say which, briefly
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from exc

    return wrapper


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def announce(config: Settings, service_url: str | None) -> None:
    """Tell running services about a change; a failure here is reported, not fatal: the
    change is on disk and polling replicas pick it up anyway."""
    try:
        click.echo(run(publish(config, service_url=service_url)))
    except LinkGuardError as exc:
        click.secho(f"warning: the change is saved but was not published: {exc.message}",
                    fg="yellow", err=True)
        raise click.exceptions.Exit(1) from exc


def age(iso: str | None, now: float | None = None) -> str:
    """`3m`, `5h`, `2d` since an ISO 8601 UTC time; `-` when unknown."""
    if not iso:
        return "-"
    try:
        then = calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        return "?"
    seconds = max(0.0, (time.time() if now is None else now) - then)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"
