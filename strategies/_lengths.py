"""Length sets as bitsets, and few-draw helpers, for :mod:`strategies.regex`.

A set of string lengths is an ``int`` whose bit ``n`` says "length ``n`` is reachable";
concatenation is a capped convolution (:func:`_conv`). Draw helpers use one integer draw
per block of characters, which keeps long strings cheap and shrinks toward the first
character of each alphabet.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

__all__ = ["Draw"]

Draw = Callable[[st.SearchStrategy[Any]], Any]
_BLOCK = 16


def _bits(x: int, lo: int = 0, hi: int | None = None) -> list[int]:
    """Positions of the set bits of ``x`` within ``[lo, hi]``, ascending."""
    text = bin(x)[:1:-1]
    stop = len(text) if hi is None else min(len(text), hi + 1)
    return [i for i in range(lo, stop) if text[i] == "1"]


def _runs(x: int) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for b in _bits(x):
        if runs and runs[-1][1] == b - 1:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((b, b))
    return runs


def _smear(x: int, width: int) -> int:
    """OR of ``x << s`` for every ``s`` in ``0..width``, in O(log width)."""
    covered = 1
    while covered < width + 1:
        shift = min(covered, width + 1 - covered)
        x |= x << shift
        covered += shift
    return x


def _conv(a: int, b: int, mask: int) -> int:
    """The length set of "something from ``a`` then something from ``b``", capped by ``mask``."""
    out = 0
    for lo, hi in _runs(b):
        out |= _smear(a << lo, hi - lo)
    return out & mask


@functools.lru_cache(maxsize=1024)
def _block(size: int, count: int) -> st.SearchStrategy[int]:
    return st.integers(0, size**count - 1)


def _chars(draw: Draw, alphabet: str, t: int) -> str:
    """``t`` characters of ``alphabet`` in one draw per block of 16 (each draw decodes base ``len(alphabet)``).

    Fewer, larger draws make long runs cheap; zero decodes to the first (simplest) character,
    so shrinking still moves every character toward the start of the alphabet.
    """
    size = len(alphabet)
    if size == 1:
        return alphabet * t
    out = []
    for start in range(0, t, _BLOCK):
        count = min(_BLOCK, t - start)
        n = draw(_block(size, count))
        for _ in range(count):
            n, i = divmod(n, size)
            out.append(alphabet[i])
    return "".join(out)


def _pick(draw: Draw, options: list[Any]) -> Any:
    if len(options) == 1:
        return options[0]
    return options[draw(_block(len(options), 1))]
