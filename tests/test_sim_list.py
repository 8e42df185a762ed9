"""ListModelCustomizationJobs in the simulator: filters, sorting, pagination (botocore's paginator)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from pytest_bedrock_mock.contract.validate import validate_response
from pytest_bedrock_mock.fakes.simulator import Manual, simulate


def _client() -> Any:
    return boto3.client("bedrock", region_name="us-east-1")


def _names(page: dict[str, Any]) -> list[str]:
    return [s["jobName"] for s in page["modelCustomizationJobSummaries"]]


@pytest.mark.parametrize("level", ["parsed", "wire"])
def test_paginator_walks_1000_jobs_in_pages(level: str) -> None:
    with simulate(level=level, policy=Manual(), seed=1) as fake:
        created = [fake.add_job(seed=i, jobName=f"job-{i:04d}") for i in range(1000)]
        pages = list(_client().get_paginator("list_model_customization_jobs").paginate(PaginationConfig={"PageSize": 64}))
    assert len(pages) == 16
    assert all(len(p["modelCustomizationJobSummaries"]) == 64 for p in pages[:-1])
    assert "nextToken" not in pages[-1] and all("nextToken" in p for p in pages[:-1])
    seen = [s["jobArn"] for p in pages for s in p["modelCustomizationJobSummaries"]]
    assert len(seen) == len(set(seen)) == 1000
    assert seen == list(reversed(created))  # newest first by default
    for page in pages:
        assert validate_response("ListModelCustomizationJobs", page) == []


def test_default_page_size_and_sort_order_are_configurable() -> None:
    with simulate(policy=Manual(), default_max_results=3, default_sort_order="Ascending") as fake:
        for i in range(5):
            fake.add_job(seed=i, jobName=f"job-{i}")
        first = _client().list_model_customization_jobs()
        assert _names(first) == ["job-0", "job-1", "job-2"]
        second = _client().list_model_customization_jobs(nextToken=first["nextToken"])
        assert _names(second) == ["job-3", "job-4"] and "nextToken" not in second


def test_filters_status_name_and_creation_time() -> None:
    with simulate(clock="virtual", policy=Manual()) as fake:
        t0 = fake.clock.now()
        arns = {}
        for i, status in enumerate(("InProgress", "Completed", "Failed", "Stopped", "Stopping", "Completed")):
            fake.virtual_clock.advance(60)
            arns[f"{status.lower()}-{i}"] = fake.add_job(status=status, seed=i, jobName=f"{status.lower()}-{i}")
        client = _client()
        assert sorted(_names(client.list_model_customization_jobs(statusEquals="Completed"))) == ["completed-1", "completed-5"]
        assert _names(client.list_model_customization_jobs(nameContains="stop")) == ["stopping-4", "stopped-3"]
        assert _names(client.list_model_customization_jobs(nameContains="STOP")) == []
        after = t0 + _dt.timedelta(seconds=120)  # strictly after: job 1 (created at +120 s) is out
        before = t0 + _dt.timedelta(seconds=300)
        assert _names(client.list_model_customization_jobs(creationTimeAfter=after, creationTimeBefore=before, sortOrder="Ascending")) == \
            ["failed-2", "stopped-3"]
        combined = client.list_model_customization_jobs(statusEquals="Completed", creationTimeAfter=after, sortBy="CreationTime")
        assert _names(combined) == ["completed-5"]
    with simulate(policy=Manual(), name_contains_ignore_case=True) as fake:
        fake.add_job(seed=1, jobName="Nightly-Run")
        assert _names(_client().list_model_customization_jobs(nameContains="nightly")) == ["Nightly-Run"]


def test_pages_do_not_shift_when_jobs_are_created_while_paging() -> None:
    with simulate(policy=Manual()) as fake:
        for i in range(6):
            fake.add_job(seed=i, jobName=f"job-{i}")
        client = _client()
        first = client.list_model_customization_jobs(maxResults=3)
        fake.add_job(seed=99, jobName="late-job")
        second = client.list_model_customization_jobs(maxResults=3, nextToken=first["nextToken"])
        assert _names(first) == ["job-5", "job-4", "job-3"]
        assert _names(second) == ["job-2", "job-1", "job-0"]


@pytest.mark.parametrize("level", ["parsed", "wire"])
def test_a_token_the_simulator_did_not_issue_is_a_validation_exception(level: str) -> None:
    with simulate(level=level):
        with pytest.raises(ClientError) as exc:
            _client().list_model_customization_jobs(nextToken="garbage!")
        assert exc.value.response["Error"]["Code"] == "ValidationException"
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_out_of_range_max_results_is_rejected_by_the_contract() -> None:
    with simulate():
        with pytest.raises(ClientError) as exc:
            _client().list_model_customization_jobs(maxResults=1001)
        assert exc.value.response["Error"]["Message"] == (
            "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: "
            "Member must have value less than or equal to 1000")


@given(n=st.integers(0, 40), size=st.integers(1, 12), ascending=st.booleans(), status=st.sampled_from([None, "InProgress", "Completed"]))
def test_paging_any_size_yields_exactly_the_filtered_jobs_in_order(n: int, size: int, ascending: bool, status: str | None) -> None:
    with simulate(policy=Manual(), seed=n) as fake:
        for i in range(n):
            fake.add_job(status="Completed" if i % 3 == 0 else "InProgress", seed=i, jobName=f"job-{i:03d}")
        params: dict[str, Any] = {"sortOrder": "Ascending" if ascending else "Descending"}
        if status:
            params["statusEquals"] = status
        pages = list(_client().get_paginator("list_model_customization_jobs").paginate(**params, PaginationConfig={"PageSize": size}))
    names = [name for p in pages for name in _names(p)]
    expected = [f"job-{i:03d}" for i in range(n) if status is None or (status == "Completed") == (i % 3 == 0)]
    assert names == (expected if ascending else expected[::-1])
    assert all(len(_names(p)) <= size for p in pages)
