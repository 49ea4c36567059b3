"""Shared fixtures: a private copy of the shipped lists with test entries, settings, a client."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import fuzzing  # noqa: F401  (loads the hypothesis profile before any test module)
import hypothesis
import pytest
from aiohttp.test_utils import TestClient, TestServer
from listcopy import copy_blocklists

from service.settings import Settings

# `linkguard serve` processes the tests start inherit this: no scheduled feed downloads from
# the internet (tests of the schedule set their own interval against a loopback feed server).
os.environ["LINKGUARD_UPDATE_INTERVAL"] = "0"

pytest_plugins = ["redis_fixtures"]  # real redis-server fixtures (tests/redis_fixtures.py)


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """A parameter's own text as its id, with "::" written "..": pytest cannot be given a node
    id with "::" inside its brackets on the command line, and `make mutate` names tests so."""
    if isinstance(val, str) and "::" in val:  # escaped as pytest's own ids are
        return val.encode("unicode_escape").decode("ascii").replace("::", "..")
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under `make mutate` each mutant's tests run in a fork of a process that already ran the
    suite, so the core's memo caches (functools.lru_cache) would answer with the unmutated
    results and hide the mutant. Empty them first (docs/testing.md)."""
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    # A failing property test need not shrink its example to say the mutant is caught.
    phases = (hypothesis.Phase.explicit, hypothesis.Phase.reuse, hypothesis.Phase.generate)
    hypothesis.settings.register_profile(
        "mutate", hypothesis.settings.get_profile("ci"), phases=phases
    )
    hypothesis.settings.load_profile("mutate")
    for name, module in list(sys.modules.items()):
        if name.startswith("service."):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()

TEST_PHISHING = """\
# Test entries: hosts under .test and example domains only.
evil-phish.test
phish.example.com
"""
TEST_URLS = """\
http://bad.example.net/login/
http://allowed-but-bad.example.org/exact/page.html
"""
TEST_ALLOW = """\
allowed-but-bad.example.org
trusted.example.org
"""
TEST_MANIFEST = """

[[list]]
name = "test-phishing"
file = "test/phishing.txt"
format = "domains"
category = "phishing"
action = "block"
license = "CC0-1.0"
description = "Test entries"

[[list]]
name = "test-urls"
file = "test/urls.txt"
format = "urls"
category = "scam"
action = "block"
license = "CC0-1.0"
description = "Test URL entries"

[[list]]
name = "test-allow"
file = "test/allow.txt"
format = "domains"
category = "allow"
action = "allow"
license = "CC0-1.0"
description = "Test allow entries"
"""


@pytest.fixture
def lists_dir(tmp_path: Path) -> Path:
    """The shipped blocklists/ (feed snapshots off) plus three small test lists, in a temp dir
    the test may edit."""
    target = copy_blocklists(tmp_path / "blocklists")
    (target / "test").mkdir()
    (target / "test/phishing.txt").write_text(TEST_PHISHING)
    (target / "test/urls.txt").write_text(TEST_URLS)
    (target / "test/allow.txt").write_text(TEST_ALLOW)
    with (target / "lists.toml").open("a") as f:
        f.write(TEST_MANIFEST)
    return target


@pytest.fixture
def settings(lists_dir: Path, tmp_path: Path) -> Settings:
    return Settings(lists_dir=lists_dir, data_dir=tmp_path / "var", rate_limit=0)


ClientFactory = Callable[[TestServer], Awaitable[TestClient]]


@pytest.fixture
async def client(aiohttp_client: ClientFactory, settings: Settings) -> TestClient:
    from service.web.app import HANDLER_ARGS, create_app

    server = TestServer(create_app(settings))
    await server.start_server(**HANDLER_ARGS)  # the handler limits `linkguard serve` uses
    return await aiohttp_client(server)
