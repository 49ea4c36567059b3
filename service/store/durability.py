"""What a Redis acknowledgement of a report is worth: WAITAOF support and the AOF settings, probed.

A reply from Redis does not mean the write is on disk. With `appendfsync everysec` Redis
postpones the AOF write(2) while a background fsync is still running (up to 2 s, aof.c
`flushAppendOnlyFile`) yet sends the replies of that window; a crash or SIGKILL then loses
writes it acknowledged. Only `appendfsync always` writes and fsyncs before replying
(redis/redis#8342). `WAITAOF numlocal numreplicas timeout` (Redis 7.2, Valkey) blocks until
the connection's earlier writes are fsync'd, whatever `appendfsync` says, so the report store
asks it after each add; without it the settings alone decide, and `advice` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio.cluster import RedisCluster
from redis.exceptions import ResponseError

from service.store.redis_link import Client


@dataclass(frozen=True, slots=True)
class Durability:
    """What the Redis node holding the reports said about itself."""

    waitaof: bool  # the node knows WAITAOF (Redis 7.2+, Valkey)
    version: str  # INFO's redis_version, "" when INFO is refused
    appendonly: str | None  # CONFIG GET values; None when CONFIG is refused (managed Redis)
    appendfsync: str | None
    config_error: str = ""  # why CONFIG GET was refused

    @property
    def fsync_before_reply(self) -> bool:
        return self.appendonly == "yes" and self.appendfsync == "always"

    def advice(self, spool: str) -> str | None:
        """The operator's warning when a report could be lost or left waiting in `spool`,
        naming the fix; None when every 202 is on Redis's disk."""
        server = f"Redis {self.version}" if self.version else "Redis"
        if self.waitaof:
            if self.appendonly == "no":
                return (f"{server} runs appendonly no, so WAITAOF cannot confirm reports on its "
                        f"disk: each report is also kept in {spool} (replayed after outages and "
                        "at start-up). Fix: appendonly yes (appendfsync everysec or always).")
            if self.appendfsync == "no":
                return (f"{server} runs appendfsync no, so WAITAOF times out on every report "
                        f"(slow answers) and each one is also kept in {spool}. "
                        "Fix: appendfsync everysec.")
            return None
        if self.fsync_before_reply:
            return None
        if self.appendonly is None:
            setting = f"refused CONFIG GET ({self.config_error})"
            why = "reports answered 202 survive a crash of Redis only if it runs " \
                  "appendonly yes with appendfsync always"
        elif self.appendonly == "no":
            setting = "runs appendonly no"
            why = "reports answered 202 are lost when Redis restarts"
        else:
            setting = f"runs appendfsync {self.appendfsync}"
            why = "Redis may answer before a report reaches its append-only file, so a " \
                  "crash of Redis can lose reports answered 202"
        return (f"{server} has no WAITAOF (Redis 7.2+) and {setting}: {why}. "
                "Fix: Redis 7.2 or newer, or appendonly yes + appendfsync always.")


def node_of(client: Client, key: str) -> dict[str, Any]:
    """Keyword arguments that send a keyless command to the node holding `key` (Cluster),
    the node whose AOF the report is written to; nothing for a single Redis."""
    if isinstance(client, RedisCluster):
        return {"target_nodes": client.get_node_from_key(key)}
    return {}


async def probe(client: Client, key: str) -> Durability:
    """Ask the node holding `key`. Connection errors propagate (the caller degrades); a
    refused command (renamed, ACL, managed Redis) only makes the answer less certain."""
    target = node_of(client, key)
    try:
        # Thresholds 0/0: answers at once; an unknown command means Redis < 7.2.
        await client.execute_command("WAITAOF", 0, 0, 0, **target)
        waitaof = True
    except ResponseError:
        waitaof = False
    try:
        info = await client.execute_command("INFO", "server", **target)
        version = str(info.get("redis_version", "")) if isinstance(info, dict) else ""
    except ResponseError:
        version = ""
    try:
        found = await client.execute_command("CONFIG GET", "append*", **target)
    except ResponseError as exc:
        return Durability(waitaof, version, None, None, config_error=str(exc))
    config = {_text(k): _text(v) for k, v in _pairs(found)}
    return Durability(waitaof, version, config.get("appendonly"), config.get("appendfsync"))


def _pairs(found: Any) -> list[tuple[Any, Any]]:
    if isinstance(found, dict):
        return list(found.items())
    return list(zip(found[::2], found[1::2], strict=True))  # a raw CONFIG GET reply


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
