"""Per-call cost of cassette playback vs moto ``mock_aws`` and vs vcrpy playback, in one run.

The same interaction -- one ``GetModelCustomizationJob`` answering a Completed job -- is
answered through a real botocore client by

* pytest-bedrock-mock playback (``Player`` at ``before-send``; drift-checked, redacted matching),
* vcrpy playback of a cassette recorded from a local HTTP server (``record_mode="none"``), on a
  client without the kit's interception handlers,
* moto's ``mock_aws``, in a child process that never imports the kit.

Run: ``python bench/bench_playback.py [--smoke]`` (or in ``python bench/run.py``). Ours and vcrpy
are measured in interleaved rounds (CPU time, median); the ratios are vcrpy / ours and
moto / ours (target: both >= 1, playback is the faster).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from _cassette_server import make_client, running  # noqa: E402
from _suite import cli, figure, interleaved, median_ratio, moto_child, per_call  # noqa: E402

from pytest_bedrock_mock import builders  # noqa: E402
from pytest_bedrock_mock.fakes import intercept  # noqa: E402
from pytest_bedrock_mock.fakes.cassettes import Player, load  # noqa: E402

GOLDEN = ROOT / "fixtures" / "cassettes" / "get" / "status-Completed.yaml"


def ours() -> Callable[[int], float]:
    cassette = load(GOLDEN)
    arn = json.loads(cassette.interactions[0].response.body)["jobArn"]
    client = make_client("https://bedrock.us-east-1.amazonaws.com", attempts=1)
    player = Player(cassette, allow_playback_repeats=True)
    with intercept.activate(player):
        client.get_model_customization_job(jobIdentifier=arn)  # warm up

    def one_round(n: int) -> float:
        with intercept.activate(player):
            return per_call(lambda: client.get_model_customization_job(jobIdentifier=arn), n)

    return one_round


def vcrpy(tmp: str) -> Callable[[int], float]:
    import vcr

    path = str(Path(tmp) / "vcr.yaml")
    with running() as server:
        server.state.lifecycle = ("Completed",)
        client = make_client(server.url, attempts=1)
        arn = client.create_model_customization_job(**builders.create_job_request(seed=1))["jobArn"]
        with vcr.use_cassette(path, record_mode="once"):
            client.get_model_customization_job(jobIdentifier=arn)
    for event, handler, _ in intercept._ROUTES:  # vcrpy pays nothing of ours
        client.meta.events.unregister(event, handler)

    def one_round(n: int) -> float:
        with vcr.use_cassette(path, record_mode="none", allow_playback_repeats=True):
            return per_call(lambda: client.get_model_customization_job(jobIdentifier=arn), n)

    return one_round


def figures(smoke: bool) -> list[dict[str, Any]]:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("vcr").setLevel(logging.ERROR)
    n, rounds = (10, 3) if smoke else (300, 9)
    with tempfile.TemporaryDirectory() as tmp:
        samples = interleaved({"ours": ours(), "vcrpy": vcrpy(tmp)}, n, rounds)
    request = builders.create_job_request(seed=1)
    moto = moto_child({"create": request, "calls": {"Get": ["get_model_customization_job", {"jobIdentifier": "$name"}]},
                       "n": n, "rounds": rounds})["Get"]
    us = statistics.median(samples["ours"]) * 1e6
    return [
        figure("playback Get per call vs vcrpy", us, "us", "vcrpy playback", statistics.median(samples["vcrpy"]) * 1e6,
               median_ratio(samples["vcrpy"], samples["ours"]), "ratio >= 1"),
        figure("playback Get per call vs moto", us, "us", "moto mock_aws (child process)", moto, moto / us, "ratio >= 1"),
    ]


def main() -> int:
    return cli(figures, __doc__.splitlines()[0] if __doc__ else None)


if __name__ == "__main__":
    raise SystemExit(main())
