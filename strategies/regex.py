"""Strings that fully match a model pattern *and* a length range, by construction.

This is the generation back-end of :mod:`pytest_bedrock_mock.core.javaregex`: it compiles the
engine's tree of a pattern (:func:`~pytest_bedrock_mock.core.javaregex.parse`, Java's meaning
already resolved) into generator nodes (literal, character class, sequence, alternation,
repetition, anchor; they live in :mod:`._regex_nodes`). Each node knows the *set* of lengths it
can produce (a bitset, capped at the largest length asked for), so generation first picks a
reachable total length inside ``[min_size, max_size]`` and then splits it over the tree: every
draw is valid, nothing is filtered, and shrinking moves toward shorter strings, earlier
alternatives and earlier characters.

Character classes draw their own members, simplest first; negated classes, ``\\S`` and ``.``
draw from :data:`UNIVERSE` (printable ASCII first, then a few non-ASCII BMP characters, so
UTF-16 length equals ``len``). Lookaheads are not supported (none in the model).

Public names: :func:`pattern_strings`, :func:`plain_strings`, :func:`reachable_lengths`, :data:`UNIVERSE`.
"""

from __future__ import annotations

import functools
import string

from hypothesis import strategies as st

from pytest_bedrock_mock.core.javaregex import (
    MAX_CP,
    Alt,
    Anchor,
    Chars,
    Look,
    Node,
    Ranges,
    Repeat,
    Seq,
    compile_pattern,
    java_length,
    parse,
)
from pytest_bedrock_mock.strategies._lengths import Draw, _bits, _chars, _length_choice, _span
from pytest_bedrock_mock.strategies._regex_nodes import _CHUNK, _Alt, _Anchor, _CharRun, _Chars, _Lit, _Node, _Repeat, _Seq

__all__ = ["DEFAULT_MAX", "UNIVERSE", "pattern_strings", "plain_strings", "reachable_lengths"]

#: The characters negated classes and ``.`` draw from, simplest first.
UNIVERSE = (
    string.ascii_lowercase + string.digits + string.ascii_uppercase + "-_.:/+=@ "
    + "".join(c for c in string.punctuation if c not in "-_.:/+=@") + "\t" + "éüßøΩж中—"
)
#: Longest string generated for a shape without ``max`` (examples stay small).
DEFAULT_MAX = 256


def _rank(c: str) -> tuple[int, int]:
    o = ord(c)
    group = 0 if c.islower() and o < 128 else 1 if c.isdigit() and o < 128 else 2 if c.isupper() and o < 128 else 3 if 32 <= o < 127 else 4 if o < 128 else 5
    return group, o


def _ordered(chars: set[str]) -> str:
    return "".join(sorted(chars, key=_rank))


def _covers(ranges: Ranges, lo: int, hi: int) -> bool:
    return any(a <= lo and hi <= b for a, b in ranges)


@functools.lru_cache(maxsize=1024)
def _alphabet(ranges: Ranges) -> str:
    """The characters a class draws from, simplest first.

    A class that holds all of the private-use area is a negation (``[^:]``, ``\\S``, ``.``): it
    draws from :data:`UNIVERSE` (plus the ASCII line breaks when it is every character). Other
    classes draw their own members: small ranges whole, wide ones (``\\p{L}``) by their first
    256 and last members. Supplementary characters (beyond U+FFFF) are left out: each counts two
    UTF-16 units in the service's lengths, which the length planner counts one per character.
    """
    if _covers(ranges, 0xE000, 0xF8FF):
        extra = "\n\r\x0b\f" if ranges == ((0, MAX_CP),) else ""
        members = Chars(ranges)
        picked = {c for c in UNIVERSE + extra if ord(c) in members}
        if picked:
            return _ordered(picked)
    chars: set[str] = set()
    for lo, top in ranges:
        hi = min(top, 0xFFFF)
        span = range(lo, hi + 1) if hi - lo <= 512 else [*range(lo, lo + 256), hi]
        chars.update(chr(o) for o in span if not 0xD800 <= o <= 0xDFFF)
    return _ordered(chars)


def _alphabets(node: _Node) -> list[str]:
    return node.alphabets if isinstance(node, _CharRun) else [node.alphabet]  # type: ignore[attr-defined]


def _build(node: Node, mask: int) -> _Node:
    if isinstance(node, Seq):
        return _build_seq(node.items, mask)
    if isinstance(node, Chars):
        single = node.single
        return _Lit(chr(single), mask) if single is not None and single <= 0xFFFF else _Chars(_alphabet(node.ranges), mask)
    if isinstance(node, Alt):
        return _Alt([_build(option, mask) for option in node.options])
    if isinstance(node, Repeat):
        return _Repeat(_build(node.body, mask), node.low, node.high, mask)
    if isinstance(node, Anchor) and node.kind != "line_end":
        return _Anchor(start=node.kind == "start")
    what = "a lookahead" if isinstance(node, Look) else "a '$' that a line terminator may follow"
    raise NotImplementedError(f"{what} is not supported by the pattern generator")


def _build_seq(items: tuple[Node, ...], mask: int) -> _Node:
    nodes: list[_Node] = []
    for item in items:
        node = _build(item, mask)
        previous = nodes[-1] if nodes else None
        if isinstance(node, _Lit) and isinstance(previous, _Lit):
            nodes.pop()
            node = _Lit(previous.text + node.text, mask)
        elif isinstance(node, _Chars) and isinstance(previous, (_Chars, _CharRun)) and len(_alphabets(previous)) < 6:
            nodes.pop()
            node = _CharRun([*_alphabets(previous), node.alphabet], mask)
        nodes.append(node)
    if len(nodes) == 1:
        return nodes[0]
    return _Seq(nodes, mask)


@functools.lru_cache(maxsize=512)
def _compiled(java: str, cap: int) -> _Node:
    return _build(parse(java), (1 << (cap + 1)) - 1)


def reachable_lengths(java: str, min_size: int, max_size: int) -> list[int]:
    """Every length in ``[min_size, max_size]`` that some string fully matching ``java`` has."""
    return _bits(_compiled(java, max_size).at(1, 1), min_size, max_size)


@functools.lru_cache(maxsize=512)
def pattern_strings(java: str, min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[str]:
    """Strings that fully match the model pattern ``java`` with a Java length in ``[min_size, max_size]``.

    Raises :class:`ValueError` (naming the pattern) when no such string exists.
    """
    top = DEFAULT_MAX if max_size is None else max_size
    root = _compiled(java, top)
    lengths = root.at(1, 1) & ((1 << (top + 1)) - 1) & ~((1 << min_size) - 1)
    if not lengths:
        raise ValueError(f"no string of length {min_size}..{top} fully matches the pattern {java!r}")
    rx = compile_pattern(java)
    length = _length_choice(lengths)

    @st.composite
    def strings(draw: Draw) -> str:
        value = root.gen(draw, draw(length), 1, 1)
        if rx.fullmatch(value) is None or not min_size <= java_length(value) <= top:  # pragma: no cover - a bug
            raise AssertionError(f"generated {value!r} does not satisfy {java!r} with length {min_size}..{top}")
        return value

    return strings()


@functools.cache
def _bmp() -> str:
    """Every BMP character but the surrogates, :data:`UNIVERSE` first (so shrinking goes to ``a``)."""
    first = set(UNIVERSE)
    return UNIVERSE + "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF and chr(c) not in first)


@functools.lru_cache(maxsize=64)
def plain_strings(min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[str]:
    """Strings without a pattern: BMP characters (no surrogates), so Java length == ``len``.

    Drawn as integers over one ordered alphabet, not ``st.characters``: any character strategy
    makes Hypothesis build its Unicode table on the first draw, about 1 s on a cold interpreter
    with an empty Hypothesis directory (a too_slow health-check failure).
    """
    top = DEFAULT_MAX if max_size is None else max_size
    length = _length_choice(_span(min_size, min(top, max(min_size, 24)) if max_size is None else top))

    @st.composite
    def strings(draw: Draw) -> str:
        n = draw(length)
        size = min(n, _CHUNK)
        chunk = _chars(draw, _bmp(), size)
        return (chunk * -(-n // size))[:n] if size else ""

    return strings()
