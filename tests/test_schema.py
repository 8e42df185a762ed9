"""JSON Schema export: valid schemas, agreement with the contract, portable patterns."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from pytest_bedrock_mock import builders, contract
from pytest_bedrock_mock.contract import schema
from pytest_bedrock_mock.core import rules, wire
from pytest_bedrock_mock.core.javaregex import full_match
from pytest_bedrock_mock.core.model import get_model, load_raw_model, use_model

CREATE = "CreateModelCustomizationJob"
GET = "GetModelCustomizationJob"


def _validator(operation: str, *, output: bool = False) -> Draft202012Validator:
    return Draft202012Validator(schema.json_schema(operation, output=output))


def _model_patterns() -> list[str]:
    found: set[str] = set()
    seen: set[str] = set()

    def walk(shape: Any) -> None:
        if shape.name in seen:
            return
        seen.add(shape.name)
        if "pattern" in shape.metadata:
            found.add(shape.metadata["pattern"])
        for member in getattr(shape, "members", {}).values():
            walk(member)
        for attr in ("member", "key", "value"):
            if hasattr(shape, attr):
                walk(getattr(shape, attr))

    model = get_model()
    for op in model.operations:
        walk(model.input_shape(op))
        walk(model.output_shape(op))
    return sorted(found)


def test_every_schema_is_valid_draft_2020_12() -> None:
    schemas = schema.json_schemas()
    assert set(schemas) == {f"{op}.{part}.schema.json" for op in get_model().operations for part in ("request", "response")}
    for body in schemas.values():
        assert body["$schema"] == schema.DRAFT
        Draft202012Validator.check_schema(body)


def test_schema_carries_the_model_constraints() -> None:
    body = schema.json_schema(CREATE)
    assert set(body["required"]) == set(get_model().input_shape(CREATE).required_members)
    assert body["additionalProperties"] is False
    name = body["properties"]["jobName"]
    assert (name["minLength"], name["maxLength"]) == (1, 63)
    assert name["pattern"].startswith("^(?:") and "\\d" not in name["pattern"]
    assert body["properties"]["customizationType"]["enum"] == list(get_model().customization_types)
    union = body["$defs"]["CustomizationConfig"]
    assert (union["minProperties"], union["maxProperties"]) == (1, 1)
    epochs = body["$defs"]["RFTHyperParameters"]["properties"]["epochCount"]
    assert (epochs["type"], epochs["minimum"], epochs["maximum"]) == ("integer", 1, 50)
    response = schema.json_schema(GET, output=True)
    assert response["properties"]["creationTime"]["type"] == "string"
    assert "additionalProperties" not in response, "responses stay open to fields newer than the model"
    assert response["properties"]["status"]["examples"] == list(get_model().statuses)


@pytest.mark.parametrize("ctype", get_model().customization_types)
def test_builder_requests_and_wire_responses_validate(ctype: str) -> None:
    if ctype in rules.creatable_types():  # a type Create does not take has no request to build
        request = builders.create_job_request(ctype, seed=3)
        assert list(_validator(CREATE).iter_errors(request)) == []
    for status in get_model().statuses:
        job = builders.job_description(status, ctype, seed=5)
        body = json.loads(wire.encode_response(GET, job)[2])
        assert [e.message for e in _validator(GET, output=True).iter_errors(body)] == []


def test_wire_timestamps_match_and_datetimes_do_not() -> None:
    validator = _validator("ListModelCustomizationJobs")
    assert validator.is_valid({"creationTimeAfter": "2024-05-01T12:34:56.789Z"})
    assert not validator.is_valid({"creationTimeAfter": "yesterday"})
    assert not validator.is_valid({"creationTimeAfter": "2024-05-01T12:34:56.789Z\n"})
    assert contract.validate_request("ListModelCustomizationJobs", {"creationTimeAfter": dt.datetime(2024, 5, 1)}) == []


def _mutations() -> list[tuple[str, dict[str, Any], str]]:
    """(label, params, expected violation kind) made from a valid request by one targeted change."""
    base = builders.create_job_request("REINFORCEMENT_FINE_TUNING", seed=11)
    rft = base["customizationConfig"]["rftConfig"]

    def change(label: str, kind: str, **edits: Any) -> tuple[str, dict[str, Any], str]:
        params = json.loads(json.dumps(base))
        for key, value in edits.items():
            if value is _DROP:
                params.pop(key)
            else:
                params[key] = value
        return label, params, kind

    hyper = {**rft, "hyperParameters": {**rft["hyperParameters"], "epochCount": 51}}
    return [
        change("required", "required", jobName=_DROP),
        change("type", "type", jobName=5),
        change("unknown member", "unknown_member", colour="blue"),
        change("too short", "min_length", jobName=""),
        change("too long", "max_length", jobName="a" * 64),
        change("pattern", "pattern", jobName="bad name!"),
        change("pattern, trailing newline", "pattern", jobName="good-name\n"),
        change("pattern, non-ASCII digit", "pattern", jobName="job\u0663"),
        change("enum", "enum", customizationType="NOT_A_TYPE"),
        change("union none", "union_none", customizationConfig={}),
        change("union many", "union_many", customizationConfig={**base["customizationConfig"], "distillationConfig": {"teacherModelConfig": {"teacherModelIdentifier": "amazon.nova-pro-v1:0"}}}),
        change("number too big", "max_value", customizationConfig={"rftConfig": hyper}),
        change("list too long", "max_items", jobTags=[{"key": f"k{i}", "value": "v"} for i in range(201)]),
        change("bool for integer", "type", customizationConfig={"rftConfig": {**rft, "hyperParameters": {**rft["hyperParameters"], "epochCount": True}}}),
    ]


_DROP = object()


@pytest.mark.parametrize("label, params, kind", _mutations(), ids=[m[0] for m in _mutations()])
def test_schema_and_validate_request_agree_on_labelled_invalid(label: str, params: dict[str, Any], kind: str) -> None:
    violations = contract.validate_request(CREATE, params)
    assert kind in [v.kind for v in violations], violations
    keywords = {e.validator for e in _validator(CREATE).iter_errors(params)}
    assert _KEYWORD[kind] in keywords, f"{label}: the schema reported {keywords}, the contract {kind}"


#: The JSON Schema keyword that catches each contract violation kind.
_KEYWORD = {
    "required": "required", "type": "type", "unknown_member": "additionalProperties", "min_length": "minLength",
    "max_length": "maxLength", "pattern": "pattern", "enum": "enum", "max_items": "maxItems", "max_value": "maximum",
    "union_none": "minProperties", "union_many": "maxProperties",
}


def test_schema_and_validate_request_agree_with_the_strategies() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from pytest_bedrock_mock import strategies

    validator = _validator(CREATE)

    @given(st.one_of(strategies.create_job_requests().map(lambda p: (p, None)), strategies.invalid_create_job_requests()))
    def check(case: tuple[dict[str, Any], Any]) -> None:
        params, violation = case
        assert (contract.validate_request(CREATE, params) == []) == (violation is None)
        # the request rules (core.rules) span members and the caller's region: JSON Schema does not express them
        assert validator.is_valid(params) == (violation is None or violation.kind == "rule"), (violation, params)

    check()


def test_an_added_member_and_enum_value_flow_into_the_schema() -> None:
    raw = load_raw_model()
    raw["shapes"]["CustomizationType"]["enum"].append("FUTURE_TUNING")
    raw["shapes"]["CustomizationConfig"]["members"]["futureConfig"] = {"shape": "VpcConfig"}
    with use_model(raw):
        body = schema.json_schema(CREATE)
    assert "FUTURE_TUNING" in body["properties"]["customizationType"]["enum"]
    assert "futureConfig" in body["$defs"]["CustomizationConfig"]["properties"]


def test_write_schemas(tmp_path: Any) -> None:
    paths = schema.write_schemas(tmp_path / "out")
    assert sorted(p.name for p in paths) == sorted(schema.json_schemas())
    assert json.loads(paths[0].read_text()) == schema.json_schemas()[paths[0].name]
    assert not list((tmp_path / "out").glob("*.tmp"))


_SAMPLES = [
    "abc", "job-1", "a\n", "\nabc", "x" * 70, "123", "\u0663\u0664", "a\u00a0b", "a b", "a\u2028b",
    "s3://example-bucket/data/", "arn:aws:iam::123456789012:role/FakeRole", "arn:aws:iam::123456789012:role/Fake\nRole",
    "arn:aws:lambda:us-east-1:123456789012:function:fake-grader", "arn:aws:lambda:us-east-1:123456789012:function:g:$LATEST",
    "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-abcd-0123-0123456789ab", "alias/my-key", "amazon.nova-pro-v1:0",
    "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k", "sg-0123", "subnet-0123", "a_b-c.d",
    "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.titan-text-express-v1:0:8k/pc2v9cmxjzlq",
]


def test_patterns_agree_across_python_java_semantics_and_node() -> None:
    patterns = _model_patterns()
    translated = [schema.ecma_pattern(p) for p in patterns]
    import re

    for java, ecma in zip(patterns, translated, strict=True):
        for sample in _SAMPLES:
            assert (re.search(ecma, sample) is not None) == full_match(java, sample), (java, ecma, sample)
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: ECMA-262 (u flag) check skipped")
    script = (
        "const [pats, samples] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(pats.map(p => { const r = new RegExp(p, 'u'); return samples.map(s => r.test(s)); })));"
    )
    out = subprocess.run([node, "-e", script], input=json.dumps([translated, _SAMPLES]), capture_output=True, text=True, check=True)
    results = json.loads(out.stdout)
    for java, row in zip(patterns, results, strict=True):
        assert row == [full_match(java, s) for s in _SAMPLES], java
