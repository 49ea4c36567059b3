"""The lists manifest (`blocklists/lists.toml`): which lists exist, in what format, to what end.

Pure: `parse_manifest` takes the TOML text and returns frozen values or raises ListError with a
message that names the list (or reference entry) and says how to fix it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from types import MappingProxyType
from typing import Any

from service.core.errors import ListError

FORMATS = ("domains", "hosts", "adblock", "urls", "phishtank-csv", "urlhaus-csv")
CATEGORIES = ("phishing", "malware", "scam", "lure", "adult", "allow")
ACTIONS = ("block", "allow")

# Names appear in reasons, metrics labels and CLI arguments: keep them short and shell-safe.
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_LIST_REQUIRED = ("name", "file", "format", "category", "action", "license")
_LIST_OPTIONAL = ("source", "description", "enabled", "min_entries", "max_shrink", "snapshot",
                  "snapshot_from")
# A shipped snapshot's date: a day, or a moment in UTC (docs/lists.md, "Shipped snapshots").
_SNAPSHOT = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?")
_REF_REQUIRED = ("file", "license")
_REF_OPTIONAL = ("source", "attribution")


@dataclass(frozen=True, slots=True)
class ListSpec:
    """One `[[list]]` table. `file` is relative to the manifest's directory.

    `min_entries` and `max_shrink` guard a future `linkguard lists update`: an update that
    yields fewer than `min_entries` entries, or shrinks the list by more than `max_shrink`
    (a fraction), is refused as a probably broken download.
    """

    name: str
    file: str
    format: str
    category: str
    action: str
    source: str | None = None
    license: str = ""
    description: str = ""
    enabled: bool = True
    min_entries: int = 0
    max_shrink: float = 0.5
    snapshot: str | None = None  # date of the copy shipped in the repository
    snapshot_from: str | None = None  # where that copy came from (repository, commit, file)


@dataclass(frozen=True, slots=True)
class ReferenceSpec:
    """One `[reference.<name>]` table: a reference data file and where it came from."""

    file: str
    license: str
    source: str | None = None
    attribution: str = ""


@dataclass(frozen=True, slots=True)
class Manifest:
    lists: tuple[ListSpec, ...]
    reference: Mapping[str, ReferenceSpec] = field(default_factory=lambda: MappingProxyType({}))

    def get(self, name: str) -> ListSpec | None:
        return next((spec for spec in self.lists if spec.name == name), None)

    @property
    def enabled(self) -> tuple[ListSpec, ...]:
        return tuple(spec for spec in self.lists if spec.enabled)


def parse_manifest(text: str) -> Manifest:
    """Parse and validate the manifest text; raise ListError naming the bad entry and the fix."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ListError(f"manifest is not valid TOML: {exc}") from None
    unknown = sorted(set(doc) - {"list", "reference"})
    if unknown:
        raise ListError(
            f"manifest: unknown top-level key(s) {', '.join(unknown)}; "
            "use [[list]] tables and [reference.<name>] tables"
        )
    tables = doc.get("list", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ListError("manifest: 'list' must be an array of tables; write each as [[list]]")
    specs: list[ListSpec] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, 1):
        spec = _list_spec(table, number)
        if spec.name in seen:
            raise ListError(f"list {spec.name!r}: the name is used twice; give each list its own")
        seen.add(spec.name)
        specs.append(spec)
    refs = doc.get("reference", {})
    if not isinstance(refs, dict):
        raise ListError("manifest: 'reference' must be a table of [reference.<name>] tables")
    reference = {name: _reference_spec(name, table) for name, table in refs.items()}
    return Manifest(lists=tuple(specs), reference=MappingProxyType(reference))


def _list_spec(table: dict[str, Any], number: int) -> ListSpec:
    label = repr(table["name"]) if isinstance(table.get("name"), str) else f"#{number}"
    where = f"list {label}"
    _check_keys(table, _LIST_REQUIRED, _LIST_OPTIONAL, where)
    name = _text(table, "name", where)
    if not _NAME.fullmatch(name):
        raise ListError(
            f"{where}: name must be 1-64 of a-z 0-9 . _ - starting with a letter or digit"
        )
    fmt = _choice(table, "format", FORMATS, where)
    category = _choice(table, "category", CATEGORIES, where)
    action = _choice(table, "action", ACTIONS, where)
    # An allowlist that "blocks", or a phishing list that "allows", is always a typo.
    if (category == "allow") != (action == "allow"):
        raise ListError(
            f"{where}: category {category!r} needs action "
            f"{'allow' if category == 'allow' else 'block'!r} (category 'allow' goes with "
            "action 'allow', every other category with action 'block')"
        )
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ListError(f"{where}: enabled must be true or false")
    min_entries = table.get("min_entries", 0)
    if isinstance(min_entries, bool) or not isinstance(min_entries, int) or min_entries < 0:
        raise ListError(f"{where}: min_entries must be a whole number >= 0")
    max_shrink = table.get("max_shrink", 0.5)
    if isinstance(max_shrink, bool) or not isinstance(max_shrink, int | float):
        raise ListError(f"{where}: max_shrink must be a number between 0 and 1")
    if not 0 <= max_shrink <= 1:
        raise ListError(f"{where}: max_shrink must be a number between 0 and 1")
    snapshot = _optional_text(table, "snapshot", where)
    if snapshot is not None and not _SNAPSHOT.fullmatch(snapshot):
        raise ListError(f"{where}: snapshot must be a date such as 2026-08-01 "
                        "or 2026-08-01T09:30:00Z")
    return ListSpec(
        name=name,
        file=_file(table, where),
        format=fmt,
        category=category,
        action=action,
        source=_optional_text(table, "source", where),
        license=_text(table, "license", where),
        description=_optional_text(table, "description", where) or "",
        enabled=enabled,
        min_entries=min_entries,
        max_shrink=float(max_shrink),
        snapshot=snapshot,
        snapshot_from=_optional_text(table, "snapshot_from", where),
    )


def _reference_spec(name: str, table: object) -> ReferenceSpec:
    where = f"reference {name!r}"
    if not isinstance(table, dict):
        raise ListError(f"{where}: write it as a table, [reference.{name}]")
    _check_keys(table, _REF_REQUIRED, _REF_OPTIONAL, where)
    return ReferenceSpec(
        file=_file(table, where),
        license=_text(table, "license", where),
        source=_optional_text(table, "source", where),
        attribution=_optional_text(table, "attribution", where) or "",
    )


def _check_keys(
    table: dict[str, Any], required: tuple[str, ...], optional: tuple[str, ...], where: str
) -> None:
    missing = [key for key in required if key not in table]
    if missing:
        raise ListError(f"{where}: missing {', '.join(missing)}; add them to its table")
    unknown = sorted(set(table) - set(required) - set(optional))
    if unknown:
        known = ", ".join(required + optional)
        raise ListError(f"{where}: unknown key(s) {', '.join(unknown)}; known keys: {known}")


def _text(table: dict[str, Any], key: str, where: str) -> str:
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise ListError(f"{where}: {key} must be a non-empty string")
    return value.strip()


def _optional_text(table: dict[str, Any], key: str, where: str) -> str | None:
    if key not in table:
        return None
    value = table[key]
    if not isinstance(value, str):
        raise ListError(f"{where}: {key} must be a string")
    return value.strip() or None


def _choice(table: dict[str, Any], key: str, allowed: tuple[str, ...], where: str) -> str:
    value = table[key]
    if value not in allowed:
        raise ListError(f"{where}: unknown {key} {value!r}; use one of {', '.join(allowed)}")
    return str(value)


def _file(table: dict[str, Any], where: str) -> str:
    raw = _text(table, "file", where)
    posix = PurePosixPath(raw.replace("\\", "/"))
    # Lists are read relative to the manifest; a path that leaves that directory could make a
    # reload read any file on the host.
    if posix.is_absolute() or PureWindowsPath(raw).drive or ".." in posix.parts:
        raise ListError(
            f"{where}: file {raw!r} must be a relative path inside the manifest's directory "
            "(no leading '/', no drive letter, no '..')"
        )
    return posix.as_posix()
