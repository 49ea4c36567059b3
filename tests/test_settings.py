"""Settings: the only reader of LINKGUARD_* variables; bad values stop start-up with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.core.errors import ConfigError
from service.settings import REPO_BLOCKLISTS, Settings


def test_defaults_serve_the_repo_lists_on_loopback() -> None:
    s = Settings.from_env({})
    assert (s.host, s.port, s.lists_dir, s.redis_url) == ("127.0.0.1", 8080, REPO_BLOCKLISTS, None)
    assert s.log_full_urls is False


def test_reads_only_prefixed_variables() -> None:
    s = Settings.from_env(
        {
            "LINKGUARD_PORT": "9090",
            "LINKGUARD_REDIS_URL": "redis://127.0.0.1:6390/0",
            "LINKGUARD_LOG_LEVEL": "debug",
            "LINKGUARD_RATE_LIMIT": "0",
            "LINKGUARD_LOG_FULL_URLS": "yes",
            "LINKGUARD_RESOLVE_ALLOWED_PORTS": "80, 443,8443",
            "PORT": "1",
            "LINKGUARD_UNKNOWN": "ignored",
        }
    )
    assert s.port == 9090
    assert s.redis_url == "redis://127.0.0.1:6390/0"
    assert s.log_level == "DEBUG"
    assert s.rate_limit == 0
    assert s.log_full_urls is True
    assert s.resolve_allowed_ports == (80, 443, 8443)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"LINKGUARD_PORT": "eighty"}, "LINKGUARD_PORT"),
        ({"LINKGUARD_PORT": "70000"}, "1-65535"),
        ({"LINKGUARD_LOG_LEVEL": "loud"}, "LINKGUARD_LOG_LEVEL"),
        ({"LINKGUARD_REDIS_URL": "localhost:6379"}, "redis://"),
        ({"LINKGUARD_ADMIN_TOKEN": "short"}, "16"),
        ({"LINKGUARD_RATE_LIMIT": "-1"}, "LINKGUARD_RATE_LIMIT"),
        ({"LINKGUARD_LOG_FULL_URLS": "maybe"}, "true or false"),
        ({"LINKGUARD_LISTS_DIR": "/nonexistent/lists"}, "lists.toml"),
        ({"LINKGUARD_TRUSTED_PROXIES": "10.0.0.0/8,not-an-ip"}, "not-an-ip"),
    ],
)
def test_invalid_values_say_which_variable_and_how_to_fix(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env)
    assert says in str(info.value)


def test_lists_dir_accepts_a_copy(tmp_path: Path) -> None:
    (tmp_path / "lists.toml").write_text("")
    assert Settings.from_env({"LINKGUARD_LISTS_DIR": str(tmp_path)}).lists_dir == tmp_path
