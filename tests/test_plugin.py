"""The pytest plugin as users meet it: auto-loaded, options and markers registered, teardown checks."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

RUNNER = '''
import boto3

def run_job(params):
    client = boto3.client("bedrock", region_name="us-east-1")
    arn = client.create_model_customization_job(**params)["jobArn"]
    while True:
        job = client.get_model_customization_job(jobIdentifier=arn)
        if job["status"] in ("Completed", "Failed", "Stopped"):
            return job.get("outputModelArn", job["status"])
'''

PARAMS = "from pytest_bedrock_mock import create_job_request\nPARAMS = create_job_request(seed=1)\n"


def test_downstream_suite_with_no_conftest_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(runner=RUNNER)
    pytester.makepyfile(
        test_downstream=PARAMS
        + '''
from runner import run_job

def test_returns_model_arn(bedrock_stubber):
    arn = bedrock_stubber.add_create_job()
    bedrock_stubber.add_job_lifecycle(["InProgress", "InProgress", "Completed"])
    assert run_job(PARAMS).startswith("arn:aws:bedrock:")
'''
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_unused_answers_fail_the_test_with_a_readable_list(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        '''
def test_forgets_to_poll(bedrock_stubber):
    bedrock_stubber.add_get_job("InProgress")
    bedrock_stubber.add_get_job("Completed")
    bedrock_stubber.calls
'''
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*2 queued bedrock answer(s) were never requested*", "*1. GetModelCustomizationJob -> status InProgress (queued at test_unused_answers_fail_the_test_with_a_readable_list.py:2)*", "*2. GetModelCustomizationJob -> status Completed (queued at test_unused_answers_fail_the_test_with_a_readable_list.py:3)*"])


def test_allow_unused_marker_opts_out(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        '''
import pytest

@pytest.mark.bedrock_allow_unused
def test_queues_more_than_needed(bedrock_stubber):
    bedrock_stubber.add_get_job("Completed")
'''
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_stubber_never_called_does_not_pass_silently(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        '''
def test_code_never_reaches_bedrock(bedrock_stubber):
    pass
'''
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*the bedrock stubber was never called*"])


def test_one_cause_one_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        '''
import pytest
from pytest_bedrock_mock.errors import StubberError

def test_fails_with_an_answer_still_queued(bedrock_stubber):
    bedrock_stubber.add_get_job("Completed")
    assert False, "the code under test is wrong"

def test_fails_before_reaching_bedrock(bedrock_stubber):
    assert False, "the code under test is wrong"

def test_checks_that_an_undocumented_error_is_refused(bedrock_stubber):
    with pytest.raises(StubberError):
        bedrock_stubber.add_client_error("GetModelCustomizationJob", "TeapotException")
'''
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    # the two failing tests are reported once each (no teardown error for the same cause); the refusal
    # the third test asked about is not "a stubber never called"
    result.assert_outcomes(failed=2, passed=1)
    assert "never requested" not in result.stdout.str() and "never called" not in result.stdout.str()


def test_swallowed_stub_failures_still_fail(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        '''
import boto3

def test_code_swallows_everything(bedrock_stubber):
    bedrock_stubber.add_stop_job()
    try:
        boto3.client("bedrock").get_model_customization_job(jobIdentifier="x")
    except Exception:
        pass
'''
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*raised into the code under test:", "*next queued answer is StopModelCustomizationJob*GetModelCustomizationJob({'jobIdentifier': 'x'}) was called*"])


def test_marker_options_and_a_misspelt_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        '''
import boto3
import pytest

@pytest.mark.bedrock_stubber(unordered=True, validate_requests=False)
def test_options(bedrock_stubber):
    bedrock_stubber.add_get_job("Failed", expected_params={"jobIdentifier": "b"})
    bedrock_stubber.add_get_job("Completed", expected_params={"jobIdentifier": "-a"})
    client = boto3.client("bedrock")
    assert client.get_model_customization_job(jobIdentifier="-a")["status"] == "Completed"
    assert client.get_model_customization_job(jobIdentifier="b")["status"] == "Failed"

@pytest.mark.bedrock_stubber(unorderd=True)
def test_typo(bedrock_stubber):
    pass
'''
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.bedrock_stubber: unknown option(s) unorderd; valid options: validate_requests, unordered, allow_unused, seed*"])


def test_no_validation_marker_and_ini_option(pytester: pytest.Pytester) -> None:
    body = '''
import boto3
import pytest
from botocore.exceptions import ClientError

def test_invalid_name(bedrock_stubber):
    bedrock_stubber.add_get_job("Completed")
    boto3.client("bedrock").get_model_customization_job(jobIdentifier="-bad")
'''
    pytester.makepyfile(body)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)  # one report: the answer left queued is the same cause, not a second error
    result.stdout.fnmatch_lines(["*ValidationException*1 validation error detected: Value '-bad' at 'jobIdentifier'*"])
    pytester.makeini("[pytest]\nbedrock_validate_requests = false\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_region_ini_option_sets_the_client_fixture_region(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nbedrock_region = eu-central-1\n")
    pytester.makepyfile(
        '''
def test_region(bedrock_client):
    assert bedrock_client.meta.region_name == "eu-central-1"
    bedrock_client.meta  # no call needed:
'''
        + "    import pytest_bedrock_mock.fakes.intercept as i; i.active_fake().calls\n"
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_bedrock_client_fixture_defaults_to_the_stubber(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        '''
def test_client(bedrock_client, bedrock_stubber):
    bedrock_stubber.add_list_jobs(statuses=["Completed", "Failed"])
    page = bedrock_client.list_model_customization_jobs()
    assert [s["status"] for s in page["modelCustomizationJobSummaries"]] == ["Completed", "Failed"]
'''
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_markers_are_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["*bedrock_stubber(validate_requests=True, unordered=False, allow_unused=False, seed=None)*", "*bedrock_allow_unused*", "*bedrock_no_validation*"])


def test_works_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(runner=RUNNER)
    tests = "\n".join(
        f'''
def test_job_{i}(bedrock_stubber):
    bedrock_stubber.add_create_job()
    bedrock_stubber.add_job_lifecycle(["InProgress", "{s}"])
    assert run_job(PARAMS)
'''
        for i, s in enumerate(["Completed", "Failed", "Completed", "Failed"])
    )
    pytester.makepyfile(test_many=PARAMS + "from runner import run_job\n" + tests)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
