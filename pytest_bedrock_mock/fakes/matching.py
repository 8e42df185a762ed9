"""Expected-parameter matching for scripted answers: ``ANY`` at any depth, partial dicts, readable diffs.

>>> from botocore.stub import ANY
>>> diff({"jobName": "a", "tags": [1, 2]}, {"jobName": "b", "tags": [1, 2, 3]})
["jobName: expected 'a', got 'b'", 'tags: expected 2 items, got 3']
>>> diff(partial({"jobName": ANY}), {"jobName": "x", "roleArn": "y"})
[]

Public names: :func:`diff`, :func:`partial`, :class:`Partial`, :data:`ANY`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.stub import ANY

__all__ = ["ANY", "Partial", "diff", "partial"]


class Partial(dict):  # type: ignore[type-arg]
    """A dict of expectations of which only the named keys are checked (at this level)."""

    def __repr__(self) -> str:
        return f"partial({dict.__repr__(self)})"


def partial(expected: Mapping[str, Any] | None = None, **keys: Any) -> Partial:
    """Match only the keys named here; the call may carry more."""
    return Partial({**(expected or {}), **keys})


def _join(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Field-by-field differences between expected and actual parameters (empty when they match)."""
    if expected is ANY:
        return []
    if type(expected) is dict and type(actual) is dict and expected == actual:
        return []  # equal plain dicts (ANY compares equal to anything) have no difference to name: skip the walk
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{path or '<params>'}: expected a mapping, got {actual!r}"]
        out: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                out.append(f"{_join(path, key)}: missing (expected {value!r})")
            else:
                out.extend(diff(value, actual[key], _join(path, key)))
        if not isinstance(expected, Partial):
            out.extend(f"{_join(path, key)}: unexpected (got {actual[key]!r})" for key in actual if key not in expected)
        return out
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)):
            return [f"{path}: expected a list, got {actual!r}"]
        if len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} items, got {len(actual)}"]
        return [line for i, (e, a) in enumerate(zip(expected, actual)) for line in diff(e, a, _join(path, i))]
    if expected != actual:
        return [f"{path or '<params>'}: expected {expected!r}, got {actual!r}"]
    return []
