"""Line scanners for the text formats: text in, (key, flags, line) tuples out, bad lines reported.

A scanner never raises on content: a line it cannot use is reported (an error when it is
malformed, "unsupported" when it is valid syntax we cannot express, such as cosmetic adblock
filters) and the scan goes on. Entries are plain tuples, not objects, because the loader
feeds a million of them straight into the index.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from service.lists.canon import BadEntry, canonical_host, canonical_url, is_plain_host

URL = 1  # flag: the key is a URL expression, not a host
EXCEPTION = 2  # flag: an adblock `@@` exception, i.e. an allow entry
Raw = tuple[str, int, int]  # (key, flags, 1-based line number)

MAX_LINE = 16 * 1024  # a URL may be 8 KiB (urls.MAX_URL_LENGTH); CSV rows carry more fields
# The sink addresses hosts-file blocklists map names to (StevenBlack/hosts readme, AdAway).
_SINKS = frozenset({"0.0.0.0", "127.0.0.1", "::", "::0", "::1", "0"})  # noqa: S104
# The preamble every hosts file carries (Debian/Fedora /etc/hosts, StevenBlack/hosts).
_LOCAL_NAMES = frozenset(
    {
        "localhost", "localhost.localdomain", "local", "broadcasthost", "0.0.0.0",  # noqa: S104
        "localhost4", "localhost4.localdomain4", "localhost6", "localhost6.localdomain6",
    }
)  # fmt: skip
# Adblock options that leave a rule blocking whole documents (uBlock Origin static filter
# syntax); any other option narrows it to sub-resources or a context we cannot see.
_KEEP_OPTIONS = frozenset({"important", "document", "doc", "all", "popup", "match-case"})
_COSMETIC = re.compile(r"#[@?$%]{0,2}#|\$\$|\$@\$")
_HEADER = re.compile(r"[#!]+\s*([A-Za-z][A-Za-z0-9 _-]{0,39}?)\s*:\s+(\S.*)")
MAX_HEADER_LINE = 1024


@dataclass(frozen=True, slots=True)
class LineError:
    """A list line we could not use: its 1-based number, its text (cut, safe to print), why."""

    line: int
    text: str
    reason: str


class Report:
    """What a scan noticed besides entries: errors (counted, the first `keep` kept), skipped
    unsupported lines by kind, and header fields (`! Title:`, `# Last updated:`, ...)."""

    __slots__ = ("error_count", "errors", "header", "keep", "unsupported")

    def __init__(self, keep: int | None = None) -> None:
        self.keep = keep
        self.error_count = 0
        self.errors: list[LineError] = []
        self.unsupported: dict[str, int] = {}
        self.header: dict[str, str] = {}

    def error(self, line: int, text: str, reason: str) -> None:
        self.error_count += 1
        if self.keep is None or len(self.errors) < self.keep:
            self.errors.append(LineError(line, printable(text), reason))

    def skip(self, kind: str) -> None:
        self.unsupported[kind] = self.unsupported.get(kind, 0) + 1

    def header_line(self, line: str) -> None:
        match = _HEADER.fullmatch(line) if len(line) <= MAX_HEADER_LINE else None
        if match is not None:  # `# Last updated: 2026-11-28   #` (URLhaus boxes its comments)
            key = " ".join(match[1].lower().split())
            self.header.setdefault(key, match[2].rstrip(" \t#"))


def printable(text: str, limit: int = 200) -> str:
    """`text` cut to `limit` characters with control characters escaped: safe for a terminal."""
    cut = text if len(text) <= limit else text[:limit] + "…"
    if cut.isprintable():
        return cut
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in cut)


def split_lines(data: str | bytes, report: Report) -> list[str]:
    """Decode (UTF-8, BOM dropped) and split on LF; undecodable lines become "" and errors."""
    if isinstance(data, str):
        text = data
    else:
        raw = bytes(data)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _decode_each(raw, report)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.split("\n")


def _decode_each(raw: bytes, report: Report) -> list[str]:
    lines: list[str] = []
    for number, chunk in enumerate(raw.split(b"\n"), 1):
        try:
            line = chunk.decode("utf-8")
        except UnicodeDecodeError:
            shown = chunk.decode("utf-8", "backslashreplace")
            report.error(number, shown, "not valid UTF-8 (the bad bytes are shown as \\x..)")
            line = ""
        lines.append(line[1:] if number == 1 and line.startswith("\ufeff") else line)
    return lines


def scan_domains(lines: Iterable[str], report: Report) -> Iterator[Raw]:
    """One host per line; `#` starts a comment; a leading `*.` is dropped (subdomains match)."""
    in_header = True
    for number, line in enumerate(lines, 1):
        if is_plain_host(line):  # most lines of a large list: skip the general handling
            in_header = False
            yield line, 0, number
            continue
        line = line.strip()
        if not line:
            continue
        if line[0] == "#":
            if in_header:
                report.header_line(line)
            continue
        in_header = False
        if "#" in line:
            line = line[: line.index("#")].rstrip()
        if line.startswith("*."):
            line = line[2:]
        try:
            yield canonical_host(line), 0, number
        except BadEntry as exc:
            report.error(number, line, _hint(line) or exc.reason)


def _content_lines(lines: Iterable[str], report: Report) -> Iterator[tuple[int, str]]:
    """Numbered, stripped, non-blank lines that are not `#` comments; the comments before the
    first entry go to the report as header fields (`# Title: ...`)."""
    in_header = True
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        if line[0] == "#":
            if in_header:
                report.header_line(line)
            continue
        in_header = False
        yield number, line


def scan_hosts(lines: Iterable[str], report: Report) -> Iterator[Raw]:
    """`0.0.0.0 host [host...]` lines; the localhost preamble and `#` comments are skipped."""
    for number, line in _content_lines(lines, report):
        parts = (line[: line.index("#")] if "#" in line else line).split()
        address, listed = parts[0], parts[1:]
        names = [n for n in listed if n not in _LOCAL_NAMES and not n.startswith("ip6-")]
        if listed and not names:
            continue  # the preamble: 127.0.0.1 localhost, ff02::1 ip6-allnodes, ...
        if address not in _SINKS:
            reason = (
                "expected 'ADDRESS HOST' (a domains list needs format 'domains')"
                if not names
                else f"{address!r} is not a blocking address (0.0.0.0, 127.0.0.1, ::, ::1)"
            )
            report.error(number, line, reason)
            continue
        for name in names:
            try:
                yield canonical_host(name), 0, number
            except BadEntry as exc:
                report.error(number, line, f"{name!r}: {exc.reason}")
        if not names:
            report.error(number, line, "no host after the address")


def scan_adblock(lines: Iterable[str], report: Report) -> Iterator[Raw]:
    """`||host^` rules (and `||host/dir/`, `||host/page|`), `@@` exceptions, `!` comments."""
    in_header = True
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        if line[0] == "!" or (line[0] == "#" and (len(line) == 1 or line[1] == " ")):
            if in_header:
                report.header_line(line)
            continue
        if line[0] == "[" and line[-1] == "]" and in_header:
            report.header.setdefault("format", line[1:-1].strip())  # [Adblock Plus 2.0]
            continue
        in_header = False
        if _COSMETIC.search(line):
            report.skip("cosmetic")
            continue
        flags = EXCEPTION if line.startswith("@@") else 0
        rule = line[2:] if flags else line
        if rule.startswith("/"):
            report.skip("regex")
        elif not rule.startswith("||"):
            report.skip("pattern")  # plain substrings and |scheme anchors: not host rules
        else:
            yield from _adblock_rule(rule[2:], flags, number, line, report)


def _adblock_rule(rule: str, flags: int, number: int, line: str, report: Report) -> Iterator[Raw]:
    body, _, options = rule.partition("$")
    if options and not all(o.strip().lower() in _KEEP_OPTIONS for o in options.split(",")):
        report.skip("options")
        return
    end = len(body)
    for stop in "^/|*:":
        at = body.find(stop)
        if at != -1:
            end = min(end, at)
    host, rest = body[:end], body[end:]
    try:
        if rest in ("", "^", "^|", "|"):
            yield canonical_host(host), flags, number
        elif rest[:1] == "/" and rest[-1] in "/|" and not any(c in rest[:-1] for c in "*^|"):
            # `||host/dir/` is a path prefix, `||host/page|` one exact URL.
            yield canonical_url(f"http://{host}{rest.rstrip('|')}"), flags | URL, number
        else:
            report.skip("path" if rest[:1] == "/" else "wildcard")
    except BadEntry as exc:
        report.error(number, line, exc.reason)


def scan_urls(lines: Iterable[str], report: Report) -> Iterator[Raw]:
    """One URL per line (OpenPhish feed.txt); a bare host name is a host entry."""
    for number, line in _content_lines(lines, report):
        if len(line) > MAX_LINE:
            report.error(number, line, f"line longer than {MAX_LINE} characters")
            continue
        try:
            if "://" not in line and not any(c in line for c in "/?:"):
                yield canonical_host(line[2:] if line.startswith("*.") else line), 0, number
            else:
                yield canonical_url(line if "://" in line else f"http://{line}"), URL, number
        except BadEntry as exc:
            report.error(number, line, exc.reason)


def _hint(line: str) -> str | None:
    if "://" in line:
        return "looks like a URL; URLs go in a list with format 'urls'"
    if line.startswith(("||", "@@")):
        return "looks like an adblock rule; use format 'adblock'"
    first = line.split()[0] if line.split() else ""
    if first in _SINKS:
        return "looks like a hosts-file line; use format 'hosts'"
    if len(line.split()) > 1:
        return "expected one host per line"
    return None
