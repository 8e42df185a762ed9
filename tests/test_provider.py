"""BedrockProvider: standalone Faker use, values that satisfy the model, and Hypothesis-driven replay."""

from __future__ import annotations

from typing import Any

import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_bedrock_mock.core.javaregex import full_match
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.strategies import BedrockProvider, fakers
from pytest_bedrock_mock.strategies.provider import REALISTIC

CREATE, GET = "CreateModelCustomizationJob", "GetModelCustomizationJob"
#: provider method -> (operation, member path, output?) whose shape the value must satisfy
CHECKS = {
    "bedrock_job_name": (CREATE, "jobName", False),
    "bedrock_model_name": (CREATE, "customModelName", False),
    "bedrock_role_arn": (CREATE, "roleArn", False),
    "bedrock_s3_uri": (CREATE, "outputDataConfig.s3Uri", False),
    "bedrock_kms_key_arn": (GET, "outputModelKmsKeyArn", True),
    "bedrock_job_arn": (GET, "jobArn", True),
    "bedrock_custom_model_arn": (GET, "outputModelArn", True),
    "bedrock_foundation_model_arn": (GET, "baseModelArn", True),
    "bedrock_base_model_id": (CREATE, "baseModelIdentifier", False),
    "bedrock_lambda_arn": (CREATE, "customizationConfig.rftConfig.graderConfig.lambdaGrader.lambdaArn", False),
    "bedrock_subnet_id": (CREATE, "vpcConfig.subnetIds.[]", False),
    "bedrock_security_group_id": (CREATE, "vpcConfig.securityGroupIds.[]", False),
    "bedrock_client_request_token": (CREATE, "clientRequestToken", False),
    "bedrock_failure_message": (GET, "failureMessage", True),
}


def _fits(value: str, operation: str, path: str, output: bool) -> bool:
    shape = get_model().shape_at(operation, path, output=output)
    meta = shape.metadata
    return meta.get("min", 0) <= len(value) <= meta.get("max", len(value)) and full_match(meta.get("pattern", "(?s).*"), value)


@pytest.fixture
def fake() -> Faker:
    f = Faker()
    f.add_provider(BedrockProvider)
    return f


@pytest.mark.parametrize("method", sorted(CHECKS))
def test_standalone_values_satisfy_the_model(fake: Faker, method: str) -> None:
    for seed in range(40):
        fake.seed_instance(seed)
        value = getattr(fake, method)()
        assert _fits(value, *CHECKS[method]), (method, value)


def test_every_public_method_is_checked() -> None:
    public = {n for n in vars(BedrockProvider) if n.startswith("bedrock_")}
    assert public - {"bedrock_region"} == set(CHECKS)


def test_seeded_faker_is_deterministic(fake: Faker) -> None:
    fake.seed_instance(7)
    first = [fake.bedrock_job_arn(), fake.bedrock_role_arn(), fake.bedrock_s3_uri()]
    fake.seed_instance(7)
    assert [fake.bedrock_job_arn(), fake.bedrock_role_arn(), fake.bedrock_s3_uri()] == first
    assert "123456789012" in first[0]


def test_realistic_table_names_shapes_of_the_model() -> None:
    names = set(get_model().service_model.shape_names)
    assert set(REALISTIC) <= names


def test_fakers_are_driven_by_hypothesis_so_examples_replay() -> None:
    drawn: list[tuple[Any, ...]] = []

    @settings(max_examples=20, database=None, derandomize=True)
    @given(st.data())
    def collect(data: st.DataObject) -> None:
        gen = data.draw(fakers())
        drawn.append((gen.bedrock_job_name(), gen.bedrock_job_arn()))

    collect()
    first = list(drawn)
    drawn.clear()
    collect()
    assert drawn == first and len(set(first)) > 1


def test_fakers_shrink_with_hypothesis() -> None:
    from hypothesis import find

    smallest = find(fakers().map(lambda g: g.bedrock_job_name()), lambda name: True)
    assert smallest == find(fakers().map(lambda g: g.bedrock_job_name()), lambda name: True)
    assert _fits(smallest, CREATE, "jobName", False)
