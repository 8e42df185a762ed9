"""Per-test overhead of variant-coverage tracking on a 1,000-test stubbed suite.

Run: ``python bench/bench_coverage.py [--tests 1000] [--repeats 5]``. Measured in one run:

1. *suite*: a generated suite of ``--tests`` tests, each queueing an answer on the
   ``bedrock_stubber`` fixture and calling Get through a real client, run in a fresh
   pytest process with ``--bedrock-coverage=off`` (the anchor) and ``=report``
   (interleaved, best of ``--repeats``). Timed in CPU seconds of the child process (the
   machine may be shared), minus the CPU time of a ``--collect-only`` run of the same suite,
   so the ratio compares the per-test cost only;
2. *call*: in-process (CPU time), a stubbed Get with and without the coverage observer registered.

Target (issue 5): the per-test overhead of tracking is < 5% of the per-test cost.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import botocore.session

from pytest_bedrock_mock import builders, intercept
from pytest_bedrock_mock.coverage import Coverage
from pytest_bedrock_mock.stubber import BedrockStubber

PLUGIN = ["-p", "pytest_bedrock_mock._plugin_coverage"]
SUITE = '''
import pytest

STATUSES = {statuses!r}

@pytest.mark.parametrize("i", range({n}))
def test_stubbed(i, bedrock_stubber, bedrock_client):
    status = STATUSES[i % len(STATUSES)]
    bedrock_stubber.add_get_job(status)
    assert bedrock_client.get_model_customization_job(jobIdentifier="job-1")["status"] == status
'''


def _cpu_seconds(folder: Path, *args: str) -> float:
    """CPU time (user + system) of one pytest process: far less sensitive than wall time to other load."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", *PLUGIN, *args],
                   cwd=folder, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def suite_overhead(n: int, repeats: int) -> dict[str, float]:
    """Best-of-``repeats`` CPU time per test, off and on (interleaved), start-up subtracted."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        statuses = ["InProgress", "Completed", "Failed", "Stopping", "Stopped"]
        (folder / "test_suite.py").write_text(textwrap.dedent(SUITE.format(statuses=statuses, n=n)))
        startup: list[float] = []
        off: list[float] = []
        on: list[float] = []
        for _ in range(repeats):
            startup.append(_cpu_seconds(folder, "--collect-only", "--bedrock-coverage=off"))
            off.append(_cpu_seconds(folder, "--bedrock-coverage=off"))
            on.append(_cpu_seconds(folder, "--bedrock-coverage=report"))
    per_off, per_on = (min(off) - min(startup)) / n, (min(on) - min(startup)) / n
    return {"startup_s": min(startup), "per_test_off_ms": per_off * 1e3, "per_test_on_ms": per_on * 1e3, "ratio": per_on / per_off}


def _client() -> Any:
    return botocore.session.Session().create_client("bedrock", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def _calls(n: int, coverage: Coverage | None) -> float:
    client = _client()
    stub = BedrockStubber(client)
    job = builders.job_description("Stopped", "DISTILLATION", seed=1)
    if coverage is not None:
        coverage.start()
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
            coverage.stop()


def call_overhead(n: int, repeats: int) -> dict[str, float]:
    off: list[float] = []
    on: list[float] = []
    for _ in range(repeats):  # interleaved, so both see the same machine load
        off.append(_calls(n, None))
        on.append(_calls(n, Coverage()))
    return {"per_call_off_us": min(off) * 1e6, "per_call_on_us": min(on) * 1e6, "ratio": min(on) / min(off)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    call = call_overhead(2000, 9)
    print(f"stubbed Get, in-process: {call['per_call_off_us']:.0f} us without tracking, {call['per_call_on_us']:.0f} us with "
          f"-> ratio {call['ratio']:.3f}")
    suite = suite_overhead(args.tests, args.repeats)
    print(f"{args.tests}-test stubbed suite: start-up {suite['startup_s']:.2f} s CPU; per test {suite['per_test_off_ms']:.3f} ms "
          f"(--bedrock-coverage=off) vs {suite['per_test_on_ms']:.3f} ms (=report) -> ratio {suite['ratio']:.3f}")
    ok = suite["ratio"] < 1.05
    print(f"target per-test overhead < 5%: {'met' if ok else 'NOT met'} ({(suite['ratio'] - 1) * 100:+.1f}%)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
