"""Assessments to compact cache bytes and back; reasons are stored as codes, not text.

The raw input is not stored (only its canonical form), so one entry serves every spelling.
One cache entry serves every language: messages are rendered when the response is built.
The expiry is stored as wall-clock time so every replica reports the same remaining `ttl`.
"""

from __future__ import annotations

import json
from typing import Any

from service.core.model import Assessment, Hop, Signal, Verdict, level_for

FORMAT = 1  # bump when the layout changes; old entries then read as misses


def encode(assessment: Assessment, *, expires_at: float) -> bytes:
    v = assessment.verdict
    doc = {
        "f": FORMAT,
        "c": assessment.canonical_url,
        "z": assessment.final_url,
        "s": v.score,
        "r": [[s.code, s.score, dict(s.evidence)] for s in v.signals],
        "g": v.suggestion,
        "h": [[h.url, h.status, h.via] for h in assessment.redirects],
        "v": assessment.lists_version,
        "e": round(expires_at, 3),
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def decode(data: bytes, *, now: float) -> Assessment | None:
    """The cached assessment, or None when the entry is unreadable, stale or of another format."""
    try:
        doc: Any = json.loads(data)
        if not isinstance(doc, dict) or doc.get("f") != FORMAT:
            return None
        ttl = int(doc["e"] - now)
        if ttl <= 0:
            return None
        signals = tuple(Signal(code, int(score), dict(ev)) for code, score, ev in doc["r"])
        score = int(doc["s"])
        verdict = Verdict(score, level_for(score), signals, doc["g"])
        hops = tuple(Hop(url, status, via) for url, status, via in doc["h"])
        return Assessment(
            url=doc["c"],  # the caller puts back the URL as it was asked
            canonical_url=doc["c"],
            final_url=doc["z"],
            verdict=verdict,
            redirects=hops,
            lists_version=doc["v"],
            cached=True,
            ttl=ttl,
        )
    except (ValueError, KeyError, TypeError):
        return None
