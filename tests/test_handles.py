"""``assert_handles_every``: one assertion naming every variant a function does not handle."""

from __future__ import annotations

import time
from typing import Any

import boto3
import botocore.exceptions
import botocore.waiter
import pytest
from botocore.exceptions import ClientError

from pytest_bedrock_mock import variants
from pytest_bedrock_mock.core import rules
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


def watch(job_arn: str) -> list[str]:
    """Every status a poller sees until the job ends (by the rules' own terminal statuses)."""
    client, seen = boto3.client("bedrock"), []
    while not seen or not rules.is_terminal(seen[-1]):
        seen.append(client.get_model_customization_job(jobIdentifier=job_arn)["status"])
        time.sleep(60)
    return seen


def robust_state(job_arn: str) -> str:
    job = boto3.client("bedrock").get_model_customization_job(jobIdentifier=job_arn)
    return str(job.get("status", "unknown"))


def test_every_problem_in_one_message() -> None:
    with pytest.raises(AssertionError) as info:
        assert_handles_every(wait_for_model, "status", args=(ARN,), max_calls=20, polls=None)  # polls=None: jobs never move on
    message = str(info.value)
    lines = message.splitlines()
    assert lines[0] == "wait_for_model did not handle 3 of 5 variants (docs/variants.md):"
    assert "  status: InProgress: did not return: still calling Bedrock after 20 calls (GetModelCustomizationJob x20)" in lines
    assert "  status: Stopping: did not return: still calling Bedrock after 20 calls (GetModelCustomizationJob x20)" in lines
    assert "  status: Failed: raised KeyError: 'outputModelArn'" in lines
    assert not any("Completed" in line or "Stopped" in line for line in lines)


def test_a_poller_sees_a_running_job_finish() -> None:
    with pytest.raises(AssertionError) as info:
        assert_handles_every(wait_for_model, "status", args=(ARN,), max_calls=20)
    lines = str(info.value).splitlines()
    assert lines == ["wait_for_model did not handle 1 of 5 variants (docs/variants.md):", "  status: Failed: raised KeyError: 'outputModelArn'"]


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
    with use_model(raw):
        assert assert_handles_every(watch, "status: Paused", args=(ARN,)) == {"status: Paused": ["Paused"] * 3 + ["Completed"]}
        with pytest.raises(AssertionError) as info:
            assert_handles_every(wait_for_model, "status: Paused", args=(ARN,), max_calls=5, polls=None)
    assert "status: Paused: did not return" in str(info.value)


def test_nothing_selected_is_an_error() -> None:
    with pytest.raises(ValueError, match="no variants selected"):
        assert_handles_every(robust_state, "error", operation="GetModelCustomizationJob", variants=[])


# -- pollers: a job that is running or stopping finishes after `polls` Gets -----------------------------

#: A botocore waiter for the job (botocore ships no bedrock waiter, so users write this one).
WAITERS = {"version": 2, "waiters": {"JobDone": {
    "operation": "GetModelCustomizationJob", "delay": 60, "maxAttempts": 120,
    "acceptors": [
        {"matcher": "path", "argument": "status", "expected": "Completed", "state": "success"},
        {"matcher": "path", "argument": "status", "expected": "Failed", "state": "failure"},
        {"matcher": "path", "argument": "status", "expected": "Stopped", "state": "failure"},
    ],
}}}
#: The same waiter without the Stopped acceptor: a stopped job is waited for until maxAttempts.
WAITERS_MISSING_STOPPED = {"version": 2, "waiters": {"JobDone": {**WAITERS["waiters"]["JobDone"], "acceptors": WAITERS["waiters"]["JobDone"]["acceptors"][:2]}}}


def _waiter_poller(config: dict[str, Any]) -> Any:
    def wait_for_job(job_arn: str) -> str:
        client = boto3.client("bedrock", region_name="us-east-1")
        waiter = botocore.waiter.create_waiter_with_client("JobDone", botocore.waiter.WaiterModel(config), client)
        try:
            waiter.wait(jobIdentifier=job_arn)
        except botocore.exceptions.WaiterError as exc:
            return f"ended {exc.last_response['status']}"
        return "done"

    return wait_for_job


def test_a_correct_waiter_based_poller_passes_every_status() -> None:
    results = assert_handles_every(_waiter_poller(WAITERS), "status", args=(ARN,))  # 60 s delays: virtual, so no wait
    assert results == {"status: InProgress": "done", "status: Completed": "done", "status: Failed": "ended Failed",
                       "status: Stopping": "ended Stopped", "status: Stopped": "ended Stopped"}


def test_a_correct_waiter_based_poller_passes_every_job_variant() -> None:
    results = assert_handles_every(_waiter_poller(WAITERS), ["status", "sub_status", "customization_type", "customizationConfig", "optional", "forward_compat"],
                                   args=(ARN,), forward_compat=True)
    assert set(results.values()) <= {"done", "ended Failed", "ended Stopped"}
    assert results["forward_compat: unknown status"] == "done"  # an unknown status is waited out like InProgress


def test_a_waiter_that_mishandles_stopping_fails_with_a_clear_message() -> None:
    with pytest.raises(AssertionError) as info:
        assert_handles_every(_waiter_poller(WAITERS_MISSING_STOPPED), "status", args=(ARN,))
    lines = str(info.value).splitlines()
    assert lines == [
        "_waiter_poller.<locals>.wait_for_job did not handle 2 of 5 variants (docs/variants.md):",
        "  status: Stopping: did not return: still calling Bedrock after 50 calls (GetModelCustomizationJob x50); "
        "the job showed Stopping for 3 polls, then Stopped, which it never leaves",
        "  status: Stopped: did not return: still calling Bedrock after 50 calls (GetModelCustomizationJob x50)",
    ]


def _loop_poller(done: tuple[str, ...]) -> Any:
    def poll(job_arn: str, timeout: float = 4 * 3600) -> str:
        client = boto3.client("bedrock", region_name="us-east-1")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = client.get_model_customization_job(jobIdentifier=job_arn)
            if job["status"] in done:
                return job.get("outputModelArn") or job["status"]
            time.sleep(30)
        raise TimeoutError(job_arn)

    return poll


def test_a_hand_written_loop_bounded_by_monotonic_passes() -> None:
    results = assert_handles_every(_loop_poller(("Completed", "Failed", "Stopped")), "status", args=(ARN,))
    assert results["status: Stopping"] == "Stopped" and results["status: InProgress"].startswith("arn:aws:bedrock:")


def test_a_loop_that_takes_stopping_for_the_end_fails() -> None:
    poll = _loop_poller(("Completed", "Failed", "Stopping", "Stopped"))
    assert assert_handles_every(poll, "status: Stopping", args=(ARN,)) == {"status: Stopping": "Stopping"}  # returned early: no error ...
    with pytest.raises(AssertionError, match=r"status: Stopping: raised AssertionError: gave up on a job that is still stopping"):
        assert_handles_every(lambda arn: _checked(poll(arn)), "status: Stopping", args=(ARN,))  # ... a caller that checks the result sees it


def _checked(result: str) -> str:
    assert result != "Stopping", "gave up on a job that is still stopping"
    return result


def test_a_loop_whose_deadline_passes_raises_its_timeout() -> None:
    with pytest.raises(AssertionError, match=r"status: InProgress: raised TimeoutError"):
        assert_handles_every(lambda arn: _loop_poller(("Completed",))(arn, timeout=60), "status: InProgress", args=(ARN,), polls=10)


def test_bad_polls_and_clock_are_one_clear_error() -> None:
    with pytest.raises(ValueError, match=r"polls must be None or from 0 to max_calls - 1 \(49\), got 50"):
        assert_handles_every(robust_state, "status", args=(ARN,), polls=50)
    with pytest.raises(ValueError, match=r"clock must be 'virtual' or 'real', got 'fake'"):
        assert_handles_every(robust_state, "status", args=(ARN,), clock="fake")
