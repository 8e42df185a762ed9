"""The rest-json wire form: encode with our code, parse with botocore's real parser."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core import errorcodes, wire
from pytest_bedrock_mock.core.model import OPERATIONS, UnknownNameError, get_model
from pytest_bedrock_mock.fakes.simulator import BedrockSimulator, simulate
from pytest_bedrock_mock.fakes.stubber import BedrockStubber, StubberError

GET = "GetModelCustomizationJob"
ISO_MS_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
STATUSES = get_model().statuses
TYPES = get_model().customization_types


def _timestamps(value: Any, shape: Any) -> list[Any]:
    """Every timestamp value in a wire body, found by walking the output shape."""
    kind = shape.type_name
    if kind == "timestamp":
        return [value]
    if kind == "structure":
        return [t for k, v in value.items() if k in shape.members for t in _timestamps(v, shape.members[k])]
    if kind == "list":
        return [t for v in value for t in _timestamps(v, shape.member)]
    return []


def _answers() -> list[tuple[str, dict[str, Any]]]:
    job = builders.job_description("Completed", "DISTILLATION", seed=9)
    return [
        ("CreateModelCustomizationJob", builders.create_job_response(job)),
        (GET, job),
        ("ListModelCustomizationJobs", builders.list_jobs_response([job], next_token="eyJ0b2tlbiI6IDEyM30=")),
        ("StopModelCustomizationJob", {}),
    ]


@pytest.mark.parametrize(("op", "answer"), _answers(), ids=OPERATIONS)
def test_success_status_headers_and_round_trip(op: str, answer: dict[str, Any]) -> None:
    status, headers, body = wire.encode_response(op, answer, rid="req-1")
    assert status == get_model().success_status(op)
    assert status == (201 if op == "CreateModelCustomizationJob" else 200)
    assert headers["x-amzn-RequestId"] == "req-1"
    assert headers["Content-Type"] == "application/json"
    assert int(headers["Content-Length"]) == len(body)
    parsed = wire.parse(op, status, headers, body)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
    assert parsed == answer


@given(status=st.sampled_from(STATUSES), ctype=st.sampled_from(TYPES), seed=st.integers(0, 10_000))
def test_job_description_round_trips_with_iso_millisecond_timestamps(status: str, ctype: str, seed: int) -> None:
    job = builders.job_description(status, ctype, seed=seed)
    code, headers, body = wire.encode_response(GET, job)
    stamps = _timestamps(json.loads(body), get_model().output_shape(GET))
    assert len(stamps) >= 2 and all(isinstance(s, str) and ISO_MS_Z.fullmatch(s) for s in stamps)
    parsed = wire.parse(GET, code, headers, body)
    parsed.pop("ResponseMetadata")
    assert parsed == job
    assert all(parsed[k].tzinfo is not None and parsed[k].utcoffset() == dt.timedelta(0) for k in ("creationTime", "lastModifiedTime"))


def test_timestamps_are_normalised_to_utc_milliseconds() -> None:
    job = builders.job_description("InProgress", seed=1)
    plus2 = dt.timezone(dt.timedelta(hours=2))
    job["creationTime"] = dt.datetime(2024, 5, 1, 14, 0, 0, 123456, tzinfo=plus2)
    job["lastModifiedTime"] = dt.datetime(2024, 5, 1, 12, 30)  # naive: UTC
    _, _, body = wire.encode_response(GET, job)
    data = json.loads(body)
    assert data["creationTime"] == "2024-05-01T12:00:00.123Z"
    assert data["lastModifiedTime"] == "2024-05-01T12:30:00.000Z"


ERRORS = [(op, code) for op in OPERATIONS for code in get_model().errors(op)]


@pytest.mark.parametrize(("op", "code"), ERRORS, ids=[f"{op}-{code}" for op, code in ERRORS])
def test_every_documented_error_encodes_and_parses_back(op: str, code: str) -> None:
    info = get_model().error(op, code)
    status, headers, body = wire.encode_error(op, code, "something went wrong", rid="req-2")
    assert status == info.http_status
    assert headers["x-amzn-ErrorType"] == f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/"
    assert headers["x-amzn-RequestId"] == "req-2"
    assert json.loads(body) == {"message": "something went wrong"}
    parsed = wire.parse(op, status, headers, body)
    assert parsed["Error"]["Code"] == code
    assert parsed["Error"]["Message"] == "something went wrong"
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == status
    http, again = wire.parsed_error(op, code)
    assert http.status_code == status and again["Error"]["Code"] == code
    assert again["Error"]["Message"] == wire.default_message(code, operation=op)


def test_undocumented_error_code_needs_an_explicit_status() -> None:
    with pytest.raises(ValueError, match="ThrottlingException"):
        wire.encode_error("GetModelCustomizationJob", "ConflictException")
    status, headers, body = wire.encode_error("GetModelCustomizationJob", "ConflictException", status=409)
    assert status == 409 and wire.parse(GET, status, headers, body)["Error"]["Code"] == "ConflictException"


def test_aws_response_carries_the_bytes() -> None:
    status, headers, body = wire.encode_response(GET, builders.job_description("Completed", seed=2))
    response = wire.aws_response(status, headers, body)
    assert response.status_code == 200 and response.content == body
    assert response.headers["x-amzn-requestid"] == headers["x-amzn-RequestId"]


COMMON = sorted(wire.COMMON_ERRORS)


@pytest.mark.parametrize("code", COMMON)
def test_every_common_error_encodes_with_its_status_and_the_coral_namespace(code: str) -> None:
    row = wire.COMMON_ERRORS[code]
    status, headers, body = wire.encode_error(GET, code, rid="req-3")
    assert status == row.status
    assert headers["x-amzn-ErrorType"] == f"{code}:http://internal.amazon.com/coral/com.amazon.coral.service/"
    parsed = wire.parse(GET, status, headers, body)
    assert parsed["Error"] == {"Code": code, "Message": row.message}
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == row.status


def test_a_documented_error_keeps_the_model_status_over_the_common_table() -> None:
    for op in OPERATIONS:
        for code, info in get_model().errors(op).items():
            assert code not in wire.COMMON_ERRORS or wire.COMMON_ERRORS[code].status == info.http_status
    assert errorcodes.error_status(GET, "ThrottlingException") == 429
    with pytest.raises(UnknownNameError, match="ExpiredTokenException"):  # the message lists the common errors too
        errorcodes.error_status(GET, "NoSuchError")


@pytest.mark.parametrize(("code", "status", "modes"), [
    ("ThrottlingException", 429, ("legacy", "standard")),
    ("ServiceUnavailable", 503, ("legacy", "standard")),
    ("InternalFailure", 500, ("legacy", "standard")),
    ("RequestTimeoutException", 408, ("standard",)),  # a transient code in standard mode only
    ("ExpiredTokenException", 403, ()),
    ("UnrecognizedClientException", 403, ()),
    ("ValidationException", 400, ()),
])
def test_retry_modes_come_from_botocore(code: str, status: int, modes: tuple[str, ...]) -> None:
    assert errorcodes.retried_by_botocore(code, status) == modes


def test_a_real_client_retries_a_common_error_as_botocore_says() -> None:
    """Injected with ``fail_next``, each common error reaches a real client with its status, retried or not as botocore decides."""
    with simulate() as sim:
        client = sim.client(config=Config(retries={"mode": "standard", "total_max_attempts": 2}))
        for code, row in wire.COMMON_ERRORS.items():
            sim.reset()
            sim.fail_next(code, operation="ListModelCustomizationJobs", times=2)
            with pytest.raises(ClientError) as exc:
                client.list_model_customization_jobs()
            assert exc.value.response["Error"]["Code"] == code
            assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == row.status
            assert len(sim.calls) == (2 if "standard" in row.retried_by else 1), code


def test_unknown_request_members_are_set_aside_at_any_depth() -> None:
    request = builders.create_job_request(seed=4)
    body = {**json.loads(json.dumps(request)), "newTopLevel": 1, "jobIdentifier": "belongs-in-the-uri"}
    body["trainingDataConfig"]["newNested"] = {"x": 1}
    body["validationDataConfig"]["validators"][0]["future"] = True
    known, ignored = wire.drop_unknown("CreateModelCustomizationJob", body)
    assert known == json.loads(json.dumps(request))
    assert sorted(ignored) == ["jobIdentifier", "newTopLevel", "trainingDataConfig.newNested", "validationDataConfig.validators[0].future"]
    assert wire.drop_unknown("CreateModelCustomizationJob", request) == (request, ())


def test_the_simulator_answers_a_body_with_unknown_members_and_logs_them() -> None:
    """A client built from a newer model sends members this model lacks: answered as without them, listed on the Call."""
    sim = BedrockSimulator()
    request = json.loads(json.dumps(builders.create_job_request(seed=5)))
    body = {**request, "newTopLevel": 1, "trainingDataConfig": {**request["trainingDataConfig"], "newNested": "x"}}
    status, _headers, raw = sim.handle_http("POST", "/model-customization-jobs", "", {}, json.dumps(body).encode())
    assert status == 201, raw
    call = sim.calls[-1]
    assert call.ignored == ("trainingDataConfig.newNested", "newTopLevel")  # in the order of the body
    assert "newTopLevel" not in call.params and "newNested" not in call.params["trainingDataConfig"]
    assert sim.describe(json.loads(raw)["jobArn"])["trainingDataConfig"] == request["trainingDataConfig"]
    status, _headers, raw = sim.handle_http("GET", "/model-customization-jobs", "maxResults=5", {}, None)
    assert status == 200 and sim.calls[-1].ignored == ()


def test_the_stubber_queues_a_common_error_with_its_status_and_refuses_what_does_not_fit() -> None:
    client = botocore.session.get_session().create_client("bedrock", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    stubber = BedrockStubber(client)
    with stubber:
        stubber.add_client_error("get_model_customization_job", "UnrecognizedClientException")
        with pytest.raises(ClientError) as exc:
            client.get_model_customization_job(jobIdentifier="nightly")
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert exc.value.response["Error"] == {"Code": "UnrecognizedClientException", "Message": "The security token included in the request is invalid."}
        with pytest.raises(StubberError, match="HTTP 408"):
            stubber.add_client_error("get_model_customization_job", "RequestTimeoutException", http_status_code=400)
        with pytest.raises(StubberError, match="no modelled fields"):
            stubber.add_client_error("get_model_customization_job", "ServiceUnavailable", modeled_fields={"x": 1})
        with pytest.raises(StubberError, match="ExpiredTokenException"):  # the choices list the common errors
            stubber.add_client_error("get_model_customization_job", "RequestTimeout")
