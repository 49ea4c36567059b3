"""The service's one exception tree; the HTTP layer maps it to JSON errors in one place.

    LinkGuardError                 code, status (the HTTP status a handler would answer)
    ├── InvalidURL                 400 invalid_url: not a checkable http(s) URL
    ├── BadRequest                 400 bad_request: malformed JSON or parameters
    │   └── ValidationFailed       422 invalid_field: well-formed JSON, wrong fields
    ├── Unauthorized               401 unauthorized: admin route without a valid token
    ├── NotFound                   404 not_found
    ├── PayloadTooLarge            413 payload_too_large: body, URL or batch over a limit
    ├── UnsupportedMediaType       415 unsupported_media_type: not application/json
    ├── RateLimited                429 rate_limited (carries retry_after seconds)
    ├── Unavailable                503 unavailable: a dependency the request needs is down
    ├── ConfigError                settings or manifest that cannot be used (start-up stops)
    └── ListError                  a list or manifest that cannot be read (the old one stays)
"""

from __future__ import annotations


class LinkGuardError(Exception):
    """Base of every error this package raises on purpose."""

    code = "error"
    status = 500

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidURL(LinkGuardError):
    """The input is not an http(s) URL with a valid host (Safe Browsing canonicalization fails)."""

    code = "invalid_url"
    status = 400


class BadRequest(LinkGuardError):
    code = "bad_request"
    status = 400


class ValidationFailed(BadRequest):
    code = "invalid_field"
    status = 422


class Unauthorized(LinkGuardError):
    code = "unauthorized"
    status = 401


class NotFound(LinkGuardError):
    code = "not_found"
    status = 404


class PayloadTooLarge(LinkGuardError):
    code = "payload_too_large"
    status = 413


class UnsupportedMediaType(LinkGuardError):
    code = "unsupported_media_type"
    status = 415


class RateLimited(LinkGuardError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(LinkGuardError):
    code = "unavailable"
    status = 503


class ConfigError(LinkGuardError):
    code = "config_error"


class ListError(LinkGuardError):
    code = "list_error"
