"""Debian's Firefox ESR with the extension as a temporary add-on, over Marionette, on loopback."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.e2e.conftest import REQUIRE_FIREFOX as REQUIRE_ENV
from tests.e2e.harness import MAPPED_HOSTS

with warnings.catch_warnings():
    # mozinfo (a marionette-driver dependency) calls the deprecated distro.linux_distribution().
    warnings.simplefilter("ignore", DeprecationWarning)
    from marionette_driver import Wait
    from marionette_driver.addons import Addons
    from marionette_driver.by import By
    from marionette_driver.errors import JavascriptException, NoAlertPresentException
    from marionette_driver.keys import Keys
    from marionette_driver.marionette import Marionette

__all__ = ["REQUIRE_ENV", "By", "JavascriptException", "Keys", "NoAlertPresentException", "Wait"]

FIREFOX = "/usr/bin/firefox-esr"
GECKO_ID = "{e240f320-6686-4bc9-a3cd-d70f5199a4c4}"  # scripts/package_extension.py GECKO_ID
ADDON_UUID = "3f0e2a9c-6b1d-4c1e-9a55-1e2b7c4d8f10"  # pinned: moz-extension://<uuid>/ is then known
ORIGIN = f"moz-extension://{ADDON_UUID}"
# Linux builds read policies.json here (besides /etc/firefox/policies); tests write and remove it.
POLICY_FILE = Path("/usr/lib/firefox-esr/distribution/policies.json")

# Every background service that would phone home is off, and nothing can leave loopback anyway:
# web traffic (http and https) goes to the test's proxy, and any name Firefox resolves itself
# resolves to 127.0.0.1 (network.dns.forceResolve). The proxy refuses and records unmapped hosts.
QUIET_PREFS: dict[str, Any] = {
    "network.proxy.type": 1,
    "network.proxy.share_proxy_settings": True,
    "network.proxy.no_proxies_on": "",  # loopback still bypasses it (the service, Marionette)
    "network.dns.forceResolve": "127.0.0.1",
    "network.trr.mode": 5,  # no DNS over HTTPS
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.predictor.enabled": False,
    "network.http.speculative-parallel-limit": 0,
    "browser.urlbar.speculativeConnect.enabled": False,
    "browser.urlbar.suggest.searches": False,
    "browser.urlbar.quicksuggest.enabled": False,
    "browser.search.suggest.enabled": False,
    "browser.fixup.dns_first_for_single_words": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "dom.security.https_first": False,  # the test pages are http://
    "dom.security.https_first_schemeless": False,
    "dom.security.https_only_mode": False,
    "app.update.disabledForTesting": True,
    "app.update.auto": False,
    "app.normandy.enabled": False,
    "messaging-system.rsexperimentloader.enabled": False,  # Nimbus experiments
    "app.normandy.api_url": "",
    "app.shield.optoutstudies.enabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.archive.enabled": False,
    "toolkit.telemetry.server": "",
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.usage.uploadEnabled": False,
    "browser.ping-centre.telemetry": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.update.enabled": False,
    "services.settings.server": "data:,#remote-settings-off",
    "security.remote_settings.crlite_filters.enabled": False,
    "security.remote_settings.intermediates.enabled": False,
    "security.OCSP.enabled": 0,
    "dom.push.enabled": False,
    "dom.push.connection.enabled": False,
    "dom.push.serverURL": "",
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.blocklist.enabled": False,
    "extensions.systemAddon.update.enabled": False,
    "extensions.webservice.discoverURL": "",
    "extensions.htmlaboutaddons.recommendations.enabled": False,
    "extensions.webextensions.uuids": json.dumps({GECKO_ID: ADDON_UUID}),
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "browser.search.geoip.url": "",
    "geo.provider.network.url": "",
    "media.gmp-manager.url": "",
    "media.gmp-gmpopenh264.enabled": False,
    "media.gmp-widevinecdm.enabled": False,
    "browser.translations.enable": False,
    "browser.ml.enable": False,
    "identity.fxaccounts.enabled": False,
    "browser.discovery.enabled": False,
    "browser.newtabpage.enabled": False,
    "browser.newtabpage.activity-stream.feeds.topsites": False,
    "browser.newtabpage.activity-stream.feeds.section.topstories": False,
    "browser.newtabpage.activity-stream.default.sites": "",
    "browser.topsites.contile.enabled": False,
    "browser.startup.page": 0,
    "browser.startup.homepage": "about:blank",
    "browser.shell.checkDefaultBrowser": False,
    "browser.aboutwelcome.enabled": False,
    "datareporting.policy.firstRunURL": "",
    "startup.homepage_welcome_url": "about:blank",
    "startup.homepage_override_url": "",
    "browser.startup.homepage_override.mstone": "ignore",
    "devtools.console.stdout.chrome": True,  # the add-on's console.warn lands in firefox.log
    "marionette.port": 0,  # a free port, written to MarionetteActivePort (runs share the machine)
}


def firefox_available() -> bool:
    return Path(FIREFOX).exists()


@dataclass
class Proxy:
    """Firefox's HTTP proxy: serves mapped hosts from the page server's app, refuses the others.

    `requests` is every request Firefox sent through it, in order: the proof that the web traffic
    of the whole run stayed here. CONNECT (https) is refused: no test page uses https.
    """

    pages: Callable[[web.Request], Any]
    requests: list[tuple[str, str]] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    port: int = 0

    @staticmethod
    def mapped(host: str) -> bool:
        return any(
            host.endswith(pattern[1:]) if pattern.startswith("*.") else host == pattern
            for pattern in MAPPED_HOSTS
        )

    async def handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.url.host or request.host.split(":")[0]).lower()
        self.requests.append((request.method, host))
        if request.method == "CONNECT" or not self.mapped(host):
            self.refused[host] += 1
            return web.Response(status=403, text="not a test host")
        response: web.StreamResponse = await self.pages(request)
        return response

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app


def prefs_js(prefs: dict[str, Any]) -> str:
    return "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items())


class Firefox:
    """One headless Firefox ESR process and its Marionette session, the add-on installed."""

    def __init__(self, profile: Path, proxy_port: int, log: Path) -> None:
        self.profile = profile
        self.log = log
        profile.mkdir(parents=True, exist_ok=True)
        prefs = {
            **QUIET_PREFS,
            "network.proxy.http": "127.0.0.1",
            "network.proxy.http_port": proxy_port,
            "network.proxy.ssl": "127.0.0.1",
            "network.proxy.ssl_port": proxy_port,
        }
        (profile / "user.js").write_text(prefs_js(prefs), encoding="utf-8")
        (profile / "MarionetteActivePort").unlink(missing_ok=True)
        env = {**os.environ, "MOZ_HEADLESS": "1", "MOZ_CRASHREPORTER_DISABLE": "1"}
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    FIREFOX,
                    "--marionette",
                    "--remote-allow-system-access",
                    "--headless",
                    "--no-remote",
                    "--profile",
                    str(profile),
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            self.client = self._connect()
        except BaseException:
            self.proc.kill()  # a Firefox left running would hold its profile and its port
            self.proc.wait(timeout=10)
            raise
        self.sockets = SocketAudit(self.proc.pid)
        self.sockets.start()

    def _connect(self) -> Any:
        port_file = self.profile / "MarionetteActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Firefox did not start Marionette:\n{self.log_tail()}")
            time.sleep(0.1)
        client = Marionette(host="127.0.0.1", port=int(port_file.read_text().strip()))
        client.start_session()
        client.timeout.page_load = 15
        client.timeout.script = 15
        return client

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def install(self, xpi: Path) -> str:
        return str(Addons(self.client).install(str(xpi), temp=True))

    def quit(self) -> None:
        self.sockets.stop()
        with contextlib.suppress(Exception):
            self.client.delete_session()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


class SocketAudit(threading.Thread):
    """Samples every inet socket of the Firefox process tree; `remote` collects the peers seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.remote: set[str] = set()
        self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        import psutil

        while not self._halt.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            for proc in procs:
                try:
                    for conn in proc.net_connections(kind="inet"):
                        if conn.raddr:
                            self.remote.add(conn.raddr.ip)
                except psutil.Error:
                    continue
            self.samples += 1
            self._halt.wait(0.05)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)
