"""The length planner of the pattern generator: bitset helpers against brute force, long runs, and
bounded memory for huge length limits (issue 13: ``pattern_strings('a*', 0, 10**6)`` took ~22 GB)."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pytest_bedrock_mock.core.javaregex import compile_pattern, java_length
from pytest_bedrock_mock.strategies import _lengths
from pytest_bedrock_mock.strategies._lengths import _Choices, _conv, _nth, _reflect, _spread, _squeeze, _times
from pytest_bedrock_mock.strategies.regex import pattern_strings

MEMORY_BOUND = 300 * 2**20  # generous: the planner itself stays near 60 MB at 10**6; no timing is asserted


def _slow_conv(a: int, b: int, mask: int) -> int:
    out = 0
    for i in range(b.bit_length()):
        if (b >> i) & 1:
            out |= a << i
    return out & mask


bitsets = st.builds(lambda x, g, shift: _spread(x, g) << shift, st.integers(0, 2**40), st.integers(1, 4), st.integers(0, 6))


@given(bitsets, bitsets, st.integers(1, 200), st.booleans())
def test_conv_is_the_capped_sumset(a: int, b: int, cap: int, force_periods: bool) -> None:
    old = _lengths._MANY_RUNS
    _lengths._MANY_RUNS = 1 if force_periods else old  # take the periodic path on small sets too
    try:
        assert _conv(a, b, (1 << (cap + 1)) - 1) == _slow_conv(a, b, (1 << (cap + 1)) - 1)
    finally:
        _lengths._MANY_RUNS = old


@given(bitsets.map(lambda x: x & ~1).filter(bool), st.integers(0, 12), st.integers(1, 120))
def test_times_counts_pieces(step: int, k: int, cap: int) -> None:
    mask = (1 << (cap + 1)) - 1
    powers = [1]
    for _ in range(k):
        powers.append(_slow_conv(powers[-1], step, mask))
    assert _times(step, k, mask) == powers[k]
    up_to = 0
    for p in powers:
        up_to |= p
    assert _times(step, k, mask, up_to=True) == up_to


@given(st.integers(1, 2**64), st.integers(2, 5))
def test_squeeze_undoes_spread_and_reflect_mirrors(x: int, g: int) -> None:
    assert _squeeze(_spread(x, g), g) == x
    r = x.bit_length() + 3
    assert _reflect(_reflect(x, r), r) == x
    assert all(((_reflect(x, r) >> n) & 1) == ((x >> (r - n)) & 1) for n in range(r + 1))


@given(st.integers(1, 2**80))
def test_choices_index_the_set_bits(middle: int) -> None:
    choices = _Choices((0, 0), middle, (999, 1))
    positions = [n for n in range(middle.bit_length()) if (middle >> n) & 1]
    assert list(choices) == [(0, 0), *[(n, 0) for n in positions], (999, 1)]
    assert [_nth(middle, i) for i in range(len(positions))] == positions


@pytest.mark.parametrize(("java", "low", "high"), [
    ("a*", 0, 10**6),
    ("a*", 10**6, 10**6),
    ("([a-z][_-]?)*", 10**6 - 64, 10**6),
    ("(ab){0,500000}", 10**6 - 10, 10**6),
    ("x[a-z]*y", 10**6 - 5, 10**6),
])
def test_a_huge_length_limit_builds_no_huge_tables(java: str, low: int, high: int) -> None:
    pattern_strings.cache_clear()
    values: list[str] = []

    @settings(max_examples=3, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(pattern_strings(java, low, high))
    def draw(value: str) -> None:
        values.append(value)

    tracemalloc.start()
    try:
        draw()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        pattern_strings.cache_clear()
    assert peak < MEMORY_BOUND, f"{peak / 2**20:.0f} MiB"
    rx = compile_pattern(java)
    assert values and all(rx.fullmatch(v) and low <= java_length(v) <= high for v in values)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["([a-z][_-]?)+", "(ab|c)*d", "(x[0-9]{2})+", "((ab)*c)+"]), st.integers(65, 400), st.data())
def test_long_runs_of_repeated_groups_match_exactly(java: str, low: int, data: st.DataObject) -> None:
    value = data.draw(pattern_strings(java, low, low + 40))
    assert compile_pattern(java).fullmatch(value) and low <= len(value) <= low + 40
