"""Helpers shared by the benchmarks: timing loops, free ports, subprocess servers, printing."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rate(fn: Callable[[], int], *, min_seconds: float = 1.0) -> float:
    """Items per second of `fn` (which returns how many items it did), repeated >= min_seconds."""
    done, start = 0, time.perf_counter()
    while True:
        done += fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return done / elapsed


@contextlib.contextmanager
def server_process(args: list[str], port: int, env: dict[str, str] | None = None,
                   ready_path: str = "/healthz") -> Iterator[subprocess.Popen[bytes]]:
    """Run `args` (a server on `port`), wait until it answers, stop it afterwards."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.Popen(args, env=full_env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise RuntimeError(f"server exited early: {' '.join(args)}\n{err}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not become ready") from None
                time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def table(title: str, rows: list[tuple[str, ...]]) -> None:
    print(f"\n== {title}")
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


def python() -> str:
    return sys.executable
