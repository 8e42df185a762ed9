"""Per-call cost of cassette playback vs moto ``mock_aws`` and vs vcrpy playback, in one run.

The same interaction — one ``GetModelCustomizationJob`` answering a Completed job —
is answered N times through a real botocore client by

* pytest-bedrock-mock playback (``Player`` at ``before-send``; drift-checked, redacted matching),
* moto's ``mock_aws`` (its in-memory bedrock backend),
* vcrpy playback of a cassette recorded from a local HTTP server (``record_mode="none"``).

Run: ``python bench/bench_playback.py [N]``. Prints µs per call and the ratios
(moto / ours, vcrpy / ours; above 1.0 means ours is faster). The three are measured
in interleaved rounds of the same run; no absolute target.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from _cassette_server import make_client, running  # noqa: E402

from pytest_bedrock_mock.fakes import intercept  # noqa: E402
from pytest_bedrock_mock.fakes.cassettes import Player, load  # noqa: E402

GOLDEN = ROOT / "fixtures" / "cassettes" / "get" / "status-Completed.yaml"


def _time(fn: Callable[[], Any], n: int) -> float:
    fn()  # warm up
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def ours() -> Callable[[int], float]:
    cassette = load(GOLDEN)
    arn = json.loads(cassette.interactions[0].response.body)["jobArn"]
    client = make_client("https://bedrock.us-east-1.amazonaws.com", attempts=1)

    def one_round(n: int) -> float:
        with intercept.activate(Player(cassette, allow_playback_repeats=True)):
            return _time(lambda: client.get_model_customization_job(jobIdentifier=arn), n)

    return one_round


def moto() -> Callable[[int], float]:
    from moto import mock_aws

    from pytest_bedrock_mock import builders

    request = builders.create_job_request(seed=1)

    def one_round(n: int) -> float:
        with mock_aws():
            client = make_client(None, attempts=1)
            client.create_model_customization_job(**request)
            # moto does not decode a percent-encoded ARN in the path; the job name is a valid identifier too
            return _time(lambda: client.get_model_customization_job(jobIdentifier=request["jobName"]), n)

    return one_round


def vcrpy(tmp: str) -> Callable[[int], float]:
    import vcr

    from pytest_bedrock_mock import builders

    path = str(Path(tmp) / "vcr.yaml")
    with running() as server:
        server.state.lifecycle = ("Completed",)
        client = make_client(server.url, attempts=1)
        arn = client.create_model_customization_job(**builders.create_job_request(seed=1))["jobArn"]
        with vcr.use_cassette(path, record_mode="once"):
            client.get_model_customization_job(jobIdentifier=arn)

    def one_round(n: int) -> float:
        with vcr.use_cassette(path, record_mode="none", allow_playback_repeats=True):
            return _time(lambda: client.get_model_customization_job(jobIdentifier=arn), n)

    return one_round


def main(argv: list[str]) -> int:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    n = int(argv[1]) if len(argv) > 1 else 300
    rounds = int(argv[2]) if len(argv) > 2 else 7
    with tempfile.TemporaryDirectory() as tmp:
        runners = {"ours": ours(), "moto": moto(), "vcrpy": vcrpy(tmp)}
        samples: dict[str, list[float]] = {name: [] for name in runners}
        for _ in range(rounds):  # interleaved, so load on shared cores hits all three alike
            for name, run in runners.items():
                samples[name].append(run(n) * 1e6)
    us = {name: statistics.median(values) for name, values in samples.items()}
    print(f"per call, {n} calls x {rounds} interleaved rounds (median)")
    print(f"  pytest-bedrock-mock playback: {us['ours']:9.1f} µs")
    print(f"  moto mock_aws:                {us['moto']:9.1f} µs   ratio moto/ours  = {us['moto'] / us['ours']:5.2f}")
    print(f"  vcrpy playback:               {us['vcrpy']:9.1f} µs   ratio vcrpy/ours = {us['vcrpy'] / us['ours']:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
