"""Incoming rest-json requests: which operation, and with which parameters.

Routes are derived from the service model (each operation's ``http.method`` and
``requestUri``), never written by hand. A URI label (``{jobIdentifier}``) arrives
percent-encoded — an ARN's ``:`` and ``/`` as ``%3A`` and ``%2F`` — and is decoded
after the path is matched. Query-string and path values are converted to the member's
type (an integer that is not one is a ``ValidationException``, as the service answers).
The JSON body is read by :func:`pytest_bedrock_mock.core.wire.decode_body`: a body that
cannot be deserialized raises :class:`~pytest_bedrock_mock.errors.ApiError`
(``SerializationException``).

Public names: :func:`match`, :func:`request_params`, :func:`region_of`, :class:`NoRoute`.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, unquote

from pytest_bedrock_mock.contract.validate import Violation
from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.core.model import BedrockModel, get_model
from pytest_bedrock_mock.core.shapes import Node, ShapeVisitor
from pytest_bedrock_mock.errors import ApiError, NoRoute

__all__ = ["NoRoute", "match", "region_of", "request_params"]

_CREDENTIAL = re.compile(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/bedrock/")
_HOST = re.compile(r"bedrock\.([a-z0-9-]+)\.amazonaws\.com")


@lru_cache(maxsize=4)
def _routes(model: BedrockModel) -> list[tuple[str, str, re.Pattern[str]]]:
    routes = []
    for op in model.operations:
        http = model.operation(op).http
        path = http["requestUri"].split("?", 1)[0]
        pattern = re.sub(r"\\\{(\w+)(?:\\\+)?\\\}", lambda m: f"(?P<{m.group(1)}>[^/]+)", re.escape(path))
        routes.append((http["method"].upper(), op, re.compile(f"^{pattern}/?$")))
    return routes


def match(method: str, raw_path: str) -> tuple[str, dict[str, str]]:
    """``(operation, decoded path labels)`` for a request; raises :class:`NoRoute`."""
    for verb, op, pattern in _routes(get_model()):
        found = pattern.match(raw_path)
        if found and verb == method.upper():
            return op, {k: unquote(v) for k, v in found.groupdict().items()}
    raise NoRoute(f"no Bedrock model-customization operation answers {method} {raw_path}")


class _FromText(ShapeVisitor[Any]):
    """A path label or query-string value (text) as a value of its member's type; a list of them item by item.

    Text that is not of the type is reported in ``bad`` (at the parameter's ``name``) and becomes None.
    """

    def __init__(self, name: str, bad: list[Violation]) -> None:
        super().__init__()
        self.name = name
        self.bad = bad

    def visit(self, node: Node) -> Any:
        try:
            return super().visit(node)
        except (ValueError, OverflowError, OSError):  # not a number, or a timestamp out of range (1e20, inf)
            kind = node.shape.type_name
            self.bad.append(Violation(self.name, "type", f"Member must be of type {kind}", node.value, False, kind))
            return None

    def visit_list(self, node: Node) -> Any:
        return [self.visit(child) for child in node.items()] if isinstance(node.value, list) else node.value

    def visit_number(self, node: Node) -> Any:
        return int(node.value) if node.shape.type_name in ("integer", "long") else float(node.value)

    def visit_boolean(self, node: Node) -> Any:
        if node.value not in ("true", "false"):
            raise ValueError(node.value)
        return node.value == "true"

    def visit_timestamp(self, node: Node) -> Any:
        try:
            parsed = _dt.datetime.fromtimestamp(float(node.value), _dt.timezone.utc)
        except ValueError:
            parsed = _dt.datetime.fromisoformat(node.value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.timezone.utc)

    def visit_other(self, node: Node) -> Any:
        return node.value


def request_params(operation: str, labels: Mapping[str, str], query_string: str, body: bytes | str | None) -> tuple[dict[str, Any], list[Violation], tuple[str, ...]]:
    """The parameters a client sent, as a client passes them, any values that do not fit their type,
    and the paths of body members the model does not know (ignored, as the service ignores them).

    Raises :class:`ApiError` (``SerializationException``) for a body that cannot be deserialized.
    """
    shape = get_model().input_shape(operation)
    query = parse_qs(query_string, keep_blank_values=True)
    params: dict[str, Any] = {}
    bad: list[Violation] = []
    body_members = {}
    ignored: tuple[str, ...] = ()
    for name, member in shape.members.items():
        where = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if where == "uri" and wire_name in labels:
            params[name] = _FromText(name, bad).walk(member, labels[wire_name], (name,))
        elif where == "querystring" and wire_name in query:
            items: list[str] = query[wire_name]
            text: str | list[str] = items if member.type_name == "list" else items[-1]
            params[name] = _FromText(name, bad).walk(member, text, (name,))
        elif where is None:
            body_members[wire_name] = name
    if body:
        document = wire.decode_body(body)
        if not isinstance(document, dict):
            raise ApiError("SerializationException", f"the request body must be a JSON object, got a JSON {_json_kind(document)}")
        document, ignored = wire.drop_unknown(operation, document)
        for wire_name, value in document.items():
            params[body_members.get(wire_name, wire_name)] = value
    return params, bad, ignored


def _json_kind(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


def region_of(headers: Mapping[str, str], host: str, default: str) -> str:
    """The region a request was signed for (SigV4 credential scope), else the host's, else ``default``."""
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    found = _CREDENTIAL.search(auth) or _HOST.search(host)
    return found.group(1) if found else default
