"""``assert_handles_every``: one assertion naming every variant a function does not handle."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_bedrock_mock import variants
from pytest_bedrock_mock.core.model import load_raw_model, use_model
from pytest_bedrock_mock.fakes.handles import assert_handles_every

ARN = "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.titan-text-express-v1:0:8k/pc2v9cmxjzlq"


def wait_for_model(job_arn: str) -> Any:
    """Buggy code under test: polls until Completed/Failed/Stopped and reads outputModelArn."""
    client = boto3.client("bedrock")
    while True:
        job = client.get_model_customization_job(jobIdentifier=job_arn)
        if job["status"] in ("Completed", "Failed", "Stopped"):
            return job["outputModelArn"] if job["status"] != "Stopped" else None


def robust_state(job_arn: str) -> str:
    job = boto3.client("bedrock").get_model_customization_job(jobIdentifier=job_arn)
    return str(job.get("status", "unknown"))


def test_every_problem_in_one_message() -> None:
    with pytest.raises(AssertionError) as info:
        assert_handles_every(wait_for_model, "status", args=(ARN,), max_calls=20)
    message = str(info.value)
    lines = message.splitlines()
    assert lines[0] == "wait_for_model did not handle 3 of 5 variants (docs/variants.md):"
    assert "  status: InProgress: did not return: still calling Bedrock after 20 calls (GetModelCustomizationJob x20)" in lines
    assert "  status: Stopping: did not return: still calling Bedrock after 20 calls (GetModelCustomizationJob x20)" in lines
    assert "  status: Failed: raised KeyError: 'outputModelArn'" in lines
    assert not any("Completed" in line or "Stopped" in line for line in lines)


def test_a_function_that_handles_every_status_passes_and_returns_results() -> None:
    results = assert_handles_every(robust_state, "status", args=(ARN,))
    assert results == {f"status: {s}": s for s in ("InProgress", "Completed", "Failed", "Stopping", "Stopped")}


def test_never_calling_bedrock_is_reported() -> None:
    with pytest.raises(AssertionError, match=r"status: Stopped: never called Bedrock"):
        assert_handles_every(lambda: "cached", "status: Stopped")


def test_expected_exceptions_and_predicates() -> None:
    def raises_client_errors() -> None:
        boto3.client("bedrock").get_model_customization_job(jobIdentifier=ARN)

    with pytest.raises(AssertionError) as info:
        assert_handles_every(raises_client_errors, "error", operation="GetModelCustomizationJob")
    assert str(info.value).count("raised ") == 5
    assert_handles_every(raises_client_errors, "error", operation="GetModelCustomizationJob", expected=ClientError)

    def retryable_only(variant: variants.Variant, exc: BaseException) -> bool:
        return variant.detail in ("ThrottlingException", "InternalServerException")

    with pytest.raises(AssertionError) as info:
        assert_handles_every(raises_client_errors, "error", operation="GetModelCustomizationJob", expected=retryable_only)
    assert "did not handle 3 of 5" in str(info.value)
    assert "ThrottlingException: raised" not in str(info.value)


def test_forward_compat_proves_graceful_degradation() -> None:
    def strict(job_arn: str) -> str:
        job = boto3.client("bedrock").get_model_customization_job(jobIdentifier=job_arn)
        return {"InProgress": "busy", "Completed": "done", "Failed": "bad", "Stopping": "busy", "Stopped": "bad"}[job["status"]]

    with pytest.raises(AssertionError) as info:
        assert_handles_every(strict, "forward_compat", args=(ARN,))
    assert "forward_compat: unknown status: raised KeyError: 'Queued'" in str(info.value)
    assert "did not handle 1 of 4" in str(info.value)


def test_a_status_added_to_the_model_is_checked_with_no_code_change() -> None:
    raw = load_raw_model()
    raw["shapes"]["ModelCustomizationJobStatus"]["enum"].append("Paused")
    with use_model(raw), pytest.raises(AssertionError) as info:
        assert_handles_every(wait_for_model, "status: Paused", args=(ARN,), max_calls=5)
    assert "status: Paused: did not return" in str(info.value)


def test_nothing_selected_is_an_error() -> None:
    with pytest.raises(ValueError, match="no variants selected"):
        assert_handles_every(robust_state, "error", operation="GetModelCustomizationJob", variants=[])
