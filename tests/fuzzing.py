"""Hypothesis settings shared by every property and schemathesis test.

`make test` runs them derandomized: the same examples on every run, so CI is red only for a
change, never for an unlucky draw (a random run once failed CI on an old bug). `make fuzz` runs
them with fresh random examples, `LINKGUARD_FUZZ_SCALE` times as many, to find what the fixed
set does not; a failure there prints a reproduction blob and becomes a plain regression test.
"""

from __future__ import annotations

import os

from hypothesis import settings

_raw = os.environ.get("LINKGUARD_FUZZ_SCALE", "").strip()
if _raw and not (_raw.isdigit() and int(_raw) >= 1):
    raise SystemExit(f"LINKGUARD_FUZZ_SCALE must be a whole number >= 1, got {_raw!r}")
SCALE = int(_raw) if _raw else 0

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("fuzz", derandomize=False, print_blob=True)
settings.load_profile("fuzz" if SCALE else "ci")


def examples(n: int) -> int:
    """`n` examples in `make test`; `n * LINKGUARD_FUZZ_SCALE` in `make fuzz`."""
    return n * SCALE if SCALE else n
