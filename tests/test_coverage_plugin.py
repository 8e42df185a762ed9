"""pytester tests of the coverage sub-plugin as a downstream suite meets it.

The downstream suites serve answers through a tiny fake written in their conftest
(a fake subclasses ``FakeBase`` and reports what it serves with ``answered``, as every
fake of the kit does).
"""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from pytest_bedrock_mock.coverage import report as coverage_report

PLUGIN = ("-p", "pytest_bedrock_mock.plugin.coverage")

CONFTEST = '''
import pytest
from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.base import Call, FakeBase

class TinyFake(FakeBase):
    source = "stubber"

    def __init__(self, status):
        super().__init__()
        self.status = status

    def answer_call(self, operation, params, request_params, context):
        job = builders.job_description(self.status, seed=1)
        status, headers, body = wire.encode_response(operation, job)
        parsed = wire.parse(operation, status, headers, body)
        self.answered(Call(operation, params, parsed, self.source))
        return wire.aws_response(status, headers, body), parsed

@pytest.fixture
def job_in():
    import boto3

    def get(status):
        with intercept.activate(TinyFake(status)):
            return boto3.client("bedrock").get_model_customization_job(jobIdentifier="job-1")
    return get
'''

SUITE = '''
import pytest

@pytest.mark.parametrize("status", {statuses!r})
def test_job_status(job_in, status):
    assert job_in(status)["status"] == status
'''

KNOWN = ["InProgress", "Completed", "Failed", "Stopping"]


def _suite(pytester: pytest.Pytester, statuses: list[str], conftest: str = CONFTEST) -> None:
    pytester.makeconftest(conftest)
    pytester.makepyfile(test_downstream=SUITE.format(statuses=statuses))


def _section(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "bedrock-mock variant coverage" in line)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("=")), len(lines))
    return lines[start:end]


def test_missing_stopped_fails_naming_it(pytester: pytest.Pytester) -> None:
    _suite(pytester, KNOWN)
    result = pytester.runpytest_subprocess(*PLUGIN, "--bedrock-coverage=fail", "--bedrock-coverage-dimensions=status")
    result.assert_outcomes(passed=4)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    assert "status: Stopped" in out
    assert re.search(r"^status\s+4/5\s+missing: Stopped$", out, re.M)
    assert "FAILED --bedrock-coverage=fail: 1 variant(s) never served" in out


def test_covering_stopped_passes(pytester: pytest.Pytester) -> None:
    _suite(pytester, [*KNOWN, "Stopped"])
    result = pytester.runpytest_subprocess(*PLUGIN, "--bedrock-coverage=fail", "--bedrock-coverage-dimensions=status")
    result.assert_outcomes(passed=5)
    assert result.ret == pytest.ExitCode.OK
    assert re.search(r"^bedrock variants: 5/5 covered$", result.stdout.str(), re.M), "a passing gate prints one line"
    assert "FAILED" not in result.stdout.str() and "variant coverage" not in result.stdout.str()


@pytest.mark.parametrize(("args", "shown"), [
    ((), "line"),
    (("-q",), "nothing"),
    (("-v",), "table"),
    (("--bedrock-coverage=report",), "table"),
    (("--bedrock-coverage=report", "-q"), "table"),
    (("--bedrock-coverage=fail", "-q"), "table"),  # the gate fails: Stopped is never served
    (("--bedrock-coverage=off",), "nothing"),
])
def test_quiet_by_default_one_line_the_table_when_asked_or_failing(pytester: pytest.Pytester, args: tuple[str, ...], shown: str) -> None:
    _suite(pytester, KNOWN)
    out = pytester.runpytest_subprocess(*PLUGIN, "--bedrock-coverage-dimensions=status", *args).stdout.str()
    line = re.search(r"^bedrock variants: 4/5 covered; missing: Stopped$", out, re.M)
    table = re.search(r"^status\s+4/5\s+missing: Stopped$", out, re.M)
    assert (bool(line), bool(table)) == {"line": (True, False), "table": (False, True), "nothing": (False, False)}[shown], out


@pytest.mark.parametrize("statuses, ret", [(KNOWN, pytest.ExitCode.TESTS_FAILED), ([*KNOWN, "Stopped"], pytest.ExitCode.OK)])
def test_xdist_union_over_workers_printed_once(pytester: pytest.Pytester, statuses: list[str], ret: int) -> None:
    _suite(pytester, statuses)
    args = (*PLUGIN, "--bedrock-coverage=fail", "--bedrock-coverage-dimensions=status", "-v")
    single = pytester.runpytest_subprocess(*args)
    spread = pytester.runpytest_subprocess(*args, "-n", "2", "--dist=load")
    assert single.ret == spread.ret == ret
    assert spread.stdout.str().count("bedrock-mock variant coverage") == 1
    assert _section(single.stdout.str()) == _section(spread.stdout.str())


def test_ini_options_and_off(pytester: pytest.Pytester) -> None:
    _suite(pytester, KNOWN)
    pytester.makeini("[pytest]\nbedrock_coverage = fail\nbedrock_coverage_dimensions = status\n")
    assert pytester.runpytest_subprocess(*PLUGIN).ret == pytest.ExitCode.TESTS_FAILED
    off = pytester.runpytest_subprocess(*PLUGIN, "--bedrock-coverage=off")
    assert off.ret == pytest.ExitCode.OK
    assert "variant coverage" not in off.stdout.str()


def test_unknown_dimension_is_a_usage_error(pytester: pytest.Pytester) -> None:
    _suite(pytester, KNOWN)
    result = pytester.runpytest_subprocess(*PLUGIN, "--bedrock-coverage-dimensions=status,colour")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown dimension 'colour'; the dimensions are: all, status, sub_status*"])


def test_extra_status_in_model_is_uncovered_with_no_code_change(pytester: pytest.Pytester) -> None:
    conftest = CONFTEST + '''
from pytest_bedrock_mock.core import model
_raw = model.load_raw_model()
_raw["shapes"]["ModelCustomizationJobStatus"]["enum"].append("Paused")
_active_model = model.use_model(_raw)  # kept referenced: the model stays in use
_active_model.__enter__()
'''
    _suite(pytester, [*KNOWN, "Stopped"], conftest)
    result = pytester.runpytest_subprocess(*PLUGIN, "--bedrock-coverage=fail", "--bedrock-coverage-dimensions=status")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert re.search(r"^status\s+5/6\s+missing: Paused$", result.stdout.str(), re.M)
    assert "  status: Paused" in result.stdout.str()


def test_summary_fits_80_columns_and_report_validates(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    _suite(pytester, KNOWN)
    result = pytester.runpytest_subprocess(*PLUGIN, "--bedrock-coverage=report", "--bedrock-coverage-dimensions=all,forward_compat",
                                           "--bedrock-coverage-report=out/cov.json")
    assert result.ret == pytest.ExitCode.OK
    section = _section(result.stdout.str())
    assert len(section) > 10
    assert max(len(line) for line in section) <= 80, "\n".join(section)
    assert any(re.match(r"error\s+0/\d+  missing:$", line) for line in section)
    assert any(line.startswith("    CreateModelCustomizationJob ResourceNotFoundException,") for line in section)
    report = json.loads((pytester.path / "out" / "cov.json").read_text())
    jsonschema.Draft202012Validator(coverage_report.report_schema()).validate(report)
    status = report["dimensions"]["status"]
    assert status["variants"] == {"InProgress": 1, "Completed": 1, "Failed": 1, "Stopping": 1, "Stopped": 0}
    assert (status["covered"], status["total"]) == (4, 5)
    assert report["answers"] == 4
    assert "forward_compat" in report["selected"]


def test_shipped_schema_rejects_a_broken_report() -> None:
    validator = jsonschema.Draft202012Validator(coverage_report.report_schema())
    jsonschema.Draft202012Validator.check_schema(coverage_report.report_schema())
    assert not validator.is_valid({"format": "pytest-bedrock-mock-coverage", "version": 1})


STRATEGY_SUITE = '''
import job_summary
from hypothesis import HealthCheck, given, settings
from pytest_bedrock_mock.strategies import job_descriptions

# this test is about counting; the first @given of a process also pays Hypothesis's own scan
# of local modules for constants (tests/test_cold_start.py covers the health checks)
@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(job_descriptions(status="Stopping"))
def test_summary_of_a_stopping_job(job):
    assert job["status"] == "Stopping"
'''


@pytest.mark.parametrize(("ini", "covered"), [("", True), ("bedrock_coverage_strategies = false", False)])
def test_responses_drawn_from_the_strategies_count_unless_turned_off(pytester: pytest.Pytester, ini: str, covered: bool) -> None:
    pytester.makepyfile(job_summary="", test_drawn=STRATEGY_SUITE)
    pytester.makeini(f"[pytest]\n{ini}\n")
    result = pytester.runpytest_subprocess(*PLUGIN, "--bedrock-coverage=report", "--bedrock-coverage-dimensions=status", "-p", "hypothesis")
    result.assert_outcomes(passed=1)
    out = result.stdout.str()
    if covered:
        assert re.search(r"^status\s+1/5\s+missing: InProgress, Completed, Failed, Stopped$", out, re.M), out
    else:
        assert "variant coverage" not in out, out  # no answer served at all
