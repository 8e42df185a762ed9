"""Beside other mocks: moto's ``mock_aws`` and a user's own botocore ``Stubber``.

Inside ``mock_aws`` moto answers the bedrock calls no kit fake answers; a kit fake that is active
answers bedrock (moto every other service). A client with a user's ``Stubber`` activated is
answered by that Stubber, with or without a kit fake.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber, UnStubbedResponseError

from pytest_bedrock_mock import create_job_request, job_description
from pytest_bedrock_mock.fakes import intercept

pytest_plugins = ["pytester"]
moto = pytest.importorskip("moto")

MOTO_SUITE = '''
import boto3
import pytest
from moto import mock_aws
from pytest_bedrock_mock import create_job_request

REQUEST = create_job_request(seed=7, jobName="moto-job")


@mock_aws
def test_moto_answers_bedrock():
    client = boto3.client("bedrock", region_name="us-east-1")
    assert client.create_model_customization_job(**REQUEST)["jobArn"].startswith("arn:aws:bedrock:")
    assert client.get_model_customization_job(jobIdentifier="moto-job")["jobName"] == "moto-job"  # moto's answer


def test_moto_as_a_context_manager():
    with mock_aws():
        client = boto3.client("bedrock", region_name="us-east-1")
        assert client.list_model_customization_jobs()["modelCustomizationJobSummaries"] == []


def test_a_kit_test(bedrock_stubber):
    bedrock_stubber.add_get_job("Completed")
    assert boto3.client("bedrock").get_model_customization_job(jobIdentifier="j")["status"] == "Completed"


@mock_aws
def test_the_kit_fake_answers_bedrock_and_moto_s3(bedrock_fake):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="training-data")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["training-data"]
    arn = boto3.client("bedrock").create_model_customization_job(**REQUEST)["jobArn"]
    assert bedrock_fake.calls[-1].operation == "CreateModelCustomizationJob" and arn


@mock_aws
@pytest.mark.bedrock_cassette(golden="get/status-Failed", match_on=["operation"])
def test_a_wire_level_kit_fake_wins_too(bedrock_client, bedrock_cassette):
    assert bedrock_client.get_model_customization_job(jobIdentifier="any")["status"] == "Failed"
    assert bedrock_cassette.played


def test_outside_moto_the_kit_refuses_again():
    from pytest_bedrock_mock.fakes.intercept import BedrockNotMockedError
    with pytest.raises(BedrockNotMockedError):
        boto3.client("bedrock", region_name="us-east-1").list_model_customization_jobs()
'''


def test_a_suite_with_moto_and_kit_tests_passes_with_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_moto_and_kit=MOTO_SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--bedrock-coverage=off")
    result.assert_outcomes(passed=6)


def _stubbed_client() -> tuple[Any, Stubber]:
    client = boto3.client("bedrock", region_name="us-east-1")
    return client, Stubber(client)


def test_a_users_stubber_is_left_alone_with_no_kit_fake() -> None:
    assert intercept.active_fake() is None
    client, stubber = _stubbed_client()
    answer = job_description(seed=1, status="Stopped")
    with stubber:
        stubber.add_response("get_model_customization_job", answer, {"jobIdentifier": "mine"})
        stubber.add_client_error("list_model_customization_jobs", "ThrottlingException", "slow down", 400)
        assert client.get_model_customization_job(jobIdentifier="mine")["status"] == "Stopped"
        with pytest.raises(ClientError, match="slow down"):
            client.list_model_customization_jobs()
        with pytest.raises(UnStubbedResponseError):  # its own error, not the kit's "not mocked"
            client.get_model_customization_job(jobIdentifier="mine")
    stubber.assert_no_pending_responses()


def test_a_users_stubber_answers_its_client_beside_a_kit_fake(bedrock_fake: Any) -> None:
    client, stubber = _stubbed_client()
    with stubber:
        stubber.add_response("get_model_customization_job", job_description(seed=2, status="Stopped", jobName="mine"))
        other = boto3.client("bedrock", region_name="us-east-1")
        arn = other.create_model_customization_job(**create_job_request(seed=2, jobName="theirs"))["jobArn"]
        assert client.get_model_customization_job(jobIdentifier="mine")["jobName"] == "mine"
        assert other.get_model_customization_job(jobIdentifier=arn)["jobName"] == "theirs"
    assert [c.operation for c in bedrock_fake.calls] == ["CreateModelCustomizationJob", "GetModelCustomizationJob"]
