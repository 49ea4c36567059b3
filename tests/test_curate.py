"""Pure parts of the maintainer tools: guards, size checks, list-text edits, validate findings."""

from __future__ import annotations

import pytest

from service.core.errors import ListError
from service.lists.entries import Entry, ListSpec, iter_list, parse_list
from service.lists.formats import EXCEPTION, URL
from service.upkeep.curate import (
    ALLOWLISTED,
    PROTECTED,
    PUBLIC_SUFFIX,
    Guard,
    Screening,
    diff,
    public_suffixes,
    size_problem,
)
from service.upkeep.edits import add_entry, comment, filter_lines, fits, parse_target, remove_entry
from service.upkeep.validate import Checked, check_list

GUARD = Guard(protected=["google.com", "vietcombank.com.vn", "blogspot.com"],
              allowed=["school.example.edu.vn", "github.io"])


@pytest.mark.parametrize(
    ("host", "suffix"),
    [
        ("com", True), ("vn", True), ("com.vn", True), ("edu.vn", True),
        ("blogspot.com", True),  # PSL private section: every blog has its own owner
        ("github.io", True), ("s3.amazonaws.com", True),
        ("evil.ck", True),  # *.ck wildcard rule
        ("www.ck", False),  # its !www.ck exception
        ("intranet", True),  # one label: the implicit "*" rule
        ("xn--p1ai", True),  # .рф
        ("google.com", False), ("evil.blogspot.com", False), ("a.b.c.example.com", False),
        ("1.2.3.4", False), ("[::1]", False), ("", False),
    ],
)  # fmt: skip
def test_public_suffixes_come_from_the_bundled_psl(host: str, suffix: bool) -> None:
    assert (host in public_suffixes()) is suffix


@pytest.mark.parametrize(
    ("key", "flags", "reason"),
    [
        ("com", 0, PUBLIC_SUFFIX),
        ("com.vn", 0, PUBLIC_SUFFIX),
        ("google.com", 0, PROTECTED),
        ("mail.google.com", 0, PROTECTED),  # the brand's own subdomain
        ("vietcombank.com.vn", 0, PROTECTED),
        ("blogspot.com", 0, PUBLIC_SUFFIX),
        ("someone.blogspot.com", 0, None),  # under a protected public suffix: its own owner
        ("google.com.evil.test", 0, None),
        ("school.example.edu.vn", 0, ALLOWLISTED),
        ("x.school.example.edu.vn", 0, ALLOWLISTED),
        ("evil.github.io", 0, None),  # github.io is a public suffix: no subdomain is "allowed"
        ("example.edu.vn", 0, None),  # a parent of an allow entry is not refused
        ("evil.test", 0, None),
        ("google.com/", URL, PROTECTED),  # the whole site
        ("sites.google.com/view/evil", URL, None),  # one page: kept
        ("com/", URL, PUBLIC_SUFFIX),
        ("school.example.edu.vn", EXCEPTION, None),  # an @@ exception allows: fine
        ("com", EXCEPTION, PUBLIC_SUFFIX),
        ("203.0.113.9", 0, None),
    ],
)
def test_guard_verdicts(key: str, flags: int, reason: str | None) -> None:
    assert GUARD.verdict(key, flags) == reason


@pytest.mark.parametrize(("key", "reason"), [("com", PUBLIC_SUFFIX), ("google.com", None),
                                             ("school.example.edu.vn", None)])
def test_allow_lists_only_refuse_public_suffixes(key: str, reason: str | None) -> None:
    assert GUARD.verdict(key, allow_list=True) == reason


def test_screening_counts_and_remembers_lines() -> None:
    screening = Screening(GUARD)
    screening.feed(iter_list("evil.test\ncom\ngoogle.com\nevil.test\nok.test\n", "domains"))
    assert screening.kept == {"evil.test", "ok.test"}
    assert screening.drop_lines == {2: {"com"}, 3: {"google.com"}}
    assert dict(screening.counts) == {PUBLIC_SUFFIX: 1, PROTECTED: 1}
    assert [(d.key, d.line) for d in screening.samples] == [("com", 2), ("google.com", 3)]


SPEC = ListSpec("feed", "f.txt", "domains", "phishing", "block", min_entries=10, max_shrink=0.5)


@pytest.mark.parametrize(
    ("new", "old", "errors", "problem"),
    [
        (100, 100, 0, None),
        (100, None, 0, None),
        (50, 100, 0, None),  # exactly 50% is allowed
        (49, 100, 0, "shrank by 51%"),
        (0, None, 0, "no usable entries"),
        (0, 100, 0, "no usable entries"),
        (9, None, 0, "fewer than its min_entries = 10"),
        (20, None, 21, "unreadable lines"),
        (20, None, 20, None),
    ],
)
def test_size_problems(new: int, old: int | None, errors: int, problem: str | None) -> None:
    found = size_problem(SPEC, new, old, errors)
    assert found == problem if problem is None else problem in (found or "")


def test_diff_is_sorted_both_ways() -> None:
    change = diff({"a", "b", "c"}, {"b", "c", "e", "d"})
    assert (change.added, change.removed, change.unchanged) == (("d", "e"), ("a",), False)
    assert diff({"a"}, {"a"}).unchanged


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("Evil.Example.", "evil.example", "host"),
        ("*.evil.example", "evil.example", "host"),
        ("https://evil.example/", "evil.example", "host"),  # a whole site is a host entry
        ("https://EVIL.example", "evil.example", "host"),
        ("https://evil.example/login?x=1", "evil.example/login?x=1", "url"),
        ("evil.example/a/./b/../c", "evil.example/a/c", "url"),
        ("ví-dụ.vn", "xn--v-d-rma6749a.vn", "host"),
    ],
)
def test_parse_target(text: str, value: str, kind: str) -> None:
    target = parse_target(text)
    assert (target.key, target.entry.kind) == (value, kind)


@pytest.mark.parametrize("text", ["", "   ", "not a host", "http://", "evil..exa mple",
                                  "a" * 300 + ".com", "http://[zz]/"])
def test_parse_target_refuses_junk_with_a_message(text: str) -> None:
    with pytest.raises(ListError, match=r"host|URL"):
        parse_target(text)


@pytest.mark.parametrize(
    ("fmt", "kind", "problem"),
    [("domains", "host", None), ("domains", "url", "host names only"),
     ("hosts", "url", "host names only"), ("urls", "url", None), ("adblock", "url", None),
     ("phishtank-csv", "host", "feed format")],
)  # fmt: skip
def test_fits(fmt: str, kind: str, problem: str | None) -> None:
    entry = Entry("evil.example/x" if kind == "url" else "evil.example", kind)  # type: ignore[arg-type]
    found = fits(entry, fmt)
    assert found is None if problem is None else problem in (found or "")


@pytest.mark.parametrize("fmt", ["domains", "hosts", "adblock", "urls"])
def test_add_then_remove_round_trips_with_dated_comments(fmt: str) -> None:
    text = "# my list\nalready.example\n" if fmt in ("domains", "urls") else ""
    target = parse_target("new.example")
    added = add_entry(text, target, fmt, note_line=comment("added", "2026-11-28", "why", fmt))
    mark = "!" if fmt == "adblock" else "#"
    assert f"{mark} added 2026-11-28 by linkguard: why\n" in added
    assert "new.example" in {e.value for e in parse_list(added, fmt).entries}
    with pytest.raises(ListError, match="already on the list"):
        add_entry(added, target, fmt, note_line="# again")
    removed = remove_entry(added, target, fmt,
                           note_line=comment("removed", "2026-11-29", "new.example", fmt))
    assert "new.example" not in {e.value for e in parse_list(removed, fmt).entries}
    assert f"{mark} removed 2026-11-29 by linkguard: new.example" in removed
    with pytest.raises(ListError, match="not on the list"):
        remove_entry(removed, target, fmt, note_line="# x")


def test_notes_are_one_printable_line() -> None:
    line = comment("added", "2026-11-28", "two\nlines\x1b[31m and " + "x" * 500, "domains")
    assert "\n" not in line and "\x1b" not in line and len(line) < 260


def test_filter_lines_keeps_other_hosts_on_a_hosts_line() -> None:
    data = b"0.0.0.0 google.com evil.test\n0.0.0.0 com\n0.0.0.0 keep.test\n"
    out = filter_lines(data, {1: {"google.com"}, 2: {"com"}}, "hosts")
    assert out == b"0.0.0.0 evil.test\n0.0.0.0 keep.test\n"


def _findings(text: str, fmt: str = "domains", *, source: str | None = None,
              action: str = "block") -> set[tuple[str, str, int]]:
    category = "allow" if action == "allow" else "phishing"
    spec = ListSpec("mine", "m.txt", fmt, category, action, source=source)
    checked = Checked()
    check_list(spec, text, GUARD, checked)
    return {(f.level, f.code, f.line) for f in checked.findings}


def test_validate_findings_errors_and_warnings() -> None:
    text = ("evil.test\ncom\ngoogle.com\nschool.example.edu.vn\nx.school.example.edu.vn\n"
            "evil.test\nnot a host\n")
    assert _findings(text) == {
        ("error", "entry.public_suffix", 2), ("error", "entry.protected", 3),
        ("error", "entry.allowlisted", 4), ("warning", "entry.shadowed", 5),
        ("warning", "entry.duplicate", 6), ("error", "line.malformed", 7),
    }


def test_validate_feed_lines_are_warnings_and_allow_lists_are_checked() -> None:
    assert _findings("not a host\nevil.test\n", source="https://x") == {
        ("warning", "line.malformed", 1)}
    assert _findings("com\ngoogle.com\n", action="allow") == {
        ("error", "entry.public_suffix", 1)}


def test_checked_counts_beyond_the_samples() -> None:
    checked = Checked()
    check_list(ListSpec("big", "b.txt", "domains", "phishing", "block"),
               "dup.test\n" * 50, GUARD, checked)
    assert checked.counts[("big", "warning", "entry.duplicate")] == 49
    assert len(checked.findings) == 20
    assert not checked.failed() and checked.failed(strict=True)
