"""`linkguard lists update` and `diff`: fetch each source, screen it, replace the file when sane.

The order of one list's update is what keeps students safe from a bad feed: fetch (a failure
keeps the last good copy) -> parse -> drop entries that must never be served -> refuse the
whole download when it is empty, mostly unreadable, under `min_entries` or shrank by more
than `max_shrink` -> write atomically (temp file, fsync, rename; the old copy kept as
`.prev`) -> record metadata. The serving process notices the new file (or is told to reload).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from service.core.errors import ListError
from service.detect.targets import build_targets
from service.lists.entries import ListSpec, Manifest, iter_list
from service.lists.formats import EXCEPTION, URL, LineError, Report
from service.upkeep import files
from service.upkeep.curate import Diff, Dropped, Guard, Screening, diff, entry_key, size_problem
from service.upkeep.edits import filter_lines
from service.upkeep.feeds import FetchFailed, Progress, fetch
from service.upkeep.loader import Lists

OK = ("updated", "unchanged", "not_modified", "checked")
ProgressFor = Callable[[ListSpec], AbstractContextManager[Progress | None]]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one list. `checked` is a dry run (diff) that passed every guard."""

    name: str
    status: str  # updated | unchanged | not_modified | checked | refused | failed
    message: str
    entries: int = 0
    previous: int | None = None
    errors: int = 0
    error_samples: tuple[LineError, ...] = ()
    dropped: Mapping[str, int] = field(default_factory=dict)
    dropped_samples: tuple[Dropped, ...] = ()
    bytes: int = 0
    diff: Diff | None = None

    @property
    def ok(self) -> bool:
        return self.status in OK


def select(manifest: Manifest, names: Iterable[str]) -> list[ListSpec]:
    """The lists to update: those named (each must exist and have a source), else every
    enabled list with a source. Naming a disabled feed fetches it, to try it before enabling."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return [spec for spec in manifest.enabled if spec.source]
    chosen = []
    for name in wanted:
        spec = manifest.get(name)
        if spec is None:
            known = ", ".join(s.name for s in manifest.lists)
            raise ListError(f"unknown list {name!r}; the manifest has: {known}")
        if not spec.source:
            raise ListError(f"list {name!r} has no source to update from; "
                            "edit it with `linkguard lists add/remove`")
        chosen.append(spec)
    return chosen


def load_guard(lists_dir: Path, manifest: Manifest, *, lists: Lists | None = None) -> Guard:
    """Protected targets' official domains and the host entries of every enabled allow list.

    With `lists` (a loaded snapshot) its protected targets are reused instead of built again.
    """
    protected: frozenset[str] = frozenset()
    ref = manifest.reference.get("protected")
    if lists is not None:
        targets = lists.reference.targets
        protected = frozenset(targets.official) if targets is not None else frozenset()
    elif ref is not None:
        data = files.read_bytes(Path(lists_dir) / ref.file)
        if data is not None:
            protected = frozenset(build_targets(data.decode("utf-8-sig", "replace")).official)
    allowed: set[str] = set()
    for spec in manifest.enabled:
        if spec.action == "allow":
            data = files.read_bytes(files.list_path(lists_dir, spec))
            if data is not None:
                allowed.update(k for k, flags, _ in iter_list(data, spec.format) if not flags & URL)
    for spec in manifest.enabled:  # adblock `@@||host^` exceptions allow too
        if spec.action == "block" and spec.format == "adblock":
            data = files.read_bytes(files.list_path(lists_dir, spec))
            if data is not None:
                allowed.update(k for k, flags, _ in iter_list(data, spec.format)
                               if flags & EXCEPTION and not flags & URL)
    return Guard(protected, allowed)


async def update_lists(
    lists_dir: Path,
    specs: list[ListSpec],
    guard: Guard,
    *,
    time_limit: float,
    max_bytes: int,
    dry_run: bool = False,
    progress_for: ProgressFor | None = None,
    proxy: str | None = None,
) -> list[Outcome]:
    """Update (or with `dry_run`, only check and diff) each list, one after another."""
    outcomes = []
    async with aiohttp.ClientSession(trust_env=False) as session:
        for spec in specs:
            with progress_for(spec) if progress_for else nullcontext(None) as progress:
                outcome = await _update_one(lists_dir, spec, guard, session, progress,
                                            time_limit=time_limit, max_bytes=max_bytes,
                                            dry_run=dry_run, proxy=proxy)
            outcomes.append(outcome)
    return outcomes


async def _update_one(
    lists_dir: Path, spec: ListSpec, guard: Guard, session: aiohttp.ClientSession,
    progress: Progress | None, *, time_limit: float, max_bytes: int, dry_run: bool,
    proxy: str | None = None,
) -> Outcome:
    path = files.list_path(lists_dir, spec)
    meta = files.read_meta(path) or files.ListMeta()
    old_data = files.read_bytes(path)
    same_source = old_data is not None and meta.source == spec.source
    try:
        fetched = await fetch(
            str(spec.source), time_limit=time_limit, max_bytes=max_bytes, session=session,
            etag=meta.etag if same_source and not dry_run else None,
            last_modified=meta.last_modified if same_source and not dry_run else None,
            progress=progress, proxy=proxy,
        )
    except FetchFailed as exc:
        keep = "the last good copy stays" if old_data is not None else "no copy on disk yet"
        return _attempt(path, meta, dry_run, Outcome(spec.name, "failed", f"{exc.message}; {keep}"))
    if fetched.not_modified:
        meta = dataclasses.replace(meta, checked_at=files.iso_now(),
                                   etag=fetched.etag, last_modified=fetched.last_modified)
        return _attempt(path, meta, dry_run, Outcome(
            spec.name, "not_modified", "not modified since the last download (HTTP 304)",
            entries=meta.entries, previous=meta.entries))
    old_keys = _keys(old_data, spec.format)
    report = Report(keep=20)
    screening = Screening(guard, allow_list=spec.action == "allow")
    screening.feed(iter_list(fetched.data, spec.format, report))
    new_count, old_count = len(screening.kept), None if old_keys is None else len(old_keys)
    base = Outcome(
        spec.name, "checked", "", entries=new_count, previous=old_count,
        errors=report.error_count, error_samples=tuple(report.errors),
        dropped=dict(screening.counts), dropped_samples=tuple(screening.samples),
        bytes=len(fetched.data),
        diff=diff(old_keys or set(), screening.kept) if dry_run else None,
    )
    problem = size_problem(spec, new_count, old_count, report.error_count)
    if problem is not None:
        keep = "the last good copy stays" if old_data is not None else "nothing was written"
        refused = dataclasses.replace(base, status="refused", message=f"refused: {problem}; {keep}")
        return _attempt(path, meta, dry_run, refused)
    if dry_run:
        return dataclasses.replace(base, message="passes every guard (nothing written)")
    data = filter_lines(fetched.data, screening.drop_lines, spec.format)
    digest = files.sha256(data)
    unchanged = old_data is not None and files.sha256(old_data) == digest
    if not unchanged:  # an identical body keeps the file's time, so the lists version stays
        try:
            files.write_atomic(path, data)
        except OSError as exc:
            raise ListError(f"{path}: cannot write: {exc.strerror or exc}; "
                            "the last good copy stays") from None
    now = files.iso_now()
    meta = files.ListMeta(
        source=spec.source, fetched_at=meta.fetched_at if unchanged else now, checked_at=now,
        etag=fetched.etag, last_modified=fetched.last_modified, sha256=digest, bytes=len(data),
        entries=new_count, previous_entries=old_count, errors=report.error_count,
        dropped=dict(screening.counts),
        dropped_samples=[dataclasses.asdict(d) for d in screening.samples],
    )
    status = "unchanged" if unchanged else "updated"
    message = ("same content as the copy on disk" if unchanged
               else f"{new_count} entries written" + (f" (was {old_count})" if old_count else ""))
    return _attempt(path, meta, dry_run, dataclasses.replace(base, status=status,
                                                             message=message))


def _keys(data: bytes | None, fmt: str) -> set[str] | None:
    if data is None:
        return None
    return {entry_key(key, flags) for key, flags, _ in iter_list(data, fmt)}


def _attempt(path: Path, meta: files.ListMeta, dry_run: bool, outcome: Outcome) -> Outcome:
    """Record the attempt in the metadata (not in a dry run) and hand the outcome back."""
    if not dry_run:
        attempt = {"at": files.iso_now(), "status": outcome.status,
                   "message": outcome.message}
        try:
            files.write_meta(path, dataclasses.replace(meta, last_attempt=attempt))
        except OSError as exc:
            raise ListError(f"{path}: cannot write its metadata: {exc.strerror or exc}") from None
    return outcome
