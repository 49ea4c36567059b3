"""`linkguard lists update|diff|validate|stats` (add, remove and export live in cli/listedit.py)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from service.cli.common import SERVICE_HELP, age, announce, friendly, run, settings
from service.cli.listedit import add, export, remove
from service.lists.entries import ListSpec
from service.upkeep import curate, files
from service.upkeep.feeds import Progress
from service.upkeep.loader import load_lists
from service.upkeep.updater import Outcome, load_guard, select, update_lists
from service.upkeep.validate import ERROR, check_lists

MARKS = {"updated": ("updated", "green"), "unchanged": ("same", "green"),
         "not_modified": ("304", "green"), "checked": ("ok", "green"),
         "refused": ("REFUSED", "red"), "failed": ("FAILED", "red")}
SHOWN = 5  # dropped entries / bad lines shown per list


@click.group()
def lists() -> None:
    """Maintain the block and allow lists in LINKGUARD_LISTS_DIR."""


lists.add_command(add)
lists.add_command(remove)
lists.add_command(export)


class _Bar:
    """A click progress bar once the length is known; a byte counter on a terminal otherwise."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.bar: Any = None
        self.last = 0

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            if self.bar is None:
                self.bar = click.progressbar(length=total, label=f"{self.name:<22}",
                                             show_eta=False, width=30)
                self.bar.__enter__()
            self.bar.update(done - self.last)
        elif sys.stdout.isatty():
            click.echo(f"\r{self.name:<22} {done / 1e6:6.1f} MB", nl=False)
        self.last = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        elif self.last and sys.stdout.isatty():
            click.echo()


@contextlib.contextmanager
def _progress(spec: ListSpec) -> Iterator[Progress | None]:
    bar = _Bar(spec.name)
    try:
        yield bar
    finally:
        bar.close()


def _run_updates(names: tuple[str, ...], *, dry_run: bool) -> list[Outcome]:
    config = settings()
    manifest = files.read_manifest(config.lists_dir)
    specs = select(manifest, names)
    if not specs:
        click.echo("no enabled list has a source; name a feed: linkguard lists update NAME")
        return []
    guard = load_guard(config.lists_dir, manifest)
    return run(update_lists(config.lists_dir, specs, guard, time_limit=config.feed_timeout,
                            max_bytes=config.feed_max_bytes, dry_run=dry_run,
                            progress_for=_progress, proxy=config.feed_proxy))


def _show(outcome: Outcome) -> None:
    word, color = MARKS.get(outcome.status, (outcome.status, "yellow"))
    click.echo(f"{click.style(f'{word:<8}', fg=color, bold=True)} {outcome.name}: "
               f"{outcome.message}")
    if outcome.dropped:
        counts = ", ".join(f"{n} {why}" for why, n in sorted(outcome.dropped.items()))
        click.echo(f"         dropped (never served): {counts}")
        for dropped in outcome.dropped_samples[:SHOWN]:
            click.echo(f"           line {dropped.line}: {dropped.key} ({dropped.reason})")
    if outcome.errors:
        click.echo(f"         {outcome.errors} unreadable line(s), skipped")
        for error in outcome.error_samples[:SHOWN]:
            click.echo(f"           line {error.line}: {error.text!r}: {error.reason}")


@lists.command()
@click.argument("names", nargs=-1)
@click.option("--service", "service_url", metavar="URL", help=SERVICE_HELP)
@friendly
def update(names: tuple[str, ...], service_url: str | None) -> None:
    """Download lists from their `source` (every enabled feed, or the NAMEs given), screen
    them and replace the files that pass every guard. Exit code 1 if any download failed or
    was refused; those lists keep their last good copy."""
    outcomes = _run_updates(names, dry_run=False)
    for outcome in outcomes:
        _show(outcome)
    if any(o.status == "updated" for o in outcomes):
        announce(settings(), service_url)
    bad = [o.name for o in outcomes if not o.ok]
    if bad:
        raise click.ClickException(f"not updated: {', '.join(bad)} (the last good copy stays)")


@lists.command()
@click.argument("names", nargs=-1)
@click.option("--previous", is_flag=True,
              help="Compare each list with its copy before the last update or edit (.prev).")
@click.option("--limit", default=20, show_default=True, help="Entries shown per side.")
@friendly
def diff(names: tuple[str, ...], previous: bool, limit: int) -> None:
    """Show what an update would add and remove (nothing is written), or with --previous what
    the last update or edit changed."""
    if previous:
        _diff_previous(names, limit)
        return
    outcomes = _run_updates(names, dry_run=True)
    for outcome in outcomes:
        _show(outcome)
        if outcome.diff is not None:
            _print_diff(outcome.diff, limit)
    if any(not o.ok for o in outcomes):
        raise click.ClickException("an update would be refused or fail (see above)")


def _diff_previous(names: tuple[str, ...], limit: int) -> None:
    config = settings()
    manifest = files.read_manifest(config.lists_dir)
    specs = []
    for name in names:
        spec = manifest.get(name)
        if spec is None:
            raise click.ClickException(f"unknown list {name!r}")
        specs.append(spec)
    shown = 0
    for spec in specs or manifest.lists:
        path = files.list_path(config.lists_dir, spec)
        old = files.read_keys(files.prev_path(path), spec.format)
        if old is None:
            continue
        new = files.read_keys(path, spec.format)
        click.echo(f"{spec.name}: {path.name}.prev -> {path.name}")
        _print_diff(curate.diff(old[0], new[0] if new else set()), limit)
        shown += 1
    if not shown:
        click.echo("no previous copy yet: one is kept by each update, add and remove")


def _print_diff(change: curate.Diff, limit: int) -> None:
    click.echo(f"         +{len(change.added)} added, -{len(change.removed)} removed")
    for sign, keys, color in (("+", change.added, "green"), ("-", change.removed, "red")):
        for key in keys[:limit]:
            click.secho(f"           {sign} {key}", fg=color)
        if len(keys) > limit:
            click.echo(f"           ... and {len(keys) - limit} more")


@lists.command()
@click.option("--strict", is_flag=True, help="Count warnings as errors (for CI).")
@friendly
def validate(strict: bool) -> None:
    """Check every enabled list: entries that must never be served, duplicates, entries an
    allow entry shadows, malformed lines. Exit code 1 on errors (or warnings with --strict)."""
    config = settings()
    checked = check_lists(config.lists_dir)
    for f in checked.findings:
        color = "red" if f.level == ERROR or strict else "yellow"
        where = f"{f.list}:{f.line}" if f.line else f.list
        click.echo(f"{click.style(f'{f.level:<8}', fg=color)} {where:<28} {f.code:<20} "
                   f"{f.message}")
    for (name, level, code), count in sorted(checked.counts.items()):
        if count > 20:
            click.echo(f"         {name}: {count - 20} more {level}s of {code}")
    errors, warnings = checked.total(ERROR), checked.total("warning")
    summary = f"{errors} error(s), {warnings} warning(s)"
    if checked.failed(strict=strict):
        raise click.ClickException(summary + (" (--strict: warnings count)" if strict else ""))
    click.echo(f"lists are valid: {summary}")


@lists.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@friendly
def stats(as_json: bool) -> None:
    """Entries per list and category, when each list was last updated and how old it is."""
    config = settings()
    loaded = load_lists(config.lists_dir)
    rows: list[dict[str, Any]] = []
    for info in loaded.infos:
        meta = files.read_meta(Path(info.path))
        updated = info.data_date or info.updated_at  # a snapshot's own date, not its mtime
        attempt = meta.last_attempt if meta else {}
        rows.append({"name": info.name, "category": info.category, "enabled": info.enabled,
                     "entries": info.entries, "errors": info.errors, "updated_at": updated,
                     "age": age(updated), "origin": info.origin, "snapshot": info.snapshot,
                     "source": info.source, "last_attempt": attempt or None})
    categories: dict[str, int] = {}
    for row in rows:
        if row["enabled"]:
            categories[row["category"]] = categories.get(row["category"], 0) + row["entries"]
    if as_json:
        click.echo(json.dumps({"version": loaded.version, "lists": rows,
                               "categories": categories,
                               "update_interval": config.update_interval}, ensure_ascii=False))
        return
    click.echo(f"lists version {loaded.version}")
    click.echo(f"{'list':<22} {'category':<10} {'entries':>9} {'age':>5}  {'from':<8} updated")
    for row in rows:
        state = "" if row["enabled"] else "  (disabled)"
        attempt = row["last_attempt"] or {}
        if attempt.get("status") in ("failed", "refused"):
            state += f"  last update {attempt['status']} {age(attempt.get('at'))} ago"
        origin = row["origin"] if row["enabled"] else "-"
        click.echo(f"{row['name']:<22} {row['category']:<10} {row['entries']:>9} "
                   f"{row['age']:>5}  {origin:<8} {row['updated_at'] or '-'}{state}")
    click.echo("per category: " + ", ".join(f"{c} {n}" for c, n in sorted(categories.items())))
    interval = config.update_interval
    click.echo(f"scheduled updates: every {interval:g} s (LINKGUARD_UPDATE_INTERVAL) of the "
               "service; 'snapshot' = the copy shipped with the code" if interval else
               "scheduled updates: off (LINKGUARD_UPDATE_INTERVAL=0); run `linkguard lists "
               "update` to refresh the feeds")
