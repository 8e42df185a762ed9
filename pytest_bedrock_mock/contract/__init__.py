"""The contract: what the service accepts and sends, checked with AWS-style messages.

Public names: :func:`validate_request`, :func:`validate_response`, :func:`validation_message`,
:class:`Violation`, :data:`KINDS`, :func:`json_schema`, :func:`json_schemas`, :func:`write_schemas`.
The variant catalogue is :mod:`pytest_bedrock_mock.variants` (a variant carries the answer that shows it,
which the builders make, so it sits in the values layer above the contract).
"""

from __future__ import annotations

from pytest_bedrock_mock.contract.schema import json_schema, json_schemas, write_schemas
from pytest_bedrock_mock.contract.validate import KINDS, Violation, validate_request, validate_response, validation_message

__all__ = [
    "KINDS",
    "Violation",
    "json_schema",
    "json_schemas",
    "validate_request",
    "validate_response",
    "validation_message",
    "write_schemas",
]
