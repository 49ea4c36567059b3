"""Lists: read every supported list format into entries, and write domains / hosts / adblock / urls.

Pure: text or bytes in, frozen values out. The manifest lives in `manifest`, the
canonical keys in `canon`, the line scanners in `formats` and `csvfeeds`; this module
is the one other modules import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from service.core.errors import ListError
from service.lists.canon import BadEntry, canonical_host, canonical_url
from service.lists.csvfeeds import scan_csv
from service.lists.formats import (
    EXCEPTION,
    URL,
    LineError,
    Raw,
    Report,
    scan_adblock,
    scan_domains,
    scan_hosts,
    scan_urls,
    split_lines,
)
from service.lists.manifest import (
    ACTIONS,
    CATEGORIES,
    FORMATS,
    ListSpec,
    Manifest,
    ReferenceSpec,
    parse_manifest,
)

__all__ = [
    "ACTIONS", "CATEGORIES", "EXCEPTION", "FORMATS", "URL", "WRITABLE", "Entry", "LineError",
    "ListSpec", "Manifest", "Parsed", "ReferenceSpec", "Report", "iter_list", "parse_list",
    "parse_manifest", "write_list",
]  # fmt: skip

Kind = Literal["host", "url"]
WRITABLE = ("domains", "hosts", "adblock", "urls")
SCANNERS: dict[str, Callable[[list[str], Report], Iterator[Raw]]] = {
    "domains": scan_domains,
    "hosts": scan_hosts,
    "adblock": scan_adblock,
    "urls": scan_urls,
    "phishtank-csv": scan_csv,
    "urlhaus-csv": scan_csv,
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One list entry. `value` is the lookup key: a canonical host (`evil.com`) or, for a URL
    entry, its Safe Browsing expression without scheme (`evil.com/login/page.html`; a value
    ending in `/` also covers everything under that path). `exception` marks adblock `@@`
    rules, which allow."""

    value: str
    kind: Kind = "host"
    line: int = 0
    exception: bool = False


@dataclass(frozen=True, slots=True)
class Parsed:
    """Everything one list's text gave: entries in file order, every bad line, header fields
    (keys lowercased: `title`, `expires`, `last modified`, ...), and unsupported lines by kind."""

    entries: tuple[Entry, ...]
    errors: tuple[LineError, ...]
    header: Mapping[str, str]
    unsupported: Mapping[str, int]


def iter_list(data: str | bytes, fmt: str, report: Report | None = None) -> Iterator[Raw]:
    """Stream `(key, flags, line)` tuples (flags: URL, EXCEPTION); problems go to `report`.

    This is what the loader feeds into the index: no per-entry objects are built.
    """
    scanner = SCANNERS.get(fmt)
    if scanner is None:
        raise ListError(f"unknown list format {fmt!r}; use one of {', '.join(FORMATS)}")
    report = Report() if report is None else report
    return scanner(split_lines(data, report), report)


def parse_list(data: str | bytes, fmt: str) -> Parsed:
    """Parse a whole list. Bad lines are reported with their line numbers, never raised."""
    report = Report()
    entries = tuple(
        Entry(key, "url" if flags & URL else "host", number, bool(flags & EXCEPTION))
        for key, flags, number in iter_list(data, fmt, report)
    )
    return Parsed(
        entries=entries,
        errors=tuple(sorted(report.errors, key=lambda error: error.line)),
        header=MappingProxyType(dict(report.header)),
        unsupported=MappingProxyType(dict(report.unsupported)),
    )


def write_list(items: Iterable[Entry | str], fmt: str, *, header: Iterable[str] = ()) -> str:
    """Write entries (or host / URL strings, canonicalized here) in `fmt`, one per line.

    Duplicates are dropped, order is kept. `header` lines become comments at the top. An entry
    the format cannot hold (a URL in a hosts file, an exception outside adblock) is a ListError.
    """
    if fmt not in WRITABLE:
        raise ListError(f"cannot write format {fmt!r}; writable: {', '.join(WRITABLE)}")
    mark = "!" if fmt == "adblock" else "#"
    out = ["[Adblock Plus 2.0]"] if fmt == "adblock" else []
    out += [f"{mark} {line}".rstrip() for line in header]
    for entry in dict.fromkeys(_entry(item) for item in items):
        out.append(_format(entry, fmt))
    return "\n".join(out) + "\n" if out else ""


def _entry(item: Entry | str) -> Entry:
    if isinstance(item, Entry):
        return Entry(item.value, item.kind, 0, item.exception)  # line numbers do not dedupe
    text = item.strip()
    try:
        if "/" in text or "?" in text:
            return Entry(canonical_url(text if "://" in text else f"http://{text}"), "url")
        return Entry(canonical_host(text), "host")
    except BadEntry as exc:
        raise ListError(f"{item!r}: {exc.reason}") from None


def _format(entry: Entry, fmt: str) -> str:
    value = entry.value
    if entry.exception and fmt != "adblock":
        raise ListError(f"{value}: an allow exception can only be written in format 'adblock'")
    if fmt == "adblock":
        prefix = "@@||" if entry.exception else "||"
        if entry.kind == "host":
            return f"{prefix}{value}^"
        if any(c in value for c in "$*^|"):
            raise ListError(f"{value}: has $ * ^ or |, which adblock syntax cannot hold")
        return f"{prefix}{value}" if value.endswith("/") else f"{prefix}{value}|"
    if fmt == "urls":
        return value if entry.kind == "host" else f"http://{value}"
    if entry.kind == "url":
        raise ListError(f"{value}: format {fmt!r} holds hosts only; write URLs with 'urls'")
    return f"0.0.0.0 {value}" if fmt == "hosts" else value
