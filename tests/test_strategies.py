"""Valid strategies: every example satisfies the contract, botocore and the consistency rules."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from botocore.validate import validate_parameters
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from pytest_bedrock_mock.contract.validate import validate_request, validate_response
from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.core.javaregex import full_match, java_length
from pytest_bedrock_mock.core.model import get_model, load_raw_model, use_model
from pytest_bedrock_mock.strategies import (
    ABSENT,
    client_errors,
    create_job_requests,
    from_shape,
    job_descriptions,
    job_lifecycles,
    list_job_pages,
    optional,
    pattern_strings,
)

try:  # tests/conftest.py registers the profiles; keep this module usable on its own
    settings.get_profile("thorough")
except InvalidArgument:
    settings.register_profile("thorough", max_examples=2000, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

CREATE, GET, LIST = "CreateModelCustomizationJob", "GetModelCustomizationJob", "ListModelCustomizationJobs"
MORE = max(100, settings().max_examples)


def _request_ok(params: dict[str, Any]) -> None:
    assert validate_request(CREATE, params) == []
    validate_parameters(params, get_model().input_shape(CREATE))  # botocore's own client-side validator


@settings(max_examples=MORE)
@given(create_job_requests())
def test_create_requests_pass_the_contract_and_botocore(params: dict[str, Any]) -> None:
    _request_ok(params)
    ctype = params.get("customizationType")
    member = rules.config_member(ctype) if ctype else None
    assert list(params.get("customizationConfig", {})) == ([member] if member else [])


@pytest.mark.parametrize("ctype", rules.creatable_types())
def test_each_customization_type_has_the_config_it_needs(ctype: str) -> None:
    @settings(max_examples=20)
    @given(create_job_requests(ctype))
    def check(params: dict[str, Any]) -> None:
        _request_ok(params)
        assert params["customizationType"] == ctype
        member = rules.config_member(ctype)
        assert list(params.get("customizationConfig", {})) == ([member] if member else [])

    check()


@settings(max_examples=MORE)
@given(job_descriptions())
def test_job_descriptions_are_valid_and_consistent(job: dict[str, Any]) -> None:
    assert validate_response(GET, job) == []
    assert rules.check_consistency(job) == []
    assert job["creationTime"].tzinfo is not None


@pytest.mark.parametrize("status", get_model().statuses)
def test_job_descriptions_for_a_status(status: str) -> None:
    @settings(max_examples=10)
    @given(job_descriptions(status=status, customization_type="DISTILLATION"))
    def check(job: dict[str, Any]) -> None:
        assert job["status"] == status and job["customizationType"] == "DISTILLATION"
        assert rules.check_consistency(job) == []

    check()


@given(job_lifecycles())
def test_lifecycles_follow_a_legal_path_of_one_job(jobs: list[dict[str, Any]]) -> None:
    statuses = [j["status"] for j in jobs]
    assert rules.legal_path(statuses) == []
    assert rules.is_terminal(statuses[-1])
    assert len({j["jobArn"] for j in jobs}) == 1
    for job in jobs:
        assert validate_response(GET, job) == [] and rules.check_consistency(job) == []


@settings(max_examples=30)
@given(list_job_pages())
def test_list_pages_are_valid_and_chained(pages: list[dict[str, Any]]) -> None:
    for page in pages:
        assert validate_response(LIST, page) == []
    assert all("nextToken" in p for p in pages[:-1]) and "nextToken" not in pages[-1]
    arns = [s["jobArn"] for p in pages for s in p["modelCustomizationJobSummaries"]]
    assert len(arns) == len(set(arns))
    times = [s["creationTime"] for p in pages for s in p["modelCustomizationJobSummaries"]]
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize("operation", ["CreateModelCustomizationJob", "GetModelCustomizationJob", "StopModelCustomizationJob", "ListModelCustomizationJobs"])
def test_client_errors_cover_every_documented_code(operation: str) -> None:
    documented = get_model().errors(operation)
    seen: set[str] = set()

    @settings(max_examples=60, database=None)
    @given(client_errors(operation))
    def check(case: Any) -> None:
        info = documented[case.code]
        assert (case.http_status, case.sender_fault) == (info.http_status, info.sender_fault)
        error = case.client_error()
        assert error.response["Error"]["Code"] == case.code and error.response["ResponseMetadata"]["HTTPStatusCode"] == case.http_status
        assert case.message
        seen.add(case.code)

    check()
    assert seen == set(documented)


def test_create_validation_messages_come_from_service_side_violations() -> None:
    @settings(max_examples=20, database=None)
    @given(client_errors(CREATE).filter(lambda c: c.code == "ValidationException"))
    def check(case: Any) -> None:
        assert case.message.startswith("1 validation error detected: Value")

    check()


# -- the generic walker and the pattern generator -------------------------------------------------


def _patterned_shapes() -> list[tuple[str, Any]]:
    model = get_model().service_model
    shapes = (model.shape_for(n) for n in model.shape_names)
    return [(s.name, s) for s in shapes if s.type_name == "string" and "pattern" in s.metadata]


@pytest.mark.parametrize("name,shape", _patterned_shapes(), ids=[n for n, _ in _patterned_shapes()])
def test_pattern_strings_fully_match_and_fit_the_length(name: str, shape: Any) -> None:
    pattern, low, high = shape.metadata["pattern"], shape.metadata.get("min", 0), shape.metadata.get("max")

    @settings(max_examples=25, database=None)
    @given(pattern_strings(pattern, low, high))
    def check(value: str) -> None:
        assert full_match(pattern, value)
        assert low <= java_length(value) <= (high if high is not None else 256)

    check()


def test_pattern_strings_reach_both_length_bounds() -> None:
    from hypothesis import find

    pattern = get_model().shape_at(CREATE, "customModelName", output=False).metadata["pattern"]
    assert len(find(pattern_strings(pattern, 1, 63), lambda s: len(s) == 63)) == 63
    assert len(find(pattern_strings(pattern, 1, 63), lambda s: True)) == 1  # shrinks to the simplest value
    with pytest.raises(ValueError, match="no string of length"):
        pattern_strings("[0-9]{12}", 13, 20)


def test_pattern_strings_handle_anchors_inside_the_pattern() -> None:
    from hypothesis import find

    pattern = ".*(^arn:[a-z]+$)|(^x[0-9]+)"
    assert find(pattern_strings(pattern, 1, 30), lambda s: s.startswith("arn:")).startswith("arn:")
    assert full_match(pattern, find(pattern_strings(pattern, 5, 30), lambda s: s.startswith("x")))


def test_ascii_classes_never_produce_non_ascii_digits() -> None:
    lam = get_model().shape_at(CREATE, "customizationConfig.rftConfig.graderConfig.lambdaGrader.lambdaArn", output=False)

    @settings(max_examples=300, database=None)
    @given(pattern_strings(lam.metadata["pattern"], lam.metadata["min"], lam.metadata["max"]))
    def check(value: str) -> None:
        assert value.isascii()  # \\d is [0-9] for the service, never another script's digits
        assert full_match(lam.metadata["pattern"], value)

    check()


def test_overrides_fix_values_strategies_and_absence() -> None:
    from hypothesis import find

    shape = get_model().input_shape(CREATE)
    strategy = from_shape(shape, overrides={"jobName": "fixed-name", "vpcConfig": ABSENT, "customizationConfig": ABSENT,
                                            "jobTags": [{"key": "a", "value": "b"}], "clientRequestToken": optional("tok-1")})

    @settings(max_examples=30, database=None)
    @given(strategy)
    def check(params: dict[str, Any]) -> None:
        assert params["jobName"] == "fixed-name" and "vpcConfig" not in params
        assert params["jobTags"] == [{"key": "a", "value": "b"}]
        params["jobTags"].append({})  # a fixed value is copied per example, never shared
        assert params.get("clientRequestToken", "tok-1") == "tok-1"

    check()
    assert "clientRequestToken" not in find(strategy, lambda p: True)  # optional overrides shrink away
    with pytest.raises(ValueError, match="no effect"):
        from_shape(shape, overrides={"jobTags": [], "jobTags[].key": "team"})
    nested = from_shape(shape, overrides={"jobTags[].key": st.just("team")}, require=["jobTags[]"])
    tagged = find(nested, lambda p: len(p["jobTags"]) >= 2)
    assert [t["key"] for t in tagged["jobTags"]] == ["team", "team"]
    with pytest.raises(ValueError, match="unknown member path.*jobNmae"):
        from_shape(shape, overrides={"jobNmae": "x"})


def test_timestamps_are_timezone_aware_and_shrink_simply() -> None:
    from hypothesis import find

    value = find(from_shape(get_model().shape_at(GET, "creationTime")), lambda t: True)
    assert isinstance(value, dt.datetime) and value.tzinfo is not None
    request = find(create_job_requests("FINE_TUNING"), lambda p: True)
    assert set(request) == set(get_model().input_shape(CREATE).required_members) | {"customizationType"}


# -- the model is the source of truth -----------------------------------------------------------


def test_new_status_union_member_and_constraint_flow_through() -> None:
    from hypothesis import find

    raw = load_raw_model()
    raw["shapes"]["ModelCustomizationJobStatus"]["enum"].append("Queued")
    raw["shapes"]["GraderConfig"]["members"]["fakeGrader"] = {"shape": "LambdaGraderConfig"}
    raw["shapes"]["VpcConfig"]["members"]["fakeZone"] = {"shape": "FakeZone"}
    raw["shapes"]["FakeZone"] = {"type": "string", "min": 5, "max": 9, "pattern": "zone-[0-9]+"}
    with use_model(raw):
        seen: set[str] = set()

        @settings(max_examples=150, database=None)
        @given(job_descriptions(), create_job_requests("REINFORCEMENT_FINE_TUNING", overrides={"vpcConfig.fakeZone": pattern_strings("zone-[0-9]+", 5, 9)}))
        def check(job: dict[str, Any], request: dict[str, Any]) -> None:
            assert validate_response(GET, job) == [] and rules.check_consistency(job) == []
            _request_ok(request)
            seen.add(job["status"])
            seen.update(request["customizationConfig"]["rftConfig"].get("graderConfig", {}))
            if "vpcConfig" in request:
                assert full_match("zone-[0-9]+", request["vpcConfig"]["fakeZone"])
                seen.add("fakeZone")

        check()
        assert {"Queued", "fakeGrader", "fakeZone"} <= seen
        vpc = find(from_shape(get_model().shape_at(CREATE, "vpcConfig", output=False)), lambda v: "fakeZone" in v)
        assert full_match("zone-[0-9]+", vpc["fakeZone"]) and 5 <= len(vpc["fakeZone"]) <= 9


# -- what each richer strategy draws of its create request (issue 13: throughput) -------------------


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(get_model().customization_types), st.sampled_from(get_model().statuses), st.integers(0, 2**32 - 1), st.data())
def test_request_members_left_undrawn_change_nothing_shown(ctype: str, status: str, seed: int, data: st.DataObject) -> None:
    from pytest_bedrock_mock import builders
    from pytest_bedrock_mock.strategies import named

    full = data.draw(named._description_request(ctype))
    path = data.draw(named.status_paths())

    def shown(keep: frozenset[str], make: Any) -> None:
        fixed = {**full, **named._unshown(ctype, keep)}
        fixed = {k: v for k, v in fixed.items() if v is not ABSENT}
        assert make(fixed) == make(full)

    shown(named._in_a_description(), lambda req: named._describe(status, ctype, seed, req, 0))
    shown(named._IN_A_LIFECYCLE, lambda req: named._lifecycle(path, ctype, seed, req))
    shown(named._IN_A_SUMMARY, lambda req: builders.job_summary(named._describe(status, ctype, seed, req, 0)))
