"""Fetch a list's `source` over http(s): conditional, time-bounded, size-capped and streamed.

Used by the maintainer tools (`linkguard lists update|diff`) and by the service's scheduled
updates (service/upkeep/schedule.py, in a worker thread), never by the request path. Sources
come from the manifest, which maintainers control, so no SSRF guard applies here; what
a feed can do is be slow, huge, truncated or wrong, and each of those is a FetchFailed with a
message that says which, so the caller keeps the last good copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from urllib.parse import urlsplit

import aiohttp

from service.core.errors import ListError
from service.settings import redact_url

Progress = Callable[[int, int | None], None]  # (bytes so far, total when announced)
CHUNK = 256 * 1024
MAX_REDIRECTS = 5  # feeds move (GitHub raw, CDN); more hops than this is a misconfiguration
CONNECT_TIMEOUT = 15.0


def _user_agent() -> str:
    # PhishTank asks automated clients for a descriptive User-Agent (phishtank.org/developer_info).
    try:
        version = metadata.version("notalone-linkguard")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        version = "dev"
    return f"notalone-linkguard/{version} (lists update; self-hosted link checker for schools)"


USER_AGENT = _user_agent()


class FetchFailed(ListError):
    """The download did not give a whole, usable body; the list on disk stays as it was."""

    code = "fetch_failed"


@dataclass(frozen=True, slots=True)
class Fetched:
    """One answer: `data` is the whole body for 200, empty for 304 (not modified)."""

    url: str
    status: int
    data: bytes
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def check_source(url: str) -> str:
    """`url` when it is an absolute http(s) URL, else FetchFailed saying what is accepted."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise FetchFailed(f"source {url!r}: only absolute http:// or https:// URLs can be fetched")
    return url


async def fetch(
    url: str,
    *,
    time_limit: float,
    max_bytes: int,
    etag: str | None = None,
    last_modified: str | None = None,
    session: aiohttp.ClientSession | None = None,
    progress: Progress | None = None,
    proxy: str | None = None,
) -> Fetched:
    """GET `url`, conditional on `etag`/`last_modified` (RFC 9110 sections 13.1.2 and 13.1.3).

    The body is streamed and the download stops as soon as it passes `max_bytes` (counted after
    gzip/deflate decoding, so a compressed bomb stops too); `time_limit` bounds the whole exchange.
    """
    check_source(url)
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    limits = aiohttp.ClientTimeout(total=time_limit, sock_connect=min(time_limit, CONNECT_TIMEOUT))
    own = session is None
    # trust_env=False: no proxy or .netrc from the environment leaks into feed downloads.
    client = session or aiohttp.ClientSession(trust_env=False)
    try:
        async with client.get(
            url, headers=headers, timeout=limits, max_redirects=MAX_REDIRECTS, proxy=proxy
        ) as response:
            return await _read(url, response, max_bytes, progress, etag, last_modified)
    except FetchFailed:
        raise
    except aiohttp.ClientHttpProxyError as exc:  # its text names the proxy URL, password too
        raise FetchFailed(f"{url}: the proxy {_proxy(proxy)} answered HTTP {exc.status} "
                          f"{exc.message}".rstrip()) from None
    except aiohttp.ClientProxyConnectionError as exc:
        raise FetchFailed(f"{url}: cannot reach the proxy {_proxy(proxy)}: "
                          f"{_why(exc.os_error)}") from None
    except TimeoutError:
        raise FetchFailed(f"{url}: no complete answer within {time_limit:g} s") from None
    except aiohttp.TooManyRedirects:
        raise FetchFailed(f"{url}: more than {MAX_REDIRECTS} redirects") from None
    except aiohttp.ClientPayloadError as exc:
        raise FetchFailed(f"{url}: the download was cut short ({_why(exc)})") from None
    except aiohttp.ClientError as exc:
        raise FetchFailed(f"{url}: {type(exc).__name__}: {_why(exc)}") from None
    finally:
        if own:
            await client.close()


async def _read(
    url: str,
    response: aiohttp.ClientResponse,
    max_bytes: int,
    progress: Progress | None,
    etag: str | None,
    last_modified: str | None,
) -> Fetched:
    new_etag = response.headers.get("ETag")
    new_modified = response.headers.get("Last-Modified")
    if response.status == 304:
        return Fetched(url, 304, b"", new_etag or etag, new_modified or last_modified)
    if response.status != 200:
        raise FetchFailed(f"{url}: HTTP {response.status} {response.reason or ''}".rstrip())
    encoded = bool(response.headers.get("Content-Encoding"))
    total = None if encoded else response.content_length
    if total is not None and total > max_bytes:
        raise FetchFailed(f"{url}: {total} bytes announced, more than the {max_bytes} allowed "
                          "(LINKGUARD_FEED_MAX_BYTES)")
    chunks: list[bytes] = []
    done = 0
    async for chunk in response.content.iter_chunked(CHUNK):
        done += len(chunk)
        if done > max_bytes:
            raise FetchFailed(f"{url}: larger than the {max_bytes} bytes allowed "
                              "(LINKGUARD_FEED_MAX_BYTES); download stopped")
        chunks.append(chunk)
        if progress is not None:
            progress(done, total)
    return Fetched(url, 200, b"".join(chunks), new_etag, new_modified)


def _proxy(proxy: str | None) -> str:
    return f"{redact_url(proxy) if proxy else '(none)'} (LINKGUARD_FEED_PROXY)"


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "…"
