"""Public names imported on first use: the one home of the packages' lazy ``__getattr__``.

A package lists ``name -> module`` and binds what :func:`lazy_exports` returns as its
module-level ``__getattr__`` and ``__dir__``; a name's module is imported when the name is first
read, and the value is kept in the package, so ``import pytest_bedrock_mock`` (and the plugin
that imports it at every pytest start) loads none of botocore, Hypothesis or jsonschema.

Public names: :func:`lazy_exports`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package`` (its ``__name__``), resolving ``exports`` on first access."""

    def __getattr__(name: str) -> Any:
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exports})

    return __getattr__, __dir__
