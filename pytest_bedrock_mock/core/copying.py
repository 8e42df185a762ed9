"""Copies of request and answer values: the one home of copying nested dicts and lists.

:func:`copy_value` copies any nested dicts and lists (tuples become lists; leaves are shared:
strings, numbers and datetimes are immutable). :func:`copy_params` copies an operation's request
parameters by a *copy plan* compiled once per operation and model (a visitor of the one shape
walk, :mod:`pytest_bedrock_mock.core.shapes`): a structure is copied with one ``dict(...)`` and
only its members whose shapes are structures, lists or maps are copied again, so the many string
members of a Create request cost nothing each. A value the plan does not expect (a member the
shape does not have, a list where a structure belongs) is copied by :func:`copy_value` instead,
so the copy never shares a container the caller passed; a scalar member given a container, which
botocore's own parameter validation refuses before any fake sees it, is kept as given.

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

from pytest_bedrock_mock.core.model import ModelMemo, get_model
from pytest_bedrock_mock.core.shapes import Node, ShapeVisitor

__all__ = ["copy_params", "copy_value"]

Copier = Callable[[Any], Any]

_CONTAINERS = (dict, list, tuple)


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
        plan = plans[operation] = (_Planner().walk(shape) if shape is not None else None) or copy_value
    return plan(params)


#: The copy plans of the model in use, by operation.
_PLANS = ModelMemo("core.copying")


class _Planner(ShapeVisitor["Copier | None"]):
    """A copier per shape; None for a shape whose values are never containers (scalars)."""

    def __init__(self) -> None:
        super().__init__()
        self.structures: dict[str, Copier] = {}

    def visit_scalar(self, node: Node) -> Copier | None:
        return None

    def visit_again(self, node: Node) -> Copier | None:
        structures, name = self.structures, node.shape.name
        return lambda value: structures[name](value)  # a recursive shape: planned by the time it is called

    def visit_structure(self, node: Node) -> Copier | None:
        shape: Any = node.shape
        if shape.name in self.structures:
            return self.structures[shape.name]
        known = frozenset(shape.members)
        nested: list[tuple[str, Copier]] = []
        for name, _, child in node.members():
            copier = self.visit(child) if child is not None else None
            if copier is not None:
                nested.append((name, copier))

        def copy(value: Any) -> Any:
            if type(value) is not dict or not known.issuperset(value):
                return copy_value(value)
            out = dict(value)
            for name, copier in nested:
                member = out.get(name)
                if member is not None:
                    out[name] = copier(member)
            return out

        self.structures[shape.name] = copy
        return copy

    def visit_list(self, node: Node) -> Copier | None:
        item = self.visit(next(node.items()))

        def copy(value: Any) -> Any:
            if type(value) is not list and type(value) is not tuple:
                return copy_value(value)
            return list(value) if item is None else [item(v) for v in value]

        return copy

    def visit_map(self, node: Node) -> Copier | None:
        _, value_node = next(node.entries())
        item = self.visit(value_node)

        def copy(value: Any) -> Any:
            if type(value) is not dict:
                return copy_value(value)
            return dict(value) if item is None else {k: item(v) for k, v in value.items()}

        return copy
