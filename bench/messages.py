"""Message check quality (POST /v1/check/text's pipeline, offline) beside a keyword baseline.

Data: bench/data/messages/scam*.tsv (scam and "online kidnapping" messages
reconstructed from Vietnamese police and press warnings, and English grooming / sextortion
guides; each line names its source, bench/data/messages/README.md) and ordinary*.tsv
(messages students get, with the hard ones: a teacher's Zoom link, a bank's OTP
notice, a friend joking about the police, a parent asking for a photo of homework). Each file
is split by line: the 2nd and 4th of every 5 data lines are the held-out part, never used to
tune the patterns; the rest is the train part.
"Flagged" means the verdict is not safe (score >= 30).

Baseline: a message is flagged when it holds any of a dozen scam words (folded substring
match), what a simple keyword filter does.

Run: .venv/bin/python -m bench.messages [--show-train]   (lists train misses / false alarms)
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repo root replaces bench/ on the path
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import ROOT, table
from service.assess import Assessor
from service.detect.message import match_message
from service.detect.textfold import fold
from service.detect.textlinks import link_spans
from service.store.cache import MemoryCache
from service.textcheck import check_text
from service.upkeep.loader import Lists, load_lists

DATA = ROOT / "bench" / "data" / "messages"
HELD_OUT = (1, 3)  # data line number mod 5
SCAM_FILES = ("scam.tsv", "scam-2.tsv", "scam-3.tsv")  # batches, each split the same way
ORDINARY_FILES = ("ordinary.tsv", "ordinary-2.tsv", "ordinary-3.tsv")
KEYWORDS = ("cong an", "canh sat", "chuyen tien", "chuyen khoan", "otp", "mat khau",
            "trung thuong", "bi mat", "khach san", "viec nhe luong cao", "cccd", "zoom",
            "police", "password", "secret", "prize", "gift card")


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    scam: bool
    part: str  # "train" or "held-out"
    source: str
    lang: str
    batch: int


def load(name: str, scam: bool) -> list[Message]:
    out: list[Message] = []
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line.strip() and not line.startswith("#")]
    for number, row in enumerate(rows):
        source, lang, text = row.split("\t", 2)
        part = "held-out" if number % 5 in HELD_OUT else "train"
        batch = int(name.removesuffix(".tsv").rpartition("-")[2] or 1) if "-" in name else 1
        out.append(Message(text, scam, part, source, lang, batch))
    return out


def keyword_baseline(message: Message) -> bool:
    folded = f" {fold(message.text).text} "
    return any(f" {word} " in folded for word in KEYWORDS)


async def ours(lists: Lists, messages: Iterable[Message]) -> dict[Message, tuple[bool, str]]:
    assessor = Assessor(lists=lambda: lists, cache=MemoryCache(10_000))
    out: dict[Message, tuple[bool, str]] = {}
    for message in messages:
        result = await check_text(assessor, message.text, lists.reference.messages)
        codes = ",".join(c.removeprefix("message.") for c in result.verdict.codes)
        out[message] = (result.verdict.level != "safe", f"{result.verdict.score} {codes}")
    return out


def rates(messages: list[Message], flagged: Callable[[Message], bool]) -> tuple[str, str]:
    scams = [m for m in messages if m.scam]
    ordinary = [m for m in messages if not m.scam]
    hit = sum(flagged(m) for m in scams)
    false = sum(flagged(m) for m in ordinary)
    return (f"{hit}/{len(scams)} = {100 * hit / max(len(scams), 1):.1f}%",
            f"{false}/{len(ordinary)} = {100 * false / max(len(ordinary), 1):.1f}%")


def speed(lists: Lists, messages: list[Message]) -> None:
    """Matching time per message (patterns and link finding, no link checks), ours vs the
    keyword baseline, on the dev set and on an 8 KiB message of repeated pattern words."""
    rules = lists.reference.messages
    assert rules is not None
    long_text = ("khong duoc noi voi bo me chuyen tien gui anh cccd ma otp 1 k " * 200)[:8192]
    rows = []
    for name, texts in (("dev set", [m.text for m in messages]), ("8 KiB message", [long_text])):
        ours = _timed(lambda t: match_message(t, rules, blank=link_spans(t)), texts)
        base = _timed(lambda t: keyword_baseline(Message(t, False, "", "", "", 0)), texts)
        rows.append((name, f"{ours:.2f} ms", f"{base:.2f} ms", f"{ours / base:.1f}x"))
    table("Matching time per message (best of 3)",
          [("input", "Link Guard", "keyword baseline", "ratio"), *rows])


def _timed(fn: Callable[[str], object], texts: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, (time.perf_counter() - start) * 1000 / len(texts))
    return best


def main() -> None:
    show = "--show-train" in sys.argv
    messages = [*(m for n in SCAM_FILES for m in load(n, True)),
                *(m for n in ORDINARY_FILES for m in load(n, False))]
    lists = load_lists(ROOT / "blocklists")
    verdicts = asyncio.run(ours(lists, messages))
    rows = []
    for part in ("train", "held-out"):
        chosen = [m for m in messages if m.part == part]
        mine = rates(chosen, lambda m: verdicts[m][0])
        base = rates(chosen, keyword_baseline)
        rows.append((part, "Link Guard", *mine))
        rows.append((part, "keyword baseline", *base))
    table("Message check: scams flagged (recall), ordinary messages flagged (false alarms); "
          "flagged = verdict not safe", [("part", "detector", "scams flagged",
                                          "ordinary flagged"), *rows])
    fresh = [("held-out", f"batch {n}", *rates(
        [m for m in messages if m.part == "held-out" and m.batch == n],
        lambda m: verdicts[m][0])) for n in range(1, len(SCAM_FILES) + 1)]
    table("Held-out part by batch (a later batch was written after the earlier rounds of "
          "tuning)", [("part", "batch", "scams flagged", "ordinary flagged"), *fresh])
    speed(lists, messages)
    if show:
        for m in messages:
            if m.part == "train" and verdicts[m][0] != m.scam:
                kind = "MISS" if m.scam else "FALSE ALARM"
                print(f"{kind:<12} [{verdicts[m][1]}] {m.text[:140]}")


if __name__ == "__main__":
    main()
