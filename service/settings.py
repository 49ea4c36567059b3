"""Settings: the only reader of `LINKGUARD_*` environment variables, built once and passed down."""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from service.core.errors import ConfigError

PREFIX = "LINKGUARD_"
REPO_BLOCKLISTS = Path(__file__).resolve().parent.parent / "blocklists"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Every knob of the service. Field docs double as the reference in docs/deploy.md."""

    host: str = "127.0.0.1"
    port: int = 8080
    lists_dir: Path = REPO_BLOCKLISTS
    redis_url: str | None = None  # unset: in-process cache, limits and report file
    admin_token: str | None = None  # unset: admin routes are disabled (404)
    log_level: str = "INFO"
    log_full_urls: bool = False  # privacy: log the registrable domain and a hash unless set
    data_dir: Path = Path("var")  # report file / spool when Redis is absent or down
    rate_limit: int = 120  # requests per minute per client; 0 turns limits off
    api_keys: tuple[str, ...] = ()  # optional; empty = open service (school LAN)
    trusted_proxies: tuple[str, ...] = ()  # CIDRs whose X-Forwarded-For is believed
    cache_size: int = 50_000  # in-process cache entries
    # Resolver (redirect chains)
    resolve_timeout: float = 5.0  # total budget for one chain, seconds
    resolve_hop_timeout: float = 2.5
    resolve_max_hops: int = 10
    resolve_max_body: int = 64 * 1024
    resolve_concurrency: int = 32
    resolve_allowed_ports: tuple[int, ...] = (80, 443)
    resolve_allow_private: bool = False  # intranet deployments only; off by default
    proceed_allowed: bool = True  # informational: the extension's policy default
    shutdown_timeout: float = 10.0
    # Lists maintenance (docs/maintainers.md)
    lists_poll_seconds: float = 30.0  # stat the list files this often, reload on change; 0 = off
    feed_timeout: float = 120.0  # `linkguard lists update`: whole download of one feed, seconds
    feed_max_bytes: int = 32 * 1024 * 1024  # a feed larger than this is refused (decompressed)
    feed_proxy: str | None = None  # http://[user:pass@]host:port for feed downloads; unset: direct
    update_interval: float = 21600.0  # seconds between scheduled feed updates; 0 = off
    update_jitter: float = 0.1  # each scheduled run waits up to this fraction of the interval more

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read `LINKGUARD_*` variables; raise ConfigError naming the variable and the fix."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        known = {f.name for f in dataclasses.fields(cls)}
        for key, raw in env.items():
            if not key.startswith(PREFIX):
                continue
            name = key[len(PREFIX) :].lower()
            if name not in known:
                continue  # unknown variables are ignored, as 12-factor tools do
            values[name] = _parse(name, raw)
        try:
            settings = cls(**values)  # type: ignore[arg-type]
        except TypeError as exc:  # pragma: no cover - guarded by _parse
            raise ConfigError(str(exc)) from exc
        settings.validate()
        return settings

    def replace(self, **changes: object) -> Settings:
        new = dataclasses.replace(self, **changes)  # type: ignore[arg-type]
        new.validate()
        return new

    def validate(self) -> None:
        def bad(var: str, why: str) -> ConfigError:
            return ConfigError(f"{PREFIX}{var.upper()}: {why}")

        if not 0 < self.port < 65536:
            raise bad("port", f"{self.port} is not a TCP port; use 1-65535 (default 8080)")
        if self.log_level not in LOG_LEVELS:
            raise bad("log_level", f"{self.log_level!r}; use one of {', '.join(LOG_LEVELS)}")
        if self.rate_limit < 0:
            raise bad("rate_limit", "must be >= 0 requests per minute (0 turns limits off)")
        if self.redis_url is not None and not self.redis_url.startswith(
            ("redis://", "rediss://", "unix://", "redis+cluster://", "rediss+cluster://")
        ):
            raise bad(
                "redis_url",
                f"{self.redis_url!r} is not a Redis URL; use redis://host:6379/0 "
                "or redis+cluster://host:7000",
            )
        if self.admin_token is not None and len(self.admin_token) < 16:
            raise bad("admin_token", "is too short; use at least 16 random characters")
        if self.resolve_timeout <= 0 or self.resolve_hop_timeout <= 0:
            raise bad("resolve_timeout", "timeouts must be positive seconds")
        if not 0 <= self.resolve_max_hops <= 20:
            raise bad("resolve_max_hops", "use 0-20 hops (default 10)")
        if self.lists_poll_seconds < 0:
            raise bad("lists_poll_seconds", "must be >= 0 seconds (0 turns polling off)")
        if self.feed_timeout <= 0:
            raise bad("feed_timeout", "must be positive seconds")
        if self.update_interval != 0 and self.update_interval < 1:
            raise bad("update_interval", "must be 0 (off) or at least 1 second (default 21600)")
        if not 0 <= self.update_jitter <= 1:
            raise bad("update_jitter", "must be a fraction of the interval between 0 and 1")
        if self.feed_max_bytes < 1024:
            raise bad("feed_max_bytes", "must be at least 1024 bytes")
        if self.feed_proxy is not None:
            _check_proxy(self.feed_proxy, bad)
        if self.cache_size < 0:
            raise bad("cache_size", "must be >= 0 entries")
        for cidr in self.trusted_proxies:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError as exc:
                raise bad("trusted_proxies", f"{cidr!r} is not an address or CIDR") from exc
        if not self.lists_dir.is_dir() or not (self.lists_dir / "lists.toml").is_file():
            raise bad(
                "lists_dir",
                f"{self.lists_dir} has no lists.toml; point it at a blocklists/ directory",
            )

    @property
    def log_level_number(self) -> int:
        return int(logging.getLevelName(self.log_level))


def redact_url(url: str) -> str:
    """A URL setting (Redis, feed proxy) for logs and messages: any password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _check_proxy(url: str, bad: Callable[[str, str], ConfigError]) -> None:
    """An HTTP proxy aiohttp can use: http(s)://[user:pass@]host[:port], nothing after it."""
    example = "use http://proxy.school.lan:3128 (credentials as http://user:pass@host:port)"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise bad("feed_proxy", f"not a URL; {example}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad("feed_proxy", f"must be an http:// proxy URL with a host; {example}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise bad("feed_proxy", f"a proxy URL has no path, query or fragment; {example}")
    if port == 0:
        raise bad("feed_proxy", f"port 0 is not a port; {example}")


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _parse(name: str, raw: str) -> object:
    """Convert one variable's text to the field's type, or explain what was expected."""
    var = PREFIX + name.upper()
    default = _DEFAULTS[name]
    raw = raw.strip()
    try:
        if name in ("redis_url", "admin_token", "feed_proxy"):
            return raw or None
        if name == "log_level":
            return raw.upper()
        if isinstance(default, bool):
            low = raw.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError("expected true or false")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, Path):
            return Path(raw).expanduser()
        if isinstance(default, tuple):
            items = [p.strip() for p in raw.split(",") if p.strip()]
            if name == "resolve_allowed_ports":
                return tuple(int(p) for p in items)
            return tuple(items)
        return raw
    except ValueError as exc:
        raise ConfigError(f"{var}={raw!r}: {exc}; expected {type(default).__name__}") from exc


_DEFAULTS: dict[str, object] = {
    f.name: (f.default if f.default is not dataclasses.MISSING else None)
    for f in dataclasses.fields(Settings)
}
