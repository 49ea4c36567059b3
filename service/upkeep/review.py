"""Reviewing students' reports: accept puts the URL or its host on the right list; reject notes why.

Shared by `linkguard reports` and the admin API. Which list: `phishing` -> local-phishing,
`scam` -> local-scam, `lure` -> local-lure, `false_positive` -> local-allow; `other` needs
an explicit list. Which entry (unless the reviewer says `host` or `url`):

- block lists get the **host** (throwaway phishing domains put the next page on the same host),
  except when the host is shared — a public suffix, a protected target's domain or an
  allowlisted site (sites.google.com, zalo.me/g/...) — where only the exact **URL** is safe;
- the allow list gets the **host** (a false alarm is nearly always about a site: a lookalike
  or TLD signal, or a feed listing the host), except when the host is already allowlisted
  or shared, where a URL entry is what clears that one page's remaining signals. A URL blocked
  by an *exact* block entry cannot be freed by an allow entry; the reviewer is told which entry
  to remove instead.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from service.core import urls
from service.core.errors import InvalidURL, LinkGuardError, ListError, NotFound
from service.lists.canon import url_key
from service.lists.entries import Entry, ListSpec, Manifest
from service.lists.index import Index
from service.store.reports import Report, ReportStore, clean_comment
from service.upkeep.curate import Guard
from service.upkeep.edits import Target
from service.upkeep.ops import Edited, add, editable_spec

DEFAULT_LISTS = {
    "phishing": "local-phishing",
    "scam": "local-scam",
    "lure": "local-lure",
    "false_positive": "local-allow",
}
ENTRY_KINDS = ("host", "url")


class Conflict(LinkGuardError):
    """The report was reviewed already in a way this action cannot follow."""

    code = "conflict"
    status = 409


@dataclass(frozen=True, slots=True)
class Accepted:
    report: Report
    edit: Edited


@dataclass(frozen=True, slots=True)
class Rejected:
    report: Report
    was_accepted: bool


def choose_list(manifest: Manifest, kind: str, name: str | None) -> ListSpec:
    chosen = name or DEFAULT_LISTS.get(kind)
    if chosen is None:
        raise ListError(f"a report of kind {kind!r} has no default list; name one")
    spec = editable_spec(manifest, chosen)
    if kind == "false_positive" and spec.action != "allow":
        raise ListError(f"a false positive goes on an allow list, not on {spec.name!r}")
    if kind != "false_positive" and spec.action == "allow":
        raise ListError(f"a {kind!r} report goes on a block list, not on the allow list "
                        f"{spec.name!r}")
    return spec


def choose_entry(url: str, spec: ListSpec, guard: Guard, index: Index | None,
                 entry_as: str | None = None) -> Target:
    """The entry a report of `url` becomes on `spec` (see the module docstring)."""
    try:
        parsed = urls.parse(url)
    except InvalidURL as exc:
        raise ListError(f"the report's URL cannot be listed: {exc.message}") from None
    host_entry, url_entry = Entry(parsed.host, "host"), Entry(url_key(parsed), "url")
    if spec.action == "allow" and index is not None:
        exact = [hit for hit in index.match(parsed).block if hit.exact]
        if exact:
            hit = exact[0]
            raise ListError(f"{hit.entry} is blocked by that exact entry on {hit.list!r}, which "
                            f"no allow entry beats; remove it from {hit.list!r} instead")
    if entry_as not in (None, *ENTRY_KINDS):
        raise ListError(f"entry must be one of {', '.join(ENTRY_KINDS)}")
    if entry_as is None:
        shared = guard.verdict(parsed.host) is not None
        entry_as = "url" if shared else "host"
    return Target(host_entry if entry_as == "host" else url_entry, url)


async def accept_report(
    store: ReportStore,
    report_id: str,
    *,
    lists_dir: Path,
    manifest: Manifest,
    guard: Guard,
    index: Index | None,
    list_name: str | None = None,
    note: str = "",
    entry_as: str | None = None,
) -> Accepted:
    """Add the report's entry (with the report id in the comment), then mark it accepted.

    Adding first makes a retry safe: an entry already on the list counts as added.
    """
    # Free text, cleaned as a student's comment is: a lone surrogate (JSON "\ud800", or argv's
    # surrogateescape) would fail the store's UTF-8 write after the list edit was made.
    note = clean_comment(note)
    report = await get_report(store, report_id)
    if report.status == "accepted":
        raise Conflict(f"report {report_id} was accepted already")
    spec = choose_list(manifest, report.kind, list_name)
    target = choose_entry(report.url, spec, guard, index, entry_as)
    why = f"report {report.id} ({report.kind})" + (f": {note}" if note else "")
    edit = await asyncio.to_thread(add, lists_dir, spec, target, guard=guard, note=why)
    reviewed = await store.review(report.id, status="accepted", note=note)
    return Accepted(reviewed or report, edit)


async def reject_report(store: ReportStore, report_id: str, *, note: str = "") -> Rejected:
    """Mark the report rejected. Rejecting an accepted one does not touch the lists: the
    caller says so, and the entry is removed with `linkguard lists remove`."""
    report = await get_report(store, report_id)
    reviewed = await store.review(report.id, status="rejected", note=clean_comment(note))
    return Rejected(reviewed or report, was_accepted=report.status == "accepted")


async def get_report(store: ReportStore, report_id: str) -> Report:
    report = await store.get(report_id) if _plausible(report_id) else None
    if report is None:
        raise NotFound(f"no report with id {report_id[:80]!r}")
    return report


def _plausible(report_id: str) -> bool:
    """Ids are `<hex ms>-<hex>` (store.new_report_id); anything else is not looked up."""
    return 0 < len(report_id) <= 64 and all(c in "0123456789abcdef-" for c in report_id)
