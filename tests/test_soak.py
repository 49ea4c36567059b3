"""`make soak` for ten seconds inside `make test`: two replicas on one Redis under steady load,
Redis SIGKILLed and restarted, a list reload announced midway (bench/soak.py).

What must hold: no 5xx and no unanswered request, every accepted report in the Redis stream
exactly once, both replicas serving the reloaded lists. Latency and memory depend on the
machine, so they are printed (shown with `pytest -rP` or on failure), never asserted.
"""

from __future__ import annotations

import shutil

import pytest

from bench import soak

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def test_ten_second_soak_loses_nothing_and_serves_the_reload() -> None:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed; `make test` installs it (apt-get)")
    result = soak.run(seconds=10, concurrency=8)
    soak.report(result)  # the figures, for the log
    for name, text in result.logs.items():
        print(f"\n== replica {name} log (last 40 lines)\n" + "\n".join(text.splitlines()[-40:]))
    assert all(phase.requests > 0 for phase in result.phases.values()), result.phases
    assert result.server_errors == 0, result.all.statuses
    assert result.no_answer == 0, result.all.statuses
    assert result.outages_logged == {"a": 1, "b": 1}  # the restart happened under load
    assert result.accepted and not result.missing_reports, result.missing_reports[:5]
    assert result.duplicate_reports == 0
    assert result.reload_served_everywhere, (result.versions_after, result.reload_verdicts)
    new_version = result.versions_after["a"]
    for seen in result.replicas_seen.values():  # each knows what every replica serves
        assert sorted(seen.values()) == [new_version, new_version]
