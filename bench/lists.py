"""List scale: load 1,000,000 domains + 200,000 URLs and match against them, side by side with a
plain Python `set` of the same lines built in the same run (each in its own process, so RSS is
clean). Targets: load within 10x and memory within 2.5x of the set. Then the same for the
lists a fresh checkout serves (blocklists/, with its feed snapshots): the service's full load
beside a `set` of the enabled lists' lines and beside its load of the reference data alone.

Run: .venv/bin/python bench/lists.py [--domains N] [--urls N]   (or: python -m bench lists)
"""

# ruff: noqa: E402 - the path fix below must run before the other imports

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on sys.path, where bench/http.py would shadow the
# standard library's `http`; the repository root takes its place (and makes `service` importable).
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

import argparse
import gc
import json
import os
import random
import string
import subprocess
import tempfile
import time

from bench._common import rate, table

TLDS = ("com", "net", "org", "vn", "com.vn", "top", "xyz", "info", "io", "shop")
ALPHABET = string.ascii_lowercase + string.digits
MANIFEST = """
[[list]]
name = "bench-domains"
file = "domains.txt"
format = "domains"
category = "phishing"
action = "block"
license = "CC0-1.0"

[[list]]
name = "bench-urls"
file = "urls.txt"
format = "urls"
category = "phishing"
action = "block"
license = "CC0-1.0"
"""


def _label(rnd: random.Random) -> str:
    return "".join(rnd.choices(ALPHABET, k=rnd.randint(4, 14)))


def _host(rnd: random.Random) -> str:
    host = f"{_label(rnd)}.{rnd.choice(TLDS)}"
    return f"{_label(rnd)}.{host}" if rnd.random() < 0.3 else host


def _url(rnd: random.Random) -> str:
    path = "/".join(_label(rnd) for _ in range(rnd.randint(1, 3)))
    query = f"?id={rnd.randint(1, 10**6)}" if rnd.random() < 0.3 else ""
    if rnd.random() < 0.02:  # some feed lines are not canonical yet: the slow path
        return f"HTTPS://WWW.{_host(rnd).upper()}/%7E{path}{query}"
    return f"https://{_host(rnd)}/{path}{query}"


def generate(directory: Path, domains: int, url_count: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    (directory / "lists.toml").write_text(MANIFEST)
    with (directory / "domains.txt").open("w") as f:
        f.write("# generated domains\n")
        f.writelines(f"{_host(rnd)}\n" for _ in range(domains))
    with (directory / "urls.txt").open("w") as f:
        f.writelines(f"{_url(rnd)}\n" for _ in range(url_count))


def _probes(directory: Path, n: int = 100_000, seed: int = 2) -> list[tuple[str, str]]:
    """(URL for ours, line for the set): a listed host, a listed URL, a subdomain of a listed
    host (a hit only for ours: the set knows exact lines) and an unlisted host, in turn."""
    rnd = random.Random(seed)
    hosts = (directory / "domains.txt").read_text().split("\n")[1:-1]
    listed_urls = (directory / "urls.txt").read_text().split("\n")[:-1]
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            host = rnd.choice(hosts)
            out.append((f"https://{host}/", host))
        elif kind == 1:
            url = rnd.choice(listed_urls)
            out.append((url, url))
        elif kind == 2:
            host = f"www.{rnd.choice(hosts)}"
            out.append((f"https://{host}/", host))
        else:
            url = f"https://{_host(rnd)}/{_label(rnd)}"
            out.append((url, url))
    return out


def _rss_kb(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(mode: str, directory: Path) -> dict[str, float]:
    """Measure one side in this (fresh) process and return the figures."""
    if mode == "ours":
        from service.core import urls
        from service.upkeep.loader import load_lists

        urls.parse("http://warm.up/")  # loads the public suffix data: not part of the lists

    def load_set() -> set[str]:
        lines: set[str] = set()
        for name in ("domains.txt", "urls.txt"):
            lines.update((directory / name).read_text().splitlines())
        return lines

    gc.collect()
    before = _rss_kb()
    start = time.perf_counter()
    if mode == "ours":
        lists = load_lists(directory)
        entries = len(lists.index)
    else:
        lines = load_set()
        entries = len(lines)
    load = time.perf_counter() - start
    gc.collect()
    after, peak = _rss_kb(), _rss_kb("VmHWM")
    for _ in range(2):  # the best of three loads: the machine may be busy with other work
        start = time.perf_counter()
        _ = load_lists(directory) if mode == "ours" else load_set()
        load = min(load, time.perf_counter() - start)
        del _
    probes = _probes(directory)  # only now: freed probe memory must not flatter the RSS delta
    if mode == "ours":
        parsed = [urls.parse(url) for url, _ in probes]  # untimed: the service parses once
        match = lists.index.match

        def lookups() -> int:
            hits = 0
            for url in parsed:
                hits += bool(match(url).block)
            return len(parsed)

        hit_rate = sum(bool(match(u).block) for u in parsed) / len(parsed)
    else:
        probe_lines = [line for _, line in probes]

        def lookups() -> int:
            hits = 0
            for line in probe_lines:
                hits += line in lines
            return len(probe_lines)

        hit_rate = sum(line in lines for line in probe_lines) / len(probe_lines)
    return {
        "load_s": load,  # best of three
        "rss_mb": (after - before) / 1024,
        "peak_mb": (peak - before) / 1024,
        "lookups_s": rate(lookups),
        "entries": entries,
        "hit_rate": hit_rate,
    }


def child_shipped(mode: str, directory: Path) -> dict[str, float]:
    """The shipped lists in this process: `set` of the enabled lists' lines, `ours` (the full
    load) or `reference` (load_lists with heuristics_only: the reference data, no lists)."""
    from service.core import urls
    from service.upkeep.files import read_manifest
    from service.upkeep.loader import load_lists

    urls.parse("http://warm.up/")
    files = [directory / spec.file for spec in read_manifest(directory).enabled]

    def load() -> int:
        if mode == "set":
            lines: set[str] = set()
            for path in files:
                lines.update(path.read_text(encoding="utf-8").splitlines())
            return len(lines)
        lists = load_lists(directory, heuristics_only=mode == "reference")
        return len(lists.index)

    gc.collect()
    before = _rss_kb()
    start = time.perf_counter()
    held = load()
    best = time.perf_counter() - start
    gc.collect()
    after, peak = _rss_kb(), _rss_kb("VmHWM")
    for _ in range(2):
        start = time.perf_counter()
        load()
        best = min(best, time.perf_counter() - start)
    return {"load_s": best, "rss_mb": (after - before) / 1024, "peak_mb": (peak - before) / 1024,
            "entries": held}


def _run_child(mode: str, directory: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(directory)],
        check=False, capture_output=True, text=True, env=env,
    )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"bench child {mode!r} failed:\n{out.stderr}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--domains", type=int, default=1_000_000)
    parser.add_argument("--urls", type=int, default=200_000)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.child:
        mode = args.child[0]
        measure = child_shipped if mode.startswith("shipped-") else child
        print(json.dumps(measure(mode.removeprefix("shipped-"), Path(args.child[1]))))
        return
    with tempfile.TemporaryDirectory(prefix="linkguard-bench-") as tmp:
        directory = Path(tmp)
        start = time.perf_counter()
        generate(directory, args.domains, args.urls)
        print(f"generated {args.domains:,} domains + {args.urls:,} URLs "
              f"in {time.perf_counter() - start:.1f}s")  # fmt: skip
        base = _run_child("set", directory)
        ours = _run_child("ours", directory)
    load_ratio = ours["load_s"] / base["load_s"]
    rss_ratio = ours["rss_mb"] / base["rss_mb"]
    table(
        "lists: load + memory + lookups (ours = parse, canonicalize, index, match())",
        [
            ("", "entries", "load s", "RSS MB", "peak MB", "lookups/s", "hit rate"),
            _row("plain set", base),
            _row("ours", ours),
            ("ours / set", "", f"{load_ratio:.2f}x", f"{rss_ratio:.2f}x",
             f"{ours['peak_mb'] / base['peak_mb']:.2f}x",
             f"{ours['lookups_s'] / base['lookups_s']:.3f}x", ""),
        ],
    )  # fmt: skip
    load_ok = "met" if load_ratio <= 10 else "MISSED"
    rss_ok = "met" if rss_ratio <= 2.5 else "MISSED"
    print(f"\ntargets: load <= 10x {load_ok} ({load_ratio:.2f}x); memory <= 2.5x {rss_ok} "
          f"({rss_ratio:.2f}x)")  # fmt: skip
    print(
        "note: set lookups are exact-string `in`; ours walk every host suffix and, when a URL "
        "entry exists under the host, the Safe Browsing expressions."
    )
    shipped()


def shipped() -> None:
    from service.settings import REPO_BLOCKLISTS

    base = _run_child("shipped-set", REPO_BLOCKLISTS)
    ours = _run_child("shipped-ours", REPO_BLOCKLISTS)
    ref = _run_child("shipped-reference", REPO_BLOCKLISTS)
    lists_rss = ours["rss_mb"] - ref["rss_mb"]
    table(
        "shipped lists (a fresh checkout: feed snapshots + local lists + reference data)",
        [
            ("", "entries", "load s", "RSS MB", "peak MB"),
            *((name, f"{int(r['entries']):,}", f"{r['load_s']:.2f}", f"{r['rss_mb']:.1f}",
               f"{r['peak_mb']:.1f}")
              for name, r in (("plain set of lines", base), ("ours, full load", ours),
                              ("ours, reference only", ref))),
            ("ours / set", "", f"{ours['load_s'] / base['load_s']:.1f}x",
             f"{ours['rss_mb'] / base['rss_mb']:.2f}x", ""),
            ("(ours - reference) / set", "",
             f"{(ours['load_s'] - ref['load_s']) / base['load_s']:.1f}x",
             f"{lists_rss / base['rss_mb']:.2f}x", ""),
        ],
    )  # fmt: skip


def _row(name: str, r: dict[str, float]) -> tuple[str, ...]:
    return (name, f"{int(r['entries']):,}", f"{r['load_s']:.2f}", f"{r['rss_mb']:.0f}",
            f"{r['peak_mb']:.0f}", f"{r['lookups_s']:,.0f}", f"{r['hit_rate']:.0%}")  # fmt: skip


if __name__ == "__main__":
    main()
