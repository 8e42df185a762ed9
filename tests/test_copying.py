"""Copies of request parameters (core.copying): equal to the original, sharing no container with it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_bedrock_mock.core.copying import copy_params, copy_value
from pytest_bedrock_mock.core.model import OPERATIONS, get_model, load_raw_model, use_model
from pytest_bedrock_mock.strategies import from_shape

ODD = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.datetimes(),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def containers(value: Any) -> list[int]:
    """The ids of every dict, list and tuple in ``value``."""
    if isinstance(value, dict):
        return [id(value), *(i for v in value.values() for i in containers(v))]
    if isinstance(value, (list, tuple)):
        return [id(value), *(i for v in value for i in containers(v))]
    return []


def assert_copied(original: Any, copy: Any) -> None:
    assert copy == copy_value(original)  # tuples become lists, as copy_value makes them
    assert not set(containers(copy)) & set(containers(original)), "the copy shares a container with the caller's value"


@pytest.mark.parametrize("operation", OPERATIONS)
@given(data=st.data())
def test_a_request_is_copied_whole(operation: str, data: st.DataObject) -> None:
    params = data.draw(from_shape(get_model().input_shape(operation)))
    assert_copied(params, copy_params(operation, params))


@pytest.mark.parametrize("operation", OPERATIONS)
@given(extra=st.dictionaries(st.sampled_from(["jobName", "trainingDataConfig", "hyperParameters", "jobTags", "surprise"]), ODD, max_size=4))
def test_values_the_plan_does_not_expect_are_copied_too(operation: str, extra: dict[str, Any]) -> None:
    """A member the shape lacks, or a container where the shape has another kind of container, falls back to
    copy_value; a scalar member given a container (botocore's validation refuses it) is kept as given."""
    shape = get_model().input_shape(operation)
    params = {**extra, "trainingDataConfig": [{"s3Uri": "s3://example-bucket/x"}], "jobTags": {"key": "k"}}
    copy = copy_params(operation, params)
    assert copy.keys() == params.keys() and copy is not params
    for name, value in params.items():
        scalar = shape is not None and set(params) <= set(shape.members) and shape.members[name].type_name not in ("structure", "list", "map")
        if scalar:
            assert copy[name] is value
        else:
            assert_copied(value, copy[name])


def test_a_swapped_model_gets_its_own_plan() -> None:
    raw = load_raw_model()
    shape = raw["shapes"]["CreateModelCustomizationJobRequest"]
    shape["members"]["newNestedConfig"] = {"shape": "TrainingDataConfig"}
    params = {"jobName": "j", "newNestedConfig": {"s3Uri": "s3://example-bucket/x"}}
    with use_model(raw):
        copy = copy_params("CreateModelCustomizationJob", params)
    assert copy == params and copy["newNestedConfig"] is not params["newNestedConfig"]
