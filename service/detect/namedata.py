"""Prepare, once per list load, the data that reads names: targets, scam lexicon, platforms.

The order matters: lexicon phrases become lure keywords of the brand table (chanlemomo.cc is
MoMo glued to "chẵn lẻ"); brand tokens and phrases join the word-split vocabulary; brand
distinctiveness is measured against the dictionary and popular domains last.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from service.detect.distinct import distinctive_tokens
from service.detect.lexicon import Lexicon, build_lexicon, parse_phrases
from service.detect.platforms import PlatformTable, build_platforms
from service.detect.targets import TargetTable, build_targets, build_targets_from_domains
from service.detect.wordsplit import build_vocabulary


@dataclass(frozen=True, slots=True)
class NameData:
    targets: TargetTable | None
    lexicon: Lexicon | None
    platforms: PlatformTable | None


@dataclass(frozen=True, slots=True)
class NameSources:
    """The texts of the reference files (None when a file is not configured)."""

    protected: str | None = None
    keywords: str | None = None
    lexicon: str | None = None
    syllables: str | None = None
    english: str | None = None
    platforms: str | None = None
    protected_domains: tuple[str, ...] | None = None  # the CLI's --protected FILE, if given


def build_name_data(src: NameSources, *, private_suffixes: Iterable[str] = (),
                    popular: Iterable[str] = ()) -> NameData:
    """Everything the name detectors read; `popular` are popular registrable domains (the
    shipped allowlists), `private_suffixes` the PSL's private section."""
    phrases = parse_phrases(src.lexicon) if src.lexicon else {}
    written = "\n".join(p.written for p in phrases.values())
    keywords = "\n".join(t for t in (src.keywords, written) if t)
    targets: TargetTable | None = None
    if src.protected_domains is not None:
        targets = build_targets_from_domains(src.protected_domains, keywords)
    elif src.protected is not None:
        targets = build_targets(src.protected, keywords)
    tokens = [t for b in targets.brands for t in (*b.tokens, *b.weak)] if targets else []
    lexicon = None
    if src.lexicon:
        vocabulary = build_vocabulary(src.syllables, src.english, [*phrases, *tokens])
        lexicon = build_lexicon(src.lexicon, vocabulary)
    if targets is not None and src.english:
        dictionary = [*src.english.splitlines(), *(src.syllables or "").splitlines()]
        found = distinctive_tokens(targets.brands, _words(dictionary), popular)
        targets = dataclasses.replace(targets, distinctive=found)
    platforms = build_platforms(src.platforms, private_suffixes) if src.platforms else None
    return NameData(targets=targets, lexicon=lexicon, platforms=platforms)


def _words(lines: Iterable[str]) -> list[str]:
    return [w for w in (line.split("#", 1)[0].strip() for line in lines) if w]
