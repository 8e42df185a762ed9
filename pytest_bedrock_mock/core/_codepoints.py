"""Sets of code points as sorted, disjoint, non-adjacent ``(low, high)`` ranges, and the classes Java names.

Private to :mod:`pytest_bedrock_mock.core.javaregex`: ``\\d``, ``\\s``, ``\\w`` (ASCII, as Java
reads them without UNICODE_CHARACTER_CLASS), ``\\h`` and ``\\v`` (Java's horizontal and vertical
whitespace), the POSIX ``\\p{Alpha}``-style names (ASCII too), and the general categories
(``\\p{L}``, ``\\p{Lu}``, ...) from :mod:`unicodedata`.
"""

from __future__ import annotations

import functools
import sys
import unicodedata

__all__ = [
    "ALL", "CLASSES", "LINE_TERMINATORS", "MAX_CP", "Ranges",
    "complement", "intersect", "normalize", "points", "property_ranges", "span", "union",
]

MAX_CP = 0x10FFFF
Ranges = tuple[tuple[int, int], ...]
#: Every code point.
ALL: Ranges = ((0, MAX_CP),)


def normalize(ranges: list[tuple[int, int]]) -> Ranges:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return tuple(out)


def complement(ranges: Ranges) -> Ranges:
    out, nxt = [], 0
    for lo, hi in ranges:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CP:
        out.append((nxt, MAX_CP))
    return tuple(out)


def intersect(a: Ranges, b: Ranges) -> Ranges:
    return complement(normalize([*complement(a), *complement(b)]))


def union(a: Ranges, b: Ranges) -> Ranges:
    return normalize([*a, *b])


def points(text: str) -> Ranges:
    return normalize([(ord(c), ord(c)) for c in text])


def span(spec: str) -> Ranges:
    """``"a-zA-Z_"`` style text (no escapes) to ranges."""
    out, i = [], 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.append((ord(spec[i]), ord(spec[i + 2])))
            i += 3
        else:
            out.append((ord(spec[i]), ord(spec[i])))
            i += 1
    return normalize(out)


_SPACE = " \t\n\x0b\f\r"
#: Java's line terminators: what ``.`` refuses and what may follow ``$``.
LINE_TERMINATORS = "\n\r\x85\u2028\u2029"
CLASSES = {
    "d": span("0-9"),
    "s": points(_SPACE),
    "w": span("a-zA-Z0-9_"),
    "h": points(" \t\xa0\u1680\u180e\u202f\u205f\u3000") + ((0x2000, 0x200A),),
    "v": points("\n\x0b\f\r\x85\u2028\u2029"),
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


def property_ranges(name: str) -> Ranges:
    """``\\p{name}`` as Java reads it; unknown names raise :class:`ValueError` naming them."""
    if name in _POSIX:
        return span(_POSIX[name])
    bare = name
    for prefix in ("general_category=", "gc=", "Is"):
        if bare.startswith(prefix):
            bare = bare[len(prefix) :]
            break
    if bare in _COMBINED:
        return normalize([r for part in _COMBINED[bare] for r in property_ranges(part)])
    cats = _categories()
    found = [r for cat, ranges in cats.items() if cat.startswith(bare) and len(bare) in (1, 2) for r in ranges]
    if not found:
        raise ValueError(f"unknown Java property class \\p{{{name}}}")
    return normalize(found)
