"""Scam names without brands (taixiu88.vip) and fakes hosted on user-content platforms.

Two detectors: `detect_scam_words` reads the host name with the scam lexicon
(`scam.<category>`); `detect_platform_page` reads the user's part of a page on a user-content
platform (the first path segments of `<user>.github.io/instagram_login/` or
`sites.google.com/view/<bank>-xac-thuc`) as if it were a registrable domain
(`platform.brand_page`, `platform.scam_page`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from service.core.model import Reference, Signal, Subject
from service.detect.combosquat import find_combo, find_embedding
from service.detect.hostview import view_of
from service.detect.lexicon import WEAK_DISCOUNT, Hit, Lexicon
from service.detect.lookalike import unowned_view
from service.detect.typosquat import find_typosquat

BRAND_PAGE = "platform.brand_page"
SCAM_PAGE = "platform.scam_page"
# Hosts only the state or schools can register: their names may say "việc làm" or "cccd".
RESTRICTED_SUFFIXES = ("gov.vn", "edu.vn", "ac.vn", "mil.vn", "gov", "edu", "mil")
# A suffix no brand owns and no country has (a '-' cannot be in a TLD): a path read as a
# name is then nobody's domain, and no brand's country-variant guard applies to it.
PSEUDO_SUFFIX = "page-path"
_NAME = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    score: int
    words: str  # the phrases as written, joined by ", "


def judge(hits: Sequence[Hit], *, boosted: bool) -> Finding | None:
    """Strong phrases count alone; weak ones together, or under a suspicious TLD."""
    strong = [h for h in hits if h.phrase.strong]
    if strong:
        best = max(strong, key=lambda h: h.phrase.weight)
        return Finding(best.phrase.code, best.phrase.weight,
                       ", ".join(dict.fromkeys(h.phrase.written for h in strong)))
    weak = list(dict.fromkeys(h.phrase.written for h in hits))
    if weak and (len(weak) >= 2 or boosted):
        first = hits[0].phrase
        return Finding(first.code, first.weight - WEAK_DISCOUNT, ", ".join(weak))
    return None


_RESTRICTED_ENDINGS = tuple("." + s for s in RESTRICTED_SUFFIXES)


def _restricted(registrable: str) -> bool:
    return registrable.endswith(_RESTRICTED_ENDINGS) or registrable in RESTRICTED_SUFFIXES


def detect_scam_words(subject: Subject, ref: Reference) -> Iterator[Signal]:
    """scam.<category>: a host name built from scam words (tài xỉu, việc nhẹ lương cao...)."""
    lexicon = ref.lexicon
    url = subject.url
    if lexicon is None or _restricted(url.registrable):
        return
    # A brand's own domain is never read (chinhphu.vn); lookalike's memo of that test is shared.
    view = (view_of(url.host, url.registrable) if ref.targets is None
            else unowned_view(url.host, url.registrable, ref.targets))
    if view is None:
        return
    boosted = view.suffix_ascii.rsplit(".", 1)[-1] in ref.suspicious_tlds
    found = judge(lexicon.find(view.prefix), boosted=boosted)
    if found is not None:
        yield Signal(found.code, found.score,
                     {"host": view.unicode_host, "site": view.site, "words": found.words})


def _as_name(segment: str) -> str:
    """A path segment as a host label: words joined by '-' (instagram_login -> instagram-login)."""
    return "-".join(part for part in _NAME.split(segment.replace("_", "-")) if part)[:63]


def _brand_in(name: str, ref: Reference) -> tuple[int, dict[str, str]] | None:
    """A lookalike of a protected brand in `name`, read as the label of a domain nobody owns.
    A brand next to an unknown word (facebook-clone) is not enough inside a path."""
    table = ref.targets
    host = f"{name}.{PSEUDO_SUFFIX}"
    view = view_of(host, host) if table is not None else None
    if table is None or view is None:
        return None
    typo = find_typosquat(view, table)
    if typo is not None:
        return typo.score, {"target": typo.brand.primary, "brand": typo.brand.name,
                            "kind": typo.code}
    embed = find_embedding(view, table)
    if embed is not None:
        return embed.score, {"target": embed.embed.domain, "brand": embed.embed.brand.name,
                             "kind": "lookalike.target_embedding"}
    combo = find_combo(view, table)
    if combo is not None and combo.kind != "other":
        return combo.score, {"target": combo.brand.primary, "brand": combo.brand.name,
                             "kind": "lookalike.combosquat", "keyword": combo.word}
    return None


def detect_platform_page(subject: Subject, ref: Reference) -> Iterator[Signal]:
    """platform.*: a brand lookalike or scam words naming a page on a user-content platform."""
    platforms = ref.platforms
    url = subject.url
    if platforms is None:
        return
    place = platforms.place(url.host, url.registrable, url.path)
    if place is None or not place.segments:
        return
    evidence = {"host": url.unicode_host, "platform": place.platform, "site": place.site}
    for segment in place.segments:
        name = _as_name(segment)
        if not name:
            continue
        brand = _brand_in(name, ref)
        if brand is not None:
            yield Signal(BRAND_PAGE, brand[0], {**evidence, **brand[1], "page": segment})
            return
        found = _scam_words(name, ref.lexicon)
        if found is not None:
            yield Signal(SCAM_PAGE, found.score, {**evidence, "words": found.words,
                                                  "page": segment})
            return


def _scam_words(name: str, lexicon: Lexicon | None) -> Finding | None:
    if lexicon is None:
        return None
    return judge(lexicon.find(name), boosted=False)


DETECTORS = (detect_scam_words, detect_platform_page)
