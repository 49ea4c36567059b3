"""The loader on the shipped blocklists/ and on temp dirs: errors, versions, reference data."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from service.core import urls
from service.core.errors import ListError
from service.lists.entries import parse_list, parse_manifest
from service.settings import REPO_BLOCKLISTS
from service.upkeep.loader import Lists, load_lists

VERSION = re.compile(r"[0-9a-f]{12}")
MANIFEST = """
[[list]]
name = "bad"
file = "bad.txt"
format = "domains"
category = "phishing"
action = "block"
license = "CC0-1.0"

[[list]]
name = "good"
file = "good.txt"
format = "domains"
category = "allow"
action = "allow"
license = "CC0-1.0"

[[list]]
name = "later"
file = "feeds/later.txt"
format = "urls"
category = "phishing"
action = "block"
license = "CC0-1.0"
source = "https://feeds.example/later.txt"
enabled = false

[reference.shorteners]
file = "short.txt"
license = "CC0-1.0"

[reference.suspicious_tlds]
file = "tlds.txt"
license = "CC0-1.0"

[reference.protected]
file = "protected.toml"
license = "CC0-1.0"

[reference.lure_keywords]
file = "lure.txt"
license = "CC0-1.0"
"""


@pytest.fixture
def lists_dir(tmp_path: Path) -> Path:
    (tmp_path / "lists.toml").write_text(MANIFEST)
    (tmp_path / "bad.txt").write_text("evil.com\nnot a host\nphish.example.org\n")
    (tmp_path / "good.txt").write_text("school.example.edu\n")
    (tmp_path / "short.txt").write_text("# shorteners\nbit.ly\nT.CO\n")
    (tmp_path / "tlds.txt").write_text("# tlds\n.top\nXYZ\n\nvip # comment\n")
    return tmp_path


# --- the shipped data ----------------------------------------------------------------------


def test_shipped_lists_load_cleanly() -> None:
    lists = load_lists(REPO_BLOCKLISTS)
    assert VERSION.fullmatch(lists.version)
    infos = {info.name: info for info in lists.infos}
    assert {"local-phishing", "local-lure", "local-allow", "major-sites"} <= set(infos)
    for info in lists.infos:
        assert info.errors == 0, (info.name, info.error_samples)
        assert info.loaded == info.enabled
        assert info.license and info.description
        assert info.enabled or info.source, f"{info.name}: a disabled feed needs a source"
    assert infos["major-sites"].entries >= 30
    assert len(lists.reference.shorteners) == 1479
    assert {"top", "xyz", "icu"} <= lists.reference.suspicious_tlds


@pytest.mark.parametrize(
    "url",
    ["https://www.vietcombank.com.vn/", "https://zalo.me/", "https://store.steampowered.com/",
     "https://vneid.gov.vn/", "https://m.youtube.com/watch?v=x"],
)  # fmt: skip
def test_shipped_allowlist_covers_the_real_sites(url: str) -> None:
    match = load_lists(REPO_BLOCKLISTS).index.match(urls.parse(url))
    assert match.allowed and [h.list for h in match.allow] == ["major-sites"]


def test_shipped_manifest_names_the_reference_files_with_attribution() -> None:
    manifest = parse_manifest((REPO_BLOCKLISTS / "lists.toml").read_text())
    assert set(manifest.reference) >= {
        "shorteners",
        "suspicious_tlds",
        "protected",
        "lure_keywords",
        "message_patterns",
        "wrappers",
        "scam_lexicon",
        "vi_syllables",
        "en_words",
        "platforms",
    }
    for name in ("scam_lexicon", "vi_syllables", "en_words", "platforms"):
        spec = manifest.reference[name]
        assert spec.license and spec.attribution and (REPO_BLOCKLISTS / spec.file).is_file()
    assert manifest.reference["protected"].file == "reference/protected.toml"
    assert manifest.reference["lure_keywords"].file == "reference/lure-keywords.txt"
    shorteners = manifest.reference["shorteners"]
    assert shorteners.license == "CC-BY-SA-4.0" and "69dd70bd" in shorteners.attribution
    head = (REPO_BLOCKLISTS / shorteners.file).read_text().split("\n", 8)[:8]
    assert any("CC BY-SA 4.0" in line for line in head)
    assert any("PeterDaveHello/url-shorteners" in line for line in head)


def test_shipped_local_lists_are_documented_and_empty() -> None:
    for name in ("local/phishing.txt", "local/allow.txt", "local/lure.txt"):
        text = (REPO_BLOCKLISTS / name).read_text()
        assert text.startswith("#") and "add" in text.lower()
        assert parse_list(text, "urls").entries == ()


# --- temp dirs -----------------------------------------------------------------------------


def test_bad_lines_are_counted_not_fatal(lists_dir: Path) -> None:
    lists = load_lists(lists_dir)
    bad = next(info for info in lists.infos if info.name == "bad")
    assert (bad.entries, bad.errors) == (2, 1)
    assert bad.error_samples[0].line == 2 and bad.error_samples[0].text == "not a host"
    assert bad.sha256 == hashlib.sha256((lists_dir / "bad.txt").read_bytes()).hexdigest()
    assert bad.updated_at is not None and bad.updated_at.endswith("Z")
    assert lists.index.match(urls.parse("http://x.evil.com/")).blocked


def test_disabled_feed_needs_no_file(lists_dir: Path) -> None:
    later = next(info for info in load_lists(lists_dir).infos if info.name == "later")
    assert (later.loaded, later.entries, later.sha256, later.updated_at) == (False, 0, "", None)
    assert later.source == "https://feeds.example/later.txt"


def test_reference_data(lists_dir: Path) -> None:
    reference = load_lists(lists_dir).reference
    assert reference.shorteners == {"bit.ly", "t.co"}
    assert reference.suspicious_tlds == {"top", "xyz", "vip"}


def test_missing_protected_targets_leave_lookalike_detectors_off(lists_dir: Path) -> None:
    reference = load_lists(lists_dir).reference  # protected.toml and lure.txt do not exist
    assert reference.targets is None
    assert reference.lures is not None  # lure patterns are constants, always on


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda d: (d / "bad.txt").unlink(), "list 'bad': "),
        (lambda d: (d / "good.txt").unlink() or (d / "good.txt").mkdir(), "cannot read"),
        (lambda d: (d / "lists.toml").write_text("[[list]\n"), "not valid TOML"),
        (lambda d: (d / "lists.toml").unlink(), "the lists manifest"),
        (lambda d: (d / "lists.toml").write_bytes(b"\xff\xfe"), "not valid UTF-8"),
        (lambda d: (d / "short.txt").unlink(), "reference 'shorteners'"),
    ],
)
def test_broken_dirs_raise_list_errors_naming_the_file(
    lists_dir: Path, breakage: object, message: str
) -> None:
    breakage(lists_dir)  # type: ignore[operator]
    with pytest.raises(ListError) as info:
        load_lists(lists_dir)
    assert message in info.value.message
    if "list 'bad'" in message:
        assert "bad.txt" in info.value.message and "enabled = false" in info.value.message


def test_version_is_stable_and_follows_content_not_file_times(lists_dir: Path) -> None:
    first, second = load_lists(lists_dir), load_lists(lists_dir)
    assert first.version == second.version
    copy = lists_dir.parent / "replica"
    shutil.copytree(lists_dir, copy)
    for path in copy.rglob("*"):  # another replica's clone: same content, its own file times
        os.utime(path, (1_000_000_000, 1_000_000_000 + 3_600 * len(path.name)))
    assert load_lists(copy).version == first.version
    bad = lists_dir / "bad.txt"
    stat = bad.stat()
    os.utime(bad, (stat.st_atime + 3600, stat.st_mtime + 3600))  # a touch is no new lists
    assert load_lists(lists_dir).version == first.version
    bad.write_text("evil.com\nother.example\n")
    os.utime(bad, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime: the content decides
    changed = load_lists(lists_dir).version
    assert changed != first.version and VERSION.fullmatch(changed)
    (lists_dir / "bad.txt").rename(lists_dir / "renamed.txt")  # same bytes under another name
    manifest = lists_dir / "lists.toml"
    manifest.write_text(manifest.read_text().replace('"bad.txt"', '"renamed.txt"'))
    assert load_lists(lists_dir).version not in (first.version, changed)


def test_heuristics_only_loads_reference_but_no_lists(lists_dir: Path) -> None:
    lists = load_lists(lists_dir, heuristics_only=True)
    assert len(lists.index) == 0 and not any(info.loaded for info in lists.infos)
    assert lists.reference.shorteners == {"bit.ly", "t.co"}
    assert lists.version != load_lists(lists_dir).version


PROTECTED = """\
[[target]]
name = "Example Bank"
category = "bank"
domains = ["examplebank.vn"]
"""


def test_reference_files_build_the_detector_tables(lists_dir: Path) -> None:
    (lists_dir / "protected.toml").write_text(PROTECTED)
    (lists_dir / "lure.txt").write_text("xacminh\n")
    reference = load_lists(lists_dir).reference
    assert reference.targets is not None and reference.lures is not None
    assert [b.name for b in reference.targets.brands] == ["Example Bank"]
    assert "xacminh" in reference.targets.keywords.values()


def test_protected_override_is_one_domain_per_line(lists_dir: Path, tmp_path: Path) -> None:
    override = tmp_path / "mine.txt"
    override.write_text("# ours\nschool.example.edu\n\nbank.example.vn # main\n")
    lists = load_lists(lists_dir, protected_override=override)
    assert lists.reference.targets is not None
    official = {d for b in lists.reference.targets.brands for d in b.domains}
    assert official == {"school.example.edu", "bank.example.vn"}
    assert lists.version != load_lists(lists_dir).version
    with pytest.raises(ListError, match="protected targets override"):
        load_lists(lists_dir, protected_override=tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("text", "message"),
    [("[[target]]\n", "target without a name"), ("x=", "protected targets: Invalid value")],
)
def test_a_broken_protected_file_is_a_list_error(lists_dir: Path, text: str, message: str) -> None:
    (lists_dir / "protected.toml").write_text(text)
    with pytest.raises(ListError, match=message):
        load_lists(lists_dir)


def test_empty_snapshot() -> None:
    empty = Lists.empty()
    assert len(empty.index) == 0 and empty.infos == () and empty.version == "empty"
