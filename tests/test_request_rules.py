"""Request rules (core.rules.REQUEST_RULES): one answer, with one message, from every fake.

The invalid Creates of issue 12 (a type without the config it needs, a config without its
type, ``IMPORTED``, a base model the service cannot name a job after) get the same 400
``ValidationException`` from ``validate_request``, the stubber, the simulator (parsed and
wire level) and the HTTP server; ARNs of another region or partition are refused by the fakes,
which know the client's region.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.contract.validate import validate_request, validation_message
from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.server import start_server
from pytest_bedrock_mock.fakes.simulator import simulate
from pytest_bedrock_mock.fakes.stubber import BedrockStubber

CREATE = "CreateModelCustomizationJob"
FOUNDATION = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k"


def _request(ctype: str = "FINE_TUNING", **changes: Any) -> dict[str, Any]:
    params = builders.create_job_request(ctype, seed=12)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params


#: (id, request, the rule broken, the full message the service sends)
INVALID: list[tuple[str, dict[str, Any], str, str]] = [
    ("distillation-without-config", _request("FINE_TUNING", customizationType="DISTILLATION"), "distillationConfig_required",
     "1 validation error detected: Value null at 'customizationConfig.distillationConfig' failed to satisfy constraint: "
     "Member must not be null when customizationType is DISTILLATION"),
    ("rft-without-config", _request("FINE_TUNING", customizationType="REINFORCEMENT_FINE_TUNING"), "rftConfig_required",
     "1 validation error detected: Value null at 'customizationConfig.rftConfig' failed to satisfy constraint: "
     "Member must not be null when customizationType is REINFORCEMENT_FINE_TUNING"),
    ("config-without-type", _request("DISTILLATION", customizationType=None), "distillationConfig_needs_type",
     "1 validation error detected: Value null at 'customizationType' failed to satisfy constraint: "
     "Member must be DISTILLATION when customizationConfig.distillationConfig is set"),
    ("base-model-x.y.z", _request(baseModelIdentifier="x.y.z"), "base_model_form",
     "1 validation error detected: Value 'x.y.z' at 'baseModelIdentifier' failed to satisfy constraint: "
     "Member must identify a base model: a foundation-model id (such as amazon.titan-text-express-v1:0:8k) or ARN, or a custom-model ARN"),
    ("imported", _request(customizationType="IMPORTED"), "type_creatable",
     "1 validation error detected: Value 'IMPORTED' at 'customizationType' failed to satisfy constraint: "
     "Member must satisfy enum value set: [FINE_TUNING, CONTINUED_PRE_TRAINING, DISTILLATION, REINFORCEMENT_FINE_TUNING]"),
    ("fine-tuning-with-rft-config", {**_request("REINFORCEMENT_FINE_TUNING"), "customizationType": "FINE_TUNING"}, "rftConfig_needs_type",
     "1 validation error detected: Value 'FINE_TUNING' at 'customizationType' failed to satisfy constraint: "
     "Member must be REINFORCEMENT_FINE_TUNING when customizationConfig.rftConfig is set"),
    ("foundation-arn-of-another-region", _request(baseModelIdentifier=FOUNDATION.replace("us-east-1", "eu-west-1")), "base_model_region",
     "1 validation error detected: Value 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-text-express-v1:0:8k' at "
     "'baseModelIdentifier' failed to satisfy constraint: Member must be an ARN in the region of the request (us-east-1)"),
    ("foundation-arn-of-another-partition", _request(baseModelIdentifier=FOUNDATION.replace("arn:aws:", "arn:aws-us-gov:")), "base_model_region",
     "1 validation error detected: Value 'arn:aws-us-gov:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k' at "
     "'baseModelIdentifier' failed to satisfy constraint: Member must be an ARN in partition aws (the partition of us-east-1)"),
]


def _client(region: str = "us-east-1", **kwargs: Any) -> Any:
    return botocore.session.get_session().create_client("bedrock", region_name=region, aws_access_key_id="testing",
                                                          aws_secret_access_key="testing", **kwargs)


def _refusal(call: Callable[[], Any]) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response
    return error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"], error["Error"]["Message"]


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with start_server(seed=4) as handle:
        yield handle


@pytest.mark.parametrize(("params", "rule", "message"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_every_fake_refuses_with_the_same_message(params: dict[str, Any], rule: str, message: str, server: Any) -> None:
    violations = validate_request(CREATE, params, region="us-east-1")
    assert [v.rule for v in violations] == [rule] and validation_message(violations) == message
    expected = (400, "ValidationException", message)
    stubber = BedrockStubber(_client())
    with intercept.activate(stubber):
        assert _refusal(lambda: _client().create_model_customization_job(**params)) == expected
        assert stubber.calls[-1].error_code == "ValidationException"
    for level in ("parsed", "wire"):
        with simulate(level=level) as sim:
            assert _refusal(lambda: _client().create_model_customization_job(**params)) == expected, level
            assert sim.backend.jobs() == []
    server.reset()
    with server.passthrough():
        assert _refusal(lambda: server.client().create_model_customization_job(**params)) == expected
    assert server.simulator.backend.jobs() == []


def test_the_region_rule_needs_the_callers_region() -> None:
    """Without a region (``validate_request`` alone) an ARN is checked against its own region's partition only."""
    other_region = _request(baseModelIdentifier=FOUNDATION.replace("us-east-1", "eu-west-1"))
    assert validate_request(CREATE, other_region) == []
    assert [v.rule for v in validate_request(CREATE, other_region, region="us-east-1")] == ["base_model_region"]
    assert validate_request(CREATE, other_region, region="eu-west-1") == []
    with simulate() as sim:
        arn = _client("eu-west-1").create_model_customization_job(**other_region)["jobArn"]
        assert arn.startswith("arn:aws:bedrock:eu-west-1:") and sim.describe(arn)["baseModelArn"] == other_region["baseModelIdentifier"]


@pytest.mark.parametrize("identifier", [
    "amazon.titan-text-express-v1:0:8k",
    FOUNDATION,
    "arn:aws:bedrock:us-east-1:123456789012:custom-model/meta.llama3-1-8b-instruct-v1:0:128k/ty578u9h2s8j",
])
def test_documented_identifier_forms_pass(identifier: str) -> None:
    assert validate_request(CREATE, _request(baseModelIdentifier=identifier), region="us-east-1") == []


def test_a_custom_model_name_is_left_to_the_service_to_find() -> None:
    """A bare name passes the rules; the simulator, which has no custom models, answers 404."""
    params = _request(baseModelIdentifier="my-custom-model")
    assert validate_request(CREATE, params, region="us-east-1") == []
    with simulate():
        assert _refusal(lambda: _client().create_model_customization_job(**params))[:2] == (404, "ResourceNotFoundException")


def test_base_model_resolution() -> None:
    assert rules.base_model("amazon.nova-micro-v1:0:128k", "us-west-2") == (
        "amazon.nova-micro-v1:0:128k", "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-micro-v1:0:128k")
    custom = "arn:aws:bedrock:us-west-2:123456789012:custom-model/meta.llama3-3-70b-instruct-v1:0:128k/ty578u9h2s8j"
    assert rules.base_model(custom, "us-west-2") == (
        "meta.llama3-3-70b-instruct-v1:0:128k", "arn:aws:bedrock:us-west-2::foundation-model/meta.llama3-3-70b-instruct-v1:0:128k")
    assert rules.base_model("my-custom-model", "us-east-1") is None
    assert rules.base_model("arn:aws:bedrock:us-east-1:123456789012:custom-model/no-id", "us-east-1") is None


def test_partitions_come_from_botocore() -> None:
    assert [rules.partition_of(r) for r in ("us-east-1", "cn-north-1", "us-gov-west-1")] == ["aws", "aws-cn", "aws-us-gov"]
    assert rules.partition_of("xx-nowhere-9") is None


def test_rules_run_after_the_fields_and_only_the_first_broken_is_reported() -> None:
    both = _request("FINE_TUNING", customizationType="IMPORTED", jobName="bad name")
    assert [(v.path, v.kind) for v in validate_request(CREATE, both)] == [("jobName", "pattern")]
    two_rules = _request("FINE_TUNING", customizationType="DISTILLATION", baseModelIdentifier="x.y.z")
    assert [v.rule for v in validate_request(CREATE, two_rules)] == ["distillationConfig_required"]


def test_every_rule_is_named_once_and_concerns_a_member_of_its_request() -> None:
    from pytest_bedrock_mock.core.model import get_model
    from pytest_bedrock_mock.core.shapes import shape_at

    names = [r.name for r in rules.REQUEST_RULES]
    assert len(names) == len(set(names))
    for rule in rules.REQUEST_RULES:
        shape_at(get_model().input_shape(rule.operation), rule.path)  # raises for a path the model does not have
        assert rule.source, f"{rule.name} says where it is stated"
    assert rules.creatable_types() == ("FINE_TUNING", "CONTINUED_PRE_TRAINING", "DISTILLATION", "REINFORCEMENT_FINE_TUNING")
