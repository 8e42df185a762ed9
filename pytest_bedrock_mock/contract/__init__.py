"""The contract: what the service accepts and sends, checked with AWS-style messages.

Public names: :func:`validate_request`, :func:`validate_response`, :func:`validation_message`,
:class:`Violation`, :data:`KINDS`, :func:`json_schema`, :func:`json_schemas`, :func:`write_schemas`,
and the variant catalogue (:class:`Variant`, :func:`catalogue`, :func:`dimensions`, :func:`select`).
"""

from __future__ import annotations

from pytest_bedrock_mock.contract.schema import json_schema, json_schemas, write_schemas
from pytest_bedrock_mock.contract.validate import KINDS, Violation, validate_request, validate_response, validation_message
from pytest_bedrock_mock.contract.variants import Variant, catalogue, dimensions, select

__all__ = [
    "KINDS",
    "Variant",
    "Violation",
    "catalogue",
    "dimensions",
    "json_schema",
    "json_schemas",
    "select",
    "validate_request",
    "validate_response",
    "validation_message",
    "write_schemas",
]
