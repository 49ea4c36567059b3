"""The extension in headless Firefox ESR (Marionette) against the real service, all on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, Servers, Service
from tests.e2e.firefox import (
    GECKO_ID,
    ORIGIN,
    POLICY_FILE,
    By,
    Firefox,
    Proxy,
)
from tests.e2e.firefox_driver import (
    Driver,
    assert_loopback_only,
    launch,
    require_firefox,
    stale_policy_removed,
)
from tests.e2e.harness import BLOCKLISTED, INVITE, LOOKALIKE, CountingProxy

pytestmark = [pytest.mark.browser, pytest.mark.firefox]

DIST_ENV = "LINKGUARD_EXTENSION_DIST"  # make test: the dist/ that make extension just wrote
# Listed (evil-phish-typed.test) but never pre-checked or opened by any other test.
NEVER_SEEN = "http://never-seen.evil-phish-typed.test/login?next=%2F"


@pytest.fixture(scope="module")
def firefox_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip `make extension` wrote (make test names its dist/), else the same script's."""
    require_firefox()
    dist = os.environ.get(DIST_ENV)
    if not dist:
        dist = str(tmp_path_factory.mktemp("dist"))
        subprocess.run(
            [sys.executable, str(ROOT / "scripts/package_extension.py"), "--dist", dist],
            check=True,
            capture_output=True,
        )
    version = json.loads((ROOT / "extension/manifest.json").read_text(encoding="utf-8"))["version"]
    zip_path = (Path(dist) / f"linkguard-firefox-{version}.zip").resolve()  # Firefox: absolute
    assert zip_path.is_file(), f"{zip_path} is missing: run make extension"
    return zip_path


@pytest.fixture(autouse=True)
def fresh_page_counts(servers: Servers) -> None:
    """The page server is shared with the Chromium tests that ran before (package scope): each
    test here counts only the requests Firefox made while it ran."""
    servers.pages.hits.clear()


@pytest.fixture(scope="module")
def proxy(servers: Servers) -> Proxy:
    proxy = Proxy(servers.pages.handle)
    proxy.port = servers.thread.serve(proxy.app())
    return proxy


@pytest.fixture(scope="module")
def firefox(
    tmp_path_factory: pytest.TempPathFactory, proxy: Proxy, firefox_zip: Path, servers: Servers
) -> Iterator[Firefox]:
    """One Firefox for the module (starting one costs seconds); tests use hosts of their own."""
    ff = launch(tmp_path_factory.mktemp("firefox"), proxy, firefox_zip)
    yield ff
    ff.quit()


@pytest.fixture(scope="module")
def counted(servers: Servers, service: Service) -> CountingProxy:
    """The service behind a loopback front that counts calls per path."""
    counting = CountingProxy(service.url)
    counting.port = servers.thread.serve(counting.app())
    return counting


@pytest.fixture
def driver(firefox: Firefox, counted: CountingProxy) -> Driver:
    d = Driver(firefox)
    d.configure(serviceUrl=f"http://127.0.0.1:{counted.port}", language="en")
    return d


def test_listed_host_goes_to_the_warning_page_before_its_request_leaves(
    driver: Driver, servers: Servers, counted: CountingProxy
) -> None:
    before = counted.calls["/v1/check"]
    driver.open(BLOCKLISTED)
    driver.wait_for_warning()
    assert driver.kind() == "warn"
    assert driver.text("h1") == "Dangerous: don't open this link"
    assert "on a list of scam or dangerous sites" in driver.text("#reason-list")
    assert driver.text(".seg-domain") == "evil-phish"
    # Held by the blocking listener, then covered by a session rule: the listed host saw nothing.
    assert servers.pages.count("evil-phish.test") == 0
    # The hold and the navigation check share one service call.
    assert counted.calls["/v1/check"] - before == 1


def test_click_on_a_lookalike_link_never_reaches_its_server(
    driver: Driver, servers: Servers
) -> None:
    driver.client.navigate("http://school.test/links")
    driver.wait(
        lambda: (
            driver.js("return document.querySelector('#lookalike').dataset.linkguard")
            == "dangerous"
        ),
        "the lookalike link was never marked",
    )
    driver.client.find_element(By.ID, "lookalike").click()
    driver.wait_for_warning()
    assert driver.kind() == "warn"
    assert "facebook.com" in driver.text("#suggestion")
    assert driver.text(".url .hl") == "00"
    assert LOOKALIKE.startswith("http://faceb00k.com/")
    assert servers.pages.count("faceb00k.com") == 0


def test_a_never_seen_bad_link_typed_in_the_address_bar_sends_no_request(
    driver: Driver, servers: Servers, proxy: Proxy
) -> None:
    # No pre-check, no cached verdict, no session rule: only the blocking listener can stop it.
    host = "never-seen.evil-phish-typed.test"
    seen = driver.ext(
        "const rules = await browser.declarativeNetRequest.getSessionRules();"
        "return rules.filter((r) => (r.condition.regexFilter || '').includes('typed')).length;"
    )
    assert seen == 0
    driver.type_in_address_bar(NEVER_SEEN)
    driver.wait_for_warning()
    assert driver.kind() == "warn"
    assert driver.url().endswith(f"#{NEVER_SEEN}")
    assert (("GET", host) not in proxy.requests) and servers.pages.count(host) == 0


def test_invite_link_gets_the_calmer_caution_page(driver: Driver) -> None:
    driver.open(INVITE)
    driver.wait_for_warning()
    assert driver.kind() == "caution"
    assert driver.js("return !document.querySelector('#questions').hidden")
    assert driver.js("return document.querySelector('#back').offsetParent !== null")


def test_proceed_once_passes_the_hold_and_the_next_visit_is_held_again(
    driver: Driver, servers: Servers
) -> None:
    url = "http://proceed.evil-phish.test/page"
    driver.open(url)
    driver.wait_for_warning()
    driver.js("document.querySelector('#details').open = true")
    driver.client.find_element(By.ID, "proceed").click()
    driver.wait(lambda: driver.js("return !!document.getElementById('landed')"), "no page")
    assert driver.url() == url
    assert servers.pages.count("proceed.evil-phish.test") == 1
    driver.open(url)
    driver.wait_for_warning()
    assert servers.pages.count("proceed.evil-phish.test") == 1


@pytest.fixture
def stalled_service() -> Iterator[str]:
    """A loopback port that takes connections and never answers: checks run into their deadline."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # never accepted: the kernel completes the handshake, nobody replies
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.mark.parametrize(("fail_mode", "lands"), [("closed", False), ("open", True)])
def test_a_check_past_its_deadline_fails_open_or_closed_as_set(
    driver: Driver, servers: Servers, stalled_service: str, fail_mode: str, lands: bool
) -> None:
    driver.configure(serviceUrl=stalled_service, language="en", failMode=fail_mode)
    host = f"stalled-{fail_mode}.test"
    driver.open(f"http://{host}/")
    if lands:
        driver.wait(lambda: driver.js("return !!document.getElementById('landed')"), "no page")
    else:
        driver.wait_for_warning()
        assert driver.kind() == "unverified"
    assert servers.pages.count(host) == (1 if lands else 0)  # closed: held, never sent


HOSTILE = [
    (
        'http://evil-phish.test/"><script>alert(1)</script>'
        "?q='x'&r=\"<img src=x onerror=alert(2)>\"",
        "warn",
    ),
    ('javascript:alert(document.domain)//"><img src=x onerror=alert(3)>', "invalid"),
]


@pytest.mark.parametrize(("target", "expected_kind"), HOSTILE)
def test_hostile_url_runs_no_script(driver: Driver, target: str, expected_kind: str) -> None:
    driver.open(f"{ORIGIN}/warning.html#{target}" if expected_kind == "invalid" else target)
    driver.wait_for_warning()
    assert driver.kind() == expected_kind
    assert not driver.dialog_open()
    assert (
        driver.js("return document.querySelectorAll('#url script, #url img, main img').length") == 0
    )
    assert "script" in driver.text("#url") or "img" in driver.text("#url")
    refused = driver.ext(
        "return await browser.runtime.sendMessage({type: 'proceed', url: 'javascript:alert(1)'});"
    )
    assert refused == {
        "ok": False,
        "error": "scheme",
        "message": "only http and https links can be opened",
    }
    assert not driver.dialog_open()


def test_managed_policy_in_policies_json_is_honoured(
    tmp_path: Path, proxy: Proxy, firefox_zip: Path, service: Service
) -> None:
    stale_policy_removed()
    policy = {"serviceUrl": service.url, "allowProceed": False, "language": "en"}
    document = {"policies": {"3rdparty": {"Extensions": {GECKO_ID: policy}}}}
    try:
        POLICY_FILE.write_text(json.dumps(document), encoding="utf-8")
    except PermissionError:
        pytest.skip(f"writing {POLICY_FILE} needs root")
    try:
        managed = launch(tmp_path, proxy, firefox_zip)  # policies are read as Firefox starts
    finally:
        POLICY_FILE.unlink(missing_ok=True)
    try:
        d = Driver(managed)
        d.configure(serviceUrl="http://127.0.0.1:9", allowProceed=True, language="vi")
        assert d.ext("return await browser.storage.managed.get(null);") == policy
        d.open(BLOCKLISTED)  # the policy's service URL wins over the student's broken one
        d.wait_for_warning()
        assert d.kind() == "warn"
        assert d.text("h1") == "Dangerous: don't open this link"  # the policy's language
        assert d.js("return document.querySelector('#proceed')") is None
        denied = d.ext(
            "return await browser.runtime.sendMessage({type: 'proceed', url: arguments[0]});",
            BLOCKLISTED,
        )
        assert denied["ok"] is False and denied["error"] == "not_allowed"
        d.on_extension_page("options.html")
        d.wait(
            lambda: d.js(
                "return !!document.querySelector(\"[data-testid='locked-allowProceed']\")"
            ),
            "the options page never showed the lock",
        )
        assert d.js("return document.querySelector('#allowProceed').disabled")
        assert d.js("return document.querySelector('#serviceUrl').disabled")
        assert not d.js("return document.querySelector('#markers').disabled")
        assert_loopback_only(managed, proxy)
    finally:
        managed.quit()


def test_all_traffic_stayed_on_loopback(driver: Driver, proxy: Proxy) -> None:
    """Last in the module: what every test above made Firefox send, and what it did on its own."""
    assert proxy.requests, "the proxy saw no request at all: the proxy preferences did not apply"
    assert all(method != "CONNECT" and Proxy.mapped(host) for method, host in proxy.requests)
    # Any name Firefox resolves itself (not through the proxy) resolves to loopback.
    resolved = driver.chrome(
        "const dns = Cc['@mozilla.org/network/dns-service;1'].getService(Ci.nsIDNSService);"
        "return new Promise((resolve) => dns.asyncResolve('telemetry.mozilla.org',"
        " Ci.nsIDNSService.RESOLVE_TYPE_DEFAULT, 0, null, {onLookupComplete(req, rec, status) {"
        " resolve(Components.isSuccessCode(status) ?"
        " rec.QueryInterface(Ci.nsIDNSAddrRecord).getNextAddrAsString() : String(status)); }},"
        " Services.tm.mainThread, {}));"
    )
    assert resolved == "127.0.0.1"
    assert_loopback_only(driver.firefox, proxy)
