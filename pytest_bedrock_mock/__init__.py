"""pytest-bedrock-mock: contract tests and fakes for Amazon Bedrock model-customization jobs.

This package never imports pytest at import time (the pytest plugin lives in
:mod:`pytest_bedrock_mock.plugin`), so the builders and validators work anywhere.

The fakes as context managers, for scripts, ``unittest`` and Hypothesis ``@given`` tests
(imported on first use, so ``import pytest_bedrock_mock`` stays light):

* :func:`stub` -- the ``bedrock_stubber`` fixture (:func:`pytest_bedrock_mock.fakes.stubber.stub`);
* :func:`simulate` -- the ``bedrock_fake`` simulator (:func:`pytest_bedrock_mock.fakes.simulator.simulate`);
* :func:`play` -- cassette playback (:func:`pytest_bedrock_mock.fakes.cassettes.playback.play`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
    "play",
    "simulate",
    "stub",
    "use_model",
    "validate_request",
    "validate_response",
    "validation_message",
]

__version__ = "0.1.0"

if TYPE_CHECKING:  # imported on first use (see __getattr__): the fakes load botocore's machinery
    from pytest_bedrock_mock.fakes.cassettes.playback import play
    from pytest_bedrock_mock.fakes.simulator.fake import simulate
    from pytest_bedrock_mock.fakes.stubber import stub

#: Names imported on first use: name -> module that defines it.
_LAZY = {
    "stub": "pytest_bedrock_mock.fakes.stubber",
    "simulate": "pytest_bedrock_mock.fakes.simulator.fake",
    "play": "pytest_bedrock_mock.fakes.cassettes.playback",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pytest_bedrock_mock' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
