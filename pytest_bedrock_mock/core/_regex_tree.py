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

import functools
import sys
import unicodedata
from dataclasses import dataclass
from typing import TypeAlias

__all__ = ["MAX_CP", "Alt", "Anchor", "Chars", "Look", "Node", "Ranges", "Repeat", "Seq", "parse_java"]

MAX_CP = 0x10FFFF
Ranges = tuple[tuple[int, int], ...]


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
        return _intersect(self.ranges, other.ranges) == self.ranges


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

# -- code-point sets ----------------------------------------------------------------------------


def _normalize(ranges: list[tuple[int, int]]) -> Ranges:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return tuple(out)


def _complement(ranges: Ranges) -> Ranges:
    out, nxt = [], 0
    for lo, hi in ranges:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CP:
        out.append((nxt, MAX_CP))
    return tuple(out)


def _intersect(a: Ranges, b: Ranges) -> Ranges:
    return _complement(_normalize([*_complement(a), *_complement(b)]))


def _points(text: str) -> Ranges:
    return _normalize([(ord(c), ord(c)) for c in text])


def _span(spec: str) -> Ranges:
    """``"a-zA-Z_"`` style text (no escapes) to ranges."""
    out, i = [], 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.append((ord(spec[i]), ord(spec[i + 2])))
            i += 3
        else:
            out.append((ord(spec[i]), ord(spec[i])))
            i += 1
    return _normalize(out)


_SPACE = " \t\n\x0b\f\r"
#: Java's line terminators: what ``.`` refuses and what may follow ``$``.
LINE_TERMINATORS = "\n\r\x85\u2028\u2029"
_CLASSES = {
    "d": _span("0-9"),
    "s": _points(_SPACE),
    "w": _span("a-zA-Z0-9_"),
    "h": _points(" \t\xa0\u1680\u180e\u202f\u205f\u3000") + ((0x2000, 0x200A),),
    "v": _points("\n\x0b\f\r\x85\u2028\u2029"),
}
#: Java's POSIX property classes: US-ASCII only (no UNICODE_CHARACTER_CLASS).
_POSIX = {
    "Lower": "a-z", "Upper": "A-Z", "ASCII": "\x00-\x7f", "Alpha": "a-zA-Z", "Digit": "0-9",
    "Alnum": "a-zA-Z0-9", "Punct": "!-/:-@[-`{-~", "Graph": "!-~", "Print": " -~", "Blank": " \t",
    "Cntrl": "\x00-\x1f\x7f", "XDigit": "0-9a-fA-F", "Space": _SPACE, "L1": "\x00-\xff", "all": f"\x00-{chr(MAX_CP)}",
}
_COMBINED = {"LC": ("Lu", "Ll", "Lt"), "LD": ("L", "Nd")}


@functools.cache
def _categories() -> dict[str, Ranges]:
    """Ranges per two-letter general category (Python's Unicode data), one pass over all code points."""
    runs: dict[str, list[tuple[int, int]]] = {}
    start, current = 0, unicodedata.category("\x00")
    for cp in range(1, sys.maxunicode + 2):
        cat = unicodedata.category(chr(cp)) if cp <= sys.maxunicode else ""
        if cat != current:
            runs.setdefault(current, []).append((start, cp - 1))
            start, current = cp, cat
    return {cat: tuple(r) for cat, r in runs.items()}


def _property(name: str) -> Ranges:
    """``\\p{name}`` as Java reads it; unknown names raise :class:`ValueError` naming them."""
    if name in _POSIX:
        return _span(_POSIX[name])
    bare = name
    for prefix in ("general_category=", "gc=", "Is"):
        if bare.startswith(prefix):
            bare = bare[len(prefix) :]
            break
    if bare in _COMBINED:
        return _normalize([r for part in _COMBINED[bare] for r in _property(part)])
    cats = _categories()
    found = [r for cat, ranges in cats.items() if cat.startswith(bare) and len(bare) in (1, 2) for r in ranges]
    if not found:
        raise ValueError(f"unknown Java property class \\p{{{name}}}")
    return _normalize(found)


# -- the parser ---------------------------------------------------------------------------------

_EMPTY = Seq(())


class _Parser:
    def __init__(self, java: str) -> None:
        self.src = java
        self.i = 0
        self.flags = ""  # the inline flags in force: "s" (DOTALL), "i" (CASE_INSENSITIVE, ASCII as Java's default)

    def chars(self, ranges: Ranges) -> Chars:
        if "i" not in self.flags:
            return Chars(ranges)
        letters = _intersect(ranges, _span("A-Za-z"))
        return Chars(_normalize([*ranges, *_points("".join(chr(cp) for lo, hi in letters for cp in range(lo, hi + 1)).swapcase())]))

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
        if not low_text.isdigit() or not (high_text.isdigit() or high_text == ""):
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
            return Chars(_ALL if "s" in self.flags else _complement(_points(LINE_TERMINATORS)))
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
        if c.lower() in _CLASSES:
            self.i += 1
            ranges = _CLASSES[c.lower()]
            return _complement(ranges) if c.isupper() else ranges
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
                ranges = _property(name)
            except ValueError as exc:
                raise self.error(str(exc)) from None
            return _complement(ranges) if c == "P" else ranges
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
                    part = _normalize(cur)
                    acc = part if acc is None else _intersect(acc, part)
                    cur = []
            else:
                cur.extend(self.class_range())
        ranges = _normalize(cur)
        if acc is not None:
            ranges = _intersect(acc, ranges) if cur else acc
        ranges = self.chars(ranges).ranges  # case folding applies before negation
        return _complement(ranges) if negate else ranges

    def class_range(self) -> Ranges:
        """One class member: a character, a range ``a-z``, or a class escape."""
        if self.take("\\"):
            start = self.i
            ranges = self.escaped_set()
            if self.src[start] in "pP" or self.src[start].lower() in _CLASSES:
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


_ALL: Ranges = ((0, MAX_CP),)


def parse_java(java: str) -> Node:
    """The tree of ``java`` exactly as written (capturing groups are plain groups)."""
    parser = _Parser(java)
    node = parser.alternation()
    if parser.i < len(java):
        raise parser.error("unmatched ')'")
    return node
