"""Edits of list text: add or remove one entry with a dated comment, drop screened lines of a feed.

Pure: text in, text out. Line numbers are the scanners' (1-based, split on LF), so a drop
decided while scanning removes exactly the line it came from. Everything else in a file —
comments, headers, blank lines, lines we could not read — stays as the maintainer wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from service.core.errors import ListError
from service.lists.canon import BadEntry, canonical_host, canonical_url
from service.lists.entries import WRITABLE, Entry, iter_list, write_list
from service.lists.formats import printable
from service.upkeep.curate import entry_key

MAX_NOTE = 200  # characters of a note kept in a comment
TOOL = "linkguard"


@dataclass(frozen=True, slots=True)
class Target:
    """What a maintainer asked to add or remove, as the list entry it becomes."""

    entry: Entry
    text: str  # as given, for messages

    @property
    def key(self) -> str:
        return self.entry.value


def parse_target(text: str) -> Target:
    """A host (`evil.example`) or a URL (`https://evil.example/login`) as an entry, or ListError.

    A URL naming a whole site (`https://evil.example/`) becomes a host entry: that is what it
    means, and a host entry fits every list format.
    """
    raw = text.strip()
    if not raw:
        raise ListError("give a host name or a URL")
    try:
        if "/" in raw or "?" in raw:
            value = canonical_url(raw if "://" in raw else f"http://{raw}")
            host, _, rest = value.partition("/")
            entry = Entry(host, "host") if not rest else Entry(value, "url")
        else:
            entry = Entry(canonical_host(raw[2:] if raw.startswith("*.") else raw), "host")
    except BadEntry as exc:
        shown = printable(raw, 100)
        reason = exc.reason.split(";")[0]  # the scanners' format hints do not apply here
        raise ListError(f"{shown!r} is not a valid host or URL: {reason}") from None
    return Target(entry, raw)


def fits(entry: Entry, fmt: str) -> str | None:
    """Why `entry` cannot be written in `fmt`, or None."""
    if fmt not in WRITABLE:
        return f"format {fmt!r} is a feed format; only {', '.join(WRITABLE)} lists can be edited"
    if entry.kind == "url" and fmt in ("domains", "hosts"):
        return f"format {fmt!r} holds host names only; put URLs in a list with format 'urls'"
    try:
        write_list([entry], fmt)
    except ListError as exc:
        return exc.message
    return None


def comment(action: str, date: str, note: str, fmt: str) -> str:
    """`# added 2026-11-28 by linkguard: <note>` (`!` in adblock lists), one printable line."""
    mark = "!" if fmt == "adblock" else "#"
    note = printable(" ".join(note.split()), MAX_NOTE)
    return f"{mark} {action} {date} by {TOOL}" + (f": {note}" if note else "")


def keys_on_lines(text: str, fmt: str) -> dict[str, list[int]]:
    """Entry value -> the line numbers it appears on (exceptions under `@@value`)."""
    found: dict[str, list[int]] = {}
    for key, flags, line in iter_list(text, fmt):
        found.setdefault(entry_key(key, flags), []).append(line)
    return found


def add_entry(text: str, target: Target, fmt: str, *, note_line: str) -> str:
    """`text` with `note_line` and the entry appended; ListError if it is there already or the
    format cannot hold it."""
    problem = fits(target.entry, fmt)
    if problem is not None:
        raise ListError(problem)
    if target.key in keys_on_lines(text, fmt):
        raise ListError(f"{target.key} is already on the list")
    line = write_list([target.entry], fmt).splitlines()[-1]
    if not text.strip() and fmt == "adblock":
        text = "[Adblock Plus 2.0]\n"
    if text and not text.endswith("\n"):
        text += "\n"
    return f"{text}{note_line}\n{line}\n"


def remove_entry(text: str, target: Target, fmt: str, *, note_line: str) -> str:
    """`text` without the entry's line(s), `note_line` left in their place; ListError if absent."""
    lines = keys_on_lines(text, fmt).get(target.key)
    if not lines:
        raise ListError(f"{target.key} is not on the list")
    drop = {number: {target.key} for number in lines}
    return filter_lines(text.encode("utf-8"), drop, fmt, replacement=note_line).decode("utf-8")


def filter_lines(
    data: bytes, drop: Mapping[int, set[str]], fmt: str, *, replacement: str | None = None
) -> bytes:
    """`data` without the lines in `drop` (line number -> keys screened out on it). A hosts line
    naming other hosts too keeps them; `replacement` (a comment) marks the first removed line."""
    if not drop:
        return data
    lines = data.split(b"\n")
    out: list[bytes] = []
    pending = replacement
    for number, line in enumerate(lines, 1):
        keys = drop.get(number)
        if keys is None:
            out.append(line)
            continue
        rest = _hosts_rest(line, keys) if fmt == "hosts" else None
        if pending is not None:
            out.append(pending.encode("utf-8"))
            pending = None
        if rest is not None:
            out.append(rest)
    return b"\n".join(out)


def _hosts_rest(line: bytes, keys: set[str]) -> bytes | None:
    """A hosts line without the screened names, or None when no name is left."""
    text = line.decode("utf-8", "replace")
    parts = text.split("#", 1)[0].split()
    if len(parts) < 3:
        return None
    kept = [name for name in parts[1:] if _host_or_none(name) not in keys]
    return f"{parts[0]} {' '.join(kept)}".encode() if kept else None


def _host_or_none(name: str) -> str | None:
    try:
        return canonical_host(name)
    except BadEntry:
        return None
