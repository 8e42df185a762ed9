"""Hypothesis strategies and a Faker provider for Amazon Bedrock model-customization jobs.

Importable without pytest. Everything is derived from botocore's service model at run time
(:func:`pytest_bedrock_mock.core.model.get_model`), so a status, union member, constrained
member or error code added to the model flows through with no code change.

>>> from hypothesis import given
>>> from pytest_bedrock_mock.strategies import create_job_requests
>>> @given(create_job_requests("DISTILLATION"))
... def test_submit(params): ...

Public names: :func:`create_job_requests`, :func:`invalid_create_job_requests`,
:func:`invalid_requests`, :func:`invalid_targets`, :func:`job_descriptions`,
:func:`job_lifecycles`, :func:`list_job_pages`, :func:`client_errors`, :func:`status_paths`,
:func:`from_shape`, :func:`pattern_strings`, :func:`fakers`, :class:`BedrockProvider`,
:class:`ErrorCase`, :class:`ExpectedViolation`, :class:`Target`, :data:`ABSENT`, :func:`optional`.
"""

from __future__ import annotations

from pytest_bedrock_mock.strategies.invalid import ExpectedViolation, Target, invalid_create_job_requests, invalid_requests, invalid_targets
from pytest_bedrock_mock.strategies.named import (
    ErrorCase,
    client_errors,
    create_job_requests,
    job_descriptions,
    job_lifecycles,
    list_job_pages,
    status_paths,
)
from pytest_bedrock_mock.strategies.provider import BedrockProvider, fakers
from pytest_bedrock_mock.strategies.regex import pattern_strings
from pytest_bedrock_mock.strategies.walker import ABSENT, from_shape, member_paths, optional

__all__ = [
    "ABSENT",
    "BedrockProvider",
    "ErrorCase",
    "ExpectedViolation",
    "Target",
    "client_errors",
    "create_job_requests",
    "fakers",
    "from_shape",
    "invalid_create_job_requests",
    "invalid_requests",
    "invalid_targets",
    "job_descriptions",
    "job_lifecycles",
    "list_job_pages",
    "member_paths",
    "optional",
    "pattern_strings",
    "status_paths",
]
