"""JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of every body the API accepts or answers.

Built from the same constants the handlers check (limits, enumerations), so a changed limit
changes the document too. `service.web.openapi` assembles them into the document.
"""

from __future__ import annotations

from typing import Any

from service.assess import RESOLVE_MODES
from service.core.model import LEVELS
from service.core.urls import MAX_URL_LENGTH
from service.detect.messages import LANGS
from service.detect.textlinks import MAX_LINKS
from service.store.reports import KINDS, MAX_COMMENT, STATUSES
from service.textcheck import MAX_TEXT_BYTES
from service.upkeep.review import ENTRY_KINDS
from service.web import inputs
from service.web.routes import MAX_COMMENT_INPUT

Schema = dict[str, Any]

VIAS = ("start", "location", "refresh", "meta", "script", "unwrap")
NULLABLE_STRING: Schema = {"type": ["string", "null"]}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Schema], *, required: tuple[str, ...] | None = None,
        description: str = "") -> Schema:
    """An object schema; every property is required unless `required` says otherwise."""
    schema: Schema = {"type": "object", "properties": properties,
                      "required": list(properties if required is None else required)}
    if description:
        schema["description"] = description
    return schema


def string(description: str = "", **more: Any) -> Schema:
    return {"type": "string", **({"description": description} if description else {}), **more}


def integer(minimum: int = 0, maximum: int | None = None) -> Schema:
    schema: Schema = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


# JSON Schema counts characters; the service's limit is 8 KiB of UTF-8, so maxLength is the
# bound for ASCII and a longer non-ASCII URL also gets 413 url_too_long.
URL_INPUT = string(f"the link as the student saw it (a missing scheme means http://); at most "
                   f"{MAX_URL_LENGTH} bytes of UTF-8 (413 url_too_long beyond)",
                   maxLength=MAX_URL_LENGTH)
LANG_QUERY = string(f"answer language: {' or '.join(LANGS)}; any other value falls back to "
                    "the Accept-Language header, then to vi", examples=list(LANGS))
# In a JSON body an optional field may also be null, which means the same as leaving it out.
LANG_INPUT = LANG_QUERY | {"type": ["string", "null"]}


def optional(values: tuple[str, ...], default: str | None = None, **more: Any) -> Schema:
    """An optional choice in a JSON body (null = absent)."""
    schema: Schema = {"enum": [*values, None], **more}
    if default is not None:
        schema["default"] = default
    return schema


def nullable_string(description: str, max_length: int) -> Schema:
    return {"type": ["string", "null"], "description": description, "maxLength": max_length}


def _requests() -> dict[str, Schema]:
    return {
        "CheckRequest": obj({
            "url": URL_INPUT,
            "lang": LANG_INPUT,
            "resolve": optional(RESOLVE_MODES, "auto",
                                description="whether the service may follow the link's redirects"),
        }, required=("url",)),
        "BatchRequest": obj({
            "urls": {"type": "array", "maxItems": inputs.MAX_BATCH,
                     "description": "URLs to check, answered in order. An item that is not a "
                                    "checkable URL string gets an error object in its slot; "
                                    "the batch as a whole is not refused",
                     "items": {"description": "a URL string, as for /v1/check"}},
            "lang": LANG_INPUT,
            "resolve": optional(RESOLVE_MODES, "never"),
        }, required=("urls",)),
        "TextRequest": obj({
            "text": string(f"the message, at most {MAX_TEXT_BYTES} bytes of UTF-8 (413 "
                           "text_too_long beyond); not empty, no NUL", minLength=1,
                           maxLength=MAX_TEXT_BYTES, pattern=r"^[^\u0000]*$"),
            "lang": {"enum": [*LANGS, None], "description": "answer language; absent or null: "
                     "the Accept-Language header, then vi"},
            "resolve": optional(RESOLVE_MODES, "never",
                                description="whether the links' redirects may be followed"),
        }, required=("text",)),
        "ReportRequest": obj({
            "url": URL_INPUT,
            "kind": optional(KINDS, "other"),
            "comment": nullable_string(f"optional; control characters are dropped and it is cut "
                                       f"to {MAX_COMMENT} characters", MAX_COMMENT_INPUT),
        }, required=("url",)),
        "AcceptRequest": obj({
            "list": nullable_string("the list to add to (default: the kind's local list)", 64),
            "note": nullable_string("the reviewer's note", MAX_COMMENT),
            "entry": optional(ENTRY_KINDS, description="add the host or the URL"),
        }, required=()) | {"additionalProperties": False},
        "RejectRequest": obj({"note": nullable_string("the reviewer's note", MAX_COMMENT)},
                             required=()) | {"additionalProperties": False},
    }


def _results() -> dict[str, Schema]:
    return {
        "Reason": obj({
            "code": string("stable identifier, e.g. lookalike.edit_distance (docs/detectors.md)",
                           pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$"),
            "score": integer(0, 100),
            "message": string("localized"),
            "advice": string("localized"),
            "evidence": {"type": "object", "additionalProperties": {"type": "string"}},
        }),
        "Hop": obj({
            "url": {"type": "string"},
            "status": {"type": ["integer", "null"],
                       "description": "the HTTP status it answered; null when not fetched"},
            "via": {"enum": list(VIAS)},
        }),
        "CheckResult": obj({
            "url": string("the URL as it was asked"),
            "canonical_url": string("Safe Browsing v4 canonical form"),
            "final_url": string("where the redirect chain ended (the canonical URL when it "
                                "was not followed)"),
            "verdict": {"enum": list(LEVELS)},
            "score": integer(0, 100),
            "reasons": {"type": "array", "items": ref("Reason")},
            "redirects": {"type": "array", "minItems": 1, "items": ref("Hop")},
            "suggestion": NULLABLE_STRING | {"description": "the site a lookalike imitates"},
            "lists_version": {"type": "string"},
            "cached": {"type": "boolean"},
            "ttl": integer(),
            "lang": {"enum": list(LANGS)},
        }),
        "TextResult": obj({
            "verdict": {"enum": list(LEVELS)},
            "score": integer(0, 100),
            "reasons": {"type": "array", "items": ref("Reason"),
                        "description": "message.* reasons (docs/detectors.md)"},
            "links": {"type": "array", "maxItems": MAX_LINKS, "items": ref("CheckResult"),
                      "description": "one /v1/check result per link found in the text"},
            "lang": {"enum": list(LANGS)},
        }),
        "BatchItemError": obj({"url": {"type": "string"}, "error": ref("ErrorDetail")},
                              required=("error",)),
        "BatchResult": obj({"results": {"type": "array", "items": {
            "oneOf": [ref("CheckResult"), ref("BatchItemError")]}}}),
        "ReportAccepted": obj({"id": string("report id", pattern=r"^[0-9a-f]+-[0-9a-f]{8}$")}),
    }


def _service() -> dict[str, Schema]:
    list_row: dict[str, Schema] = {
        "name": {"type": "string"}, "category": {"type": "string"},
        "action": {"enum": ["block", "allow"]}, "format": {"type": "string"},
        "entries": integer(), "errors": integer(), "enabled": {"type": "boolean"},
        "updated_at": NULLABLE_STRING, "source": NULLABLE_STRING,
        "license": {"type": "string"},
        "snapshot": {**NULLABLE_STRING, "description": "date of the copy shipped with the code"},
        "origin": {"enum": ["snapshot", "download", "file"],
                   "description": "the copy served: the shipped snapshot, a download, a file"},
        "data_date": {**NULLABLE_STRING,
                      "description": "the snapshot's date, the download's time or the file's"},
    }
    return {
        "ListsInfo": obj({"version": {"type": "string"}, "lists": {"type": "array", "items": obj(
            {**list_row, "description": {"type": "string"}})}}),
        "Health": obj({"status": {"const": "ok"}}),
        "Ready": obj({
            "status": {"enum": ["ready", "degraded"],
                       "description": "degraded while Redis is unreachable (still answering)"},
            "backend": {"enum": ["in-process", "redis", "redis-cluster"]},
            "replica": {"type": "string"},
            "replicas": {"type": "object", "additionalProperties": {"type": "string"},
                         "description": "every live replica -> the lists version it serves"},
            "lists_version": {"type": "string"},
            "redis": obj({"backend": {"type": "string"}, "up": {"type": "boolean"},
                          "down_since": {"type": ["number", "null"]}, "outages": integer()}),
            "updates": obj({
                "interval": {"type": "number", "description": "LINKGUARD_UPDATE_INTERVAL; 0: off"},
                "next_at": {"type": ["number", "null"], "description": "next run (Unix time)"},
                "last_run": {"oneOf": [{"type": "null"}, obj({
                    "at": {"type": "number"}, "ok": {"type": "boolean"}})]},
                "failing": {"type": "object", "additionalProperties": {"type": "string"},
                            "description": "enabled feed -> its last update's status, when "
                                           "failed or refused (the last good copy serves)"},
            }),
        }, required=("status", "backend", "replica", "replicas", "lists_version")),
        "Report": obj({
            "id": {"type": "string"}, "kind": {"enum": list(KINDS)}, "url": {"type": "string"},
            "comment": {"type": "string"}, "lists_version": {"type": "string"},
            "created_at": {"type": "number"}, "status": {"enum": list(STATUSES)},
            "note": {"type": "string"}, "reviewed_at": {"type": ["number", "null"]},
        }),
        "ReportList": obj({"reports": {"type": "array", "items": ref("Report")}}),
        "ReloadResult": obj({"old_version": {"type": "string"},
                             "new_version": {"type": "string"}, "changed": {"type": "boolean"}}),
        "AcceptResult": obj({
            "report": ref("Report"), "list": {"type": "string"}, "entry": {"type": "string"},
            "kind": {"type": "string"}, "added": {"type": "boolean"},
            "reloaded": {"type": "boolean"}, "lists_version": {"type": "string"},
            "reload_error": string("why the reload after the edit failed (old lists kept)"),
        }, required=("report", "list", "entry", "kind", "added", "reloaded", "lists_version")),
        "RejectResult": obj({"report": ref("Report"), "was_accepted": {"type": "boolean"}}),
        "AdminLists": obj({
            "version": {"type": "string"}, "loaded_at": {"type": "string"},
            "lists": {"type": "array", "items": obj({
                **list_row, "loaded": {"type": "boolean"}, "sha256": {"type": "string"},
                "update": {"type": ["object", "null"],
                           "description": "what the last `lists update` recorded"}})},
            "reload_error": NULLABLE_STRING, "reload_error_at": NULLABLE_STRING,
        }),
    }


def schemas() -> dict[str, Schema]:
    errors = {
        "ErrorDetail": obj({"code": string("stable error code (docs/api.md, Errors)",
                                           pattern=r"^[a-z_]+$"),
                            "message": string("for people; may change")}),
        "Error": obj({"error": ref("ErrorDetail")}),
    }
    return {**errors, **_requests(), **_results(), **_service()}
