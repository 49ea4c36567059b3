"""Offline check throughput: canonicalize + expressions + index + heuristics, against a
baseline of plain `urlsplit` + tldextract on the same URLs, measured in the same run; and
canonicalization against gglsbl, a pure-Python Safe Browsing client (installed by `make bench`).

Run: .venv/bin/python -m bench.check
"""

from __future__ import annotations

import random
from urllib.parse import urlsplit

import tldextract

from bench._common import rate, table
from service.core import urls
from service.detect import scoring
from service.settings import REPO_BLOCKLISTS
from service.upkeep.loader import load_lists


def sample_urls(n: int = 5000, seed: int = 7) -> list[str]:
    """A mix like students' links: plain sites, deep paths, queries, IDN, IPs, shorteners."""
    rnd = random.Random(seed)
    hosts = ["www.google.com", "facebook.com", "vnexpress.net", "zalo.me", "bit.ly",
             "shopee-svip.top", "vietcombank-xacminh.com", "m.youtube.com", "192.168.1.10",
             "xn--fcebook-8va.com", "garena.vn", "login.a.b.c.example.co.uk", "tiki.vn"]
    paths = ["/", "/index.html", "/a/b/c/d.php", "/g/abc123", "/login?next=%2Fhome",
             "/%7Euser/../x//y/./z", "/watch?v=dQw4w9WgXcQ&t=10"]
    out = []
    for i in range(n):
        h = rnd.choice(hosts)
        scheme = rnd.choice(("http", "https", ""))
        prefix = f"{scheme}://" if scheme else ""
        out.append(f"{prefix}{h}{rnd.choice(paths)}{'#frag' if i % 5 == 0 else ''}")
    return out


def main() -> None:
    inputs = sample_urls()
    lists = load_lists(REPO_BLOCKLISTS)
    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def ours() -> int:
        for raw in inputs:
            url = urls.parse(raw)
            scoring.assess_url(url, lists.index, lists.reference)
        return len(inputs)

    def ours_canonicalize() -> int:
        for raw in inputs:
            urls.canonicalize(raw)
        return len(inputs)

    def baseline() -> int:
        for raw in inputs:
            parts = urlsplit(raw if "://" in raw else "http://" + raw)
            extract(parts.hostname or "")
        return len(inputs)

    def ours_expressions() -> int:
        for raw in inputs:
            urls.expressions(raw)
        return len(inputs)

    base = rate(baseline)
    full = rate(ours)
    canon = rate(ours_canonicalize)
    table("Offline check throughput (URLs/s, one core)", [
        ("what", "URLs/s", "vs urlsplit+tldextract"),
        ("baseline: urlsplit + tldextract", f"{base:,.0f}", "1.00x"),
        ("canonicalize only", f"{canon:,.0f}", f"{canon / base:.2f}x"),
        ("full offline check (all detectors)", f"{full:,.0f}", f"{full / base:.2f}x"),
    ])
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from gglsbl.protocol import URL as GglsblURL
    except ImportError:
        print("  (gglsbl not installed: pip install -e '.[bench]' for the Safe Browsing baseline)")
        return

    def gglsbl_canonicalize() -> int:
        for raw in inputs:
            _ = GglsblURL(raw).canonical
        return len(inputs)

    def gglsbl_expressions() -> int:
        for raw in inputs:
            u = GglsblURL(raw)
            list(u.url_permutations(u.canonical))
        return len(inputs)

    g_canon = rate(gglsbl_canonicalize)
    canon = rate(ours_canonicalize)
    g_expr = rate(gglsbl_expressions)
    expr = rate(ours_expressions)
    table("Safe Browsing steps vs gglsbl (pure-Python client), URLs/s", [
        ("step", "gglsbl", "ours", "ours / gglsbl"),
        ("canonicalize", f"{g_canon:,.0f}", f"{canon:,.0f}", f"{canon / g_canon:.2f}x"),
        ("canonicalize + expressions", f"{g_expr:,.0f}", f"{expr:,.0f}", f"{expr / g_expr:.2f}x"),
    ])


if __name__ == "__main__":
    main()
