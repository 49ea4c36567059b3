"""A test's private copy of the shipped blocklists/, with the shipped feed snapshots off by default.

Most tests check behaviour on small lists of their own; the 47,000 entries of the shipped
snapshots would only slow every fixture down and make the service's scheduler reach for the
internet. Tests of the shipped feeds themselves (tests/test_shipped_lists.py) load them whole.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from service.settings import REPO_BLOCKLISTS

ENABLED = "enabled = true"


def copy_blocklists(target: Path, *, feeds: bool = False) -> Path:
    """Copy blocklists/ to `target`; without `feeds`, every shipped feed is disabled (a feed
    table is the only one that says `enabled = true`) and its snapshot is left out."""
    shutil.copytree(REPO_BLOCKLISTS, target,
                    ignore=None if feeds else shutil.ignore_patterns("feeds"))
    if not feeds:
        manifest = target / "lists.toml"
        manifest.write_text(manifest.read_text().replace(ENABLED, "enabled = false"))
    return target
