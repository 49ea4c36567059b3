"""One host as the lookalike detectors see it: Unicode labels, suffix, tokens and visual keys."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from service.detect.confusables import drop_diacritics, visual_keys
from service.detect.idn import to_unicode

# RFC 6761 / RFC 6762 special-use names and common private TLDs: never a public site, never a
# lookalike of one (Chromium skips non-registrable hosts the same way).
SPECIAL_USE_TLDS = frozenset({
    "test", "example", "invalid", "localhost", "local", "onion", "internal", "lan", "home",
    "arpa", "corp", "intranet",
})
_SEPARATORS = re.compile(r"[.\-]")


def key_of(text: str) -> str:
    """The single visual key used for token-level comparisons (the first of several readings)."""
    return min(visual_keys(text), default=text)


@dataclass(frozen=True, slots=True)
class HostView:
    """`host`/`registrable` are the URL's ASCII forms; the rest is derived, Unicode, lowercase.

    label: the registrable label (eTLD+1 minus its suffix); suffix: the public suffix;
    prefix: every label before the suffix (subdomains + label); tokens: the host split on
    '.' and '-'; token_keys: their visual keys; reg_index: where the label's tokens start.
    """

    host: str
    registrable: str
    unicode_host: str
    label: str
    suffix: str
    suffix_ascii: str
    plain: str  # label without diacritics
    keys: frozenset[str]  # visual keys of the label
    prefix: str
    prefix_key: str
    tokens: tuple[str, ...]
    token_keys: tuple[str, ...]
    reg_index: int

    @property
    def site(self) -> str:
        """The registrable domain in Unicode: the site the student would really be on."""
        return f"{self.label}.{self.suffix}"

    @property
    def label_is_one_token(self) -> bool:
        return "-" not in self.label


def _is_ip(host: str) -> bool:
    return host.startswith("[") or host.replace(".", "").isdigit()


@functools.lru_cache(maxsize=8192)
def view_of(host: str, registrable: str) -> HostView | None:
    """The view of a URL host, or None for hosts no lookalike rule applies to (IPs, single
    labels, special-use names, hosts whose registrable domain is not a suffix of them)."""
    host, registrable = host.lower().rstrip("."), registrable.lower().rstrip(".")
    if _is_ip(host) or "." not in registrable or not (
        host == registrable or host.endswith("." + registrable)
    ):
        return None
    if registrable.rsplit(".", 1)[-1] in SPECIAL_USE_TLDS:
        return None
    unicode_host = to_unicode(host)[0]
    # IDNA maps labels one to one: the registrable domain's labels end the Unicode host
    # (one ICU call instead of two); a host the decoder could not split keeps its own call.
    labels = unicode_host.split(".")
    count = registrable.count(".") + 1
    unicode_reg = (".".join(labels[-count:]) if len(labels) == host.count(".") + 1
                   else to_unicode(registrable)[0])
    label, _, suffix = unicode_reg.partition(".")
    prefix = unicode_host[: len(unicode_host) - len(suffix) - 1]
    tokens = tuple(t for t in _SEPARATORS.split(unicode_host) if t)
    reg_tokens = [t for t in _SEPARATORS.split(unicode_reg) if t]
    return HostView(
        host=host, registrable=registrable, unicode_host=unicode_host, label=label,
        suffix=suffix, suffix_ascii=registrable.partition(".")[2],
        plain=drop_diacritics(label), keys=visual_keys(label), prefix=prefix,
        prefix_key=key_of(prefix), tokens=tokens,
        token_keys=tuple(key_of(t) for t in tokens),
        reg_index=len(tokens) - len(reg_tokens),
    )
