"""Length sets as bitsets, and few-draw helpers, for :mod:`strategies.regex`.

A set of string lengths is an ``int`` whose bit ``n`` says "length ``n`` is reachable";
concatenation is a capped convolution (:func:`_conv`). Draw helpers use one integer draw
per block of characters, which keeps long strings cheap and shrinks toward the first
character of each alphabet.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, overload

from hypothesis import strategies as st

__all__ = ["Draw"]

Draw = Callable[[st.SearchStrategy[Any]], Any]
_BLOCK = 16
_ONE, _ONES = re.compile("1"), re.compile("1+")
#: Past this many runs of set bits, :func:`_conv` looks for a common period first.
_MANY_RUNS = 64


def _bits(x: int, lo: int = 0, hi: int | None = None) -> list[int]:
    """Positions of the set bits of ``x`` within ``[lo, hi]``, ascending."""
    text = bin(x)[:1:-1]
    stop = len(text) if hi is None else min(len(text), hi + 1)
    return [m.start() for m in _ONE.finditer(text, lo, stop)] if lo < stop else []


def _runs(x: int) -> list[tuple[int, int]]:
    """The runs of consecutive set bits of ``x`` as (first, last) positions, ascending."""
    return [(m.start(), m.end() - 1) for m in _ONES.finditer(bin(x)[:1:-1])]


def _smear(x: int, width: int) -> int:
    """OR of ``x << s`` for every ``s`` in ``0..width``, in O(log width)."""
    covered = 1
    while covered < width + 1:
        shift = min(covered, width + 1 - covered)
        x |= x << shift
        covered += shift
    return x


def _conv(a: int, b: int, mask: int) -> int:
    """The length set of "something from ``a`` then something from ``b``", capped by ``mask``.

    One shift-and-smear per run of set bits of whichever operand has fewer runs. Sets with many
    runs are usually periodic (``(ab)*``: every even length): those are counted in units of their
    common step first, where they are a few runs again.
    """
    if _run_count(a) < _run_count(b):
        a, b = b, a
    if _run_count(b) > _MANY_RUNS:
        oa, ob = _low(a), _low(b)
        g = math.gcd(_period(a, oa), _period(b, ob))
        if g > 1:
            inner = _conv(_squeeze(a >> oa, g), _squeeze(b >> ob, g), _squeeze(mask >> (oa + ob), g))
            return (_spread(inner, g) << (oa + ob)) & mask
    out = 0
    for lo, hi in _runs(b):
        out |= _smear(a << lo, hi - lo) & mask
    return out


def _low(x: int) -> int:
    return (x & -x).bit_length() - 1


def _period(x: int, offset: int) -> int:
    """The largest ``g`` with every set bit of ``x`` at ``offset`` plus a multiple of ``g`` (0: one bit)."""
    rest = x >> offset
    g = 0
    while True:
        stray = rest & ~(_spread((1 << (rest.bit_length() // g + 1)) - 1, g)) if g else rest & ~1
        if not stray:
            return g
        g = math.gcd(g, _low(stray))
        if g == 1:
            return 1


def _run_count(x: int) -> int:
    return (x & ~(x << 1)).bit_count()


def _times(step: int, k: int, mask: int, *, up_to: bool = False) -> int:
    """Lengths of exactly ``k`` pieces of ``step`` (``up_to``: of 0 to ``k`` pieces), capped by ``mask``.

    Square-and-multiply: O(log k) convolutions and O(bits of ``mask``) memory however large ``k``.
    """
    base = (step | 1 if up_to else step) & mask
    out = 1
    while k:
        if k & 1:
            out = _conv(out, base, mask)
        k >>= 1
        if k:
            base = _conv(base, base, mask)
    return out


def _squeeze(x: int, g: int) -> int:
    """Bit ``n`` set iff bit ``n * g`` of ``x`` is."""
    return int(bin(x)[:1:-1][::g][::-1] or "0", 2)


def _spread(x: int, g: int) -> int:
    """Bit ``n * g`` set iff bit ``n`` of ``x`` is (the inverse of :func:`_squeeze`)."""
    return int(("0" * (g - 1)).join(bin(x)[2:]), 2)


def _span(lo: int, hi: int) -> int:
    """The bitset of every length in ``[lo, hi]``."""
    return ((1 << (hi + 1)) - 1) ^ ((1 << lo) - 1) if hi >= lo else 0


def _count(x: int) -> int:
    return x.bit_count()


def _nth(x: int, i: int) -> int:
    """The position of the ``i``-th (from 0) set bit of ``x``, without listing them (binary search)."""
    lo, hi = 0, x.bit_length() - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if (x & ((1 << (mid + 1)) - 1)).bit_count() > i:
            hi = mid
        else:
            lo = mid + 1
    return lo


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


def _pick(draw: Draw, options: Sequence[Any]) -> Any:
    if len(options) == 1:
        return options[0]
    return options[draw(_block(len(options), 1))]


def _reflect(x: int, r: int) -> int:
    """The bitset with bit ``n`` set iff bit ``r - n`` of ``x`` is, for ``n`` in ``[0, r]``."""
    return int(format(x & ((1 << (r + 1)) - 1), f"0{r + 1}b")[::-1], 2)


class _Choices(Sequence[tuple[int, int]]):
    """Ascending ``(n, 0)`` for each set bit ``n`` of ``middle``, between an optional ``first`` and ``last`` choice.

    A long run's choices without a list of a million tuples: :func:`_pick` only needs
    ``len`` and one index, found by :func:`_nth`.
    """

    def __init__(self, first: tuple[int, int] | None, middle: int, last: tuple[int, int] | None) -> None:
        self.first, self.middle, self.last = first, middle, last
        self.lead = first is not None
        self.size = self.lead + middle.bit_count() + (last is not None)

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, i: int) -> tuple[int, int]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[tuple[int, int]]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self.size))]
        if not 0 <= i < self.size:
            raise IndexError(i)
        if self.lead and i == 0:
            return self.first
        i -= self.lead
        if i < self.size - self.lead - (self.last is not None):
            return (_nth(self.middle, i), 0)
        return self.last


def _length_choice(lengths: int) -> st.SearchStrategy[int]:
    """Mostly short strings, sometimes any reachable length; shrinks toward the shortest.

    ``lengths`` is the bitset of reachable lengths (a list of a million lengths would not fit a cache).
    """
    last = lengths.bit_count() - 1
    shortest = _bits(lengths, 0, _nth(lengths, min(last, 24)))
    short = _block(len(shortest), 1)
    if last <= 24:
        return short.map(shortest.__getitem__)
    # about one draw in 16 takes the longest reachable length, one in 16 any length; shrinking goes to short ones
    selector, full, longest = _block(16, 1), _block(last + 1, 1), lengths.bit_length() - 1

    @st.composite
    def choose(draw: Draw) -> int:
        which = draw(selector)
        return longest if which == 14 else _nth(lengths, draw(full)) if which == 15 else shortest[draw(short)]

    return choose()
