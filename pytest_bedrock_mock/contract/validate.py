"""Contract validation: what the real service checks, with the messages it sends.

:func:`validate_request` walks an operation's input shape from botocore's model and
reports every :class:`Violation` (required, type, length, pattern, enum, range, list
and map sizes, tagged unions, unknown members). It is a visitor of the one shape walk
(:mod:`pytest_bedrock_mock.core.shapes`) and checks each value in this order: type, then
``min``/``max``, then ``enum``, then ``pattern`` -- a value of the wrong type gets no other
check, and a huge string that breaks ``max`` is rejected on its length before any regex runs
(:data:`PATTERN_SKIP_LENGTH`). A value that the checks compiled once per operation
(:mod:`pytest_bedrock_mock.contract.precheck`) find clean is not walked. A request whose fields are all valid is
then checked against the request rules of :mod:`pytest_bedrock_mock.core.rules` (kind ``rule``;
:attr:`Violation.rule` names the rule), as the service checks its fields before its rules. botocore itself checks only required,
type, ``min`` and tagged unions client-side; :attr:`Violation.client_side` says which
violations botocore would already have rejected with ``ParamValidationError`` and
which only the service rejects with ``ValidationException``.

:func:`validation_message` joins violations the way the service does::

    1 validation error detected: Value 'x' at 'jobName' failed to satisfy constraint: ...

Public names: :class:`Violation`, :func:`validate_request`, :func:`validate_response`,
:func:`validation_message`, :data:`KINDS`, :data:`PATTERN_SKIP_LENGTH`.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.model import Shape
from botocore.utils import parse_to_aware_datetime

from pytest_bedrock_mock.contract.precheck import clean
from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.core.javaregex import full_match, java_length
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.core.shapes import Node, Path, ShapeWalker, format_path, join, parse_path

__all__ = [
    "KINDS",
    "PATTERN_SKIP_LENGTH",
    "Violation",
    "validate_request",
    "validate_response",
    "validation_message",
]

#: Every violation kind, with whether botocore's client-side validator catches it.
#: ``min_items`` is client-side for lists only (botocore never checks map sizes).
KINDS: dict[str, bool] = {
    "required": True,
    "type": True,
    "unknown_member": True,
    "min_length": True,
    "max_length": False,
    "pattern": False,
    "enum": False,
    "min_items": True,
    "max_items": False,
    "min_value": True,
    "max_value": False,
    "union_none": True,
    "union_many": True,
    "rule": False,
}

#: The ranges of the model's integer types (a bound the model does not state is the type's own).
_RANGES: dict[str, tuple[int, int]] = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}

#: Types whose botocore type check lets a bool through (``isinstance(True, int)``).
_BOOL_PASSES = ("integer", "long", "float", "double", "timestamp")

_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (float, int, decimal.Decimal),
    "double": (float, int, decimal.Decimal),
    "boolean": (bool,),
    "structure": (dict,),
    "map": (dict,),
    "list": (list, tuple),
    "blob": (bytes, bytearray, str),
}


@dataclass(frozen=True)
class Violation:
    """One broken constraint: where (``path``), which (``kind``), and the service's words."""

    path: str
    kind: str
    constraint: str
    value: Any = field(default=None, compare=False)
    sensitive: bool = field(default=False, compare=False)
    shape_type: str = field(default="", compare=False)
    #: Set by the validators when botocore's verdict depends on more than kind and type
    #: (a bool for a number: botocore range-checks it as 0/1 against the member's ``min``).
    botocore_rejects: bool | None = field(default=None, compare=False, repr=False)
    #: For ``kind="rule"``: the name of the :class:`~pytest_bedrock_mock.core.rules.RequestRule` broken.
    rule: str = field(default="", compare=False)

    @property
    def client_side(self) -> bool:
        """True when botocore rejects this before sending (``ParamValidationError``)."""
        if self.botocore_rejects is not None:
            return self.botocore_rejects
        if self.kind == "min_items":
            return self.shape_type == "list"
        if self.kind == "type" and isinstance(self.value, bool) and self.shape_type in _BOOL_PASSES:
            return False  # botocore takes bool for numbers and timestamps (an int subclass); the service does not
        return KINDS[self.kind]

    @property
    def message(self) -> str:
        """This violation as the service words it (one clause of the full message)."""
        if self.sensitive:
            shown = "Value at"
        elif self.value is None:
            shown = "Value null at"
        else:
            shown = f"Value '{_java_str(self.value)}' at"
        return f"{shown} '{self.path}' failed to satisfy constraint: {self.constraint}"

    def __str__(self) -> str:
        return f"{self.path}: {self.kind}: {self.message}"


def validation_message(violations: list[Violation] | tuple[Violation, ...]) -> str:
    """The full ``ValidationException`` message for ``violations``, as the service joins them."""
    n = len(violations)
    noun = "error" if n == 1 else "errors"
    return f"{n} validation {noun} detected: " + "; ".join(v.message for v in violations)


def validate_request(operation: str, params: Mapping[str, Any], *, region: str | None = None) -> list[Violation]:
    """Every violation of ``operation``'s input contract in ``params`` (empty when valid).

    The field checks first; when they all pass, the first request rule broken
    (:data:`pytest_bedrock_mock.core.rules.REQUEST_RULES`). ``region`` is the caller's region
    (the client's): with it, an ARN of another region or partition is a violation too.
    """
    if clean(operation, params):  # the compiled verdict (contract/precheck.py): only a value it doubts is walked
        if type(params) is dict:  # the common call: a valid request, its rules (if any) left to check
            broken = rules.check_request(operation, params, region)
            return _broken_rules(params, broken) if broken else []
        out: list[Violation] = []
    else:
        validator = _Validator(request=True)
        validator.walk(get_model().input_shape(operation), params)
        out = validator.out
    if out or not isinstance(params, Mapping):
        return out
    return _broken_rules(params, rules.check_request(operation, params, region))


def _broken_rules(params: Mapping[str, Any], broken: list[tuple[rules.RequestRule, str]]) -> list[Violation]:
    return [Violation(rule.path, "rule", constraint, _value_at(params, rule.path), rule=rule.name) for rule, constraint in broken]


def _value_at(params: Mapping[str, Any], path: str) -> Any:
    """The value at a member path of a request (None when absent)."""
    value: Any = params
    for step in parse_path(path):
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def validate_response(operation: str, response: Mapping[str, Any]) -> list[Violation]:
    """Every violation of ``operation``'s output contract in a parsed response.

    ``ResponseMetadata`` is ignored. Timestamps may be datetimes or ISO-8601 strings.
    """
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    if clean(operation, body, request=False):
        return []
    validator = _Validator(request=False)
    validator.walk(get_model().output_shape(operation), body)
    return validator.out


# -- the visitor ---------------------------------------------------------------------------

#: A string this long (UTF-16 units) that already breaks its ``max`` is not matched against its
#: pattern: the length violation rejects it, and a backtracking regex can spend seconds on
#: megabytes. Anything shorter gets every violation, as the service reports them.
PATTERN_SKIP_LENGTH = 8192


def _is_timestamp(value: Any) -> bool:
    """What botocore's serializer can turn into a timestamp (datetimes, epoch numbers, ISO-8601 strings)."""
    if isinstance(value, _dt.datetime):
        return True
    if isinstance(value, bool):
        return False
    try:
        parse_to_aware_datetime(value)
    except (TypeError, ValueError, AttributeError, OverflowError, OSError, RuntimeError):
        return False
    return True


def _bool_rejected_by_botocore(value: Any, shape: Shape) -> bool | None:
    """botocore's verdict on a bool where a number/timestamp belongs (None: not that case)."""
    if not isinstance(value, bool) or shape.type_name not in _BOOL_PASSES:
        return None
    return shape.type_name != "timestamp" and "min" in shape.metadata and value < shape.metadata["min"]


def _type_constraint(value: Any, shape: Shape) -> str | None:
    """The type constraint ``value`` breaks (None: it has the shape's type)."""
    kind = shape.type_name
    if kind == "timestamp":
        return None if _is_timestamp(value) else "Member must be a timestamp"
    types = _PY_TYPES.get(kind)
    if types is not None and (not isinstance(value, types) or (isinstance(value, bool) and kind != "boolean")):
        return f"Member must be of type {kind}"
    return None


class _Validator(ShapeWalker):
    """Per value: type, then ``min``/``max``, then ``enum``, then ``pattern``; then the children."""

    def __init__(self, request: bool) -> None:
        super().__init__()
        self.request = request
        self.out: list[Violation] = []
        #: Sensitive data stays hidden all the way down (the keys and values of a sensitive map too).
        self.hidden = False

    def add(self, path: Path, kind: str, constraint: str, value: Any, sensitive: bool, shape_type: str, rejects: bool | None = None) -> None:
        self.out.append(Violation(format_path(path), kind, constraint, value, sensitive, shape_type, rejects))

    def visit(self, node: Node) -> None:
        shape, path, value = node
        kind = shape.type_name
        types = _PY_TYPES.get(kind)
        if types is not None and isinstance(value, types) and (kind == "boolean" or not isinstance(value, bool)):
            broken = None
        else:
            broken = _type_constraint(value, shape)
        hide = not self.hidden and bool(shape.metadata.get("sensitive"))
        if broken is not None:
            self.add(path, "type", broken, value, self.hidden or hide, kind, _bool_rejected_by_botocore(value, shape))
        elif not hide:
            self.dispatch(node)  # a walk with a value: no recursion guard to go through
        else:
            self.hidden = True
            try:
                self.dispatch(node)
            finally:
                self.hidden = False

    def visit_structure(self, node: Node) -> None:
        shape: Any = node.shape
        path, value, members = node.path, node.value, shape.members
        if shape.is_tagged_union:
            # botocore counts the keys of a request's union (a None member is set, and of the wrong type)
            set_members = list(value) if self.request else [k for k in value if value[k] is not None]
            if len(set_members) == 0:
                self.add(path, "union_none", "Member must have exactly one member set, found none", None, self.hidden, "structure")
            elif len(set_members) > 1:
                self.add(path, "union_many", "Member must have exactly one member set, found " + ", ".join(set_members), None, self.hidden, "structure")
        for name in shape.required_members:
            if value.get(name) is None:
                self.add(join(path, name), "required", "Member must not be null", None, False, members[name].type_name)
        for name, item, child in node.members():
            if child is None:
                if self.request:
                    self.add(join(path, name), "unknown_member", "Member is not part of " + shape.name + "; valid members are: " + ", ".join(members), item, False, "")
            elif item is not None:
                self.visit(child)
            elif self.request and name not in shape.required_members:
                # botocore sends no nulls: it rejects an explicit None as a value of the wrong type
                self.add(child.path, "type", "Member must not be null", None, False, child.shape.type_name)

    def sizes(self, node: Node, size: int, low: str, high: str) -> None:
        meta = node.shape.metadata
        if "min" in meta and size < meta["min"]:
            self.add(node.path, low, f"Member must have length greater than or equal to {meta['min']}", node.value, self.hidden, node.shape.type_name)
        if "max" in meta and size > meta["max"]:
            self.add(node.path, high, f"Member must have length less than or equal to {meta['max']}", node.value, self.hidden, node.shape.type_name)

    def visit_list(self, node: Node) -> None:
        self.sizes(node, len(node.value), "min_items", "max_items")
        for child in node.items():
            if child.value is None:
                self.add(child.path, "required", "Member must not be null", None, False, child.shape.type_name)
            else:
                self.visit(child)

    def visit_map(self, node: Node) -> None:
        self.sizes(node, len(node.value), "min_items", "max_items")
        for key, child in node.entries():
            self.visit(key)
            if child.value is None:
                self.add(child.path, "required", "Member must not be null", None, False, child.shape.type_name)
            else:
                self.visit(child)

    def visit_string(self, node: Node) -> None:
        shape: Any = node.shape
        value: str = node.value
        high = shape.metadata.get("max")
        # a string longer than ``max`` in code points is longer in UTF-16 units too: no need to count them
        length = len(value) if high is not None and len(value) > high else java_length(value)
        self.sizes(node, length, "min_length", "max_length")
        enum = shape.enum
        # Enums are closed for requests; a response may carry a value newer than the model.
        if enum and self.request and value not in enum:
            self.add(node.path, "enum", "Member must satisfy enum value set: [" + ", ".join(enum) + "]", value, self.hidden, "string")
        pattern = shape.metadata.get("pattern")
        if pattern is None or (high is not None and length > max(high, PATTERN_SKIP_LENGTH)):
            return
        if not full_match(pattern, value):
            self.add(node.path, "pattern", f"Member must satisfy regular expression pattern: {pattern}", value, self.hidden, "string")

    def visit_number(self, node: Node) -> None:
        shape, value, meta = node.shape, node.value, node.shape.metadata
        if not _finite(value):  # JSON has no NaN or Infinity; botocore sends them anyway
            rejects = "min" in meta and isinstance(value, float) and value < meta["min"]  # botocore range-checks -Infinity
            self.add(node.path, "type", "Member must be a finite number", value, self.hidden, shape.type_name, rejects)
            return
        # a bound the model does not state is the type's own (int32, int64): botocore checks neither
        low, high = _RANGES.get(shape.type_name, (None, None))
        low, high = meta.get("min", low), meta.get("max", high)
        if low is not None and value < low:
            self.add(node.path, "min_value", f"Member must have value greater than or equal to {_java_num(low, shape)}", value, self.hidden, shape.type_name,
                     None if "min" in meta else False)
        if high is not None and value > high:
            self.add(node.path, "max_value", f"Member must have value less than or equal to {_java_num(high, shape)}", value, self.hidden, shape.type_name)


# -- Java-style rendering of values in messages ------------------------------------------


def _finite(value: Any) -> bool:
    if isinstance(value, decimal.Decimal):
        return value.is_finite()
    return not isinstance(value, float) or math.isfinite(value)


def _java_num(value: float, shape: Shape) -> str:
    """A number as Java's ``toString`` prints it (``50``, ``0.001``, ``1.0E-7``, ``NaN``, ``-Infinity``)."""
    if not _finite(value):
        return "NaN" if value != value or (isinstance(value, decimal.Decimal) and value.is_nan()) else ("-" if value < 0 else "") + "Infinity"
    if shape.type_name in ("integer", "long"):
        return str(int(value))
    x = float(value)
    if not math.isfinite(x):
        return "NaN" if x != x else ("Infinity" if x > 0 else "-Infinity")
    if x == 0 or 1e-3 <= abs(x) < 1e7:
        text = repr(x)
        return text if "." in text else text + ".0"
    sign, digits, exp = decimal.Decimal(repr(x)).normalize().as_tuple()
    power = len(digits) + int(exp) - 1
    mantissa = f"{digits[0]}." + ("".join(map(str, digits[1:])) or "0")
    return ("-" if sign else "") + f"{mantissa}E{power}"


def _java_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _java_num(value, _FLOAT)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_java_str(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_java_str(v)}" for k, v in value.items()) + "}"
    return str(value)


class _FloatShape:
    type_name = "float"


_FLOAT: Any = _FloatShape()
