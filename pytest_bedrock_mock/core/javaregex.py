"""Java-style model patterns, compiled to Python regexes that behave as the service's do.

The patterns in botocore's model carry no anchors; the service matches the *whole*
value (Java's ``String.matches``). Java's ``\\d``, ``\\s`` and ``\\w`` are ASCII-only and
its ``.`` matches no line terminator (``\\n``, ``\\r``, U+0085, U+2028, U+2029), while
Python's ``.`` refuses only ``\\n``. :func:`compile_pattern` rewrites ``.`` accordingly,
compiles with :data:`re.ASCII`, and :func:`full_match` uses :meth:`re.Pattern.fullmatch`.

Java's property classes (``\\p{L}``, ``\\p{M}``, ``\\P{N}``, ``\\p{Lu}``, the POSIX names
``\\p{Alpha}``, ``\\p{Digit}``, ``\\p{Punct}``, ... which Java keeps ASCII-only) have no
Python spelling: they are expanded into explicit character ranges built from
:mod:`unicodedata` (once per class). A property Java knows but we do not raises
:class:`ValueError` naming it.

Lengths are counted as Java counts them: in UTF-16 code units (:func:`java_length`).
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

__all__ = ["compile_pattern", "full_match", "java_length"]

#: What Java's ``.`` refuses by default (no DOTALL, no UNIX_LINES).
_JAVA_DOT = "[^\\n\\r\\x85\\u2028\\u2029]"


#: Java's POSIX property classes, US-ASCII only unless UNICODE_CHARACTER_CLASS is set.
_POSIX = {
    "Lower": "a-z", "Upper": "A-Z", "ASCII": "\\x00-\\x7f", "Alpha": "a-zA-Z", "Digit": "0-9",
    "Alnum": "a-zA-Z0-9", "Punct": "!-/:-@\\[-`{-~", "Graph": "!-~", "Print": " -~", "Blank": " \\t",
    "Cntrl": "\\x00-\\x1f\\x7f", "XDigit": "0-9a-fA-F", "Space": " \\t\\n\\x0b\\f\\r",
}
_PROPERTY = re.compile(r"\\([pP])(?:\{(?:Is|general_category=|gc=)?(\w+)\}|([A-Z]))")


def _code(cp: int) -> str:
    return f"\\U{cp:08x}" if cp > 0xFFFF else f"\\u{cp:04x}"


@functools.cache
def _category_ranges(category: str) -> str:
    """Ranges (class-body text) of every code point whose general category starts with ``category``."""
    parts: list[str] = []
    start = prev = -2
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp)).startswith(category):
            if cp != prev + 1:
                if start >= 0:
                    parts.append(_code(start) if start == prev else f"{_code(start)}-{_code(prev)}")
                start = cp
            prev = cp
    if start >= 0:
        parts.append(_code(start) if start == prev else f"{_code(start)}-{_code(prev)}")
    if not parts:
        raise ValueError(f"unknown Java property class \\p{{{category}}} in a model pattern")
    return "".join(parts)


def _property_body(name: str) -> str:
    if name in _POSIX:
        return _POSIX[name]
    return _category_ranges(name)


def _translate(java: str) -> str:
    out: list[str] = []
    i, n = 0, len(java)
    in_class = False
    while i < n:
        c = java[i]
        prop = _PROPERTY.match(java, i) if c == "\\" else None
        if prop is not None:
            body = _property_body(prop.group(2) or prop.group(3))
            negated = prop.group(1) == "P"
            if in_class and negated:
                raise ValueError(f"\\P{{...}} inside a character class is not supported: {java!r}")
            out.append(body if in_class else ("[^" if negated else "[") + body + "]")
            i = prop.end()
            continue
        if c == "\\" and i + 1 < n:
            out.append(java[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[":
                c = "\\["  # Java nests classes; none in scope, but never let Python see a set op
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
            # a ']' right after '[' or '[^' is a literal in both dialects
            if java.startswith("^", i + 1):
                out.append("^")
                i += 1
            if java.startswith("]", i + 1):
                out.append("\\]")
                i += 1
        elif c == ".":
            out.append(_JAVA_DOT)
        else:
            out.append(c)
        i += 1
    return "".join(out)


#: ``(c*[...])*`` -- a literal ``c`` repeated inside a starred group before a class.
_STARRED_PAIR = re.compile(r"\((?:\?:)?(\\[^0-9A-Za-z]|[^\\\[\]()|*+?{}.^$])\*(\[(?:\\.|[^\]\\])+\])\)\*")


def _defuse(python: str) -> str:
    """Rewrite ``(c*[C])*`` as ``(?:[C])*`` when ``c`` is in ``[C]`` (the same language).

    Python's backtracking engine takes exponential time on such a group when the value
    fails to match (``JobName``'s ``(-*[a-zA-Z0-9\\+\\-\\.])*`` against ``a`` + 30 dashes
    + ``!`` runs for minutes). Every string of ``(c*[C])*`` is a string of ``[C]*`` and
    back (one class character per repetition), so the rewrite changes no answer.
    """
    if re.search(r"\\[1-9]|\(\?P=", python):  # backreferences count groups: leave them alone
        return python

    def repl(m: re.Match[str]) -> str:
        char, cls = m.group(1)[-1], m.group(2)
        return f"(?:{cls})*" if re.fullmatch(cls, char, re.ASCII) else m.group(0)

    return _STARRED_PAIR.sub(repl, python)


@functools.cache
def compile_pattern(java: str) -> re.Pattern[str]:
    """Compile a model pattern for whole-value matching with Java semantics."""
    return re.compile(_defuse(_translate(java)), re.ASCII)


def full_match(java: str, value: str) -> bool:
    """True when ``value`` as a whole satisfies the model pattern ``java``."""
    return compile_pattern(java).fullmatch(value) is not None


def java_length(value: str) -> int:
    """The length Java (and so the service) gives a string: UTF-16 code units."""
    if value.isascii():
        return len(value)
    return len(value.encode("utf-16-le")) // 2
