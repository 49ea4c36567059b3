"""Allow against block through the API: what a student's browser is told for each case."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

EXTRA_LISTS = """

[[list]]
name = "t-phish"
file = "t/phish.txt"
format = "domains"
category = "phishing"
action = "block"
license = "CC0-1.0"
description = "evil-parent.test, and a subdomain of an allowed site"

[[list]]
name = "t-scam"
file = "t/scam.txt"
format = "domains"
category = "scam"
action = "block"
license = "CC0-1.0"
description = "the same host on a second list"

[[list]]
name = "t-malware"
file = "t/malware.txt"
format = "adblock"
category = "malware"
action = "block"
license = "CC0-1.0"
description = "the same host on a third list"

[[list]]
name = "t-urls"
file = "t/urls.txt"
format = "urls"
category = "scam"
action = "block"
license = "CC0-1.0"
description = "one exact URL on an allowed host"

[[list]]
name = "t-allow"
file = "t/allow.txt"
format = "domains"
category = "allow"
action = "allow"
license = "CC0-1.0"
description = "an allowed host under a blocked domain, and an allowed parent"
"""
FILES = {
    "t/phish.txt": "evil-parent.test\nbad.school-site.test\n",
    "t/scam.txt": "evil-parent.test\n",
    "t/malware.txt": "||evil-parent.test^\n",
    "t/urls.txt": "http://school-site.test/exact/page.html\n",
    "t/allow.txt": "good.evil-parent.test\nschool-site.test\n",
}


@pytest.fixture
def lists_dir(lists_dir: Path) -> Path:
    """The shared test lists plus the five lists above."""
    (lists_dir / "t").mkdir()
    for name, text in FILES.items():
        (lists_dir / name).write_text(text, encoding="utf-8")
    with (lists_dir / "lists.toml").open("a", encoding="utf-8") as f:
        f.write(EXTRA_LISTS)
    return lists_dir


# url -> (verdict, [(code, evidence["list"])]). DESIGN.md: an allowlist hit is safe unless the
# exact URL is blocklisted; a host on three lists is one reason.
CASES = [
    ("http://evil-parent.test/", "dangerous", [("blocklist.match", "t-phish")]),
    ("http://login.evil-parent.test/a", "dangerous", [("blocklist.match", "t-phish")]),
    ("http://good.evil-parent.test/", "safe", [("allowlist.match", "t-allow")]),
    ("http://user@good.evil-parent.test:8080/", "safe", [("allowlist.match", "t-allow")]),
    ("http://bad.school-site.test/", "safe", [("allowlist.match", "t-allow")]),
    ("http://school-site.test/exact/page.html", "dangerous", [("blocklist.match", "t-urls")]),
    ("http://school-site.test/exact/", "safe", [("allowlist.match", "t-allow")]),
]


@pytest.mark.parametrize(("url", "verdict", "reasons"), CASES)
async def test_allow_and_block_through_the_api(
    client: TestClient, url: str, verdict: str, reasons: list[tuple[str, str]]
) -> None:
    resp = await client.post("/v1/check", json={"url": url, "resolve": "never", "lang": "en"})
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["verdict"] == verdict
    assert [(r["code"], r["evidence"].get("list")) for r in body["reasons"]] == reasons


async def test_batch_gives_the_same_answers(client: TestClient) -> None:
    resp = await client.post("/v1/check/batch", json={"urls": [url for url, _, _ in CASES]})
    assert resp.status == 200
    results = (await resp.json())["results"]
    assert [r["verdict"] for r in results] == [verdict for _, verdict, _ in CASES]
    assert [len(r["reasons"]) for r in results] == [1] * len(CASES)
