"""The value checks of the options table (:mod:`.options`): each returns the value, or raises ``ValueError``
saying what the option takes (the resolver adds the option's name and where it was set).

Public names: :func:`same`, :func:`boolean`, :func:`integer`, :func:`integer_or_none`, :func:`string`,
:func:`string_or_none`, :func:`choice`, :func:`dimensions`, :func:`selectors`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["boolean", "choice", "dimensions", "integer", "integer_or_none", "same", "selectors", "string", "string_or_none"]


def same(value: Any) -> Any:
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected True or False, got {value!r}")
    return value


def integer_or_none(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"expected an integer or None, got {value!r}")
    return value


def integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def string_or_none(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"expected a string or None, got {value!r}")
    return value or None


def choice(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")
        return str(value)

    return check


def dimensions(value: Any) -> tuple[str, ...]:
    from pytest_bedrock_mock.variants import dimensions as catalogue_dimensions

    known = catalogue_dimensions(forward_compat=True)
    names = [p.strip() for p in value.split(",")] if isinstance(value, str) else [str(v) for v in value]
    chosen: list[str] = []
    for name in names:
        for dim in catalogue_dimensions() if name == "all" else (name,) if name else ():
            if dim not in known:
                raise ValueError(f"unknown dimension {dim!r}; the dimensions are: all, {', '.join(known)}")
            if dim not in chosen:
                chosen.append(dim)
    return tuple(chosen)


def selectors(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value)
