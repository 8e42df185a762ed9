"""Drift: a recorded answer checked against the *current* model's output and error shapes.

:func:`check_interaction` parses a recorded response with botocore's real rest-json
parser (:func:`pytest_bedrock_mock.core.wire.parse`) and reports

* ``drift``: a success body that breaks the output contract
  (:func:`pytest_bedrock_mock.contract.validate.validate_response`), an error code the model does
  not document for the operation, an HTTP status other than the modelled one, a missing
  ``x-amzn-RequestId``, an operation the model does not know;
* ``unknown_field``: a body field the model has no member for (botocore drops it
  silently, so code under test never sees it — usually the recording is newer than
  botocore);
* ``unknown_value``: an enum value (a status, a customization type...) the model does
  not list. The service may add values, so this is not drift, but code under test
  meets a value the kit's variants do not cover.

Public names: :class:`Finding`, :data:`FINDING_KINDS`, :func:`check_interaction`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pytest_bedrock_mock.contract.validate import validate_response
from pytest_bedrock_mock.core.model import UnknownNameError, get_model
from pytest_bedrock_mock.core.shapes import Node, ShapeWalker, format_path, join
from pytest_bedrock_mock.core.wire import parse
from pytest_bedrock_mock.fakes.cassettes.format import Interaction

__all__ = ["FINDING_KINDS", "Finding", "check_interaction"]

#: Every kind of problem lint reports.
FINDING_KINDS: tuple[str, ...] = ("format", "drift", "unknown_field", "unknown_value", "credential")


@dataclass(frozen=True)
class Finding:
    """One problem of a cassette: where (file, interaction index), which kind, what."""

    kind: str
    message: str
    index: int | None = None
    file: str = ""

    def __str__(self) -> str:
        where = self.file or "<cassette>"
        if self.index is not None:
            where += f": interaction {self.index}"
        return f"{where}: {self.kind}: {self.message}"


class _Scan(ShapeWalker):
    """Names the model lacks (``unknown``) and enum values it does not list (``values``).

    ``wire=True`` reads a raw body (wire names; members bound to headers or the path count
    as unknown); ``wire=False`` reads a parsed answer. Map keys are not checked.
    """

    def __init__(self, *, wire: bool) -> None:
        super().__init__()
        self.wire = wire
        self.unknown: list[str] = []
        self.values: list[str] = []

    def visit_structure(self, node: Node) -> None:
        for name, _item, child in node.members(wire=self.wire):
            if child is None:
                self.unknown.append(format_path(join(node.path, name)))
            else:
                self.visit(child)

    def visit_list(self, node: Node) -> None:
        for child in node.items():
            self.visit(child)

    def visit_map(self, node: Node) -> None:
        for _key, child in node.entries():
            self.visit(child)

    def visit_string(self, node: Node) -> None:
        enum = node.shape.enum  # type: ignore[attr-defined]
        if not self.wire and enum and node.value not in enum:
            self.values.append(f"{format_path(node.path)}: {node.value!r} is not one of {', '.join(enum)}")


def _unknown_fields(value: Any, shape: Any) -> list[str]:
    scan = _Scan(wire=True)
    scan.walk(shape, value)
    return scan.unknown


def _unknown_values(value: Any, shape: Any) -> list[str]:
    scan = _Scan(wire=False)
    scan.walk(shape, value)
    return scan.values


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8")) if body else {}
    except ValueError:
        return None


def _error_findings(interaction: Interaction, parsed: dict[str, Any], index: int | None) -> list[Finding]:
    model = get_model()
    op, status = interaction.operation, interaction.response.status
    code = parsed.get("Error", {}).get("Code") or ""
    errors = model.errors(op)
    if code not in errors:
        return [Finding("drift", f"{op} answered HTTP {status} with error code {code!r}, which the model does not document for it (documented: {', '.join(errors)})", index)]
    info = errors[code]
    out = []
    if info.http_status != status:
        out.append(Finding("drift", f"{op} error {code} has HTTP status {status}, the model says {info.http_status}", index))
    body = _json_body(interaction.response.body)
    unknown: list[str] = []
    if isinstance(body, dict):
        unknown = _unknown_fields({k: v for k, v in body.items() if k not in ("__type", "code", "Code", "Message")}, info.shape)
    out += [Finding("unknown_field", f"error body field {path!r} is not a member of {info.shape.name}", index) for path in unknown]
    return out


def check_interaction(interaction: Interaction, index: int | None = None) -> list[Finding]:
    """Every drift and unknown-field finding of one recorded interaction."""
    model = get_model()
    op = interaction.operation
    try:
        model.operation_name(op)
    except UnknownNameError as exc:
        return [Finding("drift", str(exc), index)]
    resp = interaction.response
    out: list[Finding] = []
    if not any(k.lower() == "x-amzn-requestid" for k in resp.headers):
        out.append(Finding("drift", "the response has no x-amzn-RequestId header (every bedrock answer carries one)", index))
    try:
        parsed = parse(op, resp.status, resp.headers, resp.body)
    except Exception as exc:  # botocore's parser raises several types; report, never crash
        return [*out, Finding("drift", f"botocore cannot parse the recorded {op} response: {type(exc).__name__}: {exc}", index)]
    if resp.status >= 300:
        return out + _error_findings(interaction, parsed, index)
    expected = model.success_status(op)
    if resp.status != expected:
        out.append(Finding("drift", f"{op} answered HTTP {resp.status}, the model says {expected}", index))
    out += [Finding("drift", f"{v.path or '(body)'}: {v.kind}: {v.message}", index) for v in validate_response(op, parsed)]
    values = _unknown_values(parsed, model.output_shape(op))
    out += [Finding("unknown_value", f"{text} (the model does not list this value)", index) for text in values]
    body = _json_body(resp.body)
    if body is None:
        out.append(Finding("drift", f"the {op} response body is not JSON", index))
    else:
        unknown = _unknown_fields(body, model.output_shape(op))
        out += [Finding("unknown_field", f"response field {path!r} is not in the model's {op} output shape (botocore drops it)", index) for path in unknown]
    return out
