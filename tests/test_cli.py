"""The `linkguard check` command through click's runner: output shapes, errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli.main import main


@pytest.fixture
def run(lists_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("LINKGUARD_LISTS_DIR", str(lists_dir))
    return CliRunner()


def test_json_output_matches_input_lines_one_to_one(run: CliRunner, tmp_path: Path) -> None:
    lines = ["http://evil-phish.test/x", "", "javascript:alert(1)", "example.com", "http://[::1"]
    source = tmp_path / "urls.txt"
    source.write_text("\n".join(lines) + "\n")
    result = run.invoke(main, ["check", "--json", "--offline", "--file", str(source)])
    assert result.exit_code == 1  # some inputs were invalid
    out = [json.loads(line) for line in result.output.splitlines()]
    assert len(out) == len(lines)
    assert [o["url"] for o in out] == lines
    assert out[0]["verdict"] == "dangerous"
    assert out[1]["error"]["code"] == "invalid_url"
    assert out[2]["error"]["code"] == "invalid_url"
    assert out[3]["verdict"] == "safe"
    assert "error" in out[4]


def test_stdin_and_arguments_together(run: CliRunner) -> None:
    result = run.invoke(main, ["check", "--json", "--offline", "phish.example.com", "-f", "-"],
                        input="example.org\n")
    assert result.exit_code == 0, result.output
    verdicts = [json.loads(line)["verdict"] for line in result.output.splitlines()]
    assert verdicts == ["dangerous", "safe"]


def test_human_output_in_english(run: CliRunner) -> None:
    result = run.invoke(main, ["check", "--offline", "--lang", "en", "http://evil-phish.test/"])
    assert result.exit_code == 0
    assert "DANGEROUS" in result.output and "blocklist.match" in result.output
    assert "Must block and report" in result.output


def test_heuristics_only_ignores_the_lists(run: CliRunner) -> None:
    result = run.invoke(main, ["check", "--json", "--offline", "--heuristics-only",
                               "http://evil-phish.test/"])
    assert json.loads(result.output)["verdict"] == "safe"


def test_invalid_url_in_human_mode_is_quoted_and_sets_the_exit_code(run: CliRunner) -> None:
    result = run.invoke(main, ["check", "--offline", "file:///etc/passwd\x1b[2J"])
    assert result.exit_code == 1
    assert "INVALID" in result.output and "\x1b[2J" not in result.output


def test_no_input_is_a_usage_error(run: CliRunner) -> None:
    result = run.invoke(main, ["check"])
    assert result.exit_code == 2 and "at least one URL" in result.output


def test_bad_settings_are_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKGUARD_LISTS_DIR", "/nonexistent")
    result = CliRunner().invoke(main, ["check", "--offline", "example.com"])
    assert result.exit_code == 1
    assert "LINKGUARD_LISTS_DIR" in result.output and "Traceback" not in result.output


def test_broken_manifest_is_a_clear_message(run: CliRunner, lists_dir: Path) -> None:
    (lists_dir / "lists.toml").write_text("[[list]]\nname = 'x'\n")
    result = run.invoke(main, ["check", "--offline", "example.com"])
    assert result.exit_code == 1 and "Error:" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
