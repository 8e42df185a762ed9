"""JSON-like values as a job stores them: objects and arrays as tuples, a third of a dict's memory.

A stored job holds 100,000s of small JSON objects (``{"s3Uri": ...}``), and a one-key dict
costs about three times a two-item tuple. :func:`freeze` turns a value into its stored form
(an object into a :class:`FrozenMap`, its keys and values alternating; an array into a tuple)
and :func:`thaw` back into fresh dicts and lists, in the same order, so an answer built from
a frozen value is the same answer. A frozen value is never changed, so jobs may share one:
:func:`shared` hands out one frozen value per distinct value (a suite gives many jobs the
same role, base model, hyperparameters or tags).

Public names: :class:`FrozenMap`, :func:`freeze`, :func:`thaw`, :func:`shared`, :func:`type_key`.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["FrozenMap", "freeze", "shared", "thaw", "type_key"]


class FrozenMap(tuple):  # type: ignore[type-arg]
    """A stored JSON object: ``(key, value, key, value, ...)`` in the object's order."""

    __slots__ = ()


def freeze(value: Any) -> Any:
    """The stored form of ``value`` (itself if it has no dict or list in it, or is frozen already)."""
    kind = type(value)
    if kind is dict or (kind is not FrozenMap and isinstance(value, dict)):
        return FrozenMap(part for key, item in value.items() for part in (key, freeze(item)))
    if kind is list:
        return tuple(freeze(item) for item in value)
    if kind is tuple:  # frozen already unless it holds a dict or list
        items = tuple(freeze(item) for item in value)
        return value if all(a is b for a, b in zip(items, value)) else items
    return value


_FROZEN = (tuple, FrozenMap)


def thaw(value: Any) -> Any:
    """A fresh dict/list copy of a frozen ``value`` (leaves are shared); what is not frozen is returned as it is."""
    kind = type(value)
    if kind is FrozenMap:
        pairs = iter(value)
        return {key: thaw(item) if type(item) in _FROZEN else item for key, item in zip(pairs, pairs)}  # no call per leaf
    if kind is tuple:
        return [thaw(item) if type(item) in _FROZEN else item for item in value]
    return value


def type_key(value: Any) -> Any:
    """A hashable key for a JSON-like value that tells types apart (``1``, ``1.0`` and ``True``; an object and an
    array), or None if a leaf is unhashable: equal keys mean equal answers."""
    kind = type(value)
    if kind in (dict, list, tuple, FrozenMap):
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        items = tuple((key, type_key(item)) for key, item in pairs)
        return None if any(item is None for _, item in items) else (kind, items)
    try:
        hash(value)
    except TypeError:
        return None
    return (kind, value)


_SHARED: dict[Any, Any] = {}
_SHARED_LIMIT = 1024  # distinct values remembered (then it starts over: a value seen before is no longer shared)


def shared(value: Any) -> Any:
    """``freeze(value)``, the very object an earlier call returned for an equal value (a string: interned)."""
    if type(value) is str:
        return sys.intern(value)
    key = type_key(value)
    if key is None:
        return freeze(value)
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= _SHARED_LIMIT:
            _SHARED.clear()
        found = _SHARED[key] = freeze(value)
    return found
