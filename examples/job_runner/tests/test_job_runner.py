"""The example project's tests, written as a user of pytest-bedrock-mock would write them."""

from __future__ import annotations

import boto3
import job_runner
import pytest
from botocore.exceptions import ClientError

from pytest_bedrock_mock import create_job_request, job_description
from pytest_bedrock_mock.fakes.handles import assert_handles_every
from pytest_bedrock_mock.fakes.matching import partial

PARAMS = create_job_request("FINE_TUNING", seed=1, jobName="nightly-ft-0001")


def no_sleep(_seconds: float) -> None:
    pass


def test_returns_model_arn(bedrock_stubber):
    arn = bedrock_stubber.add_create_job(expected_params=partial(jobName="nightly-ft-0001"))
    bedrock_stubber.add_job_lifecycle(["InProgress", "InProgress", "Completed"], expected_params={"jobIdentifier": arn})
    assert job_runner.run_job(PARAMS, sleep=no_sleep).startswith("arn:aws:bedrock:")
    bedrock_stubber.calls.assert_called_times("get_model_customization_job", 3)


def test_failed_job_raises_with_the_service_message(bedrock_stubber):
    bedrock_stubber.add_create_job()
    (*_, failed) = bedrock_stubber.add_job_lifecycle(["InProgress", "Failed"])
    with pytest.raises(job_runner.JobFailed, match=failed["failureMessage"][:20]):
        job_runner.run_job(PARAMS, sleep=no_sleep)


def test_stopped_job_raises(bedrock_stubber):
    bedrock_stubber.add_create_job()
    bedrock_stubber.add_job_lifecycle(["InProgress", "Stopping", "Stopped"])
    with pytest.raises(job_runner.JobStopped):
        job_runner.run_job(PARAMS, sleep=no_sleep)


def test_distillation_job_through_its_sub_tasks(bedrock_stubber):
    params = create_job_request("DISTILLATION", seed=2)
    bedrock_stubber.add_create_job(expected_params=params)
    jobs = bedrock_stubber.add_job_lifecycle(["InProgress", "InProgress", "InProgress", "Completed"])
    assert "running validation" in job_runner.summarize(jobs[0])
    assert job_runner.run_job(params, sleep=no_sleep) == jobs[-1]["outputModelArn"]


def test_rides_out_throttling(bedrock_stubber):
    arn = bedrock_stubber.add_create_job()
    bedrock_stubber.add_client_error("get_model_customization_job", "ThrottlingException")
    bedrock_stubber.add_get_job("Completed")
    assert job_runner.run_job(PARAMS, sleep=no_sleep)
    bedrock_stubber.calls.assert_called_with("GetModelCustomizationJob", jobIdentifier=arn)


def test_access_denied_is_not_retried(bedrock_stubber):
    bedrock_stubber.add_create_job()
    bedrock_stubber.add_client_error("get_model_customization_job", "AccessDeniedException")
    with pytest.raises(ClientError, match="AccessDenied"):
        job_runner.run_job(PARAMS, sleep=no_sleep)


def test_invalid_job_name_is_rejected_like_the_service_does(bedrock_stubber):
    with pytest.raises(ClientError, match="1 validation error detected: Value '-bad' at 'jobName'"):
        job_runner.start_job({**PARAMS, "jobName": "-bad"})
    bedrock_stubber.calls.assert_called_times("CreateModelCustomizationJob", 1)


def test_stop_stragglers(bedrock_stubber):
    jobs = [job_description("InProgress", jobName=name, seed=i) for i, name in enumerate(["nightly-a", "nightly-b"])]
    bedrock_stubber.add_list_jobs(jobs, expected_params={"statusEquals": "InProgress", "nameContains": "nightly"})
    for job in jobs:
        bedrock_stubber.add_stop_job(expected_params={"jobIdentifier": job["jobArn"]})
    assert job_runner.stop_stragglers("nightly") == ["nightly-a", "nightly-b"]


@pytest.mark.bedrock_variants("status", "sub_status", "customization_type", "customizationConfig", "graderConfig", "optional")
def test_summary_copes_with_every_variant(bedrock_variant):
    client = boto3.client("bedrock", region_name="us-east-1")
    job = client.get_model_customization_job(jobIdentifier="nightly-ft-0001")
    line = job_runner.summarize(job)
    assert line.startswith(job["jobName"])


@pytest.mark.bedrock_variants("status", forward_compat=True)
def test_waiting_degrades_gracefully_when_the_service_is_ahead(bedrock_variant):
    client = boto3.client("bedrock", region_name="us-east-1")
    job = client.get_model_customization_job(jobIdentifier="nightly-ft-0001")
    assert isinstance(job_runner.summarize(job), str)


def test_waiting_handles_every_documented_get_error():
    def wait() -> None:
        client = boto3.client("bedrock", region_name="us-east-1")
        job_runner.wait_for_job("nightly-ft-0001", client=client, max_polls=5, sleep=no_sleep)

    assert_handles_every(wait, "error", operation="GetModelCustomizationJob", expected=(ClientError, TimeoutError))
