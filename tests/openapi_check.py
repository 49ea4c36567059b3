"""Test helper: check a real answer (status, headers, JSON body) against the OpenAPI document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "urn:linkguard:openapi"
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
HTML_PAGES = "/admin"  # the staff pages are HTML forms, not the JSON API (docs/api.md)


def app_operations(app: web.Application) -> set[tuple[str, str]]:
    """(METHOD, path template) of every route the app serves (HEAD/OPTIONS are implied)."""
    ops = set()
    for route in app.router.routes():
        if route.method in SKIPPED_METHODS or route.resource is None:
            continue
        if route.resource.canonical.startswith(HTML_PAGES):
            continue
        ops.add((route.method, route.resource.canonical))
    return ops


def doc_operations(doc: Mapping[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in doc["paths"].items() for method in item}


class Contract:
    """The document plus a JSON Schema registry in which its `#/components/...` refs resolve."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        resource = Resource.from_contents(dict(doc), default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(BASE, resource)

    def _deref(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in node:
            ref = node["$ref"]
            assert ref.startswith("#/"), ref
            target: Any = self.doc
            for part in ref[2:].split("/"):
                target = target[part]
            node = target
        return node

    def response(self, method: str, template: str, status: int) -> Mapping[str, Any]:
        operation = self.doc["paths"][template][method.lower()]
        responses = operation["responses"]
        assert str(status) in responses, (
            f"{method} {template} answered {status}, the document lists {sorted(responses)}")
        return self._deref(responses[str(status)])

    def check(self, method: str, template: str, status: int, headers: Mapping[str, str],
              body: Any) -> None:
        """Raise AssertionError / jsonschema.ValidationError where the answer breaks the doc."""
        response = self.response(method, template, status)
        for name, header in response.get("headers", {}).items():
            header = self._deref(header)
            if header.get("required"):
                assert name in headers, f"{method} {template} {status}: no {name} header"
            if name in headers:
                self._validate(header["schema"], headers[name])
        content_type = headers.get("Content-Type", "").split(";")[0].strip()
        content = response.get("content", {})
        assert content_type in content, (
            f"{method} {template} {status}: {content_type} not in {sorted(content)}")
        if content_type == "application/json":
            self._validate(content[content_type]["schema"], body)

    def _validate(self, schema: Mapping[str, Any], instance: Any) -> None:
        wrapped = {"$ref": BASE + schema["$ref"]} if "$ref" in schema else dict(schema)
        Draft202012Validator(wrapped, registry=self.registry).validate(instance)
