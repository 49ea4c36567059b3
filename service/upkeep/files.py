"""List files on disk: crash-safe replacement, the previous copy, update metadata beside each list.

A list is replaced by writing a temp file in the same directory, fsync'ing it and renaming it
over the old one (rename(2) is atomic within a file system, POSIX.1-2017), then fsync'ing the
directory so the rename itself survives a power cut. A process killed at any point leaves
either the old file or the new one, whole; never a mix. The copy that was replaced stays as
`<file>.prev`, and `<file>.meta.json` records where and when the current copy came from.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.core.errors import ListError
from service.lists.entries import WRITABLE, ListSpec, Manifest, iter_list, parse_manifest
from service.lists.formats import Report
from service.upkeep.curate import entry_key
from service.upkeep.loader import MANIFEST

# Test-only fault injection: called with the temp file's path after it is written and
# fsync'd, before the rename. Only code can set it (no setting or variable reads it); the
# crash test sets it to kill its own process there. See tests/test_listfiles.py.
before_rename: Callable[[Path], None] | None = None

STALE_TEMP = 3600.0  # seconds: a temp file this old was left by a killed run; remove it


def prev_path(path: Path) -> Path:
    return path.with_name(path.name + ".prev")


def meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def list_path(lists_dir: Path, spec: ListSpec) -> Path:
    return Path(lists_dir) / spec.file


def editable(spec: ListSpec) -> bool:
    """The maintainers' own lists: no `source` to be overwritten by, and a writable format."""
    return spec.source is None and spec.format in WRITABLE


def read_manifest(lists_dir: Path) -> Manifest:
    path = Path(lists_dir) / MANIFEST
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ListError(f"{path}: cannot read the manifest: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ListError(f"{path}: not valid UTF-8 at byte {exc.start}") from None
    try:
        return parse_manifest(text)
    except ListError as exc:
        raise ListError(f"{path}: {exc.message}") from None


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, None when it does not exist; other errors are ListErrors."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ListError(f"cannot read {path}: {exc.strerror or exc}") from None


def read_keys(path: Path, fmt: str) -> tuple[set[str], Report] | None:
    """The distinct entry keys of a list file (`@@key` for exceptions), None if it is absent."""
    data = read_bytes(path)
    if data is None:
        return None
    report = Report(keep=20)
    keys = {entry_key(key, flags) for key, flags, _ in iter_list(data, fmt, report)}
    return keys, report


def write_atomic(path: Path, data: bytes, *, keep_previous: bool = True) -> None:
    """Replace `path` with `data` so that a crash leaves the old file or the new one, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(path)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, path.stat().st_mode & 0o777)  # keep the list's permissions
        if not path.exists():
            os.chmod(temp, 0o644)  # mkstemp's 0600 would hide a new list from the service user
        if keep_previous and path.exists():
            _keep_previous(path)
        if before_rename is not None:
            before_rename(temp)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_dir(path.parent)


def _keep_previous(path: Path) -> None:
    """`<file>.prev` becomes the current copy: a hard link (no copy of a large feed) renamed
    into place, or a plain copy where the file system has no hard links."""
    prev = prev_path(path)
    staging = prev.with_name(f".{prev.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        staging.unlink()
    try:
        os.link(path, staging)
    except OSError:
        staging.write_bytes(path.read_bytes())
    os.replace(staging, prev)


def _remove_stale_temps(path: Path) -> None:
    cutoff = time.time() - STALE_TEMP
    for temp in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if temp.stat().st_mtime < cutoff:
                temp.unlink()


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on directories
        pass
    finally:
        os.close(fd)


@dataclass(frozen=True, slots=True)
class ListMeta:
    """`<file>.meta.json`: the current copy's origin, and the last attempt to update it."""

    source: str | None = None
    fetched_at: str | None = None  # when the current copy was downloaded (ISO 8601 UTC)
    checked_at: str | None = None  # the last successful check (a 304 counts)
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    bytes: int = 0
    entries: int = 0
    previous_entries: int | None = None
    errors: int = 0
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> count
    dropped_samples: list[dict[str, Any]] = field(default_factory=list)
    last_attempt: dict[str, Any] = field(default_factory=dict)  # {at, status, message}

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def read_meta(path: Path) -> ListMeta | None:
    """The metadata beside list `path`; None when absent or unreadable (it is advisory)."""
    try:
        doc = json.loads(meta_path(path).read_text(encoding="utf-8"))
        names = {f.name for f in dataclasses.fields(ListMeta)}
        return ListMeta(**{k: v for k, v in doc.items() if k in names})
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def write_meta(path: Path, meta: ListMeta) -> None:
    data = json.dumps(meta.to_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_atomic(meta_path(path), data.encode("utf-8"), keep_previous=False)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def iso_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
