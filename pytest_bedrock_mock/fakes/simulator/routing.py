"""Incoming rest-json requests: which operation, and with which parameters.

Routes are derived from the service model (each operation's ``http.method`` and
``requestUri``), never written by hand. A URI label (``{jobIdentifier}``) arrives
percent-encoded — an ARN's ``:`` and ``/`` as ``%3A`` and ``%2F`` — and is decoded
after the path is matched. Query-string and path values are converted to the member's
type (an integer that is not one is a ``ValidationException``, as the service answers).

Public names: :func:`match`, :func:`request_params`, :func:`region_of`, :class:`NoRoute`.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, unquote

from pytest_bedrock_mock.contract.validate import Violation
from pytest_bedrock_mock.core.model import BedrockModel, get_model
from pytest_bedrock_mock.errors import NoRoute

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


def _convert(value: str, shape: Any, name: str, bad: list[Violation]) -> Any:
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(value)
        if kind in ("float", "double"):
            return float(value)
        if kind == "boolean":
            if value not in ("true", "false"):
                raise ValueError(value)
            return value == "true"
        if kind == "timestamp":
            try:
                parsed = _dt.datetime.fromtimestamp(float(value), _dt.timezone.utc)
            except ValueError:
                parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.timezone.utc)
    except ValueError:
        bad.append(Violation(name, "type", f"Member must be of type {kind}", value, False, kind))
        return None
    return value


def request_params(operation: str, labels: Mapping[str, str], query_string: str, body: bytes | str | None) -> tuple[dict[str, Any], list[Violation]]:
    """The parameters a client sent, as a client passes them, and any values that do not fit their type."""
    shape = get_model().input_shape(operation)
    query = parse_qs(query_string, keep_blank_values=True)
    params: dict[str, Any] = {}
    bad: list[Violation] = []
    body_members = {}
    for name, member in shape.members.items():
        where = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if where == "uri" and wire_name in labels:
            params[name] = _convert(labels[wire_name], member, name, bad)
        elif where == "querystring" and wire_name in query:
            items: Sequence[str] = query[wire_name]
            if member.type_name == "list":
                params[name] = [_convert(v, member.member, name, bad) for v in items]
            else:
                params[name] = _convert(items[-1], member, name, bad)
        elif where is None:
            body_members[wire_name] = name
    if body:
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        if not isinstance(document, dict):
            bad.append(Violation("body", "type", "Member must be a JSON object", None, False, "structure"))
        else:
            for wire_name, value in document.items():
                params[body_members.get(wire_name, wire_name)] = value
    return params, bad


def region_of(headers: Mapping[str, str], host: str, default: str) -> str:
    """The region a request was signed for (SigV4 credential scope), else the host's, else ``default``."""
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    found = _CREDENTIAL.search(auth) or _HOST.search(host)
    return found.group(1) if found else default
