"""Strings that fully match a model pattern *and* a length range, by construction.

This is the generation back-end of :mod:`pytest_bedrock_mock.core.javaregex`: it compiles the
engine's tree of a pattern (:func:`~pytest_bedrock_mock.core.javaregex.parse`, Java's meaning
already resolved) into generator nodes (literal, character class, sequence, alternation,
repetition, anchor). Each node knows the *set* of lengths it can produce (a bitset, capped at
the largest length asked for), so generation first picks a reachable total length inside
``[min_size, max_size]`` and then splits it over the tree: every draw is valid, nothing is
filtered, and shrinking moves toward shorter strings, earlier alternatives and earlier characters.

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
from pytest_bedrock_mock.strategies._lengths import Draw, _bits, _block, _chars, _conv, _pick

__all__ = ["DEFAULT_MAX", "UNIVERSE", "pattern_strings", "plain_strings", "reachable_lengths"]

#: The characters negated classes and ``.`` draw from, simplest first.
UNIVERSE = (
    string.ascii_lowercase + string.digits + string.ascii_uppercase + "-_.:/+=@ "
    + "".join(c for c in string.punctuation if c not in "-_.:/+=@") + "\t" + "éüßøΩж中—"
)
#: Longest string generated for a shape without ``max`` (examples stay small).
DEFAULT_MAX = 256
#: Runs of one character class longer than this repeat a drawn chunk (Hypothesis caps draws per example).
_CHUNK = 512
#: Runs of a repeated group (``([a-z][_-]?)+``) longer than this repeat a drawn run (a few draws per character otherwise).
_RUN = 64


def _rank(c: str) -> tuple[int, int]:
    o = ord(c)
    group = 0 if c.islower() and o < 128 else 1 if c.isdigit() and o < 128 else 2 if c.isupper() and o < 128 else 3 if 32 <= o < 127 else 4 if o < 128 else 5
    return group, o


def _ordered(chars: set[str]) -> str:
    return "".join(sorted(chars, key=_rank))


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

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - nodes live as long as the compiled-pattern cache
    def _options(self, i: int, start: int, rest: int, e: int) -> list[tuple[int, int]]:
        """(length, ends-at-end) choices for child ``i`` that leave a feasible rest."""
        child, after = self.children[i], self.rest[i + 1]
        options = []
        for n in _bits(child.at(start, 0) | child.at(start, e), 0, rest):
            nxt = start if n == 0 else 0
            if n == rest and (child.at(start, e) >> n) & 1 and after[2 * nxt + e] & 1:
                options.append((n, e))
            elif n < rest and (child.at(start, 0) >> n) & 1 and (after[2 * nxt + e] >> (rest - n)) & 1:
                options.append((n, 0))
        return options

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
        self.powers = [1]
        for _ in range(self.kmax):
            nxt = _conv(self.powers[-1], step, mask)
            if not nxt:
                break
            self.powers.append(nxt)
        self.kmax = len(self.powers) - 1
        total = functools.reduce(int.__or__, self.powers[self.kmin :], 0) if self.kmin <= self.kmax else 0
        self.lengths = (total,) * 4
        self.fast = isinstance(child, _Chars)
        self.unbounded = high is None

    def _chunked(self, draw: Draw, t: int) -> str | None:
        """A long run (``t`` > :data:`_RUN`) of an unbounded repeat: a drawn chunk of at most ``_RUN``
        characters, repeated, then a drawn rest; None when no split fits.

        The chunk and the rest are each a run of the repeat (at least ``low`` times its body), so
        their concatenation is one too; the draws stay about ``_RUN`` characters' worth however
        long the value, as the single-class path does with :data:`_CHUNK`.
        """
        rest_lengths = self.lengths[0] | 1  # the rest may be empty
        size = _pick(draw, _bits(self.lengths[0], 1, _RUN) or [0])
        if not size:
            return None
        for q in range(t // size, max(0, t // size - _RUN), -1):
            rest = t - q * size
            if (rest_lengths >> rest) & 1:
                return self.gen(draw, size, 0, 0) * q + self.gen(draw, rest, 0, 0)
        return None

    def gen(self, draw: Draw, t: int, s: int, e: int) -> str:
        if t == 0:
            return ""
        if self.fast:
            size = min(t, _CHUNK)
            # integer draws, not st.text: the same draw position may hold another alphabet in another
            # example, and Hypothesis 6.155's shrinker then fails on string choices (ValueError)
            chunk = _chars(draw, self.child.alphabet, size)  # type: ignore[attr-defined]
            return (chunk * -(-t // size))[:t]
        if self.unbounded and t > _RUN:
            chunked = self._chunked(draw, t)
            if chunked is not None:
                return chunked
        k = _pick(draw, [k for k in range(max(self.kmin, 1), self.kmax + 1) if (self.powers[k] >> t) & 1])
        out = []
        rest = t
        for left in range(k, 0, -1):
            before = self.powers[left - 1]
            n = _pick(draw, [n for n in _bits(self.step, 1, rest) if (before >> (rest - n)) & 1])
            out.append(self.child.gen(draw, n, 0, 0))
            rest -= n
        return "".join(out)


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


def _length_choice(lengths: list[int]) -> st.SearchStrategy[int]:
    """Mostly short strings, sometimes any reachable length; shrinks toward the shortest."""
    last = len(lengths) - 1
    short = _block(min(last, 24) + 1, 1)
    if last <= 24:
        return short.map(lengths.__getitem__)
    # about one draw in 16 takes the longest reachable length, one in 16 any length; shrinking goes to short ones
    selector, full = _block(16, 1), _block(last + 1, 1)

    @st.composite
    def choose(draw: Draw) -> int:
        which = draw(selector)
        return lengths[last if which == 14 else draw(full) if which == 15 else draw(short)]

    return choose()


@functools.lru_cache(maxsize=512)
def pattern_strings(java: str, min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[str]:
    """Strings that fully match the model pattern ``java`` with a Java length in ``[min_size, max_size]``.

    Raises :class:`ValueError` (naming the pattern) when no such string exists.
    """
    top = DEFAULT_MAX if max_size is None else max_size
    root = _compiled(java, top)
    lengths = reachable_lengths(java, min_size, top)
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


@functools.lru_cache(maxsize=64)
def plain_strings(min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[str]:
    """Strings without a pattern: BMP characters (no surrogates), so Java length == ``len``."""
    top = DEFAULT_MAX if max_size is None else max_size
    # No surrogates (category Cs) is what codec="utf-8" means, but the codec form makes Hypothesis
    # build a character table on the first draw (~3.5 s on a cold interpreter: a health-check failure).
    alphabet = st.characters(exclude_categories=["Cs"], max_codepoint=0xFFFF)
    return st.text(alphabet, min_size=min_size, max_size=min(top, max(min_size, 24)) if max_size is None else top)
