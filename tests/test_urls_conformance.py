"""Safe Browsing canonicalization and lookup vectors (see tests/data/conformance/README.md)."""

from __future__ import annotations

import codecs
import csv
import json
from pathlib import Path

import pytest

from service.core import urls
from service.core.errors import InvalidURL

DATA = Path(__file__).parent / "data" / "conformance"


def _tsv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _json(name: str) -> dict[str, object]:
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _input(row: dict[str, str]) -> str | bytes:
    """escaped=1 rows hold raw bytes as Python escapes (README)."""
    if row.get("escaped") == "1":
        return codecs.decode(row["input"], "unicode_escape").encode("latin-1")
    return row["input"]


def _ids(rows: list[dict[str, str]], key: str = "input") -> list[str]:
    # no "::" inside a node id: pytest could not be given it on the command line (make mutate)
    return [f"{i}:{row[key][:40]!r}".replace("::", "..") for i, row in enumerate(rows)]


CANON = _tsv("sb_canonicalization.tsv")
COMPONENTS = _tsv("sb_canonicalization_components.tsv")
VARIANTS = _tsv("sb_canonicalization_variants.tsv")
IPS = _tsv("sb_ip_canonicalization.tsv")
EXPRESSIONS = _json("sb_expressions.json")
LOOKUPS = _json("sb_lookup_hosts_paths.json")
LOOKUP_HOSTS = LOOKUPS["hosts"]
LOOKUP_PATHS = LOOKUPS["paths"]
assert isinstance(LOOKUP_HOSTS, dict) and isinstance(LOOKUP_PATHS, dict)

# The only vector inputs the service's default (strict) mode refuses, and why. For every other
# vector, strict and the bare spec algorithm give the same answer (test_strict_mode_...).
STRICT_REFUSALS = {
    "http://host%23.com/%257Ea%2521b%2540c%2523d%2524e%25f%255E00%252611%252A22%252833%252944_55%252B":
        "'#' in the host",
    "http://\\x01\\x80.com/": "control byte and invalid UTF-8 in the host",
    "http:// leadingspace.com/": "space in the host",
    "http://%20leadingspace.com/": "space in the host",
    "%20leadingspace.com/": "space in the host",
    "http://google^.com/": "'^' in the host",
    "ftp://ftp.myfiles.com:21/": "ftp is not checked",
    "ftp://host.com?q": "ftp is not checked",
    "ftp://host.com/foo?bar": "ftp is not checked",
    "http://some%1Bhost.com/%1B": "ESC in the host",
    "http://W!eird<>Ho$^.com/": "'!<>$^' in the host",
    "http://test%00\\x00.com/": "NUL bytes",
    "http://host%3e.com//twoslashes?more//slashes": "'>' in the host",
    "http://host%3e.com/abc/%2e%2e%2fdef": "'>' in the host",
}

# Go's generateLookupHosts keeps up to 7 host labels; the v4 spec tries at most 5 hosts: the
# host itself and up to 4 suffixes "starting with the last five components".
GO_SEVEN_LABEL_CASES = {
    "http://a.b.c.d.e.f.g.h.i/",
    "https://a.b.c.d.e.f.g.h.i/",
    "a.b.c.d.e.f.g.h.i/",
    "http://a.b.c.d.e.f.kita.tokyo.jp",
}

# What the v4 spec gives for each variant row (each client there disagrees with the spec).
SPEC_FORM_OF_VARIANT = {
    "http://www.gotaport.com:1234/": "http://www.gotaport.com/",
    "http://www.google.com:443/": "http://www.google.com/",
    "http://www.google.com/q?": "http://www.google.com/q?",
    "http://www.google.com/q?r?": "http://www.google.com/q?r?",
    "http://www.google.com/q?r?s": "http://www.google.com/q?r?s",
    "http://evil.com/foo?bar;": "http://evil.com/foo?bar;",
    "http://www.google.com/q?r?s%3F": "http://www.google.com/q?r?s?",
    "http://some%1bhost.com/%1b": "http://some%1Bhost.com/%1B",
}


@pytest.mark.parametrize("row", CANON, ids=_ids(CANON))
def test_canonicalization(row: dict[str, str]) -> None:
    if not row["expected"]:
        with pytest.raises(InvalidURL):
            urls.canonicalize(_input(row), strict=False)
    else:
        assert urls.canonicalize(_input(row), strict=False) == row["expected"]


@pytest.mark.parametrize("row", CANON + COMPONENTS, ids=_ids(CANON + COMPONENTS))
def test_strict_mode_refuses_only_the_listed_hosts(row: dict[str, str]) -> None:
    url = _input(row)
    try:
        spec = urls.canonicalize(url, strict=False)
    except InvalidURL:
        spec = None
    if row["input"] in STRICT_REFUSALS:
        assert spec is not None  # the bare algorithm takes it, strict mode must not
        with pytest.raises(InvalidURL):
            urls.canonicalize(url)
    elif spec is None:
        with pytest.raises(InvalidURL):
            urls.canonicalize(url)
    else:
        assert urls.canonicalize(url) == spec


@pytest.mark.parametrize("row", COMPONENTS, ids=_ids(COMPONENTS))
def test_components(row: dict[str, str]) -> None:
    host, path, query = row["expected_host"], row["expected_path"], row["expected_query"]
    if not (host or path or query):
        with pytest.raises(InvalidURL):
            urls.parse(row["input"], strict=False)
        return
    parsed = urls.parse(row["input"], strict=False)
    if host != "*":
        assert parsed.host == host
    if path != "*":
        assert parsed.path == path
    if query != "*":  # Chromium reports "" both for no query and for a bare "?"
        assert (parsed.query or "") == query


@pytest.mark.parametrize("row", VARIANTS, ids=_ids(VARIANTS))
def test_variants_follow_the_spec_not_that_client(row: dict[str, str]) -> None:
    ours = urls.canonicalize(row["input"], strict=False)
    assert ours != row["expected_by_that_client"]
    assert ours == SPEC_FORM_OF_VARIANT[row["input"]]


@pytest.mark.parametrize("row", IPS, ids=_ids(IPS, "input_host"))
def test_ip_canonicalization(row: dict[str, str]) -> None:
    assert urls.canonical_ipv4(row["input_host"]) == (row["expected_ipv4_or_empty"] or None)


def _host_of(expression: str) -> str:
    return expression.split("/", 1)[0]


def _labels(host: str) -> int:
    return host.count(".") + 1


def _spec_hosts(url: str, hosts: set[str]) -> set[str]:
    """Drop what Go adds beyond the spec: suffixes of 6 or 7 labels (the host itself stays)."""
    exact = urls.parse(url).host
    kept = {h for h in hosts if h == exact or _labels(h) <= 5}
    assert {_labels(h) for h in hosts - kept} == {6, 7}
    return kept


@pytest.mark.parametrize("url", list(EXPRESSIONS))
def test_expressions(url: str) -> None:
    expected = EXPRESSIONS[url]
    assert isinstance(expected, list)
    want = set(expected)
    if url in GO_SEVEN_LABEL_CASES:
        hosts = _spec_hosts(url, {_host_of(e) for e in want})
        want = {e for e in want if _host_of(e) in hosts}
    got = urls.expressions(url)
    assert len(got) == len(set(got))
    assert set(got) == want


@pytest.mark.parametrize("url", list(LOOKUP_HOSTS))
def test_lookup_hosts(url: str) -> None:
    expected = LOOKUP_HOSTS[url]
    assert isinstance(expected, list)
    want = set(expected)
    if url in GO_SEVEN_LABEL_CASES:
        want = _spec_hosts(url, want)
    got = urls.lookup_hosts(url)
    assert got[0] == urls.parse(url).host  # the exact host first, as in the spec's examples
    assert set(got) == want and len(got) == len(want)


@pytest.mark.parametrize("url", list(LOOKUP_PATHS))
def test_lookup_paths(url: str) -> None:
    expected = LOOKUP_PATHS[url]
    assert isinstance(expected, list)
    got = urls.lookup_paths(url)
    assert set(got) == set(expected) and len(got) == len(expected)


def test_every_seven_label_case_is_in_the_data() -> None:
    assert set(EXPRESSIONS) | set(LOOKUP_HOSTS) >= GO_SEVEN_LABEL_CASES
    inputs = {row["input"] for row in CANON + COMPONENTS}
    assert set(STRICT_REFUSALS) <= inputs
