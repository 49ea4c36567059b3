"""Reading and validating request input: JSON bodies, fields and limits, each failure a 4xx."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from service.core.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from service.core.urls import MAX_URL_LENGTH

MAX_BODY = 64 * 1024
MAX_BATCH = 100


async def json_object(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object, or a 4xx: 415 not JSON, 413 too big, 400 malformed, 422 shape."""
    if request.content_type != "application/json":
        raise UnsupportedMediaType("send the body as application/json")
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise PayloadTooLarge(f"the body is larger than {MAX_BODY} bytes")
    try:
        raw = await _read_body(request, MAX_BODY + 1)
    except (web.HTTPRequestEntityTooLarge, ValueError) as exc:
        raise PayloadTooLarge(f"the body is larger than {MAX_BODY} bytes") from exc
    if len(raw) > MAX_BODY:
        raise PayloadTooLarge(f"the body is larger than {MAX_BODY} bytes")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadRequest("the body is not valid UTF-8", code="bad_json") from exc
    except RecursionError as exc:  # `[[[[...` nested deeper than the parser's stack
        raise BadRequest("the JSON is nested too deeply", code="bad_json") from exc
    except ValueError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}", code="bad_json") from exc
    if not isinstance(doc, dict):
        raise ValidationFailed("the body must be a JSON object")
    return doc


async def _read_body(request: web.Request, limit: int) -> bytes:
    """The body up to `limit` bytes. StreamReader.read(n) answers with what has arrived so far,
    not n bytes, so a body that comes in pieces (a slow client) is read to its end here."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = await request.content.read(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def url_field(value: object, name: str = "url") -> str:
    """A URL given by the client: a non-empty string within the length limit."""
    if value is None:
        raise ValidationFailed(f"'{name}' is required", code="missing_field")
    if not isinstance(value, str):
        raise ValidationFailed(f"'{name}' must be a string")
    # The limit is 8 KiB of UTF-8 (urls.MAX_URL_LENGTH), so 5,000 "é" are too long as well:
    # they get the same 413 as 8,193 ASCII characters, not urls' 400.
    if len(value) > MAX_URL_LENGTH or (
        len(value) > MAX_URL_LENGTH // 4 and _utf8_length(value) > MAX_URL_LENGTH
    ):
        raise PayloadTooLarge(f"'{name}' is longer than {MAX_URL_LENGTH} bytes",
                              code="url_too_long")
    return value


def _utf8_length(text: str) -> int:
    # surrogatepass: a lone surrogate (JSON allows "\ud800") is measured here and refused by
    # urls as invalid text afterwards.
    return len(text.encode("utf-8", "surrogatepass"))


def choice(value: object, name: str, options: tuple[str, ...], default: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str) or value not in options:
        raise ValidationFailed(f"'{name}' must be one of: {', '.join(options)}")
    return value


def optional_str(value: object, name: str, *, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(f"'{name}' must be a string")
    if len(value) > limit:
        raise PayloadTooLarge(f"'{name}' is longer than {limit} characters")
    return value


def url_list(value: object) -> list[object]:
    if value is None:
        raise ValidationFailed("'urls' is required", code="missing_field")
    if not isinstance(value, list):
        raise ValidationFailed("'urls' must be a list of strings")
    if len(value) > MAX_BATCH:
        raise PayloadTooLarge(f"at most {MAX_BATCH} URLs per batch", code="batch_too_large")
    return value
