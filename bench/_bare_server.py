"""Baseline for the HTTP benchmark: a bare aiohttp JSON handler doing no work at all."""

from __future__ import annotations

import sys

from aiohttp import web

BODY = {
    "url": "http://example.com/", "canonical_url": "http://example.com/",
    "final_url": "http://example.com/", "verdict": "safe", "score": 0, "reasons": [],
    "redirects": [{"url": "http://example.com/", "status": None, "via": "start"}],
    "suggestion": None, "lists_version": "x", "cached": True, "ttl": 900, "lang": "vi",
}


async def check(request: web.Request) -> web.Response:
    await request.json()
    return web.json_response(BODY)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def main() -> None:
    app = web.Application()
    app.router.add_post("/v1/check", check)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)


if __name__ == "__main__":
    main()
