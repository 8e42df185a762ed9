"""Bad input to the command line gets one clear error: exit status and a message naming the file or option.

Each row is one input a user can plausibly give; none may end in a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from _cli import run_cli

Setup = Callable[[Path], list[str]]


def _deep(text_open: str, text_close: str, depth: int = 5000) -> str:
    return text_open * depth + text_close * depth


def _empty_folder(tmp: Path) -> list[str]:
    (tmp / "cassettes").mkdir()
    return ["cassettes", "lint", str(tmp / "cassettes")]


def _deep_yaml(tmp: Path) -> list[str]:
    (tmp / "deep.yaml").write_text("interactions: " + _deep("[", "]") + "\n")
    return ["cassettes", "lint", str(tmp / "deep.yaml")]


def _deep_json_cassette(tmp: Path) -> list[str]:
    (tmp / "deep.json").write_text('{"interactions": ' + _deep("[", "]") + "}")
    return ["cassettes", "lint", str(tmp / "deep.json")]


def _deep_report(tmp: Path) -> list[str]:
    (tmp / "cov.json").write_text('{"dimensions": ' + _deep("[", "]") + "}")
    return ["coverage", "merge", str(tmp / "cov.json")]


def _report_is_a_folder(tmp: Path) -> list[str]:
    return ["coverage", "merge", str(tmp)]


CASES: dict[str, tuple[Setup, int, str]] = {
    # name: (arguments, exit status, what the message must say)
    "lint an empty folder": (_empty_folder, 1, "no cassette file (*.yaml, *.yml, *.json) under"),
    "lint YAML nested 5000 deep": (_deep_yaml, 1, "deep.yaml: format: nested too deeply to be a cassette"),
    "lint JSON nested 5000 deep": (_deep_json_cassette, 1, "deep.json: format: nested too deeply to be a cassette"),
    "merge a report nested 5000 deep": (_deep_report, 2, "cov.json: nested too deeply to be a coverage report"),
    "merge a folder": (_report_is_a_folder, 2, "cannot read the file"),
    "--fail-under nan": (lambda tmp: ["coverage", "merge", "x.json", "--fail-under", "nan"], 2, "--fail-under: expected a percentage from 0 to 100, got 'nan'"),
    "--fail-under 150": (lambda tmp: ["coverage", "merge", "x.json", "--fail-under", "150"], 2, "got '150'"),
    "--fail-under abc": (lambda tmp: ["coverage", "merge", "x.json", "--fail-under", "abc"], 2, "got 'abc'"),
    "serve --port 70000": (lambda tmp: ["serve", "--port", "70000"], 2, "--port: expected a port number from 0 to 65535 (0 picks a free one), got '70000'"),
    "serve --port -1": (lambda tmp: ["serve", "--port", "-1"], 2, "got '-1'"),
    "serve --port http": (lambda tmp: ["serve", "--port", "http"], 2, "--port: expected a port number from 0 to 65535, got 'http'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_clear_error(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup, status, message = CASES[case]
    assert run_cli(setup(tmp_path)) == status
    out, err = capsys.readouterr()
    assert message in out + err
    assert "Traceback" not in out + err
