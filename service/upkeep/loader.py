"""Loader: read `blocklists/` (manifest, lists, reference data) into one immutable Lists snapshot.

The only module of the list machinery that touches files. A broken manifest or a missing list
file raises ListError (a reload then keeps the old snapshot); bad lines inside a list are
counted and reported in its ListInfo, never fatal.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from service.core.errors import ListError
from service.core.hostnames import private_suffixes
from service.core.model import Reference
from service.detect.lures import build_rules
from service.detect.message import build_message_rules
from service.detect.namedata import NameSources, build_name_data
from service.detect.wrappers import build_wrappers
from service.lists.entries import ListSpec, Manifest, iter_list, parse_list, parse_manifest
from service.lists.formats import LineError, Report
from service.lists.index import Index, IndexBuilder

log = logging.getLogger(__name__)

MANIFEST = "lists.toml"
ERROR_SAMPLES = 20  # bad lines kept per list for `linkguard lists validate` and /v1/lists


@dataclass(frozen=True, slots=True)
class ListInfo:
    """What one manifest entry loaded to. `updated_at` is the file's mtime (ISO 8601 UTC);
    `loaded` is False for disabled lists and in heuristics-only runs."""

    name: str
    category: str
    action: str
    format: str
    entries: int
    errors: int
    error_samples: tuple[LineError, ...]
    unsupported: int
    path: str
    updated_at: str | None
    source: str | None
    license: str
    description: str
    enabled: bool
    sha256: str
    loaded: bool = True
    header: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    snapshot: str | None = None  # the manifest's date of the shipped copy
    snapshot_from: str | None = None
    origin: str = "file"  # snapshot | download | file: where the copy being served came from
    data_date: str | None = None  # the snapshot's date, the download's time, or the file's mtime


@dataclass(frozen=True, slots=True)
class Lists:
    """One consistent snapshot: the index, the reference data and a version for cache keys.

    `version` is 12 hex digits of a sha256 over the name and content of every file read: the same
    lists give the same version on every replica, whatever their files' times (a git clone, a copy
    or an image layer each set their own), so replicas share cache keys; a `touch` changes nothing.
    """

    index: Index
    reference: Reference
    version: str
    infos: tuple[ListInfo, ...]
    loaded_at: str
    manifest: Manifest | None = None

    @classmethod
    def empty(cls, reference: Reference | None = None) -> Lists:
        """No lists at all (tests, heuristics-only experiments)."""
        return cls(Index.empty(), reference or Reference(), "empty", (), _iso(time.time()))


def load_lists(
    lists_dir: Path, *, heuristics_only: bool = False, protected_override: Path | None = None
) -> Lists:
    """Load the manifest in `lists_dir` and everything it names (lists skipped when
    `heuristics_only`); `protected_override` replaces protected.toml with a domain-per-line file."""
    lists_dir = Path(lists_dir)
    seen = _Seen()
    manifest_path = lists_dir / MANIFEST
    manifest_text = _decode(seen.read(manifest_path, "the lists manifest"), manifest_path)
    try:
        manifest = parse_manifest(manifest_text)
    except ListError as exc:
        raise ListError(f"{manifest_path}: {exc.message}") from None
    seen.digest.update(b"heuristics-only" if heuristics_only else b"lists")
    builder = IndexBuilder()
    loaded: dict[str, tuple[Report, str, str]] = {}
    for spec in manifest.lists:
        if spec.enabled and not heuristics_only:
            path = lists_dir / spec.file
            data = seen.read(path, f"list {spec.name!r}", hint="create it or set enabled = false")
            report = Report(keep=ERROR_SAMPLES)
            raws = iter_list(data, spec.format, report)
            del data  # the scanner holds the decoded lines; drop the bytes early
            builder.add_raw(spec, raws)
            loaded[spec.name] = (report, seen.last_sha, seen.last_mtime)
    index = builder.build()
    reference = _reference(manifest, lists_dir, protected_override, seen)
    infos = tuple(_info(spec, lists_dir, index, loaded.get(spec.name)) for spec in manifest.lists)
    return Lists(
        index=index,
        reference=reference,
        version=seen.digest.hexdigest()[:VERSION_HEX],
        infos=infos,
        loaded_at=_iso(time.time()),
        manifest=manifest,
    )


VERSION_HEX = 12  # 48 bits: two different list sets sharing a version is not a practical risk


class _Seen:
    """Every file read: a running sha256 over (name, content sha256), and each file's mtime."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.last_sha = ""
        self.last_mtime = ""

    def read(self, path: Path, what: str, *, hint: str = "") -> bytes:
        try:
            mtime = path.stat().st_mtime
            data = path.read_bytes()
        except FileNotFoundError:
            raise ListError(f"{what}: {path} not found{'; ' + hint if hint else ''}") from None
        except OSError as exc:
            raise ListError(f"{what}: cannot read {path}: {exc.strerror or exc}") from None
        sha = hashlib.sha256(data).hexdigest()
        self.digest.update(f"{path.name}\0{sha}\0".encode())
        self.last_sha, self.last_mtime = sha, _iso(mtime)
        return data


def _reference(
    manifest: Manifest, lists_dir: Path, override: Path | None, seen: _Seen
) -> Reference:
    def text(name: str, *, optional: bool = False) -> str | None:
        spec = manifest.reference.get(name)
        if spec is None or (optional and not (lists_dir / spec.file).is_file()):
            return None
        path = lists_dir / spec.file
        return _decode(seen.read(path, f"reference {name!r}"), path)

    shorteners = text("shorteners")
    tlds = text("suspicious_tlds")
    patterns = text("message_patterns", optional=True)
    wrappers = text("wrappers", optional=True)
    domains: tuple[str, ...] | None = None
    if override is not None:
        listed = _decode(seen.read(Path(override), "protected targets override"), override)
        names = [line.split("#")[0].strip() for line in listed.splitlines()]
        domains = tuple(name for name in names if name)
    sources = NameSources(
        protected=None if domains is not None else text("protected", optional=True),
        keywords=text("lure_keywords", optional=True),
        lexicon=text("scam_lexicon", optional=True),
        syllables=text("vi_syllables", optional=True),
        english=text("en_words", optional=True),
        platforms=text("platforms", optional=True),
        protected_domains=domains,
    )
    names_data = build_name_data(sources, private_suffixes=private_suffixes(),
                                 popular=_allowed_domains(manifest, lists_dir))
    return Reference(
        shorteners=_hosts(shorteners, "shorteners"),
        suspicious_tlds=_tlds(tlds),
        targets=names_data.targets,
        lures=build_rules(),
        messages=None if patterns is None else build_message_rules(patterns),
        wrappers=None if wrappers is None else build_wrappers(wrappers),
        lexicon=names_data.lexicon,
        platforms=names_data.platforms,
    )


def _allowed_domains(manifest: Manifest, lists_dir: Path) -> list[str]:
    """Registrable domains of the enabled allow lists: the popular sites that a brand token
    found inside their names is measured against (detect/distinct.py)."""
    out: list[str] = []
    for spec in manifest.lists:
        path = lists_dir / spec.file
        if spec.action == "allow" and spec.enabled and spec.format == "domains" and path.is_file():
            parsed = parse_list(path.read_text(encoding="utf-8", errors="replace"), "domains")
            out.extend(entry.value for entry in parsed.entries)
    return out


def _hosts(text: str | None, name: str) -> frozenset[str]:
    if text is None:
        return frozenset()
    parsed = parse_list(text, "domains")
    for error in parsed.errors:
        log.warning("reference %s line %d skipped: %s", name, error.line, error.reason)
    return frozenset(entry.value for entry in parsed.entries)


def _tlds(text: str | None) -> frozenset[str]:
    out: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), 1):
        tld = line.split("#")[0].strip().lstrip(".").lower()
        if not tld:
            continue
        try:
            out.add(tld.encode("idna").decode("ascii"))
        except UnicodeError:
            log.warning("reference suspicious_tlds line %d skipped: %r is not a TLD", number, tld)
    return frozenset(out)


def _info(
    spec: ListSpec, lists_dir: Path, index: Index, loaded: tuple[Report, str, str] | None
) -> ListInfo:
    report, sha, mtime = loaded if loaded is not None else (Report(keep=0), "", None)
    origin, data_date = _origin(spec, lists_dir / spec.file, sha, mtime)
    return ListInfo(
        name=spec.name,
        category=spec.category,
        action=spec.action,
        format=spec.format,
        entries=index.count(spec.name),
        errors=report.error_count,
        error_samples=tuple(report.errors),
        unsupported=sum(report.unsupported.values()),
        path=str(lists_dir / spec.file),
        updated_at=mtime,
        source=spec.source,
        license=spec.license,
        description=spec.description,
        enabled=spec.enabled,
        sha256=sha,
        loaded=loaded is not None,
        header=MappingProxyType(dict(report.header)),
        snapshot=spec.snapshot,
        snapshot_from=spec.snapshot_from,
        origin=origin if loaded is not None else "file",
        data_date=data_date if loaded is not None else None,
    )


def _origin(spec: ListSpec, path: Path, sha: str, mtime: str | None) -> tuple[str, str | None]:
    """Where the copy on disk came from: a download recorded in `<file>.meta.json` (the same
    bytes), else the snapshot the manifest dates, else just a file. A git checkout sets every
    file's mtime to the checkout time, so a snapshot's date comes from the manifest, never mtime."""
    if spec.source:
        try:
            meta = json.loads(path.with_name(path.name + ".meta.json").read_text("utf-8"))
            when = meta.get("fetched_at") or meta.get("checked_at")  # identical to a snapshot
            if meta.get("sha256") == sha and isinstance(when, str):
                return "download", when
        except (OSError, ValueError, AttributeError):
            pass
    if spec.snapshot:
        return "snapshot", spec.snapshot
    return "file", mtime


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ListError(f"{path}: not valid UTF-8 at byte {exc.start}") from None


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))
