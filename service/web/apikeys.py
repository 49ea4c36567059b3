"""Optional API keys (`LINKGUARD_API_KEYS`) for the check and report routes of a public service.

Without keys the service is open, as a school LAN expects. With keys, `/v1/check`,
`/v1/check/batch`, `/v1/check/text` and `/v1/reports` need `Authorization: Bearer <key>` (what
the extension sends; RFC 6750 section 2.1) or `X-API-Key: <key>`; health, readiness, metrics,
the OpenAPI document, the check page and `/v1/lists` stay open, and admin routes keep their
own token.

`LINKGUARD_API_KEYS` is comma-separated; an entry is a key (16+ characters) or
`sha256:<64 hex>`, the SHA-256 of a key, so the environment need not hold keys in clear.
Keys are compared as SHA-256 digests with hmac.compare_digest against every configured
digest (no early exit), and are never logged. A key's id is the first 8 hex digits of its
SHA-256: stable across replicas and restarts, shown in logs, and the rate-limit identity
(`ratelimit.API_KEY_ID`), so each key gets its own bucket. A request without a valid key
is charged to its address's bucket before the 401, so guessing keys is as slow as the limit.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from aiohttp import web

from service.core.errors import ConfigError
from service.store.ratelimit import API_KEY_ID
from service.web.logs import route_label
from service.web.state import LIMITER

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PROTECTED = frozenset({"/v1/check", "/v1/check/batch", "/v1/check/text", "/v1/reports"})
HEADER = "X-API-Key"
REALM = "linkguard"
MIN_KEY_LENGTH = 16
_HASHED = re.compile(r"sha256:([0-9a-fA-F]{64})")


def key_id(digest: bytes) -> str:
    return digest.hex()[:8]


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).digest()


@dataclass(frozen=True, slots=True)
class KeyRing:
    """The configured keys as (SHA-256 digest, id) pairs."""

    keys: tuple[tuple[bytes, str], ...]

    @classmethod
    def parse(cls, entries: Sequence[str]) -> KeyRing:
        """Read LINKGUARD_API_KEYS entries; ConfigError names the bad one by position only."""
        keys = []
        for number, entry in enumerate(entries, 1):
            hashed = _HASHED.fullmatch(entry)
            if hashed:
                digest = bytes.fromhex(hashed.group(1))
            elif entry.startswith("sha256:"):
                raise ConfigError(f"LINKGUARD_API_KEYS: entry {number} is not sha256:<64 hex>")
            elif len(entry) < MIN_KEY_LENGTH:
                raise ConfigError(f"LINKGUARD_API_KEYS: key {number} is shorter than "
                                  f"{MIN_KEY_LENGTH} characters; use e.g. `openssl rand -hex 24`")
            else:
                digest = _digest(entry)
            keys.append((digest, key_id(digest)))
        return cls(tuple(keys))

    def identify(self, given: str) -> str | None:
        """The id of the key `given`, or None. Compares against every key in constant time."""
        digest = _digest(given)
        found = None
        for known, kid in self.keys:
            if hmac.compare_digest(digest, known):
                found = kid
        return found


KEYRING = web.AppKey("api_keys", KeyRing)


def presented(headers: Mapping[str, str]) -> str | None:
    """The key the client sent: `Authorization: Bearer <key>` first, else `X-API-Key`."""
    scheme, _, value = headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    value = headers.get(HEADER, "").strip()
    return value or None


def _unauthorized(message: str, *, error: str | None) -> web.Response:
    challenge = f'Bearer realm="{REALM}"' + (f', error="{error}"' if error else "")
    return web.json_response({"error": {"code": "unauthorized", "message": message}},
                             status=401, headers={"WWW-Authenticate": challenge})


@web.middleware
async def api_key_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Before the rate limit (it sets the identity the limit counts), inside the error
    middleware (a 429 for a key guesser becomes JSON)."""
    ring = request.app.get(KEYRING)
    if ring is None or request.method == "OPTIONS" or route_label(request) not in PROTECTED:
        return await handler(request)
    given = presented(request.headers)
    found = ring.identify(given) if given is not None else None
    if found is None:
        gate = request.app.get(LIMITER)
        if gate is not None:
            await gate.check(request)  # charged to the address: RateLimited -> 429
        if given is None:
            return _unauthorized("this service needs an API key: send 'Authorization: Bearer "
                                 "<key>' or 'X-API-Key: <key>'", error=None)
        return _unauthorized("the API key is not valid", error="invalid_token")
    request[API_KEY_ID] = found
    return await handler(request)


def setup(app: web.Application, keys: Sequence[str]) -> None:
    if keys:
        app[KEYRING] = KeyRing.parse(keys)
