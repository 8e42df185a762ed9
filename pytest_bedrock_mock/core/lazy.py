"""Public names imported on first use: the one home of the packages' lazy ``__getattr__``.

A package lists ``name -> module`` and binds what :func:`lazy_exports` returns as its
module-level ``__getattr__`` and ``__dir__``; a name's module is imported when the name is first
read, so ``import pytest_bedrock_mock`` (and the plugin that imports it at every pytest start) loads
none of botocore, Hypothesis or jsonschema. The value is not kept in the package: each read asks
the defining module in ``sys.modules``, so a module dropped and imported again (pytester's
in-process runs restore ``sys.modules`` after each run) never leaves a stale class behind, and
``isinstance`` agrees with the one the kit checks against.

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
        return getattr(importlib.import_module(module), name)

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exports})

    return __getattr__, __dir__
