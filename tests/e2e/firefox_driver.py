"""Driving one Firefox from the tests: pages, the URL bar, extension pages, loopback checks."""

from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.firefox import (
    FIREFOX,
    GECKO_ID,
    ORIGIN,
    POLICY_FILE,
    REQUIRE_ENV,
    By,
    Firefox,
    JavascriptException,
    Keys,
    NoAlertPresentException,
    Proxy,
    Wait,
    firefox_available,
)


def require_firefox() -> None:
    if firefox_available():
        return
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(f"{FIREFOX} is missing; make test installs it (scripts/ensure-system-deps.sh)")
    pytest.skip(f"{FIREFOX} is not installed (make test installs Debian's firefox-esr)")


class Driver:
    """Helpers over one Firefox's Marionette client; `client` stays in the content context."""

    def __init__(self, firefox: Firefox) -> None:
        self.firefox = firefox
        self.client = firefox.client

    def chrome(self, script: str, *args: Any) -> Any:
        """Run privileged browser code (the window, the URL bar, Services)."""
        self.client.set_context("chrome")
        try:
            return self.client.execute_script(script, script_args=list(args))
        finally:
            self.client.set_context("content")

    def open(self, url: str) -> None:
        """Load a URL in the tab as the browser itself would (extension pages included)."""
        self.chrome(
            "const win = Services.wm.getMostRecentWindow('navigator:browser');"
            "win.gBrowser.selectedBrowser.loadURI(Services.io.newURI(arguments[0]),"
            " {triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal()});",
            url,
        )

    def type_in_address_bar(self, url: str) -> None:
        self.client.set_context("chrome")
        try:
            bar = self.client.find_element(By.ID, "urlbar-input")
            bar.clear()
            bar.send_keys(url + Keys.ENTER)
        finally:
            self.client.set_context("content")

    def url(self) -> str:
        return str(self.client.get_url())

    def wait(self, predicate: Any, what: str, timeout: float = 20) -> Any:  # 2 busy cores
        return Wait(self.client, timeout=timeout, interval=0.05).until(
            lambda _m: predicate(), message=what
        )

    def js(self, script: str, *args: Any) -> Any:
        """Script in the page's own global (an extension page sees `browser`)."""
        return self.client.execute_script(script, script_args=list(args), sandbox=None)

    def ext(self, script: str, *args: Any) -> Any:
        """An async extension-page script: `done(value)` ends it (the page must be ours)."""
        body = f"const done = arguments[arguments.length - 1]; (async () => {{ {script} }})()"
        return self.client.execute_async_script(
            body + ".then(done, (e) => done('error: ' + e));", script_args=list(args), sandbox=None
        )

    def on_extension_page(self, name: str = "options.html") -> None:
        # Mark the current document: when it is this page already, its URL would match at once.
        self.js("window.e2eOld = true")
        self.open(f"{ORIGIN}/{name}")

        def fresh() -> bool:
            try:
                return bool(
                    self.url().startswith(f"{ORIGIN}/{name}")
                    and self.js("return !window.e2eOld && document.readyState === 'complete'")
                )
            except JavascriptException:  # the old document unloaded under the script
                return False

        self.wait(fresh, f"{name} never opened")

    def configure(self, **settings: Any) -> None:
        self.on_extension_page()
        got = self.ext(
            "await browser.storage.local.set({settings: JSON.parse(arguments[0])});"
            "return (await browser.storage.local.get('settings')).settings;",
            json.dumps(settings),
        )
        assert got == settings

    def wait_for_warning(self) -> None:
        prefix = f"{ORIGIN}/warning.html"
        self.wait(lambda: self.url().startswith(prefix), "the warning page never came")
        self.wait(
            lambda: self.js("return document.body && document.body.dataset.ready") == "1",
            "the warning page never finished rendering",
        )

    def kind(self) -> str:
        return str(self.js("return document.body.dataset.kind"))

    def text(self, selector: str) -> str:
        return str(self.js("return document.querySelector(arguments[0]).innerText", selector))

    def dialog_open(self) -> bool:
        try:
            self.client.switch_to_alert().text  # noqa: B018  (raises when no prompt is open)
        except NoAlertPresentException:
            return False
        return True


def launch(root: Path, proxy: Proxy, zip_path: Path) -> Firefox:
    firefox = Firefox(root / "profile", proxy.port, root / "firefox.log")
    try:
        assert firefox.install(zip_path) == GECKO_ID
    except BaseException:
        firefox.quit()
        raise
    return firefox


def stale_policy_removed() -> None:
    """A policies.json an interrupted run left (it names our add-on) would lock later runs."""
    if POLICY_FILE.exists():
        if GECKO_ID not in POLICY_FILE.read_text(encoding="utf-8", errors="replace"):
            pytest.fail(f"{POLICY_FILE} exists and is not this test's: not overwriting it")
        POLICY_FILE.unlink()


def loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return ip.is_loopback or bool(mapped and mapped.is_loopback)


def assert_loopback_only(firefox: Firefox, proxy: Proxy) -> None:
    assert firefox.sockets.samples > 0
    assert sorted(a for a in firefox.sockets.remote if not loopback(a)) == []
    assert dict(proxy.refused) == {}, "Firefox asked for hosts no test maps (a background service?)"
