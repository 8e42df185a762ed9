"""The cassette format: versioned, human-diffable, with a JSON Schema of its own.

A cassette is a YAML (or JSON) document::

    format: pytest-bedrock-mock-cassette
    version: 1
    interactions:
    - operation: GetModelCustomizationJob
      request:
        method: GET
        path: /model-customization-jobs/arn%3Aaws%3Abedrock%3A...   # as on the wire
        query: {}                                                   # name -> [values]
        body: null                                                  # the request body as JSON
      response:
        status: 200
        headers: {Content-Type: application/json, x-amzn-RequestId: ...}
        body_encoding: json                                         # json | text | base64
        body: {jobArn: ..., status: Completed, ...}
    interaction_count: 1                                            # last line: a cut file lacks it

The closing ``interaction_count`` makes a truncated file an error even when the cut
happens to leave valid YAML.

``body_encoding: json`` means the wire bytes are exactly the compact JSON encoding of
``body`` (``json.dumps(body, separators=(",", ":"), ensure_ascii=False)``), which keeps
the file diffable field by field; a body that does not round-trip that way is kept
verbatim as ``text`` (or ``base64`` when it is not UTF-8).

Public names: :data:`FORMAT_NAME`, :data:`FORMAT_VERSION`, :data:`SCHEMA`, :class:`Request`,
:class:`Response`, :class:`Interaction`, :class:`Cassette`, :class:`CassetteError`,
:class:`CassetteFormatError`, :func:`cassette_from_data`, :func:`cassette_to_data`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from pytest_bedrock_mock.errors import CassetteError, CassetteFormatError

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "SCHEMA",
    "Cassette",
    "CassetteError",
    "CassetteFormatError",
    "Interaction",
    "Request",
    "Response",
    "cassette_from_data",
    "cassette_to_data",
    "encode_body",
]

FORMAT_NAME = "pytest-bedrock-mock-cassette"
FORMAT_VERSION = 1

_HEADERS = {"type": "object", "additionalProperties": {"type": "string"}}
#: JSON Schema (draft 2020-12) of a cassette document.
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://pytest-bedrock-mock.invalid/schemas/cassette-v1.json",
    "title": "pytest-bedrock-mock cassette",
    "type": "object",
    "required": ["format", "version", "interactions", "interaction_count"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT_NAME},
        "version": {"const": FORMAT_VERSION},
        "interactions": {"type": "array", "items": {"$ref": "#/$defs/interaction"}},
        "interaction_count": {"type": "integer", "minimum": 0},
    },
    "$defs": {
        "interaction": {
            "type": "object",
            "required": ["operation", "request", "response"],
            "additionalProperties": False,
            "properties": {
                "operation": {"type": "string", "minLength": 1},
                "request": {"$ref": "#/$defs/request"},
                "response": {"$ref": "#/$defs/response"},
            },
        },
        "request": {
            "type": "object",
            "required": ["method", "path"],
            "additionalProperties": False,
            "properties": {
                "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]},
                "path": {"type": "string", "pattern": "^/"},
                "query": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                "body": {},
            },
        },
        "response": {
            "type": "object",
            "required": ["status", "headers", "body_encoding", "body"],
            "additionalProperties": False,
            "properties": {
                "status": {"type": "integer", "minimum": 100, "maximum": 599},
                "headers": _HEADERS,
                "body_encoding": {"enum": ["json", "text", "base64"]},
                "body": {},
            },
            "allOf": [
                {"if": {"properties": {"body_encoding": {"enum": ["text", "base64"]}}}, "then": {"properties": {"body": {"type": "string"}}}},
            ],
        },
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


@dataclass
class Request:
    """A request as it went on the wire: method, percent-encoded path, query, JSON body."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    body: Any = None


@dataclass
class Response:
    """A response exactly as it came off the wire."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Interaction:
    operation: str
    request: Request
    response: Response


@dataclass
class Cassette:
    interactions: list[Interaction] = field(default_factory=list)
    version: int = FORMAT_VERSION


def encode_body(body: bytes) -> tuple[str, Any]:
    """``(body_encoding, body)`` for the file: structured JSON when it round-trips exactly."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "base64", base64.b64encode(body).decode("ascii")
    try:
        value = json.loads(text)
    except ValueError:
        return "text", text
    if _compact(value) == text:
        return "json", value
    return "text", text


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _decode_body(encoding: str, body: Any) -> bytes:
    if encoding == "json":
        return _compact(body).encode("utf-8")
    if encoding == "base64":
        return base64.b64decode(body, validate=True)
    return str(body).encode("utf-8")


def cassette_to_data(cassette: Cassette) -> dict[str, Any]:
    """The document form of a cassette (plain dicts, lists, strings and numbers)."""
    out = []
    for item in cassette.interactions:
        encoding, body = encode_body(item.response.body)
        out.append({
            "operation": item.operation,
            "request": {"method": item.request.method, "path": item.request.path, "query": {k: list(v) for k, v in item.request.query.items()}, "body": item.request.body},
            "response": {"status": item.response.status, "headers": dict(item.response.headers), "body_encoding": encoding, "body": body},
        })
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "interactions": out, "interaction_count": len(out)}


def _check_version(file: str, data: Any) -> None:
    if not isinstance(data, dict):
        raise CassetteFormatError(file, f"expected a mapping with 'format', 'version' and 'interactions', found {type(data).__name__}")
    if data.get("format") != FORMAT_NAME:
        raise CassetteFormatError(file, f"not a pytest-bedrock-mock cassette: 'format' is {data.get('format')!r}, expected {FORMAT_NAME!r}")
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise CassetteFormatError(
            file, f"written in cassette format version {version}, but this pytest-bedrock-mock reads versions up to {FORMAT_VERSION}; upgrade pytest-bedrock-mock"
        )


def _check_complete(file: str, data: dict[str, Any]) -> None:
    items = data.get("interactions")
    n = len(items) if isinstance(items, list) else 0
    last = n - 1 if n else None
    count = data.get("interaction_count")
    if count is None:
        raise CassetteFormatError(file, f"the file is incomplete: its closing 'interaction_count' line is missing (truncated after {n} interaction(s)?)", index=last)
    if count != n:
        raise CassetteFormatError(file, f"'interaction_count' says {count!r} but the file has {n} interaction(s) (truncated or edited by hand?)", index=last)


def _schema_error(file: str, data: dict[str, Any]) -> CassetteFormatError | None:
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if not errors:
        return None
    error = errors[0]
    path = list(error.absolute_path)
    index = path[1] if len(path) > 1 and path[0] == "interactions" and isinstance(path[1], int) else None
    field_path = ".".join(str(p) for p in (path[2:] if index is not None else path))
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return CassetteFormatError(file, f"{error.message}{more}", index=index, field=field_path)


def cassette_from_data(data: Any, file: str = "<cassette>") -> Cassette:
    """Check a document against the version and :data:`SCHEMA` and build a :class:`Cassette`."""
    _check_version(file, data)
    _check_complete(file, data)
    problem = _schema_error(file, data)
    if problem is not None:
        raise problem
    interactions = []
    for index, item in enumerate(data["interactions"]):
        req, resp = item["request"], item["response"]
        try:
            body = _decode_body(resp["body_encoding"], resp["body"])
        except (binascii.Error, ValueError) as exc:
            raise CassetteFormatError(file, f"response body is not valid {resp['body_encoding']}: {exc}", index=index, field="response.body") from None
        interactions.append(Interaction(
            operation=item["operation"],
            request=Request(req["method"], req["path"], {k: list(v) for k, v in (req.get("query") or {}).items()}, req.get("body")),
            response=Response(int(resp["status"]), dict(resp["headers"]), body),
        ))
    return Cassette(interactions, int(data["version"]))
