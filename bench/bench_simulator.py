"""Simulator speed, measured against moto's ``mock_aws`` in the same run.

    python bench/bench_simulator.py [--calls 2000] [--json]

1. Get per call: the same real boto3 client code calls GetModelCustomizationJob on one
   job, against the simulator (parsed level, the default; and wire level, botocore's
   serializer, signer and parser on every call) and against moto. Reports microseconds
   per call and the ratio moto / simulator (target: >= 5x for the default level).
2. 1,000 calls from 8 threads (creates, Gets, Lists, Stops) against one simulator:
   wall time, and a check that no job was lost or duplicated.

Rounds interleave the backends and the best round of each counts, so load from other
processes skews the ratio less. Ratios, not absolute times, are the result.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.simulator import simulate


def _client() -> Any:
    return boto3.client("bedrock", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def _rate(fn: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


@contextlib.contextmanager
def _backend(name: str, request: dict[str, Any]) -> Iterator[Callable[[], Any]]:
    """A Get call against ``name`` (simulator_parsed, simulator_wire or moto), warmed up."""
    if name == "moto":
        from moto import mock_aws

        armed, _ = intercept.set_armed(False)  # moto answers on the wire; the plugin's interception must not refuse it
        try:
            with mock_aws():
                client = _client()
                client.create_model_customization_job(**request)
                yield lambda: client.get_model_customization_job(jobIdentifier=request["jobName"])  # moto cannot Get by ARN
        finally:
            intercept.set_armed(armed)
        return
    with simulate(level=name.split("_", 1)[1]):
        client = _client()
        arn = client.create_model_customization_job(**request)["jobArn"]
        yield lambda: client.get_model_customization_job(jobIdentifier=arn)


def bench_get(calls: int, rounds: int = 5) -> dict[str, float]:
    """Microseconds per Get; rounds interleave the backends and the best round counts (noise from other processes only slows)."""
    request = builders.create_job_request(seed=1)
    best = {name: float("inf") for name in ("simulator_parsed", "simulator_wire", "moto")}
    per_round = max(calls // rounds, 1)
    for _ in range(rounds):
        for name in best:
            with _backend(name, request) as get:
                for _ in range(20):
                    get()
                best[name] = min(best[name], _rate(get, per_round))
    out = {f"{name}_us": value for name, value in best.items()}
    out["ratio_parsed"] = best["moto"] / best["simulator_parsed"]
    out["ratio_wire"] = best["moto"] / best["simulator_wire"]
    return out


def bench_threads(threads: int = 8, per_thread: int = 125) -> dict[str, Any]:
    with simulate() as fake:
        clients = [_client() for _ in range(threads)]
        barrier = threading.Barrier(threads)

        def worker(t: int) -> list[str]:
            mine: list[str] = []
            barrier.wait()
            for i in range(per_thread):
                if i % 3 == 0:
                    mine.append(clients[t].create_model_customization_job(**builders.create_job_request(seed=t * 10_000 + i, jobName=f"t{t}-{i}"))["jobArn"])
                elif i % 3 == 1:
                    clients[t].get_model_customization_job(jobIdentifier=mine[-1])
                else:
                    clients[t].list_model_customization_jobs(maxResults=10)
            return mine

        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            created = [a for arns in pool.map(worker, range(threads)) for a in arns]
        wall = time.perf_counter() - start
        listed = [s["jobArn"] for p in clients[0].get_paginator("list_model_customization_jobs").paginate() for s in p["modelCustomizationJobSummaries"]]
        stored = [j["jobArn"] for j in fake.jobs]
    ok = len(set(created)) == len(created) and sorted(listed) == sorted(created) == sorted(stored)
    return {"threads": threads, "calls": threads * per_thread, "wall_s": wall, "jobs_created": len(created), "no_lost_or_duplicated": ok}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = {"get": bench_get(args.calls), "threads": bench_threads()}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        g, t = result["get"], result["threads"]
        print(f"Get per call: simulator (parsed) {g['simulator_parsed_us']:.0f} us, simulator (wire) {g['simulator_wire_us']:.0f} us, "
              f"moto {g['moto_us']:.0f} us")
        print(f"  moto / simulator: parsed {g['ratio_parsed']:.1f}x (target >= 5x), wire {g['ratio_wire']:.1f}x")
        print(f"{t['calls']} calls from {t['threads']} threads: {t['wall_s']:.2f} s, {t['jobs_created']} jobs, "
              f"no lost or duplicated job: {t['no_lost_or_duplicated']}")
    return 0 if result["threads"]["no_lost_or_duplicated"] else 1


if __name__ == "__main__":
    sys.exit(main())
