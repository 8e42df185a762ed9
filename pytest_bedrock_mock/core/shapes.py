"""The one walk over botocore shapes, and the one member-path grammar.

Member paths. A :data:`Path` is a tuple of steps; its text is botocore's notation (what the
service prints in validation messages), plus three wildcards for walks without a value:

=============  =========================  =================================================
text           step                       meaning
=============  =========================  =================================================
``jobName``    ``"jobName"``              a structure member (the first one has no dot)
``.epochs``    ``"epochs"``               a member, or the value under map key ``epochs``
``[3]``        ``3``                      list item 3
``[]``         :data:`ANY_ITEM`           any list item
``.{value}``   :data:`ANY_VALUE`          any map value
``.{key}``     :data:`MAP_KEY`            a map key (a key has no path of its own)
=============  =========================  =================================================

``customizationConfig.distillationConfig.teacherModelConfig.teacherModelIdentifier``,
``hyperParameters.epochCount``, ``jobTags[0].key``, ``jobTags[].key``. :func:`format_path`
writes, :func:`parse_path` reads (also the older ``.[]`` and ``.{}``, never written),
:func:`join` extends, :func:`generalize` turns a path met with a value into its shape-only
spelling, :func:`resolve` / :func:`shape_at` follow a path through a shape. Map keys that
contain ``.``, ``[`` or ``]``, or are empty, do not survive a round trip through the text.

The walk. :class:`ShapeVisitor` dispatches on the shape's type name as botocore's validator
and serializers do (``visit_structure``, ``visit_list``, ``visit_map``, ``visit_string``,
``visit_integer`` ... ``visit_blob``; numbers fall back to ``visit_number``, every scalar to
``visit_scalar``). A :class:`Node` is ``(shape, path, value)``; with :data:`NO_VALUE` the
walk is over the shape alone. A visitor descends by visiting the children that
:meth:`Node.members`, :meth:`Node.items` and :meth:`Node.entries` hand it, so paths are built
here and nowhere else. A shape-only walk that meets a structure already on its branch calls
``visit_again`` instead (:attr:`ShapeVisitor.recursion`): recursive shapes terminate.
:class:`ShapeWalker` visits everything and returns nothing.

Public names: :data:`Path`, :data:`Step`, :class:`Wildcard`, :data:`ANY_ITEM`, :data:`ANY_VALUE`,
:data:`MAP_KEY`, :data:`ROOT`, :data:`NO_VALUE`, :func:`join`, :func:`format_path`,
:func:`parse_path`, :func:`generalize`, :func:`resolve`, :func:`shape_at`, :class:`PathError`,
:class:`Node`, :class:`ShapeVisitor`, :class:`ShapeWalker`, :func:`member_paths`, :data:`TYPE_NAMES`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Generic, Literal, NamedTuple, TypeVar

from botocore.model import Shape

from pytest_bedrock_mock.errors import PathError

__all__ = [
    "ANY_ITEM", "ANY_VALUE", "MAP_KEY", "NO_VALUE", "ROOT", "TYPE_NAMES", "Node", "Path", "PathError", "ShapeVisitor",
    "ShapeWalker", "Step", "Wildcard", "format_path", "generalize", "join", "member_paths", "parse_path", "resolve", "shape_at",
]

#: Every shape type name of the model, in the order botocore's validator lists them.
TYPE_NAMES: tuple[str, ...] = (
    "structure", "list", "map", "string", "integer", "long", "float", "double", "boolean", "timestamp", "blob",
)


# -- paths ---------------------------------------------------------------------------------


class Wildcard(enum.Enum):
    """The steps of a shape-only path (and the key of a map entry); the value is the text."""

    ANY_ITEM = "[]"
    ANY_VALUE = ".{value}"
    MAP_KEY = ".{key}"


ANY_ITEM = Wildcard.ANY_ITEM
ANY_VALUE = Wildcard.ANY_VALUE
MAP_KEY = Wildcard.MAP_KEY

Step = str | int | Wildcard
Path = tuple[Step, ...]
ROOT: Path = ()

_NAMED = {"{key}": MAP_KEY, "{value}": ANY_VALUE, "{}": ANY_VALUE}


def join(path: Path, *steps: Step) -> Path:
    """``path`` extended by ``steps``."""
    return path + steps


def format_path(path: Path) -> str:
    """The text of ``path`` (``jobTags[3].key``, ``hyperParameters.{value}``; ``""`` for the root)."""
    text = ""
    for step in path:
        if type(step) is int:
            text += f"[{step}]"
        elif isinstance(step, Wildcard):
            text += step.value
        else:
            text += f".{step}" if text else str(step)
    return text


def parse_path(text: str) -> Path:
    """The path ``text`` spells (see the module docstring); raises :class:`ValueError` when malformed."""
    steps: list[Step] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == "[":
            end = text.find("]", i)
            inner = text[i + 1 : end]
            if end < 0 or not (inner == "" or inner.isdigit()):
                raise ValueError(f"malformed member path {text!r}: expected [] or [<index>] at offset {i}")
            steps.append(int(inner) if inner else ANY_ITEM)
            i = end + 1
            continue
        if text[i] == ".":
            i += 1
            if text.startswith("[]", i):  # the older spelling ``a.[]``
                continue
        elif steps:
            raise ValueError(f"malformed member path {text!r}: expected '.' or '[' at offset {i}")
        end = min((j for j in (text.find(".", i), text.find("[", i)) if j >= 0), default=n)
        name = text[i:end]
        steps.append(_NAMED.get(name, name))
        i = end
    return tuple(steps)


def _step_into(shape: Any, step: Step) -> Shape:
    kind = shape.type_name
    if kind == "structure" and isinstance(step, str) and step in shape.members:
        return shape.members[step]  # type: ignore[no-any-return]
    if kind == "list" and (step is ANY_ITEM or type(step) is int):
        return shape.member  # type: ignore[no-any-return]
    if kind == "map" and step is MAP_KEY:
        return shape.key  # type: ignore[no-any-return]
    if kind == "map" and (step is ANY_VALUE or isinstance(step, str)):
        return shape.value  # type: ignore[no-any-return]
    choices = {"structure": tuple(getattr(shape, "members", ())), "list": ("[]",), "map": (".{key}", ".{value}")}
    raise PathError(shape, step, choices.get(kind, ()))


def resolve(shape: Shape, path: Path) -> list[Shape]:
    """The shapes ``path`` passes through under ``shape``, one per step; raises :class:`PathError`."""
    out: list[Shape] = []
    for step in path:
        shape = _step_into(shape, step)
        out.append(shape)
    return out


def shape_at(shape: Shape, path: Path | str) -> Shape:
    """The shape at ``path`` under ``shape`` (``shape`` itself for the root)."""
    found = resolve(shape, parse_path(path) if isinstance(path, str) else path)
    return found[-1] if found else shape


def generalize(shape: Shape, path: Path) -> Path:
    """The shape-only spelling of a path met with a value: ``jobTags[2].key`` -> ``jobTags[].key``."""
    out: list[Step] = []
    for step in path:
        kind = shape.type_name
        if kind == "list" and type(step) is int:
            out.append(ANY_ITEM)
        elif kind == "map" and isinstance(step, str):
            out.append(ANY_VALUE)
        else:
            out.append(step)
        shape = _step_into(shape, step)
    return tuple(out)


# -- nodes -----------------------------------------------------------------------------------


class _NoValue:
    def __repr__(self) -> str:
        return "NO_VALUE"


#: The value of a node in a walk over a shape alone.
NO_VALUE: Any = _NoValue()


class Node(NamedTuple):
    """One place of a walk: its shape, its path, and its value (:data:`NO_VALUE` in a shape-only walk).

    The children of a value that does not fit its shape (a list where a structure belongs)
    are none: a visitor checks types where it cares.
    """

    shape: Shape
    path: Path = ROOT
    value: Any = NO_VALUE

    def members(self, *, wire: bool = False) -> Iterator[tuple[str, Any, Node | None]]:
        """``(name, value, child)`` per member of a structure; ``child`` is None for a name the model lacks.

        Shape-only: every member in model order. With a value: every key of the value, in its
        order. ``wire=True`` reads a raw body: wire names, and members bound to the URI,
        query string or headers count as unknown.
        """
        shape: Any = self.shape
        members: dict[str, Shape] = shape.members
        if wire:
            members = {m.serialization.get("name", n): m for n, m in members.items() if m.serialization.get("location") is None}
        path, value = self.path, self.value
        if value is NO_VALUE:
            for name, member in members.items():
                yield name, NO_VALUE, _new(Node, (member, path + (name,), NO_VALUE))
        elif isinstance(value, dict):
            for name, item in value.items():
                member = members.get(name)
                yield name, item, (None if member is None else _new(Node, (member, path + (name,), item)))

    def items(self) -> Iterator[Node]:
        """The items of a list (shape-only: one, at ``[]``)."""
        member: Shape = self.shape.member  # type: ignore[attr-defined]
        path, value = self.path, self.value
        if value is NO_VALUE:
            yield _new(Node, (member, path + (ANY_ITEM,), NO_VALUE))
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                yield _new(Node, (member, path + (i,), item))

    def entries(self) -> Iterator[tuple[Node, Node]]:
        """``(key, value)`` nodes of a map (shape-only: one pair, at ``.{key}`` and ``.{value}``)."""
        shape: Any = self.shape
        path, value = self.path, self.value
        key_path, key, item = path + (MAP_KEY,), shape.key, shape.value
        if value is NO_VALUE:
            yield Node(key, key_path), Node(item, path + (ANY_VALUE,))
        elif isinstance(value, dict):
            for k, v in value.items():
                yield _new(Node, (key, key_path, k)), _new(Node, (item, path + (k,), v))


#: ``Node`` without the keyword handling of its generated ``__new__`` (children are made often).
_new = tuple.__new__


# -- the visitor -------------------------------------------------------------------------------

R = TypeVar("R")


class ShapeVisitor(Generic[R]):
    """One walk over botocore shapes, dispatching on the type name (see the module docstring).

    Subclasses override the ``visit_<type>`` methods they handle; a type nobody handles
    reaches :meth:`visit_other`, which raises. Subclasses with their own ``__init__`` call
    ``super().__init__()``.
    """

    #: What a walk over a shape alone does when it meets a structure again: ``"branch"`` calls
    #: :meth:`visit_again` for a structure already on the path from the root (recursion),
    #: ``"once"`` for any structure visited before, ``"unbounded"`` never (the visitor bounds
    #: the walk itself). Walks with a value always follow the value.
    recursion: ClassVar[Literal["branch", "once", "unbounded"]] = "branch"
    _table: ClassVar[dict[str, Callable[[Any, Node], Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._table = {kind: getattr(cls, f"visit_{kind}") for kind in TYPE_NAMES}

    def __init__(self) -> None:
        self._entered: set[str] = set()

    def walk(self, shape: Shape, value: Any = NO_VALUE, path: Path = ROOT) -> R:
        """Visit ``shape`` (with ``value``, or alone) as the root of a walk."""
        return self.visit(Node(shape, path, value))

    def visit(self, node: Node) -> R:
        """Visit one node: :meth:`dispatch`, guarded against recursion in a shape-only walk."""
        if node[0].type_name == "structure" and node[2] is NO_VALUE and self.recursion != "unbounded":
            return self._enter(node)
        return self.dispatch(node)

    def dispatch(self, node: Node) -> R:
        """The ``visit_<type>`` method for the node's shape type, called (:meth:`visit_other` for an unknown type)."""
        method = self._table.get(node[0].type_name)
        return method(self, node) if method is not None else self.visit_other(node)  # type: ignore[no-any-return]

    def _enter(self, node: Node) -> R:
        name = node.shape.name
        if name in self._entered:
            return self.visit_again(node)
        self._entered.add(name)
        try:
            return self.visit_structure(node)
        finally:
            if self.recursion == "branch":
                self._entered.discard(name)

    def visit_structure(self, node: Node) -> R:
        return self.visit_other(node)

    def visit_list(self, node: Node) -> R:
        return self.visit_other(node)

    def visit_map(self, node: Node) -> R:
        return self.visit_other(node)

    def visit_string(self, node: Node) -> R:
        return self.visit_scalar(node)

    def visit_integer(self, node: Node) -> R:
        return self.visit_number(node)

    def visit_long(self, node: Node) -> R:
        return self.visit_number(node)

    def visit_float(self, node: Node) -> R:
        return self.visit_number(node)

    def visit_double(self, node: Node) -> R:
        return self.visit_number(node)

    def visit_number(self, node: Node) -> R:
        return self.visit_scalar(node)

    def visit_boolean(self, node: Node) -> R:
        return self.visit_scalar(node)

    def visit_timestamp(self, node: Node) -> R:
        return self.visit_scalar(node)

    def visit_blob(self, node: Node) -> R:
        return self.visit_scalar(node)

    def visit_scalar(self, node: Node) -> R:
        return self.visit_other(node)

    def visit_other(self, node: Node) -> R:
        shape = node.shape
        raise NotImplementedError(f"shape type {shape.type_name} ({shape.name} at {format_path(node.path)!r}) is not supported")

    def visit_again(self, node: Node) -> R:
        """A structure met again in a shape-only walk (see :attr:`recursion`)."""
        raise RecursionError(f"shape {node.shape.name} at {format_path(node.path)!r} contains itself")


ShapeVisitor._table = {kind: getattr(ShapeVisitor, f"visit_{kind}") for kind in TYPE_NAMES}


class ShapeWalker(ShapeVisitor[None]):
    """A visitor that visits every member, item, key and value (None values skipped) and returns nothing."""

    def visit_structure(self, node: Node) -> None:
        for _name, item, child in node.members():
            if child is not None and item is not None:
                self.visit(child)

    def visit_list(self, node: Node) -> None:
        for child in node.items():
            if child.value is not None:
                self.visit(child)

    def visit_map(self, node: Node) -> None:
        for key, value in node.entries():
            self.visit(key)
            if value.value is not None:
                self.visit(value)

    def visit_scalar(self, node: Node) -> None:
        return None

    def visit_other(self, node: Node) -> None:
        return None

    def visit_again(self, node: Node) -> None:
        return None


class _Paths(ShapeWalker):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[Path, Shape]] = []

    def visit(self, node: Node) -> None:
        if node.path:
            self.found.append((node.path, node.shape))
        super().visit(node)


def member_paths(shape: Shape) -> list[tuple[Path, Shape]]:
    """Every path under ``shape`` in a shape-only walk (members, ``[]``, ``.{key}``, ``.{value}``), with its shape.

    A structure that contains itself is listed where it recurs, and not entered again.
    """
    walker = _Paths()
    walker.walk(shape)
    return walker.found
