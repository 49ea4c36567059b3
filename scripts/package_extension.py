"""Build installable extension zips for Chrome/Edge and Firefox from the one extension/ tree."""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "extension"
DIST = ROOT / "dist"

# The Firefox add-on id: policies.json (3rdparty.Extensions.<id>) and storage.managed need it.
GECKO_ID = "{e240f320-6686-4bc9-a3cd-d70f5199a4c4}"
# 140 ESR: MV3 background scripts as modules, storage.session, declarativeNetRequest with
# regexFilter and tabIds, host permissions granted at install (127+), and the
# data_collection_permissions key (140; 142 on Android), per addons-linter.
GECKO_MIN_VERSION = "140.0"
GECKO_ANDROID_MIN_VERSION = "142.0"
FIREFOX_PERMISSIONS = ("webRequest", "webRequestBlocking")
EXCLUDED_DIRS = {"tests"}  # node tests are not shipped
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # earliest zip timestamp: the same tree gives the same bytes
VERSION = re.compile(r"^\d+(\.\d+){0,3}$")


class PackagingError(Exception):
    """The tree cannot be packaged; the message says what to fix."""


def shipped_files(source: Path) -> list[Path]:
    """Every file the extension needs, relative to `source`, in a stable order."""
    files = []
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if not path.is_file() or rel.parts[0] in EXCLUDED_DIRS:
            continue
        if any(part.startswith(".") for part in rel.parts):
            continue
        files.append(rel)
    return files


def referenced_files(manifest: dict[str, Any]) -> set[str]:
    """Paths the manifest names; each must exist in the package."""
    refs: set[str] = set()
    refs.update(manifest.get("icons", {}).values())
    action = manifest.get("action", {})
    refs.update(action.get("default_icon", {}).values())
    if "default_popup" in action:
        refs.add(action["default_popup"])
    background = manifest.get("background", {})
    if "service_worker" in background:
        refs.add(background["service_worker"])
    refs.update(background.get("scripts", []))
    if "options_ui" in manifest:
        refs.add(manifest["options_ui"]["page"])
    for script in manifest.get("content_scripts", []):
        refs.update(script.get("js", []))
        refs.update(script.get("css", []))
    for resource in manifest.get("web_accessible_resources", []):
        refs.update(resource.get("resources", []))
    schema = manifest.get("storage", {}).get("managed_schema")
    if schema:
        refs.add(schema)
    default_locale = manifest.get("default_locale")
    if default_locale:
        refs.add(f"_locales/{default_locale}/messages.json")
    return refs


def validate(manifest: dict[str, Any], files: Iterable[Path]) -> None:
    if manifest.get("manifest_version") != 3:
        raise PackagingError("manifest_version must be 3")
    if not VERSION.match(str(manifest.get("version", ""))):
        raise PackagingError(
            f"version {manifest.get('version')!r} is not 1-4 dot-separated numbers"
        )
    present = {p.as_posix() for p in files}
    missing = sorted(ref for ref in referenced_files(manifest) if ref not in present)
    if missing:
        raise PackagingError(f"the manifest names files that do not exist: {', '.join(missing)}")


def chrome_manifest(manifest: dict[str, Any], *, keep_key: bool) -> dict[str, Any]:
    """Chrome/Edge: the tree's manifest. The `key` pins the extension id that policies name;
    the Chrome Web Store assigns its own id and refuses the field, so `--store` drops it."""
    out = json.loads(json.dumps(manifest))
    if not keep_key:
        out.pop("key", None)
    return out


def firefox_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    """Firefox MV3 runs background scripts (an event page), not a service worker."""
    out = json.loads(json.dumps(manifest))
    background = out.pop("background", {})
    out["background"] = {"scripts": [background["service_worker"]], "type": "module"}
    for chrome_only in ("key", "minimum_chrome_version"):
        out.pop(chrome_only, None)
    # Firefox reads policy values from policies.json without a schema file.
    out.pop("storage", None)
    # Firefox keeps blocking webRequest in MV3: features/prerequest.js holds a main-frame request
    # until its check answers. Chrome refuses webRequestBlocking outside policy installs.
    # (`webRequest` is in the shared manifest already, observe-only, for the redirect checks.)
    kept = out.get("permissions", [])
    out["permissions"] = [*kept, *(p for p in FIREFOX_PERMISSIONS if p not in kept)]
    out["browser_specific_settings"] = {
        "gecko": {
            "id": GECKO_ID,
            "strict_min_version": GECKO_MIN_VERSION,
            # Links the student visits go to the school's service (addons.mozilla.org consent key).
            "data_collection_permissions": {"required": ["browsingActivity"]},
        },
        "gecko_android": {"strict_min_version": GECKO_ANDROID_MIN_VERSION},
    }
    return out


def write_zip(target: Path, source: Path, files: list[Path], manifest: dict[str, Any]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        entries = [("manifest.json", (json.dumps(manifest, indent=2) + "\n").encode())]
        entries += [
            (p.as_posix(), (source / p).read_bytes())
            for p in files
            if p.as_posix() != "manifest.json"
        ]
        for name, data in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    tmp.replace(target)
    return target


def write_unpacked(target: Path, source: Path, files: list[Path], manifest: dict[str, Any]) -> Path:
    """A directory Firefox can load from about:debugging ("Load Temporary Add-on")."""
    for rel in files:
        if rel.as_posix() == "manifest.json":
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes((source / rel).read_bytes())
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return target


def build(source: Path, dist: Path, *, store: bool = False, unpacked: bool = False) -> list[Path]:
    """Write dist/linkguard-{chrome,firefox}-<version>.zip; returns the paths written."""
    try:
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PackagingError(f"cannot read {source / 'manifest.json'}: {exc}") from exc
    files = shipped_files(source)
    validate(manifest, files)
    version = manifest["version"]
    chrome = chrome_manifest(manifest, keep_key=not store)
    firefox = firefox_manifest(manifest)
    validate(firefox, files)
    written = [
        write_zip(dist / f"linkguard-chrome-{version}.zip", source, files, chrome),
        write_zip(dist / f"linkguard-firefox-{version}.zip", source, files, firefox),
    ]
    if unpacked:
        written.append(write_unpacked(dist / "firefox", source, files, firefox))
        written.append(write_unpacked(dist / "chrome", source, files, chrome))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--source", type=Path, default=SOURCE, help="extension tree (default: extension/)"
    )
    parser.add_argument("--dist", type=Path, default=DIST, help="output directory (default: dist/)")
    parser.add_argument(
        "--store", action="store_true", help="drop the manifest key (Chrome Web Store upload)"
    )
    parser.add_argument(
        "--unpacked",
        action="store_true",
        help="also write dist/chrome/ and dist/firefox/ directories",
    )
    args = parser.parse_args(argv)
    try:
        for path in build(args.source, args.dist, store=args.store, unpacked=args.unpacked):
            print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    except PackagingError as exc:
        print(f"package_extension: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
