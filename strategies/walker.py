"""A botocore shape -> a Hypothesis strategy of values the contract accepts.

:func:`from_shape` walks any shape of the model: structures (required members always,
optional ones present or absent), tagged unions (exactly one member), lists and maps
within ``min``/``max``, strings within ``min``/``max`` that fully match the pattern
(:mod:`strategies.regex`), enums, integers and floats within their range, booleans,
timezone-aware timestamps and blobs. Collections hold at most ``max_items`` entries
unless the model demands more, and optional members deeper than ``max_depth`` are left
out, so examples stay small; everything shrinks toward absent members, first union
members, fewer items, shorter strings and zero.

Member paths use the contract's spelling with ``[]`` for "every list item",
``.{key}`` for map keys and ``.{value}`` for map values, e.g. ``jobTags[].key`` or
``customizationConfig.rftConfig.hyperParameters.epochCount``. ``overrides`` maps such a
path to a fixed value, a strategy, or :data:`ABSENT` (leave the member out);
``require`` lists paths that must be present in every example; wrap an override in
:func:`optional` to keep the member optional.

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

from pytest_bedrock_mock.core.javaregex import full_match, java_length
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

_INT_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_TIME_RANGE = (_dt.datetime(2020, 1, 1), _dt.datetime(2030, 12, 31))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def member_paths(shape: Shape, path: str = "", _seen: tuple[str, ...] = ()) -> Iterator[tuple[str, Shape]]:
    """Every member path under ``shape`` (recursive shapes are entered once), with its shape."""
    kind = shape.type_name
    if kind == "structure":
        if shape.name in _seen:
            return
        for name, member in shape.members.items():  # type: ignore[attr-defined]
            sub = _join(path, name)
            yield sub, member
            yield from member_paths(member, sub, (*_seen, shape.name))
    elif kind == "list":
        yield f"{path}[]", shape.member  # type: ignore[attr-defined]
        yield from member_paths(shape.member, f"{path}[]", _seen)  # type: ignore[attr-defined]
    elif kind == "map":
        for part, sub_shape in ((".{key}", shape.key), (".{value}", shape.value)):  # type: ignore[attr-defined]
            yield f"{path}{part}", sub_shape
            yield from member_paths(sub_shape, f"{path}{part}", _seen)


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


class _Walker:
    def __init__(self, overrides: Mapping[str, Any], require: Iterable[str], realistic: bool, max_items: int, max_depth: int) -> None:
        self.overrides = {_normal(k): v for k, v in overrides.items()}
        self.require = {_normal(p) for p in require}
        self.realistic = realistic
        self.max_items = max_items
        self.max_depth = max_depth
        self.visited: set[str] = set()

    def forced(self, path: str) -> bool:
        return any(r == path or r.startswith(path + ".") or r.startswith(path + "[") for r in self.require)

    def build(self, shape: Shape, path: str, depth: int) -> st.SearchStrategy[Any]:
        self.visited.add(path)
        if path in self.overrides:
            return _as_strategy(self.overrides[path])
        if depth > self.max_depth + 32:
            raise RecursionError(f"shape {shape.name} at {path!r} requires itself; cannot build a finite value")
        kind = shape.type_name
        method = getattr(self, f"_{kind}", None)
        if method is None:
            raise NotImplementedError(f"shape type {kind} ({shape.name} at {path!r}) is not supported")
        return method(shape, path, depth)  # type: ignore[no-any-return]

    def _structure(self, shape: Any, path: str, depth: int) -> st.SearchStrategy[Any]:
        if shape.is_tagged_union:
            return self._union(shape, path, depth)
        required: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for name, member in shape.members.items():
            sub = _join(path, name)
            if self.overrides.get(sub, None) is ABSENT:
                self.visited.add(sub)
                continue
            must = name in shape.required_members or self.forced(sub) or (sub in self.overrides and not isinstance(self.overrides[sub], _Optional))
            if not must and depth >= self.max_depth:
                continue
            (required if must else optional)[name] = self.build(member, sub, depth + 1)
        return st.fixed_dictionaries(required, optional=optional)

    def _union(self, shape: Any, path: str, depth: int) -> st.SearchStrategy[Any]:
        names = [n for n in shape.members if self.overrides.get(_join(path, n), None) is not ABSENT]
        chosen = [n for n in names if self.forced(_join(path, n)) or _join(path, n) in self.overrides]
        for n in shape.members:
            self.visited.add(_join(path, n))
        if len(chosen) > 1:
            raise ValueError(f"{path or shape.name} is a tagged union: only one of {', '.join(chosen)} can be set")
        if not (chosen or names):
            raise ValueError(f"{path or shape.name} is a tagged union: overrides left none of its members")
        return st.one_of([st.fixed_dictionaries({n: self.build(shape.members[n], _join(path, n), depth + 1)}) for n in (chosen or names)])

    def _sizes(self, shape: Shape, path: str, depth: int, ceiling: int | None = None) -> tuple[int, int]:
        low = shape.metadata.get("min", 0)
        if self.forced(path + "[]") or self.forced(path + ".{key}") or self.forced(path + ".{value}"):
            low = max(low, 1)
        high = min(shape.metadata.get("max", low + self.max_items), max(low, self.max_items if depth < self.max_depth else low))
        if ceiling is not None:
            high = min(high, ceiling)
        return low, high

    def _list(self, shape: Any, path: str, depth: int) -> st.SearchStrategy[Any]:
        low, high = self._sizes(shape, path, depth)
        return st.lists(self.build(shape.member, f"{path}[]", depth + 1), min_size=low, max_size=high)

    def _map(self, shape: Any, path: str, depth: int) -> st.SearchStrategy[Any]:
        ceiling = len(shape.key.enum) if shape.key.enum else None
        low, high = self._sizes(shape, path, depth, ceiling)
        keys = self.build(shape.key, f"{path}.{{key}}", depth + 1)
        return st.dictionaries(keys, self.build(shape.value, f"{path}.{{value}}", depth + 1), min_size=low, max_size=high)

    def _string(self, shape: Shape, path: str, depth: int) -> st.SearchStrategy[Any]:
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

    def _integer(self, shape: Shape, path: str, depth: int) -> st.SearchStrategy[Any]:
        low, high = _INT_RANGES[shape.type_name]
        return st.integers(shape.metadata.get("min", low), shape.metadata.get("max", high))

    _long = _integer

    def _float(self, shape: Shape, path: str, depth: int) -> st.SearchStrategy[Any]:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if shape.type_name == "float":
            low, high = _float32_bounds(-3.0e38 if low is None else low, 3.0e38 if high is None else high)
            return st.floats(low, high, width=32, allow_nan=False, allow_infinity=False)
        return st.floats(low, high, allow_nan=False, allow_infinity=False)

    _double = _float

    def _boolean(self, shape: Shape, path: str, depth: int) -> st.SearchStrategy[Any]:
        return st.booleans()

    def _timestamp(self, shape: Shape, path: str, depth: int) -> st.SearchStrategy[Any]:
        times = st.datetimes(*_TIME_RANGE, timezones=st.just(_dt.timezone.utc))
        return times.map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))

    def _blob(self, shape: Shape, path: str, depth: int) -> st.SearchStrategy[Any]:
        return st.binary(min_size=shape.metadata.get("min", 0), max_size=shape.metadata.get("max", self.max_items * 8))


def _random_for_check(seed: int) -> Any:
    return random.Random(seed)


_SEEDS = st.integers(0, 2**32 - 1)


def _realistic(shape: Shape, make: Any, generic: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    @st.composite
    def realistic(draw: Any) -> str:
        # one seed drawn from Hypothesis (replays exactly; shrinks toward seed 0, itself a realistic value)
        value = make(random.Random(draw(_SEEDS)))
        return value if _fits(shape, value) else draw(generic)

    return realistic()


def _normal(path: str) -> str:
    return path.replace(".[]", "[]")


def from_shape(
    shape: Shape,
    *,
    overrides: Mapping[str, Any] | None = None,
    require: Iterable[str] = (),
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
    strategy = walker.build(shape, "", 0)
    unused = [p for p in (*walker.overrides, *walker.require) if p not in walker.visited]
    valid = [p for p, _ in member_paths(shape)] if unused else []
    unknown = [p for p in unused if p not in valid]
    if unknown:
        raise ValueError(f"unknown member path(s) {', '.join(map(repr, unknown))} for {shape.name}; valid paths: {', '.join(valid)}")
    if unused:
        raise ValueError(f"override or required path(s) {', '.join(map(repr, unused))} have no effect: a member above them is overridden, "
                         f"left out, or deeper than max_depth")
    return strategy
