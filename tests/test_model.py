"""The model layer: botocore's bedrock model, loaded once, and nothing hand-copied.

The central test builds a modified copy of the raw model (an extra job status, an
extra ``CustomizationConfig`` union member, an extra Get error) and shows each one
flows through every layer with no code change.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.model import ServiceModel

from pytest_bedrock_mock import builders, contract
from pytest_bedrock_mock.core import model, wire
from pytest_bedrock_mock.core.model import OPERATIONS, UnknownNameError, get_model, load_raw_model, use_model
from pytest_bedrock_mock.fakes.simulator import simulate
from pytest_bedrock_mock.fakes.simulator.backend import ApiError, Backend

#: Wire facts from shared/ARCHITECTURE.md (public captures) -- a cross-check only;
#: every assertion against the model reads the model itself.
ARCHITECTURE_ERROR_STATUS = {
    "ValidationException": 400,
    "ConflictException": 400,
    "ServiceQuotaExceededException": 400,
    "TooManyTagsException": 400,
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ThrottlingException": 429,
    "InternalServerException": 500,
}
ARCHITECTURE_SUCCESS_STATUS = {
    "CreateModelCustomizationJob": 201,
    "GetModelCustomizationJob": 200,
    "ListModelCustomizationJobs": 200,
    "StopModelCustomizationJob": 200,
}

NEW_STATUS = "Queued"
NEW_MEMBER = "futureConfig"
NEW_ERROR = "JobLockedException"


@pytest.fixture(scope="module")
def botocore_model() -> Any:
    """botocore's own view of the service model, loaded independently of ours."""
    return botocore.session.Session().get_service_model("bedrock")


# -- loading ------------------------------------------------------------------------------


def test_model_is_loaded_once_per_process() -> None:
    assert get_model() is get_model()


def test_concurrent_first_loads_share_one_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "_current", None)
    barrier = threading.Barrier(8)
    seen: list[model.BedrockModel] = []

    def load() -> None:
        barrier.wait()
        seen.append(get_model())

    threads = [threading.Thread(target=load) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8
    assert all(m is seen[0] for m in seen)


def test_load_raw_model_is_a_private_copy() -> None:
    first = load_raw_model()
    first["shapes"]["ModelCustomizationJobStatus"]["enum"].append("Mutated")
    assert "Mutated" not in load_raw_model()["shapes"]["ModelCustomizationJobStatus"]["enum"]
    assert "Mutated" not in get_model().statuses


# -- operations and shapes ---------------------------------------------------------------------


@pytest.mark.parametrize("op", OPERATIONS)
def test_operations_and_shapes_are_botocores(op: str, botocore_model: Any) -> None:
    m = get_model()
    real = botocore_model.operation_model(op)
    assert m.operation(op).name == op
    assert m.operation(m.method_name(op)).name == op  # snake_case names resolve too
    assert m.method_name(op) == botocore.xform_name(op)
    assert m.input_shape(op).name == real.input_shape.name
    assert m.output_shape(op).name == real.output_shape.name
    assert list(m.input_shape(op).members) == list(real.input_shape.members)
    assert m.input_shape(op).required_members == real.input_shape.required_members
    assert m.success_status(op) == int(real.http.get("responseCode", 200))
    assert m.success_status(op) == ARCHITECTURE_SUCCESS_STATUS[op]


def test_create_input_shape_requires_what_the_model_requires(botocore_model: Any) -> None:
    shape = get_model().input_shape("create_model_customization_job")
    assert set(shape.required_members) >= {"jobName", "customModelName", "roleArn", "baseModelIdentifier", "trainingDataConfig"}
    assert get_model().shape_at("CreateModelCustomizationJob", "jobTags.[].key", output=False).name == "TagKey"
    assert get_model().shape_at("GetModelCustomizationJob", "hyperParameters.{}").type_name == "string"


@pytest.mark.parametrize("op", OPERATIONS)
def test_errors_come_from_the_model_with_their_http_status(op: str, botocore_model: Any) -> None:
    errors = get_model().errors(op)
    real = botocore_model.operation_model(op).error_shapes
    assert list(errors) == [s.metadata.get("error", {}).get("code", s.name) for s in real]
    for shape in real:
        info = errors[shape.name]
        assert info.http_status == shape.metadata["error"]["httpStatusCode"]
        assert info.shape.name == shape.name
        assert get_model().error(op, shape.name) == info
        # cross-check against the wire facts written down from public captures
        assert info.http_status == ARCHITECTURE_ERROR_STATUS[info.code]
        assert info.sender_fault == (info.http_status < 500)


def test_create_has_the_eight_documented_errors() -> None:
    errors = get_model().errors("CreateModelCustomizationJob")
    assert {c: e.http_status for c, e in errors.items()} == ARCHITECTURE_ERROR_STATUS


def test_enums_are_read_from_the_model(botocore_model: Any) -> None:
    m = get_model()
    shapes = botocore_model.shape_for
    assert m.statuses == tuple(shapes("ModelCustomizationJobStatus").enum)
    assert m.sub_statuses == tuple(shapes("JobStatusDetails").enum)
    assert m.customization_types == tuple(shapes("CustomizationType").enum)
    assert m.sub_tasks == tuple(shapes("StatusDetails").members)
    assert m.union_members(shapes("CustomizationConfig")) == tuple(shapes("CustomizationConfig").members)
    assert m.union_members(shapes("TrainingDataConfig")) == ()
    assert {"InProgress", "Completed", "Failed", "Stopping", "Stopped"} <= set(m.statuses)
    assert {"FINE_TUNING", "DISTILLATION"} <= set(m.customization_types)


# -- unknown names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "choices"),
    [
        (lambda m: m.operation("DeleteModelCustomizationJob"), lambda m: OPERATIONS),
        (lambda m: m.operation(None), lambda m: OPERATIONS),
        (lambda m: m.status("Running"), lambda m: m.statuses),
        (lambda m: m.customization_type("PRETRAINING"), lambda m: m.customization_types),
        (lambda m: m.error("GetModelCustomizationJob", "ConflictException"), lambda m: tuple(m.errors("GetModelCustomizationJob"))),
        (lambda m: m.shape_at("GetModelCustomizationJob", "statusDetails.bogus"), lambda m: m.sub_tasks),
    ],
    ids=["operation", "operation-None", "status", "customization-type", "error-code", "member"],
)
def test_unknown_names_list_the_valid_choices(call: Any, choices: Any) -> None:
    m = get_model()
    with pytest.raises(UnknownNameError) as info:
        call(m)
    valid = tuple(choices(m))
    assert info.value.choices == valid
    assert all(choice in str(info.value) for choice in valid)
    assert repr(info.value.name) in str(info.value)


def test_snake_case_and_camel_case_are_accepted_but_nothing_else() -> None:
    m = get_model()
    assert m.operation_name("list_model_customization_jobs") == "ListModelCustomizationJobs"
    with pytest.raises(UnknownNameError):
        m.operation_name("listModelCustomizationJobs")


# -- nothing hand-copied: a modified model flows through ------------------------------------------


def _modified_raw() -> dict[str, Any]:
    raw = load_raw_model()
    shapes = raw["shapes"]
    for enum in ("ModelCustomizationJobStatus", "FineTuningJobStatus"):
        shapes[enum]["enum"].append(NEW_STATUS)
    shapes["FutureConfig"] = {"type": "structure", "required": ["knob"], "members": {"knob": {"shape": "JobName"}}}
    shapes["CustomizationConfig"]["members"][NEW_MEMBER] = {"shape": "FutureConfig"}
    shapes[NEW_ERROR] = {
        "type": "structure",
        "members": {"message": {"shape": "NonBlankString"}},
        "error": {"httpStatusCode": 423, "senderFault": True},
        "exception": True,
    }
    raw["operations"]["GetModelCustomizationJob"]["errors"].append({"shape": NEW_ERROR})
    return raw


@pytest.fixture(scope="module")
def modified_raw() -> dict[str, Any]:
    return _modified_raw()


def test_use_model_swaps_and_restores(modified_raw: dict[str, Any]) -> None:
    before = get_model()
    with use_model(modified_raw) as new:
        assert get_model() is new is not before
        with use_model(before) as again:
            assert get_model() is again is before
        assert get_model() is new
    assert get_model() is before
    with pytest.raises(RuntimeError), use_model(modified_raw):
        raise RuntimeError("boom")
    assert get_model() is before


def test_extra_status_flows_through(modified_raw: dict[str, Any]) -> None:
    assert NEW_STATUS not in get_model().statuses
    with pytest.raises(builders.BuildError, match="InProgress"):
        builders.job_description(status=NEW_STATUS)
    enum_violations = contract.validate_request("ListModelCustomizationJobs", {"statusEquals": NEW_STATUS})
    assert [v.kind for v in enum_violations] == ["enum"]
    with use_model(modified_raw):
        assert get_model().statuses[-1] == NEW_STATUS
        assert contract.validate_request("ListModelCustomizationJobs", {"statusEquals": NEW_STATUS}) == []
        bad = contract.validate_request("ListModelCustomizationJobs", {"statusEquals": "Nope"})
        assert [v.kind for v in bad] == ["enum"] and NEW_STATUS in bad[0].message
        for ctype in get_model().customization_types:
            job = builders.job_description(status=NEW_STATUS, customization_type=ctype, seed=3)
            assert job["status"] == NEW_STATUS
            assert contract.validate_response("GetModelCustomizationJob", job) == []
            assert "endTime" not in job and "failureMessage" not in job
        with pytest.raises(UnknownNameError, match=NEW_STATUS):
            get_model().status("Running")
    # the default model again: a response carrying a status newer than the model is still valid
    newer = builders.job_description(status="InProgress", seed=3)
    newer["status"] = NEW_STATUS
    assert contract.validate_response("GetModelCustomizationJob", newer) == []


def test_extra_union_member_flows_through(modified_raw: dict[str, Any]) -> None:
    params = builders.create_job_request("FINE_TUNING", seed=1)
    params["customizationConfig"] = {NEW_MEMBER: {"knob": "dial-1"}}
    assert [v.kind for v in contract.validate_request("CreateModelCustomizationJob", params)] == ["unknown_member"]
    with use_model(modified_raw):
        assert NEW_MEMBER in get_model().union_members(get_model().shape_at("CreateModelCustomizationJob", "customizationConfig", output=False))
        assert contract.validate_request("CreateModelCustomizationJob", params) == []
        params["customizationConfig"]["rftConfig"] = {"graderConfig": {"lambdaGrader": {"lambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:g"}}}
        many = contract.validate_request("CreateModelCustomizationJob", params)
        assert [v.kind for v in many] == ["union_many"]
        assert NEW_MEMBER in many[0].constraint and "rftConfig" in many[0].constraint
        params["customizationConfig"] = {NEW_MEMBER: {"knob": "not valid!"}}
        bad = contract.validate_request("CreateModelCustomizationJob", params)
        assert [(v.path, v.kind) for v in bad] == [(f"customizationConfig.{NEW_MEMBER}.knob", "pattern")]
        job = builders.job_description("InProgress", seed=2)
        job["customizationConfig"] = {NEW_MEMBER: {"knob": "dial-1"}}
        assert contract.validate_response("GetModelCustomizationJob", job) == []


def test_extra_error_flows_through(modified_raw: dict[str, Any]) -> None:
    with pytest.raises(UnknownNameError):
        get_model().error("GetModelCustomizationJob", NEW_ERROR)
    with use_model(modified_raw):
        errors = get_model().errors("GetModelCustomizationJob")
        assert list(errors)[-1] == NEW_ERROR
        assert errors[NEW_ERROR].http_status == 423
        status, headers, body = wire.encode_error("GetModelCustomizationJob", NEW_ERROR, "locked")
        assert status == 423
        parsed = wire.parse("GetModelCustomizationJob", status, headers, body)
        assert parsed["Error"]["Code"] == NEW_ERROR
        assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 423
        with pytest.raises(UnknownNameError, match=NEW_ERROR):
            get_model().error("GetModelCustomizationJob", "Bogus")


def test_use_model_as_a_plain_call_lasts_until_undone(modified_raw: dict[str, Any]) -> None:
    before = get_model()
    switch = use_model(modified_raw)
    try:
        assert get_model() is switch.value is not before and NEW_STATUS in get_model().statuses
    finally:
        switch.undo()
    assert get_model() is before
    switch.undo()  # a second undo does not touch the model in use
    with use_model(modified_raw) as new:
        switch.undo()
        assert get_model() is new


# -- memos belong to their model ------------------------------------------------------------------------


def test_each_model_owns_its_memos(modified_raw: dict[str, Any]) -> None:
    default = get_model()
    assert default.memo("x") is default.memo("x") and default.memo("x") is not default.memo("y")
    with use_model(modified_raw) as first, use_model(modified_raw) as second:
        assert first is not second
        assert first.memo("x") is not second.memo("x") is not default.memo("x")


def _short_identifiers() -> dict[str, Any]:
    raw = load_raw_model()
    raw["shapes"]["ModelCustomizationJobIdentifier"]["max"] = 10
    return raw


def test_models_never_share_a_memo_entry() -> None:
    """Alternating models, each dropped after its block: CPython gives the next one the same address (id)."""
    arn = "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.titan-text-express-v1:0:8k/pc2v9cmxjzlq"
    default = ServiceModel(load_raw_model(), service_name="bedrock")
    short = ServiceModel(_short_identifiers(), service_name="bedrock")
    codes = []
    for _ in range(20):
        for service_model in (default, short):
            with use_model(model.BedrockModel(service_model)):
                with pytest.raises(ApiError) as info:
                    Backend().call("GetModelCustomizationJob", {"jobIdentifier": arn}, "us-east-1")
                codes.append(info.value.code)
    assert codes == ["ResourceNotFoundException", "ValidationException"] * 20


@pytest.mark.parametrize("level", ["parsed", "wire"])
def test_the_simulator_answers_with_the_success_status_of_the_model_in_use(level: str) -> None:
    raw = load_raw_model()
    raw["operations"]["CreateModelCustomizationJob"]["http"]["responseCode"] = 202
    request = builders.create_job_request("FINE_TUNING", seed=1)

    def create_status() -> int:
        with simulate(level=level):
            client = boto3.client("bedrock", region_name="us-east-1")
            return int(client.create_model_customization_job(**request)["ResponseMetadata"]["HTTPStatusCode"])

    assert create_status() == 201
    with use_model(raw):
        assert create_status() == 202
    assert create_status() == 201


def test_a_model_memo_follows_the_model_in_use(modified_raw: dict[str, Any]) -> None:
    from pytest_bedrock_mock.core.model import ModelMemo, get_model

    memo = ModelMemo("test.model_memo")
    memo.get()["k"] = "default"
    with use_model(modified_raw):
        assert memo.get() == {} and memo.get() is get_model().memo("test.model_memo")
        memo.get()["k"] = "modified"
    assert memo.get() == {"k": "default"}
