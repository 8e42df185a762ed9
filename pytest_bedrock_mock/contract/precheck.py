"""Compiled contract checks: the fast "nothing to report" verdict ahead of :mod:`.validate`'s walk.

:func:`~pytest_bedrock_mock.contract.validate.validate_request` walks an operation's shape with
the value and words every violation as the service does; most values it sees are valid, and for
them the walk's nodes, paths and dispatch are pure cost. :func:`clean` answers the one question
a valid call needs -- *would that walk report anything?* -- with a predicate compiled once per
operation and model (a visitor of the one shape walk, :mod:`pytest_bedrock_mock.core.shapes`,
over the shape alone) out of plain type tests, comparisons and the model's compiled patterns,
written out as one function per operation (:mod:`pytest_bedrock_mock.core.codegen`): a member
costs a ``get`` and its tests inline, with no call per nested value:

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
import sys
from collections.abc import Callable
from typing import Any

from pytest_bedrock_mock.core.codegen import Emitter, identifier, literal
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
        check = checks[operation] = _never if shape is None else _Compiler(request).compile(shape)
    return check(value)


#: The compiled checks of the model in use, by operation.
_REQUESTS, _RESPONSES = ModelMemo("contract.precheck.requests"), ModelMemo("contract.precheck.responses")


_MISSING = object()


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
    second look is a set lookup instead of a regex, which generated code makes without a call."""

    __slots__ = ("enum", "high", "low", "matcher", "passed")

    def __init__(self, low: int, high: int, enum: frozenset[str] | None, matcher: Callable[[str], Any] | None) -> None:
        self.low, self.high, self.enum, self.matcher = low, high, enum, matcher
        self.passed: set[str] = set()

    def new(self, value: str) -> bool:
        """The check of a string not in ``passed`` (generated code tests the type and ``passed`` first)."""
        length = len(value) if value.isascii() else java_length(value)
        if length < self.low or length > self.high or (self.enum is not None and value not in self.enum):
            return False
        if self.matcher is not None and self.matcher(value) is None:
            return False
        if len(self.passed) < _REMEMBERED and len(value) <= _REMEMBERED_LENGTH:
            self.passed.add(value)
        return True


#: Structures nested deeper than this are checked by a call to their own function (generated source stays small).
_INLINE_DEPTH = 6


class _Part:
    """What one shape compiles to: lines (:class:`~pytest_bedrock_mock.core.codegen.Emitter`) that
    ``return False`` when the value in ``var`` would get a report, else fall through."""

    def emit(self, out: Emitter, var: str, depth: int, indent: int) -> None:
        raise NotImplementedError

    def function(self, name: str) -> Check:
        """This part as a function of its own."""
        out = Emitter()
        self.emit(out, "value", 0, 0)
        out.line(0, "return True")
        return out.build(name)


class _Called(_Part):
    """A check made by calling ``check`` (numbers, timestamps, blobs, a shape the kit cannot read)."""

    def __init__(self, check: Check) -> None:
        self.check = check

    def emit(self, out: Emitter, var: str, depth: int, indent: int) -> None:
        out.line(indent, f"if not {out.constant(self.check, 'check')}({var}): return False")


class _String(_Part):
    """A string: a set lookup for a value found clean before, else the :class:`_StringCheck`."""

    def __init__(self, check: _StringCheck) -> None:
        self.check = check

    def emit(self, out: Emitter, var: str, depth: int, indent: int) -> None:
        passed, new = out.constant(self.check.passed, "passed"), out.constant(self.check.new, "check")
        out.line(indent, f"if not (type({var}) is str and ({var} in {passed} or {new}({var}))): return False")


class _Boolean(_Part):
    def emit(self, out: Emitter, var: str, depth: int, indent: int) -> None:
        out.line(indent, f"if type({var}) is not bool: return False")


def _emit_size(out: Emitter, var: str, indent: int, low: Any, high: Any) -> None:
    if low is not None:
        out.line(indent, f"if len({var}) < {out.constant(low, 'low')}: return False")
    if high is not None:
        out.line(indent, f"if len({var}) > {out.constant(high, 'high')}: return False")


class _List(_Part):
    def __init__(self, item: _Part, low: Any, high: Any) -> None:
        self.item, self.low, self.high = item, low, high

    def emit(self, out: Emitter, var: str, depth: int, indent: int) -> None:
        item = f"v{depth + 1}"
        out.line(indent, f"if type({var}) is not list and type({var}) is not tuple: return False")
        _emit_size(out, var, indent, self.low, self.high)
        out.line(indent, f"for {item} in {var}:")
        out.line(indent + 1, f"if {item} is None: return False")
        self.item.emit(out, item, depth + 1, indent + 1)


class _Map(_Part):
    def __init__(self, key: _Part, value: _Part, low: Any, high: Any) -> None:
        self.key, self.value, self.low, self.high = key, value, low, high

    def emit(self, out: Emitter, var: str, depth: int, indent: int) -> None:
        key, item = f"k{depth + 1}", f"v{depth + 1}"
        out.line(indent, f"if type({var}) is not dict: return False")
        _emit_size(out, var, indent, self.low, self.high)
        out.line(indent, f"for {key}, {item} in {var}.items():")
        self.key.emit(out, key, depth + 1, indent + 1)
        out.line(indent + 1, f"if {item} is None: return False")
        self.value.emit(out, item, depth + 1, indent + 1)


class _Structure(_Part):
    """A structure, written out member by member: one ``get`` per member, its check inline."""

    def __init__(self, shape: Any, request: bool, children: dict[str, _Part]) -> None:
        self.name, self.request, self.children = str(shape.name), request, children
        self.union, self.required = bool(shape.is_tagged_union), frozenset(shape.required_members)
        self._function: Check | None = None

    def called(self) -> Check:
        """This structure's own function (made once): for a structure nested deep, or met again."""
        if self._function is None:
            self._function = self.function(f"check_{identifier(self.name)}")
        return self._function

    def emit(self, out: Emitter, var: str, depth: int, indent: int) -> None:
        if depth > _INLINE_DEPTH:
            out.line(indent, f"if not {out.constant(self.called(), 'check')}({var}): return False")
            return
        line, item, request = out.line, f"v{depth + 1}", self.request
        line(indent, f"if type({var}) is not dict: return False")
        if self.union:
            count = f"len({var})" if request else f"sum({item} is not None for {item} in {var}.values())"
            line(indent, f"if {count} != 1: return False")
        if request:  # an unknown member; an explicit None (botocore sends no nulls) fails below
            line(indent, f"if not {out.constant(frozenset(self.children), 'known')}.issuperset({var}): return False")
        for name in sorted(self.required.difference(self.children)):  # a required member the walk cannot check
            line(indent, f"if {var}.get({literal(name)}) is None: return False")
        for name, child in self.children.items():
            if name in self.required:
                line(indent, f"{item} = {var}.get({literal(name)})")
                line(indent, f"if {item} is None: return False")
                child.emit(out, item, depth + 1, indent)
            elif request:
                line(indent, f"{item} = {var}.get({literal(name)}, {out.constant(_MISSING, 'MISSING')})")
                line(indent, f"if {item} is not {out.constant(_MISSING, 'MISSING')}:")
                line(indent + 1, f"if {item} is None: return False")
                child.emit(out, item, depth + 1, indent + 1)
            else:
                line(indent, f"{item} = {var}.get({literal(name)})")
                line(indent, f"if {item} is not None:")
                child.emit(out, item, depth + 1, indent + 1)


class _Again(_Part):
    """A structure met again on its own branch (a recursive shape): a call to its function."""

    def __init__(self, structures: dict[str, _Structure], name: str) -> None:
        self.structures, self.name = structures, name

    def emit(self, out: Emitter, var: str, depth: int, indent: int) -> None:
        structures, name = self.structures, self.name
        check = out.constant(lambda value: structures[name].called()(value), "again")  # compiled by the time it is called
        out.line(indent, f"if not {check}({var}): return False")


class _Compiler(ShapeVisitor[_Part]):
    """Compiles one part per shape, in a walk over the shape alone; :meth:`compile` makes the operation's function."""

    def __init__(self, request: bool) -> None:
        super().__init__()
        self.request = request
        self.structures: dict[str, _Structure] = {}

    def compile(self, shape: Any) -> Check:
        return self.walk(shape).function(f"check_{identifier(shape.name)}")

    def visit_again(self, node: Node) -> _Part:
        return _Again(self.structures, node.shape.name)

    def visit_other(self, node: Node) -> _Part:
        return _Called(_never)

    def visit_structure(self, node: Node) -> _Part:
        shape: Any = node.shape
        if shape.name not in self.structures:
            children = {name: self.visit(child) for name, _, child in node.members() if child is not None}
            self.structures[shape.name] = _Structure(shape, self.request, children)
        return self.structures[shape.name]

    def visit_list(self, node: Node) -> _Part:
        meta = node.shape.metadata
        return _List(self.visit(next(node.items())), meta.get("min"), meta.get("max"))

    def visit_map(self, node: Node) -> _Part:
        key_node, value_node = next(node.entries())
        meta = node.shape.metadata
        return _Map(self.visit(key_node), self.visit(value_node), meta.get("min"), meta.get("max"))

    def visit_string(self, node: Node) -> _Part:
        shape: Any = node.shape
        meta = shape.metadata
        low, high = meta.get("min"), meta.get("max")
        enum = frozenset(shape.enum) if self.request and shape.enum else None
        matcher: Callable[[str], Any] | None = None
        if meta.get("pattern") is not None:
            try:
                matcher = compile_pattern(meta["pattern"]).fullmatch
            except Exception:  # a pattern the kit cannot read: the walk reports it as it does
                return _Called(_never)
        return _String(_StringCheck(0 if low is None else low, sys.maxsize if high is None else high, enum, matcher))

    def visit_number(self, node: Node) -> _Part:
        shape: Any = node.shape
        kind, meta = shape.type_name, shape.metadata
        low, high = _INT_RANGES.get(kind, (None, None))
        bounds = _bounded(meta.get("min", low), meta.get("max", high))
        if kind in _INT_RANGES:
            inside = _bounded(low, high)
            return _Called(lambda value: type(value) is int and inside(value) and bounds(value))

        def check(value: Any) -> bool:
            kind_of = type(value)
            if kind_of is float:
                return math.isfinite(value) and bounds(value)
            return kind_of is int and bounds(value)

        return _Called(check)

    def visit_boolean(self, node: Node) -> _Part:
        return _Boolean()

    def visit_timestamp(self, node: Node) -> _Part:
        return _Called(lambda value: isinstance(value, _dt.datetime))

    def visit_blob(self, node: Node) -> _Part:
        return _Called(lambda value: type(value) in (bytes, bytearray, str))
