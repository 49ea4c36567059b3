"""The soak's processes: a redis-server that can be SIGKILLed and restarted, and linkguard replicas
(tests/test_replicas.py starts its replicas with the same helpers).

Everything lives in one temp dir: the redis dir (append-only file), a copy of blocklists/ with
one extra list the soak edits, and each replica's data dir (spool) and log.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import redis

from bench._common import free_port
from service.settings import REPO_BLOCKLISTS

START_TIMEOUT = 30.0
SOAK_LIST = "soak/phishing.txt"
SOAK_ENTRY = "soak-evil.test"  # on the list from the start
RELOAD_ENTRY = "soak-reloaded.test"  # added by the reload in the middle
MANIFEST_ENTRY = f"""
[[list]]
name = "soak-phishing"
file = "{SOAK_LIST}"
format = "domains"
category = "phishing"
action = "block"
license = "CC0-1.0"
description = "Entries the soak adds while it runs"
"""


class RedisProcess:
    """redis-server on a fixed port and dir with append-only persistence, as the compose file
    runs it; `kill()` is SIGKILL (no clean shutdown), `start()` again resumes from the AOF."""

    def __init__(self, directory: Path) -> None:
        if shutil.which("redis-server") is None:
            raise SystemExit("soak: redis-server is not installed (`make test` installs it)")
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisProcess:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "yes", "--dir", str(self.dir), "--logfile", "redis.log"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ping():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = (self.dir / "redis.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"soak: redis-server did not start: {log}")
            time.sleep(0.02)
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5, socket_connect_timeout=5)

    def _ping(self) -> bool:
        try:
            with self.client() as r:
                return bool(r.ping())  # fails while the AOF is still loading
        except redis.RedisError:
            return False


@dataclass
class Replica:
    """One `linkguard serve` process with its own port, data dir (report spool) and log."""

    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path
    rss: list[int] = field(default_factory=list)  # VmRSS every tenth of the soak, bytes

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def sample_rss(self) -> int:
        """The process's resident set now (Linux /proc; 0 elsewhere)."""
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return 0
        line = next((ln for ln in status.splitlines() if ln.startswith("VmRSS:")), "VmRSS: 0 kB")
        return int(line.split()[1]) * 1024

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def linkguard() -> list[str]:
    exe = Path(sys.executable).with_name("linkguard")  # the installed console script
    return [str(exe), "serve"] if exe.exists() else [sys.executable, "-m", "service", "serve"]


def start_replica(name: str, tmp: Path, env: dict[str, str]) -> Replica:
    port = free_port()
    log = tmp / f"{name}.log"
    # No scheduled feed downloads unless the caller asks (LINKGUARD_UPDATE_INTERVAL).
    full = {"LINKGUARD_UPDATE_INTERVAL": "0", **os.environ, **env, "LINKGUARD_PORT": str(port),
            "LINKGUARD_DATA_DIR": str(tmp / f"data-{name}")}
    with log.open("wb") as out:
        proc = subprocess.Popen(linkguard(), env=full, stdout=out, stderr=subprocess.STDOUT)
    replica = Replica(name, port, proc, log)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"replica {name} exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{replica.url}/healthz", timeout=1):
                return replica
        except OSError:
            if time.monotonic() > deadline:
                replica.stop()
                raise RuntimeError(f"replica {name} did not answer") from None
            time.sleep(0.05)


def copy_lists(tmp: Path) -> Path:
    """A private copy of blocklists/ plus the soak's own list, which the reload edits."""
    lists_dir = tmp / "blocklists"
    shutil.copytree(REPO_BLOCKLISTS, lists_dir)
    (lists_dir / SOAK_LIST).parent.mkdir(parents=True, exist_ok=True)
    (lists_dir / SOAK_LIST).write_text(f"{SOAK_ENTRY}\n")
    with (lists_dir / "lists.toml").open("a") as f:
        f.write(MANIFEST_ENTRY)
    return lists_dir


def add_reload_entry(lists_dir: Path) -> None:
    with (lists_dir / SOAK_LIST).open("a") as f:
        f.write(f"{RELOAD_ENTRY}\n")
