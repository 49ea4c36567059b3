"""`linkguard check-text`: check a whole message from a file or standard input, as the API does."""

from __future__ import annotations

import asyncio
import json
from typing import IO, Any

import click

from service.assess import Assessor
from service.core.errors import LinkGuardError
from service.detect import present
from service.detect.messages import THREE_MUSTS
from service.resolve.resolver import Resolver
from service.settings import Settings
from service.store.cache import MemoryCache
from service.textcheck import MAX_TEXT_BYTES, check_text
from service.upkeep.loader import Lists, load_lists

COLORS = {"safe": "green", "suspicious": "yellow", "dangerous": "red"}
TITLES = {
    "vi": {"safe": "Chưa thấy dấu hiệu nguy hiểm", "suspicious": "Hãy cẩn thận: tin nhắn đáng ngờ",
           "dangerous": "Nguy hiểm: đây có thể là lừa đảo"},
    "en": {"safe": "No danger found", "suspicious": "Be careful: this message looks suspicious",
           "dangerous": "Dangerous: this is probably a scam"},
}


@click.command("check-text")
@click.argument("source", type=click.File("rb"), default="-")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer.")
@click.option("--offline", is_flag=True, help="Never touch the network (links not resolved).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def check_text_command(source: IO[bytes], as_json: bool, offline: bool, lang: str) -> None:
    """Check the message in FILE (default '-': standard input): its manipulation patterns and
    every link in it. Exit code 1 for a message that cannot be checked."""
    text = _read(source)
    try:
        settings = Settings.from_env()
        lists = load_lists(settings.lists_dir)
    except LinkGuardError as exc:
        raise click.ClickException(exc.message) from exc
    result = asyncio.run(_check(settings, lists, text, "never" if offline else "auto", lang))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        _emit_human(result, lang)


def _read(source: IO[bytes]) -> str:
    data = source.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise click.ClickException(f"the message is longer than {MAX_TEXT_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"the message is not valid UTF-8 (byte {exc.start})") from None
    if "\0" in text:
        raise click.ClickException("the message contains a NUL character")
    if not text.strip():
        raise click.ClickException("the message is empty")
    return text


async def _check(settings: Settings, lists: Lists, text: str, mode: str,
                 lang: str) -> dict[str, Any]:
    resolver = Resolver(settings) if mode != "never" else None
    assessor = Assessor(lists=lambda: lists, cache=MemoryCache(1000), resolver=resolver)
    try:
        found = await check_text(assessor, text, lists.reference.messages, resolve=mode)
    finally:
        if resolver is not None:
            await resolver.close()
    return present.text_result(found.verdict, found.links, lang)


def _emit_human(result: dict[str, Any], lang: str) -> None:
    level = result["verdict"]
    head = click.style(f"{level.upper():<10}", fg=COLORS[level], bold=True)
    click.echo(f"{head} {result['score']:>3}  {TITLES[lang][level]}")
    for reason in result["reasons"]:
        click.echo(f"  - [{reason['code']} {reason['score']}] {reason['message']}")
        click.echo(f"      {reason['advice']}")
    for link in result["links"]:
        mark = click.style(f"{link['verdict']:<10}", fg=COLORS[link["verdict"]])
        click.echo(f"  link {mark} {link['score']:>3}  {link['canonical_url']}")
    if level != "safe":
        click.echo("  " + " · ".join(THREE_MUSTS[lang]))
