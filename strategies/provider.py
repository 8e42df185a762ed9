"""The Faker provider :class:`BedrockProvider`, and realistic values keyed by model shape name.

Standalone::

    from faker import Faker
    from pytest_bedrock_mock.strategies import BedrockProvider

    fake = Faker()
    fake.add_provider(BedrockProvider)
    fake.seed_instance(1)
    fake.bedrock_role_arn()      # 'arn:aws:iam::123456789012:role/BedrockJobRole'

Every method draws from the generator's own ``random`` and delegates to
:mod:`pytest_bedrock_mock.core.values` (one implementation shared with the builders). Inside
strategies, :func:`fakers` hands out a generator whose ``random`` is Hypothesis's, so
examples replay and shrink.

:data:`REALISTIC` maps a botocore shape name (``RoleArn``, ``S3Uri``, ...) to a function of a
:class:`random.Random` giving a realistic value; the shape walker mixes these with values
built from the shape's pattern, and checks every realistic value against the model first.

Public names: :class:`BedrockProvider`, :func:`fakers`, :data:`REALISTIC`.
"""

from __future__ import annotations

import random as _random
import threading
from collections.abc import Callable

from faker import Generator
from faker.providers import BaseProvider
from hypothesis import strategies as st

from pytest_bedrock_mock.core import values

__all__ = ["REALISTIC", "BedrockProvider", "fakers"]

_TAG_KEYS = ("team", "project", "env", "cost-center", "owner", "app:component")
_TAG_VALUES = ("ml-platform", "fraud-detection", "dev", "staging", "prod", "1234", "alice@example.com")


def _all_base_models() -> tuple[str, ...]:
    return tuple(dict.fromkeys(m for ids in values.BASE_MODELS.values() for m in ids))


def _region(rng: _random.Random) -> str:
    return rng.choice(values.REGIONS)


def _token(rng: _random.Random) -> str:
    return "-".join(values.resource_id(rng, n) for n in (8, 4, 4, 4, 12))


def _base_model_identifier(rng: _random.Random) -> str:
    model_id = rng.choice(_all_base_models())
    return values.foundation_model_arn(model_id, _region(rng)) if rng.random() < 0.25 else model_id


def _kms_key(rng: _random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        return values.kms_key_arn(rng, _region(rng))
    if choice == 1:
        return f"alias/{rng.choice(('bedrock', 'ml', 'customization'))}-key"
    return values.kms_key_arn(rng).rsplit("/", 1)[1]


def _s3_uri(rng: _random.Random) -> str:
    return values.s3_uri(rng, file=rng.choice((None, "train.jsonl", "validation.jsonl", "data.jsonl")))


def _job_identifier(rng: _random.Random) -> str:
    return values.job_arn(rng, rng.choice(_all_base_models()), _region(rng)) if rng.random() < 0.5 else values.job_name(rng)


#: Shape name -> realistic value from a random.Random (checked against the model before use).
REALISTIC: dict[str, Callable[[_random.Random], str]] = {
    "JobName": values.job_name,
    "CustomModelName": values.model_name,
    "RoleArn": values.role_arn,
    "S3Uri": _s3_uri,
    "BaseModelIdentifier": _base_model_identifier,
    "TeacherModelIdentifier": lambda r: values.foundation_model_arn(r.choice(values.TEACHER_MODELS), _region(r)),
    "KmsKeyId": _kms_key,
    "KmsKeyArn": lambda r: values.kms_key_arn(r, _region(r)),
    "LambdaArn": lambda r: values.lambda_arn(r, _region(r)),
    "SubnetId": values.subnet_id,
    "SecurityGroupId": values.security_group_id,
    "IdempotencyToken": _token,
    "TagKey": lambda r: r.choice(_TAG_KEYS),
    "TagValue": lambda r: r.choice(_TAG_VALUES),
    "ModelCustomizationJobArn": lambda r: values.job_arn(r, r.choice(_all_base_models()), _region(r)),
    "ModelCustomizationJobIdentifier": _job_identifier,
    "CustomModelArn": lambda r: values.custom_model_arn(r, r.choice(_all_base_models()), _region(r)),
    "FoundationModelArn": lambda r: values.foundation_model_arn(r.choice(_all_base_models()), _region(r)),
    "ErrorMessage": values.failure_message,
}


class BedrockProvider(BaseProvider):
    """Faker provider for realistic, obviously fake Bedrock customization-job values."""

    def _rng(self) -> _random.Random:
        return self.generator.random  # type: ignore[no-any-return]

    def bedrock_job_name(self) -> str:
        return values.job_name(self._rng())

    def bedrock_model_name(self) -> str:
        return values.model_name(self._rng())

    def bedrock_base_model_id(self, customization_type: str | None = None) -> str:
        ids = values.BASE_MODELS.get(customization_type or "", _all_base_models())
        return str(self._rng().choice(ids))

    def bedrock_region(self) -> str:
        return _region(self._rng())

    def bedrock_job_arn(self, base_model_id: str | None = None, region: str = "us-east-1") -> str:
        return values.job_arn(self._rng(), base_model_id or self.bedrock_base_model_id(), region)

    def bedrock_custom_model_arn(self, base_model_id: str | None = None, region: str = "us-east-1") -> str:
        return values.custom_model_arn(self._rng(), base_model_id or self.bedrock_base_model_id(), region)

    def bedrock_foundation_model_arn(self, model_id: str | None = None, region: str = "us-east-1") -> str:
        return values.foundation_model_arn(model_id or self.bedrock_base_model_id(), region)

    def bedrock_role_arn(self) -> str:
        return values.role_arn(self._rng())

    def bedrock_kms_key_arn(self, region: str = "us-east-1") -> str:
        return values.kms_key_arn(self._rng(), region)

    def bedrock_lambda_arn(self, region: str = "us-east-1") -> str:
        return values.lambda_arn(self._rng(), region)

    def bedrock_s3_uri(self, prefix: str = "", file: str | None = None) -> str:
        return values.s3_uri(self._rng(), prefix=prefix, file=file)

    def bedrock_subnet_id(self) -> str:
        return values.subnet_id(self._rng())

    def bedrock_security_group_id(self) -> str:
        return values.security_group_id(self._rng())

    def bedrock_client_request_token(self) -> str:
        return _token(self._rng())

    def bedrock_failure_message(self) -> str:
        return values.failure_message(self._rng())


_local = threading.local()


def _generator_with(rng: _random.Random) -> Generator:
    gen: Generator | None = getattr(_local, "generator", None)
    if gen is None:
        gen = Generator()
        gen.add_provider(BedrockProvider)
        _local.generator = gen
    gen.random = rng
    return gen


def fakers() -> st.SearchStrategy[Generator]:
    """A Faker generator with :class:`BedrockProvider` whose randomness comes from Hypothesis.

    Use the generator inside the test (or the ``@st.composite`` function) that drew it;
    the next draw re-points the per-thread generator at a new random.
    """
    return st.randoms(use_true_random=False).map(_generator_with)
