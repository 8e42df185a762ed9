"""Invalid requests: valid in every way but one labelled violation.

:func:`invalid_targets` enumerates, from the model, every (member path, kind) that can be
broken on its own: missing required member, wrong type, unknown member, too short, too long,
pattern mismatch, value outside the enum, union with none or two members, list or map with too
few or too many entries, number out of range, and (kind ``rule``, labelled with the rule's name)
each rule of :data:`pytest_bedrock_mock.core.rules.REQUEST_RULES`. A kind that cannot be broken
alone is left out (a string whose pattern needs ``min`` characters cannot be too short without
missing the pattern). :func:`invalid_create_job_requests` draws ``(params, violation)`` pairs;
:func:`pytest_bedrock_mock.contract.validate.validate_request` reports exactly ``violation``
(same path and kind, and for a rule the same rule) for every one. The bad values come from
:mod:`.invalid_values`, the ways to break each rule from :mod:`.invalid_rules`.

Public names: :func:`invalid_create_job_requests`, :func:`invalid_requests`, :func:`invalid_targets`, :class:`Target`, :class:`ExpectedViolation`.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

from pytest_bedrock_mock.contract.validate import KINDS, Violation
from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.core.model import BedrockModel, get_model
from pytest_bedrock_mock.core.shapes import ANY_ITEM, ANY_VALUE, MAP_KEY, Node, Path, ShapeWalker, format_path, join, parse_path, shape_at
from pytest_bedrock_mock.strategies.invalid_rules import recipe, rule_breaking_requests, value_at
from pytest_bedrock_mock.strategies.invalid_values import F32_MAX, INT_RANGES, bad_values, find_breaker, sized_collections, wrong_values
from pytest_bedrock_mock.strategies.named import CREATE, request_strategy
from pytest_bedrock_mock.strategies.regex import reachable_lengths
from pytest_bedrock_mock.strategies.walker import from_shape

__all__ = ["ExpectedViolation", "Target", "invalid_create_job_requests", "invalid_requests", "invalid_targets"]


@dataclass(frozen=True)
class Target:
    """A member that can be broken alone: ``path`` uses ``[]``, ``.{key}``, ``.{value}`` for every item/key/value."""

    path: str
    kind: str
    shape: Shape = field(compare=False, repr=False)
    parent: Shape | None = field(default=None, compare=False, repr=False)
    rule: str = ""  #: for ``kind="rule"``: the name of the request rule broken


@dataclass(frozen=True)
class ExpectedViolation:
    """The one violation an invalid example carries: where (``path``), which (``kind``), from which ``target``."""

    path: str
    kind: str
    target: str
    shape_type: str = ""
    value: Any = field(default=None, compare=False)
    rule: str = ""  #: for ``kind="rule"``: the name of the request rule broken

    @property
    def client_side(self) -> bool:
        """True when botocore rejects it before sending (``ParamValidationError``), else only the service does."""
        return Violation(self.path, self.kind, "", self.value, shape_type=self.shape_type).client_side

    @property
    def error(self) -> str:
        """``ParamValidationError`` (botocore, client side) or ``ValidationException`` (the service)."""
        return "ParamValidationError" if self.client_side else "ValidationException"

    def matches(self, violation: Violation) -> bool:
        return violation.path == self.path and violation.kind == self.kind and violation.rule == self.rule


class _Targets(ShapeWalker):
    """(path, shape, parent structure, position) for the root and every member, item, key and value."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[Path, Shape, Shape | None, str]] = []

    def visit_structure(self, node: Node) -> None:
        for _name, _, child in node.members():
            if child is not None:
                self.found.append((child.path, child.shape, node.shape, "member"))
                self.visit(child)

    def visit_list(self, node: Node) -> None:
        for child in node.items():
            self.found.append((child.path, child.shape, None, "item"))
            self.visit(child)

    def visit_map(self, node: Node) -> None:
        for key, value in node.entries():
            self.found += [(key.path, key.shape, None, "key"), (value.path, value.shape, None, "value")]
            self.visit(value)


def _kinds_of(path: Path, shape: Shape, parent: Shape | None, position: str) -> Iterator[str]:
    meta, kind = shape.metadata, shape.type_name
    if position == "member" and parent is not None and path[-1] in parent.required_members:  # type: ignore[attr-defined]
        yield "required"
    if position != "key" and position != "root":
        yield "type"
    if kind == "structure" and not shape.is_tagged_union:  # type: ignore[attr-defined]
        yield "unknown_member"
    if kind == "structure" and shape.is_tagged_union:  # type: ignore[attr-defined]
        yield "union_none"
        if len(shape.members) > 1:  # type: ignore[attr-defined]
            yield "union_many"
    if kind == "string" and shape.enum:  # type: ignore[attr-defined]
        yield "enum"
    elif kind == "string":
        yield from _string_kinds(meta)
    if kind in ("list", "map"):
        if meta.get("min", 0) > 0:
            yield "min_items"
        if "max" in meta and (kind == "list" or _map_can_exceed(shape)):
            yield "max_items"
    if kind in ("integer", "long", "float", "double"):
        low, high = INT_RANGES.get(kind, (-F32_MAX, F32_MAX))
        if meta.get("min", low) > low:
            yield "min_value"
        if meta.get("max", high) < high:
            yield "max_value"


def _string_kinds(meta: dict[str, Any]) -> Iterator[str]:
    low, high, pattern = meta.get("min", 0), meta.get("max"), meta.get("pattern")
    if low > 0 and (pattern is None or reachable_lengths(pattern, 0, low - 1)):
        yield "min_length"
    if high is not None and (pattern is None or reachable_lengths(pattern, high + 1, high + 64)):
        yield "max_length"
    if pattern is not None and find_breaker(pattern, low, high if high is not None else low + 64) is not None:
        yield "pattern"


def _map_can_exceed(shape: Any) -> bool:
    enum = shape_at(shape, (MAP_KEY,)).enum  # type: ignore[attr-defined]
    return not enum or len(enum) > shape.metadata["max"]


def invalid_targets(operation: str = CREATE, kinds: Iterable[str] | None = None) -> list[Target]:
    """Every (member path, kind) of ``operation``'s request that can be broken on its own, in model order."""
    wanted = set(KINDS) if kinds is None else set(kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown violation kind(s) {sorted(unknown)}; valid kinds: {', '.join(KINDS)}")
    root = get_model().input_shape(operation)
    targets = _Targets()
    targets.walk(root)
    out = []
    for path, shape, parent, position in [((), root, None, "root"), *targets.found]:
        for kind in _kinds_of(path, shape, parent, position):
            if kind in wanted:
                out.append(Target(format_path(path), kind, shape, parent))
    if "rule" in wanted:
        out += [Target(r.path, "rule", shape_at(root, r.path), rule=r.name) for r in rules.REQUEST_RULES if r.operation == operation and recipe(r) is not None]
    return out


# -- building one case --------------------------------------------------------------------------


def _requirement(target: Target) -> Path:
    """The path that must be present in the base request for the mutation to apply."""
    path = parse_path(target.path)
    return path[:-1] if target.kind == "required" else path


def _possible(target: Target, client_side: bool | None) -> bool:
    if client_side is None:
        return True
    if target.kind == "type":
        return bool(wrong_values(target.shape, client_side))
    if target.kind == "min_items":
        return (target.shape.type_name == "list") == client_side
    return KINDS[target.kind] == client_side


def _navigate(draw: Any, params: Any, steps: Path) -> tuple[Any, Path]:
    """The container of the last step, and the concrete path up to it."""
    node, path = params, Path()
    for step in steps[:-1]:
        if step is ANY_ITEM:
            step = draw(st.integers(0, len(node) - 1))
        elif step is ANY_VALUE:
            step = draw(st.sampled_from(sorted(node)))
        node, path = node[step], join(path, step)
    return node, path


@functools.lru_cache(maxsize=2048)
def _case(model: BedrockModel, operation: str, target: Target, customization_type: str | None, client_side: bool | None) -> st.SearchStrategy[tuple[dict[str, Any], ExpectedViolation]]:
    if target.kind == "rule":
        return rule_breaking_requests(target.rule, customization_type).map(lambda p: (p, ExpectedViolation(target.path, "rule", target.path, "", value_at(p, target.path), rule=target.rule)))
    required = _requirement(target)
    base = _base(operation, target, required, customization_type)
    steps = parse_path(target.path)
    bad = bad_values(target.shape, target.kind, client_side) if target.kind in ("type", "min_length", "max_length", "pattern", "enum", "min_value", "max_value") else None

    @st.composite
    def case(draw: Any) -> tuple[dict[str, Any], ExpectedViolation]:
        params = copy.deepcopy(draw(base))
        kind, shape = target.kind, target.shape
        slot: Any
        path: Path
        if not steps:  # the request itself
            container, path, last, slot = {"": params}, (), None, ""
        else:
            container, path = _navigate(draw, params, steps)
            last = steps[-1]
        value = draw(bad) if bad is not None else None
        if last is ANY_ITEM:
            slot = draw(st.integers(0, len(container) - 1))
            path = join(path, slot)
        elif last is MAP_KEY:
            old = draw(st.sampled_from(sorted(container)))
            container[str(value)] = container.pop(old)
            return params, ExpectedViolation(format_path(join(path, MAP_KEY)), kind, target.path, shape.type_name, value)
        elif last is ANY_VALUE:
            slot = draw(st.sampled_from(sorted(container)))
            path = join(path, slot)
        elif last is not None:
            slot = last
            path = join(path, slot)
        if kind == "required":
            del container[slot]
        elif kind == "unknown_member":
            name = "unexpectedMember"
            while name in shape.members:  # type: ignore[attr-defined]
                name += "X"
            value = draw(st.sampled_from(("x", 1)))
            container[slot][name] = value
            return (params if steps else container[""]), ExpectedViolation(format_path(join(path, name)), kind, target.path, "", value)
        elif kind == "union_none":
            container[slot] = {}
        elif kind == "union_many":
            present = next(iter(container[slot]))
            other = draw(st.sampled_from([n for n in shape.members if n != present]))  # type: ignore[attr-defined]
            container[slot][other] = draw(from_shape(shape.members[other], max_items=1))  # type: ignore[attr-defined]
        elif kind in ("min_items", "max_items"):
            size = shape.metadata["min"] - 1 if kind == "min_items" else shape.metadata["max"] + 1
            value = container[slot] = draw(sized_collections(shape, size))
        else:
            container[slot] = value
        return params, ExpectedViolation(format_path(path), kind, target.path, shape.type_name, value if kind not in ("required", "union_none", "union_many") else None)

    return case()


def _base(operation: str, target: Target, required: Path, customization_type: str | None) -> st.SearchStrategy[dict[str, Any]]:
    """The valid requests a target is broken in; built once per (operation, requirement, types) and kept with the
    model, since walking the shape into a strategy costs far more than drawing from it (most targets share one)."""
    require = (format_path(required),) if required else ()
    types: tuple[str | None, ...] = ()
    if operation == CREATE:
        types = (customization_type,) if customization_type else rules.creatable_types()
        if len(required) > 1 and required[0] == "customizationConfig":
            member = required[1]
            types = tuple(t for t in types if t and rules.config_member(t) == member) or types
    memo = get_model().memo("strategies.invalid_base")
    key = (operation, require, types)
    if key not in memo:
        if operation != CREATE:
            memo[key] = from_shape(get_model().input_shape(operation), require=list(require))
        else:
            memo[key] = st.one_of([request_strategy(t, require=list(require)) for t in types])
    return memo[key]  # type: ignore[no-any-return]


def invalid_requests(operation: str, kinds: Iterable[str] | None = None, *, paths: Iterable[str] | None = None,
                     customization_type: str | None = None, client_side: bool | None = None) -> st.SearchStrategy[tuple[dict[str, Any], ExpectedViolation]]:
    """``(params, violation)`` for any operation in scope (see :func:`invalid_create_job_requests`)."""
    model = get_model()
    op = model.operation_name(operation)
    targets = invalid_targets(op, kinds)
    if paths is not None:
        wanted = set(paths)
        targets = [t for t in targets if t.path in wanted]
    targets = [t for t in targets if _possible(t, client_side)]
    if not targets:
        raise ValueError(f"no member of {op} can be broken with kinds={sorted(kinds) if kinds else 'all'} paths={paths}")
    return st.sampled_from(targets).flatmap(lambda t: _case(model, op, t, customization_type, client_side))


def invalid_create_job_requests(kinds: Iterable[str] | None = None, *, paths: Iterable[str] | None = None,
                                customization_type: str | None = None, client_side: bool | None = None) -> st.SearchStrategy[tuple[dict[str, Any], ExpectedViolation]]:
    """Create parameters that are valid except for exactly one labelled violation.

    ``kinds``: violation kinds to draw (default all of :data:`pytest_bedrock_mock.contract.validate.KINDS`);
    ``paths``: member paths to break (see :func:`invalid_targets`); ``client_side``: only
    violations botocore catches (True) or only the service catches (False).
    """
    return invalid_requests(CREATE, kinds, paths=paths, customization_type=customization_type, client_side=client_side)
