"""A botocore shape -> a Hypothesis strategy of values the contract accepts.

:func:`from_shape` is a visitor of the one shape walk (:mod:`pytest_bedrock_mock.core.shapes`)
over any shape of the model: structures (required members always, optional ones present or
absent), tagged unions (exactly one member), lists and maps within ``min``/``max``, strings
within ``min``/``max`` that fully match the pattern (:mod:`strategies.regex`), enums,
integers and floats within their range, booleans, timezone-aware timestamps and blobs.
Collections hold at most ``max_items`` entries unless the model demands more, optional
members deeper than ``max_depth`` are left out and a union there takes a scalar member when
it has one, so examples stay small (and recursive shapes finite); everything shrinks toward
absent members, first union members, fewer items, shorter strings and zero.

Member paths use the one grammar of :mod:`pytest_bedrock_mock.core.shapes`: ``[]`` for "every
list item", ``.{key}`` for map keys and ``.{value}`` for map values, e.g. ``jobTags[].key`` or
``customizationConfig.rftConfig.hyperParameters.epochCount`` (text, or a parsed ``Path``).
``overrides`` maps such a path to a fixed value, a strategy, or :data:`ABSENT` (leave the
member out); ``require`` lists paths that must be present in every example; wrap an override
in :func:`optional` to keep the member optional.

Public names: :func:`from_shape`, :data:`ABSENT`, :func:`member_paths`.
"""

from __future__ import annotations

import copy
import datetime as _dt
import random
import struct
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

from pytest_bedrock_mock.core import shapes
from pytest_bedrock_mock.core.javaregex import full_match, java_length
from pytest_bedrock_mock.core.shapes import ANY_ITEM, ANY_VALUE, MAP_KEY, Node, Path, ShapeVisitor, format_path, parse_path
from pytest_bedrock_mock.strategies.provider import REALISTIC
from pytest_bedrock_mock.strategies.regex import pattern_strings, plain_strings

__all__ = ["ABSENT", "from_shape", "member_paths", "optional"]


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


#: Override value meaning "leave this member out".
ABSENT: Any = _Absent()


class _Optional:
    def __init__(self, value: Any) -> None:
        self.value = value


def optional(value: Any) -> Any:
    """Override value: the member is present (with ``value``, a value or strategy) or absent."""
    return _Optional(value)

#: A member path as text (``jobTags[].key``) or as a :data:`pytest_bedrock_mock.core.shapes.Path`.
PathLike = str | Path

_INT_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_TIME_RANGE = (_dt.datetime(2020, 1, 1), _dt.datetime(2030, 12, 31))


def member_paths(shape: Shape, path: str = "") -> Iterator[tuple[str, Shape]]:
    """Every member path under ``shape`` (recursive shapes are entered once), with its shape."""
    prefix = parse_path(path)
    for sub, member in shapes.member_paths(shape):
        yield format_path(prefix + sub), member


def _fits(shape: Shape, value: str) -> bool:
    meta = shape.metadata
    if not meta.get("min", 0) <= java_length(value) <= meta.get("max", java_length(value)):
        return False
    pattern = meta.get("pattern")
    return pattern is None or full_match(pattern, value)


def _float32_bounds(low: float, high: float) -> tuple[float, float]:
    """The float32 values nearest inside ``[low, high]`` (so the service's float parse stays in range)."""

    def f32(x: float) -> float:
        return float(struct.unpack("f", struct.pack("f", x))[0])

    def step(x: float, up: bool) -> float:
        (bits,) = struct.unpack("i", struct.pack("f", x))
        bits += 1 if (x >= 0) == up else -1
        return float(struct.unpack("f", struct.pack("i", bits))[0])

    lo, hi = f32(low), f32(high)
    lo = step(lo, True) if lo < low else lo
    hi = step(hi, False) if hi > high else hi
    return lo, hi


def _as_strategy(value: Any) -> st.SearchStrategy[Any]:
    if isinstance(value, _Optional):
        value = value.value
    if isinstance(value, st.SearchStrategy):
        return value
    return st.builds(copy.deepcopy, st.just(value))


class _Walker(ShapeVisitor[st.SearchStrategy[Any]]):
    recursion = "unbounded"  # optional members stop at max_depth; a required cycle raises below

    def __init__(self, overrides: Mapping[str, Any] | Mapping[Path, Any], require: Iterable[PathLike], realistic: bool, max_items: int, max_depth: int) -> None:
        super().__init__()
        self.overrides = {_path(k): v for k, v in overrides.items()}
        self.require = {_path(p) for p in require}
        self.realistic = realistic
        self.max_items = max_items
        self.max_depth = max_depth
        self.visited: set[Path] = set()

    def forced(self, path: Path) -> bool:
        return any(r[: len(path)] == path for r in self.require)

    def visit(self, node: Node) -> st.SearchStrategy[Any]:
        path = node.path
        self.visited.add(path)
        if path in self.overrides:
            return _as_strategy(self.overrides[path])
        if len(path) > self.max_depth + 32:
            raise RecursionError(f"shape {node.shape.name} at {format_path(path)!r} requires itself; cannot build a finite value")
        return super().visit(node)

    def visit_structure(self, node: Node) -> st.SearchStrategy[Any]:
        shape: Any = node.shape
        if shape.is_tagged_union:
            return self._union(node)
        required: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for name, _, child in node.members():
            assert child is not None
            sub = child.path
            if self.overrides.get(sub, None) is ABSENT:
                self.visited.add(sub)
                continue
            must = name in shape.required_members or self.forced(sub) or (sub in self.overrides and not isinstance(self.overrides[sub], _Optional))
            if not must and len(node.path) >= self.max_depth:
                continue
            (required if must else optional)[name] = self.visit(child)
        return st.fixed_dictionaries(required, optional=optional)

    def _union(self, node: Node) -> st.SearchStrategy[Any]:
        children = {name: child for name, _, child in node.members() if child is not None}
        names = [n for n, child in children.items() if self.overrides.get(child.path, None) is not ABSENT]
        chosen = [n for n in names if self.forced(children[n].path) or children[n].path in self.overrides]
        self.visited.update(child.path for child in children.values())
        if not chosen and len(node.path) >= self.max_depth:  # deep down, end the value where a member can
            names = [n for n in names if children[n].shape.type_name not in ("structure", "list", "map")] or names
        where = format_path(node.path) or node.shape.name
        if len(chosen) > 1:
            raise ValueError(f"{where} is a tagged union: only one of {', '.join(chosen)} can be set")
        if not (chosen or names):
            raise ValueError(f"{where} is a tagged union: overrides left none of its members")
        return st.one_of([st.fixed_dictionaries({n: self.visit(children[n])}) for n in (chosen or names)])

    def _sizes(self, node: Node, ceiling: int | None = None) -> tuple[int, int]:
        shape, path = node.shape, node.path
        low = shape.metadata.get("min", 0)
        if self.forced(path + (ANY_ITEM,)) or self.forced(path + (MAP_KEY,)) or self.forced(path + (ANY_VALUE,)):
            low = max(low, 1)
        high = min(shape.metadata.get("max", low + self.max_items), max(low, self.max_items if len(path) < self.max_depth else low))
        if ceiling is not None:
            high = min(high, ceiling)
        return low, high

    def visit_list(self, node: Node) -> st.SearchStrategy[Any]:
        (item,) = node.items()
        low, high = self._sizes(node)
        return st.lists(self.visit(item), min_size=low, max_size=high)

    def visit_map(self, node: Node) -> st.SearchStrategy[Any]:
        ((key, value),) = node.entries()
        enum = key.shape.enum  # type: ignore[attr-defined]
        low, high = self._sizes(node, len(enum) if enum else None)
        keys = self.visit(key)
        return st.dictionaries(keys, self.visit(value), min_size=low, max_size=high)

    def visit_string(self, node: Node) -> st.SearchStrategy[Any]:
        shape = node.shape
        enum = shape.enum  # type: ignore[attr-defined]
        if enum:
            return st.sampled_from(list(enum))
        meta = shape.metadata
        low, high = meta.get("min", 0), meta.get("max")
        pattern = meta.get("pattern")
        generic = pattern_strings(pattern, low, high) if pattern else plain_strings(low, high)
        make = REALISTIC.get(shape.name) if self.realistic else None
        if make is None or not all(_fits(shape, make(_random_for_check(i))) for i in range(8)):
            return generic
        return st.one_of(_realistic(shape, make, generic), generic)

    def visit_integer(self, node: Node) -> st.SearchStrategy[Any]:
        low, high = _INT_RANGES[node.shape.type_name]
        return st.integers(node.shape.metadata.get("min", low), node.shape.metadata.get("max", high))

    visit_long = visit_integer

    def visit_float(self, node: Node) -> st.SearchStrategy[Any]:
        low, high = node.shape.metadata.get("min"), node.shape.metadata.get("max")
        if node.shape.type_name == "float":
            low, high = _float32_bounds(-3.0e38 if low is None else low, 3.0e38 if high is None else high)
            return st.floats(low, high, width=32, allow_nan=False, allow_infinity=False)
        return st.floats(low, high, allow_nan=False, allow_infinity=False)

    visit_double = visit_float

    def visit_boolean(self, node: Node) -> st.SearchStrategy[Any]:
        return st.booleans()

    def visit_timestamp(self, node: Node) -> st.SearchStrategy[Any]:
        times = st.datetimes(*_TIME_RANGE, timezones=st.just(_dt.timezone.utc))
        return times.map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))

    def visit_blob(self, node: Node) -> st.SearchStrategy[Any]:
        return st.binary(min_size=node.shape.metadata.get("min", 0), max_size=node.shape.metadata.get("max", self.max_items * 8))


def _random_for_check(seed: int) -> Any:
    return random.Random(seed)


_SEEDS = st.integers(0, 2**32 - 1)


@st.composite
def _realistic_values(draw: Any, shape: Shape, make: Any, generic: st.SearchStrategy[str]) -> str:
    # one seed drawn from Hypothesis (replays exactly; shrinks toward seed 0, itself a realistic value)
    value = make(random.Random(draw(_SEEDS)))
    return value if _fits(shape, value) else draw(generic)


def _realistic(shape: Shape, make: Any, generic: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    # defined once at module level: Hypothesis reads a composite's source each time one is *defined* (~2 ms)
    return _realistic_values(shape, make, generic)


def _path(path: PathLike) -> Path:
    return parse_path(path) if isinstance(path, str) else tuple(path)


def from_shape(
    shape: Shape,
    *,
    overrides: Mapping[str, Any] | Mapping[Path, Any] | None = None,
    require: Iterable[PathLike] = (),
    realistic: bool = True,
    max_items: int = 3,
    max_depth: int = 8,
) -> st.SearchStrategy[Any]:
    """A strategy of values of ``shape`` that satisfy every constraint of the model.

    ``overrides``: member path -> fixed value, strategy, or :data:`ABSENT`. ``require``: member
    paths present in every example. ``realistic``: mix realistic values (role ARNs, S3 URIs,
    model ids, ...) with values built from the patterns. Unknown paths raise :class:`ValueError`
    listing the valid ones.
    """
    walker = _Walker(overrides or {}, require, realistic, max_items, max_depth)
    strategy = walker.walk(shape)
    unused = [format_path(p) for p in (*walker.overrides, *walker.require) if p not in walker.visited]
    valid = [p for p, _ in member_paths(shape)] if unused else []
    unknown = [p for p in unused if p not in valid]
    if unknown:
        raise ValueError(f"unknown member path(s) {', '.join(map(repr, unknown))} for {shape.name}; valid paths: {', '.join(valid)}")
    if unused:
        raise ValueError(f"override or required path(s) {', '.join(map(repr, unused))} have no effect: a member above them is overridden, "
                         f"left out, or deeper than max_depth")
    return strategy
