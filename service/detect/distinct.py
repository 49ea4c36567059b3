"""Which brand tokens are distinctive: safe to find glued inside other words (shopeecf.com).

Measured when lists load, not picked by hand: a token is distinctive when it is long enough,
is no dictionary word and sits inside none (`apple`, `meta`, `steam` do), and no popular
domain outside the brand spells it (`youtube` in youtube-mp3.org, `garena` nowhere).
"""

from __future__ import annotations

from collections.abc import Iterable

from service.detect.targets import Brand

MIN_DISTINCTIVE = 5  # shorter names (momo, zalo, tiki) are syllables or parts of words


def _joined(words: Iterable[str]) -> str:
    # One string, one `in` per token: C-speed substring search instead of a loop over words.
    return "\n" + "\n".join(w.strip().lower() for w in words if w.strip()) + "\n"


def distinctive_tokens(brands: Iterable[Brand], dictionary: Iterable[str],
                       popular: Iterable[str]) -> frozenset[str]:
    """The brand tokens (lowercase, diacritics dropped) that count glued to any letters.

    dictionary: words of the languages students read (English, Vietnamese syllables);
    popular: popular registrable domains (a brand's own domains do not count against it)."""
    brands = tuple(brands)
    words = _joined(dictionary)
    owned = {d for brand in brands for d in brand.domains}
    labels = _joined(d.split(".", 1)[0] for d in popular if d not in owned)
    out = set()
    for brand in brands:
        for token in brand.tokens:
            if len(token) >= MIN_DISTINCTIVE and token.isalpha() and (
                token not in words and token not in labels
            ):
                out.add(token)
    return frozenset(out)
