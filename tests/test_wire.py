"""The rest-json wire form: encode with our code, parse with botocore's real parser."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.core.model import OPERATIONS, get_model

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
    assert again["Error"]["Message"] == wire.default_message(code)


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
