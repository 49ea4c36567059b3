"""Add or remove one entry in a maintainer's own list: checked, commented, written atomically."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from service.core.errors import ListError
from service.lists.entries import ListSpec, Manifest
from service.upkeep import files
from service.upkeep.curate import REASONS, Guard
from service.upkeep.edits import Target, add_entry, comment, keys_on_lines, remove_entry


@dataclass(frozen=True, slots=True)
class Edited:
    list: str
    value: str
    kind: str  # host | url
    changed: bool  # False when the entry was there already (adding twice is not an error)
    path: str


def today() -> str:
    return time.strftime("%Y-%m-%d", time.gmtime())


def editable_spec(manifest: Manifest, name: str) -> ListSpec:
    """The list called `name`, if maintainers may edit it; else a ListError that says why."""
    spec = manifest.get(name)
    if spec is None:
        mine = ", ".join(s.name for s in manifest.lists if files.editable(s)) or "none"
        raise ListError(f"unknown list {name!r}; editable lists: {mine}")
    if spec.source:
        raise ListError(f"list {name!r} is downloaded from {spec.source}; an edit would be "
                        "overwritten by the next update. Edit a local list instead")
    if not files.editable(spec):
        raise ListError(f"list {name!r} has format {spec.format!r}, which cannot be edited")
    return spec


def refusal(spec: ListSpec, target: Target, guard: Guard) -> str | None:
    """Why the guards refuse `target` on `spec` (the update guards, applied to a hand edit)."""
    flags = 1 if target.entry.kind == "url" else 0
    reason = guard.verdict(target.key, flags, allow_list=spec.action == "allow")
    if reason is None:
        return None
    return f"{target.key} cannot go on {spec.name!r}: {REASONS[reason]}"


def add(lists_dir: Path, spec: ListSpec, target: Target, *, guard: Guard, note: str) -> Edited:
    """Append `target` with `# added <date> by linkguard: <note>`; keeps the old file as .prev."""
    problem = refusal(spec, target, guard)
    if problem is not None:
        raise ListError(problem)
    path = files.list_path(lists_dir, spec)
    text = _read(path, missing_ok=True)
    if target.key in keys_on_lines(text, spec.format):
        return Edited(spec.name, target.key, target.entry.kind, False, str(path))
    try:
        new = add_entry(text, target, spec.format,
                        note_line=comment("added", today(), note, spec.format))
    except ListError as exc:
        raise ListError(f"{spec.name}: {exc.message}") from None
    _write(path, new)
    return Edited(spec.name, target.key, target.entry.kind, True, str(path))


def remove(lists_dir: Path, spec: ListSpec, target: Target, *, note: str) -> Edited:
    """Remove `target`'s line(s), leaving `# removed <date> by linkguard: <entry> <note>`."""
    path = files.list_path(lists_dir, spec)
    text = _read(path, missing_ok=False)
    why = f"{target.key}" + (f" ({note})" if note else "")
    try:
        new = remove_entry(text, target, spec.format,
                           note_line=comment("removed", today(), why, spec.format))
    except ListError as exc:
        raise ListError(f"{spec.name}: {exc.message}") from None
    _write(path, new)
    return Edited(spec.name, target.key, target.entry.kind, True, str(path))


def _read(path: Path, *, missing_ok: bool) -> str:
    data = files.read_bytes(path)
    if data is None:
        if missing_ok:
            return ""
        raise ListError(f"{path} does not exist")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ListError(f"{path}: not valid UTF-8 at byte {exc.start}; fix it by hand") from None


def _write(path: Path, text: str) -> None:
    try:
        files.write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise ListError(f"cannot write {path}: {exc.strerror or exc}") from None
