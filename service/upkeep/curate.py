"""Sanity guards for list updates and edits: entries never to serve, sizes of a broken download.

Pure: sets of domains in, verdicts out. A feed that lists `com`, `com.vn`, `google.com` or the
school's own site would block everything under it for every student; such entries are dropped
and reported, never written. A download that shrank too much, fell under the list's minimum or
is mostly unreadable is refused as a whole, so the last good copy keeps serving.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from service.core.hostnames import ip_of, make_extractor, unicode_host
from service.detect.idn import to_ascii
from service.lists.entries import ListSpec
from service.lists.formats import EXCEPTION, URL, Raw

PUBLIC_SUFFIX = "public_suffix"
PROTECTED = "protected"
ALLOWLISTED = "allowlisted"
REASONS = {
    PUBLIC_SUFFIX: "a public suffix: it would cover every site registered under it",
    PROTECTED: "a protected target's official domain (or a parent or subdomain of one)",
    ALLOWLISTED: "on an allow list: the allow entry wins, and a feed listing it is wrong",
}
SAMPLES = 50  # dropped entries kept per list for the report; all are counted


class PublicSuffixes:
    """Membership in the Public Suffix List (ICANN and private sections) from tldextract's
    bundled snapshot, never fetched. A set lookup for the common case; wildcard rules (`*.ck`)
    and their exceptions (`!www.ck`) are settled by tldextract itself. A single label is a
    public suffix too: the PSL algorithm's implicit `*` rule (publicsuffix.org/list/)."""

    def __init__(self) -> None:
        self._extractor = make_extractor()
        self._plain: set[str] = set()
        self._wild: set[str] = set()
        for rule in self._extractor.tlds:
            wild = rule.startswith("*.")
            ascii_rule = to_ascii(rule[2:] if wild else rule)
            if ascii_rule:
                (self._wild if wild else self._plain).add(ascii_rule)

    def __contains__(self, host: object) -> bool:
        if not isinstance(host, str) or not host or ip_of(host) is not None:
            return False
        if "." not in host or host in self._plain:
            return True
        if host.split(".", 1)[1] in self._wild:
            found = self._extractor.extract_str(unicode_host(host))
            return not found.domain and bool(found.suffix)
        return False


_SUFFIXES: PublicSuffixes | None = None


def public_suffixes() -> PublicSuffixes:
    global _SUFFIXES  # built once, on first use: reading the snapshot takes ~50 ms
    if _SUFFIXES is None:
        _SUFFIXES = PublicSuffixes()
    return _SUFFIXES


def suffixes_of(host: str) -> Iterable[str]:
    """`a.b.c`, `b.c`, `c`: the host and every parent domain (an IP only itself)."""
    yield host
    if ip_of(host) is not None:
        return
    start = host.find(".") + 1
    while start:
        yield host[start:]
        start = host.find(".", start) + 1


class Guard:
    """What may never be a block entry. `protected`: official domains of protected targets;
    `allowed`: host entries of the allow lists. Both are canonical ASCII hosts."""

    __slots__ = ("_allowed_owned", "_covers", "_owned", "allowed", "protected", "suffixes")

    def __init__(self, protected: Iterable[str] = (), allowed: Iterable[str] = ()) -> None:
        self.protected = frozenset(protected)
        self.allowed = frozenset(allowed)
        self.suffixes = public_suffixes()
        # Every parent of a protected domain: an entry `google.com` covers `mail.google.com`.
        self._covers = frozenset(p for d in self.protected for p in suffixes_of(d))
        # Subdomains belong to the brand, except under a domain that is itself a public suffix
        # (blogspot.com is on the PSL's private section: each blog has its own owner).
        self._owned = frozenset(d for d in self.protected if d not in self.suffixes)
        self._allowed_owned = frozenset(d for d in self.allowed if d not in self.suffixes)

    def verdict(self, key: str, flags: int = 0, *, allow_list: bool = False) -> str | None:
        """Why entry `key` (a host, or a URL expression when `flags & URL`) must be dropped,
        or None to keep it. On an allow list (or an `@@` exception) only public suffixes are
        refused: allowing `com` would clear every .com site."""
        if flags & URL:
            host, _, rest = key.partition("/")
            if rest:
                return None  # a page or folder: how phishing on shared platforms is listed
            key = host  # `host/` covers the whole site: judge it as the host
        if key in self.suffixes:
            return PUBLIC_SUFFIX
        if allow_list or flags & EXCEPTION:
            return None
        if key in self._covers or any(s in self._owned for s in suffixes_of(key)):
            return PROTECTED
        if key in self.allowed or any(s in self._allowed_owned for s in suffixes_of(key)):
            return ALLOWLISTED
        return None


@dataclass(frozen=True, slots=True)
class Dropped:
    key: str
    line: int
    reason: str


def entry_key(key: str, flags: int) -> str:
    """One string per entry: hosts have no '/', URL expressions do; `@@` marks exceptions."""
    return "@@" + key if flags & EXCEPTION else key


class Screening:
    """Feed a list's raw entries through a Guard: keeps the distinct kept keys, the line
    numbers (and keys) to drop, counts per reason and the first SAMPLES dropped entries."""

    def __init__(self, guard: Guard, *, allow_list: bool = False) -> None:
        self.guard = guard
        self.allow_list = allow_list
        self.kept: set[str] = set()
        self.drop_lines: dict[int, set[str]] = {}
        self.counts: Counter[str] = Counter()
        self.samples: list[Dropped] = []

    def feed(self, raws: Iterable[Raw]) -> None:
        verdict, kept = self.guard.verdict, self.kept
        for key, flags, line in raws:
            reason = verdict(key, flags, allow_list=self.allow_list)
            if reason is None:
                kept.add(entry_key(key, flags))
                continue
            self.drop_lines.setdefault(line, set()).add(key)
            self.counts[reason] += 1
            if len(self.samples) < SAMPLES:
                self.samples.append(Dropped(key, line, reason))

    @property
    def dropped(self) -> int:
        return sum(self.counts.values())


def size_problem(spec: ListSpec, new: int, old: int | None, errors: int = 0) -> str | None:
    """Why a download of `new` entries (after `old`, with `errors` bad lines) must not replace
    the list, or None. The fraction `max_shrink` and the floor `min_entries` are per list."""
    if errors > new:
        return (f"{errors} unreadable lines and only {new} entries: probably not a "
                f"{spec.format!r} file (an error page?)")
    if new == 0:
        return f"no usable entries (an empty download, or not a {spec.format!r} file)"
    if new < spec.min_entries:
        return f"only {new} entries, fewer than its min_entries = {spec.min_entries}"
    if old and new < old * (1 - spec.max_shrink):
        shrink = 1 - new / old
        return (f"{new} entries after {old}: it shrank by {shrink:.0%}, more than its "
                f"max_shrink = {spec.max_shrink:g}")
    return None


@dataclass(frozen=True, slots=True)
class Diff:
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def unchanged(self) -> bool:
        return not self.added and not self.removed


def diff(old: set[str] | frozenset[str], new: set[str] | frozenset[str]) -> Diff:
    """Entry keys (see `entry_key`) an update would add and remove, sorted."""
    return Diff(tuple(sorted(new - old)), tuple(sorted(old - new)))
