"""Plain values shared by the pure core: signals, hops, verdicts, assessments, reference data."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pragma: no cover - imports for annotations only
    from service.core.urls import URL
    from service.detect.lexicon import Lexicon
    from service.detect.lookalike import TargetTable
    from service.detect.lures import LureRules
    from service.detect.message import MessageRules
    from service.detect.platforms import PlatformTable
    from service.detect.wrappers import WrapperTable
    from service.lists.index import Match

Level = Literal["safe", "suspicious", "dangerous"]
SAFE: Level = "safe"
SUSPICIOUS: Level = "suspicious"
DANGEROUS: Level = "dangerous"
LEVELS: tuple[Level, ...] = (SAFE, SUSPICIOUS, DANGEROUS)

# DESIGN.md: safe < 30 <= suspicious < 70 <= dangerous.
SUSPICIOUS_AT = 30
DANGEROUS_AT = 70


def level_for(score: int) -> Level:
    if score >= DANGEROUS_AT:
        return DANGEROUS
    if score >= SUSPICIOUS_AT:
        return SUSPICIOUS
    return SAFE


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence: a stable reason code, its weight (0-100) and what it saw.

    `evidence` holds short strings (a target domain, a list name, a host); never a whole page.
    """

    code: str
    score: int
    evidence: Mapping[str, str] = field(default_factory=dict)

    @property
    def namespace(self) -> str:
        return self.code.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a redirect chain as the student would travel it.

    `via` says how we got here: "start", "location" (3xx), "refresh" (header),
    "meta" (<meta http-equiv=refresh>), "script" (location.href=...) or "unwrap" (the URL
    a known link wrapper carries in its query, read offline: service/detect/wrappers.py).
    `status` is the HTTP status this URL answered with (None when it was not fetched).
    """

    url: str
    status: int | None
    via: str = "start"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The weighed outcome for one URL (or a whole chain): score, level, reasons, suggestion."""

    score: int
    level: Level
    signals: tuple[Signal, ...]
    suggestion: str | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.signals)


@dataclass(frozen=True, slots=True)
class Assessment:
    """What /v1/check answers, before localisation: the verdict plus where the link went."""

    url: str
    canonical_url: str
    final_url: str
    verdict: Verdict
    redirects: tuple[Hop, ...]
    lists_version: str
    cached: bool = False
    ttl: int = 0


@dataclass(frozen=True, slots=True)
class Reference:
    """Reference data the detectors read: loaded from blocklists/ by the loader, never inline.

    `targets` is the lookalike module's prepared table of protected brands (None disables the
    lookalike detectors); `lures` the prepared lure rules (None disables them); `messages` the
    prepared message patterns of /v1/check/text (None: no patterns are looked for).
    """

    shorteners: frozenset[str] = frozenset()
    suspicious_tlds: frozenset[str] = frozenset()
    targets: TargetTable | None = None
    lures: LureRules | None = None
    messages: MessageRules | None = None
    wrappers: WrapperTable | None = None  # link wrappers to unwrap (None: unwrap nothing)
    lexicon: Lexicon | None = None  # the scam lexicon (scamnames.py); None disables scam.*
    platforms: PlatformTable | None = None  # user-content platforms; None disables platform.*


@dataclass(frozen=True, slots=True)
class Subject:
    """One canonical URL as the detectors see it: the parsed URL and its list match."""

    url: URL
    match: Match


Detector = Callable[[Subject, Reference], Iterable[Signal]]
