"""Bad values for :mod:`pytest_bedrock_mock.strategies.invalid`: each breaks one member in one way.

For a member's shape and a violation kind, :func:`bad_values` draws values that break that
member in that way alone: of the wrong type (:func:`wrong_values`; ``client_side`` picks the
ones botocore rejects or only the service does), too short or too long (and still matching the
pattern, when there is one), off the pattern (:func:`find_breaker` says whether any string of
the allowed lengths is), outside the enum, or out of range (float members just outside in
float32, as the service parses them). :func:`sized_collections` draws lists and maps of an
exact, out-of-bounds size. :data:`INT_RANGES` and :data:`F32_MAX` are the ranges a number
member holds before any ``min``/``max``.

Public names: :func:`bad_values`, :func:`find_breaker`, :func:`sized_collections`, :func:`wrong_values`, :data:`F32_MAX`, :data:`INT_RANGES`.
"""

from __future__ import annotations

import copy
import functools
import random
import struct
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

from pytest_bedrock_mock.core.javaregex import full_match
from pytest_bedrock_mock.core.shapes import ANY_ITEM, ANY_VALUE, MAP_KEY, shape_at
from pytest_bedrock_mock.strategies.regex import pattern_strings, plain_strings, reachable_lengths
from pytest_bedrock_mock.strategies.walker import from_shape

__all__ = ["F32_MAX", "INT_RANGES", "bad_values", "find_breaker", "sized_collections", "wrong_values"]

INT_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
F32_MAX = 3.4028234663852886e38
_BREAKERS = "#~ %é\n!A0a-:/._"
_WRONG = {
    "string": (12345, ["a", "list"]), "integer": ("7", 7.5, True), "long": ("7", 7.5), "float": ("0.5", [0.5]), "double": ("0.5", [0.5]),
    "boolean": ("true", 1), "structure": ("not-a-structure", ["a"]), "list": ("not-a-list", {"a": 1}), "map": (["not", "a", "map"], "x"),
    "blob": (12345,), "timestamp": ([2024],),
}


def find_breaker(pattern: str, low: int, high: int, seed: int = 0) -> str | None:
    """A string with length in ``[low, high]`` that does not fully match ``pattern`` (None: there is none we know)."""
    rng = random.Random(seed)
    for size in sorted({max(low, 1), min(max(low, 1) + 3, high), high} - {0}):
        if size < low or size > high:
            continue
        for c in _BREAKERS:
            candidate = "".join(rng.choice("ab0") for _ in range(size - 1)) + c if size > 1 else c
            if not full_match(pattern, candidate):
                return candidate
    return None


@functools.lru_cache(maxsize=256)
def _pattern_breakers(pattern: str, low: int, high: int) -> st.SearchStrategy[str]:
    lengths = reachable_lengths(pattern, max(low, 1), high)
    fallback = find_breaker(pattern, low, high)

    @st.composite
    def bad(draw: Any) -> str:
        if lengths:
            good = draw(pattern_strings(pattern, lengths[0], high))
            start, first = draw(st.integers(0, len(good) - 1)), draw(st.integers(0, len(_BREAKERS) - 1))
            for i in range(len(good)):
                pos = (start + i) % len(good)
                for j in range(len(_BREAKERS)):
                    candidate = good[:pos] + _BREAKERS[(first + j) % len(_BREAKERS)] + good[pos + 1 :]
                    if not full_match(pattern, candidate):
                        return candidate
        assert fallback is not None, f"no string breaks {pattern!r}"
        return fallback

    return bad()


def _f32_below(x: float) -> float:
    """The largest float32 strictly below ``x`` (a value that stays out of range after the service's float parse)."""
    f = float(struct.unpack("f", struct.pack("f", x))[0])
    while f >= x:
        (bits,) = struct.unpack("i", struct.pack("f", f))
        f = float(struct.unpack("f", struct.pack("i", bits - 1 if f > 0 else bits + 1 if f < 0 else -(2**31) + 1))[0])
    return f


def bad_values(shape: Shape, kind: str, client_side: bool | None) -> st.SearchStrategy[Any]:
    """Values that break ``shape`` in the one way ``kind`` names: ``type``, a length, ``pattern``, ``enum`` or a range."""
    meta = shape.metadata
    low, high, pattern = meta.get("min", 0), meta.get("max"), meta.get("pattern")
    if kind == "type":
        return st.sampled_from(wrong_values(shape, client_side))
    if kind == "min_length":
        return pattern_strings(pattern, 0, low - 1) if pattern else plain_strings(0, low - 1)
    if kind == "max_length":
        return pattern_strings(pattern, high + 1, high + 64) if pattern else plain_strings(high + 1, high + 64)
    if kind == "pattern":
        return _pattern_breakers(pattern, low, high if high is not None else low + 64)
    if kind == "enum":
        enum = set(shape.enum)  # type: ignore[attr-defined]
        return st.sampled_from(["NOT_A_VALUE", *(e.lower() + "_x" for e in shape.enum)]).filter(lambda v: v not in enum)  # type: ignore[attr-defined]
    if kind in ("min_value", "max_value"):
        return _bad_number(shape, kind)
    raise AssertionError(kind)  # pragma: no cover


def _bad_number(shape: Shape, kind: str) -> st.SearchStrategy[Any]:
    meta, type_name = shape.metadata, shape.type_name
    if type_name in INT_RANGES:
        low, high = INT_RANGES[type_name]
        return st.integers(low, meta["min"] - 1) if kind == "min_value" else st.integers(meta["max"] + 1, high)
    if kind == "min_value":
        top = _f32_below(meta["min"]) if type_name == "float" else meta["min"]
        return st.floats(-F32_MAX, top, exclude_max=type_name != "float", allow_nan=False, width=32 if type_name == "float" else 64)
    bottom = -_f32_below(-meta["max"]) if type_name == "float" else meta["max"]
    return st.floats(bottom, F32_MAX, exclude_min=type_name != "float", allow_nan=False, width=32 if type_name == "float" else 64)


def sized_collections(shape: Any, size: int) -> st.SearchStrategy[Any]:
    """Lists or maps of ``shape`` with exactly ``size`` entries (for a count just outside its ``min``/``max``)."""
    if shape.type_name == "list":
        # a few drawn items, repeated up to ``size`` (the model asks no uniqueness), keeps long lists cheap
        few = st.lists(from_shape(shape_at(shape, (ANY_ITEM,)), max_items=1), min_size=min(size, 1), max_size=min(size, 3))
        return few.map(lambda items: [copy.deepcopy(items[i % len(items)]) for i in range(size)] if items else [])
    keys, values = shape_at(shape, (MAP_KEY,)), shape_at(shape, (ANY_VALUE,))
    return st.dictionaries(from_shape(keys), from_shape(values, max_items=1), min_size=size, max_size=size)


def wrong_values(shape: Shape, client_side: bool | None) -> list[Any]:
    """Values of the wrong type; a bool for an integer is the one botocore lets through.

    botocore range-checks a bool as the int it is, so a bool is used only where that int
    is inside the member's range (otherwise botocore would report a range error instead).
    """
    type_name, meta = shape.type_name, shape.metadata
    found = [v for v in _WRONG.get(type_name, (12345,)) if not isinstance(v, bool) or type_name not in INT_RANGES or meta.get("min", 0) <= v <= meta.get("max", 1)]
    service_only = [v for v in found if isinstance(v, bool) and type_name in INT_RANGES]
    if client_side is None:
        return found
    return service_only if client_side is False else [v for v in found if v not in service_only or not isinstance(v, bool)]
