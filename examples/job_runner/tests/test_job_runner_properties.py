"""Property-based tests of the example project: the kit's strategies draw every status, type and union variant."""

from __future__ import annotations

import job_runner
from hypothesis import given

from pytest_bedrock_mock.strategies import job_descriptions, job_lifecycles


@given(job_descriptions())
def test_summary_copes_with_any_description(job):
    line = job_runner.summarize(job)
    assert line.startswith(f"{job['jobName']}: {job['status']}")
    assert ("failed: " in line) == bool(job.get("failureMessage"))


@given(job_lifecycles())
def test_summary_copes_with_every_step_of_a_lifecycle(lifecycle):
    names = {job["jobName"] for job in lifecycle}
    assert len(names) == 1
    for job in lifecycle:
        assert job_runner.summarize(job).startswith(f"{job['jobName']}: ")
