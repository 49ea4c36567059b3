"""Build the Vietnamese development set (bench/data/vn-devset.txt, vn-popular.txt) from feeds.

A maintainer tool, run rarely: it reads snapshots of public repositories brought onto the
machine as bare git directories (the SOURCES table names each one, its commit and licence)
and writes plain lists that bench/lookalike.py reads. Nothing here runs in the service.

Positives, from scam/phishing feeds other than ChongLuaDao and hostsVN (reserved for
held-out evaluation, never read here):
- `brand`: a host that spells a Vietnamese brand's token (banks, wallets, government, Zalo,
  Garena, Shopee ...) outside the brand's own domains;
- `words`: a host whose registrable label reads wholly as 3+ Vietnamese syllables, or any
  .vn host, with no brand token: Vietnamese-named scam sites. Chosen with the syllable list
  only, never with the scam lexicon, so the lexicon's recall on them is not circular.
Negatives (`vn-popular.txt`): the .vn hosts of the Alexa top 100,000 (2016) and the hosts whose
label reads as 2+ Vietnamese syllables. Split: sha256 of the host, 70% train, 30% held-out.

Run: .venv/bin/python bench/devset.py MIRROR_DIR   (MIRROR_DIR holds owner+name/repo dirs)
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import ROOT
from service.core.urls import registrable_domain
from service.detect.lookalike import build_targets
from service.detect.wordsplit import build_vocabulary, fold

DATA = ROOT / "bench" / "data"
REFERENCE = ROOT / "blocklists" / "reference"
# (repository, commit, licence, files): each file a list of hosts, hosts-file lines or URLs.
SOURCES = (
    ("openphish/public_feed", "5610d1ffe6a19faca39230146d73803e88ce4a18",
     "OpenPhish Community Feed terms (non-commercial)", ("feed.txt",)),
    ("blocklistproject/Lists", "ee3bdbaddf49c756cf3340bb2e6a9dee5282d1c6", "Unlicense",
     ("scam.txt",)),
    ("jarelllama/Scam-Blocklist", "f9d27267fbc602ccc9bf80292a9745da17a7d736", "GPL-3.0",
     ("data/raw_light.txt", "data/dead_domains.txt", "data/parked_domains.txt")),
    ("ShadowWhisperer/BlockLists", "2d65ab5791514976c1f6c6131af5a72d59defb12", "Unlicense",
     ("Lists/Scam", "Lists/Malware", "Lists/Typo", "Lists/Gambling", "Lists/Risk")),
    ("romainmarcoux/malicious-domains", "d475d84b7b1039860ba2ea7574fe8da71807e31c", "MIT",
     ("full-domains-aa.txt", "full-domains-ab.txt", "sources/openphish.com",
      "sources/phishtank.com-online-valid", "sources/phishing_army", "sources/phishunt.io.txt",
      "sources/urlhaus.abuse.ch-hostfile", "sources/alienvault-banking-phishtank")),
)
POPULAR = ("zer0h/top-1000000-domains", "17c411bf16f0795f67817cc528dd42075cbbc91d",
           "as published (Alexa 2016 ranking); measurement only", "top-100000-domains")
VIETNAMESE_CATEGORIES = ("bank", "e-wallet", "government", "game", "shopping", "social")
TRAIN_SHARE = 7  # of 10
# Spellings Vietnamese has and Chinese pinyin (the commonest look-alike in host names) lacks:
# these onsets (ph/th/tr only before a Vietnamese rhyme) and the -ch/-nh codas.
VIETNAMESE_SPELLING = re.compile(
    r"^(ngh|ng|nh|kh|gi)|^(ph|th|tr)[aeiouy]+(nh|ng|c|t|p|m|n)?$|[aeiouy](ch|nh)$")


def part_of(host: str) -> str:
    """Deterministic split: the first byte of sha256(host), 70% train / 30% held-out."""
    return "train" if hashlib.sha256(host.encode()).digest()[0] % 10 < TRAIN_SHARE else "heldout"


def _show(mirror: Path, repo: str, commit: str, path: str) -> str:
    git_dir = mirror / repo.replace("/", "+") / "repo"
    done = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
                          capture_output=True, check=False)
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else ""


def _host(line: str) -> str | None:
    line = line.split("#", 1)[0].strip().lower()
    if not line:
        return None
    parts = line.split()
    word = parts[1] if len(parts) > 1 and parts[0] in ("0.0.0.0", "127.0.0.1") else parts[0]
    word = word.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].strip("|^.")
    word = word.removeprefix("www.")
    if "." not in word or not all(c.isalnum() or c in ".-" for c in word):
        return None
    return word


def main() -> None:
    mirror = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/.mirror")
    table = build_targets((REFERENCE / "protected.toml").read_text(encoding="utf-8"))
    words = REFERENCE / "words"
    syllables = build_vocabulary((words / "vi-syllables.txt").read_text(encoding="utf-8"), None)
    brands = [b for b in table.brands if b.category in VIETNAMESE_CATEGORIES and (
        any(d.endswith(".vn") for d in b.domains) or b.name == "Garena")]
    tokens = sorted({t for b in brands for t in b.tokens if len(t) >= 4}, key=len, reverse=True)

    english = build_vocabulary(None, (words / "en-words.txt").read_text(encoding="utf-8"))

    def vietnamese(label: str, at_least: int) -> bool:
        """Reads wholly as Vietnamese syllables, not as English words, and carries spellings
        only Vietnamese has in `at_least - 1` of them (VIETNAMESE_SPELLING)."""
        letters = "".join(c for c in fold(label) if c.isalpha())
        parts = _split(letters, syllables.units)
        return (parts is not None and len(parts) >= at_least
                and not english.reads_as_words(letters)
                and sum(bool(VIETNAMESE_SPELLING.search(p)) for p in parts) >= at_least - 1)

    found: dict[str, tuple[str, set[str]]] = {}
    for repo, commit, _licence, files in SOURCES:
        for path in files:
            for line in _show(mirror, repo, commit, path).splitlines():
                host = _host(line)
                if host is None:
                    continue
                reg = registrable_domain(host)
                if table.official_brand(host, reg) is not None:
                    continue
                if _spells(host, tokens):
                    group = "brand"
                elif reg.endswith(".vn") or vietnamese(reg.split(".", 1)[0], 3):
                    group = "words"
                else:
                    continue
                found.setdefault(host, (group, set()))[1].add(repo)
    with (DATA / "vn-devset.txt").open("w", encoding="utf-8") as out:
        out.write("# host\tgroup\tpart\tsources - written by bench/devset.py; see README.md\n")
        for host in sorted(found):
            group, repos = found[host]
            out.write(f"{host}\t{group}\t{part_of(host)}\t{','.join(sorted(repos))}\n")
    repo, commit, _licence, path = POPULAR
    popular = []
    for line in _show(mirror, repo, commit, path).splitlines():
        host = _host(line)
        if host and (host.endswith(".vn") or vietnamese(host.split(".", 1)[0], 2)):
            popular.append(host)
    with (DATA / "vn-popular.txt").open("w", encoding="utf-8") as out:
        out.write("# host\tpart - popular Vietnamese sites, written by bench/devset.py\n")
        for host in popular:
            out.write(f"{host}\t{part_of(host)}\n")
    print(f"{len(found)} positives, {len(popular)} popular Vietnamese sites")


def _spells(host: str, tokens: list[str]) -> bool:
    """A brand token in the host; a 4-letter one (momo, tiki, zalo, bidv) only at the start or
    end of a part of the name, since inside words it is mostly somebody else's (tikitaka)."""
    for token in tokens:
        if len(token) > 4:
            if token in host:
                return True
            continue
        for part in re.split(r"[.\-]", host):
            letters = re.sub(r"[0-9]", ".", part)
            if any(w.startswith(token) or w.endswith(token) for w in letters.split(".")):
                return True
    return False


def _split(letters: str, units: frozenset[str]) -> list[str] | None:
    """`letters` in the fewest syllables (a long syllable beats two short ones), or None."""
    best: list[list[str] | None] = [[]] + [None] * len(letters)
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - 7), end):
            before = best[start]
            if before is not None and letters[start:end] in units and (
                best[end] is None or len(before) + 1 < len(best[end] or [])
            ):
                best[end] = [*before, letters[start:end]]
    return best[-1]


if __name__ == "__main__":
    main()
