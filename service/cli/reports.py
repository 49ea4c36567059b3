"""`linkguard reports list|show|accept|reject`: review what students reported, from the shell."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click

from service.cli.common import SERVICE_HELP, announce, friendly, settings
from service.lists.formats import printable
from service.settings import Settings
from service.store.redis_link import RedisLink
from service.store.redis_reports import RedisReportStore
from service.store.reports import STATUSES, FileReportStore, Report, ReportStore
from service.store.spool import Spool
from service.upkeep import files, review
from service.upkeep.loader import load_lists
from service.upkeep.updater import load_guard
from service.web.backends import REPORTS_FILE, SPOOL_FILE

T = TypeVar("T")


@contextlib.asynccontextmanager
async def open_store(config: Settings) -> AsyncIterator[ReportStore]:
    """The store the service uses: the Redis stream with LINKGUARD_REDIS_URL, else the file."""
    if not config.redis_url:
        yield FileReportStore(Path(config.data_dir) / REPORTS_FILE)
        return
    link = RedisLink.from_url(config.redis_url)
    try:
        await link.start()
        yield RedisReportStore(link, spool=Spool(Path(config.data_dir) / SPOOL_FILE))
    finally:
        await link.close()


def _with_store(config: Settings, work: Callable[[ReportStore], Awaitable[T]]) -> T:
    async def go() -> T:
        async with open_store(config) as store:
            return await work(store)

    return asyncio.run(go())


def _when(stamp: float | None) -> str:
    if stamp is None:
        return "-"
    return dt.datetime.fromtimestamp(stamp, dt.UTC).strftime("%Y-%m-%d %H:%M")


@click.group()
def reports() -> None:
    """Review students' reports (newest first)."""


@reports.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only reports with this status.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per report.")
@friendly
def list_reports(status: str | None, limit: int, as_json: bool) -> None:
    """List reports: id, time (UTC), kind, status and URL."""
    found = _with_store(settings(), lambda store: store.list(status=status, limit=limit))
    for r in found:
        if as_json:
            click.echo(json.dumps(r.to_json(), ensure_ascii=False))
        else:
            click.echo(f"{r.id:<22} {_when(r.created_at)}  {r.kind:<14} {r.status:<9} "
                       f"{printable(r.url, 90)}")
    if not found and not as_json:
        click.echo("no reports" + (f" with status {status}" if status else ""))


@reports.command()
@click.argument("report_id")
@click.option("--json", "as_json", is_flag=True)
@friendly
def show(report_id: str, as_json: bool) -> None:
    """Show one report in full."""
    async def get(store: ReportStore) -> Report:
        return await review.get_report(store, report_id)

    report = _with_store(settings(), get)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
        return
    for name, value in (("id", report.id), ("kind", report.kind), ("url", report.url),
                        ("status", report.status), ("reported", _when(report.created_at)),
                        ("lists version", report.lists_version),
                        ("comment", report.comment or "-"), ("reviewed", _when(report.reviewed_at)),
                        ("note", report.note or "-")):
        click.echo(f"{name + ':':<15} {printable(str(value), 2000)}")


@reports.command()
@click.argument("report_id")
@click.option("--list", "list_name", metavar="NAME",
              help="Put it on this list instead of the default for its kind.")
@click.option("--entry", "entry_as", type=click.Choice(review.ENTRY_KINDS),
              help="Add the host or the exact URL (default: chosen, see docs/maintainers.md).")
@click.option("--note", default="", help="Why; stored with the report and in the list comment.")
@click.option("--service", "service_url", metavar="URL", help=SERVICE_HELP)
@friendly
def accept(report_id: str, list_name: str | None, entry_as: str | None, note: str,
           service_url: str | None) -> None:
    """Accept a report: phishing -> local-phishing, scam -> local-scam, lure -> local-lure,
    false_positive -> local-allow (the report id goes in the entry's comment); then reload."""
    config = settings()
    loaded = load_lists(config.lists_dir)
    manifest = files.read_manifest(config.lists_dir)
    guard = load_guard(config.lists_dir, manifest, lists=loaded)

    async def work(store: ReportStore) -> review.Accepted:
        return await review.accept_report(
            store, report_id, lists_dir=config.lists_dir, manifest=manifest, guard=guard,
            index=loaded.index, list_name=list_name, note=note, entry_as=entry_as)

    done = _with_store(config, work)
    verb = "added" if done.edit.changed else "already on the list:"
    click.echo(f"accepted {done.report.id}: {verb} {done.edit.value} ({done.edit.kind}) "
               f"-> {done.edit.list}")
    if done.edit.changed:
        announce(config, service_url)


@reports.command()
@click.argument("report_id")
@click.option("--note", default="", help="Why; stored with the report.")
@friendly
def reject(report_id: str, note: str) -> None:
    """Reject a report (the lists do not change)."""
    done = _with_store(settings(), lambda store: review.reject_report(store, report_id, note=note))
    click.echo(f"rejected {done.report.id}")
    if done.was_accepted:
        click.secho("note: it had been accepted; its list entry stays until you remove it "
                    "(linkguard lists remove HOST_OR_URL)", fg="yellow")
