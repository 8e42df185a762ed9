"""Per-call cost of a stubbed GetModelCustomizationJob: our fixture path vs raw botocore Stubber vs moto.

Run: ``python bench/bench_stubber.py``. Everything is measured in this one run and reported
as ratios against the raw botocore Stubber (the anchor). Also measures the bedrock_stubber
fixture's set-up + teardown per test in a real pytest session (median).

Targets (issue: foundation): ours <= 1.3x raw Stubber per Get; >= 8x faster than moto;
fixture set-up + teardown <= 1 ms median per test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import botocore.session
from botocore.stub import Stubber

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.stubber import BedrockStubber

JOB = builders.job_description("Completed", "FINE_TUNING", seed=1)


def _client():
    return botocore.session.Session().create_client("bedrock", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def _per_call(fn, n: int, repeats: int = 5) -> float:
    """Best-of-``repeats`` seconds per call; ``fn(n)`` returns the seconds its ``n`` timed calls took."""
    return min(fn(n) / n for _ in range(repeats))


def _timed_gets(client, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        client.get_model_customization_job(jobIdentifier="my-job")
    return time.perf_counter() - start


def raw_stubber(n: int, *, include_add: bool = False) -> float:
    client = _client()
    with Stubber(client) as stub:
        start = time.perf_counter()
        for _ in range(n):
            stub.add_response("get_model_customization_job", JOB, {"jobIdentifier": "my-job"})
        added = time.perf_counter() - start
        return _timed_gets(client, n) + (added if include_add else 0.0)


def ours(n: int, *, include_add: bool = False) -> float:
    client = _client()
    stub = BedrockStubber(client)
    with intercept.activate(stub):
        start = time.perf_counter()
        for _ in range(n):
            stub.add_response("get_model_customization_job", JOB, {"jobIdentifier": "my-job"})
        added = time.perf_counter() - start
        return _timed_gets(client, n) + (added if include_add else 0.0)


def moto_get(n: int) -> float:
    import os

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    from moto import mock_aws

    with mock_aws():
        client = _client()
        arn = client.create_model_customization_job(**builders.create_job_request(seed=1))["jobArn"]
        name = arn.rsplit("/", 1)[-1]
        start = time.perf_counter()
        for _ in range(n):
            client.get_model_customization_job(jobIdentifier=name)
        return time.perf_counter() - start


FIXTURE_SUITE = """
import pytest

@pytest.mark.parametrize("i", range({n}))
def test_with_stubber(bedrock_stubber, i):
    bedrock_stubber.calls
"""

DURATIONS_PLUGIN = """
import json, os, statistics
phases = {}

def pytest_runtest_logreport(report):
    if report.when in ("setup", "teardown"):
        phases.setdefault(report.nodeid, 0.0)
        phases[report.nodeid] += report.duration

def pytest_sessionfinish(session):
    with open(os.environ["BENCH_OUT"], "w") as fh:
        json.dump(list(phases.values()), fh)
"""


def fixture_overhead(n: int) -> tuple[float, float]:
    """Median and mean seconds of set-up + teardown for a test using bedrock_stubber (vs none)."""
    import json

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "bench_durations.py").write_text(DURATIONS_PLUGIN)
        for label, body in (("stubber", FIXTURE_SUITE), ("plain", FIXTURE_SUITE.replace("bedrock_stubber, i", "i").replace("    bedrock_stubber.calls", "    pass"))):
            (root / "test_suite.py").write_text(textwrap.dedent(body.format(n=n)))
            out = root / f"{label}.json"
            env = {**__import__("os").environ, "BENCH_OUT": str(out), "PYTHONPATH": str(root)}
            subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "bench_durations", "-p", "no:cacheprovider", str(root / "test_suite.py")], cwd=root, env=env, check=True, capture_output=True)
            results[label] = json.loads(out.read_text())
    extra = [a - b for a, b in zip(sorted(results["stubber"]), sorted(results["plain"]))]
    return statistics.median(results["stubber"]) - statistics.median(results["plain"]), statistics.mean(extra)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--tests", type=int, default=500)
    args = parser.parse_args()
    anchor = _per_call(raw_stubber, args.calls)
    ours_t = _per_call(ours, args.calls)
    anchor_add = _per_call(lambda n: raw_stubber(n, include_add=True), args.calls)
    ours_add = _per_call(lambda n: ours(n, include_add=True), args.calls)
    moto_t = _per_call(moto_get, max(200, args.calls // 5), repeats=3)
    median_fx, mean_fx = fixture_overhead(args.tests)
    print(f"raw botocore Stubber (anchor): {anchor * 1e3:.3f} ms per Get call ({anchor_add * 1e3:.3f} ms with queueing the answer)")
    print(f"pytest-bedrock-mock stubber:   {ours_t * 1e3:.3f} ms per Get call = {ours_t / anchor:.2f}x anchor (target <= 1.30x); "
          f"with queueing {ours_add * 1e3:.3f} ms = {ours_add / anchor_add:.2f}x")
    print(f"moto mock_aws:                 {moto_t * 1e3:.3f} ms per Get call = {moto_t / anchor:.2f}x anchor; ours is {moto_t / ours_t:.1f}x faster (target >= 8x)")
    print(f"bedrock_stubber fixture set-up + teardown: median {median_fx * 1e3:.3f} ms per test (mean {mean_fx * 1e3:.3f} ms) over {args.tests} tests (target <= 1 ms)")
    ok = ours_t / anchor <= 1.3 and moto_t / ours_t >= 8 and median_fx <= 1e-3
    print("targets met" if ok else "TARGETS MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
