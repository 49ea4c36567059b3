"""Write a shipped feed snapshot: a copy of a feed, screened as `lists update` screens it, and more.

Maintainers run it when they refresh the snapshots committed in `blocklists/feeds/` (a fresh
checkout serves them until the service's first scheduled update):

    .venv/bin/python scripts/snapshot_feed.py phishing-database /tmp/phishing-domains.txt

The input is the feed's file as published (taken from the public mirror named in the list's
`snapshot_from`). It is screened by the guards of `linkguard lists update` (public suffixes,
protected targets, allowlisted sites) and, for the snapshot only, against the popular domains
of `bench/data/top-10k-domains.txt`: an entry that is such a domain, its `www.` name or a parent
of one is dropped, and so are unreadable lines (that file is measurement data and is not
shipped, so the service itself cannot apply this screen to later downloads). Then set
`snapshot` and `snapshot_from` in the manifest and record the source in docs/lists.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.lists.entries import iter_list
from service.lists.formats import URL, Report
from service.settings import REPO_BLOCKLISTS
from service.upkeep import files
from service.upkeep.curate import Screening, size_problem, suffixes_of
from service.upkeep.edits import filter_lines
from service.upkeep.updater import load_guard

ROOT = Path(__file__).resolve().parent.parent
POPULAR = ROOT / "bench" / "data" / "top-10k-domains.txt"


def popular_names() -> frozenset[str]:
    """Every popular domain, its `www.` name and every parent of one."""
    names: set[str] = set()
    for line in POPULAR.read_text(encoding="utf-8").splitlines():
        domain = line.strip().lower()
        if domain:
            names.update(suffixes_of(domain))
            names.add("www." + domain)
    return frozenset(names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("name", help="the list's name in blocklists/lists.toml")
    parser.add_argument("input", type=Path, help="the feed file as published")
    parser.add_argument("--lists-dir", type=Path, default=REPO_BLOCKLISTS)
    args = parser.parse_args(argv)
    manifest = files.read_manifest(args.lists_dir)
    spec = manifest.get(args.name)
    if spec is None or not spec.source:
        print(f"{args.name!r} is not a feed (a list with a source) in the manifest",
              file=sys.stderr)
        return 2
    data = args.input.read_bytes()
    report = Report(keep=1_000_000)  # every bad line, to leave it out of the snapshot
    screening = Screening(load_guard(args.lists_dir, manifest))
    screening.feed(iter_list(data, spec.format, report))
    popular = popular_names()
    drop = screening.drop_lines
    dropped_popular = 0
    for key, flags, line in iter_list(data, spec.format):
        host = key.partition("/")[0] if flags & URL else key
        if host in popular and (not flags & URL or "/" not in key.rstrip("/")):
            drop.setdefault(line, set()).add(key)
            screening.kept.discard(key)
            dropped_popular += 1
    for error in report.errors:  # a snapshot loads without errors (tests/test_loader.py)
        drop.setdefault(error.line, set())
    problem = size_problem(spec, len(screening.kept), None, report.error_count)
    if problem is not None:
        print(f"refused: {problem}", file=sys.stderr)
        return 1
    out = filter_lines(data, drop, spec.format)
    files.write_atomic(files.list_path(args.lists_dir, spec), out, keep_previous=False)
    print(f"{spec.name}: {len(screening.kept)} entries written to {spec.file}; dropped "
          f"{dict(screening.counts)} by the update guards, {dropped_popular} popular; "
          f"{report.error_count} unreadable lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
