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


def test_the_expiry_keeps_milliseconds_and_the_last_second_is_a_miss() -> None:
    doc = json.loads(codec.encode(A, expires_at=1000.4567))
    assert doc["e"] == 1000.457  # replicas agree on the remaining ttl to the millisecond
    assert codec.decode(codec.encode(A, expires_at=1000.5), now=1000.0) is None  # ttl 0
    assert codec.decode(codec.encode(A, expires_at=1001.0), now=1000.0).ttl == 1


def test_the_url_read_back_is_the_canonical_one_until_the_caller_puts_back_its_own() -> None:
    back = codec.decode(codec.encode(A, expires_at=5000.0), now=1000.0)
    assert back is not None and back.url == A.canonical_url


def test_vietnamese_evidence_is_stored_as_utf8_not_escapes() -> None:
    vi = Assessment(url="http://x.test/", canonical_url="http://x.test/",
                    final_url="http://x.test/", lists_version="v", redirects=(),
                    verdict=Verdict(40, "suspicious",
                                    (Signal("lure.keyword", 40, {"word": "tặng quà"}),), None))
    data = codec.encode(vi, expires_at=5000.0)
    assert "tặng quà".encode() in data and b"\\u" not in data
    assert codec.decode(data, now=1000.0).verdict == vi.verdict
