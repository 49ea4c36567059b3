"""User-content platforms (blogspot, github.io, sites.google.com ...): where a user's page starts.

The platform suffixes are the Public Suffix List's private section (passed in by the caller,
read from tldextract's bundled snapshot) plus `blocklists/reference/platforms.toml`, which
adds page builders the PSL lacks and the hosts whose users' pages live in the path.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from service.core.errors import ListError

PATH_SEGMENTS = 2  # the first path segments that name a user's page (/instagram_login/...)
MAX_SEGMENT = 63  # longer segments are ids or payloads, not names (one DNS label's length)
_FILE_SUFFIXES = (".html", ".htm", ".php", ".aspx", ".asp", ".jsp")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a URL's user content is: the platform, the user's site, the path words to read."""

    platform: str  # the platform's suffix or host (github.io, sites.google.com)
    site: str  # the user's site as the student sees it (user.github.io, sites.google.com)
    user_label: str  # the user's own label before the platform suffix ("" for path platforms)
    segments: tuple[str, ...]  # decoded path segments that name the page


@dataclass(frozen=True, slots=True, eq=False)
class PlatformTable:
    suffixes: frozenset[str]  # exact private suffixes (blogspot.com) and builders (weebly.com)
    wildcards: frozenset[str]  # "*.compute.amazonaws.com" stored as "compute.amazonaws.com"
    paths: Mapping[str, frozenset[str]]  # path-hosted platform host -> its own path words
    builder_endings: tuple[str, ...] = ()  # ".weebly.com"...: page builders the PSL lacks

    def is_platform_suffix(self, suffix: str) -> bool:
        parent = suffix.partition(".")[2]
        return suffix in self.suffixes or parent in self.wildcards

    def place(self, host: str, registrable: str, path: str) -> Place | None:
        """The user part of a URL on a platform, or None (not a platform, or its own pages)."""
        skip = self.paths.get(host)
        if skip is not None:
            segments = _segments(path, skip)
            return Place(host, host, "", segments) if segments else None
        label, _, suffix = registrable.partition(".")
        if suffix and self.is_platform_suffix(suffix):
            return Place(suffix, registrable, label, _segments(path, frozenset()))
        if not host.endswith(self.builder_endings):
            return None
        for candidate in _parents(host):
            if candidate in self.suffixes and candidate != host:
                user = host[: -len(candidate) - 1].rsplit(".", 1)[-1]
                if user != "www":
                    return Place(candidate, f"{user}.{candidate}", user,
                                 _segments(path, frozenset()))
        return None


def _parents(host: str) -> Iterable[str]:
    parts = host.split(".")
    return (".".join(parts[i:]) for i in range(1, len(parts) - 1))


def _segments(path: str, skip: frozenset[str]) -> tuple[str, ...]:
    """The first path segments past the platform's own words, decoded, as names."""
    out: list[str] = []
    for raw in path.split("/"):
        if len(out) == PATH_SEGMENTS:
            break
        segment = unquote(raw, errors="replace").strip().lower()
        if not segment or segment in skip:
            continue
        for ending in _FILE_SUFFIXES:
            segment = segment.removesuffix(ending)
        if segment in ("index", "home") or len(segment) > MAX_SEGMENT:
            continue
        out.append(segment)
    return tuple(out)


def build_platforms(toml_text: str | None, private_suffixes: Iterable[str]) -> PlatformTable:
    """The platform table from the PSL private section and `platforms.toml`."""
    try:
        data = tomllib.loads(toml_text or "")
    except tomllib.TOMLDecodeError as exc:
        raise ListError(f"platforms: {exc}") from exc
    extra = data.get("subdomain", {}).get("suffixes", [])
    if not isinstance(extra, list) or not all(isinstance(s, str) for s in extra):
        raise ListError("platforms: [subdomain] suffixes must be a list of strings")
    exact: set[str] = {s.strip().lower() for s in extra if s.strip()}
    wildcards: set[str] = set()
    for suffix in private_suffixes:
        if suffix.startswith("*."):
            wildcards.add(suffix[2:])
        elif not suffix.startswith("!"):
            exact.add(suffix)
    paths: dict[str, frozenset[str]] = {}
    for entry in data.get("path", []):
        host, skip = entry.get("host"), entry.get("skip", [])
        if not isinstance(host, str) or not isinstance(skip, list):
            raise ListError(f"platforms: [[path]] needs a host and a skip list: {entry!r}")
        paths[host.strip().lower()] = frozenset(str(s).lower() for s in skip)
    builders = tuple(sorted({"." + s.strip().lower() for s in extra if s.strip()}))
    return PlatformTable(frozenset(exact), frozenset(wildcards), paths, builders)
