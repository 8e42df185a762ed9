"""Copies of request and answer values: the one home of copying nested dicts and lists.

:func:`copy_value` copies any nested dicts and lists (tuples become lists; leaves are shared:
strings, numbers and datetimes are immutable). :func:`copy_params` copies an operation's request
parameters by a *copy plan* compiled once per operation and model (a visitor of the one shape
walk, :mod:`pytest_bedrock_mock.core.shapes`): a structure is copied with one ``dict(...)`` and
only its members whose shapes are structures, lists or maps are copied again, so the many string
members of a Create request cost nothing each. A value the plan does not expect (a member the
shape does not have, a list where a structure belongs) is copied by :func:`copy_value` instead,
and so is a list or map of scalars that holds a container, so the copy never shares a container
the caller passed. Only a scalar member of a structure given a container, which botocore's own
parameter validation refuses before any fake sees it, is kept as given.

>>> params = {"jobIdentifier": "my-job"}
>>> copy_params("GetModelCustomizationJob", params) == params and copy_params("GetModelCustomizationJob", params) is not params
True

Copy plans live in the model's memo (:meth:`~pytest_bedrock_mock.core.model.BedrockModel.memo`),
so :func:`~pytest_bedrock_mock.core.model.use_model` gets its own.

Public names: :func:`copy_value`, :func:`copy_params`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_bedrock_mock.core.codegen import Emitter, identifier, literal
from pytest_bedrock_mock.core.model import ModelMemo, get_model
from pytest_bedrock_mock.core.shapes import Node, ShapeVisitor

__all__ = ["copy_params", "copy_value"]

Copier = Callable[[Any], Any]

_CONTAINERS = (dict, list, tuple)
_CONTAINER_TYPES = frozenset(_CONTAINERS)


def copy_value(value: Any) -> Any:
    """A copy of nested dicts and lists (tuples become lists); leaves are shared. Faster than deepcopy."""
    kind = type(value)
    if kind is dict:
        return {k: (copy_value(v) if type(v) in _CONTAINERS else v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [(copy_value(v) if type(v) in _CONTAINERS else v) for v in value]
    if isinstance(value, dict):  # a dict subclass (e.g. an OrderedDict)
        return {k: copy_value(v) for k, v in value.items()}
    return value


def copy_params(operation: str, params: Any) -> Any:
    """A copy of ``operation``'s request parameters that shares no container with ``params`` (see the module)."""
    plans = _PLANS.get()
    plan = plans.get(operation)
    if plan is None:
        shape = get_model().input_shape(operation)
        part = _Planner().walk(shape) if shape is not None else None
        plan = plans[operation] = copy_value if part is None else part.function(f"copy_{identifier(operation)}")
    return plan(params)


#: The copy plans of the model in use, by operation.
_PLANS = ModelMemo("core.copying")

#: Structures nested deeper than this are copied by a call to their own function (generated source stays small).
_INLINE_DEPTH = 6


class _Part:
    """The copy of one shape's values: lines (:class:`~pytest_bedrock_mock.core.codegen.Emitter`) that set the
    variable ``dst`` to a copy of the value in ``src``. Written out member by member, a whole request is one
    function: one ``dict(...)`` per structure, and a ``get`` for each member that may hold a container."""

    def emit(self, out: Emitter, src: str, dst: str, depth: int, indent: int) -> None:
        raise NotImplementedError

    def function(self, name: str) -> Copier:
        """This part as a function of its own."""
        out = Emitter()
        self.emit(out, "value", "copied", 0, 0)
        out.line(0, "return copied")
        return out.build(name)


def _emit_fallback(out: Emitter, kind: str, src: str, dst: str, indent: int) -> None:
    """A value of another type than the plan expects: copied by :func:`copy_value`."""
    out.line(indent, f"if {kind}:")
    out.line(indent + 1, f"{dst} = {out.constant(copy_value, 'copy_value')}({src})")
    out.line(indent, "else:")


class _Structure(_Part):
    def __init__(self, name: str, known: frozenset[str], nested: list[tuple[str, _Part]]) -> None:
        self.name, self.known, self.nested = name, known, nested
        self._function: Copier | None = None

    def called(self) -> Copier:
        """This structure's own function (made once): for a structure nested deep, or met again."""
        if self._function is None:
            self._function = self.function(f"copy_{identifier(self.name)}")
        return self._function

    def emit(self, out: Emitter, src: str, dst: str, depth: int, indent: int) -> None:
        if depth > _INLINE_DEPTH:
            out.line(indent, f"{dst} = {out.constant(self.called(), 'copy')}({src})")
            return
        _emit_fallback(out, f"type({src}) is not dict or not {out.constant(self.known, 'known')}.issuperset({src})", src, dst, indent)
        out.line(indent + 1, f"{dst} = dict({src})")
        item, copied = f"s{depth + 1}", f"d{depth + 1}"
        for name, part in self.nested:
            out.line(indent + 1, f"{item} = {dst}.get({literal(name)})")
            out.line(indent + 1, f"if {item} is not None:")
            part.emit(out, item, copied, depth + 1, indent + 2)
            out.line(indent + 2, f"{dst}[{literal(name)}] = {copied}")


class _Items(_Part):
    """A list's items or a map's values, each copied by ``item`` (None: scalars, and one holding a container
    where a scalar belongs makes the whole value go to :func:`copy_value`)."""

    def __init__(self, item: _Part | None, *, mapping: bool) -> None:
        self.item, self.mapping = item, mapping

    def emit(self, out: Emitter, src: str, dst: str, depth: int, indent: int) -> None:
        mapping = self.mapping
        kind = f"type({src}) is not dict" if mapping else f"type({src}) is not list and type({src}) is not tuple"
        if self.item is None:  # scalars: one shallow copy, unless one of them is a container (a test made in C)
            items = f"{src}.values()" if mapping else src
            kind += f" or not {out.constant(_CONTAINER_TYPES, 'containers')}.isdisjoint(map(type, {items}))"
            _emit_fallback(out, kind, src, dst, indent)
            out.line(indent + 1, f"{dst} = {'dict' if mapping else 'list'}({src})")
            return
        _emit_fallback(out, kind, src, dst, indent)
        key, item, copied = f"k{depth + 1}", f"s{depth + 1}", f"d{depth + 1}"
        out.line(indent + 1, f"{dst} = {{}}" if mapping else f"{dst} = []")
        out.line(indent + 1, f"for {key}, {item} in {src}.items():" if mapping else f"for {item} in {src}:")
        self.item.emit(out, item, copied, depth + 1, indent + 2)
        out.line(indent + 2, f"{dst}[{key}] = {copied}" if mapping else f"{dst}.append({copied})")


class _Again(_Part):
    """A structure met again on its own branch (a recursive shape): a call to its function."""

    def __init__(self, structures: dict[str, _Structure], name: str) -> None:
        self.structures, self.name = structures, name

    def emit(self, out: Emitter, src: str, dst: str, depth: int, indent: int) -> None:
        structures, name = self.structures, self.name
        copy = out.constant(lambda value: structures[name].called()(value), "again")  # planned by the time it is called
        out.line(indent, f"{dst} = {copy}({src})")


class _Planner(ShapeVisitor["_Part | None"]):
    """A copy part per shape; None for a shape whose values are never containers (scalars)."""

    def __init__(self) -> None:
        super().__init__()
        self.structures: dict[str, _Structure] = {}

    def visit_scalar(self, node: Node) -> _Part | None:
        return None

    def visit_again(self, node: Node) -> _Part | None:
        return _Again(self.structures, node.shape.name)

    def visit_structure(self, node: Node) -> _Part | None:
        shape: Any = node.shape
        if shape.name not in self.structures:
            nested: list[tuple[str, _Part]] = []
            for name, _, child in node.members():
                part = self.visit(child) if child is not None else None
                if part is not None:
                    nested.append((name, part))
            self.structures[shape.name] = _Structure(shape.name, frozenset(shape.members), nested)
        return self.structures[shape.name]

    def visit_list(self, node: Node) -> _Part | None:
        return _Items(self.visit(next(node.items())), mapping=False)

    def visit_map(self, node: Node) -> _Part | None:
        _, value_node = next(node.entries())
        return _Items(self.visit(value_node), mapping=True)
