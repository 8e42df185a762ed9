"""Every golden cassette agrees with itself: each answer fits its request, and the answers of one job fit together.

:func:`problems` is the one function of checks. It reads each interaction as a client and the
service would (the simulator's request routing, botocore's parser) and reuses the kit's own
judges: contract validation (:func:`validate_request`, :func:`validate_response`), the response
rules (:func:`rules.check_consistency`, :func:`rules.legal_path`) and the base-model reading of a
Create (:func:`rules.base_model`). A test also feeds it a broken cassette, so it can fail.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from pytest_bedrock_mock.contract.validate import validate_request, validate_response, validation_message
from pytest_bedrock_mock.core import rules, wire
from pytest_bedrock_mock.core.errorcodes import DUPLICATE_JOB_NAME_MESSAGE, error_status
from pytest_bedrock_mock.fakes.cassettes.format import Cassette, Response
from pytest_bedrock_mock.fakes.cassettes.golden import names
from pytest_bedrock_mock.fakes.cassettes.storage import load
from pytest_bedrock_mock.fakes.simulator.routing import match, request_params

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "cassettes"
REGION = "us-east-1"
#: Create request member -> the Get answer member that echoes it.
ECHOED = {"jobName": "jobName", "customModelName": "outputModelName", "roleArn": "roleArn", "clientRequestToken": "clientRequestToken",
          "customizationType": "customizationType", "hyperParameters": "hyperParameters", "trainingDataConfig": "trainingDataConfig",
          "validationDataConfig": "validationDataConfig", "outputDataConfig": "outputDataConfig",
          "customizationConfig": "customizationConfig", "vpcConfig": "vpcConfig"}


def _exchange(interaction: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """``(operation, request params, parsed answer)`` of one recorded interaction."""
    request, response = interaction.request, interaction.response
    operation, labels = match(request.method, request.path)
    body = json.dumps(request.body).encode() if request.body is not None else None
    params, bad, ignored = request_params(operation, labels, urlencode(request.query, doseq=True), body)
    assert not bad and not ignored, (bad, ignored)
    parsed = wire.parse(operation, response.status, response.headers, response.body)
    return operation, params, {k: v for k, v in parsed.items() if k != "ResponseMetadata"}


def _time(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _error_problems(op: str, params: dict[str, Any], answer: dict[str, Any], status: int) -> list[str]:
    code, message = answer["Error"]["Code"], answer["Error"]["Message"]
    out = [] if status == error_status(op, code) else [f"{code} answered with HTTP {status}, not {error_status(op, code)}"]
    violations = validate_request(op, params)
    if code == "ValidationException":
        expected = validation_message(violations) if violations else DUPLICATE_JOB_NAME_MESSAGE
        if message != expected:
            out.append(f"ValidationException message {message!r} is not the one for its request ({expected!r})")
    elif violations:
        out.append(f"{code} answers a request the service would reject first: {validation_message(violations)}")
    named = params.get("jobIdentifier")
    if code == "ResourceNotFoundException" and named and named not in message:
        out.append(f"ResourceNotFoundException does not name the job asked for ({named})")
    return out


def problems(cassette: Cassette) -> list[str]:
    """Every way a cassette disagrees with itself (empty when consistent)."""
    out: list[str] = []
    jobs: dict[str, dict[str, Any]] = {}  # job ARN -> its Create request (or None), last answer, statuses seen
    token = None
    for i, interaction in enumerate(cassette.interactions):
        op, params, answer = _exchange(interaction)
        where = f"interaction {i} ({op})"
        if "Error" in answer:
            out += [f"{where}: {p}" for p in _error_problems(op, params, answer, interaction.response.status)]
            continue
        out += [f"{where}: request: {v}" for v in validate_request(op, params)]
        out += [f"{where}: answer: {v}" for v in validate_response(op, answer)]
        if op == "CreateModelCustomizationJob":
            found = rules.base_model(params["baseModelIdentifier"], REGION)
            base_id = found[0] if found else None
            if base_id is None or f":model-customization-job/{base_id}/" not in answer["jobArn"]:
                out.append(f"{where}: job ARN {answer['jobArn']} does not name the requested base model {params['baseModelIdentifier']}")
            jobs[answer["jobArn"]] = {"request": params, "base": found, "last": None, "statuses": []}
        elif op == "GetModelCustomizationJob":
            out += [f"{where}: {p}" for p in rules.check_consistency(answer)]
            if params["jobIdentifier"] not in (answer["jobArn"], answer["jobName"]):
                out.append(f"{where}: asked for {params['jobIdentifier']}, answered {answer['jobArn']}")
            out += [f"{where}: {p}" for p in _same_job(jobs.setdefault(answer["jobArn"], {"request": None, "base": None, "last": None, "statuses": []}), answer)]
        elif op == "StopModelCustomizationJob":
            # a Stop that succeeds found the job in progress
            jobs.setdefault(params["jobIdentifier"], {"request": None, "base": None, "last": None, "statuses": []})["statuses"].append("InProgress")
        elif op == "ListModelCustomizationJobs":
            if params.get("nextToken") != token:
                out.append(f"{where}: nextToken {params.get('nextToken')!r} is not the one the previous page gave ({token!r})")
            token = answer.get("nextToken")
    return out


def _same_job(job: dict[str, Any], answer: dict[str, Any]) -> list[str]:
    """The answer against the job's Create request and its earlier answers."""
    out = []
    request, base, last = job["request"], job["base"], job["last"]
    if request is not None:
        # an absent map and an empty one are the same answer (the builders send ``hyperParameters: {}``)
        out += [f"{member} {request.get(member)!r} came back as {answer.get(echo)!r}"
                for member, echo in ECHOED.items() if (request.get(member) or None) != (answer.get(echo) or None)]
        if base is not None and answer["baseModelArn"] != base[1]:
            out.append(f"baseModelArn {answer['baseModelArn']} is not the requested {base[1]}")
    base_id = answer["baseModelArn"].split("/", 1)[1]
    for key in ("jobArn", "outputModelArn"):
        if key in answer and f"/{base_id}/" not in answer[key]:
            out.append(f"{key} {answer[key]} does not name the base model {base_id}")
    if last is not None:
        if answer["creationTime"] != last["creationTime"]:
            out.append("creationTime changed between answers of one job")
        if _time(answer["lastModifiedTime"]) < _time(last["lastModifiedTime"]):
            out.append("lastModifiedTime went back in time")
    job["statuses"].append(answer["status"])
    out += rules.legal_path(job["statuses"][-2:])
    job["last"] = answer
    return out


@pytest.mark.parametrize("name", names())
def test_every_golden_cassette_agrees_with_itself(name: str) -> None:
    assert problems(load(GOLDEN / f"{name}.yaml")) == []


def _rewrite(cassette: Cassette, index: int, change: Any) -> Cassette:
    broken = copy.deepcopy(cassette)
    response = broken.interactions[index].response
    body = json.loads(response.body)
    change(body)
    broken.interactions[index].response = Response(response.status, response.headers, json.dumps(body).encode())
    return broken


def _set(key: str, value: Any) -> Any:
    return lambda body: body.__setitem__(key, value)


NOVA = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0:128k"


@pytest.mark.parametrize(("name", "index", "change", "expected"), [
    ("create/type-FINE_TUNING", 1, _set("baseModelArn", NOVA), "baseModelArn"),  # the old generator's titan-in, nova-out
    ("create/type-FINE_TUNING", 1, _set("jobName", "another-job"), "jobName"),
    ("poll/fine-tuning-completed", 3, _set("lastModifiedTime", "2020-01-01T00:00:00.000Z"), "lastModifiedTime"),
    ("poll/fine-tuning-completed", 3, _set("status", "InProgress"), "outputModelArn"),
    ("stop/stopped", 2, _set("status", "Completed"), "Stopping -> Completed"),
    ("errors/GetModelCustomizationJob-ValidationException", 0, _set("message", "1 validation error detected"), "ValidationException message"),
    ("errors/GetModelCustomizationJob-ResourceNotFoundException", 0, _set("message", "Not found."), "does not name the job"),
    ("list/two-pages", 0, _set("nextToken", "another-token"), "nextToken"),
])
def test_a_cassette_that_disagrees_with_itself_is_reported(name: str, index: int, change: Any, expected: str) -> None:
    found = problems(_rewrite(load(GOLDEN / f"{name}.yaml"), index, change))
    assert any(expected in p for p in found), found
