"""Scoring: run the detector table over one URL and weigh its signals into a verdict."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from service.core.model import Detector, Reference, Signal, Subject, Verdict, level_for
from service.core.urls import URL
from service.detect import lookalike, lures, scamnames, structural
from service.lists.index import Index, Match

# The detector table: every detector a small function, listed once (STYLE.md, h11 READERS).
DETECTORS: tuple[Detector, ...] = (
    *structural.DETECTORS,
    *lookalike.DETECTORS,
    *scamnames.DETECTORS,
    *lures.DETECTORS,
)

# Namespaces that say what a link asks the student to do (join, fill in, install), not who
# runs the site: an allowlisted domain keeps them, so a stranger's Zalo group invite still
# warns. Only an allow entry for that very URL (a school's own meeting link) silences them.
# `platform.*` reads the user's page on a platform whose own host may be allowlisted
# (sites.google.com/view/<bank>-xac-thuc is not Google's page).
LURE_NAMESPACES = frozenset({"invite", "form", "download", "platform"})


def subject_for(url: URL, index: Index) -> Subject:
    return Subject(url=url, match=index.match(url))


def assess_url(url: URL, index: Index, reference: Reference) -> Verdict:
    """Score one canonical URL with every detector."""
    return score(subject_for(url, index), reference)


def score(
    subject: Subject, reference: Reference, detectors: Sequence[Detector] = DETECTORS
) -> Verdict:
    signals = [signal for detect in detectors for signal in detect(subject, reference)]
    return combine(signals, match=subject.match)


def combine(signals: Iterable[Signal], *, match: Match | None = None) -> Verdict:
    """Weigh independent signals into one verdict.

    Scores combine like independent probabilities (noisy-OR): 60 and 30 give 72, never more
    than 100, and one decisive signal (a phishing block hit, 100) decides alone.
    """
    kept = _apply_allowlist(list(signals), match)
    kept = _dedupe(kept)
    remaining = 1.0
    for signal in kept:
        remaining *= 1.0 - min(max(signal.score, 0), 100) / 100.0
    total = round(100 * (1.0 - remaining))
    ordered = tuple(sorted(kept, key=lambda s: (-s.score, s.code)))
    suggestion = next((s.evidence["target"] for s in ordered if "target" in s.evidence), None)
    return Verdict(score=total, level=level_for(total), signals=ordered, suggestion=suggestion)


def _apply_allowlist(signals: list[Signal], match: Match | None) -> list[Signal]:
    if match is None or not match.allowed:
        return signals
    url_allowed = any("/" in hit.entry for hit in match.allow)
    return [
        s
        for s in signals
        if s.code == "allowlist.match" or (s.namespace in LURE_NAMESPACES and not url_allowed)
    ]


def _dedupe(signals: list[Signal]) -> list[Signal]:
    """One signal per (code, target): a host on three lists is one reason, not three."""
    seen: dict[tuple[str, str], Signal] = {}
    for signal in signals:
        key = (signal.code, signal.evidence.get("target", ""))
        best = seen.get(key)
        if best is None or signal.score > best.score:
            seen[key] = signal
    return list(seen.values())
