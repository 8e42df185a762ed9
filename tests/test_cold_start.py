"""Every public strategy at Hypothesis's default settings, on a cold interpreter with an empty
Hypothesis directory: no health check fires, and each first draw is quick (issue 13, item 1).

One pytest subprocess runs one ``@given`` test per public strategy (in a fresh temporary
directory, so neither this suite's conftest nor its profiles apply: the settings a new user
gets, but for ``max_examples=10``, which keeps this fast and changes no health check: Hypothesis
decides them all within the first 10 valid examples), with ``HYPOTHESIS_STORAGE_DIRECTORY``
pointing at a new empty directory. A plain ``@given`` test runs first: the first ``@given`` of
any process makes Hypothesis scan the local modules for constants (about 0.3 s with an editable
install, more on a busy machine), a one-off of Hypothesis's that no strategy causes. Each test
reports how long building its strategy and its first draw took; the first draw must stay
within a generous 1 s (the target is 0.2 s; the figures are printed with ``-s``).
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pytest_bedrock_mock.strategies as strategies_pkg

#: public name -> the call that builds a strategy, one row per operation where it takes one
CALLS = {
    "create_job_requests": ["create_job_requests()"],
    "invalid_create_job_requests": ["invalid_create_job_requests()"],
    "invalid_requests": [f"invalid_requests({op!r})" for op in ("GetModelCustomizationJob", "StopModelCustomizationJob", "ListModelCustomizationJobs")],
    "job_descriptions": ["job_descriptions()"],
    "job_lifecycles": ["job_lifecycles()"],
    "list_job_pages": ["list_job_pages()"],
    "client_errors": [f"client_errors({op!r})" for op in ("CreateModelCustomizationJob", "GetModelCustomizationJob", "StopModelCustomizationJob",
                                                           "ListModelCustomizationJobs")],
    "status_paths": ["status_paths()"],
    "from_shape": ["from_shape(get_model().input_shape('CreateModelCustomizationJob'))"],
    "pattern_strings": ["pattern_strings(get_model().input_shape('CreateModelCustomizationJob').members['jobName'].metadata['pattern'], 1, 63)"],
    "fakers": ["fakers()"],
}
#: public names that are not strategies
NOT_STRATEGIES = {"ABSENT", "BedrockProvider", "ErrorCase", "ExpectedViolation", "Target", "invalid_targets", "member_paths", "optional"}
FIRST_DRAW_BOUND = 1.0

TEST_FILE = '''
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.strategies import *

CALLS = {calls!r}


@given(st.integers())
def test_0_hypothesis_itself(value):
    # the first @given of any process scans the local modules for constants (cached in the
    # Hypothesis directory): Hypothesis's one-off, not a strategy's, so it is paid here first
    pass


@pytest.mark.parametrize("call", CALLS)
def test_strategy(call):
    start = time.perf_counter()
    strategy = eval(call)
    built = time.perf_counter()
    first = []

    @settings(max_examples=10)  # Hypothesis decides every health check within the first 10 valid examples
    @given(strategy)
    def check(value):
        if not first:
            first.append(time.perf_counter())

    check()
    print(f"\\nFIRST-DRAW {{call}} build={{built - start:.3f}} first={{first[0] - built:.3f}}")
'''


def test_every_public_strategy_has_a_row() -> None:
    public = {name for name in strategies_pkg.__all__ if callable(getattr(strategies_pkg, name)) and not inspect.isclass(getattr(strategies_pkg, name))}
    assert public - NOT_STRATEGIES == set(CALLS)


def test_no_health_check_and_quick_first_draws_on_a_cold_start(tmp_path: Path) -> None:
    calls = [call for rows in CALLS.values() for call in rows]
    (tmp_path / "test_strategies_cold.py").write_text(TEST_FILE.format(calls=calls))
    storage = tmp_path / "hypothesis"
    storage.mkdir()
    env = {**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": str(storage)}
    env.pop("HYPOTHESIS_PROFILE", None)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "-p", "no:xdist", "test_strategies_cold.py"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    output = proc.stdout + proc.stderr
    assert "FailedHealthCheck" not in output and "HealthCheck" not in output, output
    assert proc.returncode == 0, output
    figures = {}
    for line in output.splitlines():
        if line.startswith("FIRST-DRAW "):
            call, build, first = line[len("FIRST-DRAW "):].rsplit(" ", 2)
            figures[call] = (float(build.split("=")[1]), float(first.split("=")[1]))
    assert set(figures) == set(calls), output
    print("\n".join(f"{call:90} build {b:6.3f} s  first draw {f:6.3f} s" for call, (b, f) in figures.items()))
    slow = {call: first for call, (_, first) in figures.items() if first > FIRST_DRAW_BOUND}
    assert not slow, f"first draws over {FIRST_DRAW_BOUND} s: {slow}"


if __name__ == "__main__":  # pragma: no cover - the figures for the benchmarks page
    sys.exit(pytest.main([__file__, "-q", "-s", "-p", "no:cacheprovider"]))
