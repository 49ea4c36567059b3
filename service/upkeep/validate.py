"""`linkguard lists validate`: every problem in the lists, as errors (CI fails) or warnings.

Errors are entries that would hurt students or a list the service cannot read: a public
suffix or a protected target's domain on a block list, an entry on both a block and an allow
list, a malformed line in a maintainer's own list, a manifest or file that does not load.
Warnings are entries that do nothing: duplicates, block entries under an allow entry (the
allow wins), names no DNS zone can hold (`-bad-.com`), and bad lines in a downloaded feed
(not the maintainers' to fix). `--strict`
counts warnings as errors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import validators

from service.core.errors import ListError
from service.lists.entries import ListSpec, iter_list
from service.lists.formats import URL, Report
from service.upkeep import files
from service.upkeep.curate import (
    ALLOWLISTED,
    PROTECTED,
    PUBLIC_SUFFIX,
    Guard,
    entry_key,
    suffixes_of,
)
from service.upkeep.loader import load_lists
from service.upkeep.updater import load_guard

SAMPLES = 20  # findings shown per list and code; all are counted
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    level: str  # error | warning
    list: str
    line: int
    code: str
    message: str


@dataclass
class Checked:
    """Findings (at most SAMPLES per list and code) and the full count of each."""

    findings: list[Finding] = field(default_factory=list)
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (list, level, code)

    def add(self, level: str, name: str, line: int, code: str, message: str) -> None:
        self.counts[(name, level, code)] += 1
        if self.counts[(name, level, code)] <= SAMPLES:
            self.findings.append(Finding(level, name, line, code, message))

    def total(self, level: str) -> int:
        return sum(n for (_, lvl, _), n in self.counts.items() if lvl == level)

    def failed(self, *, strict: bool = False) -> bool:
        return bool(self.total(ERROR) or (strict and self.total(WARNING)))


def check_lists(lists_dir: Path) -> Checked:
    """Load everything as the service would, then look at every enabled list's entries."""
    checked = Checked()
    try:
        lists = load_lists(lists_dir)
        manifest = lists.manifest
        assert manifest is not None
        guard = load_guard(lists_dir, manifest, lists=lists)
    except ListError as exc:
        checked.add(ERROR, "manifest", 0, "load", exc.message)
        return checked
    for spec in manifest.enabled:
        data = files.read_bytes(files.list_path(lists_dir, spec))
        if data is not None:
            check_list(spec, data, guard, checked)
    return checked


def check_list(spec: ListSpec, data: bytes | str, guard: Guard, checked: Checked) -> None:
    """Add the findings for one list's content to `checked`."""
    report = Report(keep=SAMPLES)
    first: dict[str, int] = {}
    allow = spec.action == "allow"
    for key, flags, line in iter_list(data, spec.format, report):
        entry = entry_key(key, flags)
        seen = first.setdefault(entry, line)
        if seen != line:
            checked.add(WARNING, spec.name, line, "entry.duplicate",
                        f"{key} is listed again (first on line {seen})")
            continue
        reason = guard.verdict(key, flags, allow_list=allow)
        if reason is not None:
            _judge(spec, key, flags, line, reason, guard, checked)
        elif not _is_dns_name(key.partition("/")[0] if flags & URL else key):
            checked.add(WARNING, spec.name, line, "entry.not_a_domain",
                        f"{key}: not a valid DNS name (RFC 1035/1123), so no site has it; "
                        "check for a typo")
    bad_level = WARNING if spec.source else ERROR
    for error in report.errors:
        checked.add(bad_level, spec.name, error.line, "line.malformed",
                    f"{error.text!r}: {error.reason}")
    for _ in range(report.error_count - len(report.errors)):
        checked.counts[(spec.name, bad_level, "line.malformed")] += 1


def _is_dns_name(host: str) -> bool:
    """Syntax only (validators.domain; underscores allowed as in SRV-style names, RFC 2782).
    Canonicalization is lenient the way browsers are; a list entry deserves a stricter look."""
    if host.startswith("[") or host.replace(".", "").isdigit():
        return True  # IP literals are judged elsewhere
    return validators.domain(host, rfc_2782=True) is True


def _judge(spec: ListSpec, key: str, flags: int, line: int, reason: str, guard: Guard,
           checked: Checked) -> None:
    host = key.partition("/")[0] if flags & URL else key
    if reason == PUBLIC_SUFFIX:
        what = "allows" if spec.action == "allow" else "blocks"
        checked.add(ERROR, spec.name, line, "entry.public_suffix",
                    f"{key} is a public suffix: this entry {what} every site under it")
    elif reason == PROTECTED:
        checked.add(ERROR, spec.name, line, "entry.protected",
                    f"{key} is (or covers, or is part of) a protected target's official domain")
    elif reason == ALLOWLISTED and host in guard.allowed:
        checked.add(ERROR, spec.name, line, "entry.allowlisted",
                    f"{key} is on an allow list too; decide which one is right")
    elif reason == ALLOWLISTED:
        allowed = next((s for s in suffixes_of(host) if s in guard.allowed), host)
        checked.add(WARNING, spec.name, line, "entry.shadowed",
                    f"{key} never blocks: the allow entry {allowed} wins")
