"""The tree of a Java regex, and the parser that builds it (private to :mod:`core.javaregex`).

Nodes are immutable: :class:`Chars` (a set of code points as sorted, disjoint, non-adjacent
ranges; a literal is a one-point set), :class:`Seq`, :class:`Alt`, :class:`Repeat`,
:class:`Anchor` and :class:`Look` (a lookahead). Every character class is resolved while
parsing, as Java resolves it: ``\\d``, ``\\s``, ``\\w`` and the POSIX ``\\p{..}`` names are
ASCII, ``.`` refuses Java's line terminators, negation is taken against all of Unicode,
nested classes are unions and ``&&`` intersects. So no back-end needs to know a dialect's
class syntax: each only spells out ranges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from pytest_bedrock_mock.core._codepoints import (
    ALL,
    CLASSES,
    LINE_TERMINATORS,
    MAX_CP,
    Ranges,
    complement,
    intersect,
    normalize,
    points,
    property_ranges,
    span,
)

__all__ = ["Alt", "Anchor", "Chars", "Look", "Node", "Repeat", "Seq", "parse_java"]



@dataclass(frozen=True)
class Chars:
    """One character from a set of code points."""

    ranges: Ranges

    def __contains__(self, cp: int) -> bool:
        return any(lo <= cp <= hi for lo, hi in self.ranges)

    @property
    def single(self) -> int | None:
        """The code point when the set holds exactly one."""
        if len(self.ranges) == 1 and self.ranges[0][0] == self.ranges[0][1]:
            return self.ranges[0][0]
        return None

    def issubset(self, other: Chars) -> bool:
        return intersect(self.ranges, other.ranges) == self.ranges


@dataclass(frozen=True)
class Seq:
    """The items one after the other (no items: the empty string)."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alt:
    """One of the options."""

    options: tuple[Node, ...]


@dataclass(frozen=True)
class Repeat:
    """``body`` between ``low`` and ``high`` times (``None``: unbounded)."""

    body: Node
    low: int
    high: int | None


@dataclass(frozen=True)
class Anchor:
    """``start`` (``^``, ``\\A``), ``end`` (``\\z``) or ``line_end`` (``$``, ``\\Z``: the end, or before
    one final line terminator, as Java's ``$`` without MULTILINE)."""

    kind: str


@dataclass(frozen=True)
class Look:
    """A lookahead, ``(?=body)`` or (``negate``) ``(?!body)``."""

    body: Node
    negate: bool


Node: TypeAlias = Chars | Seq | Alt | Repeat | Anchor | Look

# -- the parser ---------------------------------------------------------------------------------

_EMPTY = Seq(())


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


class _Parser:
    def __init__(self, java: str) -> None:
        self.src = java
        self.i = 0
        self.flags = ""  # the inline flags in force: "s" (DOTALL), "i" (CASE_INSENSITIVE, ASCII as Java's default)

    def chars(self, ranges: Ranges) -> Chars:
        if "i" not in self.flags:
            return Chars(ranges)
        letters = intersect(ranges, span("A-Za-z"))
        return Chars(normalize([*ranges, *points("".join(chr(cp) for lo, hi in letters for cp in range(lo, hi + 1)).swapcase())]))

    def error(self, what: str) -> ValueError:
        return ValueError(f"{what} at index {self.i} of model pattern {self.src!r}")

    def peek(self, k: int = 0) -> str:
        return self.src[self.i + k] if self.i + k < len(self.src) else ""

    def take(self, text: str) -> bool:
        if self.src.startswith(text, self.i):
            self.i += len(text)
            return True
        return False

    def alternation(self) -> Node:
        options = [self.sequence()]
        while self.take("|"):
            options.append(self.sequence())
        return options[0] if len(options) == 1 else Alt(tuple(options))

    def sequence(self) -> Node:
        items: list[Node] = []
        while self.peek() not in ("", "|", ")"):
            quoted = self.src.startswith("\\Q", self.i)
            atom = self.atom()
            if quoted and isinstance(atom, Seq):  # a quantifier after \Q..\E binds its last character
                items.extend(atom.items[:-1])
                atom = atom.items[-1] if atom.items else _EMPTY
            items.append(self.quantified(atom))
        return items[0] if len(items) == 1 else Seq(tuple(items))

    def quantified(self, atom: Node) -> Node:
        c = self.peek()
        if c in ("*", "+", "?"):
            self.i += 1
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
        elif c == "{":
            low, high = self.braces()
        else:
            return atom
        if self.take("+"):
            raise self.error("a possessive quantifier is not supported")
        self.take("?")  # reluctant: the same whole-value language
        if self.peek() in ("*", "+", "?", "{") and self.peek():
            raise self.error("dangling meta character")
        return Repeat(atom, low, high)

    def braces(self) -> tuple[int, int | None]:
        end = self.src.find("}", self.i)
        body = self.src[self.i + 1 : end] if end > 0 else ""
        low_text, comma, high_text = body.partition(",")
        if not _digits(low_text) or not (_digits(high_text) or high_text == ""):
            raise self.error("illegal repetition")
        self.i = end + 1
        low, high = int(low_text), (int(high_text) if high_text else None) if comma else int(low_text)
        if high is not None and high < low:
            raise self.error("illegal repetition range")
        return low, high

    def atom(self) -> Node:
        c = self.src[self.i]
        self.i += 1
        if c == "(":
            return self.group()
        if c == "[":
            return Chars(self.char_class())
        if c == ".":
            return Chars(ALL if "s" in self.flags else complement(points(LINE_TERMINATORS)))
        if c in ("^", "$"):
            return Anchor("start" if c == "^" else "line_end")
        if c == "\\":
            return self.escape()
        if c in "*+?{":
            raise self.error(f"dangling meta character {c!r}")
        return self.chars(((ord(c), ord(c)),))

    def group(self) -> Node:
        look: bool | None = None
        outer = self.flags
        if self.take("?"):
            if self.peek() in ("=", "!"):
                look = self.src[self.i] == "!"
                self.i += 1
            elif self.peek() == "<" and self.peek(1) not in ("=", "!"):
                end = self.src.find(">", self.i)
                self.i = end + 1 if end > 0 else len(self.src)
            elif not self.take(":"):
                if self.inline_flags():  # (?s): for the rest of the enclosing group
                    return _EMPTY
        body = self.alternation()
        self.flags = outer
        if not self.take(")"):
            raise self.error("unclosed group")
        return body if look is None else Look(body, look)

    def inline_flags(self) -> bool:
        """``(?is-s)`` or ``(?is-s:``; True when the group ended (the flags hold until the enclosing group ends)."""
        on = True
        while self.peek() not in (")", ":", ""):
            c = self.src[self.i]
            if c not in "is-":
                raise self.error("this group construct (flags other than i and s, lookbehind, atomic) is not supported")
            on = on and c != "-"
            self.flags = (self.flags.replace(c, "") + c) if on else self.flags.replace(c, "")
            self.i += 1
        if self.take(")"):
            return True
        if not self.take(":"):
            raise self.error("unclosed group")
        return False

    def escape(self) -> Node:
        c = self.peek()
        if c == "Q":
            end = self.src.find("\\E", self.i)
            text = self.src[self.i + 1 : end if end >= 0 else len(self.src)]
            self.i = end + 2 if end >= 0 else len(self.src)
            return Seq(tuple(Chars(((ord(x), ord(x)),)) for x in text))
        if c in ("A", "z", "Z"):
            self.i += 1
            return Anchor({"A": "start", "z": "end", "Z": "line_end"}[c])
        return self.chars(self.escaped_set())

    def escaped_set(self) -> Ranges:
        """After a backslash: a class escape (``\\d``, ``\\p{L}``) or one escaped character."""
        c = self.peek()
        if c == "":
            raise self.error("trailing backslash")
        if c.lower() in CLASSES:
            self.i += 1
            ranges = CLASSES[c.lower()]
            return complement(ranges) if c.isupper() else ranges
        if c in ("p", "P"):
            self.i += 1
            if self.take("{"):
                end = self.src.find("}", self.i)
                if end < 0:
                    raise self.error("unclosed property name")
                name, self.i = self.src[self.i : end], end + 1
            else:
                name, self.i = self.peek(), self.i + 1
            try:
                ranges = property_ranges(name)
            except ValueError as exc:
                raise self.error(str(exc)) from None
            return complement(ranges) if c == "P" else ranges
        cp = self.escaped_char()
        return ((cp, cp),)

    def escaped_char(self) -> int:
        c = self.src[self.i]
        self.i += 1
        simple = {"t": 9, "n": 10, "r": 13, "f": 12, "a": 7, "e": 27}
        if c in simple:
            return simple[c]
        if c == "0":
            digits = ""  # \0n, \0nn, \0mnn (m <= 3)
            while self.peek() and self.peek() in "01234567" and len(digits) < (3 if digits[:1] in ("", "0", "1", "2", "3") else 2):
                digits += self.src[self.i]
                self.i += 1
            if not digits:
                raise self.error("illegal octal escape")
            return int(digits, 8)
        if c == "x":
            if self.take("{"):
                end = self.src.find("}", self.i)
                digits, self.i = self.src[self.i : end], end + 1
            else:
                digits, self.i = self.src[self.i : self.i + 2], self.i + 2
            return self.hex(digits)
        if c == "u":
            cp = self.hex(self.src[self.i : self.i + 4])
            self.i += 4
            if 0xD800 <= cp <= 0xDBFF and self.src.startswith("\\u", self.i):
                low = int(self.src[self.i + 2 : self.i + 6], 16) if len(self.src) >= self.i + 6 else 0
                if 0xDC00 <= low <= 0xDFFF:
                    self.i += 6
                    return 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)
            return cp
        if c == "c" and self.peek():
            self.i += 1
            return ord(self.src[self.i - 1]) ^ 64
        if c.isascii() and c.isalnum():
            raise self.error(f"the escape \\{c} is not supported")
        return ord(c)

    def hex(self, digits: str) -> int:
        try:
            value = int(digits, 16)
        except ValueError:
            raise self.error("illegal hexadecimal escape") from None
        if value > MAX_CP:
            raise self.error("hexadecimal code point out of range")
        return value

    def char_class(self) -> Ranges:
        """A class after its ``[``, as Java reads it: nested classes unite, ``&&`` intersects."""
        negate = self.take("^")
        acc: Ranges | None = None
        cur: list[tuple[int, int]] = []
        while True:
            c = self.peek()
            if c == "":
                raise self.error("unclosed character class")
            if c == "]" and (cur or acc is not None):
                self.i += 1
                break
            if c == "[":
                self.i += 1
                cur.extend(self.char_class())
            elif self.src.startswith("&&", self.i):
                self.i += 2
                if cur:
                    part = normalize(cur)
                    acc = part if acc is None else intersect(acc, part)
                    cur = []
            else:
                cur.extend(self.class_range())
        ranges = normalize(cur)
        if acc is not None:
            ranges = intersect(acc, ranges) if cur else acc
        ranges = self.chars(ranges).ranges  # case folding applies before negation
        return complement(ranges) if negate else ranges

    def class_range(self) -> Ranges:
        """One class member: a character, a range ``a-z``, or a class escape."""
        if self.take("\\"):
            start = self.i
            ranges = self.escaped_set()
            if self.src[start] in "pP" or self.src[start].lower() in CLASSES:
                return ranges
            lo = ranges[0][0]
        else:
            lo = ord(self.src[self.i])
            self.i += 1
        if self.peek() == "-" and self.peek(1) not in ("]", "[", ""):
            self.i += 1
            if self.take("\\"):
                end_ranges = self.escaped_set()
                if len(end_ranges) != 1 or end_ranges[0][0] != end_ranges[0][1]:
                    raise self.error("illegal character range")
                hi = end_ranges[0][0]
            else:
                hi = ord(self.src[self.i])
                self.i += 1
            if hi < lo:
                raise self.error("illegal character range")
            return ((lo, hi),)
        return ((lo, lo),)


def parse_java(java: str) -> Node:
    """The tree of ``java`` exactly as written (capturing groups are plain groups)."""
    parser = _Parser(java)
    node = parser.alternation()
    if parser.i < len(java):
        raise parser.error("unmatched ')'")
    return node
