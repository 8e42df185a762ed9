"""Generator nodes for :mod:`pytest_bedrock_mock.strategies.regex`: a pattern's tree, ready to draw from.

:mod:`~pytest_bedrock_mock.strategies.regex` compiles the engine's tree of a pattern into these
nodes (literal, character class, run of classes, sequence, alternation, repetition, anchor).
Each node holds the *set* of lengths it can produce as a bitset (:mod:`._lengths`), one per
pair of flags (starts at the value's start, ends at its end), capped at the largest length
asked for, and ``gen(draw, t, s, e)`` draws a string of exactly ``t`` characters, splitting
``t`` over its children so every draw is valid and nothing is filtered. A character-class node
draws from the alphabet it is given (:mod:`.regex` chooses it, simplest first).

Names (private to :mod:`.regex`): the node classes and the tuning constant :data:`_CHUNK`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from pytest_bedrock_mock.strategies._lengths import (
    Draw,
    _bits,
    _block,
    _chars,
    _Choices,
    _conv,
    _pick,
    _reflect,
    _times,
)

__all__ = ["_CHUNK", "_Alt", "_Anchor", "_CharRun", "_Chars", "_Lit", "_Node", "_Repeat", "_Seq"]

#: Runs of one character class longer than this repeat a drawn chunk (Hypothesis caps draws per example).
_CHUNK = 512
#: Runs of a repeated group (``([a-z][_-]?)+``) longer than this repeat a drawn run (a few draws per character otherwise).
_RUN = 64
#: Bits of repeat-count tables a repeat keeps (16 MiB); past that only the first few counts are kept.
_POWER_BITS = 1 << 27
#: Split choices of a sequence are listed (and cached) up to this many characters, found by bit search past it.
_LISTED = 4096

# Flags: ``s`` = the node starts at the very start of the value, ``e`` = it ends at the very
# end. Only the anchors ``^`` and ``$`` care; every length table is indexed ``2 * s + e``.
_FLAGS = ((0, 0), (0, 1), (1, 0), (1, 1))


class _Node:
    lengths: tuple[int, int, int, int] = (0, 0, 0, 0)
    anchored = False

    def at(self, s: int, e: int) -> int:
        return self.lengths[2 * s + e]

    def gen(self, draw: Draw, t: int, s: int, e: int) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


class _Lit(_Node):
    def __init__(self, text: str, mask: int) -> None:
        self.text = text
        self.lengths = ((1 << len(text)) & mask,) * 4

    def gen(self, draw: Draw, t: int, s: int, e: int) -> str:
        return self.text


class _Anchor(_Node):
    anchored = True

    def __init__(self, start: bool) -> None:
        self.lengths = tuple(1 if (s if start else e) else 0 for s, e in _FLAGS)  # type: ignore[assignment]

    def gen(self, draw: Draw, t: int, s: int, e: int) -> str:
        return ""


class _Chars(_Node):
    def __init__(self, alphabet: str, mask: int) -> None:
        if not alphabet:
            raise ValueError("a character class that no character can satisfy")
        self.alphabet = alphabet
        self.lengths = (2 & mask,) * 4

    def gen(self, draw: Draw, t: int, s: int, e: int) -> str:
        return _chars(draw, self.alphabet, 1)


class _CharRun(_Node):
    """Several single characters in a row (``[a-z][0-9]``): one draw for all of them."""

    def __init__(self, alphabets: list[str], mask: int) -> None:
        self.alphabets = alphabets
        self.lengths = ((1 << len(alphabets)) & mask,) * 4
        self.strategy = _block(functools.reduce(int.__mul__, (len(a) for a in alphabets), 1), 1)

    def gen(self, draw: Draw, t: int, s: int, e: int) -> str:
        n = draw(self.strategy)
        out = []
        for alphabet in self.alphabets:
            n, i = divmod(n, len(alphabet))
            out.append(alphabet[i])
        return "".join(out)


class _Seq(_Node):
    def __init__(self, children: list[_Node], mask: int) -> None:
        self.children = children
        self.anchored = any(c.anchored for c in children)
        # rest[i][2*s+e]: lengths of children[i:] starting at the start iff s, ending at the end iff e
        rest: list[tuple[int, ...]] = [(1, 1, 1, 1)]
        for child in reversed(children):
            after = rest[0]
            rest.insert(0, tuple(self._combine(child, after, s, e, mask) for s, e in _FLAGS))
        self.rest = rest
        self.lengths = rest[0]  # type: ignore[assignment]

    @staticmethod
    def _combine(child: _Node, after: tuple[int, ...], s: int, e: int, mask: int) -> int:
        last, inner = child.at(s, e), child.at(s, 0)
        out = 0
        if after[2 * s + e] & 1 and last & 1:
            out |= 1
        if after[e] & 1:
            out |= last & ~1
        if inner & 1:
            out |= after[2 * s + e] & ~1
        return out | _conv(inner & ~1, after[e] & ~1, mask)

    def _options(self, i: int, start: int, rest: int, e: int) -> Sequence[tuple[int, int]]:
        """(length, ends-at-end) choices for child ``i`` that leave a feasible rest, shortest first."""
        if rest <= _LISTED:
            return self._listed(i, start, rest, e)
        return self._choices(i, start, rest, e)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - nodes live as long as the compiled-pattern cache
    def _listed(self, i: int, start: int, rest: int, e: int) -> list[tuple[int, int]]:
        return list(self._choices(i, start, rest, e))

    def _choices(self, i: int, start: int, rest: int, e: int) -> _Choices:
        child, after = self.children[i], self.rest[i + 1]
        inner, last = child.at(start, 0), child.at(start, e)
        if rest == 0:
            return _Choices(None, 0, (0, e) if last & 1 and after[2 * start + e] & 1 else None)
        zero = (0, 0) if inner & 1 and (after[2 * start + e] >> rest) & 1 else None
        middle = inner & _reflect(after[e], rest) & ~1 & ((1 << rest) - 1)  # 0 < n < rest, the rest feasible
        return _Choices(zero, middle, (rest, e) if (last >> rest) & 1 and after[e] & 1 else None)

    def gen(self, draw: Draw, t: int, s: int, e: int) -> str:
        out = []
        rest, start = t, s
        for i, child in enumerate(self.children):
            n, end = _pick(draw, self._options(i, start, rest, e))
            out.append(child.gen(draw, n, start, end))
            rest -= n
            start = start if n == 0 else 0
        return "".join(out)


class _Alt(_Node):
    def __init__(self, children: list[_Node]) -> None:
        self.children = children
        self.anchored = any(c.anchored for c in children)
        self.lengths = tuple(functools.reduce(int.__or__, (c.at(s, e) for c in children), 0) for s, e in _FLAGS)  # type: ignore[assignment]

    def gen(self, draw: Draw, t: int, s: int, e: int) -> str:
        return _pick(draw, [c for c in self.children if (c.at(s, e) >> t) & 1]).gen(draw, t, s, e)


class _Repeat(_Node):
    def __init__(self, child: _Node, low: int, high: int | None, mask: int) -> None:
        if child.anchored:
            raise NotImplementedError("an anchor (^ or $) inside a repeated group is not supported by the pattern generator")
        self.child = child
        step = child.at(0, 0) & ~1
        self.kmin = 0 if child.at(0, 0) & 1 else low
        cap = mask.bit_length() - 1
        smallest = (step & -step).bit_length() - 1 if step else 0
        self.kmax = min(high if high is not None else cap, cap // smallest if smallest else 0)
        self.step = step
        self.fast = isinstance(child, _Chars)
        # powers[k]: lengths of exactly k pieces. All of them while they fit _POWER_BITS, else the first
        # few (a run longer than that is split by _chunked): a length limit of 10**6 must not build
        # a table of 10**6 bitsets of 10**6 bits.
        keep = 0 if self.fast else self.kmax if self.kmax * (cap + 1) <= _POWER_BITS else _RUN
        self.powers = [1]
        for _ in range(min(self.kmax, keep)):
            nxt = _conv(self.powers[-1], step, mask)
            if not nxt:
                break
            self.powers.append(nxt)
        if len(self.powers) - 1 < min(self.kmax, keep):  # ran out of lengths under the cap
            self.kmax = len(self.powers) - 1
        self.complete = len(self.powers) - 1 == self.kmax
        if self.kmin > self.kmax:
            total = 0
        elif self.complete:
            total = functools.reduce(int.__or__, self.powers[self.kmin :], 0)
        else:
            total = _conv(_times(step, self.kmin, mask), _times(step, self.kmax - self.kmin, mask, up_to=True), mask)
        self.lengths = (total,) * 4
        self.unbounded = high is None
        self.some = functools.reduce(int.__or__, self.powers[1:], 0)  # lengths of 1..len(powers)-1 pieces

    def _chunked(self, draw: Draw, t: int) -> str | None:
        """A long run (``t`` > :data:`_RUN`) as a drawn chunk of at most ``_RUN`` characters, repeated,
        then a drawn rest; None when no split fits.

        Chunk and rest are runs of ``c`` and ``k`` pieces with ``q * c + k`` pieces in all, inside
        the repeat's bounds, so the whole is a run of the repeat; the draws stay about ``_RUN``
        characters' worth however long the value, as the single-class path does with :data:`_CHUNK`.
        """
        size = _pick(draw, _bits(self.some, 1, _RUN) or [0])
        if not size:
            return None
        c = _pick(draw, [c for c in range(1, len(self.powers)) if (self.powers[c] >> size) & 1])
        for q in range(t // size, max(0, t // size - _RUN), -1):
            rest = t - q * size
            ks = [k for k in range(len(self.powers)) if (self.powers[k] >> rest) & 1 and self.kmin <= q * c + k <= self.kmax]
            if ks:
                k = _pick(draw, ks)
                return self._pieces(draw, size, c) * q + self._pieces(draw, rest, k)
        return None

    def _pieces(self, draw: Draw, t: int, k: int) -> str:
        """``k`` pieces of the body, ``t`` characters in all (``t`` is a length of ``powers[k]``)."""
        out = []
        rest = t
        for left in range(k, 0, -1):
            before = self.powers[left - 1]
            n = _pick(draw, [n for n in _bits(self.step, 1, rest) if (before >> (rest - n)) & 1])
            out.append(self.child.gen(draw, n, 0, 0))
            rest -= n
        return "".join(out)

    def gen(self, draw: Draw, t: int, s: int, e: int) -> str:
        if t == 0:
            return ""
        if self.fast:
            size = min(t, _CHUNK)
            # integer draws, not st.text: the same draw position may hold another alphabet in another
            # example, and Hypothesis 6.155's shrinker then fails on string choices (ValueError)
            chunk = _chars(draw, self.child.alphabet, size)  # type: ignore[attr-defined]
            return (chunk * -(-t // size))[:t]
        if t > _RUN and (self.unbounded or not self.complete):
            chunked = self._chunked(draw, t)
            if chunked is not None:
                return chunked
        ks = [k for k in range(max(self.kmin, 1), len(self.powers)) if (self.powers[k] >> t) & 1]
        if not ks:  # only when the powers are cut short and no chunked split fits (exotic bounds)
            raise NotImplementedError(f"cannot split a run of {t} characters of a repeated group bounded {self.kmin}..{self.kmax}; "
                                      f"ask for a smaller max_size")
        return self._pieces(draw, t, _pick(draw, ks))
