"""Per-test overhead of variant-coverage tracking on a 1,000-test stubbed suite.

Run: ``python bench/bench_coverage.py [--tests 1000]``. Measured in one run:

1. *suite*: a generated suite of ``--tests`` tests, each queueing an answer on the
   ``bedrock_stubber`` fixture and calling Get through a real client, run once with
   ``--bedrock-coverage=report``. A conftest switches the coverage observer off for every
   other test and times each test's whole protocol (set-up, call, teardown) in CPU time,
   so tracked and untracked tests alternate and see the same machine load (the machine
   may be shared). The ratio is median tracked / median untracked per-test time;
2. *call*: in-process, the CPU time of one stubbed Get with and without the observer.

Target (issue 5): the per-test overhead of tracking is < 5% of the per-test cost.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import botocore.session

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.coverage.tracker import Coverage
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.stubber import BedrockStubber

SUITE = '''
import pytest

STATUSES = {statuses!r}

@pytest.mark.parametrize("i", range({n}))
def test_stubbed(i, bedrock_stubber, bedrock_client):
    status = STATUSES[i % len(STATUSES)]
    bedrock_stubber.add_get_job(status)
    assert bedrock_client.get_model_customization_job(jobIdentifier="job-1")["status"] == status
'''

CONFTEST = '''
import json
import os
import time

import pytest

from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.plugin.coverage import session_coverage, session_observer

TIMES = {"tracked": [], "untracked": []}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    observer = session_observer(item.config)
    tracked = item.callspec.params["i"] % 2 == 1
    if not tracked:
        intercept.remove_observer(observer)
    start = time.process_time()
    yield
    TIMES["tracked" if tracked else "untracked"].append(time.process_time() - start)
    if not tracked:
        intercept.add_observer(observer)


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_COVERAGE_OUT"], "w") as handle:
        json.dump({**TIMES, "answers": session_coverage(session.config).answers}, handle)
'''


def suite_overhead(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        statuses = ["InProgress", "Completed", "Failed", "Stopping", "Stopped"]
        (folder / "test_suite.py").write_text(textwrap.dedent(SUITE.format(statuses=statuses, n=n)))
        (folder / "conftest.py").write_text(CONFTEST)
        out = folder / "times.json"
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
             "-p", "pytest_bedrock_mock.plugin.coverage", "--bedrock-coverage=report"],
            cwd=folder, check=True, capture_output=True, env={**os.environ, "BENCH_COVERAGE_OUT": str(out)},
        )
        times = json.loads(out.read_text())
    if times["answers"] != n // 2:
        raise RuntimeError(f"expected {n // 2} tracked answers, the tracker saw {times['answers']}")
    on, off = statistics.median(times["tracked"]), statistics.median(times["untracked"])
    return {"per_test_off_ms": off * 1e3, "per_test_on_ms": on * 1e3, "ratio": on / off}


def _client() -> Any:
    return botocore.session.Session().create_client("bedrock", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def _calls(n: int, coverage: Coverage | None) -> float:
    client = _client()
    stub = BedrockStubber(client)
    job = builders.job_description("Stopped", "DISTILLATION", seed=1)
    if coverage is not None:
        intercept.add_observer(coverage.observe)
    try:
        with intercept.activate(stub):
            for _ in range(n):
                stub.add_response("get_model_customization_job", job)
            start = time.process_time()
            for _ in range(n):
                client.get_model_customization_job(jobIdentifier="job-1")
            return (time.process_time() - start) / n
    finally:
        if coverage is not None:
            intercept.remove_observer(coverage.observe)


def call_overhead(n: int, repeats: int) -> dict[str, float]:
    off: list[float] = []
    on: list[float] = []
    for _ in range(repeats):  # interleaved, so both see the same machine load
        off.append(_calls(n, None))
        on.append(_calls(n, Coverage()))
    return {"per_call_off_us": min(off) * 1e6, "per_call_on_us": min(on) * 1e6, "ratio": min(on) / min(off)}


def figures(smoke: bool) -> list[dict[str, Any]]:
    """The suite's figures (``bench/run.py``): per-test and per-call cost of tracking, vs untracked."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _suite import figure

    call = call_overhead(50 if smoke else 2000, 3 if smoke else 9)
    suite = suite_overhead(20 if smoke else 1000)
    return [
        figure("coverage tracking per test (stubbed suite)", suite["per_test_on_ms"], "ms", "same tests untracked",
               suite["per_test_off_ms"], suite["ratio"], "ratio <= 1.05"),
        figure("coverage tracking per stubbed Get", call["per_call_on_us"], "us", "same Get untracked",
               call["per_call_off_us"], call["ratio"], None),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=1000)
    args = parser.parse_args()
    call = call_overhead(2000, 9)
    print(f"one stubbed Get, in-process: {call['per_call_off_us']:.0f} us CPU without tracking, {call['per_call_on_us']:.0f} us "
          f"with (classification: {call['per_call_on_us'] - call['per_call_off_us']:.0f} us per answer)")
    suite = suite_overhead(args.tests)
    print(f"{args.tests}-test stubbed suite: median per test {suite['per_test_off_ms']:.3f} ms untracked vs "
          f"{suite['per_test_on_ms']:.3f} ms tracked -> ratio {suite['ratio']:.3f}")
    ok = suite["ratio"] < 1.05
    print(f"target per-test overhead < 5%: {'met' if ok else 'NOT met'} ({(suite['ratio'] - 1) * 100:+.1f}%)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
