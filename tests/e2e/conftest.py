"""Browser e2e fixtures: the real service, loopback page servers, Chromium with the extension."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from listcopy import copy_blocklists

from tests.e2e.harness import MAPPED_HOSTS, POLICY_DIR, POLICY_PREFIX, PageServer, ServerThread

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extension"
CHROMIUM = "/usr/bin/chromium"
REQUIRE_FIREFOX = "LINKGUARD_REQUIRE_FIREFOX"  # set by make test: Firefox tests may not skip
EXTENSION_ID = "mbejjpmkakjoconhldjellihgnllakcp"  # fixed by the manifest's "key"
SCREENSHOTS_ENV = (
    "LINKGUARD_E2E_SCREENSHOTS"  # e.g. docs/images: where the run saves current screenshots
)

E2E_LIST = """

[[list]]
name = "e2e-phishing"
file = "e2e/phishing.txt"
format = "domains"
category = "phishing"
action = "block"
license = "CC0-1.0"
description = "Browser test entries (.test hosts only)"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


ADMIN_TOKEN = "e2e-admin-token-0123456789"  # >= 16 characters, as settings require


@dataclass
class Service:
    url: str
    log: Path

    def reports(self) -> list[dict[str, Any]]:
        """Reports as the service stored them, read back through its admin API."""
        request = urllib.request.Request(
            f"{self.url}/v1/admin/reports?limit=100",
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        with urllib.request.urlopen(request, timeout=5) as r:
            return list(json.load(r)["reports"])


@pytest.fixture(scope="package")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    root = tmp_path_factory.mktemp("e2e-service")
    lists = root / "blocklists"
    copy_blocklists(lists)
    (lists / "e2e").mkdir()
    (lists / "e2e/phishing.txt").write_text(
        "# browser tests\nevil-phish.test\nevil-phish-typed.test\n", encoding="utf-8"
    )
    with (lists / "lists.toml").open("a", encoding="utf-8") as f:
        f.write(E2E_LIST)
    port = free_port()
    env = {
        **os.environ,
        "LINKGUARD_HOST": "127.0.0.1",
        "LINKGUARD_PORT": str(port),
        "LINKGUARD_LISTS_DIR": str(lists),
        "LINKGUARD_DATA_DIR": str(root / "var"),
        "LINKGUARD_RATE_LIMIT": "0",
        "LINKGUARD_LOG_LEVEL": "WARNING",
        "LINKGUARD_ADMIN_TOKEN": ADMIN_TOKEN,
    }
    env.pop("LINKGUARD_REDIS_URL", None)
    log = root / "service.log"
    exe = Path(sys.executable).parent / "linkguard"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(exe), "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(
                f"linkguard serve did not start:\n{log.read_text(errors='replace')[-3000:]}"
            )
        time.sleep(0.1)
    yield Service(url=url, log=log)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@dataclass
class Servers:
    thread: ServerThread
    pages: PageServer


@pytest.fixture(scope="package")
def servers() -> Iterator[Servers]:
    thread = ServerThread()
    thread.start()
    pages = PageServer()
    pages.port = thread.serve(pages.app())
    yield Servers(thread=thread, pages=pages)
    thread.stop()


@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (make test installs Debian's chromium)")
    # A policy file left by an interrupted run would lock every later browser: remove it first.
    for stale in POLICY_DIR.glob(f"{POLICY_PREFIX}*.json") if POLICY_DIR.is_dir() else ():
        stale.unlink(missing_ok=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


class Browser:
    """One Chromium profile with the extension loaded; helpers to drive its pages and worker."""

    def __init__(self, context: Any, worker: Any) -> None:
        self.context = context
        self.worker = worker
        self.dialogs: list[str] = []
        self.origin = f"chrome-extension://{EXTENSION_ID}"
        context.on("page", lambda page: page.on("dialog", self._dialog))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def configure(self, **settings: Any) -> None:
        self.worker.evaluate("(s) => chrome.storage.local.set({settings: s})", settings)

    def new_page(self) -> Any:
        page = self.context.new_page()
        page.on("dialog", self._dialog)
        return page

    def open(self, page: Any, url: str) -> None:
        """Navigate; the extension may swap in its warning page, which aborts the navigation."""
        try:
            page.goto(url, wait_until="commit", timeout=10_000)
        except Exception as exc:
            if "ERR_ABORTED" not in str(exc) and "interrupted" not in str(exc):
                raise

    def wait_for_warning(self, page: Any) -> None:
        prefix = f"{self.origin}/warning.html"
        page.wait_for_url(lambda url: url.startswith(prefix), wait_until="commit", timeout=10_000)
        page.wait_for_function(
            "() => document.body && document.body.dataset.ready === '1'",
            timeout=10_000,
        )

    def page_url(self, name: str) -> str:
        return f"{self.origin}/{name}"

    def wait_for_worker(self, predicate: str, timeout: float = 10.0) -> None:
        """Poll a JS predicate in the extension's worker (a Worker has no wait_for_function)."""
        deadline = time.monotonic() + timeout
        while not self.worker.evaluate(predicate):
            if time.monotonic() > deadline:
                raise AssertionError(f"the extension's worker never reached: {predicate}")
            time.sleep(0.05)

    def record_navigations(self, page: Any) -> list[Any]:
        """The page's top-level navigation requests from now on (a redirect is one of its own)."""
        seen: list[Any] = []

        def keep(request: Any) -> None:
            if request.is_navigation_request() and request.frame == page.main_frame:
                seen.append(request)

        page.on("request", keep)
        return seen

    def leaks(self, requests: list[Any], url: str) -> list[str]:
        """Requests for `url` the browser did not turn round to the warning page itself.

        A session rule does that inside the network stack: a 307 with no server address. Empty:
        nothing reached the network. Read from the browser's own record: no grace period needed.
        """
        left: list[str] = []
        for request in requests:
            if request.url != url:
                continue
            response = request.response()
            redirected = request.redirected_to is not None and request.redirected_to.url.startswith(
                f"{self.origin}/warning.html"
            )
            if not (redirected and response is not None and response.server_addr() is None):
                left.append(f"{url}: {response.status if response else request.failure}")
        return left


@pytest.fixture
def launch(
    playwright_instance: Any, servers: Servers, service: Service, tmp_path: Path
) -> Iterator[Callable[..., Browser]]:
    contexts: list[Any] = []
    rules = ", ".join(f"MAP {host} 127.0.0.1:{servers.pages.port}" for host in MAPPED_HOSTS)

    def _launch(profile: str | None = None, configure: bool = True, **settings: Any) -> Browser:
        """A browser with the extension; `profile` names a profile to reuse (a browser restart),
        whose settings are kept: `configure=False` then leaves the worker alone at start."""
        context = playwright_instance.chromium.launch_persistent_context(
            str(tmp_path / (profile or f"profile-{len(contexts)}")),
            executable_path=CHROMIUM,
            headless=True,
            viewport={"width": 1100, "height": 800},
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--disable-extensions-except={EXTENSION}",
                f"--load-extension={EXTENSION}",
                f"--host-resolver-rules={rules}",
                # Keep http:// test hosts on http (no automatic https:// attempt first).
                "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
            ],
        )
        contexts.append(context)
        worker = next(iter(context.service_workers), None) or context.wait_for_event(
            "serviceworker", timeout=15_000
        )
        browser = Browser(context, worker)
        if configure:
            browser.configure(**{"serviceUrl": service.url, "language": "en", **settings})
        return browser

    yield _launch
    for context in contexts:
        context.close()


E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test gets one retry: a real Chromium or Firefox on a loaded 2-core machine now
    and then hangs in a page close or misses a bounded wait (seen once per full run at most, never
    twice in a row). A behaviour that is really broken fails both tries, so the retry hides no
    regression; pytest prints every rerun, so a flake stays visible."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.flaky(reruns=1))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under make test (LINKGUARD_REQUIRE_FIREFOX set) a skipped Firefox test is a failure."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and os.environ.get(REQUIRE_FIREFOX) and item.get_closest_marker("firefox"):
        report.outcome = "failed"
        report.longrepr = f"a Firefox test may not skip under make test: {report.longrepr}"


@pytest.fixture
def shot(tmp_path: Path) -> Callable[[Any, str], Path]:
    """Save a screenshot; also into $LINKGUARD_E2E_SCREENSHOTS (docs/images) when that is set."""

    def _shot(page: Any, name: str) -> Path:
        path = tmp_path / name
        page.screenshot(path=str(path), full_page=True)
        target = os.environ.get(SCREENSHOTS_ENV)
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(target) / name)
        return path

    return _shot
