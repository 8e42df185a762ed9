"""The variant catalogue: derived from the model, every variant servable and recognised."""

from __future__ import annotations

from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from pytest_bedrock_mock import contract, variants
from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.core.model import get_model, load_raw_model, use_model
from pytest_bedrock_mock.coverage.tracker import Coverage
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.variants import serve
from pytest_bedrock_mock.variants import FORWARD_COMPAT, Variant, VariantError

GET = "GetModelCustomizationJob"
ALL = variants.select(forward_compat=True)


def _call(client: Any, operation: str) -> Any:
    method = getattr(client, get_model().method_name(operation))
    params = {
        "CreateModelCustomizationJob": dict(jobName="j", customModelName="m", roleArn="arn:aws:iam::123456789012:role/R",
                                            baseModelIdentifier="amazon.nova-micro-v1:0:128k", trainingDataConfig={"s3Uri": "s3://b/k"},
                                            outputDataConfig={"s3Uri": "s3://b/o"}),
        "GetModelCustomizationJob": {"jobIdentifier": "job-1"},
        "StopModelCustomizationJob": {"jobIdentifier": "job-1"},
    }.get(operation, {})
    return method(**params)


def test_dimensions_come_from_the_model() -> None:
    model = get_model()
    cat = variants.catalogue()
    assert FORWARD_COMPAT not in cat, "forward compatibility is off by default"
    assert [v.value for v in cat["status"]] == list(model.statuses)
    assert [v.value for v in cat["sub_status"]] == list(model.sub_statuses)
    assert [v.value for v in cat["customization_type"]] == list(model.customization_types)
    unions = variants.union_paths()
    assert {"customizationConfig", "invocationLogSource", "requestMetadataFilters", "graderConfig"} <= set(unions)
    for name, (path, members) in unions.items():
        assert members == model.union_members(model.shape_at(GET, path)), name
        assert [v.value for v in cat[name]] == list(members)
    assert [v.value for v in cat["error"]] == [f"{op} {code}" for op in model.operations for code in model.errors(op)]
    assert {v.value for v in cat["optional"]} == {f"{b} {s}" for b in variants.OPTIONAL_BLOCKS for s in ("present", "absent")}


def test_ids_and_keys_are_unique_and_readable() -> None:
    assert len({v.id for v in ALL}) == len(ALL) == len({v.key for v in ALL})
    stopped = variants.select("status: Stopped")
    assert [(v.key, v.id) for v in stopped] == [("status: Stopped", "status-Stopped")]
    throttled = variants.select("error: GetModelCustomizationJob ThrottlingException")[0]
    assert throttled.id == "error-GetModelCustomizationJob-ThrottlingException"
    assert all(" " not in v.id for v in ALL)


def test_select_names_the_choices_on_a_typo() -> None:
    with pytest.raises(VariantError, match="unknown variant dimension 'stauts'; the dimensions are: status, sub_status"):
        variants.select("stauts")
    with pytest.raises(VariantError, match="unknown status variant 'Done'; the status variants are: InProgress, Completed"):
        variants.select("status: Done")
    assert {v.operation for v in variants.select("error", operation="stop_model_customization_job")} == {"StopModelCustomizationJob"}


@pytest.mark.parametrize("variant", [v for v in ALL if not v.is_error and v.dimension != FORWARD_COMPAT], ids=lambda v: v.id)
def test_modelled_variants_are_valid_and_consistent_answers(variant: Variant) -> None:
    job = variant.job(seed=2)
    assert contract.validate_response(GET, job) == []
    assert rules.check_consistency(job) == []


@pytest.mark.parametrize("variant", ALL, ids=lambda v: v.id)
def test_every_variant_is_served_through_a_real_client_and_recognised(variant: Variant) -> None:
    coverage = Coverage()
    intercept.add_observer(coverage.observe)
    try:
        with serve(variant):
            client = boto3.client("bedrock")
            if variant.is_error:
                with pytest.raises(ClientError) as info:
                    _call(client, variant.operation)
                assert info.value.response["Error"]["Code"] == variant.detail
                status = get_model().error(variant.operation, variant.detail).http_status
                assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
            else:
                _call(client, variant.operation)
    finally:
        intercept.remove_observer(coverage.observe)
    assert coverage.served(variant.dimension, variant.value) >= 1, coverage.counts


def test_forward_compat_answers_are_what_botocore_makes_of_a_newer_service() -> None:
    member = variants.select("forward_compat: unknown union member")[0].response()
    assert member["customizationConfig"] == {"SDK_UNKNOWN_MEMBER": {"name": "futureMember"}}
    assert variants.select("forward_compat: unknown status")[0].response()["status"] not in get_model().statuses
    field = variants.select("forward_compat: unknown field")[0]
    assert "futureField" in field.job() and "futureField" not in field.response()
    assert b"futureField" in field.wire()[2]


def test_added_status_member_and_error_become_variants_with_no_code_change() -> None:
    raw = load_raw_model()
    raw["shapes"]["ModelCustomizationJobStatus"]["enum"].append("Paused")
    raw["shapes"]["CustomizationConfig"]["members"]["futureConfig"] = {"shape": "VpcConfig"}
    raw["shapes"]["GraderConfig"]["members"]["httpGrader"] = {"shape": "LambdaGraderConfig"}
    raw["shapes"]["SlowDownException"] = {"type": "structure", "members": {"message": {"shape": "NonBlankString"}},
                                          "error": {"httpStatusCode": 503}, "exception": True}
    raw["operations"]["GetModelCustomizationJob"]["errors"].append({"shape": "SlowDownException"})
    with use_model(raw):
        keys = {v.key for v in variants.select()}
        new = ["status: Paused", "customizationConfig: futureConfig", "graderConfig: httpGrader", "error: GetModelCustomizationJob SlowDownException"]
        assert set(new) <= keys
        for key in new:
            variant = variants.select(key)[0]
            test_every_variant_is_served_through_a_real_client_and_recognised(variant)
        paused = variants.select("status: Paused")[0].response()
        assert paused["status"] == "Paused"
    assert "status: Paused" not in {v.key for v in variants.select()}


def _stubbed_client() -> Any:
    return botocore.session.get_session().create_client(
        "bedrock", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def test_queue_on_a_botocore_stubber() -> None:
    client = _stubbed_client()
    with Stubber(client) as stub:
        variants.select("status: Stopping")[0].queue_on(stub)
        variants.select("error: GetModelCustomizationJob ThrottlingException")[0].queue_on(stub)
        assert client.get_model_customization_job(jobIdentifier="job-1")["status"] == "Stopping"
        with pytest.raises(ClientError) as info:
            client.get_model_customization_job(jobIdentifier="job-1")
        assert info.value.response["Error"]["Code"] == "ThrottlingException"
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
        stub.assert_no_pending_responses()


def test_queue_on_refuses_what_the_stubber_cannot_hold() -> None:
    with Stubber(_stubbed_client()) as stub, pytest.raises(VariantError, match=r"Serve it with pytest_bedrock_mock\.fakes\.variants\.serve\(variant\)"):
        variants.select("forward_compat: unknown union member")[0].queue_on(stub)


def test_serving_is_deterministic_under_a_seed() -> None:
    variant = variants.select("customization_type: DISTILLATION")[0]
    assert variant.job(seed=4) == variant.job(seed=4)
    assert variant.job(seed=4)["jobArn"] != variant.job(seed=5)["jobArn"]
