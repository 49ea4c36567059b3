"""The deployment files agree with the code: docker-compose.yml, the Dockerfile, nginx, docs.

Docker cannot run here, so these read the files; tests/test_replicas.py runs the same topology
(two `linkguard serve` processes and a redis-server) as local processes.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from service.settings import PREFIX, REPO_BLOCKLISTS, Settings
from service.store.durability import Durability

ROOT = Path(__file__).resolve().parent.parent
FIELDS = {f.name: f.default for f in dataclasses.fields(Settings)}
WAITAOF_SINCE = (7, 2)  # redis.io/commands/waitaof: "Available since 7.2.0"


def compose() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return doc


def replicas() -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in compose()["services"].items()
            if name.startswith("linkguard")}


def interpolate(value: object) -> str:
    """Compose's `${VAR:-default}` with nothing set in the environment: the default."""
    return re.sub(r"\$\{\w+(?::?-([^}]*))?\}", lambda m: m.group(1) or "", str(value))


def nginx_conf() -> str:
    return re.sub(r"#[^\n]*", "", (ROOT / "deploy/nginx.conf").read_text())


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def redis_image() -> tuple[str, tuple[int, ...]]:
    """The compose file's Redis image and the version its tag pins (`redis:7.2-alpine`)."""
    image = compose()["services"]["redis"]["image"]
    found = re.fullmatch(r"redis:(\d+(?:\.\d+)+)(?:-\w+)?", image)
    assert found, f"pin a Redis version (major.minor), not {image!r}"
    return image, tuple(int(part) for part in found.group(1).split("."))


def test_redis_persists_appends_and_has_a_health_check() -> None:
    redis = compose()["services"]["redis"]
    command = redis["command"]
    assert command[0] == "redis-server"
    assert command[command.index("--appendonly") + 1] == "yes"
    assert any(v.split(":")[1] == "/data" for v in redis["volumes"])
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_the_compose_redis_loses_no_report_it_answered_202() -> None:
    """The service's own verdict on the image and its settings (what it warns about at
    start-up), and the durability section of the docs names the same image."""
    image, version = redis_image()
    command = compose()["services"]["redis"]["command"]
    setting = {name: command[command.index(f"--{name}") + 1]
               for name in ("appendonly", "appendfsync") if f"--{name}" in command}
    durability = Durability(waitaof=version >= WAITAOF_SINCE, version=".".join(map(str, version)),
                            appendonly=setting.get("appendonly", "no"),
                            appendfsync=setting.get("appendfsync", "everysec"))
    assert durability.advice("spool") is None, durability.advice("spool")
    docs = (ROOT / "docs/deploy.md").read_text()
    section = docs[docs.index("### Durability of reports"):]
    assert f"`{image}`" in section


def test_at_least_two_replicas_built_from_the_dockerfile() -> None:
    found = replicas()
    assert len(found) >= 2
    for svc in found.values():
        assert svc["build"] == "." and (ROOT / "Dockerfile").is_file()
        assert svc["command"] == ["linkguard", "serve"]
        assert svc["depends_on"]["redis"]["condition"] == "service_healthy"
        assert "/healthz" in " ".join(svc["healthcheck"]["test"])


@pytest.mark.parametrize("name", sorted(replicas()))
def test_replica_environment_is_made_of_real_settings(name: str) -> None:
    env = {k: interpolate(v) for k, v in replicas()[name]["environment"].items()}
    for key in env:
        assert key.startswith(PREFIX) and key[len(PREFIX):].lower() in FIELDS, key
    redis_url = urlsplit(env["LINKGUARD_REDIS_URL"])
    assert redis_url.hostname == "redis" and redis_url.port == 6379
    # The values parse and validate (the lists dir is the image's: use the repo's here).
    local = {**env, "LINKGUARD_LISTS_DIR": str(REPO_BLOCKLISTS)}
    settings = Settings.from_env(local)
    assert settings.host == "0.0.0.0" and settings.redis_url is not None
    proxy_ip = compose()["services"]["proxy"]["networks"]["backend"]["ipv4_address"]
    assert any(ipaddress.ip_address(proxy_ip) in ipaddress.ip_network(c)
               for c in settings.trusted_proxies)
    mounts = {v.split(":")[1] for v in replicas()[name]["volumes"]}
    assert env["LINKGUARD_LISTS_DIR"] in mounts and env["LINKGUARD_DATA_DIR"] in mounts


def test_the_proxy_publishes_its_port_and_points_at_every_replica() -> None:
    services = compose()["services"]
    proxy = services["proxy"]
    conf = nginx_conf()
    mounted = {v.split(":")[0]: v.split(":")[1] for v in proxy["volumes"]}
    assert mounted["./deploy/nginx.conf"] == "/etc/nginx/nginx.conf"
    published = [p.split(":") for p in proxy["ports"]]
    listen = re.findall(r"^\s*listen\s+(\d+);", conf, re.M)
    assert [c for _, c in published] == listen
    upstream = re.search(r"upstream\s+(\w+)\s*\{(.*?)\}", conf, re.S)
    assert upstream is not None
    servers = set(re.findall(r"^\s*server\s+([\w.-]+:\d+)", upstream.group(2), re.M))
    ports = {name: svc["environment"]["LINKGUARD_PORT"] for name, svc in replicas().items()}
    assert servers == {f"{name}:{port}" for name, port in ports.items()}
    assert f"proxy_pass http://{upstream.group(1)};" in conf
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert set(proxy["depends_on"]) == set(replicas())


def duration(text: str) -> float:
    """Compose durations such as `30s`, `1m30s`."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", text)
    assert parts and "".join(n + u for n, u in parts) == text, text
    return sum(float(n) * units[u] for n, u in parts)


@pytest.mark.parametrize("name", sorted(replicas()))
def test_replicas_get_time_to_finish_in_flight_requests(name: str) -> None:
    # aiohttp's graceful shutdown may take up to twice shutdown_timeout; Docker's default
    # grace of 10 s would SIGKILL a replica mid-request.
    env = {k: interpolate(v) for k, v in replicas()[name]["environment"].items()}
    timeout = float(env.get("LINKGUARD_SHUTDOWN_TIMEOUT", FIELDS["shutdown_timeout"]))
    assert duration(replicas()[name]["stop_grace_period"]) >= 2 * timeout


def test_the_proxy_does_not_publish_metrics() -> None:
    assert re.search(r"location\s*=\s*/metrics\s*\{\s*return\s+404;\s*\}", nginx_conf())


def test_the_dockerfile_serves_with_real_settings_on_the_exposed_port() -> None:
    text = dockerfile()
    cmd = re.search(r"^CMD\s+(\[.*\])", text, re.M)
    assert cmd is not None and yaml.safe_load(cmd.group(1)) == ["linkguard", "serve"]
    env = dict(re.findall(r"(LINKGUARD_\w+)=(\S+)", text))
    for key in env:
        assert key[len(PREFIX):].lower() in FIELDS, key
    assert re.search(rf"^EXPOSE\s+{env['LINKGUARD_PORT']}\b", text, re.M)
    assert env["LINKGUARD_HOST"] == "0.0.0.0"
    copied = {shlex.split(line)[1] for line in text.splitlines() if line.startswith("COPY ")}
    for path in copied:
        assert (ROOT / path).exists(), path


def render(value: object) -> str:
    """A default as docs/deploy.md writes it."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == REPO_BLOCKLISTS:
        return "the shipped blocklists/"
    if isinstance(value, tuple):
        return ",".join(map(str, value)) if value else "empty"
    return str(value)


def test_docs_list_every_setting_with_its_default() -> None:
    docs = (ROOT / "docs/deploy.md").read_text()
    rows = dict(re.findall(r"^\| `(LINKGUARD_\w+)` \| `([^`]*)` \|", docs, re.M))
    expected = {PREFIX + name.upper(): render(default) for name, default in FIELDS.items()}
    assert rows == expected


def test_every_variable_the_deployment_files_name_is_a_setting() -> None:
    text = "\n".join(p.read_text() for p in (
        ROOT / "docker-compose.yml", ROOT / "Dockerfile", ROOT / "docs/deploy.md"))
    for var in set(re.findall(r"LINKGUARD_[A-Z_]+[A-Z]", text)):
        assert var[len(PREFIX):].lower() in FIELDS, var


def test_replicas_refresh_feeds_themselves_into_a_shared_writable_volume() -> None:
    """No cron container: the schedule runs in the replicas (LINKGUARD_UPDATE_INTERVAL), and
    they write the feeds' copies where every replica reads them."""
    services = compose()["services"]
    assert not any("cron" in name or "update" in name for name in services)
    feeds = f"{interpolate(replicas()['linkguard-1']['environment']['LINKGUARD_LISTS_DIR'])}/feeds"
    for name, svc in replicas().items():
        env = {k: interpolate(v) for k, v in svc["environment"].items()}
        assert float(env.get("LINKGUARD_UPDATE_INTERVAL", FIELDS["update_interval"])) > 0, name
        mounts = {v.split(":")[1]: v for v in svc["volumes"]}
        assert feeds in mounts and not mounts[feeds].endswith(":ro"), name
        assert mounts[feeds].split(":")[0] in compose()["volumes"], "a named, shared volume"
    assert re.search(r"chown -R linkguard /app/blocklists/feeds", dockerfile())
