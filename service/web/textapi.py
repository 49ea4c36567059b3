"""POST /v1/check/text: a whole chat message checked; its text is validated here, never logged.

Privacy (DESIGN.md): the text lives only in this request. It is not cached, stored or logged;
the one log line says the verdict, the score, the reason codes and how many links there were.
The links found in it are checked as /v1/check/batch checks them (cache, check log).
"""

from __future__ import annotations

import logging

from aiohttp import web

from service.assess import RESOLVE_MODES
from service.core.errors import BadRequest, PayloadTooLarge, ValidationFailed
from service.detect import present
from service.detect.messages import LANGS, pick_lang
from service.textcheck import MAX_TEXT_BYTES, check_text
from service.web import inputs, logs
from service.web.state import ASSESSOR, LISTS, SETTINGS

text_log = logging.getLogger("linkguard.text")


def text_field(value: object) -> str:
    """The message: a non-empty string of at most MAX_TEXT_BYTES of UTF-8, no NUL, no lone
    surrogates (JSON can spell "\\ud800", which is no text at all)."""
    if value is None:
        raise ValidationFailed("'text' is required", code="missing_field")
    if not isinstance(value, str):
        raise ValidationFailed("'text' must be a string")
    if not value:  # only spaces is a message with nothing in it: a safe answer, not an error
        raise ValidationFailed("'text' is empty", code="empty_text")
    if len(value) > MAX_TEXT_BYTES or len(value.encode("utf-8", "surrogatepass")) > (
            MAX_TEXT_BYTES):
        raise PayloadTooLarge(f"'text' is longer than {MAX_TEXT_BYTES} bytes of UTF-8",
                              code="text_too_long")
    if "\0" in value:
        raise BadRequest("'text' contains a NUL character", code="invalid_text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("'text' is not valid Unicode (a lone surrogate)",
                         code="invalid_text") from None
    return value


def lang_field(request: web.Request, value: object) -> str:
    """`lang` is optional, but when given it must be one we speak (422 otherwise)."""
    if value is not None and value not in LANGS:
        raise ValidationFailed(f"'lang' must be one of: {', '.join(LANGS)}")
    return pick_lang(value if isinstance(value, str) else None,
                     request.headers.get("Accept-Language"))


async def check_text_post(request: web.Request) -> web.Response:
    doc = await inputs.json_object(request)
    text = text_field(doc.get("text"))
    lang = lang_field(request, doc.get("lang"))
    mode = inputs.choice(doc.get("resolve"), "resolve", RESOLVE_MODES, "never")
    rules = request.app[LISTS].current.reference.messages
    result = await check_text(request.app[ASSESSOR], text, rules, resolve=mode)
    full = request.app[SETTINGS].log_full_urls
    for link in result.links:
        logs.checked(link, full=full)
    text_log.info("text checked", extra={"fields": {
        "verdict": result.verdict.level, "score": result.verdict.score,
        "codes": list(result.verdict.codes), "links": len(result.links)}})
    return web.json_response(present.text_result(result.verdict, result.links, lang))


def setup(app: web.Application) -> None:
    app.router.add_post("/v1/check/text", check_text_post)
