"""Protected targets: brands students are lured with, prepared once into lookup tables."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from service.core.errors import ListError
from service.detect.confusables import compact, drop_diacritics, glyph_key, visual_keys
from service.detect.idn import to_ascii, to_unicode
from service.detect.trie import longest_at_each_position

CATEGORIES = ("bank", "e-wallet", "government", "social", "game", "shopping", "tech", "other")
MIN_TOKEN = 2  # "fb" still helps in fb-hotro.com, next to a lure keyword
STRONG_TOKEN = 4  # shorter tokens are acronyms other firms share (acb, tpb): weak
MIN_EMBED_LABEL = 4  # Chromium kMinE2LDLengthForTargetEmbedding; our brands are curated
MIN_EDIT_LABEL = 4  # 4-letter names only under their own suffix (typosquat.py)
MIN_GLYPH_LABEL = 5  # ASCII glyph classes merge too much in short names (ted ~ tcb)
TRIVIAL_PREFIXES = ("www.",)
MIN_INSIDE = 4  # shorter lure keywords count only as a whole part of a name ("vn")


@dataclass(frozen=True, slots=True)
class Brand:
    """One protected target: official domains (the first is suggested) and brand tokens.

    tokens: names that identify the brand alone (vietcombank, shopee); weak: names that only
    count next to a lure keyword - short acronyms and everyday words (fb, meta, steam, congan).
    suffixes: the public suffixes of its official domains (vn, com.vn, me).
    """

    name: str
    category: str
    domains: tuple[str, ...]  # ASCII hosts, punycode for IDN
    tokens: tuple[str, ...]  # lowercase, diacritics dropped
    weak: tuple[str, ...] = ()
    suffixes: frozenset[str] = frozenset()
    country_variants: bool = False  # owns its name under country TLDs (google.de, shopee.ph)

    @property
    def primary(self) -> str:
        return self.domains[0]

    def suggestion(self, suffix: str) -> str:
        """The brand's own name under the lookalike's suffix when it owns it (shopee.ph for
        shopee-xacminh.ph), else the primary domain."""
        label = self.primary.split(".", 1)[0]
        wanted = f"{label}.{suffix}"
        return wanted if wanted in self.domains else self.primary


@dataclass(frozen=True, slots=True)
class Embed:
    brand: Brand
    domain: str  # the official domain whose labels the sequence spells
    labels: tuple[str, ...]  # visual keys of its labels, e.g. ("google", "corn")


@dataclass(frozen=True, slots=True, eq=False)
class TargetTable:
    """Everything the lookalike detectors compare against, keyed for O(1) or C-speed lookups.

    Built once when lists load (`build_targets`); frozen and shared by every request.
    `eq=False` keeps identity hashing so per-host caches can key on the table.
    """

    brands: tuple[Brand, ...]
    official: Mapping[str, Brand]  # official ASCII domain -> brand (subdomains count too)
    tokens: Mapping[str, Brand]  # exact brand token -> brand (tld swaps)
    keys: Mapping[str, Brand]  # visual key of a token -> brand (skeleton matches)
    weak_keys: Mapping[str, Brand]  # visual keys of weak tokens: for Unicode labels only
    glyph_keys: Mapping[str, Brand]  # looser ASCII-glyph key -> brand (homoglyphs)
    edit_keys: tuple[str, ...]  # visual keys and plain forms eligible for edit distance
    edit_brands: tuple[tuple[Brand, str], ...]  # (brand, token) for each edit key
    embeds: Mapping[str, tuple[Embed, ...]]  # first label key -> official domains spelled out
    embeds_compact: Mapping[str, Embed]  # "googlecorn" -> google.com (no separators)
    combo: Mapping[str, tuple[str, Brand, bool]]  # key -> (token, brand, weak)
    combo_pattern: re.Pattern[str]  # finds, at each position, the longest combo key there
    containing: Mapping[str, tuple[str, ...]]  # combo key -> lure keywords that contain it
    keywords: Mapping[str, str] = field(default_factory=dict)  # visual key -> lure word
    distinctive: frozenset[str] = frozenset()  # tokens that count glued to any word (distinct)
    keyword_pattern: re.Pattern[str] = re.compile("(?!)")  # keywords of 4+ letters, a trie
    # length -> the edit keys of that length +-1, in edit_keys order, with their brands: only
    # those can be one edit away, so the fuzzy search scans a few keys instead of all.
    edit_near: Mapping[int, tuple[tuple[str, ...], tuple[tuple[Brand, str], ...]]] = field(
        default_factory=dict)

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(b.category for b in self.brands)

    def official_brand(self, host: str, registrable: str) -> Brand | None:
        """The brand owning `host` (the target itself or a real subdomain), else None."""
        brand = self.official.get(registrable) or self.official.get(host)
        if brand is not None:
            return brand
        # Walk up to the registrable domain, never past it: an official domain that is a
        # public suffix (Google's blogspot.com, GitHub's github.io) owns that name, not its
        # users' sites (books-facebook.blogspot.com is somebody's blog, not Google's).
        parts = host.split(".")
        for i in range(1, len(parts) - registrable.count(".") - 1):
            brand = self.official.get(".".join(parts[i:]))
            if brand is not None:
                return brand
        return None


def _key(text: str) -> str:
    return min(visual_keys(text), default=text)


def _normalize(domain: str) -> str:
    """Lowercase ASCII form of a listed domain; IDN goes to punycode."""
    domain = domain.strip().lower().rstrip(".")
    for prefix in TRIVIAL_PREFIXES:
        if domain.startswith(prefix) and "." in domain[len(prefix):]:
            domain = domain[len(prefix):]
    ascii_domain = to_ascii(domain)
    if ascii_domain is None:
        raise ListError(f"protected domain {domain!r} is not a valid IDN")
    domain = ascii_domain
    if "." not in domain or "" in domain.split(".") or " " in domain or "/" in domain:
        raise ListError(f"protected domain {domain!r} is not a domain name")
    return domain


def _token(text: str) -> str:
    # Spaces go first: drop_diacritics folds only text made of letters ("Liên Quân").
    return drop_diacritics(text.strip().lower().replace(" ", ""))


def _registrable_default(host: str) -> str:
    from service.core.urls import registrable_domain  # the PSL lives in urls (tldextract snapshot)

    return registrable_domain(host)


def _strings(entry: Mapping[str, object], field_name: str, name: str) -> list[str]:
    value = entry.get(field_name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ListError(f"protected target {name!r}: `{field_name}` must be a list of strings")
    return value


def _brand(entry: Mapping[str, object], registrable: Callable[[str], str]) -> Brand:
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ListError(f"protected target without a name: {dict(entry)!r}")
    domains = _strings(entry, "domains", name)
    if not domains:
        raise ListError(f"protected target {name!r} needs a non-empty list `domains`")
    category = entry.get("category", "other")
    if category not in CATEGORIES:
        raise ListError(f"protected target {name!r}: category must be one of {CATEGORIES}")
    explicit = [_token(t) for t in _strings(entry, "tokens", name)]
    weak = [_token(t) for t in _strings(entry, "weak_tokens", name)]
    short = [t for t in explicit + weak if len(t) < MIN_TOKEN]
    if short:
        raise ListError(f"protected target {name!r}: tokens shorter than {MIN_TOKEN}: {short}")
    ascii_domains = tuple(dict.fromkeys(_normalize(d) for d in domains))
    registrables = [registrable(d) for d in ascii_domains]
    # The first domain's label is a token; other labels (live.com, office.com) are everyday
    # words often enough that the maintainer names the tokens instead.
    first = _token(to_unicode(registrables[0])[0].split(".")[0])
    tokens = [t for t in dict.fromkeys([first, *explicit])
              if len(t) >= STRONG_TOKEN and t not in weak]  # weak_tokens can demote the first
    weak += [t for t in [first, *explicit] if len(t) < STRONG_TOKEN]
    return Brand(
        name=name.strip(), category=str(category), domains=ascii_domains, tokens=tuple(tokens),
        weak=tuple(t for t in dict.fromkeys(weak) if len(t) >= MIN_TOKEN and t not in tokens),
        suffixes=frozenset(reg.partition(".")[2] for reg in registrables),
        country_variants=bool(entry.get("country_variants", False)),
    )


def parse_keywords(text: str | None) -> dict[str, str]:
    """Lure keywords, one per line (`#` comments): visual key (diacritics and separators
    dropped, so "đăng nhập" and "dang-nhap" are one word) -> the word as written."""
    words: dict[str, str] = {}
    for line in (text or "").splitlines():
        written = line.split("#", 1)[0].strip()
        word = compact(_token(written))
        if word:
            words.setdefault(_key(word), written)
    return words


def table_from_brands(brands: Iterable[Brand], keywords: Mapping[str, str],
                      registrable: Callable[[str], str]) -> TargetTable:
    """Index brands: earlier brands keep a token two brands share (Garena before Free Fire)."""
    brands = tuple(brands)
    official: dict[str, Brand] = {}
    tokens: dict[str, Brand] = {}
    keys: dict[str, Brand] = {}
    weak_keys: dict[str, Brand] = {}
    glyphs: dict[str, Brand] = {}
    edits: dict[str, tuple[Brand, str]] = {}
    embeds: dict[str, list[Embed]] = {}
    embeds_compact: dict[str, Embed] = {}
    combo: dict[str, tuple[str, Brand, bool]] = {}
    for brand in brands:
        for domain in brand.domains:
            official.setdefault(domain, brand)
        for token in brand.tokens:
            tokens.setdefault(token, brand)
            for key in visual_keys(token):
                keys.setdefault(key, brand)
                combo.setdefault(key, (token, brand, False))
                edits.setdefault(key, (brand, token))
            if len(token) >= MIN_GLYPH_LABEL:
                glyphs.setdefault(glyph_key(token), brand)
            edits.setdefault(token, (brand, token))
        for token in brand.weak:
            combo.setdefault(_key(token), (token, brand, True))
            for key in visual_keys(token):
                weak_keys.setdefault(key, brand)
    for brand in brands:  # only domains named by a brand token are worth spelling out
        for domain in brand.domains:
            reg = to_unicode(registrable(domain))[0]
            label = drop_diacritics(reg.split(".")[0])
            if len(label) >= MIN_EMBED_LABEL and tokens.get(label) is brand:
                labels = tuple(_key(part) for part in reg.split("."))
                embed = Embed(brand, registrable(domain), labels)
                embeds.setdefault(labels[0], []).append(embed)
                for end in range(2, len(labels) + 1):
                    embeds_compact.setdefault("".join(labels[:end]), embed)
    return TargetTable(
        brands=brands, official=official, tokens=tokens, keys=keys, weak_keys=weak_keys,
        glyph_keys=glyphs,
        edit_keys=tuple(edits), edit_brands=tuple(edits.values()),
        edit_near=_by_length(edits),
        embeds={k: tuple(v) for k, v in embeds.items()}, embeds_compact=embeds_compact,
        combo=combo, combo_pattern=longest_at_each_position(combo),  # one regex pass, a trie
        containing={key: tuple(w for w in keywords if len(w) > len(key) and key in w)
                    for key in combo},
        keywords=keywords,
        keyword_pattern=longest_at_each_position(k for k in keywords if len(k) >= MIN_INSIDE),
    )


def _by_length(edits: Mapping[str, tuple[Brand, str]]
               ) -> dict[int, tuple[tuple[str, ...], tuple[tuple[Brand, str], ...]]]:
    out = {}
    for length in range(1, max((len(k) for k in edits), default=0) + 2):
        near = [(k, v) for k, v in edits.items() if abs(len(k) - length) <= 1]
        out[length] = (tuple(k for k, _ in near), tuple(v for _, v in near))
    return out


def build_targets(protected_toml_text: str, keywords_text: str | None = None, *,
                  registrable: Callable[[str], str] | None = None) -> TargetTable:
    """Parse `blocklists/reference/protected.toml` (`[[target]]` tables) and the lure keywords."""
    try:
        data = tomllib.loads(protected_toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise ListError(f"protected targets: {exc}") from exc
    entries = data.get("target", [])
    if not isinstance(entries, list) or not entries:
        raise ListError("protected targets: expected at least one [[target]] table")
    reg = registrable or _registrable_default
    brands = [_brand(entry, reg) for entry in entries]
    return table_from_brands(brands, parse_keywords(keywords_text), reg)


def build_targets_from_domains(domains: Iterable[str], keywords_text: str | None = None, *,
                               registrable: Callable[[str], str] | None = None) -> TargetTable:
    """A table from bare domains, one brand each (`linkguard check --protected FILE`); blank
    lines and `#` comments are skipped, brand tokens come from the registrable label."""
    reg = registrable or _registrable_default
    brands = []
    for line in domains:
        text = line.split("#", 1)[0].strip()
        if text:
            brands.append(_brand({"name": text, "domains": [text]}, reg))
    if not brands:
        raise ListError("protected targets: the file names no domain")
    return table_from_brands(brands, parse_keywords(keywords_text), reg)
