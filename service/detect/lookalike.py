"""Lookalike detectors: IDN rules, typosquats, target embedding, combosquats of protected brands.

The work is split by job: `confusables` (skeletons and keys), `idn` (which Unicode labels
deceive), `targets` (the protected brands, prepared once), `hostview` (one host, prepared once
per request), `typosquat` and `combosquat` (the matching). This module is the detector table
the scorer runs and the public face the loader and the CLI import.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from service.core.model import Detector, Reference, Signal, Subject
from service.detect import idn
from service.detect.combosquat import COMBOSQUAT, TARGET_EMBEDDING, find_combo, find_embedding
from service.detect.hostview import HostView, view_of
from service.detect.targets import (
    Brand,
    TargetTable,
    build_targets,
    build_targets_from_domains,
    parse_keywords,
)
from service.detect.typosquat import find_typosquat

__all__ = [
    "DETECTORS", "Brand", "TargetTable", "build_targets", "build_targets_from_domains",
    "parse_keywords",
]


def _view(subject: Subject, ref: Reference) -> tuple[HostView, TargetTable] | None:
    """The host's view and the protected targets, unless the host is one of theirs."""
    table = ref.targets
    if table is None:
        return None
    view = unowned_view(subject.url.host, subject.url.registrable, table)
    return None if view is None else (view, table)


@functools.lru_cache(maxsize=8192)  # three detectors ask for the same host in a row
def unowned_view(host: str, registrable: str, table: TargetTable) -> HostView | None:
    """The host's view, unless one of the protected brands owns the host."""
    view = view_of(host, registrable)
    if view is None or table.official_brand(view.host, view.registrable) is not None:
        return None
    return view


def _evidence(view: HostView, brand: Brand, **extra: str) -> dict[str, str]:
    return {"target": brand.suggestion(view.suffix_ascii), "brand": brand.name,
            "host": view.unicode_host, "site": view.site, **extra}


def detect_idn(subject: Subject, ref: Reference) -> Iterator[Signal]:
    """idn.*: Unicode labels a browser would refuse to display (no protected target needed).

    As Chromium's ShouldBlockBySpoofCheckResult, a one-character registrable label (τ.com)
    is shown as punycode by browsers but is not worth a warning.
    """
    host = subject.url.host
    if "xn--" not in host or len(idn.to_unicode(subject.url.registrable)[0].split(".")[0]) < 2:
        return
    shown, valid = idn.to_unicode(host)
    for code, label in idn.host_problems(host):
        yield Signal(code, idn.WEIGHTS[code], {"host": shown if valid else host, "label": label})


def detect_typosquat(subject: Subject, ref: Reference) -> Iterator[Signal]:
    """lookalike.{skeleton,homoglyph,split,tld_swap,edit_distance,char_swap}: the strongest."""
    found = _view(subject, ref)
    if found is not None:
        view, table = found
        hit = find_typosquat(view, table)
        if hit is not None:
            yield Signal(hit.code, hit.score, _evidence(view, hit.brand, label=view.label))


def detect_embedding(subject: Subject, ref: Reference) -> Iterator[Signal]:
    """lookalike.target_embedding: an official domain spelled inside another host."""
    found = _view(subject, ref)
    if found is not None:
        view, table = found
        hit = find_embedding(view, table)
        if hit is not None:
            evidence = _evidence(view, hit.embed.brand)
            evidence["target"] = hit.embed.domain
            yield Signal(TARGET_EMBEDDING, hit.score, evidence)


def detect_combosquat(subject: Subject, ref: Reference) -> Iterator[Signal]:
    """lookalike.combosquat: a brand name glued to lure words or digits in a new domain."""
    found = _view(subject, ref)
    if found is not None:
        view, table = found
        hit = find_combo(view, table)
        if hit is not None:
            yield Signal(COMBOSQUAT, hit.score,
                         _evidence(view, hit.brand, keyword=hit.word, kind=hit.kind))


DETECTORS: tuple[Detector, ...] = (
    detect_idn, detect_typosquat, detect_embedding, detect_combosquat,
)
