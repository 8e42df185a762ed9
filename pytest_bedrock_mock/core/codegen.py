"""Functions compiled from generated source: the one home of ``exec`` in the kit.

A check or copy compiled per shape (:mod:`pytest_bedrock_mock.contract.precheck`,
:mod:`pytest_bedrock_mock.core.copying`) runs on every stubbed call. Written as a loop over a
structure's members it pays, per member, a tuple unpacking, a dict lookup and a call; written out
member by member, as straight-line code with its constants in closure cells, it pays one ``get``.
:func:`function` builds such a function from its body's lines, the way :mod:`dataclasses` builds
``__init__``. Member names enter the source only through :func:`literal` (``repr``), and every
other value through ``constants``, so no value of the model becomes code.

>>> double = function("double", ["return value * factor"], {"factor": 2})
>>> double(21)
42

A check or copy of nested shapes is written into one :class:`Emitter`: each shape's part adds
its lines for a variable it is given, and a structure's members, a list's items and a map's
entries get the variables of the next depth (``v1``, ``v2`` ...), so a whole request is one
function with no call per nested value.

The source is kept in :mod:`linecache` under a name of its own, so a traceback through a
generated function shows its lines.

Public names: :class:`Emitter`, :func:`function`, :func:`identifier`, :func:`literal`.
"""

from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["Emitter", "function", "identifier", "literal"]

_numbers = itertools.count(1)


def identifier(name: str) -> str:
    """``name`` made a Python identifier (for the name of a generated function: a shape's name)."""
    out = "".join(c if c.isalnum() and c.isascii() or c == "_" else "_" for c in name)
    return out if out.isidentifier() else f"_{out}"


def literal(name: str) -> str:
    """``name`` as a Python string literal (the only way a model's member name enters generated source)."""
    return repr(str(name))


def function(name: str, body: Sequence[str], constants: Mapping[str, Any]) -> Callable[..., Any]:
    """A function ``name(value)`` running ``body`` (lines of source, nested ones indented by 4), with
    each of ``constants`` bound as a closure variable of that name."""
    if not name.isidentifier() or not all(key.isidentifier() for key in constants):
        raise ValueError(f"generated function {name!r}: every name must be a Python identifier ({sorted(constants)})")
    inner = "".join(f"        {line}\n" for line in body)
    source = f"def _make({', '.join(constants)}):\n    def {name}(value):\n{inner}    return {name}\n"
    filename = f"<pytest_bedrock_mock generated {name} #{next(_numbers)}>"
    namespace: dict[str, Any] = {}
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 -- source built from literals and names above
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    made: Callable[..., Any] = namespace["_make"](**constants)
    return made


class Emitter:
    """One generated function being written: its lines, and its constants (closure variables)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self._names: dict[int, str] = {}

    def constant(self, value: Any, hint: str = "c") -> str:
        """The name ``value`` has in the source (one name per object, kept alive by this emitter)."""
        name = self._names.get(id(value))
        if name is None:
            name = self._names[id(value)] = f"{hint}{len(self.constants)}"
            self.constants[name] = value
        return name

    def line(self, indent: int, text: str) -> None:
        """Add ``text`` at ``indent`` levels below the function's body."""
        self.lines.append("    " * indent + text)

    def build(self, name: str) -> Callable[..., Any]:
        """The function ``name(value)`` of the lines so far."""
        return function(name, self.lines, self.constants)
