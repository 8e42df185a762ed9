"""``bedrock-mock coverage merge`` and ``bedrock-mock schema export`` (through their ``register`` hooks)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from test_coverage_plugin import CONFTEST, PLUGIN, SUITE

from pytest_bedrock_mock.cli import coverage as cli_coverage
from pytest_bedrock_mock.cli import schema as cli_schema
from pytest_bedrock_mock.contract import schema
from pytest_bedrock_mock.coverage import report as coverage_report


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="bedrock-mock")
    subparsers = parser.add_subparsers(dest="command", required=True)
    cli_schema.register(subparsers)
    cli_coverage.register(subparsers)
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two CI shards of one downstream suite, each writing its report (run once for the module)."""
    pytester_dir = tmp_path_factory.mktemp("suite")
    (pytester_dir / "conftest.py").write_text(CONFTEST)
    (pytester_dir / "test_downstream.py").write_text(SUITE.format(statuses=["InProgress", "Completed", "Failed", "Stopping", "Stopped"]))
    paths = []
    for name, keyword in (("a", "InProgress or Completed or Failed"), ("b", "Stopping or Stopped")):
        report = pytester_dir / f"shard-{name}.json"
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:faker", *PLUGIN, "-k", keyword,
                        "--bedrock-coverage-dimensions=status", f"--bedrock-coverage-report={report}"],
                       cwd=pytester_dir, check=True, capture_output=True)
        paths.append(report)
    return paths[0], paths[1]


def test_merged_shards_pass_the_gate_once(shards: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "merged.json"
    assert _run("coverage", "merge", str(shards[0]), str(shards[1]), "--require", "selected", "--out", str(out)) == 0
    printed = capsys.readouterr().out
    assert "2 report(s)" in printed
    assert any(line.split()[:2] == ["status", "5/5"] for line in printed.splitlines())
    merged = json.loads(out.read_text())
    Draft202012Validator(coverage_report.report_schema()).validate(merged)
    assert merged["dimensions"]["status"]["variants"] == dict.fromkeys(["InProgress", "Completed", "Failed", "Stopping", "Stopped"], 1)


def test_one_shard_alone_fails_naming_what_is_missing(shards: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("coverage", "merge", str(shards[0]), "--require", "status") == 1
    printed = capsys.readouterr().out
    assert "  status: Stopping" in printed and "  status: Stopped" in printed
    assert _run("coverage", "merge", str(shards[0])) == 0, "without --require or --fail-under it only reports"
    assert _run("coverage", "merge", str(shards[0]), "--fail-under", "50") == 0
    assert _run("coverage", "merge", str(shards[0]), "--fail-under", "70") == 1


def test_bad_reports_exit_2_naming_the_file(shards: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "something-else"}))
    assert _run("coverage", "merge", str(shards[0]), str(broken)) == 2
    assert "broken.json: not a pytest-bedrock-mock coverage report" in capsys.readouterr().err
    assert _run("coverage", "merge", str(shards[0]), "--require", "colour") == 2
    assert "unknown dimension 'colour'" in capsys.readouterr().err


def test_schema_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("schema", "export", "--out", str(tmp_path / "schemas")) == 0
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert written == sorted(schema.json_schemas())
    assert capsys.readouterr().out.count(".schema.json") == len(written)
    assert _run("schema", "export") == 0
    assert json.loads(capsys.readouterr().out) == schema.json_schemas()
