"""Java-style model patterns, compiled to Python regexes that behave as the service's do.

The patterns in botocore's model carry no anchors; the service matches the *whole*
value (Java's ``String.matches``). Java's ``\\d``, ``\\s`` and ``\\w`` are ASCII-only and
its ``.`` matches no line terminator (``\\n``, ``\\r``, U+0085, U+2028, U+2029), while
Python's ``.`` refuses only ``\\n``. :func:`compile_pattern` rewrites ``.`` accordingly,
compiles with :data:`re.ASCII`, and :func:`full_match` uses :meth:`re.Pattern.fullmatch`.

Lengths are counted as Java counts them: in UTF-16 code units (:func:`java_length`).
"""

from __future__ import annotations

import functools
import re

__all__ = ["compile_pattern", "full_match", "java_length"]

#: What Java's ``.`` refuses by default (no DOTALL, no UNIX_LINES).
_JAVA_DOT = "[^\\n\\r\\x85\\u2028\\u2029]"


def _translate(java: str) -> str:
    out: list[str] = []
    i, n = 0, len(java)
    in_class = False
    while i < n:
        c = java[i]
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
