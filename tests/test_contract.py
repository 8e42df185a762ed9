"""Contract validation: labelled violations of every kind, AWS messages, and agreement with botocore.

Every labelled-invalid payload is also fed to botocore's real
``botocore.validate.validate_parameters``: it must raise ``ParamValidationError``
exactly when one of our violations says ``client_side``.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ParamValidationError
from botocore.validate import validate_parameters
from hypothesis import given
from hypothesis import strategies as st

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.contract.validate import (
    KINDS,
    PATTERN_SKIP_LENGTH,
    Violation,
    validate_request,
    validate_response,
    validation_message,
)
from pytest_bedrock_mock.core.javaregex import full_match, java_length
from pytest_bedrock_mock.core.model import get_model

CREATE, GET, LIST, STOP = (
    "CreateModelCustomizationJob",
    "GetModelCustomizationJob",
    "ListModelCustomizationJobs",
    "StopModelCustomizationJob",
)
RFT = "customizationConfig.rftConfig"
FILTERS = "trainingDataConfig.invocationLogsConfig.requestMetadataFilters"


def _meta(op: str, path: str) -> dict[str, Any]:
    return dict(get_model().shape_at(op, path, output=False).metadata)


def base_create() -> dict[str, Any]:
    """A valid, feature-rich Create request (RFT, tags, VPC, invocation-log filters)."""
    params = builders.create_job_request("REINFORCEMENT_FINE_TUNING", seed=11)
    params["jobTags"] = [{"key": f"team-{i}", "value": f"ml {i}"} for i in range(5)]
    params["vpcConfig"] = {"subnetIds": ["subnet-0123456789abcdef0"], "securityGroupIds": ["sg-0123456789abcdef0"]}
    params["clientRequestToken"] = "a1b2c3d4-token"
    params["trainingDataConfig"]["invocationLogsConfig"] = {
        "invocationLogSource": {"s3Uri": "s3://example-logs-bucket/invocations/"},
        "requestMetadataFilters": {"equals": {"project": "alpha-1"}},
    }
    params["customizationConfig"]["rftConfig"]["hyperParameters"]["reasoningEffort"] = "low"
    return params


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(params: dict[str, Any]) -> None:
        *parents, last = _steps(path)
        node: Any = params
        for step in parents:
            node = node[step]
        if value is _DELETE:
            del node[last]
        else:
            node[last] = value

    return apply


def _steps(path: str) -> list[Any]:
    out: list[Any] = []
    for part in path.split("."):
        name, _, rest = part.partition("[")
        out.append(name)
        if rest:
            out.append(int(rest.rstrip("]")))
    return out


_DELETE = object()
_TAGS_201 = [{"key": f"k{i}", "value": "v"} for i in range(201)]

#: (id, operation, change to a valid base request, the exact (path, kind) list expected)
CASES: list[tuple[str, str, Callable[[dict[str, Any]], None], list[tuple[str, str]]]] = [
    ("required-top", CREATE, _set("jobName", _DELETE), [("jobName", "required")]),
    ("required-none", CREATE, _set("roleArn", None), [("roleArn", "required")]),
    ("required-tag", CREATE, _set("jobTags[3].key", _DELETE), [("jobTags[3].key", "required")]),
    ("required-deep", CREATE, _set(f"{RFT}.graderConfig.lambdaGrader.lambdaArn", _DELETE), [(f"{RFT}.graderConfig.lambdaGrader.lambdaArn", "required")]),
    ("required-get", GET, _set("jobIdentifier", _DELETE), [("jobIdentifier", "required")]),
    ("type-string", CREATE, _set("jobName", 123), [("jobName", "type")]),
    ("type-int", CREATE, _set(f"{RFT}.hyperParameters.epochCount", "5"), [(f"{RFT}.hyperParameters.epochCount", "type")]),
    ("type-list", CREATE, _set("jobTags", "team=ml"), [("jobTags", "type")]),
    ("type-optional-none", CREATE, _set("jobTags", None), [("jobTags", "type")]),
    ("type-map-value", CREATE, _set("hyperParameters", {"epochCount": 2}), [("hyperParameters.epochCount", "type")]),
    ("type-timestamp", LIST, _set("creationTimeAfter", "last tuesday-ish"), [("creationTimeAfter", "type")]),
    ("type-bool-int-in-range", LIST, _set("maxResults", True), [("maxResults", "type")]),
    ("type-bool-int-below-min", CREATE, _set(f"{RFT}.hyperParameters.epochCount", False), [(f"{RFT}.hyperParameters.epochCount", "type")]),
    ("type-bool-float", CREATE, _set(f"{RFT}.hyperParameters.learningRate", True), [(f"{RFT}.hyperParameters.learningRate", "type")]),
    ("type-bool-timestamp", LIST, _set("creationTimeBefore", True), [("creationTimeBefore", "type")]),
    ("unknown-top", CREATE, _set("jobTag", []), [("jobTag", "unknown_member")]),
    ("unknown-nested", CREATE, _set("trainingDataConfig.s3URI", "s3://example-bucket/x"), [("trainingDataConfig.s3URI", "unknown_member")]),
    ("min-length", CREATE, _set("customModelName", ""), [("customModelName", "min_length"), ("customModelName", "pattern")]),
    ("min-length-tag", CREATE, _set("jobTags[3].key", ""), [("jobTags[3].key", "min_length")]),
    ("max-length", CREATE, _set("jobName", "a" * 64), [("jobName", "max_length")]),
    ("max-length-s3", CREATE, _set("trainingDataConfig.s3Uri", "s3://example-bucket/" + "d" * 1010), [("trainingDataConfig.s3Uri", "max_length")]),
    ("max-length-tag-value", CREATE, _set("jobTags[3].value", "v" * 257), [("jobTags[3].value", "max_length")]),
    ("pattern", CREATE, _set("jobName", "x y"), [("jobName", "pattern")]),
    ("pattern-s3", CREATE, _set("trainingDataConfig.s3Uri", "https://example-bucket/train.jsonl"), [("trainingDataConfig.s3Uri", "pattern")]),
    ("pattern-tag", CREATE, _set("jobTags[3].key", "cost!"), [("jobTags[3].key", "pattern")]),
    ("pattern-get", GET, _set("jobIdentifier", "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/x"), [("jobIdentifier", "pattern")]),
    ("enum", CREATE, _set("customizationType", "PRETRAINING"), [("customizationType", "enum")]),
    ("enum-deep", CREATE, _set(f"{RFT}.hyperParameters.reasoningEffort", "extreme"), [(f"{RFT}.hyperParameters.reasoningEffort", "enum")]),
    ("enum-list", LIST, _set("sortOrder", "Sideways"), [("sortOrder", "enum")]),
    ("min-items-list", CREATE, _set("vpcConfig.subnetIds", []), [("vpcConfig.subnetIds", "min_items")]),
    ("min-items-map", CREATE, _set(f"{FILTERS}.equals", {}), [(f"{FILTERS}.equals", "min_items")]),
    ("min-items-filter-list", CREATE, _set(FILTERS, {"andAll": []}), [(f"{FILTERS}.andAll", "min_items")]),
    ("max-items-list", CREATE, _set("jobTags", _TAGS_201), [("jobTags", "max_items")]),
    ("max-items-sg", CREATE, _set("vpcConfig.securityGroupIds", [f"sg-{i:017x}" for i in range(6)]), [("vpcConfig.securityGroupIds", "max_items")]),
    ("max-items-map", CREATE, _set(f"{FILTERS}.equals", {"project": "a", "team": "b"}), [(f"{FILTERS}.equals", "max_items")]),
    ("min-value", CREATE, _set(f"{RFT}.hyperParameters.epochCount", 0), [(f"{RFT}.hyperParameters.epochCount", "min_value")]),
    ("min-value-float", CREATE, _set(f"{RFT}.hyperParameters.learningRate", 1e-8), [(f"{RFT}.hyperParameters.learningRate", "min_value")]),
    ("min-value-list-op", LIST, _set("maxResults", 0), [("maxResults", "min_value")]),
    ("max-value", CREATE, _set(f"{RFT}.hyperParameters.epochCount", 51), [(f"{RFT}.hyperParameters.epochCount", "max_value")]),
    ("max-value-float", CREATE, _set(f"{RFT}.hyperParameters.learningRate", 0.01), [(f"{RFT}.hyperParameters.learningRate", "max_value")]),
    ("max-value-batch", CREATE, _set(f"{RFT}.hyperParameters.batchSize", 513), [(f"{RFT}.hyperParameters.batchSize", "max_value")]),
    ("union-none", CREATE, _set("customizationConfig", {}), [("customizationConfig", "union_none")]),
    ("union-none-deep", CREATE, _set(f"{RFT}.graderConfig", {}), [(f"{RFT}.graderConfig", "union_none")]),
    ("union-many", CREATE, lambda p: p["customizationConfig"].update(distillationConfig={"teacherModelConfig": {"teacherModelIdentifier": "amazon.nova-pro-v1:0"}}), [("customizationConfig", "union_many")]),
    ("union-many-filters", CREATE, _set(FILTERS, {"equals": {"a": "b"}, "notEquals": {"c": "d"}}), [(FILTERS, "union_many")]),
    ("union-member-none", CREATE, _set(FILTERS, {"equals": None}), [(f"{FILTERS}.equals", "type")]),
    ("rule-config-required", CREATE, _set("customizationConfig", _DELETE), [(RFT, "rule")]),
    ("rule-config-needs-type", CREATE, _set("customizationType", "FINE_TUNING"), [("customizationType", "rule")]),
    ("rule-config-without-type", CREATE, _set("customizationType", _DELETE), [("customizationType", "rule")]),
    ("rule-not-creatable", CREATE, _set("customizationType", "IMPORTED"), [("customizationType", "rule")]),
    ("rule-base-model-form", CREATE, _set("baseModelIdentifier", "x.y.z"), [("baseModelIdentifier", "rule")]),
    ("rule-base-model-partition", CREATE, _set("baseModelIdentifier", "arn:aws-cn:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k"),
     [("baseModelIdentifier", "rule")]),
    # the rules are checked only when every field is valid, as the service does
    ("rule-after-fields", CREATE, lambda p: p.update(customizationType="FINE_TUNING", jobName="x y"), [("jobName", "pattern")]),
]

_BASES: dict[str, Callable[[], dict[str, Any]]] = {
    CREATE: base_create,
    GET: lambda: {"jobIdentifier": "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.titan-text-express-v1:0:8k/pc2v9cmxjzlq"},
    LIST: lambda: {"maxResults": 10, "sortOrder": "Descending", "creationTimeAfter": dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)},
    STOP: lambda: {"jobIdentifier": "cedar-ft-0042"},
}


def _labelled(op: str, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    params = _BASES[op]()
    change(params)
    return params


def _botocore_rejects(op: str, params: Any) -> bool:
    """Whether botocore refuses ``params`` before sending: its validator reports them, or raises while
    reading them (a number too large for a timestamp raises ``RuntimeError`` from its timestamp parser)."""
    try:
        validate_parameters(params, get_model().input_shape(op))
    except (ParamValidationError, RuntimeError):
        return True
    return False


@pytest.mark.parametrize("op", list(_BASES))
def test_bases_are_valid(op: str) -> None:
    assert validate_request(op, _BASES[op]()) == []
    assert not _botocore_rejects(op, _BASES[op]())


def test_every_kind_is_labelled_client_and_service_side() -> None:
    kinds = {kind for *_, expected in CASES for _, kind in expected}
    assert kinds == set(KINDS)
    nested = {path for *_, expected in CASES for path, _ in expected}
    assert {"trainingDataConfig.s3Uri", "jobTags[3].key", f"{RFT}.hyperParameters.epochCount", f"{FILTERS}.equals"} <= nested


@pytest.mark.parametrize(("op", "change", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_labelled_violation(op: str, change: Callable[[dict[str, Any]], None], expected: list[tuple[str, str]]) -> None:
    params = _labelled(op, change)
    violations = validate_request(op, params)
    assert [(v.path, v.kind) for v in violations] == expected
    assert _botocore_rejects(op, params) is any(v.client_side for v in violations)
    for v in violations:
        assert v.message.endswith(f"at '{v.path}' failed to satisfy constraint: {v.constraint}")


def test_client_side_agrees_with_kinds_table() -> None:
    for kind, client in KINDS.items():
        shape_type = "map" if kind == "min_items" and not client else "list" if kind == "min_items" else ""
        assert Violation("x", kind, "c", "v", shape_type=shape_type).client_side is client
    assert Violation("x", "min_items", "c", {}, shape_type="map").client_side is False
    assert Violation("x", "type", "c", True, shape_type="integer").client_side is False
    assert Violation("x", "type", "c", True, shape_type="float").client_side is False
    assert Violation("x", "type", "c", True, shape_type="string").client_side is True


# -- messages ---------------------------------------------------------------------------------------------


def test_single_pattern_message_is_the_services() -> None:
    params = _labelled(CREATE, _set("jobName", "x y"))
    pattern = _meta(CREATE, "jobName")["pattern"]
    assert validation_message(validate_request(CREATE, params)) == (
        "1 validation error detected: Value 'x y' at 'jobName' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}"
    )


def test_several_violations_are_counted_and_joined() -> None:
    params = base_create()
    del params["roleArn"]
    params["jobName"] = "x y"
    params["customizationType"] = "PRETRAINING"
    violations = validate_request(CREATE, params)
    enum = ", ".join(get_model().customization_types)
    assert validation_message(violations) == (
        "3 validation errors detected: "
        "Value null at 'roleArn' failed to satisfy constraint: Member must not be null; "
        f"Value 'x y' at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern: {_meta(CREATE, 'jobName')['pattern']}; "
        f"Value 'PRETRAINING' at 'customizationType' failed to satisfy constraint: Member must satisfy enum value set: [{enum}]"
    )


#: How Java's Double.toString prints the float bounds in scope (the model stores 1e-07 and 0.001).
_JAVA_FLOATS = {1e-07: "1.0E-7", 0.001: "0.001"}


@pytest.mark.parametrize(
    ("path", "value", "bound", "template"),
    [
        ("jobName", "a" * 64, "max", "Member must have length less than or equal to {}"),
        ("customModelName", "", "min", "Member must have length greater than or equal to {}"),
        (f"{RFT}.hyperParameters.learningRate", 1e-8, "min", "Member must have value greater than or equal to {}"),
        (f"{RFT}.hyperParameters.learningRate", 0.5, "max", "Member must have value less than or equal to {}"),
        (f"{RFT}.hyperParameters.epochCount", 0, "min", "Member must have value greater than or equal to {}"),
        (f"{RFT}.hyperParameters.batchSize", 600, "max", "Member must have value less than or equal to {}"),
        ("jobTags", _TAGS_201, "max", "Member must have length less than or equal to {}"),
    ],
)
def test_constraint_wording_and_java_numbers(path: str, value: Any, bound: str, template: str) -> None:
    shape = get_model().shape_at(CREATE, path, output=False)
    limit = shape.metadata[bound]
    text = _JAVA_FLOATS[limit] if shape.type_name == "float" else str(limit)
    violations = validate_request(CREATE, _labelled(CREATE, _set(path, value)))
    assert template.format(text) in [v.constraint for v in violations]


def test_java_rendering_of_values() -> None:
    (v,) = validate_request(CREATE, _labelled(CREATE, _set(f"{RFT}.hyperParameters.learningRate", 1e-8)))
    assert v.message.startswith("Value '1.0E-8' at")
    (v,) = validate_request(CREATE, _labelled(CREATE, _set(f"{RFT}.hyperParameters.learningRate", 0.01)))
    assert v.message.startswith("Value '0.01' at")
    groups = [f"sg-{i}" for i in range(6)]
    (v,) = validate_request(CREATE, _labelled(CREATE, _set("vpcConfig.securityGroupIds", groups)))
    assert v.message.startswith("Value '[sg-0, sg-1, sg-2, sg-3, sg-4, sg-5]' at 'vpcConfig.securityGroupIds'")


def test_sensitive_values_are_hidden_all_the_way_down() -> None:
    assert _meta(CREATE, f"{FILTERS}.equals")["sensitive"] is True
    (v,) = validate_request(CREATE, _labelled(CREATE, _set(f"{FILTERS}.equals", {})))
    assert v.message == (
        f"Value at '{FILTERS}.equals' failed to satisfy constraint: Member must have length greater than or equal to 1"
    )
    secret = "s3cr3t\u2028"
    violations = validate_request(CREATE, _labelled(CREATE, _set(f"{FILTERS}.equals", {"project": secret})))
    assert [(v.path, v.kind) for v in violations] == [(f"{FILTERS}.equals.project", "pattern")]
    assert violations[0].message.startswith(f"Value at '{FILTERS}.equals.project'")
    violations = validate_request(CREATE, _labelled(CREATE, _set(f"{FILTERS}.equals", {"bad key!": "x"})))
    assert [(v.path, v.kind) for v in violations] == [(f"{FILTERS}.equals.{{key}}", "pattern")]
    assert "bad key!" not in validation_message(violations)


def test_missing_value_is_null() -> None:
    (v,) = validate_request(GET, {})
    assert v.message == "Value null at 'jobIdentifier' failed to satisfy constraint: Member must not be null"
    assert str(v) == f"jobIdentifier: required: {v.message}"


@pytest.mark.parametrize("member", ["jobName", "baseModelIdentifier"])
@pytest.mark.parametrize("char", ["a", "\u00e9"], ids=["ascii", "non-ascii"])
def test_a_huge_value_is_rejected_on_its_length_before_any_regex_runs(member: str, char: str) -> None:
    params = base_create()
    params[member] = char * (10_000_000 // len(char.encode()))  # 10 MB of UTF-8
    start = time.perf_counter()
    violations = validate_request(CREATE, params)
    elapsed = time.perf_counter() - start
    maximum = _meta(CREATE, member)["max"]
    assert [(v.path, v.kind) for v in violations] == [(member, "max_length")]
    assert violations[0].constraint == f"Member must have length less than or equal to {maximum}"
    assert elapsed < 0.05, f"{elapsed * 1000:.1f} ms"


def test_an_over_long_value_below_the_skip_length_still_gets_its_pattern_checked() -> None:
    name = "x y" * 30
    assert 63 < len(name) < PATTERN_SKIP_LENGTH
    kinds = [v.kind for v in validate_request(CREATE, _labelled(CREATE, _set("jobName", name)))]
    assert kinds == ["max_length", "pattern"]
    kinds = [v.kind for v in validate_request(CREATE, _labelled(CREATE, _set("jobName", "x y" * PATTERN_SKIP_LENGTH)))]
    assert kinds == ["max_length"]


# -- responses ------------------------------------------------------------------------------------------------


def test_response_checks_required_types_and_patterns_but_tolerates_newer_enum_values() -> None:
    job = builders.job_description("Completed", "FINE_TUNING", seed=5)
    assert validate_response(GET, {**job, "ResponseMetadata": {"HTTPStatusCode": 200}}) == []
    broken = dict(job, jobArn="arn:aws:bedrock:us-east-1:123456789012:job/x", status="Paused", creationTime="not a time")
    del broken["jobName"]
    found = {(v.path, v.kind) for v in validate_response(GET, broken)}
    assert found == {("jobArn", "pattern"), ("jobName", "required"), ("creationTime", "type")}
    iso = dict(job, creationTime="2024-05-01T12:00:00.123Z", extraFieldFromTheFuture=1)
    assert validate_response(GET, iso) == []


# -- properties -----------------------------------------------------------------------------------------------


@given(st.text(max_size=80))
def test_job_name_pattern_and_length_violations_follow_the_pattern_and_java_length(name: str) -> None:
    meta = _meta(CREATE, "jobName")
    params = base_create()
    params["jobName"] = name
    kinds = {v.kind for v in validate_request(CREATE, params) if v.path == "jobName"}
    assert ("pattern" in kinds) is not full_match(meta["pattern"], name)
    assert ("min_length" in kinds) is (java_length(name) < meta["min"])
    assert ("max_length" in kinds) is (java_length(name) > meta["max"])
    assert kinds <= {"pattern", "min_length", "max_length"}


@given(st.text(alphabet=st.sampled_from("ab😀é \n"), max_size=300))
def test_tag_value_length_counts_utf16_units(value: str) -> None:
    meta = _meta(CREATE, "jobTags[].value")
    params = base_create()
    params["jobTags"][3]["value"] = value
    kinds = {v.kind for v in validate_request(CREATE, params)}
    assert ("max_length" in kinds) is (java_length(value) > meta["max"])


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 600),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=4),
    st.sampled_from(["2024-05-01T00:00:00Z", "s3://example-bucket/x", "InProgress", "FINE_TUNING"]),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.sampled_from(["s3Uri", "key", "value", "bogus", "equals", "rftConfig"]), st.text(max_size=3), max_size=2),
)


def _containers(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``node`` (dict keys and list indexes)."""
    out = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        out.append((*path, key))
        out.extend(_containers(child, (*path, key)))
    return out


def test_a_timestamp_botocore_cannot_read_is_refused_client_side() -> None:
    """botocore's timestamp parser raises RuntimeError for an epoch beyond the platform's range: refused before sending."""
    params = {"creationTimeAfter": 6.77680384007209e16}
    assert _botocore_rejects("ListModelCustomizationJobs", params)
    violations = validate_request("ListModelCustomizationJobs", params)
    assert [(v.path, v.client_side) for v in violations] == [("creationTimeAfter", True)]


@given(data=st.data())
def test_client_side_agrees_with_botocore_on_random_breakage(data: st.DataObject) -> None:
    op = data.draw(st.sampled_from(list(_BASES)), label="op")
    params = copy.deepcopy(_BASES[op]())
    for _ in range(data.draw(st.integers(1, 2), label="changes")):
        paths = _containers(params)
        where = data.draw(st.sampled_from([(), *paths]), label="where")
        node: Any = params
        for step in where[:-1]:
            node = node[step]
        action = data.draw(st.sampled_from(["set", "delete", "add"]), label="action")
        if not where or action == "add":
            target = params if not where else node[where[-1]]
            if isinstance(target, dict):
                target[data.draw(st.sampled_from(["bogus", "s3Uri", "rftConfig", "jobName", "equals"]))] = data.draw(_VALUES)
        elif action == "delete" and isinstance(node, dict):
            del node[where[-1]]
        else:
            node[where[-1]] = data.draw(_VALUES, label="value")
    violations = validate_request(op, params)
    assert _botocore_rejects(op, params) is any(v.client_side for v in violations), violations


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")], ids=["nan", "inf", "-inf"])
def test_nan_and_infinity_are_refused_on_input(value: float) -> None:
    """JSON has no NaN or Infinity; botocore sends them all the same (it range-checks only -Infinity against a min)."""
    params = base_create()
    params["customizationConfig"]["rftConfig"]["hyperParameters"]["learningRate"] = value
    (violation,) = validate_request(CREATE, params)
    assert (violation.path, violation.kind) == (f"{RFT}.hyperParameters.learningRate", "type")
    assert violation.constraint == "Member must be a finite number"
    shown = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[repr(value)]
    assert violation.message.startswith(f"Value '{shown}' at")
    assert violation.client_side == _botocore_rejects(CREATE, params)


@pytest.mark.parametrize(("value", "kind", "bound"), [(2**31, "max_value", "2147483647"), (2**40, "max_value", "2147483647"),
                                                      (-(2**31) - 1, "min_value", "-2147483648")])
def test_integers_without_a_modelled_range_keep_to_int32(value: int, kind: str, bound: str) -> None:
    params = base_create()
    params["customizationConfig"]["rftConfig"]["hyperParameters"]["maxPromptLength"] = value
    (violation,) = validate_request(CREATE, params)
    assert (violation.kind, violation.constraint.rsplit(" ", 1)[-1]) == (kind, bound)
    assert not violation.client_side and not _botocore_rejects(CREATE, params)  # botocore checks only a modelled min
    params["customizationConfig"]["rftConfig"]["hyperParameters"]["maxPromptLength"] = 2**31 - 1
    assert validate_request(CREATE, params) == []
