"""`linkguard lists add|remove|export`: edit the maintainers' lists, export for other blockers."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from service.cli.common import SERVICE_HELP, announce, friendly, settings
from service.core.errors import ListError
from service.lists.entries import CATEGORIES, EXCEPTION, URL, Entry, ListSpec, Manifest, iter_list
from service.lists.entries import write_list as render
from service.upkeep import files, ops
from service.upkeep.curate import Guard
from service.upkeep.edits import fits, keys_on_lines, parse_target
from service.upkeep.loader import load_lists
from service.upkeep.updater import load_guard

EXPORT_FORMATS = ("hosts", "adblock", "domains")


def _pick(manifest: Manifest, name: str | None, category: str | None) -> ListSpec:
    """The list named, or the one editable list of `category`; its category must agree."""
    if name is not None:
        spec = ops.editable_spec(manifest, name)
        if category is not None and spec.category != category:
            raise ListError(f"list {name!r} has category {spec.category!r}, not {category!r}")
        return spec
    if category is None:
        raise click.UsageError("name the list with --list NAME (or give --category)")
    mine = [s for s in manifest.lists if files.editable(s) and s.category == category]
    if len(mine) != 1:
        found = ", ".join(s.name for s in mine) or "none"
        raise ListError(f"--category {category}: {len(mine)} editable lists ({found}); "
                        "choose one with --list NAME")
    return mine[0]


@click.command()
@click.argument("host_or_url")
@click.option("--list", "list_name", metavar="NAME",
              help="The list to add to (local-phishing, local-lure, local-allow, ...).")
@click.option("--category", type=click.Choice(CATEGORIES),
              help="Pick the editable list of this category (or check --list has it).")
@click.option("--note", default="", help="Why; kept in the dated comment above the entry.")
@click.option("--service", "service_url", metavar="URL", help=SERVICE_HELP)
@friendly
def add(host_or_url: str, list_name: str | None, category: str | None, note: str,
        service_url: str | None) -> None:
    """Add a host (covers its subdomains) or a URL to one of the maintainers' own lists.

    The entry gets a comment `# added <date> by linkguard: <note>`. Public suffixes,
    protected targets and allowlisted sites are refused on block lists."""
    config = settings()
    manifest = files.read_manifest(config.lists_dir)
    spec = _pick(manifest, list_name, category)
    target = parse_target(host_or_url)
    edited = ops.add(config.lists_dir, spec, target,
                         guard=load_guard(config.lists_dir, manifest), note=note)
    if not edited.changed:
        click.echo(f"{edited.value} is already on {spec.name}; nothing changed")
        return
    click.echo(f"added {edited.value} ({edited.kind}) to {spec.name} ({edited.path})")
    announce(config, service_url)


@click.command()
@click.argument("host_or_url")
@click.option("--list", "list_name", metavar="NAME",
              help="The list to remove it from (default: the one editable list that has it).")
@click.option("--note", default="", help="Why; kept in the dated comment left in its place.")
@click.option("--service", "service_url", metavar="URL", help=SERVICE_HELP)
@friendly
def remove(host_or_url: str, list_name: str | None, note: str, service_url: str | None) -> None:
    """Remove a host or URL from one of the maintainers' own lists (a dated comment stays)."""
    config = settings()
    manifest = files.read_manifest(config.lists_dir)
    target = parse_target(host_or_url)
    if list_name is not None:
        spec = ops.editable_spec(manifest, list_name)
    else:
        spec = _holder(config.lists_dir, manifest, target.key)
    edited = ops.remove(config.lists_dir, spec, target, note=note)
    click.echo(f"removed {edited.value} from {spec.name} ({edited.path})")
    announce(config, service_url)


def _holder(lists_dir: Path, manifest: Manifest, key: str) -> ListSpec:
    holders = []
    for spec in manifest.lists:
        if files.editable(spec):
            data = files.read_bytes(files.list_path(lists_dir, spec))
            if data is not None and key in keys_on_lines(data.decode("utf-8", "replace"),
                                                         spec.format):
                holders.append(spec)
    if len(holders) != 1:
        where = ", ".join(s.name for s in holders)
        raise ListError(f"{key} is on no editable list" if not holders else
                        f"{key} is on {where}; choose one with --list NAME")
    return holders[0]


@click.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="hosts (Pi-hole, /etc/hosts), domains (Pi-hole, AdGuard Home), adblock "
                   "(uBlock Origin, AdGuard).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.argument("names", nargs=-1)
@friendly
def export(fmt: str, output: Path | None, names: tuple[str, ...]) -> None:
    """Export the enabled block lists (or the NAMEs given) for another blocker.

    Allow entries are honoured as the service does: in adblock they become `@@` exceptions,
    in hosts and domains a blocked host under an allow entry is left out. URL entries only
    fit adblock; the other formats leave them out and say how many."""
    config = settings()
    loaded = load_lists(config.lists_dir)  # refuses lists that would not load
    assert loaded.manifest is not None
    manifest = loaded.manifest
    chosen = [_named(manifest, n) for n in names] or [
        s for s in manifest.enabled if s.action == "block"]
    guard = load_guard(config.lists_dir, manifest, lists=loaded)
    entries, skipped = _collect(config.lists_dir, chosen, manifest, guard, fmt)
    header = [
        f"Title: Not Alone Link Guard export ({', '.join(s.name for s in chosen)})",
        f"Generated: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} from lists "
        f"version {loaded.version}",
        *(f"Source {s.name}: {s.source or 'maintainers'}; licence: {s.license}" for s in chosen),
    ]
    text = render(entries, fmt, header=header)
    if output is None:
        sys.stdout.write(text)
    else:
        files.write_atomic(output, text.encode("utf-8"), keep_previous=False)
    click.echo(f"exported {len(entries)} entries ({fmt})" + (
        f"; left out {skipped} that {fmt} cannot hold or the allow lists cover" if skipped else
        ""), err=True)


def _named(manifest: Manifest, name: str) -> ListSpec:
    spec = manifest.get(name)
    if spec is None:
        raise ListError(f"unknown list {name!r}")
    return spec


def _collect(lists_dir: Path, chosen: list[ListSpec], manifest: Manifest, guard: Guard,
             fmt: str) -> tuple[list[Entry], int]:
    entries: dict[Entry, None] = {}
    skipped = 0
    allow_specs = [s for s in manifest.enabled if s.action == "allow"] if fmt == "adblock" else []
    for spec in [*chosen, *allow_specs]:
        data = files.read_bytes(files.list_path(lists_dir, spec))
        if data is None:
            continue
        for key, flags, _ in iter_list(data, spec.format):
            allows = spec.action == "allow" or bool(flags & EXCEPTION)
            entry = Entry(key, "url" if flags & URL else "host", 0, allows)
            if fits(entry, fmt) is not None or (
                    not allows and guard.verdict(key, flags) is not None):
                skipped += 1
                continue
            entries[entry] = None
    return list(entries), skipped
