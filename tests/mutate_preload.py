"""Under `make mutate`, costly shared test data is built once, in the process mutmut forks from.

mutmut runs each mutant's tests in a fork of a process that has collected the suite; a loader
memoized with functools.cache in a test module would otherwise run again in every fork (reading
the shipped lists takes seconds). The data is then built by the unmutated code, so a mutant of a
builder is caught only by the tests that build at test time (tests/test_builders.py, ...);
docs/testing.md says so.
"""

from __future__ import annotations

import os
from collections.abc import Callable


def warm(*loaders: Callable[[], object]) -> None:
    if os.environ.get("LINKGUARD_MUTATE_PRELOAD") == "1":
        for load in loaders:
            load()
