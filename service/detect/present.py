"""Assessments to the API's localized JSON (the shape DESIGN.md fixes for /v1/check)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from service.core.model import Assessment, Signal, Verdict
from service.detect.messages import text_for


def reason(signal: Signal, lang: str) -> dict[str, Any]:
    text = text_for(signal.code, signal.evidence, lang)
    return {
        "code": signal.code,
        "score": signal.score,
        "message": text.message,
        "advice": text.advice,
        "evidence": dict(signal.evidence),
    }


def assessment(a: Assessment, lang: str) -> dict[str, Any]:
    v = a.verdict
    return {
        "url": a.url,
        "canonical_url": a.canonical_url,
        "final_url": a.final_url,
        "verdict": v.level,
        "score": v.score,
        "reasons": [reason(s, lang) for s in v.signals],
        "redirects": [{"url": h.url, "status": h.status, "via": h.via} for h in a.redirects],
        "suggestion": v.suggestion,
        "lists_version": a.lists_version,
        "cached": a.cached,
        "ttl": a.ttl,
        "lang": lang,
    }


def error(code: str, message: str, *, url: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if url is not None:
        body = {"url": url, **body}
    return body


def text_result(verdict: Verdict, links: Iterable[Assessment], lang: str) -> dict[str, Any]:
    """The /v1/check/text shape: the message's verdict and one /v1/check result per link."""
    return {
        "verdict": verdict.level,
        "score": verdict.score,
        "reasons": [reason(s, lang) for s in verdict.signals],
        "links": [assessment(a, lang) for a in links],
        "lang": lang,
    }
