"""The simulator under concurrency: 1,000 calls from 8 threads, no lost or duplicated job.

With faults, each client keeps its own schedule (``Faults`` docstring), so however the threads
interleave, every call succeeds within its retries and the number of throttled attempts is exact.
"""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.fakes.simulator import Faults, simulate

THREADS = 8
CALLS_PER_THREAD = 125  # 8 x 125 = 1,000 calls


def _throttled(calls: int, every: int) -> int:
    """Attempts one client sees throttled when it makes ``calls`` calls and every ``every``-th attempt is throttled."""
    attempt = throttled = 0
    for _ in range(calls):
        attempt += 1
        while attempt % every == 0:
            throttled += 1
            attempt += 1
    return throttled


@pytest.mark.parametrize("level, faults", [("parsed", Faults()), ("wire", Faults(throttle_every=7))])
def test_1000_calls_from_8_threads(level: str, faults: Faults) -> None:
    with simulate(level=level, faults=faults, clock="virtual" if faults.active else None) as fake:
        clients = [boto3.client("bedrock", region_name="us-east-1") for _ in range(THREADS)]
        barrier = threading.Barrier(THREADS)

        def worker(t: int) -> list[str]:
            client = clients[t]
            mine: list[str] = []
            barrier.wait()
            for i in range(CALLS_PER_THREAD):
                if i % 3 == 0:
                    request = builders.create_job_request(seed=t * 1000 + i, jobName=f"t{t}-job-{i}")
                    mine.append(client.create_model_customization_job(**request)["jobArn"])
                elif i % 3 == 1:
                    assert client.get_model_customization_job(jobIdentifier=mine[-1])["jobArn"] == mine[-1]
                elif i % 9 == 2:
                    client.stop_model_customization_job(jobIdentifier=mine[-1])
                else:
                    client.list_model_customization_jobs(maxResults=5)
            return mine

        with ThreadPoolExecutor(THREADS) as pool:
            created = [arn for arns in pool.map(worker, range(THREADS)) for arn in arns]
        listed = [s["jobArn"] for p in clients[0].get_paginator("list_model_customization_jobs").paginate() for s in p["modelCustomizationJobSummaries"]]
    assert len(created) == THREADS * len(range(0, CALLS_PER_THREAD, 3))
    assert len(set(created)) == len(created)
    assert sorted(listed) == sorted(created)
    successes = [c for c in fake.calls if c.error_code is None]
    list_pages = math.ceil(len(created) / 100)  # the paginator's walk, at the default page size
    assert len(successes) == THREADS * CALLS_PER_THREAD + list_pages
    seqs = sorted(j.seq for j in fake.backend.jobs())
    assert seqs == list(range(1, len(created) + 1))
    throttled = [c for c in fake.calls if c.error_code == "ThrottlingException"]
    every = faults.throttle_every
    expected = (THREADS - 1) * _throttled(CALLS_PER_THREAD, every) + _throttled(CALLS_PER_THREAD + list_pages, every) if every else 0
    assert len(throttled) == expected  # clients[0] also walked the paginator
    assert len(fake.calls) == len(successes) + len(throttled)
