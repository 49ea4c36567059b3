"""Cache entries: compact, language-free, round-trip exactly, and fail closed to a miss."""

from __future__ import annotations

import json

import pytest

from service.core.model import Assessment, Hop, Signal, Verdict
from service.detect import codec

A = Assessment(
    url="HTTP://Bit.ly/x#frag",
    canonical_url="http://bit.ly/x",
    final_url="https://faceb00k-login.top/",
    verdict=Verdict(92, "dangerous", (
        Signal("lookalike.edit_distance", 60, {"target": "facebook.com"}),
        Signal("redirect.shortener", 10, {"host": "bit.ly"}),
    ), "facebook.com"),
    redirects=(Hop("http://bit.ly/x", 301, "start"),
               Hop("https://faceb00k-login.top/", 200, "location")),
    lists_version="2026-11-28T10:00:00Z-3f2a",
    ttl=3600,
)


def test_round_trip_keeps_everything_but_the_raw_input() -> None:
    data = codec.encode(A, expires_at=1000.0 + 3600)
    back = codec.decode(data, now=1000.0)
    assert back is not None
    assert back.verdict == A.verdict
    assert back.redirects == A.redirects
    assert (back.canonical_url, back.final_url, back.lists_version) == (
        A.canonical_url, A.final_url, A.lists_version)
    assert back.cached is True and back.ttl == 3600
    assert b"#frag" not in data  # the raw input is not stored


def test_reasons_are_stored_as_codes_not_text() -> None:
    doc = json.loads(codec.encode(A, expires_at=2000.0))
    assert doc["r"][0][0] == "lookalike.edit_distance"
    assert "message" not in json.dumps(doc)


@pytest.mark.parametrize(
    "data",
    [b"", b"not json", b"[]", b'{"f": 99}', b'{"f": 1, "e": 5}',
     codec.encode(A, expires_at=999.0)],
)
def test_unreadable_other_format_or_expired_entries_are_misses(data: bytes) -> None:
    assert codec.decode(data, now=1000.0) is None
