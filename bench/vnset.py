"""The Vietnamese development set: recall and false positives, train part beside held-out part.

Every heuristic detector of the service scores each host with no block or allow list (what a
never-listed domain gets). The baseline is the same run without the issue-12 name readers:
no scam lexicon, no platform table, no distinctive brands, the lure keywords alone. Only the
train part's misses and false alarms are printed: the held-out part stays unseen.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from pathlib import Path

from bench._common import ROOT, table
from service.core import urls
from service.core.errors import InvalidURL
from service.core.model import SUSPICIOUS_AT, Reference, Subject
from service.detect import scoring
from service.detect.lookalike import build_targets
from service.lists.index import Index

DATA = ROOT / "bench" / "data"
REFERENCE = ROOT / "blocklists" / "reference"
PARTS = ("train", "heldout")
_NO_LISTS = Index.empty()


def part_of(host: str) -> str:
    """bench/devset.py's split, applied to lists that do not carry it (the top 10k)."""
    return "train" if hashlib.sha256(host.encode()).digest()[0] % 10 < 7 else "heldout"


def _rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


def _subject(host: str) -> Subject | None:
    try:
        url = urls.parse(f"http://{host}/")
    except InvalidURL:
        return None
    return Subject(url=url, match=_NO_LISTS.match(url))


def baseline(ref: Reference) -> Reference:
    """The reference as it was before issue 12: the brand table with the lure keywords only."""
    targets = build_targets((REFERENCE / "protected.toml").read_text(encoding="utf-8"),
                            (REFERENCE / "lure-keywords.txt").read_text(encoding="utf-8"))
    return dataclasses.replace(ref, targets=targets, lexicon=None, platforms=None)


def _flags(hosts: Iterable[str], ref: Reference) -> dict[str, tuple[bool, str]]:
    out = {}
    for host in hosts:
        subj = _subject(host)
        if subj is None:
            continue
        verdict = scoring.score(subj, ref)
        out[host] = (verdict.score >= SUSPICIOUS_AT, ",".join(s.code for s in verdict.signals))
    return out


def report(ref: Reference, show: int) -> None:
    tbl = ref.targets
    assert tbl is not None
    sets: dict[tuple[str, str], list[str]] = {}
    for host, group, part, *_ in _rows(DATA / "vn-devset.txt"):
        sets.setdefault((group, part), []).append(host)
    for host, part in _rows(DATA / "vn-popular.txt"):
        sets.setdefault(("vn-popular", part), []).append(host)
    for line in (DATA / "top-10k-domains.txt").read_text(encoding="utf-8").split():
        reg = urls.registrable_domain(line)
        if tbl.official_brand(line, reg) is None:
            sets.setdefault(("top-10k", part_of(line)), []).append(line)
    hosts = {h for members in sets.values() for h in members}
    ours, before = _flags(hosts, ref), _flags(hosts, baseline(ref))

    def rate(flags: dict[str, tuple[bool, str]], members: list[str]) -> str:
        known = [h for h in members if h in flags]
        hit = sum(flags[h][0] for h in known)
        value = 100 * hit / len(known) if known else 0.0
        return f"{value:.2f}% ({hit})" if value < 1 else f"{value:.1f}% ({hit})"

    rows = [("set", "kind", "train n", "train ours", "train baseline", "held-out n",
             "held-out ours", "held-out baseline")]
    for group, kind in (("brand", "recall"), ("words", "recall"), ("vn-popular", "false pos."),
                        ("top-10k", "false pos.")):
        train, held = sets.get((group, "train"), []), sets.get((group, "heldout"), [])
        rows.append((group, kind, str(len(train)), rate(ours, train), rate(before, train),
                     str(len(held)), rate(ours, held), rate(before, held)))
    table("Vietnamese development set: every heuristic, no lists (flagged = score >= 30); "
          "baseline = without the scam lexicon, platforms and distinctive brands", rows)
    for group, want in (("brand", False), ("words", False), ("vn-popular", True),
                        ("top-10k", True)):
        listed = [f"{h} {ours[h][1]}" for h in sets.get((group, "train"), [])
                  if h in ours and ours[h][0] == want]
        label = "false positives" if want else "misses"
        print(f"train {group} {label} ({len(listed)}):", *listed[:show], sep="\n  ")
