"""The service's rest-json wire format: answers and errors as bytes, parsed by botocore's real parser.

* :func:`encode_response` turns a parsed answer (datetimes and all) into the
  ``(status, headers, body)`` the service sends: the modelled success status (Create
  answers 201), ISO-8601 timestamps with milliseconds and ``Z``, ``x-amzn-RequestId``.
* :func:`encode_error` does the same for a documented error: the modelled HTTP status,
  body ``{"message": ...}`` and ``x-amzn-ErrorType: <Code>:http://internal.amazon.com/coral/com.amazon.bedrock/``.
* :func:`parse` runs botocore's own rest-json parser over such bytes, the way a client
  does (modelled error fields included), so parsed-level fakes hand code under test
  exactly what a real answer would become.
* :func:`default_message` gives each error code a message. The service's exact wording
  per case is not documented; these are our wording and can be overridden everywhere.

Public names: :func:`encode_response`, :func:`encode_error`, :func:`parse`,
:func:`parsed_error`, :func:`aws_response`, :func:`default_message`, :func:`request_id`.
"""

from __future__ import annotations

import datetime as _dt
import json
import uuid
from collections.abc import Mapping
from typing import Any

from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.parsers import create_parser

from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.core.shapes import Node, ShapeVisitor

__all__ = ["aws_response", "default_message", "encode_error", "encode_response", "parse", "parsed_error", "request_id"]

ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/"

_MESSAGES = {
    "ThrottlingException": "Too many requests, please wait before trying again.",
    "InternalServerException": "Encountered an internal error when processing the request.",
    "AccessDeniedException": "You don't have access to the model with the specified model ID.",
    "ResourceNotFoundException": "The specified model customization job could not be found.",
    "ConflictException": "A model customization job with the same name already exists.",
    "ServiceQuotaExceededException": "The number of model customization jobs exceeds the service quota for this account.",
    "TooManyTagsException": "The request contains more tags than can be associated with a resource.",
    "ValidationException": "1 validation error detected: the request failed to satisfy a constraint.",
}


def default_message(code: str) -> str:
    return _MESSAGES.get(code, f"{code} (pytest-bedrock-mock default message)")


def request_id() -> str:
    return str(uuid.uuid4())


def _timestamp(value: Any) -> str:
    if isinstance(value, str):
        return value
    if not isinstance(value, _dt.datetime):
        value = _dt.datetime.fromtimestamp(float(value), _dt.timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    value = value.astimezone(_dt.timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class _ToWire(ShapeVisitor[Any]):
    """A parsed value as the JSON body carries it: wire names, ISO-8601 timestamps, no URI/header members.

    A field newer than the model, or a value that does not fit its shape, is sent as it is.
    """

    def visit_structure(self, node: Node) -> Any:
        if not isinstance(node.value, dict):
            return _plain(node.value)
        out = {}
        for name, item, child in node.members():
            if child is None:
                out[name] = _plain(item)
            elif item is not None and child.shape.serialization.get("location") is None:
                out[child.shape.serialization.get("name", name)] = self.visit(child)
        return out

    def visit_list(self, node: Node) -> Any:
        return [self.visit(child) for child in node.items()] if isinstance(node.value, (list, tuple)) else _plain(node.value)

    def visit_map(self, node: Node) -> Any:
        return {key.value: self.visit(child) for key, child in node.entries()} if isinstance(node.value, dict) else _plain(node.value)

    def visit_timestamp(self, node: Node) -> Any:
        return _timestamp(node.value)

    def visit_scalar(self, node: Node) -> Any:
        return node.value


def _plain(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return _timestamp(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def encode_response(operation: str, response: Mapping[str, Any], *, rid: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """The wire form of a successful answer."""
    model = get_model()
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    payload = json.dumps(_ToWire().walk(model.output_shape(operation), body), separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": rid or request_id(), "Content-Length": str(len(payload))}
    return model.success_status(operation), headers, payload


def encode_error(operation: str, code: str, message: str | None = None, *, rid: str | None = None, status: int | None = None, fields: Mapping[str, Any] | None = None) -> tuple[int, dict[str, str], bytes]:
    """The wire form of an error of ``operation``; ``code`` must be documented for it unless ``status`` is given."""
    if status is None:
        status = get_model().error(operation, code).http_status
    body = {"message": message if message is not None else default_message(code), **(fields or {})}
    payload = json.dumps(body, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "x-amzn-RequestId": rid or request_id(),
        "x-amzn-ErrorType": code + ERROR_TYPE_SUFFIX,
        "Content-Length": str(len(payload)),
    }
    return status, headers, payload


_parser = create_parser("rest-json")


def parse(operation: str, status: int, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """Parse wire bytes as a botocore client does (modelled error fields included)."""
    model = get_model()
    op = model.operation(operation)
    response_dict = {"status_code": status, "headers": HeadersDict(headers), "body": body}
    parsed: dict[str, Any] = _parser.parse(response_dict, op.output_shape)
    if status >= 300:
        code = parsed.get("Error", {}).get("Code")
        shape = model.service_model.shape_for_error_code(code) if code else None
        if shape is not None:
            parsed.update({k: v for k, v in _parser.parse(response_dict, shape).items() if k not in ("ResponseMetadata", "Error")})
    return parsed


def aws_response(status: int, headers: Mapping[str, str], body: bytes) -> AWSResponse:
    """A botocore ``AWSResponse`` carrying wire bytes (what a ``before-send`` handler returns)."""

    class _Raw:
        def __init__(self, data: bytes) -> None:
            self._data = data

        def stream(self, **_: Any) -> Any:
            yield self._data

    response = AWSResponse("https://bedrock.fake/", status, HeadersDict(headers), _Raw(body))
    response._content = body  # type: ignore[attr-defined]
    return response


def parsed_error(operation: str, code: str, message: str | None = None, *, status: int | None = None) -> tuple[AWSResponse, dict[str, Any]]:
    """A parsed-level error answer ``(http_response, parsed)`` that equals what botocore makes of the wire error."""
    st, headers, body = encode_error(operation, code, message, status=status)
    return aws_response(st, headers, body), parse(operation, st, headers, body)
