"""Response builders: valid (ours and botocore's validators), consistent, realistic, deterministic."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.validate import validate_parameters
from hypothesis import given
from hypothesis import strategies as st

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.builders import BuildError
from pytest_bedrock_mock.contract.validate import validate_request, validate_response
from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.core.javaregex import full_match
from pytest_bedrock_mock.core.model import get_model

GET, LIST, CREATE = "GetModelCustomizationJob", "ListModelCustomizationJobs", "CreateModelCustomizationJob"
STATUSES = get_model().statuses
TYPES = get_model().customization_types
#: The shapes of real ARNs (shared/ARCHITECTURE.md): region, account, base model id, 12-char id.
JOB_ARN = re.compile(r"arn:aws:bedrock:([a-z0-9-]+):123456789012:model-customization-job/(?P<base>[^/]+)/[a-z0-9]{12}")
CUSTOM_ARN = re.compile(r"arn:aws:bedrock:([a-z0-9-]+):123456789012:custom-model/(?P<base>[^/]+)/[a-z0-9]{12}")
BASE_ARN = re.compile(r"arn:aws:bedrock:([a-z0-9-]+)::foundation-model/(?P<base>[a-z0-9.:-]+)")


def _pattern(op: str, path: str) -> str:
    return get_model().shape_at(op, path).metadata["pattern"]


def assert_valid_description(job: dict[str, Any]) -> None:
    assert validate_response(GET, job) == []
    validate_parameters(job, get_model().output_shape(GET))  # botocore's own validator
    assert rules.check_consistency(job) == []
    assert full_match(_pattern(GET, "jobArn"), job["jobArn"])
    assert full_match(_pattern(GET, "baseModelArn"), job["baseModelArn"])
    job_arn, base_arn = JOB_ARN.fullmatch(job["jobArn"]), BASE_ARN.fullmatch(job["baseModelArn"])
    assert job_arn and base_arn and job_arn["base"] == base_arn["base"]
    if "outputModelArn" in job:
        assert full_match(_pattern(GET, "outputModelArn"), job["outputModelArn"])
        custom = CUSTOM_ARN.fullmatch(job["outputModelArn"])
        assert custom and custom["base"] == base_arn["base"]


@pytest.mark.parametrize("ctype", TYPES)
@pytest.mark.parametrize("status", STATUSES)
def test_every_status_and_type_builds_a_valid_consistent_answer(status: str, ctype: str) -> None:
    job = builders.job_description(status, ctype, seed=1)
    assert (job["status"], job["customizationType"]) == (status, ctype)
    assert_valid_description(job)
    assert ("customizationConfig" in job) is (rules.config_member(ctype) is not None)
    assert ("statusDetails" in job) is rules.has_status_details(ctype)
    assert ("endTime" in job) is rules.is_terminal(status)
    assert ("failureMessage" in job) is rules.is_failed(status)
    assert ("outputModelArn" in job) is rules.has_output_model(status)


@given(status=st.sampled_from(STATUSES), ctype=st.sampled_from(TYPES), seed=st.integers(0, 2**32), region=st.sampled_from(["us-east-1", "eu-central-1"]))
def test_job_description_is_valid_for_any_seed(status: str, ctype: str, seed: int, region: str) -> None:
    job = builders.job_description(status, ctype, seed=seed, region=region)
    assert_valid_description(job)
    assert f":{region}:" in job["jobArn"]
    assert job["lastModifiedTime"] >= job["creationTime"]


def test_deterministic_under_a_seed() -> None:
    assert builders.job_description("Failed", "DISTILLATION", seed=7) == builders.job_description("Failed", "DISTILLATION", seed=7)
    assert builders.create_job_request("FINE_TUNING", seed=7) == builders.create_job_request("FINE_TUNING", seed=7)
    lifecycle = ["InProgress", "InProgress", "Completed"]
    assert builders.job_lifecycle(lifecycle, seed=7) == builders.job_lifecycle(lifecycle, seed=7)
    arns = {builders.job_description("Completed", seed=s)["jobArn"] for s in range(30)}
    assert len(arns) == 30
    assert builders.job_description("Completed", seed=1) != builders.job_description("Completed", seed=2)


# -- lifecycles ---------------------------------------------------------------------------------------------------


@st.composite
def legal_paths(draw: Any) -> list[str]:
    path = ["InProgress"]
    for _ in range(draw(st.integers(0, 6))):
        path.append(draw(st.sampled_from(rules.legal_next(path[-1]))))
    return path


@given(path=legal_paths(), ctype=st.sampled_from(TYPES), seed=st.integers(0, 1000))
def test_job_lifecycle_keeps_one_job(path: list[str], ctype: str, seed: int) -> None:
    jobs = builders.job_lifecycle(path, ctype, seed=seed)
    assert [j["status"] for j in jobs] == path
    first = jobs[0]
    for before, job in zip(jobs, jobs[1:]):
        assert job["lastModifiedTime"] >= before["lastModifiedTime"]
    for job in jobs:
        assert_valid_description(job)
        for key in ("jobArn", "jobName", "creationTime", "baseModelArn", "roleArn", "outputModelName", "trainingDataConfig", "customizationType"):
            assert job[key] == first[key], key
    if rules.has_status_details(ctype):
        done = [sum(t["status"] == "Completed" for t in j["statusDetails"].values()) for j in jobs]
        assert done == sorted(done)  # sub-tasks only move forward


def test_distillation_sub_tasks_progress_through_in_progress_polls() -> None:
    jobs = builders.job_lifecycle(["InProgress"] * 4 + ["Completed"], "DISTILLATION", seed=3)
    seen = [[t["status"] for t in j["statusDetails"].values()] for j in jobs]
    assert seen == [
        ["InProgress", "NotStarted", "NotStarted"],
        ["Completed", "InProgress", "NotStarted"],
        ["Completed", "Completed", "InProgress"],
        ["Completed", "Completed", "InProgress"],
        ["Completed", "Completed", "Completed"],
    ]


def test_lifecycle_continues_a_given_job_forward() -> None:
    job = builders.job_lifecycle(["InProgress", "InProgress"], "DISTILLATION", seed=4)[-1]
    more = builders.job_lifecycle(["InProgress", "Completed"], job=job, seed=5)
    assert {j["jobArn"] for j in more} == {job["jobArn"]}
    assert all(j["lastModifiedTime"] > job["lastModifiedTime"] for j in more)
    assert [j["statusDetails"]["validationDetails"]["status"] for j in more] == ["Completed", "Completed"]
    with pytest.raises(BuildError, match="Completed -> InProgress"):
        builders.job_lifecycle(["InProgress"], job=more[-1])


def test_illegal_or_empty_lifecycles_are_refused() -> None:
    with pytest.raises(BuildError, match="not a legal transition"):
        builders.job_lifecycle(["Completed", "InProgress"])
    with pytest.raises(BuildError, match="at least one status"):
        builders.job_lifecycle([])
    with pytest.raises(BuildError, match="InProgress"):
        builders.job_lifecycle(["InProgress", "Running"])


# -- bad input ---------------------------------------------------------------------------------------------------


def test_unknown_field_status_and_type_name_the_choices() -> None:
    with pytest.raises(BuildError) as info:
        builders.job_description("Completed", jobname="x")
    assert "jobName" in str(info.value) and "outputModelArn" in str(info.value)
    with pytest.raises(BuildError) as info:
        builders.job_description("Running")
    assert all(s in str(info.value) for s in STATUSES)
    with pytest.raises(BuildError) as info:
        builders.job_description("Completed", "PRETRAINING")
    assert all(t in str(info.value) for t in TYPES)
    with pytest.raises(BuildError, match="customModelName"):
        builders.create_job_request(modelName="x")


@pytest.mark.parametrize(
    ("status", "overrides"),
    [
        ("InProgress", {"endTime": builders._EPOCH}),
        ("Completed", {"failureMessage": "boom"}),
        ("Failed", {"outputModelArn": "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdef123456"}),
        ("Failed", {"failureMessage": None}),
        ("Completed", {"jobArn": "not-an-arn"}),
    ],
)
def test_inconsistent_overrides_raise_unless_check_is_off(status: str, overrides: dict[str, Any]) -> None:
    with pytest.raises(BuildError, match="would not be one the service sends"):
        builders.job_description(status, seed=1, **overrides)
    job = builders.job_description(status, seed=1, check=False, **overrides)
    for key, value in overrides.items():
        assert job.get(key) == value


def test_consistent_overrides_are_applied() -> None:
    job = builders.job_description("Failed", seed=1, failureMessage="Unable to parse Amazon S3 file: a.jsonl.", jobName="my-job-1")
    assert job["failureMessage"] == "Unable to parse Amazon S3 file: a.jsonl." and job["jobName"] == "my-job-1"


def test_request_is_echoed_including_base_model_given_as_arn() -> None:
    req = builders.create_job_request("FINE_TUNING", seed=1, baseModelIdentifier="arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-1-8b-instruct-v1:0:128k")
    job = builders.job_description("InProgress", request=req, seed=2)
    assert job["baseModelArn"] == req["baseModelIdentifier"]
    assert job["jobName"] == req["jobName"] and job["outputModelName"] == req["customModelName"]
    assert job["trainingDataConfig"] == req["trainingDataConfig"]
    named = builders.create_job_request("FINE_TUNING", seed=1, baseModelIdentifier="my-custom-model")
    assert_valid_description(builders.job_description("InProgress", request=named, seed=2))


# -- requests, create / list answers --------------------------------------------------------------------------------


@pytest.mark.parametrize("ctype", rules.creatable_types())
@pytest.mark.parametrize("seed", range(5))
def test_create_job_request_is_valid_for_every_type(ctype: str, seed: int) -> None:
    """Every type Create takes (IMPORTED is refused: see test_a_type_create_does_not_take_is_refused)."""
    params = builders.create_job_request(ctype, seed=seed)
    assert params["customizationType"] == ctype
    assert validate_request(CREATE, params) == []
    validate_parameters(params, get_model().input_shape(CREATE))
    member = rules.config_member(ctype)
    assert (member is None) is ("customizationConfig" not in params)
    if member:
        assert list(params["customizationConfig"]) == [member]


def test_invalid_request_override_raises_unless_check_is_off() -> None:
    with pytest.raises(BuildError, match="jobName"):
        builders.create_job_request(jobName="not valid!")
    assert builders.create_job_request(jobName="not valid!", check=False)["jobName"] == "not valid!"


def test_create_job_response() -> None:
    job = builders.job_description("InProgress", seed=3)
    assert builders.create_job_response(job) == {"jobArn": job["jobArn"]}
    resp = builders.create_job_response(seed=3)
    assert validate_response(CREATE, resp) == []
    validate_parameters(resp, get_model().output_shape(CREATE))


@given(statuses=st.lists(st.sampled_from(STATUSES), max_size=4), ctype=st.sampled_from(TYPES), token=st.none() | st.just("eyJ0b2tlbiI6IDEyM30="))
def test_list_jobs_response_and_summaries_are_valid(statuses: list[str], ctype: str, token: str | None) -> None:
    jobs = [builders.job_description(s, ctype, seed=i) for i, s in enumerate(statuses)]
    resp = builders.list_jobs_response(jobs, next_token=token)
    assert validate_response(LIST, resp) == []
    validate_parameters(resp, get_model().output_shape(LIST))
    summaries = resp["modelCustomizationJobSummaries"]
    assert [s["jobArn"] for s in summaries] == [j["jobArn"] for j in jobs]
    for job, summary in zip(jobs, summaries):
        assert summary == builders.job_summary(job)
        assert summary.get("customModelArn") == job.get("outputModelArn")
        assert summary["customModelName"] == job["outputModelName"]
        assert set(summary) <= set(get_model().shape_at(LIST, "modelCustomizationJobSummaries.[]").members)  # type: ignore[attr-defined]
    assert ("nextToken" in resp) is (token is not None)
    assert builders.list_jobs_response(summaries, next_token=token) == resp


def test_a_type_create_does_not_take_is_refused() -> None:
    with pytest.raises(builders.BuildError, match="IMPORTED.*Member must satisfy enum value set: \\[FINE_TUNING"):
        builders.create_job_request("IMPORTED", seed=1)
