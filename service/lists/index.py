"""The list index: which lists name a URL's host (or a parent domain) or the URL itself.

Memory first: a million entries are held as two dicts from key string to a small int that
names a "combination" of (list, exception) codes, shared by every key with the same lists.
A host key matches that host and all its subdomains (every suffix is looked up, not only
the five Safe Browsing uses); a URL key is looked up through `urls.expressions`, so it matches
that URL and, when it ends in `/`, everything under that path (Safe Browsing v4 "Suffix/Prefix
Expressions": at most 5 host suffixes and 6 path prefixes, so deep prefixes only match exactly).
An allow hit beats block hits unless a block hit is the exact URL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from service.core import urls
from service.lists.canon import url_key
from service.lists.entries import Entry, ListSpec
from service.lists.formats import EXCEPTION, URL, Raw


@dataclass(frozen=True, slots=True)
class Hit:
    """One list entry that matched: `exact` when it is the URL's full expression."""

    list: str
    category: str
    action: str
    entry: str
    exact: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """All hits for one URL, most specific first (URL entries, then the longest host)."""

    block: tuple[Hit, ...] = ()
    allow: tuple[Hit, ...] = ()

    @property
    def blocked(self) -> bool:
        return bool(self.block) and (not self.allow or any(hit.exact for hit in self.block))

    @property
    def allowed(self) -> bool:
        return bool(self.allow) and not self.blocked


NO_MATCH = Match()


class IndexBuilder:
    """Collects entries list by list, then `build()`s an immutable Index."""

    def __init__(self) -> None:
        self._specs: list[ListSpec] = []
        self._hosts: dict[str, int] = {}
        self._urls: dict[str, int] = {}
        self._url_hosts: set[str] = set()
        self._combos: list[tuple[int, ...]] = []  # combination id -> sorted codes
        self._ids: dict[tuple[int, ...], int] = {}  # codes -> the (one shared) id int object

    def add_list(self, spec: ListSpec, entries: Iterable[Entry]) -> None:
        self.add_raw(
            spec,
            (
                (e.value, (URL if e.kind == "url" else 0) | (EXCEPTION if e.exception else 0), 0)
                for e in entries
            ),
        )

    def add_raw(self, spec: ListSpec, raws: Iterable[Raw]) -> None:
        """Add `(key, flags, line)` tuples from `lists.iter_list` for one list."""
        if any(known.name == spec.name for known in self._specs):
            raise ValueError(f"list {spec.name!r} added twice")
        self._specs.append(spec)
        code = 2 * (len(self._specs) - 1)  # code = 2 * list number + 1 if an exception
        plain, excepted = self._combo((code,)), self._combo((code + 1,))
        hosts, url_keys = self._hosts.setdefault, self._urls.setdefault
        url_host = self._url_hosts.add
        merge = self._merge
        for key, flags, _ in raws:
            combo = excepted if flags & EXCEPTION else plain
            if flags & URL:
                old = url_keys(key, combo)
                url_host(key[: key.index("/")])
            else:
                old = hosts(key, combo)
            if old != combo:
                merge(self._urls if flags & URL else self._hosts, key, old, combo)

    def build(self) -> Index:
        return Index._make(self)

    def _combo(self, codes: tuple[int, ...]) -> int:
        found = self._ids.get(codes)
        if found is None:
            found = self._ids[codes] = len(self._combos)
            self._combos.append(codes)
        return found

    def _merge(self, table: dict[str, int], key: str, old: int, new: int) -> None:
        codes = tuple(sorted(set(self._combos[old]) | set(self._combos[new])))
        table[key] = self._combo(codes)


class Index:
    """Immutable once built. `match(url)` is the hot path: a dict lookup per host suffix, and
    the URL expressions only when some URL entry exists under one of those suffixes."""

    __slots__ = ("_combos", "_counts", "_hosts", "_specs", "_url_hosts", "_urls")

    def __init__(self, pairs: Iterable[tuple[ListSpec, Iterable[Entry]]] = ()) -> None:
        builder = IndexBuilder()
        for spec, entries in pairs:
            builder.add_list(spec, entries)
        self._adopt(builder)

    @classmethod
    def empty(cls) -> Index:
        return cls()

    @classmethod
    def _make(cls, builder: IndexBuilder) -> Index:
        index = cls.__new__(cls)
        index._adopt(builder)
        return index

    def _adopt(self, builder: IndexBuilder) -> None:
        self._specs = tuple(builder._specs)
        self._hosts = builder._hosts
        self._urls = builder._urls
        self._url_hosts = frozenset(builder._url_hosts)
        self._combos = tuple(builder._combos)
        per_combo = Counter(self._hosts.values()) + Counter(self._urls.values())
        counts = dict.fromkeys((spec.name for spec in self._specs), 0)
        for combo, keys in per_combo.items():
            for name in {self._specs[code // 2].name for code in self._combos[combo]}:
                counts[name] += keys
        self._counts = MappingProxyType(counts)

    def __len__(self) -> int:
        return len(self._hosts) + len(self._urls)

    @property
    def lists(self) -> tuple[ListSpec, ...]:
        return self._specs

    @property
    def counts(self) -> Mapping[str, int]:
        """Distinct keys per list name (a key in two lists counts for both)."""
        return self._counts

    def count(self, name: str) -> int:
        return self._counts.get(name, 0)

    def match(self, url: urls.URL) -> Match:
        host = url.host
        get, url_hosts = self._hosts.get, self._url_hosts
        found: list[tuple[int, str, bool]] = []  # (combo, key, exact), most specific first
        under_url_entries = False
        # Every suffix of a name (`a.b.evil.com`, `b.evil.com`, `evil.com`, `com`), but only the
        # literal itself for an IP: IPv4 hosts end in a digit, no TLD does; IPv6 is bracketed.
        ip = host[-1].isdigit() or host[0] == "["
        start = 0
        while True:
            suffix = host[start:] if start else host
            combo = get(suffix)
            if combo is not None:
                found.append((combo, suffix, False))
            under_url_entries = under_url_entries or suffix in url_hosts
            start = 0 if ip else host.find(".", start) + 1
            if not start:
                break
        if under_url_entries:
            full = url_key(url)
            url_hits = [
                (combo, expression, expression == full)
                for expression in urls.expressions(url)
                if (combo := self._urls.get(expression)) is not None
            ]
            found = url_hits + found
        return self._hits(found) if found else NO_MATCH

    def entries(self, name: str) -> Iterator[Entry]:
        """Every key one list contributed (for `linkguard lists export/diff`; a full scan)."""
        for table, kind in ((self._hosts, "host"), (self._urls, "url")):
            for key, combo in table.items():
                for code in self._combos[combo]:
                    if self._specs[code // 2].name == name:
                        yield Entry(key, kind, 0, bool(code & 1))  # type: ignore[arg-type]

    def _hits(self, found: list[tuple[int, str, bool]]) -> Match:
        block: list[Hit] = []
        allow: list[Hit] = []
        for combo, key, exact in found:
            for code in self._combos[combo]:
                spec = self._specs[code // 2]
                allows = bool(code & 1) or spec.action == "allow"
                hit = Hit(spec.name, spec.category, "allow" if allows else "block", key, exact)
                (allow if allows else block).append(hit)
        return Match(block=tuple(block), allow=tuple(allow))
