"""Soak: two replicas sharing Redis under steady load, Redis SIGKILLed and a list reload midway.

Starts a redis-server (free port, temp dir, append-only) and two `linkguard serve` replicas that
share it (LINKGUARD_RATE_LIMIT=0, their own data dirs, a temp copy of blocklists/). A local
aiohttp load generator sends a steady mix to both: checks of repeated URLs (cache hits) and of
new ones, batches, and reports. At 30% of the run Redis is SIGKILLed and started again on the
same port and dir; at 60% a list file is edited and one replica gets SIGHUP (its reload is
announced to the other). Reports requests, 5xx (target 0), status counts, p50/p99 latency per
phase, each replica's VmRSS after warm-up and at the end, and the reports accepted (202) versus
those found in the Redis stream afterwards (all, none twice).
Run: .venv/bin/python -m bench.soak [--seconds 60] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench import _soak_procs as procs
from bench._common import table
from bench._soak_procs import RedisProcess, Replica
from service.store.redis_reports import STREAM

PHASES = ("steady", "redis down", "redis back", "after reload")
REPEATED = [f"http://site{i}.example.com/page/{i}?q={i}" for i in range(200)]
HOSTS = 1000  # distinct hosts of the new URLs, batches and reports (see Load._request)
SETTLE_SECONDS = 20.0  # after the load: for spools to replay and versions to agree


@dataclass
class Phase:
    statuses: dict[int, int] = field(default_factory=dict)  # 0: no answer (connection error)
    latencies: list[float] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def count(self, low: int, high: int) -> int:
        return sum(n for status, n in self.statuses.items() if low <= status < high)


@dataclass
class SoakResult:
    seconds: float
    concurrency: int
    phases: dict[str, Phase]
    phase_seconds: dict[str, float]
    rss: dict[str, tuple[int, int]]  # replica -> (after warm-up, end), bytes
    rss_curve: dict[str, list[int]]  # replica -> VmRSS every tenth of the run, bytes
    accepted: list[str]  # report ids answered 202
    stream_ids: list[str]  # report ids in the Redis stream afterwards
    versions_before: dict[str, str]
    versions_after: dict[str, str]  # replica -> lists version it serves
    replicas_seen: dict[str, dict[str, str]]  # replica -> its /readyz "replicas" map
    reload_verdicts: dict[str, str]  # replica -> verdict for the entry the reload added
    reload_seconds: float | None  # SIGHUP until both replicas served the new version
    outages_logged: dict[str, int] = field(default_factory=dict)  # replica -> "unreachable" lines
    logs: dict[str, str] = field(default_factory=dict)  # replica -> its log (WARNING and up)

    @property
    def all(self) -> Phase:
        merged = Phase()
        for phase in self.phases.values():
            for status, n in phase.statuses.items():
                merged.statuses[status] = merged.statuses.get(status, 0) + n
            merged.latencies.extend(phase.latencies)
        return merged

    @property
    def server_errors(self) -> int:
        return self.all.count(500, 600)

    @property
    def no_answer(self) -> int:
        return self.all.statuses.get(0, 0)

    @property
    def missing_reports(self) -> list[str]:
        return sorted(set(self.accepted) - set(self.stream_ids))

    @property
    def duplicate_reports(self) -> int:
        return len(self.stream_ids) - len(set(self.stream_ids))

    @property
    def reload_served_everywhere(self) -> bool:
        new = set(self.versions_after.values())
        return (len(new) == 1 and not new & set(self.versions_before.values())
                and all(v == "dangerous" for v in self.reload_verdicts.values()))


class Load:
    """The load generator: `concurrency` workers sharing one request counter."""

    def __init__(self, replicas: list[Replica], concurrency: int) -> None:
        self.replicas = replicas
        self.concurrency = concurrency
        self.phase = PHASES[0]
        self.phases = {name: Phase() for name in PHASES}
        self.accepted: list[str] = []
        self.stop = asyncio.Event()
        self.numbers = itertools.count()

    async def run(self, session: aiohttp.ClientSession) -> None:
        await asyncio.gather(*(self._worker(session) for _ in range(self.concurrency)))

    async def _worker(self, session: aiohttp.ClientSession) -> None:
        while not self.stop.is_set():
            n = next(self.numbers)
            # Blocks of ten (one whole mix) alternate, so each replica gets the same mix.
            replica = self.replicas[n // 10 % len(self.replicas)]
            method, path, body = self._request(n)
            phase, started = self.phases[self.phase], time.perf_counter()
            try:
                async with session.request(method, replica.url + path, json=body) as resp:
                    data = await resp.read()
                    status = resp.status
            except (aiohttp.ClientError, TimeoutError):
                status, data = 0, b""
            phase.latencies.append(time.perf_counter() - started)
            phase.statuses[status] = phase.statuses.get(status, 0) + 1
            if status == 202:
                self.accepted.append(_report_id(data))

    @staticmethod
    def _request(n: int) -> tuple[str, str, Any]:
        """The mix: 60% repeated checks, 20% new URLs, 10% batches of 10, 10% reports.

        New URLs are new (a cache miss, scored in full) but their hosts come from a pool of
        HOSTS: the per-process host caches (bounded LRUs) fill during warm-up, so memory that
        keeps growing after it is a leak, not a cache filling.
        """
        kind, host = n % 10, n % HOSTS
        if kind < 6:
            return "POST", "/v1/check", {"url": REPEATED[n % len(REPEATED)], "resolve": "never"}
        if kind < 8:
            return "POST", "/v1/check", {"url": f"http://new{host}.example.org/a?b={n}",
                                         "resolve": "never"}
        if kind == 8:
            urls = [REPEATED[(n + i) % len(REPEATED)] for i in range(8)]
            urls += [f"http://batch{host}.example.net/{n}", f"http://{procs.SOAK_ENTRY}/x{n}"]
            return "POST", "/v1/check/batch", {"urls": urls}
        return "POST", "/v1/reports", {"url": f"http://report{host}.example.com/{n}",
                                       "kind": "phishing", "comment": "soak"}


def _report_id(data: bytes) -> str:
    return str(json.loads(data)["id"])


async def readyz(session: aiohttp.ClientSession, replica: Replica) -> dict[str, Any]:
    async with session.get(replica.url + "/readyz") as resp:
        return dict(await resp.json())


async def timeline(load: Load, session: aiohttp.ClientSession, redis_proc: RedisProcess,
                   replicas: list[Replica], lists_dir: Path, seconds: float) -> dict[str, Any]:
    """Drive the run: warm-up, Redis outage, reload, stop. Returns what the report needs."""
    started = time.monotonic()
    at: dict[str, float] = {}

    async def until(fraction: float) -> None:
        await asyncio.sleep(max(0.0, started + seconds * fraction - time.monotonic()))

    async def sample() -> None:
        while not load.stop.is_set():
            for replica in replicas:
                replica.rss.append(replica.sample_rss())
            await asyncio.sleep(seconds / 10)

    sampler = asyncio.create_task(sample())
    versions_before = {r.name: (await readyz(session, r))["lists_version"] for r in replicas}
    await until(0.1)
    rss_start = {r.name: r.sample_rss() for r in replicas}
    await until(0.3)
    at["redis down"] = time.monotonic() - started
    load.phase = "redis down"
    await asyncio.to_thread(redis_proc.kill)
    await asyncio.sleep(min(5.0, max(1.5, seconds * 0.1)))
    await asyncio.to_thread(redis_proc.start)
    at["redis back"] = time.monotonic() - started
    load.phase = "redis back"
    await until(0.6)
    procs.add_reload_entry(lists_dir)
    replicas[0].proc.send_signal(signal.SIGHUP)  # `linkguard serve` reloads and announces
    at["after reload"] = time.monotonic() - started
    load.phase = "after reload"
    reload_seconds = await converged(session, replicas, versions_before, seconds * 0.4)
    await until(1.0)
    load.stop.set()
    rss_end = {r.name: r.sample_rss() for r in replicas}
    await sampler
    return {"versions_before": versions_before, "at": at, "reload_seconds": reload_seconds,
            "rss": {name: (rss_start[name], rss_end[name]) for name in rss_start}}


async def converged(session: aiohttp.ClientSession, replicas: list[Replica],
                    before: dict[str, str], limit: float) -> float | None:
    """Seconds until every replica serves a version other than `before`, the same one."""
    started = time.monotonic()
    while time.monotonic() - started < max(limit, 5.0):
        versions = {(await readyz(session, r))["lists_version"] for r in replicas}
        if len(versions) == 1 and not versions & set(before.values()):
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    return None


async def settle(session: aiohttp.ClientSession, replicas: list[Replica],
                 redis_proc: RedisProcess, accepted: list[str]) -> list[str]:
    """Wait for both replicas to be ready and their spools replayed; the stream's report ids."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        states = [await readyz(session, r) for r in replicas]
        ids = await asyncio.to_thread(stream_ids, redis_proc)
        ready = all(s["status"] == "ready" for s in states)
        if (ready and set(accepted) <= set(ids)) or time.monotonic() > deadline:
            return ids
        await asyncio.sleep(0.1)


def stream_ids(redis_proc: RedisProcess) -> list[str]:
    with redis_proc.client() as r:
        return [fields[b"id"].decode() for _, fields in r.xrange(STREAM)]


async def verdicts(session: aiohttp.ClientSession, replicas: list[Replica]) -> dict[str, str]:
    out = {}
    for r in replicas:
        body = {"url": f"http://{procs.RELOAD_ENTRY}/", "resolve": "never"}
        async with session.post(r.url + "/v1/check", json=body) as resp:
            out[r.name] = str((await resp.json()).get("verdict"))
    return out


async def drive(replicas: list[Replica], redis_proc: RedisProcess, lists_dir: Path,
                seconds: float, concurrency: int) -> SoakResult:
    load = Load(replicas, concurrency)
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=concurrency * 2)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        running = asyncio.create_task(load.run(session))
        try:
            marks = await timeline(load, session, redis_proc, replicas, lists_dir, seconds)
        finally:
            load.stop.set()
            await running
        ids = await settle(session, replicas, redis_proc, load.accepted)
        states = {r.name: await readyz(session, r) for r in replicas}
        found = await verdicts(session, replicas)
    at = {"steady": 0.0, **marks["at"]}
    bounds = [*at.values(), seconds]
    return SoakResult(
        seconds=seconds, concurrency=concurrency, phases=load.phases,
        phase_seconds={name: bounds[i + 1] - bounds[i] for i, name in enumerate(at)},
        rss=marks["rss"], rss_curve={r.name: list(r.rss) for r in replicas},
        accepted=load.accepted, stream_ids=ids,
        versions_before=marks["versions_before"],
        versions_after={name: s["lists_version"] for name, s in states.items()},
        replicas_seen={name: dict(s["replicas"]) for name, s in states.items()},
        reload_verdicts=found, reload_seconds=marks["reload_seconds"],
    )


def run(seconds: float = 60.0, concurrency: int = 16) -> SoakResult:
    """Start the topology, soak it, stop everything; the result for printing or asserting."""
    with tempfile.TemporaryDirectory(prefix="linkguard-soak-") as name:
        tmp = Path(name)
        lists_dir = procs.copy_lists(tmp)
        redis_proc = RedisProcess(tmp / "redis").start()
        env = {"LINKGUARD_REDIS_URL": redis_proc.url, "LINKGUARD_LISTS_DIR": str(lists_dir),
               "LINKGUARD_RATE_LIMIT": "0", "LINKGUARD_LOG_LEVEL": "WARNING",
               "LINKGUARD_LISTS_POLL_SECONDS": "0"}  # only the SIGHUP reloads
        replicas: list[Replica] = []
        try:
            replicas = [procs.start_replica(n, tmp, env) for n in ("a", "b")]
            result = asyncio.run(drive(replicas, redis_proc, lists_dir, seconds, concurrency))
        finally:
            for replica in replicas:
                replica.stop()
            redis_proc.kill()
        # Each replica logs an outage once when it starts (store.redis_link.RedisLink).
        result.logs = {r.name: r.log.read_text(errors="replace") for r in replicas}
        result.outages_logged = {name: text.count("unreachable")
                                 for name, text in result.logs.items()}
        return result


def ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000:.1f}"


def report(result: SoakResult) -> None:
    rows = [("phase", "seconds", "requests", "req/s", "5xx", "no answer", "non-2xx by status",
             "p50 ms", "p99 ms")]
    named = [*result.phases.items(), ("all", result.all)]
    for name, phase in named:
        secs = result.seconds if name == "all" else result.phase_seconds.get(name, 0.0)
        other = {s: n for s, n in sorted(phase.statuses.items()) if not 200 <= s < 300}
        rows.append((name, f"{secs:.1f}", f"{phase.requests:,}",
                     f"{phase.requests / secs:,.0f}" if secs else "-",
                     str(phase.count(500, 600)), str(phase.statuses.get(0, 0)),
                     ", ".join(f"{s}: {n}" for s, n in other.items()) or "none",
                     ms(phase.latencies, 0.5), ms(phase.latencies, 0.99)))
    table(f"Soak: 2 replicas + Redis, {result.seconds:.0f} s, {result.concurrency} concurrent "
          "(Redis SIGKILLed and restarted, then a list reload)", rows)
    mib = 1024 * 1024
    table("Memory (VmRSS)", [("replica", "after warm-up MiB", "end MiB", "growth MiB",
                              "every tenth of the run, MiB")] + [
        (name, f"{a / mib:.1f}", f"{b / mib:.1f}", f"{(b - a) / mib:+.1f}",
         " ".join(f"{v / mib:.0f}" for v in result.rss_curve[name]))
        for name, (a, b) in result.rss.items()])
    table("Reports", [("accepted (202)", "in the stream", "missing", "in it twice"),
                      (str(len(result.accepted)), str(len(set(result.stream_ids))),
                       str(len(result.missing_reports)), str(result.duplicate_reports))])
    table("Redis outage", [("replica", "outages logged")] + [
        (name, str(n)) for name, n in result.outages_logged.items()])
    took = "never" if result.reload_seconds is None else f"{result.reload_seconds:.2f} s"
    table("Lists reload (SIGHUP to a, announced to b)", [
        ("replica", "version before", "version after", "new entry", "both serving it after")] + [
        (name, result.versions_before[name], result.versions_after[name],
         result.reload_verdicts[name], took) for name in result.versions_after])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    result = run(args.seconds, args.concurrency)
    report(result)
    ok = (result.server_errors == 0 and result.no_answer == 0 and not result.missing_reports
          and result.duplicate_reports == 0 and result.reload_served_everywhere)
    print("\nsoak:", "PASS" if ok else "FAIL (5xx, unanswered requests, lost or doubled "
          "reports, or a replica not serving the reloaded lists)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
