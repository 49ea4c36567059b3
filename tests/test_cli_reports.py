"""`linkguard reports ...` through CliRunner, on the report file and on a real Redis stream."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
import redis

from service.store.announce import VERSION_KEY
from service.store.redis_link import RedisLink
from service.store.redis_reports import RedisReportStore
from service.store.reports import FileReportStore, Report, new_report_id
from service.store.spool import Spool
from service.upkeep.loader import load_lists
from service.web.backends import REPORTS_FILE, SPOOL_FILE
from tests.test_cli_lists import lg


def make_report(url: str, kind: str, *, when: float | None = None) -> Report:
    now = when or time.time()
    return Report(id=new_report_id(now), kind=kind, url=url, comment="seen in a group chat",
                  lists_version="v1", created_at=now)


def store_file(lists_dir: Path, *reports: Report) -> list[str]:
    store = FileReportStore(lists_dir.parent / "var" / REPORTS_FILE)
    for r in reports:
        asyncio.run(store.add(r))
    return [r.id for r in reports]


def status_of(lists_dir: Path, report_id: str) -> str:
    store = FileReportStore(lists_dir.parent / "var" / REPORTS_FILE)
    found = asyncio.run(store.get(report_id))
    assert found is not None
    return found.status


def test_list_and_show(lists_dir: Path) -> None:
    assert lg(lists_dir, "reports", "list").output.strip() == "no reports"
    first, second = store_file(lists_dir, make_report("http://a-phish.test/", "phishing", when=1e9),
                               make_report("http://b-lure.test/\x1b[31m", "lure", when=2e9))
    result = lg(lists_dir, "reports", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith(second) and lines[1].startswith(first)
    assert "\x1b" not in result.output  # control characters from a report never reach the tty
    assert len(lg(lists_dir, "reports", "list", "--status", "accepted").output.splitlines()) == 1
    rows = [json.loads(x) for x in lg(lists_dir, "reports", "list", "--json").output.splitlines()]
    assert [r["id"] for r in rows] == [second, first]
    shown = lg(lists_dir, "reports", "show", first)
    assert shown.exit_code == 0 and "http://a-phish.test/" in shown.output
    assert "seen in a group chat" in shown.output and "status:" in shown.output
    assert json.loads(lg(lists_dir, "reports", "show", first, "--json").output)["id"] == first


def test_accept_adds_the_host_with_the_report_id_and_marks_it(lists_dir: Path) -> None:
    [report_id] = store_file(lists_dir, make_report("http://fresh-scam.test/win", "scam"))
    result = lg(lists_dir, "reports", "accept", report_id, "--note", "fake prize")
    assert result.exit_code == 0, result.output
    assert f"accepted {report_id}: added fresh-scam.test (host) -> local-scam" in result.output
    assert "picks them up within" in result.output
    text = (lists_dir / "local/scam.txt").read_text()
    assert f"by linkguard: report {report_id} (scam): fake prize\nfresh-scam.test\n" in text
    assert status_of(lists_dir, report_id) == "accepted"
    assert load_lists(lists_dir).index.count("local-scam") == 1
    again = lg(lists_dir, "reports", "accept", report_id)
    assert again.exit_code == 1 and "accepted already" in again.output


def test_accept_a_false_positive_and_choose_the_entry(lists_dir: Path) -> None:
    [host_id, url_id] = store_file(
        lists_dir, make_report("http://club.example.edu/join", "false_positive"),
        make_report("https://zalo.me/g/classgroup", "false_positive"))
    result = lg(lists_dir, "reports", "accept", host_id)
    assert result.exit_code == 0 and "club.example.edu (host) -> local-allow" in result.output
    result = lg(lists_dir, "reports", "accept", url_id, "--entry", "url")
    assert result.exit_code == 0 and "zalo.me/g/classgroup (url) -> local-allow" in result.output


@pytest.mark.parametrize(
    ("url", "kind", "args", "message"),
    [
        ("http://x-phish.test/", "phishing", ("--list", "openphish"), "downloaded from"),
        ("http://x-phish.test/", "phishing", ("--list", "nope"), "unknown list"),
        ("http://x-phish.test/", "other", (), "no default list"),
        ("http://allowed-but-bad.example.org/exact/page.html", "false_positive", (),
         "remove it from 'test-urls'"),
        ("https://accounts.google.com/signin", "phishing", ("--entry", "host"),
         "protected target"),
    ],
)
def test_accept_errors_leave_the_report_new(lists_dir: Path, url: str, kind: str,
                                            args: tuple[str, ...], message: str) -> None:
    [report_id] = store_file(lists_dir, make_report(url, kind))
    result = lg(lists_dir, "reports", "accept", report_id, *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert status_of(lists_dir, report_id) == "new"


@pytest.mark.parametrize("command", [("show",), ("accept",), ("reject",)])
def test_missing_report_ids(lists_dir: Path, command: tuple[str, ...]) -> None:
    result = lg(lists_dir, "reports", *command, "18c0ffee000-0badcafe")
    assert result.exit_code == 1 and "no report with id '18c0ffee000-0badcafe'" in result.output
    result = lg(lists_dir, "reports", *command, "../../etc/passwd")
    assert result.exit_code == 1 and "no report with id" in result.output


def test_reject_and_reject_after_accept(lists_dir: Path) -> None:
    first, second = store_file(lists_dir, make_report("http://ok.test/", "phishing"),
                               make_report("http://bad-thing.test/", "phishing"))
    result = lg(lists_dir, "reports", "reject", first, "--note", "a real shop")
    assert result.exit_code == 0 and f"rejected {first}" in result.output
    assert status_of(lists_dir, first) == "rejected"
    assert lg(lists_dir, "reports", "accept", second).exit_code == 0
    result = lg(lists_dir, "reports", "reject", second)
    assert result.exit_code == 0 and "its list entry stays" in result.output


def test_bad_options(lists_dir: Path) -> None:
    assert lg(lists_dir, "reports", "list", "--status", "open").exit_code == 2
    assert lg(lists_dir, "reports", "list", "--limit", "0").exit_code == 2
    assert lg(lists_dir, "reports", "accept").exit_code == 2
    assert lg(lists_dir, "reports", "accept", "x", "--entry", "domain").exit_code == 2


def test_unusable_settings_are_a_message(lists_dir: Path) -> None:
    result = lg(lists_dir, "reports", "list", env={"LINKGUARD_LISTS_DIR": "/nonexistent"})
    assert result.exit_code == 1 and "LINKGUARD_LISTS_DIR" in result.output


@pytest.mark.redis
def test_with_redis_reports_come_from_the_stream_and_reloads_are_announced(
        lists_dir: Path, redis_url: str) -> None:
    report = make_report("http://stream-phish.test/login", "phishing")

    async def add() -> None:
        link = RedisLink.from_url(redis_url)
        await link.start()
        await RedisReportStore(link, spool=Spool(lists_dir.parent / SPOOL_FILE)).add(report)
        await link.close()

    asyncio.run(add())
    env: dict[str, str | None] = {"LINKGUARD_REDIS_URL": redis_url}
    listed = lg(lists_dir, "reports", "list", env=env)
    assert listed.output.startswith(report.id)
    result = lg(lists_dir, "reports", "accept", report.id, env=env)
    assert result.exit_code == 0, result.output
    assert "announced lists" in result.output and "over Redis" in result.output
    client = redis.Redis.from_url(redis_url)
    assert client.get(VERSION_KEY).decode() == load_lists(lists_dir).version  # type: ignore[union-attr]
    assert client.hgetall("lg:{lists}:replicas") == {}  # the CLI left no replica entry behind
    client.close()
    shown = lg(lists_dir, "reports", "show", report.id, "--json", env=env)
    assert json.loads(shown.output)["status"] == "accepted"


def test_redis_down_is_a_clear_error(lists_dir: Path) -> None:
    env: dict[str, str | None] = {"LINKGUARD_REDIS_URL": "redis://127.0.0.1:1/0"}
    result = lg(lists_dir, "reports", "list", env=env)
    assert result.exit_code == 1 and "unreachable" in result.output
    result = lg(lists_dir, "lists", "add", "down.test", "--list", "local-phishing", env=env)
    assert result.exit_code == 1 and "was not published" in result.output
    assert "down.test" in (lists_dir / "local/phishing.txt").read_text()  # saved all the same

