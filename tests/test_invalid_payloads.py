"""invalid_create_job_requests: exactly one labelled violation, reported as labelled, on every constrained member."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ParamValidationError
from botocore.validate import validate_parameters
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_bedrock_mock.contract.validate import KINDS, validate_request, validation_message
from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.core.model import get_model, load_raw_model, use_model
from pytest_bedrock_mock.strategies import create_job_requests, invalid_create_job_requests, invalid_requests, invalid_targets
from pytest_bedrock_mock.strategies.invalid_rules import recipe, rule_breaking_requests

CREATE = "CreateModelCustomizationJob"


def _botocore_rejects(params: dict[str, Any], operation: str = CREATE) -> bool:
    try:
        validate_parameters(params, get_model().input_shape(operation))
    except ParamValidationError:
        return True
    return False


def _assert_exactly(case: tuple[dict[str, Any], Any], operation: str = CREATE) -> None:
    params, expected = case
    reported = validate_request(operation, params)
    assert len(reported) == 1, (expected, reported)
    assert (reported[0].path, reported[0].kind, reported[0].rule) == (expected.path, expected.kind, expected.rule)
    assert expected.client_side == reported[0].client_side or expected.kind == "type"
    assert _botocore_rejects(params, operation) == expected.client_side, expected


@given(invalid_create_job_requests())
def test_every_invalid_example_carries_exactly_its_labelled_violation(case: tuple[dict[str, Any], Any]) -> None:
    _assert_exactly(case)


def _has_constraint(shape: Any, required: bool = False) -> bool:
    meta = shape.metadata
    return (required or meta.get("min", 0) != 0 or "max" in meta or "pattern" in meta
            or bool(getattr(shape, "enum", None)) or bool(getattr(shape, "is_tagged_union", False)))


def _constrained_members() -> set[str]:
    """Member paths of the Create request with any constraint, enumerated straight from the model."""
    out: set[str] = set()

    def walk(shape: Any, path: str, seen: tuple[str, ...]) -> None:
        if shape.type_name == "structure" and shape.name not in seen:
            for name, member in shape.members.items():
                sub = f"{path}.{name}" if path else name
                if _has_constraint(member, name in shape.required_members):
                    out.add(sub)
                walk(member, sub, (*seen, shape.name))
        elif shape.type_name == "list":
            if _has_constraint(shape.member):
                out.add(f"{path}[]")
            walk(shape.member, f"{path}[]", seen)
        elif shape.type_name == "map":
            for part, sub_shape in ((".{key}", shape.key), (".{value}", shape.value)):
                if _has_constraint(sub_shape):
                    out.add(path + part)
            walk(shape.value, f"{path}.{{value}}", seen)

    walk(get_model().input_shape(CREATE), "", ())
    return out


def test_every_constrained_member_is_the_target_of_a_constraint_kind() -> None:
    targeted = {t.path for t in invalid_targets() if t.kind not in ("type", "unknown_member")}
    constrained = _constrained_members()
    assert len(constrained) > 30  # the enumeration really walked the nested request
    assert constrained - targeted == set()


def test_constrained_member_added_to_the_model_is_targeted_with_no_code_change() -> None:
    raw = load_raw_model()
    raw["shapes"]["VpcConfig"]["members"]["fakeZoneName"] = {"shape": "FakeZoneName"}
    raw["shapes"]["FakeZoneName"] = {"type": "string", "min": 3, "max": 8, "pattern": "zone-[a-z]+"}
    with use_model(raw):
        kinds = {t.kind for t in invalid_targets() if t.path == "vpcConfig.fakeZoneName"}
        assert {"max_length", "pattern", "type"} <= kinds

        @settings(max_examples=10, database=None)
        @given(invalid_create_job_requests(paths=["vpcConfig.fakeZoneName"]))
        def check(case: tuple[dict[str, Any], Any]) -> None:
            _assert_exactly(case)

        check()


_TARGETS = invalid_targets()


@pytest.mark.parametrize("target", _TARGETS, ids=[f"{t.path or '<request>'}:{t.kind}" for t in _TARGETS])
def test_each_target_yields_its_violation(target: Any) -> None:
    @settings(max_examples=max(3, settings().max_examples // 20), database=None)
    @given(invalid_create_job_requests(kinds=[target.kind], paths=[target.path]))
    def check(case: tuple[dict[str, Any], Any]) -> None:
        assert case[1].target == target.path
        _assert_exactly(case)

    check()


@pytest.mark.parametrize("client_side", [True, False])
def test_client_side_filter_agrees_with_botocore(client_side: bool) -> None:
    @given(invalid_create_job_requests(client_side=client_side))
    def check(case: tuple[dict[str, Any], Any]) -> None:
        assert case[1].client_side is client_side
        assert case[1].error == ("ParamValidationError" if client_side else "ValidationException")
        _assert_exactly(case)

    check()


@pytest.mark.parametrize("operation", ["GetModelCustomizationJob", "StopModelCustomizationJob", "ListModelCustomizationJobs"])
def test_other_operations_invalid_requests(operation: str) -> None:
    @settings(max_examples=20, database=None)
    @given(invalid_requests(operation))
    def check(case: tuple[dict[str, Any], Any]) -> None:
        _assert_exactly(case, operation)

    check()


def test_kinds_cover_the_contract_and_reject_unknown_names() -> None:
    assert {t.kind for t in invalid_targets()} == set(KINDS)
    with pytest.raises(ValueError, match="unknown violation kind"):
        invalid_create_job_requests(kinds=["too_blue"])
    with pytest.raises(ValueError, match="no member"):
        invalid_create_job_requests(kinds=["enum"], paths=["jobName"])


@given(st.data())
def test_bool_for_integer_is_only_used_where_botocore_lets_it_through(data: st.DataObject) -> None:
    params, violation = data.draw(invalid_create_job_requests(kinds=["type"], client_side=False))
    assert isinstance(violation.value, bool)
    assert not _botocore_rejects(params)


# -- request rules: one labelled violation per rule -----------------------------------------------

_RULES = [r for r in rules.REQUEST_RULES if r.operation == CREATE]


@pytest.mark.parametrize("rule", _RULES, ids=[r.name for r in _RULES])
def test_each_request_rule_has_a_labelled_payload_refused_with_its_message(rule: Any) -> None:
    targets = [t for t in invalid_targets(kinds=["rule"]) if t.rule == rule.name]
    assert [(t.path, t.kind) for t in targets] == [(rule.path, "rule")]

    @settings(max_examples=max(5, settings().max_examples // 10), database=None)
    @given(rule_breaking_requests(rule.name))
    def check(params: dict[str, Any]) -> None:
        reported = validate_request(CREATE, params)
        assert [(v.path, v.kind, v.rule) for v in reported] == [(rule.path, "rule", rule.name)]
        ((broken, constraint),) = rules.check_request(CREATE, params)
        assert broken is rule
        shown = "Value null" if reported[0].value is None else f"Value '{reported[0].value}'"
        assert validation_message(reported) == f"1 validation error detected: {shown} at '{rule.path}' failed to satisfy constraint: {constraint}"
        assert not _botocore_rejects(params) and not reported[0].client_side  # only the service knows its rules

    check()


@settings(max_examples=max(10, settings().max_examples // 3), database=None)
@given(create_job_requests())
def test_valid_payloads_break_no_rule(params: dict[str, Any]) -> None:
    assert rules.check_request(CREATE, params) == []


def test_a_rule_without_a_recipe_is_an_error_not_a_silent_gap() -> None:
    new = rules.RequestRule("teacher_same_family", CREATE, "customizationConfig", lambda p, r: None, "a test")
    with pytest.raises(LookupError, match="teacher_same_family"):
        recipe(new)
    with pytest.raises(ValueError, match="no request breaks only the rule 'nope'"):
        rule_breaking_requests("nope")
