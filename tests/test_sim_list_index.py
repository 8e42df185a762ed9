"""The indexed List answers exactly as the plain filter + sort did (issue 14's "done when").

Two backends get the same random history: jobs created at random instants (ties included, and a
clock that goes back), moved by the test, by Gets, by ``advance`` and by the clock, listed with
random filters, sort orders, page sizes and tokens (followed, or forged) between the moves. One
backend is the simulator's; the other answers List the way the simulator did before the index
(:func:`_list_reference`: catch every job up, filter every job, sort, cut at the cursor). Every
answer and every error must be identical, page by page, and so must every job at the end.
Blocks of 1 to 3 jobs make a few jobs span many blocks (splits, skips, block edges).
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.fakes.simulator import AfterDuration, AfterGets, ApiError, Backend, Manual, SimulatorConfig, index
from pytest_bedrock_mock.fakes.simulator.backend import _copy
from pytest_bedrock_mock.fakes.simulator.jobs import Job
from pytest_bedrock_mock.fakes.simulator.listing import BadToken, ListOptions, _decode, _encode, _matches
from pytest_bedrock_mock.fakes.simulator.policies import Policy

T0 = _dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=_dt.timezone.utc)
REQUEST = builders.create_job_request(seed=1)


def _list_reference(jobs: Iterable[Job], params: Mapping[str, Any], options: ListOptions) -> tuple[list[Job], str | None]:
    """The List page before the index: filter every job, sort them all, cut at the cursor."""
    descending = params.get("sortOrder", options.default_sort_order) == "Descending"
    chosen = sorted((j for j in jobs if _matches(j, params, options.name_contains_ignore_case)), key=lambda j: j.sort_key, reverse=descending)
    token = params.get("nextToken")
    if token is not None:
        cursor = _decode(token, options.secret)
        chosen = [j for j in chosen if ((j.created.timestamp(), j.seq) < cursor if descending else (j.created.timestamp(), j.seq) > cursor)]
    size = int(params.get("maxResults") or options.default_max_results)
    page = chosen[:size]
    return page, (_encode(page[-1], options.secret) if len(chosen) > size else None)


class _ReferenceBackend(Backend):
    def _list_model_customization_jobs(self, params: Mapping[str, Any], region: str) -> dict[str, Any]:
        jobs = list(self._region(region).by_arn.values())
        for job in jobs:
            self._catch_up(job, is_get=False)
        try:
            page, token = _list_reference(jobs, params, self.config.list_options)
        except BadToken as exc:
            raise ApiError("ValidationException", str(exc)) from None
        result: dict[str, Any] = {"modelCustomizationJobSummaries": [_copy(builders.job_summary(j.description())) for j in page]}
        if token is not None:
            result["nextToken"] = token
        return result


class _Clock:
    """A clock the test sets (it may go back, as a wall clock can)."""

    def __init__(self) -> None:
        self.at = T0

    def now(self) -> _dt.datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.at += _dt.timedelta(seconds=seconds)


def _answer(backend: Backend, operation: str, params: Mapping[str, Any]) -> Any:
    try:
        return backend.call(operation, params, "us-east-1")
    except ApiError as exc:
        return ("error", exc.code, exc.message)


_NAMES = st.text("aAb-", max_size=3).map(lambda tail: "a" + tail)  # few names: duplicates and shared substrings
_OFFSETS = st.integers(-3, 40).map(lambda s: T0 + _dt.timedelta(seconds=s))


@st.composite
def _list_params(draw: st.DrawFn, last_token: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if draw(st.integers(0, 2)) == 0:
        params["statusEquals"] = draw(st.sampled_from(get_model().statuses))
    if draw(st.integers(0, 3)) == 0:
        params["nameContains"] = draw(st.sampled_from("aAb")) + draw(st.text("aAb-", max_size=1))
    if draw(st.integers(0, 3)) == 0:
        params["creationTimeAfter"] = draw(_OFFSETS)
    if draw(st.integers(0, 3)) == 0:
        params["creationTimeBefore"] = draw(_OFFSETS)
    if draw(st.booleans()):
        params["sortOrder"] = draw(st.sampled_from(["Ascending", "Descending"]))
    if draw(st.booleans()):
        params["maxResults"] = draw(st.integers(1, 6))
    token = draw(st.sampled_from(["none", "follow", "forged"]))
    if token == "follow" and last_token is not None:
        params["nextToken"] = last_token
    elif token == "forged":
        cursor = [draw(st.integers(-3, 40).map(lambda s: (T0 + _dt.timedelta(seconds=s)).timestamp())), draw(st.integers(0, 30))]
        params["nextToken"] = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode().rstrip("=")
    return params


_STEPS = st.sampled_from(["create", "tick", "back", "list", "list", "list", "list", "get", "move", "move", "advance", "stop"])
_POLICIES = st.sampled_from([Manual(), AfterGets(1), AfterDuration(30, stopping_seconds=5), AfterDuration(0, stopping_seconds=0)])


@given(policy=_POLICIES, block=st.sampled_from([1, 2, 3, 256]), ignore_case=st.booleans(), data=st.data())
def test_indexed_list_answers_as_the_plain_filter_and_sort(policy: Policy, block: int, ignore_case: bool, data: st.DataObject) -> None:
    clock = _Clock()
    config = SimulatorConfig(policy=policy, seed=0, name_contains_ignore_case=ignore_case, duplicate_name_error=None)
    indexed, reference = Backend(config, clock), _ReferenceBackend(config, clock)
    last_token: str | None = None
    names: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index, "BLOCK", block)
        first = data.draw(st.lists(st.sampled_from(["create", "create", "tick", "back"]), min_size=5, max_size=60), label="first jobs")
        for step in first + data.draw(st.lists(_STEPS, min_size=10, max_size=40), label="steps"):
            if step == "create":
                name = data.draw(_NAMES, label="name")
                request = {**REQUEST, "jobName": name, "clientRequestToken": f"token-{len(names)}"}
                names.append(name)
                assert indexed.add_job(request).arn == reference.add_job(request).arn
            elif step in ("tick", "back"):
                clock.at += _dt.timedelta(seconds=data.draw(st.sampled_from([0, 1, 2, 7])) * (1 if step == "tick" else -1))
            elif step == "list":
                params = data.draw(_list_params(last_token), label="list")
                got = _answer(indexed, "ListModelCustomizationJobs", params)
                assert got == _answer(reference, "ListModelCustomizationJobs", params), params
                last_token = got.get("nextToken") if isinstance(got, dict) else None
            elif names:
                ref = data.draw(st.sampled_from(names), label="job")
                arg = data.draw(st.booleans(), label="every job") if step == "advance" else \
                    data.draw(st.sampled_from(get_model().statuses), label="to") if step == "move" else None
                assert _act(indexed, step, ref, arg) == _act(reference, step, ref, arg)
        assert [j.description() for j in indexed.jobs()] == [j.description() for j in reference.jobs()]


def _act(backend: Backend, step: str, name: str, arg: Any) -> Any:
    """Get, Stop, advance (``arg``: every job, or this one) or move (``arg``: to that status) a job; what it answered."""
    if step == "get":
        return _answer(backend, "GetModelCustomizationJob", {"jobIdentifier": name})
    if step == "stop":
        return _answer(backend, "StopModelCustomizationJob", {"jobIdentifier": name})
    if step == "advance":
        return [j.arn for j in backend.advance(None if arg else name, steps=1)]
    try:
        return backend.move(name, arg).description()
    except ValueError as exc:
        return str(exc)  # not a legal move from where the job is


@given(seconds=st.floats(0, 1e6), stopping=st.floats(0, 1e4), status=st.sampled_from(["InProgress", "Stopping", "Completed"]),
       stage=st.integers(0, 4), elapsed=st.floats(-10, 2e6))
def test_after_duration_says_when_a_list_read_would_move_a_job(seconds: float, stopping: float, status: str, stage: int, elapsed: float) -> None:
    policy = AfterDuration(seconds, stopping_seconds=stopping)
    job = Backend(SimulatorConfig(policy=Manual())).add_job(REQUEST)
    job.status, job.stage = status, min(stage, len(get_model().sub_tasks) - 1)
    now = job.status_since + _dt.timedelta(seconds=elapsed)
    due = policy.due(job)
    if policy.on_read(job, now, is_get=False) is not None:
        assert due is not None and due <= now  # never late: a List would miss the move
    if due is not None:
        assert policy.on_read(job, due + _dt.timedelta(milliseconds=2), is_get=False) is not None  # nor early by more than 1 ms
    else:
        assert status == "Completed"


def test_a_job_due_but_not_moved_is_read_again_at_the_next_list() -> None:
    job = Backend(SimulatorConfig(policy=Manual())).add_job(REQUEST)
    jobs = index.JobIndex(due=lambda j: j.created)
    jobs.add(job)
    read: list[Job] = []
    jobs.catch_up(job.created, read.append)
    jobs.catch_up(job.created, read.append)
    jobs.catch_up(job.created - _dt.timedelta(seconds=1), read.append)  # not due yet at that instant
    assert read == [job, job]
