"""scripts/package_extension.py: one tree in, a Chrome zip and a Firefox zip (own manifest) out."""

from __future__ import annotations

import importlib.util
import json
import shutil
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "package_extension", ROOT / "scripts/package_extension.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pkg = _load()


def manifest_in(zip_path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(zip_path) as zf:
        return dict(json.loads(zf.read("manifest.json")))


@pytest.fixture
def built(tmp_path: Path) -> dict[str, Path]:
    paths = pkg.build(ROOT / "extension", tmp_path / "dist")
    return {p.name.split("-")[1]: p for p in paths}


def test_both_zips_are_written_with_the_version(built: dict[str, Path]) -> None:
    version = json.loads((ROOT / "extension/manifest.json").read_text())["version"]
    assert built["chrome"].name == f"linkguard-chrome-{version}.zip"
    assert built["firefox"].name == f"linkguard-firefox-{version}.zip"


@pytest.mark.parametrize(
    ("browser", "path", "expected"),
    [
        ("chrome", ("background", "service_worker"), "background.js"),
        ("chrome", ("storage", "managed_schema"), "managed_schema.json"),
        ("firefox", ("background", "scripts"), ["background.js"]),
        ("firefox", ("background", "type"), "module"),
        ("firefox", ("browser_specific_settings", "gecko", "id"), pkg.GECKO_ID),
    ],
)
def test_manifest_fields(
    built: dict[str, Path], browser: str, path: tuple[str, ...], expected: Any
) -> None:
    value: Any = manifest_in(built[browser])
    for key in path:
        value = value[key]
    assert value == expected


@pytest.mark.parametrize("absent", ["key", "minimum_chrome_version", "storage"])
def test_firefox_manifest_drops_chrome_only_keys(built: dict[str, Path], absent: str) -> None:
    manifest = manifest_in(built["firefox"])
    assert absent not in manifest
    assert "service_worker" not in manifest["background"]


@pytest.mark.parametrize(("browser", "blocking"), [("chrome", False), ("firefox", True)])
def test_only_firefox_asks_for_blocking_webrequest(
    built: dict[str, Path], browser: str, blocking: bool
) -> None:
    # Chrome MV3 refuses webRequestBlocking outside policy installs; Firefox holds requests with it.
    permissions = manifest_in(built[browser])["permissions"]
    assert ("webRequestBlocking" in permissions) is blocking
    # Observing (not blocking) webRequest is in both: server redirects are checked (travel.js).
    assert "webRequest" in permissions
    assert len(permissions) == len(set(permissions))
    assert {"storage", "webNavigation", "contextMenus"} <= set(permissions)


def test_chrome_keeps_the_key_unless_built_for_the_store(
    built: dict[str, Path], tmp_path: Path
) -> None:
    assert "key" in manifest_in(built["chrome"])
    store = pkg.build(ROOT / "extension", tmp_path / "store", store=True)
    assert "key" not in manifest_in(store[0])


def test_node_tests_are_not_shipped_and_every_source_file_is(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["chrome"]) as zf:
        names = set(zf.namelist())
    assert not any(n.startswith("tests/") for n in names)
    for required in (
        "warning.html",
        "ui/warning.js",
        "content/links.js",
        "_locales/vi/messages.json",
    ):
        assert required in names


def test_the_same_tree_gives_the_same_bytes(tmp_path: Path) -> None:
    first = pkg.build(ROOT / "extension", tmp_path / "a")
    second = pkg.build(ROOT / "extension", tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(version="1.0-beta"), "version"),
        (lambda m: m.update(manifest_version=2), "manifest_version"),
        (
            lambda m: m["content_scripts"][0]["js"].append("content/missing.js"),
            "content/missing.js",
        ),
    ],
)
def test_a_broken_tree_is_a_clear_error(tmp_path: Path, change: Any, message: str) -> None:
    tree = tmp_path / "ext"
    shutil.copytree(ROOT / "extension", tree)
    manifest = json.loads((tree / "manifest.json").read_text())
    change(manifest)
    (tree / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(pkg.PackagingError, match=message):
        pkg.build(tree, tmp_path / "dist")
    assert pkg.main(["--source", str(tree), "--dist", str(tmp_path / "dist")]) == 1
