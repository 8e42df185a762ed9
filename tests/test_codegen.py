"""Generated functions (core/codegen.py) and the checks and copies written with them, at the shapes' edges:
recursive shapes, nesting deeper than what is written inline, member names no identifier could hold."""

from __future__ import annotations

import traceback
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_bedrock_mock.contract import validate
from pytest_bedrock_mock.contract.precheck import clean
from pytest_bedrock_mock.core import codegen
from pytest_bedrock_mock.core.copying import copy_params
from pytest_bedrock_mock.core.model import load_raw_model, use_model

CREATE = "CreateModelCustomizationJob"
ODD_NAME = "we'ird\n\"name\\ {x}"  # quotes, a newline, a backslash and braces: only a literal can hold it


def _model() -> dict[str, Any]:
    """The model with a recursive structure (``nest``) and a member whose name is no identifier on Create."""
    raw = load_raw_model()
    raw["shapes"]["Nest"] = {"type": "structure", "required": ["label"],
                             "members": {"label": {"shape": "JobName"}, "child": {"shape": "Nest"}, "many": {"shape": "Nests"}}}
    raw["shapes"]["Nests"] = {"type": "list", "member": {"shape": "Nest"}, "max": 3}
    members = raw["shapes"]["CreateModelCustomizationJobRequest"]["members"]
    members["nest"] = {"shape": "Nest"}
    members[ODD_NAME] = {"shape": "TrainingDataConfig"}
    return raw


def _request(nest: Any = None, **more: Any) -> dict[str, Any]:
    params = {"jobName": "j", "customModelName": "m", "roleArn": "arn:aws:iam::123456789012:role/R",
              "baseModelIdentifier": "amazon.nova-micro-v1:0:128k", "trainingDataConfig": {"s3Uri": "s3://example-bucket/x"},
              "outputDataConfig": {"s3Uri": "s3://example-bucket/out/"}, **more}
    if nest is not None:
        params["nest"] = nest
    return params


def _nest(depth: int, label: Any = "fine") -> dict[str, Any]:
    """A chain of ``depth`` nests; the innermost has ``label``."""
    node: dict[str, Any] = {"label": label}
    for i in range(depth - 1):
        node = {"label": f"level-{i}", "child": node, "many": [{"label": "leaf"}]}
    return node


def _walk(params: Any) -> list[validate.Violation]:
    from pytest_bedrock_mock.core.model import get_model

    validator = validate._Validator(request=True)
    validator.walk(get_model().input_shape(CREATE), params)
    return validator.out


NESTS = st.recursive(st.fixed_dictionaries({"label": st.sampled_from(["ok", "not ok", ""])}),
                     lambda inner: st.fixed_dictionaries({"label": st.sampled_from(["ok", "bad label"])},
                                                         optional={"child": inner, "many": st.lists(inner, max_size=4), "extra": st.just(1)}),
                     max_leaves=30)


@given(nest=NESTS)
def test_a_recursive_shape_is_checked_at_any_depth_as_the_walk_checks_it(nest: dict[str, Any]) -> None:
    with use_model(_model()):
        params = _request(nest)
        assert clean(CREATE, params) == (_walk(params) == [])


@pytest.mark.parametrize("depth", [1, 5, 7, 8, 20])
def test_deep_values_are_checked_past_the_inline_depth(depth: int) -> None:
    with use_model(_model()):
        assert clean(CREATE, _request(_nest(depth)))
        bad = _request(_nest(depth, label="no spaces"))
        assert not clean(CREATE, bad)
        assert [v.path for v in _walk(bad)] == ["nest" + ".child" * (depth - 1) + ".label"]


@given(nest=NESTS)
def test_a_recursive_shape_is_copied_at_any_depth_sharing_no_container(nest: dict[str, Any]) -> None:
    with use_model(_model()):
        params = _request(nest, **{ODD_NAME: {"s3Uri": "s3://example-bucket/odd"}})
        copy = copy_params(CREATE, params)
    assert copy == params
    containers = {id(v) for v in _containers(params)}
    assert not containers & {id(v) for v in _containers(copy)}


def _containers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value, *(c for v in value.values() for c in _containers(v))]
    if isinstance(value, list):
        return [value, *(c for v in value for c in _containers(v))]
    return []


def test_a_member_name_no_identifier_holds_is_read_as_its_literal() -> None:
    with use_model(_model()):
        assert clean(CREATE, _request(**{ODD_NAME: {"s3Uri": "s3://example-bucket/x"}}))
        assert not clean(CREATE, _request(**{ODD_NAME: {"s3Uri": "not an s3 uri"}}))
        assert not clean(CREATE, _request(**{ODD_NAME + "?": {}}))  # a name the model lacks


def test_a_generated_function_shows_its_lines_in_a_traceback() -> None:
    broken = codegen.function("divide", ["return value / zero"], {"zero": 0})
    with pytest.raises(ZeroDivisionError) as caught:
        broken(1)
    assert "return value / zero" in "".join(traceback.format_tb(caught.value.__traceback__))


def test_only_names_become_code() -> None:
    with pytest.raises(ValueError, match="identifier"):
        codegen.function("f; import os", ["return value"], {})
    with pytest.raises(ValueError, match="identifier"):
        codegen.function("f", ["return value"], {"a b": 1})
    assert codegen.identifier("Create-Job.Request 2") == "Create_Job_Request_2"
    assert codegen.identifier("9lives").isidentifier()
    assert eval(codegen.literal(ODD_NAME)) == ODD_NAME  # noqa: S307 -- the literal of a test string


def test_an_emitter_names_each_constant_once() -> None:
    out = codegen.Emitter()
    shared = frozenset({"a"})
    assert out.constant(shared, "known") == out.constant(shared, "known")
    assert out.constant(frozenset({"a"}), "known") != out.constant(shared, "known")  # equal, but another object
    out.line(0, f"return value in {out.constant(shared, 'known')}")
    assert out.build("member")("a") is True
