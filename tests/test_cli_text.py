"""`linkguard check-text` through click's runner: the API's JSON, the human form, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli.main import main

SCAM = ("Tôi là công an, em liên quan vụ án rửa tiền, không được nói với bố mẹ. "
        "Vào phish.example.com/xac-minh ngay.")


@pytest.fixture
def run(lists_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("LINKGUARD_LISTS_DIR", str(lists_dir))
    return CliRunner()


def test_json_is_the_api_shape(run: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "message.txt"
    source.write_text(SCAM, encoding="utf-8")
    result = run.invoke(main, ["check-text", "--json", "--offline", "--lang", "en", str(source)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert set(body) == {"verdict", "score", "reasons", "links", "lang"}
    assert body["verdict"] == "dangerous" and body["lang"] == "en"
    assert body["links"][0]["canonical_url"] == "http://phish.example.com/xac-minh"
    assert "message.authority_threat" in {r["code"] for r in body["reasons"]}


def test_stdin_and_the_human_form(run: CliRunner) -> None:
    result = run.invoke(main, ["check-text", "--offline"], input=SCAM)
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("DANGEROUS") and "lừa đảo" in first
    assert "message.secrecy" in result.output and "link dangerous" in result.output
    assert "Phải chặn và báo cáo." in result.output


def test_an_ordinary_message_is_safe(run: CliRunner) -> None:
    result = run.invoke(main, ["check-text", "--offline", "--lang", "en", "-"],
                        input="Con chụp ảnh bài tập gửi mẹ xem nhé.")
    assert result.exit_code == 0 and result.output.startswith("SAFE")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the message is empty"),
    (b"   \n", "the message is empty"),
    (b"\xff\xfe bad", "not valid UTF-8"),
    (b"a\x00b", "NUL"),
    (b"a" * 8193, "longer than 8192 bytes"),
])
def test_bad_input_is_a_clear_message(run: CliRunner, data: bytes, message: str) -> None:
    result = run.invoke(main, ["check-text", "--offline"], input=data)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
