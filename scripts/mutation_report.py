"""Print the mutation scores of `make mutate` per area, the survivors, and check the protections.

Reads mutmut's results (`mutmut results --all true`, run in the repository root) for the pure core
and Stryker's JSON report for the extension. Exit status 1 when a mutant of a listed protection
survived, or an area is under its target; docs/testing.md explains how to read a survivor.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STRYKER_REPORTS = ROOT / "reports/mutation"  # stryker*.json: one run, or a run in parts
SURVIVORS_FILE = ROOT / "reports/mutation/survivors.txt"

# Area -> (prefix of the mutant name or file path, target share of mutants killed).
PY_AREAS = {"service/core": "service.core.", "service/lists": "service.lists.",
            "service/detect": "service.detect."}
PY_TARGET = 0.85
JS_AREAS = {"extension/lib": "extension/lib/", "extension/ui (warning page)": "extension/ui/"}
JS_TARGET = 0.80

# The protections issue 17 lists: no mutant of these may survive.
PY_PROTECTED = (
    "service.detect.scoring.x_combine__", "service.detect.scoring.x__apply_allowlist__",
    "service.detect.scoring.x__dedupe__", "service.lists.index.xǁMatchǁblocked__",
    "service.lists.index.xǁMatchǁallowed__",
)
JS_PROTECTED = {  # file -> functions whose mutants must all be killed
    "extension/ui/common.js": ("el", "renderUrl"),
    "extension/ui/warning.js": ("renderReasons", "renderRedirects", "renderSuggestion",
                                "sendReport"),
    "extension/lib/urldisplay.js": ("describeUrl",),
}

PY_DETECTED = {"killed", "timeout", "segfault", "caught by type check"}
PY_UNCOUNTED = {"not checked", "skipped"}  # not run (time bound) or excluded on purpose
JS_DETECTED = {"Killed", "Timeout"}
JS_UNCOUNTED = {"CompileError", "RuntimeError", "Ignored", "Pending"}


def mutmut_results() -> dict[str, str]:
    """Mutant name -> status, from the mutmut run in this checkout (empty when there is none)."""
    if not (ROOT / "mutants").is_dir():
        return {}
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"],
                         cwd=ROOT, capture_output=True, text=True, check=False).stdout
    found = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep:
            found[name] = status
    return found


def function_spans(path: Path, names: tuple[str, ...]) -> list[tuple[int, int]]:
    """(first, last) line of each named top-level function: from its line to the next `}`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    spans = []
    for name in names:
        start = next(i for i, line in enumerate(lines, 1)
                     if re.match(rf"(export )?(async )?function {name}\(", line))
        end = next(i for i, line in enumerate(lines, 1) if i > start and line == "}")
        spans.append((start, end))
    return spans


def stryker_results() -> list[tuple[str, int, str, str]]:
    """(file, line, status, description) per mutant of the last Stryker run(s): the JSON report
    of a finished run, else what a stopped run's progress file (stryker-progress*.jsonl) holds."""
    seen: dict[tuple[str, str], tuple[int, str, str]] = {}  # (file, mutant id) -> row
    reports: dict[str, list[dict[str, object]]] = {}  # file -> mutants of its latest report
    for path in sorted(STRYKER_REPORTS.glob("stryker*.json"), key=lambda p: p.stat().st_mtime):
        for file, data in json.loads(path.read_text(encoding="utf-8"))["files"].items():
            where = Path(file)
            rel = (where.relative_to(ROOT) if where.is_absolute() else where).as_posix()
            reports[rel] = data["mutants"]
    for rel, mutants in reports.items():
        for m in mutants:
            what = f"{m['mutatorName']}: {m.get('replacement', '')!r}"
            seen[(rel, str(m["id"]))] = (m["location"]["start"]["line"], m["status"], what)
    finished = {key[0] for key in seen}
    for path in sorted(STRYKER_REPORTS.glob("stryker-progress*.jsonl")):
        for text in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(text)
            if row["file"] not in finished:  # a stopped run: only files no finished report has
                key = (row["file"], str(row.get("id", f"{row['line']}:{row['column']}")))
                seen[key] = (row["line"], row["status"],
                             f"{row['mutator']}: {row['replacement']!r}")
    return [(file, line, status, what) for (file, _), (line, status, what) in seen.items()]


def score(statuses: list[str], detected: set[str], uncounted: set[str]) -> tuple[int, int, int]:
    counted = [s for s in statuses if s not in uncounted]
    return sum(s in detected for s in counted), len(counted), len(statuses) - len(counted)


def line(area: str, killed: int, total: int, skipped: int, target: float) -> tuple[str, bool]:
    if total == 0:  # nothing of this area ran within the time bound: no figure, no verdict
        return f"  {area:<30}  none of its {skipped} mutants run yet", True
    share = killed / total
    ok = share >= target
    note = f", {skipped} not run" if skipped else ""
    return (f"  {area:<30} {killed:>5} / {total:<5} killed  {100 * share:5.1f} %"
            f"  (target {100 * target:.0f} %{note}) {'ok' if ok else 'UNDER TARGET'}", ok)


def main() -> int:
    failed = False
    survivors: list[tuple[str, str, str]] = []  # (status, module or file, what to look at)
    py = mutmut_results()
    print("Pure core (mutmut):" if py else "Pure core: no mutmut results (run make mutate)")
    for area, prefix in PY_AREAS.items():
        statuses = [s for name, s in py.items() if name.startswith(prefix)]
        if statuses:
            text, ok = line(area, *score(statuses, PY_DETECTED, PY_UNCOUNTED), PY_TARGET)
            print(text)
            failed |= not ok
    if py:
        text, _ = line("all of the pure core", *score(list(py.values()), PY_DETECTED,
                                                      PY_UNCOUNTED), PY_TARGET)
        print(text)
    for name, status in sorted(py.items()):
        if status not in PY_DETECTED | PY_UNCOUNTED:
            survivors.append((status, name.rsplit(".x", 1)[0], f"mutmut show {name}"))
    protected = [n for n, s in py.items() if n.startswith(PY_PROTECTED)
                 and s not in PY_DETECTED | PY_UNCOUNTED]

    js = stryker_results()
    print("Extension (Stryker):" if js else "Extension: no Stryker report (run make mutate)")
    for area, prefix in JS_AREAS.items():
        statuses = [s for file, _, s, _ in js if file.startswith(prefix)]
        if statuses:
            text, ok = line(area, *score(statuses, JS_DETECTED, JS_UNCOUNTED), JS_TARGET)
            print(text)
            failed |= not ok
    spans = {file: function_spans(ROOT / file, names) for file, names in JS_PROTECTED.items()}
    for file, at, status, what in sorted(js):
        if status in JS_DETECTED | JS_UNCOUNTED:
            continue
        survivors.append((status, file, f"{file}:{at}  {what}"))
        if any(a <= at <= b for a, b in spans.get(file, ())):
            protected.append(f"{file}:{at}  {what}")

    by_module = Counter(where for _, where, _ in survivors)
    print(f"Survivors: {len(survivors)} (every one in {SURVIVORS_FILE.relative_to(ROOT)})")
    for module, n in by_module.most_common():
        print(f"  {n:>4}  {module}")
    SURVIVORS_FILE.parent.mkdir(parents=True, exist_ok=True)
    SURVIVORS_FILE.write_text(
        "".join(f"{status:<10}  {what}\n" for status, _, what in survivors), encoding="utf-8"
    )
    if protected:
        print("Survivors among the listed protections (must be none):")
        for item in protected:
            print(f"  {item}")
        failed = True
    else:
        print("Survivors among the listed protections: none")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
