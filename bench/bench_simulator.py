"""Simulator speed, measured against moto's ``mock_aws`` in the same run.

    python bench/bench_simulator.py [--calls 2000] [--json] [--smoke] [--no-list]

1. Get per call: the same real boto3 client code calls GetModelCustomizationJob on one
   job, against the simulator (parsed level, the default; and wire level, botocore's
   serializer, signer and parser on every call) and against moto. Reports microseconds
   per call and the ratio moto / simulator (target: >= 5x for the default level).
2. 1,000 calls from 8 threads (creates, Gets, Lists, Stops) against one simulator:
   wall time, and a check that no job was lost or duplicated.
3. List at scale (the anchor: the same page at 100 jobs): one page (first, and one reached
   by ``nextToken``) at 100 and at 10,000 jobs, unfiltered and filtered by status, name and
   creation time, through a real client; ratio 10,000 / 100 (target <= 2x). The whole
   paginate at 1,000 and 10,000 jobs, per job (linear: ratio about 1x). Memory per stored
   job (tracemalloc, after its description is rendered) / the size of its Get answer's JSON
   (target <= 3x); the resident memory of a process holding 100,000 jobs (target < 1 GiB).

``--smoke`` runs every section with tiny counts, to prove the bench still runs (figures meaningless).

Rounds interleave the backends and the best round of each counts, so load from other
processes skews the ratio less. Ratios, not absolute times, are the result.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import pstats
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.simulator import Backend, BedrockSimulator, Manual, simulate


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


# -- List at scale ------------------------------------------------------------------------------
_TEAMS = ("red", "blue", "green", "gold")
#: name -> List parameters (``maxResults`` "page": the bench's page size, 10: every query fills two pages at 100 jobs).
LIST_QUERIES: dict[str, dict[str, Any]] = {
    "all, 100 per page": {},
    "all": {"maxResults": "page"},
    "status (1/4 match)": {"maxResults": "page", "statusEquals": "Completed"},
    "name (1/4 match)": {"maxResults": "page", "nameContains": "gold"},
    "created after (1/2 match)": {"maxResults": "page", "creationTimeAfter": "half"},
}


def _seed(backend: Backend, n: int) -> None:
    """``n`` jobs with their own names, tokens and S3 URIs (as a suite's would be), one in four Completed."""
    base = builders.create_job_request(seed=1)
    for i in range(n):
        team = _TEAMS[i % 4]
        request = {**base, "jobName": f"job-{i:06d}-{team}", "customModelName": f"model-{i:06d}-{team}", "clientRequestToken": f"token-{i:08d}",
                   "trainingDataConfig": {"s3Uri": f"s3://bench-bucket/{team}/{i:06d}/train.jsonl"},
                   "validationDataConfig": {"validators": [{"s3Uri": f"s3://bench-bucket/{team}/{i:06d}/validation.jsonl"}]},
                   "outputDataConfig": {"s3Uri": f"s3://bench-bucket/{team}/{i:06d}/output/"}}
        job = backend.add_job(request)
        if i % 4 == 3:
            backend.move(job.arn, "Completed")
        backend.clock.sleep(1)  # type: ignore[attr-defined]  # a virtual clock: one job per second


def _page_calls(n: int, size: int) -> tuple[BedrockSimulator, dict[str, dict[str, Any]]]:
    """A simulator holding ``n`` jobs, and the List calls to time on it: each query's first page and a page reached by token."""
    sim = BedrockSimulator(policy=Manual(), clock="virtual")
    _seed(sim.backend, n)
    half = sim.backend.jobs()[n // 2].created
    calls = {}
    with sim.activated():
        client = _client()
        for name, query in LIST_QUERIES.items():
            params = {k: {"half": half, "page": size}.get(v, v) for k, v in query.items()}
            calls[f"{name}, first"] = params
            token = client.list_model_customization_jobs(**params).get("nextToken")  # None when one page holds them all (--smoke)
            if token is not None:
                calls[f"{name}, by token"] = {**params, "nextToken": token}
    return sim, calls


def _calls(fn: Callable[[], Any]) -> int:
    """Python function calls made by one ``fn()`` (cProfile): a cost that load on the machine does not change."""
    profile = cProfile.Profile()
    profile.runcall(fn)
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def _page_times(sizes: tuple[int, int], rounds: int, size: int, per_round: int) -> list[dict[str, tuple[float, int]]]:
    """``(microseconds, function calls)`` per List page at each job count, per call; rounds interleave the two
    simulators, the best round counts."""
    setups = [_page_calls(n, size) for n in sizes]
    best: list[dict[str, float]] = [{name: float("inf") for name in calls} for _, calls in setups]
    counts: list[dict[str, int]] = [{} for _ in setups]
    for _ in range(rounds):
        for (sim, calls), out, count in zip(setups, best, counts):
            with sim.activated():
                client = _client()
                for name, call in calls.items():
                    def page(call: dict[str, Any] = call, client: Any = client) -> Any:
                        return client.list_model_customization_jobs(**call)
                    page()
                    out[name] = min(out[name], _rate(page, per_round))
                    count.setdefault(name, _calls(page))
    return [{name: (out[name], count[name]) for name in out} for out, count in zip(best, counts)]


def _paginate(sizes: tuple[int, int], rounds: int) -> list[tuple[float, float]]:
    """``(microseconds, function calls)`` per job of paging through all jobs (100 per page) at each job count;
    interleaved rounds, the best counts (the first walk, which renders what Completed moves left stale, is not timed)."""
    setups = []
    for n in sizes:
        sim = BedrockSimulator(policy=Manual(), clock="virtual")
        _seed(sim.backend, n)
        setups.append((n, sim))
    best = [float("inf")] * len(sizes)
    calls = [0.0] * len(sizes)
    for _ in range(rounds):
        for i, (n, sim) in enumerate(setups):
            with sim.activated():
                paginator = _client().get_paginator("list_model_customization_jobs")

                def walk(paginator: Any = paginator) -> int:
                    return sum(len(p["modelCustomizationJobSummaries"]) for p in paginator.paginate())
                assert walk() == n
                best[i] = min(best[i], _rate(walk, 1) / n)
                calls[i] = calls[i] or _calls(walk) / n
    return list(zip(best, calls))


def _memory_per_job(n: int) -> dict[str, float]:
    with simulate(policy=Manual(), clock="virtual") as fake:
        tracemalloc.start()
        before = tracemalloc.take_snapshot()
        _seed(fake.backend, n)
        jobs = fake.backend.jobs()
        for job in jobs:
            job.description()  # stored as a job is once listed or got
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        stored = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
        answer = statistics.mean(len(wire.encode_response("GetModelCustomizationJob", fake.describe(j.arn))[2]) for j in jobs)
    return {"bytes_per_job": stored / n, "get_json_bytes": answer, "ratio": stored / n / answer}


_RSS_CHILD = """
import sys
sys.path.insert(0, {bench!r})
from bench_simulator import _seed
from pytest_bedrock_mock.fakes.simulator import Backend, Manual, SimulatorConfig, VirtualClock
def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) * 1024
backend = Backend(SimulatorConfig(policy=Manual()), VirtualClock())
_seed(backend, 10)
start = rss()
_seed(backend, {n} - 10)
for job in backend.jobs():
    job.description()
print(start, rss())
"""


def _rss(n: int) -> dict[str, float]:
    """Resident memory of a fresh process holding ``n`` rendered jobs (Linux ``/proc``), and what the jobs added."""
    import pathlib

    code = _RSS_CHILD.format(bench=str(pathlib.Path(__file__).parent), n=n)
    start, end = map(int, subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split())
    return {"jobs": n, "rss_mib": end / 2**20, "added_mib": (end - start) / 2**20, "bytes_per_job": (end - start) / n}


def bench_list(small: int = 100, large: int = 10_000, paginate: tuple[int, int] = (1_000, 10_000), memory_jobs: int = 2_000,
               rss_jobs: int = 100_000, rounds: int = 5, page: int = 10, per_round: int = 40) -> dict[str, Any]:
    small_pages, large_pages = _page_times((small, large), rounds, page, per_round)
    pages = {name: {"small_us": small_pages[name][0], "large_us": large_pages[name][0], "ratio": large_pages[name][0] / small_pages[name][0],
                    "small_calls": small_pages[name][1], "large_calls": large_pages[name][1]}
             for name in small_pages if name in large_pages}
    (walk_small, calls_small), (walk_large, calls_large) = _paginate(paginate, rounds)
    return {"jobs": {"small": small, "large": large}, "pages": pages, "worst_page_ratio": max(p["ratio"] for p in pages.values()),
            "worst_page_calls_ratio": max(p["large_calls"] / p["small_calls"] for p in pages.values()),
            "paginate": {"jobs": list(paginate), "us_per_job": [walk_small, walk_large], "ratio": walk_large / walk_small,
                         "calls_per_job": [calls_small, calls_large], "calls_ratio": calls_large / calls_small},
            "memory": _memory_per_job(memory_jobs), "rss": _rss(rss_jobs)}


def _print_list(result: dict[str, Any]) -> None:
    jobs = result["jobs"]
    print(f"List page, through a client (best of interleaved rounds): {jobs['small']} jobs vs {jobs['large']} jobs")
    for name, page in result["pages"].items():
        print(f"  {name:<38} {page['small_us']:6.0f} us {page['large_us']:6.0f} us  {page['ratio']:.2f}x   "
              f"({page['small_calls']} vs {page['large_calls']} function calls)")
    print(f"  worst ratio {result['worst_page_ratio']:.2f}x (target <= 2x); in function calls {result['worst_page_calls_ratio']:.2f}x")
    walk = result["paginate"]
    print(f"Whole paginate: {walk['us_per_job'][0]:.1f} us per job at {walk['jobs'][0]} jobs, {walk['us_per_job'][1]:.1f} us at "
          f"{walk['jobs'][1]} ({walk['ratio']:.2f}x per job; linear is about 1x); function calls per job "
          f"{walk['calls_per_job'][0]:.1f} vs {walk['calls_per_job'][1]:.1f} ({walk['calls_ratio']:.2f}x)")
    mem, rss = result["memory"], result["rss"]
    print(f"Memory per job: {mem['bytes_per_job']:.0f} B stored, Get answer {mem['get_json_bytes']:.0f} B of JSON: {mem['ratio']:.2f}x (target <= 3x)")
    print(f"{rss['jobs']} jobs: process RSS {rss['rss_mib']:.0f} MiB ({rss['added_mib']:.0f} MiB for the jobs, {rss['bytes_per_job']:.0f} B each; "
          "target < 1024 MiB)")


def figures(smoke: bool) -> list[dict[str, Any]]:
    """The simulator's List-at-scale figures for the suite (``bench/run.py``); Get vs moto is ``bench_server``'s."""
    from _suite import figure

    if smoke:
        result = bench_list(small=24, large=48, paginate=(30, 60), memory_jobs=20, rss_jobs=100, rounds=1, page=2, per_round=3)
    else:
        result = bench_list()
    worst = max(result["pages"].items(), key=lambda item: item[1]["ratio"])
    name, page = worst
    walk, mem, rss_ = result["paginate"], result["memory"], result["rss"]
    jobs = result["jobs"]
    return [
        figure(f"List page at {jobs['large']:,} jobs (worst query: {name})", page["large_us"], "us", f"the same page at {jobs['small']} jobs",
               page["small_us"], page["ratio"], "ratio <= 2"),
        figure(f"whole paginate per job at {walk['jobs'][1]:,} jobs", walk["us_per_job"][1], "us", f"per job at {walk['jobs'][0]:,} jobs",
               walk["us_per_job"][0], walk["ratio"], None, note="linear is about 1x; function calls per job "
               f"{walk['calls_per_job'][0]:.1f} vs {walk['calls_per_job'][1]:.1f}"),
        figure("memory per stored job", mem["bytes_per_job"], "B", "its Get answer as JSON", mem["get_json_bytes"], mem["ratio"], "ratio <= 3"),
        figure(f"process RSS holding {rss_['jobs']:,} jobs", rss_["rss_mib"], "MiB", "1 GiB", 1024.0, rss_["rss_mib"] / 1024, "ratio <= 1"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="tiny counts: proves the bench runs (figures meaningless)")
    parser.add_argument("--no-list", action="store_true", help="skip the List-at-scale section (it seeds 100,000 jobs)")
    args = parser.parse_args(argv)
    if args.smoke:
        result = {"get": bench_get(20, rounds=1), "threads": bench_threads(2, 6)}
        if not args.no_list:
            result["list"] = bench_list(small=24, large=48, paginate=(30, 60), memory_jobs=20, rss_jobs=100, rounds=1, page=2, per_round=3)
    else:
        result = {"get": bench_get(args.calls), "threads": bench_threads()}
        if not args.no_list:
            result["list"] = bench_list()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        g, t = result["get"], result["threads"]
        print(f"Get per call: simulator (parsed) {g['simulator_parsed_us']:.0f} us, simulator (wire) {g['simulator_wire_us']:.0f} us, "
              f"moto {g['moto_us']:.0f} us")
        print(f"  moto / simulator: parsed {g['ratio_parsed']:.1f}x (target >= 5x), wire {g['ratio_wire']:.1f}x")
        print(f"{t['calls']} calls from {t['threads']} threads: {t['wall_s']:.2f} s, {t['jobs_created']} jobs, "
              f"no lost or duplicated job: {t['no_lost_or_duplicated']}")
        if "list" in result:
            _print_list(result["list"])
    return 0 if result["threads"]["no_lost_or_duplicated"] else 1


if __name__ == "__main__":
    sys.exit(main())
