"""Per-call cost of a stubbed call: our stubber vs botocore's raw ``Stubber`` vs moto, in one run.

Run: ``python bench/bench_stubber.py [--smoke]`` (or as part of ``python bench/run.py``).

1. Get, Create and List through a :class:`BedrockStubber` as the ``bedrock_stubber`` fixture runs
   it with the plugin's defaults (request validation on, expected parameters checked, every call
   logged and handed to the variant-coverage tracker, which classifies it after the test; a new
   stubber and call log for each round of calls, as each test gets its own), against the anchor:
   botocore's raw ``Stubber`` on a client that carries none of the kit's interception handlers, answering the
   same answers with the same expected parameters. Rounds interleave them in this process
   and count CPU time; the ratio is the median over rounds of ours / raw (target <= 1.15).
   Beside it: the same with the answers' classification (the plugin's work after each test) timed
   in, and with coverage off (``--bedrock-coverage=off``).
2. moto ``mock_aws`` on the same calls, in a child process that never imports the kit (so it
   pays nothing of ours); ratio moto / ours (target >= 8 on Get).
3. The ``bedrock_stubber`` fixture's set-up + teardown per test in a real pytest session,
   against a test without it (target: <= 1 ms more, median).
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore.session
from _suite import figure, interleaved, median_ratio, met, moto_child, per_call
from botocore.stub import Stubber

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.coverage.tracker import Coverage
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.stubber import BedrockStubber

REQUEST = builders.create_job_request(seed=1, jobName="bench-job")
JOB = builders.job_description("Completed", "FINE_TUNING", seed=1, request=REQUEST)
#: label -> (method, parameters, answer)
CALLS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "Get": ("get_model_customization_job", {"jobIdentifier": "bench-job"}, JOB),
    "Create": ("create_model_customization_job", REQUEST, builders.create_job_response(JOB)),
    "List": ("list_model_customization_jobs", {"maxResults": 10, "statusEquals": "Completed"},
             builders.list_jobs_response([builders.job_description("Completed", seed=i) for i in range(10)])),
}


def _client() -> Any:
    return botocore.session.Session().create_client("bedrock", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def _bare_client() -> Any:
    """A client without the kit's handlers (which every session gets once the kit is imported): botocore's floor."""
    client = _client()
    for event, handler, _ in intercept._ROUTES:
        client.meta.events.unregister(event, handler)
    return client


def _runner(stub: Stubber, client: Any, label: str, coverage: Coverage | None = None, classify_timed: bool = False) -> Callable[[int], float]:
    """Queue ``n`` answers (untimed), then time ``n`` calls with ``coverage`` observing; its classification of
    those answers (which the plugin runs after each test) is timed too with ``classify_timed``, else done untimed."""
    method, params, answer = CALLS[label]
    call = getattr(client, method)

    def run(n: int) -> float:
        for _ in range(n):
            stub.add_response(method, answer, params)
        if coverage is None:
            return per_call(lambda: call(**params), n)
        with intercept.add_observer(coverage.observe):
            start = time.process_time()
            for _ in range(n):
                call(**params)
            if classify_timed:
                coverage.settle()
            seconds = (time.process_time() - start) / n
        coverage.settle()
        return seconds

    return run


def _fresh(client: Any, label: str, failures: list[BaseException], coverage: Coverage | None = None,
           classify_timed: bool = False) -> Callable[[int], float]:
    """:func:`_runner` on a new :class:`BedrockStubber` per round, active for that round: a round is one test's worth
    of calls, and the ``bedrock_stubber`` fixture gives each test a stubber (and a call log) of its own."""

    def run(n: int) -> float:
        stub = BedrockStubber(client)
        stub.activate("the bench")
        try:
            return _runner(stub, client, label, coverage, classify_timed)(n)
        finally:
            stub.deactivate()
            failures.extend(stub.failures)

    return run


def stubbed_calls(n: int, rounds: int) -> dict[str, dict[str, list[float]]]:
    """Per op: seconds per call of ``raw``, ``ours`` (with the plugin's defaults), ``classified`` (``ours`` plus the
    classification of its answers for coverage, which the plugin runs after the test) and ``untracked`` (no coverage)."""
    raw_client, our_client = _bare_client(), _client()
    raw = Stubber(raw_client)
    coverage = Coverage()
    failures: list[BaseException] = []
    out: dict[str, dict[str, list[float]]] = {}
    with raw:
        for label in CALLS:
            out[label] = interleaved({"raw": _runner(raw, raw_client, label), "ours": _fresh(our_client, label, failures, coverage),
                                      "classified": _fresh(our_client, label, failures, coverage, classify_timed=True),
                                      "untracked": _fresh(our_client, label, failures)}, n, rounds)
    if failures or not coverage.answers:
        raise RuntimeError(f"the stubbed calls did not run as measured: {failures or 'coverage saw nothing'}")
    return out


def moto_calls(n: int, rounds: int) -> dict[str, float]:
    """moto's microseconds per call of each op (a child process without the kit)."""
    create = {**REQUEST, "jobName": "bench-$i", "customModelName": "bench-model-$i"}
    calls = {"Get": ["get_model_customization_job", {"jobIdentifier": "$name"}],
             "Create": ["create_model_customization_job", create],
             "List": ["list_model_customization_jobs", {"maxResults": 10}]}
    return moto_child({"create": REQUEST, "calls": calls, "n": n, "rounds": rounds})


FIXTURE_SUITE = """
import pytest

@pytest.mark.parametrize("i", range({n}))
def test_with_stubber(bedrock_stubber, i):
    bedrock_stubber.calls
"""

DURATIONS_PLUGIN = """
import json, os
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
    """Median seconds of set-up + teardown of a test using bedrock_stubber, and of one using nothing."""
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "bench_durations.py").write_text(DURATIONS_PLUGIN)
        plain = FIXTURE_SUITE.replace("bedrock_stubber, i", "i").replace("    bedrock_stubber.calls", "    pass")
        for label, body in (("stubber", FIXTURE_SUITE), ("plain", plain)):
            (root / "test_suite.py").write_text(textwrap.dedent(body.format(n=n)))
            out = root / f"{label}.json"
            env = {**os.environ, "BENCH_OUT": str(out), "PYTHONPATH": str(root)}
            subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "bench_durations", "-p", "no:cacheprovider", "-p", "no:xdist",
                            str(root / "test_suite.py")], cwd=root, env=env, check=True, capture_output=True)
            results[label] = json.loads(out.read_text())
    return statistics.median(results["stubber"]), statistics.median(results["plain"])


def figures(smoke: bool) -> list[dict[str, Any]]:
    n, rounds = (20, 3) if smoke else (300, 15)
    samples = stubbed_calls(n, rounds)
    moto = moto_calls(n if smoke else 200, rounds if smoke else 5)
    out = []
    for label, s in samples.items():
        ours, raw = statistics.median(s["ours"]) * 1e6, statistics.median(s["raw"]) * 1e6
        out.append(figure(f"stubbed {label} per call", ours, "us", "raw botocore Stubber", raw, median_ratio(s["ours"], s["raw"]), "ratio <= 1.15"))
    for label, s in samples.items():
        out.append(figure(f"stubbed {label} per call, with its classification for coverage", statistics.median(s["classified"]) * 1e6, "us",
                          "raw botocore Stubber", statistics.median(s["raw"]) * 1e6, median_ratio(s["classified"], s["raw"]), None))
    for label, s in samples.items():
        out.append(figure(f"stubbed {label} per call, coverage off", statistics.median(s["untracked"]) * 1e6, "us", "raw botocore Stubber",
                          statistics.median(s["raw"]) * 1e6, median_ratio(s["untracked"], s["raw"]), None))
    for label, s in samples.items():
        ours = statistics.median(s["ours"]) * 1e6
        out.append(figure(f"moto {label} vs stubbed {label}", ours, "us", "moto mock_aws (child process)", moto[label], moto[label] / ours,
                          "ratio >= 8" if label == "Get" else None))
    with_fixture, plain = fixture_overhead(10 if smoke else 500)
    out.append(figure("bedrock_stubber set-up + teardown per test", (with_fixture - plain) * 1e3, "ms", "test without the fixture",
                      plain * 1e3, with_fixture / plain if plain else None, "value <= 1"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    for fig in figures(args.smoke):
        verdict = {True: "met", False: "MISSED", None: ""}[met(fig)]
        print(f"{fig['name']:<44} {fig['value']:>9} {fig['unit']:<3} vs {fig['anchor']} {fig['anchor_value']}: "
              f"ratio {fig['ratio']} (target {fig['target']}) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
