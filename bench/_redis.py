"""A throwaway redis-server for a benchmark run: free port, temp dir, pinned to a given core."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator

import redis

from bench._common import free_port


@contextlib.contextmanager
def redis_server(core: str) -> Iterator[str]:
    """Yield `redis://127.0.0.1:<port>/0`; persistence as docker-compose.yml runs it."""
    if shutil.which("redis-server") is None:
        raise SystemExit("bench: redis-server is not installed (make test installs it)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as tmp:
        args = ["taskset", "-c", core, "redis-server", "--port", str(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "yes", "--dir", tmp]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            client = redis.Redis(port=port, socket_timeout=1)
            while True:
                try:
                    client.ping()
                    break
                except redis.RedisError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("bench: redis-server did not start") from None
                    time.sleep(0.05)
            client.close()
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(timeout=10)
