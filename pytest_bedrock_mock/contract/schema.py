"""JSON Schema (Draft 2020-12) of every input and output shape in scope, generated from the model.

>>> schema = json_schema("GetModelCustomizationJob", output=True)
>>> schema["$schema"]
'https://json-schema.org/draft/2020-12/schema'

What the schemas describe:

* a request schema describes the operation's *parameters* as the SDKs name them (path and
  query parameters included), a response schema the JSON body the service sends;
* ``required``, ``minLength``/``maxLength``, ``minItems``/``maxItems`` (``minProperties`` for
  maps), ``minimum``/``maximum``, ``enum`` and ``pattern`` come from the model's constraints;
* tagged unions are objects with exactly one member (``minProperties``/``maxProperties`` 1);
* timestamps are strings in the wire format (ISO-8601, e.g. ``2024-05-01T12:34:56.789Z``);
* model patterns are Java regexes matched against the whole value: they are anchored and
  rewritten so that ECMA-262 (``u`` flag), Python's :mod:`re` (what ``jsonschema`` uses) and
  the service's Java engine agree: ``\\d`` becomes ``[0-9]``, ``\\s`` the six ASCII
  whitespace characters, ``.`` excludes Java's line terminators;
* requests are closed (unknown members and enum values are rejected, as the service does);
  responses are open: a field or enum value newer than the model is allowed, and each
  enum is listed in ``examples``, because the service may send values botocore does not know.

Known gaps JSON Schema cannot express: the service counts string lengths in UTF-16 code
units (JSON Schema in code points: they differ only outside the Basic Multilingual Plane),
and JSON Schema counts ``1.0`` as an integer.

Public names: :func:`json_schema`, :func:`json_schemas`, :func:`write_schemas`,
:func:`ecma_pattern`, :data:`DRAFT`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from botocore.model import Shape

from pytest_bedrock_mock.core.javaregex import ecma_pattern
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.core.shapes import Node, ShapeVisitor

__all__ = ["DRAFT", "ecma_pattern", "json_schema", "json_schemas", "write_schemas"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_PREFIX = "urn:pytest-bedrock-mock:bedrock:"

#: ISO-8601 date-time as the wire carries it (fractional seconds optional, UTC or offset).
TIMESTAMP_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})(?![\\s\\S])"

class _Builder(ShapeVisitor[dict[str, Any]]):
    """Builds one schema; named structures, lists and maps below the root go to ``$defs``."""

    def __init__(self, *, output: bool) -> None:
        super().__init__()
        self.output = output
        self.defs: dict[str, Any] = {}
        self.recurring: set[str] = set()

    def named(self, node: Node, body: dict[str, Any]) -> dict[str, Any]:
        """The root inline; anything else by reference to its ``$defs`` entry."""
        if not node.path:
            if node.shape.name in self.recurring:
                self.defs[node.shape.name] = body
            return body
        self.defs[node.shape.name] = body
        return _ref(node.shape)

    def built(self, node: Node) -> dict[str, Any] | None:
        return _ref(node.shape) if node.path and node.shape.name in self.defs else None

    def visit_again(self, node: Node) -> dict[str, Any]:
        self.recurring.add(node.shape.name)  # a structure that contains itself: refer to it
        return _ref(node.shape)

    def visit_structure(self, node: Node) -> dict[str, Any]:
        shape: Any = node.shape
        done = self.built(node)
        if done is not None:
            return done
        out: dict[str, Any] = {"type": "object", "title": shape.name}
        out["properties"] = {name: self.visit(child) for name, _, child in node.members() if child is not None}
        if shape.is_tagged_union:
            out["minProperties"] = 1
            out["maxProperties"] = 1
        required = list(shape.required_members)
        if required:
            out["required"] = required
        if not self.output:
            out["additionalProperties"] = False
        return self.named(node, out)

    def visit_list(self, node: Node) -> dict[str, Any]:
        done = self.built(node)
        if done is not None:
            return done
        (item,) = node.items()
        out: dict[str, Any] = {"type": "array", "title": node.shape.name, "items": self.visit(item)}
        _sizes(out, node.shape, "minItems", "maxItems")
        return self.named(node, out)

    def visit_map(self, node: Node) -> dict[str, Any]:
        done = self.built(node)
        if done is not None:
            return done
        ((key, value),) = node.entries()
        out: dict[str, Any] = {"type": "object", "title": node.shape.name, "propertyNames": self.visit(key)}
        out["additionalProperties"] = self.visit(value)
        _sizes(out, node.shape, "minProperties", "maxProperties")
        return self.named(node, out)

    def visit_string(self, node: Node) -> dict[str, Any]:
        shape: Any = node.shape
        out: dict[str, Any] = {"type": "string"}
        _sizes(out, shape, "minLength", "maxLength")
        if shape.enum:
            out["examples" if self.output else "enum"] = list(shape.enum)
        if "pattern" in shape.metadata:
            out["pattern"] = ecma_pattern(shape.metadata["pattern"])
        return out

    def visit_number(self, node: Node) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer" if node.shape.type_name in ("integer", "long") else "number"}
        _sizes(out, node.shape, "minimum", "maximum")
        return out

    def visit_boolean(self, node: Node) -> dict[str, Any]:
        return {"type": "boolean"}

    def visit_timestamp(self, node: Node) -> dict[str, Any]:
        return {"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN}

    def visit_blob(self, node: Node) -> dict[str, Any]:
        return {"type": "string", "contentEncoding": "base64"}


def _ref(shape: Shape) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{shape.name}"}


def _sizes(out: dict[str, Any], shape: Shape, low: str, high: str) -> None:
    meta = shape.metadata
    if "min" in meta:
        out[low] = meta["min"]
    if "max" in meta:
        out[high] = meta["max"]


def json_schema(operation: str, *, output: bool = False) -> dict[str, Any]:
    """The Draft 2020-12 schema of ``operation``'s parameters (``output=False``) or response."""
    model = get_model()
    name = model.operation_name(operation)
    shape = model.output_shape(name) if output else model.input_shape(name)
    builder = _Builder(output=output)
    part = "response" if output else "request"
    root = builder.walk(shape) if shape is not None else {"type": "object", "additionalProperties": not output}
    schema: dict[str, Any] = {"$schema": DRAFT, "$id": f"{ID_PREFIX}{name}:{part}", **root}
    schema["title"] = f"{name} {part}"
    if builder.defs:
        schema["$defs"] = dict(sorted(builder.defs.items()))
    return schema


def json_schemas() -> dict[str, dict[str, Any]]:
    """Every schema in scope, keyed by file name (``GetModelCustomizationJob.response.schema.json``)."""
    out: dict[str, dict[str, Any]] = {}
    for op in get_model().operations:
        for output in (False, True):
            out[f"{op}.{'response' if output else 'request'}.schema.json"] = json_schema(op, output=output)
    return out


def write_schemas(directory: str | Path) -> list[Path]:
    """Write :func:`json_schemas` into ``directory`` (created if missing); returns the paths written.

    Each file is written to a temporary name and renamed, so a reader never sees half a file.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = target / name
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(schema, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written
