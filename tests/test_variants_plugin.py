"""pytester tests of the ``bedrock_variants`` marker and the ``bedrock_variant`` fixture."""

from __future__ import annotations

import pytest

PLUGIN = ("-p", "pytest_bedrock_mock.plugin.coverage")

SUITE = '''
import boto3
import pytest
from botocore.exceptions import ClientError


def job_state(job_id):
    """The code under test."""
    client = boto3.client("bedrock")
    try:
        return client.get_model_customization_job(jobIdentifier=job_id)["status"]
    except ClientError as exc:
        return "error:" + exc.response["Error"]["Code"]


@pytest.mark.bedrock_variants("status", "error: GetModelCustomizationJob ThrottlingException")
def test_job_state(bedrock_variant):
    expected = "error:" + bedrock_variant.detail if bedrock_variant.is_error else bedrock_variant.value
    assert job_state("job-1") == expected


@pytest.mark.bedrock_variants("forward_compat: unknown union member")
def test_unknown_member_arrives_as_botocore_parses_it(bedrock_variant):
    job = boto3.client("bedrock").get_model_customization_job(jobIdentifier="job-1")
    assert "SDK_UNKNOWN_MEMBER" in job["customizationConfig"]


@pytest.mark.bedrock_variants("customization_type", serve=False)
def test_queue_on_my_own_stubber(bedrock_variant):
    import botocore.session
    from botocore.stub import Stubber
    client = botocore.session.get_session().create_client(
        "bedrock", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    with Stubber(client) as stub:
        bedrock_variant.queue_on(stub)
        assert client.get_model_customization_job(jobIdentifier="job-1")["customizationType"] == bedrock_variant.value


@pytest.mark.bedrock_variants("sub_status: Failed", "error: GetModelCustomizationJob ThrottlingException")
def test_queue_on_the_kits_stubber(bedrock_variant, bedrock_stubber, bedrock_client):
    bedrock_variant.queue_on(bedrock_stubber)
    if bedrock_variant.is_error:
        with pytest.raises(bedrock_client.exceptions.ThrottlingException):
            bedrock_client.get_model_customization_job(jobIdentifier="job-1")
    else:
        job = bedrock_client.get_model_customization_job(jobIdentifier="job-1")
        assert "Failed" in [task["status"] for task in job["statusDetails"].values()]
'''


def test_marker_runs_once_per_variant_with_readable_ids(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_downstream=SUITE)
    result = pytester.runpytest_subprocess(*PLUGIN, "-v", "--bedrock-coverage=fail", "--bedrock-coverage-dimensions=status")
    result.assert_outcomes(passed=5 + 1 + 1 + 5 + 2)
    result.stdout.fnmatch_lines([
        "*test_job_state[[]status-InProgress[]] PASSED*",
        "*test_job_state[[]status-Stopped[]] PASSED*",
        "*test_job_state[[]error-GetModelCustomizationJob-ThrottlingException[]] PASSED*",
        "*test_unknown_member_arrives_as_botocore_parses_it[[]forward_compat-unknown-union-member[]] PASSED*",
        "*test_queue_on_my_own_stubber[[]customization_type-IMPORTED[]] PASSED*",
        "*test_queue_on_the_kits_stubber[[]sub_status-Failed[]] PASSED*",
    ])
    assert result.ret == pytest.ExitCode.OK, "the variant fake's answers count as coverage"
    result.stdout.re_match_lines([r"^status\s+5/5$"])


def test_marker_without_the_fixture_is_a_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_downstream='''
import pytest

@pytest.mark.bedrock_variants("status")
def test_forgot():
    pass
''')
    result = pytester.runpytest_subprocess(*PLUGIN)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*bedrock_variants needs the bedrock_variant fixture; add a bedrock_variant argument*"])


@pytest.mark.parametrize("marker, message", [
    ('"stauts"', "*bedrock_variants: unknown variant dimension 'stauts'; the dimensions are: status,*"),
    ('"status", colour=1', "*@pytest.mark.bedrock_variants: unknown option(s) colour; valid options: operation, forward_compat, serve, seed*"),
])
def test_bad_marker_arguments_name_the_choices(pytester: pytest.Pytester, marker: str, message: str) -> None:
    pytester.makepyfile(test_downstream=f'''
import pytest

@pytest.mark.bedrock_variants({marker})
def test_typo(bedrock_variant):
    pass
''')
    result = pytester.runpytest_subprocess(*PLUGIN)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines([message])


def test_marker_is_registered_and_options_are_in_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(*PLUGIN, "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.bedrock_variants(*dimensions, operation=None, forward_compat=False, serve=True, seed=0):*"])
    help_text = pytester.runpytest_subprocess(*PLUGIN, "--help").stdout.str()
    for option in ("--bedrock-coverage={off,summary,report,fail}", "--bedrock-coverage-dimensions=DIMS", "--bedrock-coverage-report=PATH",
                   "bedrock_coverage (string)", "bedrock_coverage_dimensions (string)", "bedrock_coverage_report (string)"):
        assert option in help_text
