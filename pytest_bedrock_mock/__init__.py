"""pytest-bedrock-mock: contract tests and fakes for Amazon Bedrock model-customization jobs.

This package never imports pytest at import time (the pytest plugin lives in
:mod:`pytest_bedrock_mock.plugin`), so the builders and validators work anywhere.
"""

from __future__ import annotations

from pytest_bedrock_mock.builders import (
    BuildError,
    create_job_request,
    create_job_response,
    job_description,
    job_lifecycle,
    job_summary,
    list_jobs_response,
)
from pytest_bedrock_mock.contract.validate import Violation, validate_request, validate_response, validation_message
from pytest_bedrock_mock.core.model import OPERATIONS, UnknownNameError, get_model, use_model
from pytest_bedrock_mock.errors import BedrockMockError

__all__ = [
    "OPERATIONS",
    "BedrockMockError",
    "BuildError",
    "UnknownNameError",
    "Violation",
    "create_job_request",
    "create_job_response",
    "get_model",
    "job_description",
    "job_lifecycle",
    "job_summary",
    "list_jobs_response",
    "use_model",
    "validate_request",
    "validate_response",
    "validation_message",
]

__version__ = "0.1.0"
