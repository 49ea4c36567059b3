"""Lookalike detection quality and speed, beside two baselines measured in the same run.

Positives: every dnstwist permutation (in process, no DNS) of every protected target's domain,
and the hand-written combosquats in bench/data/combosquats.txt. Negatives: 10,000 popular
domains (bench/data/top-10k-domains.txt) minus the protected brands' own official domains.
Baselines: exact membership in the dnstwist permutation set, and MetaMask's rule (Levenshtein
distance <= 1 between the registrable label and a brand name).

The Vietnamese development set (bench/data/vn-devset.txt, vn-popular.txt, built by
bench/devset.py from public feeds, never ChongLuaDao or hostsVN) is scored by every heuristic
detector of the service with no block or allow list, on its train part (tuned on) and its
held-out part (never looked at while tuning), beside the same detectors without the issue-12
name readers (scam lexicon, platforms, distinctive brands) as a baseline.

Run: .venv/bin/python bench/lookalike.py [--show N]   (N = false positives / misses listed)
"""

from __future__ import annotations

import collections
import gc
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repo root replaces bench/ on the path,
    # where bench/http.py would shadow the standard library's http package.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import dnstwist
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bench import vnset
from bench._common import ROOT, table
from service.core import urls
from service.core.errors import InvalidURL
from service.core.model import (
    DANGEROUS_AT,
    SUSPICIOUS_AT,
    Detector,
    Reference,
    Signal,
    Subject,
)
from service.detect import confusables, hostview, idn, lookalike, scamnames, wordsplit
from service.detect.targets import TargetTable
from service.lists.index import Index
from service.upkeep.loader import load_lists

DATA = ROOT / "bench" / "data"
REFERENCE = ROOT / "blocklists" / "reference"
# TLDs scam sites move a brand to (dnstwist's tld-swap fuzzer needs a dictionary).
SWAP_TLDS = ("com", "net", "org", "info", "vn", "com.vn", "top", "xyz", "vip", "online", "site",
             "club", "shop", "app", "cc", "live", "me", "icu", "io", "co")
NAMESPACES = ("lookalike.", "idn.")


@dataclass(frozen=True, slots=True)
class Case:
    domain: str
    group: str  # dnstwist fuzzer name, "combosquat", or "legitimate"
    brand: str


NAME_DETECTORS = (*lookalike.DETECTORS, *scamnames.DETECTORS)


def load_reference() -> Reference:
    """The reference data exactly as the service loads it (heuristics only: no lists)."""
    return load_lists(ROOT / "blocklists", heuristics_only=True).reference


def load_table() -> TargetTable:
    table = load_reference().targets
    assert table is not None
    return table


def permutations(tbl: TargetTable) -> list[Case]:
    """dnstwist's permutations of each brand's primary domain (its registrable domain when the
    primary is a subdomain, as for Free Fire's ff.garena.vn)."""
    seen: dict[str, Case] = {}
    for brand in tbl.brands:
        domain = urls.registrable_domain(brand.primary)
        fuzzer = dnstwist.Fuzzer(domain, tld_dictionary=list(SWAP_TLDS))
        fuzzer.generate()
        for perm in fuzzer.permutations():
            name = perm["domain"]
            if perm["fuzzer"] != "*original" and name and name not in seen:
                seen[name] = Case(name, perm["fuzzer"], brand.name)
    return list(seen.values())


def lines(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip().lower()
        if text:
            out.append(text)
    return out


_NO_LISTS = Index.empty()


def subject(domain: str) -> Subject | None:
    try:
        url = urls.parse(f"http://{domain}/")
    except InvalidURL:
        return None
    return Subject(url=url, match=_NO_LISTS.match(url))


def combined(signals: Iterable[Signal]) -> int:
    """The scorer's noisy-OR over the lookalike signals alone."""
    remaining = 1.0
    for signal in signals:
        remaining *= 1 - signal.score / 100
    return round(100 * (1 - remaining))


def clear_caches() -> None:
    for fn in (confusables.skeletons, confusables.visual_keys, confusables.glyph_key,
               idn.to_unicode, idn.label_problem, hostview.view_of, lookalike.unowned_view):
        fn.cache_clear()
    wordsplit._splits.cache_clear()


def run_detectors(subjects: list[Subject], ref: Reference, passes: int = 3,
                  detectors: tuple[Detector, ...] = NAME_DETECTORS,
                  ) -> tuple[list[list[Signal]], float, float]:
    """Every detector over every subject with cold caches; the best of `passes` passes (the
    machine may be shared), with the signals of the last one. Seconds of wall clock and of
    this process's CPU (the latter does not count time other processes held the core)."""
    best, best_cpu = float("inf"), float("inf")
    out: list[list[Signal]] = []
    for _ in range(passes):
        clear_caches()
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        out = [[s for detect in detectors for s in detect(subj, ref)] for subj in subjects]
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return out, best, best_cpu


def levenshtein_speed(subjects: list[Subject], rule: Callable[[Subject], bool]) -> float:
    """Seconds of CPU the MetaMask baseline takes over the same subjects (best of three)."""
    best = float("inf")
    for _ in range(3):
        cpu = time.process_time()
        for subj in subjects:
            rule(subj)
        best = min(best, time.process_time() - cpu)
    return best


def levenshtein_rule(tbl: TargetTable) -> Callable[[Subject], bool]:
    """MetaMask eth-phishing-detect's fuzzy rule at tolerance 1: label within distance 1."""
    names = sorted({token for brand in tbl.brands for token in brand.tokens})

    def flagged(subj: Subject) -> bool:
        url = subj.url
        if tbl.official_brand(url.host, url.registrable) is not None:
            return False
        label = url.registrable.split(".", 1)[0]
        return process.extractOne(label, names, scorer=Levenshtein.distance,
                                  score_cutoff=1) is not None
    return flagged


def pct(part: int, whole: int) -> str:
    """A percentage, with two decimals below 1% (false-positive rates live there)."""
    if not whole:
        return "-"
    value = 100 * part / whole
    return f"{value:.2f}%" if value < 1 else f"{value:.1f}%"


def main() -> None:
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 15
    ref = load_reference()
    tbl = ref.targets
    assert tbl is not None
    started = time.perf_counter()
    typos = permutations(tbl)
    generation = time.perf_counter() - started
    perm_set = {case.domain for case in typos}
    combos = [Case(d, "combosquat", "") for d in lines(DATA / "combosquats.txt")]
    legit = [Case(d, "legitimate", "") for d in lines(DATA / "top-10k-domains.txt")]

    cases, subjects, dropped = [], [], collections.Counter()
    for case in (*typos, *combos, *legit):
        subj = subject(case.domain)
        if subj is None:
            dropped["unparseable " + case.group] += 1
        elif tbl.official_brand(subj.url.host, subj.url.registrable) is not None:
            dropped["official " + ("legitimate" if case.group == "legitimate" else "positive")] += 1
        else:
            cases.append(case)
            subjects.append(subj)
    signals, seconds, cpu = run_detectors(subjects, ref)
    _, _, cpu_lookalike = run_detectors(subjects, ref, detectors=lookalike.DETECTORS)
    flagged = [combined(s) >= SUSPICIOUS_AT for s in signals]
    dangerous = [combined(s) >= DANGEROUS_AT for s in signals]
    lev = levenshtein_rule(tbl)
    lev_flags = [lev(s) for s in subjects]
    cpu_lev = levenshtein_speed(subjects, lev)
    exact_flags = [c.domain in perm_set for c in cases]

    groups: dict[str, list[int]] = collections.defaultdict(list)
    for i, case in enumerate(cases):
        groups[case.group].append(i)
    typo_idx = [i for i, c in enumerate(cases) if c.group not in ("combosquat", "legitimate")]
    combo_idx, legit_idx = groups["combosquat"], groups["legitimate"]

    def rate(flags: list[bool], idx: list[int]) -> str:
        return pct(sum(flags[i] for i in idx), len(idx))

    rows = [("set", "n", "ours flagged", "ours dangerous", "exact dnstwist set", "Levenshtein<=1")]
    for name, idx in (("typosquats (all dnstwist)", typo_idx), ("combosquats (table)", combo_idx),
                      ("legitimate (FP rate)", legit_idx)):
        rows.append((name, str(len(idx)), rate(flagged, idx), rate(dangerous, idx),
                     rate(exact_flags, idx), rate(lev_flags, idx)))
    table("Recall and false positives (flagged = lookalike/idn signals reach 'suspicious')", rows)

    by_fuzzer = [("dnstwist fuzzer", "n", "ours", "Levenshtein<=1")]
    macro = []
    for name in sorted(g for g in groups if g not in ("combosquat", "legitimate")):
        idx = groups[name]
        macro.append(sum(flagged[i] for i in idx) / len(idx))
        by_fuzzer.append((name, str(len(idx)), rate(flagged, idx), rate(lev_flags, idx)))
    by_fuzzer.append(("macro average", "", f"{100 * sum(macro) / len(macro):.1f}%", ""))
    table("Typosquat recall per dnstwist fuzzer", by_fuzzer)

    codes = sorted({s.code for sigs in signals for s in sigs})
    per_code = [("signal code", "typosquats", "combosquats", "legitimate")]
    for code in codes:
        hit = [any(s.code == code for s in sigs) for sigs in signals]
        per_code.append((code, rate(hit, typo_idx), rate(hit, combo_idx), rate(hit, legit_idx)))
    table("Recall per detector (share of each set where the code fired)", per_code)

    n = len(subjects)
    table("Speed (one core, caches cold, best of 3 passes; CPU = this process's CPU time)", [
        ("what", "domains", "wall s", "CPU s", "domains/s (wall)", "domains/s (CPU)"),
        ("lookalike + idn + scam-name + platform detectors", str(n), f"{seconds:.2f}",
         f"{cpu:.2f}", f"{n / seconds:,.0f}", f"{n / cpu:,.0f}"),
        ("baseline: lookalike + idn detectors only", str(n), "", f"{cpu_lookalike:.2f}", "",
         f"{n / cpu_lookalike:,.0f}"),
        ("baseline: Levenshtein<=1 (MetaMask rule)", str(n), "", f"{cpu_lev:.2f}", "",
         f"{n / cpu_lev:,.0f}"),
        ("(dnstwist generating the positives)", str(len(typos)), f"{generation:.2f}", "", "", ""),
    ])
    vnset.report(ref, show)
    print("\nexcluded:", dict(dropped))
    fps = [cases[i].domain + " " + ",".join(s.code for s in signals[i])
           for i in legit_idx if flagged[i]]
    print(f"false positives ({len(fps)}):", *fps[:show], sep="\n  ")
    misses = [cases[i].domain for i in combo_idx if not flagged[i]]
    print(f"combosquats missed ({len(misses)}):", *misses[:show], sep="\n  ")
    missed_typos = collections.Counter(cases[i].group for i in typo_idx if not flagged[i])
    print("typosquats missed by fuzzer:", dict(missed_typos))


if __name__ == "__main__":
    main()
