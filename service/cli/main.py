"""The `linkguard` command line: a thin click layer over the library (serve, check)."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import click

from service.assess import Assessor
from service.cli.lists import lists
from service.cli.reports import reports
from service.cli.textcmd import check_text_command
from service.core.errors import LinkGuardError
from service.detect import present
from service.detect.messages import THREE_MUSTS, VERDICT_TITLES
from service.resolve.resolver import Resolver
from service.settings import Settings
from service.store.cache import MemoryCache
from service.upkeep.loader import Lists, load_lists

EXIT_INVALID = 1  # at least one input was not a checkable URL
COLORS = {"safe": "green", "suspicious": "yellow", "dangerous": "red"}


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except LinkGuardError as exc:
        raise click.ClickException(exc.message) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="notalone-linkguard")
def main() -> None:
    """Not Alone Link Guard: check links before a student opens them."""


@main.command()
def serve() -> None:
    """Serve the HTTP API (settings from LINKGUARD_* environment variables)."""
    from service.web.app import run

    settings = _settings()
    try:
        run(settings)
    except LinkGuardError as exc:
        raise click.ClickException(exc.message) from exc


@main.command()
@click.argument("urls", nargs=-1)
@click.option("--file", "-f", "source", type=click.File("r", encoding="utf-8", errors="replace"),
              help="Read URLs from a file, one per line ('-' for standard input).")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object per URL, the API's shape.")
@click.option("--offline", is_flag=True, help="Never touch the network (no redirect resolving).")
@click.option("--heuristics-only", is_flag=True,
              help="Score without block/allow lists, to see what the heuristics alone say.")
@click.option("--protected", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Protected targets for this run: a file with one domain per line.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def check(
    urls: tuple[str, ...],
    source: IO[str] | None,
    as_json: bool,
    offline: bool,
    heuristics_only: bool,
    protected: Path | None,
    lang: str,
) -> None:
    """Check URLs given as arguments and/or in a file. Exit code 1 if any was invalid."""
    if not urls and source is None:
        raise click.UsageError("give at least one URL, or --file FILE (- for standard input)")
    settings = _settings()
    try:
        lists = load_lists(
            settings.lists_dir, heuristics_only=heuristics_only, protected_override=protected
        )
    except LinkGuardError as exc:
        raise click.ClickException(exc.message) from exc
    inputs = _inputs(urls, source)
    mode = "never" if offline else "auto"
    invalid = asyncio.run(_check_all(settings, inputs, lists, mode, lang, as_json))
    if invalid:
        sys.exit(EXIT_INVALID)


def _inputs(urls: Iterable[str], source: IO[str] | None) -> Iterator[str]:
    yield from urls
    if source is not None:
        for line in source:  # streamed: a large file is never held in memory
            yield line.rstrip("\r\n")


async def _check_all(settings: Settings, inputs: Iterable[str], lists: Lists, mode: str,
                     lang: str, as_json: bool) -> int:
    resolver = Resolver(settings) if mode != "never" else None
    assessor = Assessor(lists=lambda: lists, cache=MemoryCache(10_000), resolver=resolver)
    try:
        return await _check_each(assessor, inputs, mode, lang, as_json)
    finally:
        if resolver is not None:
            await resolver.close()


async def _check_each(assessor: Assessor, inputs: Iterable[str], mode: str, lang: str,
                      as_json: bool) -> int:
    invalid = 0
    for raw in inputs:
        try:
            result = present.assessment(await assessor.check(raw, resolve=mode), lang)
        except LinkGuardError as exc:
            invalid += 1
            _emit_error(raw, exc, as_json)
            continue
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        else:
            _emit_human(result, lang)
    return invalid


def _emit_error(raw: str, exc: LinkGuardError, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(present.error(exc.code, exc.message, url=raw), ensure_ascii=False))
    else:
        click.echo(f"{click.style('INVALID', fg='magenta', bold=True)}  {raw!r}: {exc.message}")


def _emit_human(result: dict[str, Any], lang: str) -> None:
    level = result["verdict"]
    head = click.style(f"{level.upper():<10}", fg=COLORS[level], bold=True)
    click.echo(f"{head} {result['score']:>3}  {result['canonical_url']}")
    click.echo(f"           {VERDICT_TITLES[lang][level]}")
    if result["final_url"] != result["canonical_url"]:
        click.echo(f"           -> {result['final_url']}")
    for reason in result["reasons"]:
        click.echo(f"  - [{reason['code']} {reason['score']}] {reason['message']}")
        click.echo(f"      {reason['advice']}")
    if result["suggestion"]:
        hint = "Có phải bạn muốn vào" if lang == "vi" else "Did you mean"
        click.echo(f"  {hint} {result['suggestion']}?")
    if level != "safe":
        click.echo("  " + " · ".join(THREE_MUSTS[lang]))


main.add_command(lists)  # maintainer tools: service/cli/lists.py, cli/listedit.py
main.add_command(reports)  # report review: service/cli/reports.py
main.add_command(check_text_command)  # check a message: service/cli/textcmd.py
