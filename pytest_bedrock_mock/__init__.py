"""pytest-bedrock-mock: contract tests and fakes for Amazon Bedrock model-customization jobs.

This package never imports pytest at import time (the pytest plugin lives in
:mod:`pytest_bedrock_mock.plugin`), so the builders and validators work anywhere. Importing it
loads nothing else: each public name is imported on first use (:data:`_EXPORTS`, a module-level
``__getattr__``), so a pytest run that never uses the kit pays nothing for botocore's model,
Hypothesis or jsonschema.

The fakes as context managers, for scripts, ``unittest`` and Hypothesis ``@given`` tests:
:func:`stub` (the ``bedrock_stubber`` fixture), :func:`simulate` (the ``bedrock_fake`` simulator)
and :func:`play` (cassette playback).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_bedrock_mock.core.lazy import lazy_exports

if TYPE_CHECKING:  # what the lazy table below resolves to, for type checkers and IDEs
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
    from pytest_bedrock_mock.fakes.cassettes.playback import play
    from pytest_bedrock_mock.fakes.simulator.fake import simulate
    from pytest_bedrock_mock.fakes.stubber import stub

#: Public name -> the module that defines it (imported on first access). Add a public name here and in ``__all__``.
_EXPORTS: dict[str, str] = {
    "BuildError": "pytest_bedrock_mock.builders",
    "create_job_request": "pytest_bedrock_mock.builders",
    "create_job_response": "pytest_bedrock_mock.builders",
    "job_description": "pytest_bedrock_mock.builders",
    "job_lifecycle": "pytest_bedrock_mock.builders",
    "job_summary": "pytest_bedrock_mock.builders",
    "list_jobs_response": "pytest_bedrock_mock.builders",
    "Violation": "pytest_bedrock_mock.contract.validate",
    "validate_request": "pytest_bedrock_mock.contract.validate",
    "validate_response": "pytest_bedrock_mock.contract.validate",
    "validation_message": "pytest_bedrock_mock.contract.validate",
    "OPERATIONS": "pytest_bedrock_mock.core.model",
    "UnknownNameError": "pytest_bedrock_mock.core.model",
    "get_model": "pytest_bedrock_mock.core.model",
    "use_model": "pytest_bedrock_mock.core.model",
    "BedrockMockError": "pytest_bedrock_mock.errors",
    "stub": "pytest_bedrock_mock.fakes.stubber",
    "simulate": "pytest_bedrock_mock.fakes.simulator.fake",
    "play": "pytest_bedrock_mock.fakes.cassettes.playback",
}

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
    "play",
    "simulate",
    "stub",
    "use_model",
    "validate_request",
    "validate_response",
    "validation_message",
]

__version__ = "0.1.0"


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
