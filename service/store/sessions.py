"""Staff sessions kept server-side: a random id in the cookie, its record in Redis or in process.

The id is 32 random bytes (secrets.token_urlsafe); only its SHA-256 is a key, so a copy of
Redis or of this process's memory cannot be replayed as a cookie. A record holds the CSRF
token, the times and the page language; nothing about the person. It lives 8 hours from
login (OWASP Session Management Cheat Sheet: an absolute timeout), then it is gone: Redis
expires the key, the in-process store drops it when it is next read or on a sweep.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from service.store.redis_link import REDIS_ERRORS, RedisLink

LIFETIME = 8 * 3600  # seconds
KEY_PREFIX = "lg:staff:"
MAX_SESSIONS = 1000  # in process; the oldest go first beyond this
MAX_ID_LENGTH = 100


@dataclass(frozen=True, slots=True)
class Session:
    csrf: str
    created_at: float
    expires_at: float
    lang: str = "vi"
    flash: str = ""  # one message for the next page (kept server-side, never in a URL)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Session | None:
        try:
            doc = json.loads(text)
            return cls(csrf=str(doc["csrf"]), created_at=float(doc["created_at"]),
                       expires_at=float(doc["expires_at"]), lang=str(doc.get("lang", "vi")),
                       flash=str(doc.get("flash", "")))
        except (ValueError, KeyError, TypeError):
            return None


def _key(session_id: str) -> str:
    return KEY_PREFIX + hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


class SessionStore:
    """Sessions in Redis when a link is given (every replica sees them), else in process.
    While Redis is down, sessions made meanwhile live in this process only."""

    def __init__(self, link: RedisLink | None = None, *,
                 clock: Callable[[], float] = time.time, lifetime: float = LIFETIME) -> None:
        self._link = link
        self._clock = clock
        self.lifetime = lifetime
        self._memory: dict[str, Session] = {}

    async def create(self, *, lang: str = "vi") -> tuple[str, Session]:
        now = self._clock()
        session_id = secrets.token_urlsafe(32)
        session = Session(csrf=secrets.token_urlsafe(32), created_at=now,
                          expires_at=now + self.lifetime, lang=lang)
        await self._put(_key(session_id), session)
        return session_id, session

    async def get(self, session_id: str | None) -> Session | None:
        if not session_id or len(session_id) > MAX_ID_LENGTH:
            return None
        key = _key(session_id)
        session = self._memory.get(key)
        if session is None and self._link is not None and self._link.up:
            try:
                raw = await self._link.client.get(key)
            except REDIS_ERRORS as exc:
                self._link.failed(exc)
                raw = None
            session = Session.from_json(raw) if raw is not None else None
        if session is not None and session.expires_at <= self._clock():
            await self.delete(session_id)
            return None
        return session

    async def update(self, session_id: str, session: Session) -> None:
        await self._put(_key(session_id), session)

    async def delete(self, session_id: str) -> None:
        key = _key(session_id)
        self._memory.pop(key, None)
        if self._link is not None and self._link.up:
            try:
                await self._link.client.delete(key)
            except REDIS_ERRORS as exc:
                self._link.failed(exc)

    async def _put(self, key: str, session: Session) -> None:
        ttl = max(1, int(session.expires_at - self._clock()))
        if self._link is not None and self._link.up:
            try:
                await self._link.client.set(key, session.to_json(), ex=ttl)
                return
            except REDIS_ERRORS as exc:
                self._link.failed(exc)
        self._memory[key] = session
        if len(self._memory) > MAX_SESSIONS:
            self._sweep()

    def _sweep(self) -> None:
        now = self._clock()
        self._memory = {k: s for k, s in self._memory.items() if s.expires_at > now}
        while len(self._memory) > MAX_SESSIONS:
            del self._memory[next(iter(self._memory))]
