"""The one Java-regex engine: a model pattern parsed once into a tree, three back-ends read from it.

The patterns in botocore's model are Java regexes matched against the *whole* value (Java's
``String.matches``). :func:`parse` turns one into a tree (cached per pattern string) of
:class:`Chars`, :class:`Seq`, :class:`Alt`, :class:`Repeat`, :class:`Anchor` and :class:`Look`
nodes, with Java's meaning already resolved: ``\\d``, ``\\s``, ``\\w`` and the POSIX
``\\p{Alpha}``-style classes are ASCII, ``.`` refuses Java's line terminators (``\\n``,
``\\r``, U+0085, U+2028, U+2029), Unicode property classes (``\\p{L}``, ``\\P{N}``, ``\\p{Lu}``)
are explicit code-point ranges (from :mod:`unicodedata`), negation is taken against all of
Unicode. A property Java knows but we do not raises :class:`ValueError` naming it.

While parsing, the tree is rewritten into the same language without the shapes that make a
backtracking engine take exponential time on a near miss: ``(c*[C])*`` with ``c`` in ``[C]``
(``JobName``'s ``(-*[a-zA-Z0-9\\+\\-\\.])*``) becomes ``[C]*``, and ``(x*)*``/``(x+)*`` become
``x*``. A ``$`` that nothing after it can follow with a line terminator is the true end.

The back-ends, each derived from the same tree:

* Python :mod:`re` (validation): :func:`compile_pattern` / :func:`full_match`;
* ECMA-262 (JSON Schema ``pattern``): :func:`ecma_pattern`, anchored, flag-free, read alike by
  JavaScript (with or without the ``u`` flag for BMP classes) and by Python's ``re.search``
  (which is how ``jsonschema`` evaluates ``pattern``);
* generation: ``pytest_bedrock_mock.strategies.regex`` walks :func:`parse`'s tree.

Lengths are counted as Java counts them: in UTF-16 code units (:func:`java_length`).

Public names: :func:`parse`, the node classes, :func:`compile_pattern`, :func:`full_match`,
:func:`ecma_pattern`, :func:`source`, :func:`java_length`, :data:`LINE_TERMINATORS`, :data:`MAX_CP`.
"""

from __future__ import annotations

import functools
import re

from pytest_bedrock_mock.core._codepoints import ALL, LINE_TERMINATORS, MAX_CP, Ranges, complement, intersect, points, union
from pytest_bedrock_mock.core._regex_tree import Alt, Anchor, Chars, Look, Node, Repeat, Seq, parse_java

__all__ = [
    "LINE_TERMINATORS",
    "MAX_CP",
    "Alt",
    "Anchor",
    "Chars",
    "Look",
    "Node",
    "Ranges",
    "Repeat",
    "Seq",
    "compile_pattern",
    "ecma_pattern",
    "full_match",
    "java_length",
    "parse",
    "source",
]

_EMPTY = Seq(())
_NONE: Ranges = ()
_TERMINATORS = points(LINE_TERMINATORS)


@functools.lru_cache(maxsize=1024)
def parse(java: str) -> Node:
    """The tree of the model pattern ``java``: Java's meaning, simplified and defused (see the module doc)."""
    return _ends(_simplify(parse_java(java)), _NONE)


# -- rewrites that keep the language ---------------------------------------------------------


def _simplify(node: Node) -> Node:
    if isinstance(node, Seq):
        items: list[Node] = []
        for item in map(_simplify, node.items):
            items.extend(item.items if isinstance(item, Seq) else [item])
        return items[0] if len(items) == 1 else Seq(tuple(items))
    if isinstance(node, Alt):
        return Alt(tuple(map(_simplify, node.options)))
    if isinstance(node, Look):
        return Look(_simplify(node.body), node.negate)
    if isinstance(node, Repeat):
        return _repeat(_simplify(node.body), node.low, node.high)
    return node


def _repeat(body: Node, low: int, high: int | None) -> Node:
    if body == _EMPTY or high == 0 or (body == Chars(()) and low == 0):
        return _EMPTY
    if low == high == 1:
        return body
    if isinstance(body, Repeat) and body.high is None and body.low <= 1 and high != 0:
        return _repeat(body.body, low * body.low, None)  # (x*){m,n} = x*, (x+){m,n} = x{m,}
    if isinstance(body, Seq) and len(body.items) == 2:
        for run, char in (body.items, body.items[::-1]):
            a = _star_of_chars(run)
            if a is None or not isinstance(char, Chars) or not a.issubset(char):
                continue
            if high is None:  # (a*C)* and (Ca*)*, a within C: every string of C* splits into one-character rounds
                return Repeat(char, low, None)
            if low <= 1 and run is body.items[0]:
                return _rounds(a, char, low, high)
    return Repeat(body, low, high)


def _star_of_chars(node: Node) -> Chars | None:
    """``a`` when ``node`` is ``a*`` for a character class ``a``."""
    if isinstance(node, Repeat) and (node.low, node.high) == (0, None) and isinstance(node.body, Chars):
        return node.body
    return None


def _rounds(a: Chars, c: Chars, low: int, high: int) -> Node:
    """``(a*C){low,high}`` (``a`` within ``C``, ``low`` <= 1) without ambiguity.

    With ``b`` = ``C`` minus ``a``, a value is ``(a*b){m}`` then ``a{t}``, and takes at least
    ``m + (t > 0)`` rounds: so ``(a*b){0,high-1}(a*b|a+)``, the last part optional when ``low`` is 0.
    """
    b = Chars(intersect(c.ranges, complement(a.ranges)))
    if not b.ranges:
        return Repeat(a, low, None)
    one = Seq((Repeat(a, 0, None), b))
    last = Alt((one, Repeat(a, 1, None)))
    return Seq((*_items(_repeat(one, 0, high - 1)), last if low else Repeat(last, 0, 1)))


def _items(node: Node) -> tuple[Node, ...]:
    return () if node == _EMPTY else (node,)


def _first(node: Node) -> tuple[Ranges, bool]:
    """The characters ``node`` can start with, and whether it can match the empty string."""
    if isinstance(node, Chars):
        return node.ranges, False
    if isinstance(node, Seq):
        chars: Ranges = _NONE
        for item in node.items:
            first, nullable = _first(item)
            chars = union(chars, first)
            if not nullable:
                return chars, False
        return chars, True
    if isinstance(node, Alt):
        parts = [_first(o) for o in node.options]
        return functools.reduce(union, (p[0] for p in parts), _NONE), any(p[1] for p in parts)
    if isinstance(node, Repeat):
        first, nullable = _first(node.body)
        return first, nullable or node.low == 0
    return _NONE, True  # anchors and lookaheads consume nothing


def _ends(node: Node, follow: Ranges) -> Node:
    """Turn each ``$`` into the true end when no line terminator can be consumed after it (``follow``: what may come next)."""
    if isinstance(node, Anchor):
        return Anchor("end") if node.kind == "line_end" and not intersect(follow, _TERMINATORS) else node
    if isinstance(node, Seq):
        out: list[Node] = []
        for item in reversed(node.items):
            out.append(_ends(item, follow))
            first, nullable = _first(item)
            follow = union(first, follow) if nullable else first
        return Seq(tuple(reversed(out)))
    if isinstance(node, Alt):
        return Alt(tuple(_ends(o, follow) for o in node.options))
    if isinstance(node, Repeat):
        again = node.high is None or node.high > 1
        return Repeat(_ends(node.body, union(_first(node.body)[0], follow) if again else follow), node.low, node.high)
    if isinstance(node, Look):
        return Look(_ends(node.body, ALL), node.negate)
    return node


# -- the regex text shared by Python re and ECMA-262 ---------------------------------------------

_SYNTAX = set("^$\\.*+?()[]{}|")
_CLASS_SPECIAL = set("\\]^-[")
_SIMPLE = {9: "\\t", 10: "\\n", 13: "\\r", 12: "\\f", 11: "\\v"}


def _char(cp: int, special: set[str]) -> str:
    """One code point, spelled alike in Python ``re`` and ECMA-262 (``u`` flag or not, within the BMP)."""
    c = chr(cp)
    if 0x20 <= cp < 0x7F:
        return "\\" + c if c in special else c
    if cp in _SIMPLE:
        return _SIMPLE[cp]
    if cp <= 0xFF:
        return f"\\x{cp:02x}"
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    return c  # a literal astral character: one code point to Python and to a u-flag ECMA regex


_BLOCKS = ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A))


def _pieces(lo: int, hi: int) -> list[tuple[int, int]]:
    """A range that reaches into one of ``0-9``, ``A-Z``, ``a-z`` split at that block's edges (``[0-9:]``, not ``[0-:]``)."""
    blocks = [b for b in _BLOCKS if lo <= b[1] and b[0] <= hi]
    if len(blocks) != 1:
        return [(lo, hi)]
    (b0, b1), = blocks
    return [r for r in ((lo, b0 - 1), (max(lo, b0), min(hi, b1)), (b1 + 1, hi)) if r[0] <= r[1]]


def _class_body(ranges: Ranges) -> str:
    # items that start with a trail surrogate go first: never "\\uD8xx\\uDCxx", which ECMA's u flag pairs
    ordered = sorted((p for r in ranges for p in _pieces(*r)), key=lambda r: not 0xDC00 <= r[0] <= 0xDFFF)
    parts = []
    for lo, hi in ordered:
        if lo == hi:
            parts.append(_char(lo, _CLASS_SPECIAL))
        elif hi == lo + 1 and hi < 0x80:
            parts.append(_char(lo, _CLASS_SPECIAL) + _char(hi, _CLASS_SPECIAL))
        else:
            parts.append(f"{_char(lo, _CLASS_SPECIAL)}-{_char(hi, _CLASS_SPECIAL)}")
    return "".join(parts)


def _chars(node: Chars) -> str:
    ranges = node.ranges
    if ranges == ALL:
        return "[\\s\\S]"
    if not ranges:
        return "(?!)"
    single = node.single
    if single is not None and not 0xD800 <= single <= 0xDFFF:
        return _char(single, _SYNTAX)
    others = complement(ranges)
    if len(others) < len(ranges):
        return f"[^{_class_body(others)}]"
    return f"[{_class_body(ranges)}]"


_LINE_END = "(?:(?![\\s\\S])|(?=\\r\\n(?![\\s\\S]))|(?=[\\r\\x85\\u2028\\u2029](?![\\s\\S]))|(?<!\\r)(?=\\n(?![\\s\\S])))"
_ANCHORS = {"start": "^", "end": "(?![\\s\\S])", "line_end": _LINE_END}


def _quantifier(low: int, high: int | None) -> str:
    known = {(0, None): "*", (1, None): "+", (0, 1): "?"}
    if (low, high) in known:
        return known[(low, high)]
    if high is None:
        return f"{{{low},}}"
    return f"{{{low}}}" if low == high else f"{{{low},{high}}}"


def source(node: Node) -> str:
    """The regex text of ``node`` (unanchored), valid and alike in Python ``re`` and ECMA-262."""
    if isinstance(node, Chars):
        return _chars(node)
    if isinstance(node, Seq):
        return "".join(f"(?:{source(i)})" if isinstance(i, Alt) else source(i) for i in node.items)
    if isinstance(node, Alt):
        return "|".join(source(o) for o in node.options)
    if isinstance(node, Repeat):
        body = source(node.body)
        if not isinstance(node.body, Chars) or body.startswith("(?"):
            body = f"(?:{body})"
        return body + _quantifier(node.low, node.high)
    if isinstance(node, Look):
        return ("(?!" if node.negate else "(?=") + source(node.body) + ")"
    return _ANCHORS[node.kind]


@functools.lru_cache(maxsize=1024)
def compile_pattern(java: str) -> re.Pattern[str]:
    """The model pattern as a Python regex; use :meth:`re.Pattern.fullmatch` (Java's ``String.matches``)."""
    return re.compile(source(parse(java)), re.ASCII)


def full_match(java: str, value: str) -> bool:
    """True when ``value`` as a whole satisfies the model pattern ``java``."""
    return compile_pattern(java).fullmatch(value) is not None


@functools.lru_cache(maxsize=1024)
def ecma_pattern(java: str) -> str:
    """The model pattern as an anchored ECMA-262 regex that Python's ``re.search`` reads alike.

    It matches exactly the values the service accepts: the whole value (``(?![\\s\\S])`` is the
    true end in every dialect; Python's ``$`` would also match before a trailing newline).
    """
    return f"^(?:{source(parse(java))})(?![\\s\\S])"


def java_length(value: str) -> int:
    """The length Java (and so the service) gives a string: UTF-16 code units."""
    if value.isascii():
        return len(value)
    return len(value.encode("utf-16-le")) // 2
