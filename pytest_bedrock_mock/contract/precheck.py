"""Compiled contract checks: the fast "nothing to report" verdict ahead of :mod:`.validate`'s walk.

:func:`~pytest_bedrock_mock.contract.validate.validate_request` walks an operation's shape with
the value and words every violation as the service does; most values it sees are valid, and for
them the walk's nodes, paths and dispatch are pure cost. :func:`clean` answers the one question
a valid call needs -- *would that walk report anything?* -- with a predicate compiled once per
operation and model (a visitor of the one shape walk, :mod:`pytest_bedrock_mock.core.shapes`,
over the shape alone) out of plain type tests, comparisons and the model's compiled patterns:

>>> clean("GetModelCustomizationJob", {"jobIdentifier": "my-job"})
True
>>> clean("GetModelCustomizationJob", {"jobIdentifier": "no spaces allowed"})
False

``True`` means the walk would find nothing; ``False`` means *maybe*, and the caller walks to
find and word the violations. So a predicate may be conservative -- a subclass of ``str`` or
``dict``, a ``Decimal``, a timestamp given as a string, an integer beyond its type's range all
say ``False`` and get the full walk -- but it never says ``True`` where the walk reports a
violation (``tests/test_precheck.py`` holds it to that over valid and invalid values). It checks,
like the walk: types, ``min``/``max`` (lengths in UTF-16 units, sizes, values), request enums,
patterns (a string that breaks its ``max`` is rejected before any regex runs), required members,
unknown members and explicit ``None`` in requests, tagged unions, finite numbers.

Compiled predicates live in the model's memo (:meth:`~pytest_bedrock_mock.core.model.BedrockModel.memo`),
so :func:`~pytest_bedrock_mock.core.model.use_model` gets its own.

Public names: :func:`clean`.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable
from typing import Any

from pytest_bedrock_mock.core.javaregex import compile_pattern, java_length
from pytest_bedrock_mock.core.model import ModelMemo, get_model
from pytest_bedrock_mock.core.shapes import Node, ShapeVisitor

__all__ = ["clean"]

Check = Callable[[Any], bool]

#: How many clean values each string shape remembers, and up to what length.
_REMEMBERED, _REMEMBERED_LENGTH = 512, 2048

#: Integers beyond these say "maybe" (the walk decides): the service's integer types are 32 and 64 bits.
_INT_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


def clean(operation: str, value: Any, *, request: bool = True) -> bool:
    """True when :mod:`.validate`'s walk of ``operation``'s input (or output) shape would find nothing in ``value``.

    For a response, ``value`` is the body without ``ResponseMetadata``.
    """
    checks = (_REQUESTS if request else _RESPONSES).get()
    check = checks.get(operation)
    if check is None:
        model = get_model()
        shape = model.input_shape(operation) if request else model.output_shape(operation)
        check = checks[operation] = _never if shape is None else _Compiler(request).walk(shape)
    return check(value)


#: The compiled checks of the model in use, by operation.
_REQUESTS, _RESPONSES = ModelMemo("contract.precheck.requests"), ModelMemo("contract.precheck.responses")


def _never(value: Any) -> bool:
    return False


def _bounded(low: Any, high: Any) -> Callable[[Any], bool]:
    """A size or value test against the model's ``min``/``max`` (either may be absent)."""
    if low is None and high is None:
        return lambda n: True
    if low is None:
        return lambda n: n <= high  # type: ignore[no-any-return]
    if high is None:
        return lambda n: n >= low  # type: ignore[no-any-return]
    return lambda n: low <= n <= high  # type: ignore[no-any-return]


class _StringCheck:
    """The check of one string shape; ``passed`` holds values found clean before (tests repeat theirs), so a
    second look is a set lookup instead of a regex, made by the enclosing structure or map without a call."""

    __slots__ = ("enum", "length", "matcher", "passed")

    def __init__(self, length: Callable[[int], bool], enum: frozenset[str] | None, matcher: Callable[[str], Any] | None) -> None:
        self.length, self.enum, self.matcher = length, enum, matcher
        self.passed: set[str] = set()

    def __call__(self, value: Any) -> bool:
        if type(value) is not str:
            return False
        if value in self.passed:
            return True
        if not self.length(len(value) if value.isascii() else java_length(value)) or (self.enum is not None and value not in self.enum):
            return False
        if self.matcher is not None and self.matcher(value) is None:
            return False
        if len(self.passed) < _REMEMBERED and len(value) <= _REMEMBERED_LENGTH:
            self.passed.add(value)
        return True


class _Compiler(ShapeVisitor[Check]):
    """Compiles one predicate per shape, in a walk over the shape alone."""

    def __init__(self, request: bool) -> None:
        super().__init__()
        self.request = request
        self.structures: dict[str, Check] = {}

    def visit_again(self, node: Node) -> Check:
        structures, name = self.structures, node.shape.name
        return lambda value: structures[name](value)  # a recursive shape: compiled by the time it is called

    def visit_other(self, node: Node) -> Check:
        return _never

    def visit_structure(self, node: Node) -> Check:
        shape: Any = node.shape
        if shape.name in self.structures:
            return self.structures[shape.name]
        request, union = self.request, bool(shape.is_tagged_union)
        required = frozenset(shape.required_members)
        children = {name: self.visit(child) for name, _, child in node.members() if child is not None}

        def check(value: Any) -> bool:
            if type(value) is not dict:
                return False
            if union and (len(value) if request else sum(v is not None for v in value.values())) != 1:
                return False
            if not required.issubset(value):
                return False
            if not request:  # a request's None member fails below; an answer's required one may not be None
                for name in required:
                    if value[name] is None:
                        return False
            for name, item in value.items():
                child = children.get(name)
                if child is None or item is None:
                    if request:
                        return False  # an unknown member, or an explicit None (botocore sends no nulls)
                elif type(child) is _StringCheck and type(item) is str and item in child.passed:
                    continue  # a string value found clean before: no call
                elif not child(item):
                    return False
            return True

        self.structures[shape.name] = check
        return check

    def visit_list(self, node: Node) -> Check:
        member = self.visit(next(node.items()))
        size = _bounded(node.shape.metadata.get("min"), node.shape.metadata.get("max"))

        def check(value: Any) -> bool:
            if type(value) is not list and type(value) is not tuple or not size(len(value)):
                return False
            for item in value:  # a loop, not all(<generator>): no generator to set up per value
                if item is None or not member(item):
                    return False
            return True

        return check

    def visit_map(self, node: Node) -> Check:
        key_node, value_node = next(node.entries())
        key, item = self.visit(key_node), self.visit(value_node)
        size = _bounded(node.shape.metadata.get("min"), node.shape.metadata.get("max"))
        keys = key.passed if isinstance(key, _StringCheck) else set()
        items = item.passed if isinstance(item, _StringCheck) else set()

        def check(value: Any) -> bool:
            if type(value) is not dict or not size(len(value)):
                return False
            for k, v in value.items():
                if not (type(k) is str and k in keys or key(k)) or v is None or not (type(v) is str and v in items or item(v)):
                    return False
            return True

        return check

    def visit_string(self, node: Node) -> Check:
        shape: Any = node.shape
        meta = shape.metadata
        length = _bounded(meta.get("min"), meta.get("max"))
        enum = frozenset(shape.enum) if self.request and shape.enum else None
        matcher: Callable[[str], Any] | None = None
        if meta.get("pattern") is not None:
            try:
                matcher = compile_pattern(meta["pattern"]).fullmatch
            except Exception:  # a pattern the kit cannot read: the walk reports it as it does
                return _never

        return _StringCheck(length, enum, matcher)

    def visit_number(self, node: Node) -> Check:
        shape: Any = node.shape
        kind, meta = shape.type_name, shape.metadata
        low, high = _INT_RANGES.get(kind, (None, None))
        bounds = _bounded(meta.get("min", low), meta.get("max", high))
        if kind in _INT_RANGES:
            inside = _bounded(low, high)
            return lambda value: type(value) is int and inside(value) and bounds(value)

        def check(value: Any) -> bool:
            kind_of = type(value)
            if kind_of is float:
                return math.isfinite(value) and bounds(value)
            return kind_of is int and bounds(value)

        return check

    def visit_boolean(self, node: Node) -> Check:
        return lambda value: type(value) is bool

    def visit_timestamp(self, node: Node) -> Check:
        return lambda value: isinstance(value, _dt.datetime)

    def visit_blob(self, node: Node) -> Check:
        return lambda value: type(value) in (bytes, bytearray, str)
