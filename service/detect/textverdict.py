"""One verdict for a whole message: its manipulation patterns and the verdicts of its links.

A message can be dangerous with no link at all (a fake police officer needs none), and a link
is judged in the message's light: a Zoom or Zalo group link is what a teacher sends too, so
in a message it counts as the `message.video_call` / `message.private_group` pattern (weak
alone, strong beside secrecy or a threat), while a link that is bad in itself (listed, a
lookalike) makes the message as bad as the link (`message.link`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from service.core.model import Assessment, Signal, Verdict, level_for
from service.detect import scoring
from service.detect.message import MessageRules, combination

LINK = "message.link"
# A lure-only link, as the message pattern it stands for, and the weight it gets then (the
# pattern file's own weights for those patterns are in the same range).
LURE_PATTERNS = {
    "invite.group_chat": ("message.private_group", 25),
    "invite.video_call": ("message.video_call", 20),
    "form.personal_data": ("message.personal_data", 25),
}
NEUTRAL = frozenset({"allowlist.match"})


def link_signals(links: Iterable[Assessment]) -> list[Signal]:
    """What the message's links add: its lure reasons as the patterns they stand for, and
    `message.link` when the link's other reasons make it suspicious or dangerous by themselves
    (a forms.gle short link is a form, not a bad link)."""
    out: list[Signal] = []
    for link in links:
        host = _host(link.canonical_url)
        other: list[Signal] = []
        for signal in link.verdict.signals:
            if signal.code in LURE_PATTERNS:
                pattern, score = LURE_PATTERNS[signal.code]
                out.append(Signal(pattern, score, {"match": host, "link": host}))
            elif signal.code not in NEUTRAL:
                other.append(signal)
        alone = scoring.combine(other)
        if alone.level != "safe":
            out.append(Signal(LINK, alone.score, {"host": host, "verdict": alone.level}))
    return out


def text_verdict(patterns: Sequence[Signal], links: Iterable[Assessment],
                 rules: MessageRules | None) -> Verdict:
    """Patterns, link signals and their strongest combination, weighed as scoring.combine does
    (noisy-OR), each bad link a reason of its own."""
    signals = _strongest([*patterns, *link_signals(links)])
    if rules is not None:
        combo = combination((s.code for s in signals), rules)
        if combo is not None:
            signals.append(combo)
    remaining = 1.0
    for signal in signals:
        remaining *= 1.0 - min(max(signal.score, 0), 100) / 100.0
    total = round(100 * (1.0 - remaining))
    ordered = tuple(sorted(signals, key=lambda s: (-s.score, s.code)))
    return Verdict(score=total, level=level_for(total), signals=ordered)


def _strongest(signals: Iterable[Signal]) -> list[Signal]:
    """One signal per code (the strongest); `message.link` keeps one per host."""
    best: dict[tuple[str, str], Signal] = {}
    for signal in signals:
        key = (signal.code, signal.evidence.get("host", "") if signal.code == LINK else "")
        if key not in best or signal.score > best[key].score:
            best[key] = signal
    return sorted(best.values(), key=lambda s: (-s.score, s.code))


def _host(canonical: str) -> str:
    rest = canonical.split("://", 1)[-1]
    return rest.split("/", 1)[0]
