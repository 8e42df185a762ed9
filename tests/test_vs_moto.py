"""The same scenarios against our simulator and against moto's ``mock_aws``, side by side.

Each scenario runs a few API calls through a real boto3 client and says whether the
answers are what the real service documents. Our simulator must get every one right
(asserted); moto's result is only recorded (``record_property``), never asserted, so a
moto bug or fix cannot fail this suite. ``python tests/test_vs_moto.py`` prints the
comparison table of docs/simulator.md from a fresh run.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.contract.validate import validate_response
from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.simulator import simulate

moto = pytest.importorskip("moto")

Verdict = tuple[bool, str]
SCENARIOS: dict[str, tuple[str, Callable[[Any], Verdict]]] = {}


def scenario(key: str, title: str) -> Callable[[Callable[[Any], Verdict]], Callable[[Any], Verdict]]:
    def register(fn: Callable[[Any], Verdict]) -> Callable[[Any], Verdict]:
        SCENARIOS[key] = (title, fn)
        return fn

    return register


def _code(call: Callable[[], Any]) -> str | None:
    try:
        call()
    except ClientError as exc:
        return str(exc.response["Error"]["Code"])
    return None


def _create(client: Any, seed: int = 1, **overrides: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    request = builders.create_job_request(seed=seed, **overrides)
    return request, client.create_model_customization_job(**request)


def _summary(problems: list[Any]) -> str:
    return ", ".join(f"{v.kind} at {v.path.rsplit('.', 1)[-1]}" for v in problems) or "valid"


def _rejects(field: str, value: str) -> Callable[[Any], Verdict]:
    def run(client: Any) -> Verdict:
        overrides: dict[str, Any] = {field: value}
        request = builders.create_job_request(seed=3, check=False, **overrides)
        code = _code(lambda: client.create_model_customization_job(**request))
        return code == "ValidationException", f"answered {code or 'success'}"

    return run


for _key, _field, _value in (("invalid_name", "jobName", "-bad"), ("long_name", "jobName", "a" * 100), ("bad_role", "roleArn", "notanarn")):
    scenario(_key, f"Create rejects {_field}={_value[:12]!r}{'...' if len(_value) > 12 else ''} (ValidationException)")(_rejects(_field, _value))


@scenario("create_201", "Create answers HTTP 201")
def _create_201(client: Any) -> Verdict:
    status = _create(client)[1]["ResponseMetadata"]["HTTPStatusCode"]
    return status == 201, f"HTTP {status}"


@scenario("arn_pattern", "jobArn matches the documented pattern")
def _arn_pattern(client: Any) -> Verdict:
    arn = _create(client)[1]["jobArn"]
    return validate_response("CreateModelCustomizationJob", {"jobArn": arn}) == [], arn.split(":", 5)[5]


@scenario("get_by_arn", "Get by ARN (percent-encoded in the path)")
def _get_by_arn(client: Any) -> Verdict:
    arn = _create(client)[1]["jobArn"]
    code = _code(lambda: client.get_model_customization_job(jobIdentifier=arn))
    return code is None, f"answered {code or 'the job'}"


@scenario("get_by_name", "Get by job name")
def _get_by_name(client: Any) -> Verdict:
    request, _ = _create(client)
    return client.get_model_customization_job(jobIdentifier=request["jobName"])["jobName"] == request["jobName"], "found"


@scenario("new_job_consistent", "a new InProgress job has no endTime/failureMessage/outputModelArn")
def _new_job_consistent(client: Any) -> Verdict:
    request, _ = _create(client)
    job = client.get_model_customization_job(jobIdentifier=request["jobName"])
    present = [k for k in ("endTime", "failureMessage", "outputModelArn") if k in job]
    return rules.check_consistency(job) == [] and not present, ", ".join(present) + " present" if present else "consistent"


@scenario("get_contract", "Get answer passes the output contract")
def _get_contract(client: Any) -> Verdict:
    request, _ = _create(client)
    job = client.get_model_customization_job(jobIdentifier=request["jobName"])
    problems = validate_response("GetModelCustomizationJob", job)
    return problems == [], _summary(problems)


@scenario("duplicate_name", "duplicate job name answers an error Create documents")
def _duplicate_name(client: Any) -> Verdict:
    request, _ = _create(client)
    code = _code(lambda: client.create_model_customization_job(**request))
    return code in get_model().errors("CreateModelCustomizationJob"), f"answered {code or 'success'}"


@scenario("token_idempotent", "a repeated clientRequestToken returns the first job")
def _token(client: Any) -> Verdict:
    request = builders.create_job_request(seed=4, clientRequestToken="same-token-1")
    first = client.create_model_customization_job(**request)["jobArn"]
    try:
        again = client.create_model_customization_job(**request)["jobArn"]
    except ClientError as exc:
        return False, f"answered {exc.response['Error']['Code']}"
    return again == first, "same ARN" if again == first else "a second job"


@scenario("completes", "an unmodified poll loop sees the job complete")
def _completes(client: Any) -> Verdict:
    request, _ = _create(client)
    statuses = [client.get_model_customization_job(jobIdentifier=request["jobName"])["status"] for _ in range(20)]
    ok = "Completed" in statuses and rules.legal_path(statuses) == []
    return ok, f"{statuses.count('InProgress')} InProgress Gets, then {statuses[-1]}"


@scenario("stop_path", "Stop moves InProgress -> Stopping -> Stopped")
def _stop_path(client: Any) -> Verdict:
    request, _ = _create(client)
    client.stop_model_customization_job(jobIdentifier=request["jobName"])
    statuses = [client.get_model_customization_job(jobIdentifier=request["jobName"])["status"] for _ in range(5)]
    ok = statuses[0] == "Stopping" and statuses[-1] == "Stopped" and rules.legal_path(["InProgress", *statuses]) == []
    return ok, " -> ".join(dict.fromkeys(statuses))


@scenario("stop_finished", "Stop on a stopped job answers an error Stop documents")
def _stop_finished(client: Any) -> Verdict:
    request, _ = _create(client)
    client.stop_model_customization_job(jobIdentifier=request["jobName"])
    for _ in range(5):
        client.get_model_customization_job(jobIdentifier=request["jobName"])
    code = _code(lambda: client.stop_model_customization_job(jobIdentifier=request["jobName"]))
    return code in get_model().errors("StopModelCustomizationJob"), f"answered {code or 'success'}"


@scenario("not_found", "unknown job answers ResourceNotFoundException (404)")
def _not_found(client: Any) -> Verdict:
    try:
        client.get_model_customization_job(jobIdentifier="no-such-job")
    except ClientError as exc:
        got = (exc.response["Error"]["Code"], exc.response["ResponseMetadata"]["HTTPStatusCode"])
        return got == ("ResourceNotFoundException", 404), f"{got[0]} {got[1]}"
    return False, "answered a job"


@scenario("paginate", "botocore's paginator walks 25 jobs in pages of 10")
def _paginate(client: Any) -> Verdict:
    arns = {_create(client, seed=100 + i)[1]["jobArn"] for i in range(25)}
    pages = list(client.get_paginator("list_model_customization_jobs").paginate(PaginationConfig={"PageSize": 10}))
    seen = [s["jobArn"] for p in pages for s in p["modelCustomizationJobSummaries"]]
    ok = [len(p["modelCustomizationJobSummaries"]) for p in pages] == [10, 10, 5] and sorted(seen) == sorted(arns)
    return ok, f"pages {[len(p['modelCustomizationJobSummaries']) for p in pages]}"


@scenario("filters", "List filters statusEquals and nameContains")
def _filters(client: Any) -> Verdict:
    _create(client, seed=1, jobName="alpha-job")
    request, _ = _create(client, seed=2, jobName="beta-job")
    client.stop_model_customization_job(jobIdentifier=request["jobName"])
    by_status = [s["jobName"] for s in client.list_model_customization_jobs(statusEquals="InProgress")["modelCustomizationJobSummaries"]]
    by_name = [s["jobName"] for s in client.list_model_customization_jobs(nameContains="beta")["modelCustomizationJobSummaries"]]
    return by_status == ["alpha-job"] and by_name == ["beta-job"], f"statusEquals -> {by_status}, nameContains -> {by_name}"


@scenario("list_contract", "List answer passes the output contract")
def _list_contract(client: Any) -> Verdict:
    _create(client)
    problems = validate_response("ListModelCustomizationJobs", client.list_model_customization_jobs())
    return problems == [], _summary(problems)


@contextlib.contextmanager
def _disarmed() -> Iterator[None]:
    """moto answers on the wire; our session-wide interception must not refuse its calls."""
    armed, _ = intercept.set_armed(False)
    try:
        yield
    finally:
        intercept.set_armed(armed)


def run(backend: str, key: str) -> Verdict:
    fn = SCENARIOS[key][1]
    if backend == "ours":
        context: Any = simulate()
    else:
        context = contextlib.ExitStack()
        context.enter_context(_disarmed())
        context.enter_context(moto.mock_aws())
    with context:
        client = boto3.client("bedrock", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        try:
            return fn(client)
        except Exception as exc:  # a backend that cannot run the scenario at all
            return False, f"{type(exc).__name__}: {exc}"[:120]


@pytest.mark.parametrize("key", list(SCENARIOS))
def test_scenario(key: str, record_property: Callable[[str, object], None]) -> None:
    ours = run("ours", key)
    theirs = run("moto", key)
    record_property("moto", f"{'right' if theirs[0] else 'wrong'}: {theirs[1]}")
    assert ours[0], f"simulator got {SCENARIOS[key][0]!r} wrong: {ours[1]}"


def render_table() -> str:
    rows = ["| scenario | pytest-bedrock-mock simulator | moto `mock_aws` " + moto.__version__ + " |", "|---|---|---|"]
    for key, (title, _) in SCENARIOS.items():
        cells = []
        for backend in ("ours", "moto"):
            ok, note = run(backend, key)
            cells.append(("yes" if ok else "**no**") + f" ({note.replace('|', '/')})")
        rows.append(f"| {title} | {cells[0]} | {cells[1]} |")
    return "\n".join(rows)


def test_readme_table_names_every_scenario() -> None:
    text = (Path(__file__).parent.parent / "docs" / "simulator.md").read_text()
    for title, _ in SCENARIOS.values():
        row = next((line for line in text.splitlines() if line.startswith(f"| {title} |")), None)
        assert row is not None, f"docs/simulator.md has no comparison row for {title!r}"
        assert re.match(r"\| [^|]+ \| yes", row), f"docs/simulator.md must show what the simulator does: {row}"


if __name__ == "__main__":
    print(render_table())
