"""The compiled contract checks never pass what the full walk faults, and pass what real calls send.

:func:`pytest_bedrock_mock.contract.precheck.clean` lets ``validate_request``/``validate_response``
skip the walk; a ``True`` where the walk finds a violation would silently drop a check, so every
test here compares against the walk itself (``validate._Validator``), not against ``validate_request``.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.contract import validate
from pytest_bedrock_mock.contract.precheck import clean
from pytest_bedrock_mock.core.model import OPERATIONS, get_model, load_raw_model, use_model
from pytest_bedrock_mock.core.shapes import member_paths
from pytest_bedrock_mock.strategies import from_shape, invalid_requests, job_descriptions


def walk(operation: str, value: Any, *, request: bool = True) -> list[validate.Violation]:
    """The reference: what the full walk reports, without the compiled verdict."""
    model = get_model()
    validator = validate._Validator(request=request)
    validator.walk(model.input_shape(operation) if request else model.output_shape(operation), value)
    return validator.out


def agrees(operation: str, value: Any, *, request: bool = True) -> None:
    if clean(operation, value, request=request):
        assert walk(operation, value, request=request) == [], f"clean() passed {value!r}, which the walk faults"


ODD = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.binary(max_size=4)
    | st.decimals() | st.datetimes() | st.just("x" * 9000) | st.just("\U0001F600" * 3),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@pytest.mark.parametrize("operation", OPERATIONS)
@given(data=st.data())
def test_valid_requests_pass_without_a_walk(operation: str, data: st.DataObject) -> None:
    params = data.draw(from_shape(get_model().input_shape(operation)))
    assert walk(operation, params) == []
    assert clean(operation, params), f"the compiled check doubts a valid {operation} request: {params!r}"


@pytest.mark.parametrize("operation", OPERATIONS)
@given(data=st.data())
def test_invalid_requests_are_always_walked(operation: str, data: st.DataObject) -> None:
    params, expected = data.draw(invalid_requests(operation))
    assume(expected.kind != "rule")  # the request rules span fields: validate_request applies them after the precheck
    assert not clean(operation, params), f"{expected} was not caught"


@pytest.mark.parametrize("operation", OPERATIONS)
@given(data=st.data())
def test_any_value_anywhere_never_passes_what_the_walk_faults(operation: str, data: st.DataObject) -> None:
    shape = get_model().input_shape(operation)
    params = data.draw(from_shape(shape))
    path, _ = data.draw(st.sampled_from(member_paths(shape)))
    target: Any = params
    for step in path[:-1]:  # to the parent, where the value exists; a wildcard step stops the walk there
        if isinstance(target, dict) and step in target:
            target = target[step]
        elif isinstance(target, list) and target:
            target = target[0]
        else:
            break
    else:
        if isinstance(target, dict):
            target[str(path[-1])] = data.draw(ODD)
    agrees(operation, params)


@given(job=job_descriptions())
def test_get_answers_pass_and_odd_ones_agree(job: dict[str, Any]) -> None:
    assert clean("GetModelCustomizationJob", job, request=False)
    broken = {**job, "status": 5, "creationTime": "2024-01-01T00:00:00Z", "extra": decimal.Decimal("1")}
    agrees("GetModelCustomizationJob", broken, request=False)


@pytest.mark.parametrize("value", [
    {"jobIdentifier": "a" * 2000},                     # beyond max: no regex runs
    {"jobIdentifier": "my job"},                       # pattern
    {"jobIdentifier": None},                           # required
    {},                                                # required
    {"jobIdentifier": "j", "unknown": 1},              # unknown member
    {"jobIdentifier": type("S", (str,), {})("j")},     # a str subclass: the walk decides
    {"maxResults": True},                              # a bool is no integer
    {"maxResults": 2**40},                             # beyond int32
    {"maxResults": float("nan")},
    {"creationTimeAfter": "2024-01-01"},               # a string timestamp: the walk decides
    {"creationTimeAfter": dt.datetime(2024, 1, 1)},
    {"sortOrder": "Sideways"},                         # enum
    ["not", "a", "dict"],
])
def test_edge_values_agree(value: Any) -> None:
    for operation in OPERATIONS:
        agrees(operation, value)


def test_a_swapped_model_gets_its_own_compiled_checks() -> None:
    request = builders.create_job_request(seed=1)
    assert clean("CreateModelCustomizationJob", request)
    raw = load_raw_model()
    raw["shapes"]["JobName"]["max"] = 3  # the job name of every request is now too long
    with use_model(raw):
        assert not clean("CreateModelCustomizationJob", request)
        assert [v.path for v in validate.validate_request("CreateModelCustomizationJob", request)] == ["jobName"]
    assert clean("CreateModelCustomizationJob", request)
    assert validate.validate_request("CreateModelCustomizationJob", request) == []
