"""The service's rest-json wire format: answers and errors as bytes, parsed by botocore's real parser.

* :func:`encode_response` turns a parsed answer (datetimes and all) into the
  ``(status, headers, body)`` the service sends: the modelled success status (Create
  answers 201), ISO-8601 timestamps with milliseconds and ``Z``, ``x-amzn-RequestId``.
* :func:`encode_error` does the same for a documented error: the modelled HTTP status,
  body ``{"message": ...}`` and ``x-amzn-ErrorType: <Code>:http://internal.amazon.com/coral/com.amazon.bedrock/``.
* :func:`parse` runs botocore's own rest-json parser over such bytes, the way a client
  does (modelled error fields included), so parsed-level fakes hand code under test
  exactly what a real answer would become.
* :func:`default_message` gives each error code a message (the one table is
  :mod:`pytest_bedrock_mock.core.errorcodes`; every helper takes your own message instead).
* :func:`decode_body` reads a request body the way the service's deserializer does: bytes
  that are not UTF-8 JSON, ``NaN``/``Infinity``, numbers out of range, lone surrogates or
  nesting deeper than :data:`MAX_DEPTH` are a ``SerializationException`` (an :class:`ApiError`);
  :func:`drop_unknown` then sets aside the members the model does not know, as the service does.
* :data:`COMMON_ERRORS` (from :mod:`~pytest_bedrock_mock.core.errorcodes`): the errors every AWS
  service can send that no service model lists (``UnrecognizedClientException`` 403,
  ``SerializationException`` 400, ``UnknownOperationException`` 404, ...), typed in the
  ``com.amazon.coral.service`` namespace; :func:`encode_error` encodes them for an operation and
  :func:`encode_service_error` without one (a request that matched none).

Public names: :func:`encode_response`, :func:`encode_error`, :func:`encode_service_error`,
:func:`decode_body`, :func:`drop_unknown`, :func:`parse`, :func:`parsed_error`, :func:`aws_response`,
:func:`default_message`, :func:`request_id`, :data:`COMMON_ERRORS`, :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import uuid
from collections.abc import Mapping
from typing import Any

from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.parsers import create_parser

from pytest_bedrock_mock.core.errorcodes import COMMON_ERRORS, default_message, error_status, is_common
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.core.shapes import Node, Path, ShapeVisitor, format_path, join
from pytest_bedrock_mock.errors import ApiError

__all__ = [
    "COMMON_ERRORS",
    "MAX_DEPTH",
    "aws_response",
    "decode_body",
    "default_message",
    "drop_unknown",
    "encode_error",
    "encode_response",
    "encode_service_error",
    "parse",
    "parsed_error",
    "request_id",
]

ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
#: The namespace AWS front ends type their common errors in (``com.amazon.coral.service#SerializationException``).
COMMON_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.coral.service/"

#: Request bodies nested deeper than this are refused (the model's deepest input is a few levels).
MAX_DEPTH = 100
#: JSON integers outside a signed 64-bit ``long`` cannot be deserialized (Java's ``long``).
_LONG = (-(2**63), 2**63 - 1)

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
    payload = json.dumps(_ToWire().walk(model.output_shape(operation), body), separators=(",", ":"), allow_nan=False).encode()
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": rid or request_id(), "Content-Length": str(len(payload))}
    return model.success_status(operation), headers, payload


def encode_error(operation: str, code: str, message: str | None = None, *, rid: str | None = None, status: int | None = None, fields: Mapping[str, Any] | None = None) -> tuple[int, dict[str, str], bytes]:
    """The wire form of an error of ``operation``.

    ``code`` must be documented for it, or be one of :data:`COMMON_ERRORS`, unless ``status`` is given.
    """
    suffix = COMMON_TYPE_SUFFIX if is_common(operation, code) else ERROR_TYPE_SUFFIX
    if status is None:
        status = error_status(operation, code)
    text = message if message is not None else default_message(code, operation=operation)
    return _error_bytes(status, code + suffix, text, rid, fields)


def encode_service_error(code: str, message: str | None = None, *, rid: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """The wire form of an error answered before any operation was chosen (no route, a body too large, ...).

    ``code`` is one of :data:`COMMON_ERRORS` or an error the service model defines (``InternalServerException``).
    """
    if code in COMMON_ERRORS:
        status, suffix = COMMON_ERRORS[code].status, COMMON_TYPE_SUFFIX
    else:
        shape = get_model().service_model.shape_for_error_code(code)
        if shape is None:
            raise ValueError(f"{code!r} is neither a common AWS error ({', '.join(COMMON_ERRORS)}) nor an error of the bedrock model")
        status, suffix = int(shape.metadata.get("error", {}).get("httpStatusCode", 400)), ERROR_TYPE_SUFFIX
    return _error_bytes(status, code + suffix, message if message is not None else default_message(code), rid, None)


def _error_bytes(status: int, error_type: str, message: str, rid: str | None, fields: Mapping[str, Any] | None) -> tuple[int, dict[str, str], bytes]:
    payload = json.dumps({"message": message, **(fields or {})}, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "x-amzn-RequestId": rid or request_id(),
        "x-amzn-ErrorType": error_type,
        "Content-Length": str(len(payload)),
    }
    return status, headers, payload


def _bad_body(message: str) -> ApiError:
    return ApiError("SerializationException", message)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _bad_body(f"the number {text[:40]} is out of range for a JSON number (at most about 1.8e308)")
    return value


def _integer(text: str) -> int:
    value = int(text)
    if not _LONG[0] <= value <= _LONG[1]:
        raise _bad_body(f"the integer {text[:40]}{'...' if len(text) > 40 else ''} is out of range (a 64-bit integer at most)")
    return value


def _constant(text: str) -> Any:
    raise _bad_body(f"{text} is not a JSON number; send a finite number")


def decode_body(body: bytes | str) -> Any:
    """A request body as the service's deserializer reads it; raises :class:`ApiError` ``SerializationException``."""
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _bad_body(f"the request body is not UTF-8 (byte 0x{body[exc.start]:02x} at offset {exc.start}); send UTF-8 JSON") from None
    else:
        text = body
    try:
        document = json.loads(text, parse_float=_number, parse_int=_integer, parse_constant=_constant)
    except RecursionError:
        raise _bad_body(f"the request body is nested too deeply (at most {MAX_DEPTH} levels)") from None
    except json.JSONDecodeError as exc:
        raise _bad_body(f"the request body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}); send one JSON object") from None
    except ValueError as exc:  # an integer with more digits than Python converts
        raise _bad_body(f"the request body is not valid JSON: {exc}") from None
    _check_document(document)
    return document


def _check_document(document: Any) -> None:
    """Depth and Unicode checks, iteratively (a deep document must not exhaust the stack here either)."""
    stack: list[tuple[Any, Path]] = [(document, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, (dict, list)):
            if len(path) >= MAX_DEPTH:
                raise _bad_body(f"the request body is nested too deeply (at most {MAX_DEPTH} levels)")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_text(key, path)
                stack.append((item, join(path, key)))
        elif isinstance(value, str):
            _check_text(value, path)


def _check_text(text: str, path: Path) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            where = format_path(path) or "the body"
            raise _bad_body(f"the string at '{where}' holds a lone surrogate \\u{ord(text[exc.start]):04x}, which is not "
                            "Unicode text; send characters outside the BMP as a surrogate pair") from None


class _KnownOnly(ShapeVisitor[Any]):
    """A decoded request body without the members the model does not know; their paths go to ``ignored``."""

    def __init__(self) -> None:
        super().__init__()
        self.ignored: list[str] = []

    def visit_structure(self, node: Node) -> Any:
        if not isinstance(node.value, dict):
            return node.value
        out = {}
        for name, item, child in node.members(wire=True):
            if child is None:
                self.ignored.append(format_path(join(node.path, name)))
            else:
                out[name] = item if item is None else self.visit(child)
        return out

    def visit_list(self, node: Node) -> Any:
        return [self.visit(child) for child in node.items()] if isinstance(node.value, list) else node.value

    def visit_map(self, node: Node) -> Any:
        return {key.value: self.visit(child) for key, child in node.entries()} if isinstance(node.value, dict) else node.value

    def visit_scalar(self, node: Node) -> Any:
        return node.value

    def visit_other(self, node: Node) -> Any:
        return node.value


def drop_unknown(operation: str, document: Any) -> tuple[Any, tuple[str, ...]]:
    """``(body, ignored)``: a decoded request body of ``operation`` without the members its input shape lacks.

    The service ignores a member it does not know (a client built from a newer model may send
    one), so the fakes do too; ``ignored`` lists their member paths (``trainingDataConfig.newField``)
    for the call log. A body member that belongs in the URI or query string counts as unknown.
    """
    visitor = _KnownOnly()
    known = visitor.walk(get_model().input_shape(operation), document)
    return known, tuple(visitor.ignored)


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
