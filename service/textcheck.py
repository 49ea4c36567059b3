"""Orchestration of one message check: patterns (pure), then each link it holds, then one verdict.

The message text goes only through pure functions here and is dropped with the answer: it is
never cached, stored or logged. Only the links found in it go through the Assessor, and so
through the normal cache and check log (domain and keyed hash).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from service.assess import Assessor
from service.core.errors import LinkGuardError
from service.core.model import Assessment, Signal, Verdict
from service.detect.message import MessageRules, match_message
from service.detect.textlinks import find_links, link_spans
from service.detect.textverdict import text_verdict

MAX_TEXT_BYTES = 8 * 1024  # DESIGN.md: a message of at most 8 KiB of UTF-8


@dataclass(frozen=True, slots=True)
class TextAssessment:
    """What /v1/check/text answers, before localisation."""

    verdict: Verdict
    links: tuple[Assessment, ...]


async def check_text(assessor: Assessor, text: str, rules: MessageRules | None, *,
                     resolve: str = "never") -> TextAssessment:
    """Assess `text`: its patterns, and every link in it (at most textlinks.MAX_LINKS)."""
    found = find_links(text)
    checked = await asyncio.gather(*(_check(assessor, link.text, resolve) for link in found))
    links = tuple(a for a in checked if a is not None)
    # Up to a few hundred ms of regex work for an 8 KiB message: a worker thread keeps the
    # event loop answering other requests meanwhile (the matcher itself stays pure).
    patterns = await asyncio.to_thread(_patterns, text, rules)
    return TextAssessment(verdict=text_verdict(patterns, links, rules), links=links)


def _patterns(text: str, rules: MessageRules | None) -> list[Signal]:
    return match_message(text, rules, blank=link_spans(text)) if rules is not None else []


async def _check(assessor: Assessor, url: str, resolve: str) -> Assessment | None:
    try:
        return await assessor.check(url, resolve=resolve)
    except LinkGuardError:  # a link-shaped word that is no checkable URL: nothing to add
        return None
