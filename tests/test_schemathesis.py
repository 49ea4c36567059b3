"""Schemathesis against the running app: generated requests from /openapi.json, no 5xx, and
every answer (status, headers, content type, body) conforms to the document.

The app runs on a loopback port in a thread of its own (a real server, real sockets); the
examples per operation are bounded so the whole file stays well under a minute.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from aiohttp import web
from fuzzing import examples
from hypothesis import HealthCheck, settings
from listcopy import copy_blocklists

from service.settings import Settings
from service.web import openapi
from service.web.app import HANDLER_ARGS, create_app

TOKEN = "s" * 24
MAX_EXAMPLES = 50  # per operation (14 operations); schemathesis adds its coverage cases

CONFIG = schemathesis.Config.from_dict({
    "auth": {"openapi": {"adminToken": {"bearer": TOKEN}}},
    # Unknown query parameters are ignored, as HTTP APIs usually do (cache busters, tracking
    # tags): an extra parameter is not invalid input for us.
    "generation": {"allow-extra-parameters": False},
    "checks": {
        # Our refusals of bad input include 413 (a URL, body or batch over its limit).
        "negative_data_rejection": {"expected-statuses": [
            "400", "401", "404", "405", "409", "413", "415", "422", "429"]},
        # Whether a string is a checkable URL is what the service decides, not JSON Schema:
        # a schema-valid `url` that is no http(s) URL is a documented 400 invalid_url, and
        # one within maxLength characters but over 8 KiB of UTF-8 a documented 413.
        "positive_data_acceptance": {"expected-statuses": [
            "2xx", "400", "401", "404", "409", "413", "429"]},
    },
})
schema = schemathesis.openapi.from_dict(openapi.document(), config=CONFIG)


class Served:
    """The app on 127.0.0.1:<free port>, served by its own event loop in a daemon thread."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._stop())
        self._loop.close()

    async def _start(self) -> None:
        args = {k: v for k, v in HANDLER_ARGS.items() if k != "access_log_class"}
        self._runner = web.AppRunner(create_app(self._settings),
                                     access_log_class=HANDLER_ARGS["access_log_class"], **args)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _stop(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def __enter__(self) -> Served:
        self._thread.start()
        assert self._ready.wait(30), "the app did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)


SENT: dict[str, int] = {}  # requests per operation, printed at the end (pytest -s)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("schemathesis")
    lists_dir = root / "blocklists"
    copy_blocklists(lists_dir)
    settings = Settings(lists_dir=lists_dir, data_dir=root / "var", admin_token=TOKEN,
                        rate_limit=0, lists_poll_seconds=0)
    with Served(settings) as served:
        yield f"http://127.0.0.1:{served.port}"
    print(f"\nschemathesis: {sum(SENT.values())} requests over {len(SENT)} operations")


@schema.parametrize()
@settings(max_examples=examples(MAX_EXAMPLES), deadline=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms(case: schemathesis.Case, base_url: str) -> None:
    SENT[case.operation.label] = SENT.get(case.operation.label, 0) + 1
    case.call_and_validate(base_url=base_url)
