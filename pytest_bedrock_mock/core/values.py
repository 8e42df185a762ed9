"""Realistic, obviously fake values: names, ARNs, S3 URIs, ids, failure messages.

Every function takes a :class:`random.Random`, so builders (seeded), the Faker provider
(``strategies.BedrockProvider``, driven by Faker's own ``random``) and Hypothesis (which
seeds that ``random``) all share one implementation and replay exactly.

Account ids are always ``123456789012`` unless given.
"""

from __future__ import annotations

import random as _random
import string

__all__ = [
    "ACCOUNT",
    "BASE_MODELS",
    "FAILURE_MESSAGES",
    "REGIONS",
    "TEACHER_MODELS",
    "custom_model_arn",
    "failure_message",
    "foundation_model_arn",
    "job_arn",
    "job_name",
    "kms_key_arn",
    "lambda_arn",
    "model_name",
    "resource_id",
    "role_arn",
    "s3_uri",
    "security_group_id",
    "subnet_id",
]

ACCOUNT = "123456789012"
REGIONS = ("us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1")
#: Base model ids per customization type (public model ids; all match the model's patterns).
BASE_MODELS: dict[str, tuple[str, ...]] = {
    "FINE_TUNING": ("amazon.titan-text-express-v1:0:8k", "meta.llama3-1-8b-instruct-v1:0:128k", "amazon.nova-micro-v1:0:128k"),
    "CONTINUED_PRE_TRAINING": ("amazon.titan-text-express-v1:0:8k", "amazon.titan-text-lite-v1:0:4k"),
    "DISTILLATION": ("amazon.nova-micro-v1:0:128k", "amazon.nova-lite-v1:0:300k", "meta.llama3-1-8b-instruct-v1:0:128k"),
    "REINFORCEMENT_FINE_TUNING": ("amazon.nova-lite-v1:0:300k", "amazon.nova-micro-v1:0:128k"),
}
DEFAULT_BASE_MODELS = BASE_MODELS["FINE_TUNING"]
TEACHER_MODELS = ("amazon.nova-pro-v1:0", "meta.llama3-1-70b-instruct-v1:0", "meta.llama3-1-405b-instruct-v1:0")
#: Failure messages seen in public reports of failed jobs.
FAILURE_MESSAGES = (
    "Encountered an internal error when processing the request.",
    "Unable to parse Amazon S3 file: train.jsonl. Data files must conform to JSONL format.",
    "The provided training data exceeds the maximum number of records allowed for this model.",
    "Amazon Bedrock does not have permission to access the Amazon S3 location. Check the role's permissions.",
)
_WORDS = (
    "alpha", "amber", "basil", "birch", "cedar", "comet", "delta", "ember", "fable", "harbor",
    "juniper", "lumen", "maple", "nimbus", "orbit", "pixel", "quartz", "river", "sable", "tundra",
)
_ID_CHARS = string.ascii_lowercase + string.digits


def resource_id(rng: _random.Random, length: int = 12) -> str:
    """The 12-character lowercase id that ends job and custom-model ARNs."""
    return "".join(rng.choice(_ID_CHARS) for _ in range(length))


def _words(rng: _random.Random, n: int, sep: str) -> str:
    return sep.join(rng.choice(_WORDS) for _ in range(n))


def job_name(rng: _random.Random) -> str:
    return f"{_words(rng, 2, '-')}-ft-{rng.randrange(1, 10_000):04d}"


def model_name(rng: _random.Random) -> str:
    return f"{_words(rng, 2, '-')}-model-{rng.randrange(1, 1000)}"


def role_arn(rng: _random.Random, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:role/{rng.choice(('Bedrock', 'Customization', 'Fake'))}{rng.choice(('Job', 'Training'))}Role"


def s3_uri(rng: _random.Random, *, prefix: str = "", file: str | None = None) -> str:
    bucket = f"example-{rng.choice(_WORDS)}-bucket"
    key = f"{prefix or rng.choice(('data', 'datasets', 'fine-tuning'))}/"
    return f"s3://{bucket}/{key}{file or ''}"


def foundation_model_arn(model_id: str, region: str = "us-east-1") -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model_id}"


def job_arn(rng: _random.Random, base_model_id: str, region: str = "us-east-1", account: str = ACCOUNT) -> str:
    return f"arn:aws:bedrock:{region}:{account}:model-customization-job/{base_model_id}/{resource_id(rng)}"


def custom_model_arn(rng: _random.Random, base_model_id: str, region: str = "us-east-1", account: str = ACCOUNT) -> str:
    return f"arn:aws:bedrock:{region}:{account}:custom-model/{base_model_id}/{resource_id(rng)}"


def kms_key_arn(rng: _random.Random, region: str = "us-east-1", account: str = ACCOUNT) -> str:
    key = "-".join("".join(rng.choice("0123456789abcdef") for _ in range(n)) for n in (8, 4, 4, 4, 12))
    return f"arn:aws:kms:{region}:{account}:key/{key}"


def lambda_arn(rng: _random.Random, region: str = "us-east-1", account: str = ACCOUNT) -> str:
    return f"arn:aws:lambda:{region}:{account}:function:{rng.choice(_WORDS)}-grader"


def subnet_id(rng: _random.Random) -> str:
    return "subnet-" + "".join(rng.choice("0123456789abcdef") for _ in range(17))


def security_group_id(rng: _random.Random) -> str:
    return "sg-" + "".join(rng.choice("0123456789abcdef") for _ in range(17))


def failure_message(rng: _random.Random) -> str:
    return rng.choice(FAILURE_MESSAGES)
