"""What the plugin costs a project that does not use it: start-up, and per test.

Run: ``python bench/bench_startup.py`` (``--smoke`` for a quick check with tiny counts). Builds, in a
temporary directory, a project whose tests never touch the kit, and runs pytest on it with the
plugin and with ``-p no:bedrock_mock`` (the anchor), interleaved, in fresh processes:

* start-up: ``pytest --co -q`` on a 200-test project, the median of ``--runs`` runs each way;
* per test: a full run of a 2,000-test project of trivial tests each way; a small timing plugin
  (``-p _bench_looptimer``, written beside the project) takes the CPU time of pytest's test loop
  alone (``pytest_runtestloop``: start-up and collection are not counted), and the median of the
  differences of runs made back to back (with, then without) is divided by 2,000.

Start-up shows wall time and CPU time (user + system of the child); on a shared machine the CPU
time varies less. Hypothesis' and Faker's own pytest plugins load in both runs (they come with the
kit's dependencies), so the difference is this plugin's alone.

Targets (issue 13): start-up <= 0.15 s more than without the plugin; <= 10 us per test.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

START_UP_TARGET_S = 0.15
PER_TEST_TARGET_US = 10.0


LOOP_TIMER = '''
import os
import time

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session):
    start = time.process_time()
    try:
        return (yield)
    finally:
        with open(os.environ["BENCH_LOOP_CPU"], "w") as out:
            out.write(repr(time.process_time() - start))
'''


def build_project(folder: Path, tests: int, per_module: int = 20) -> Path:
    """``tests`` trivial tests in modules of ``per_module``; none uses a fixture or marker of the kit."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pytest.ini").write_text("[pytest]\n")  # this folder is the rootdir: no ini file of the repo applies
    for m in range((tests + per_module - 1) // per_module):
        count = min(per_module, tests - m * per_module)
        body = "".join(f"def test_{i}():\n    assert {i} + 1 == {i + 1}\n\n\n" for i in range(count))
        (folder / f"test_m{m:03d}.py").write_text(body)
    return folder


def run_once(project: Path, *args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ``python -m pytest -q -p no:cacheprovider *args`` in ``project``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(_loop_timer_env(project))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {project}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _loop_timer_env(project: Path) -> dict[str, str]:
    """The environment that lets ``-p _bench_looptimer`` load (the module lives beside ``project``)."""
    timer = project.parent / "_bench_looptimer.py"
    if not timer.exists():
        timer.write_text(LOOP_TIMER)
    path = os.pathsep.join(p for p in (str(project.parent), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "BENCH_LOOP_CPU": str(project.parent / "loop_cpu.txt")}


def loop_cpu(project: Path, *args: str) -> float:
    """CPU seconds of pytest's test loop alone (start-up and collection left out) in one run."""
    run_once(project, "-p", "_bench_looptimer", *args)
    return float((project.parent / "loop_cpu.txt").read_text())


def per_test_us(project: Path, tests: int, runs: int) -> tuple[float, float]:
    """(extra microseconds per test with the plugin, microseconds per test without): medians over interleaved pairs."""
    loop_cpu(project)
    loop_cpu(project, "-p", "no:bedrock_mock")  # warm-up: bytecode caches, file system
    with_plugin, without = [], []
    for _ in range(runs):
        with_plugin.append(loop_cpu(project))
        without.append(loop_cpu(project, "-p", "no:bedrock_mock"))
    base = statistics.median(without)
    extra = statistics.median(w - o for w, o in zip(with_plugin, without))  # pairs run back to back see the same load
    return extra / tests * 1e6, base / tests * 1e6


def compare(project: Path, runs: int, *args: str) -> dict[str, float]:
    """Median wall and CPU seconds with the plugin and without it (runs interleaved); one warm-up run each."""
    run_once(project, *args)
    run_once(project, "-p", "no:bedrock_mock", *args)
    with_plugin: list[tuple[float, float]] = []
    without: list[tuple[float, float]] = []
    for _ in range(runs):
        with_plugin.append(run_once(project, *args))
        without.append(run_once(project, "-p", "no:bedrock_mock", *args))
    out = {}
    for i, kind in enumerate(("wall", "cpu")):
        out[f"{kind}_with"] = statistics.median(r[i] for r in with_plugin)
        out[f"{kind}_without"] = statistics.median(r[i] for r in without)
        out[f"{kind}_diff"] = out[f"{kind}_with"] - out[f"{kind}_without"]
    return out


def figures(smoke: bool) -> list[dict[str, Any]]:
    """Start-up and per-test cost of the plugin against ``-p no:bedrock_mock`` (CPU time), for the suite (``bench/run.py``)."""
    from _suite import figure

    runs, run_runs, tests, many = (1, 1, 20, 100) if smoke else (9, 9, 200, 2000)
    with tempfile.TemporaryDirectory() as tmp:
        start = compare(build_project(Path(tmp, "small", "project"), tests), runs, "--co")
        per_test, base = per_test_us(build_project(Path(tmp, "many", "project"), many), many, run_runs)
    return [
        figure(f"start-up cost of the plugin, pytest --co -q on {tests} tests", start["cpu_diff"], "s", "the same run with -p no:bedrock_mock",
               start["cpu_without"], start["cpu_with"] / start["cpu_without"], f"value <= {START_UP_TARGET_S}", difference=True),
        figure(f"per-test cost of the plugin, {many} trivial tests (test loop CPU)", per_test, "us", "per test with -p no:bedrock_mock",
               base, None, f"value <= {PER_TEST_TARGET_US:.0f}", difference=True),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs each way for start-up (median)")
    parser.add_argument("--run-runs", type=int, default=9, help="runs each way for the per-test cost (median)")
    parser.add_argument("--tests", type=int, default=200, help="tests in the start-up project")
    parser.add_argument("--many", type=int, default=2000, help="tests in the per-test project")
    parser.add_argument("--smoke", action="store_true", help="tiny counts: checks that the script works")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.run_runs, args.tests, args.many = 1, 1, 20, 100
    with tempfile.TemporaryDirectory() as tmp:
        small = build_project(Path(tmp, "small", "project"), args.tests)
        start = compare(small, args.runs, "--co")
        print(f"start-up, pytest --co -q on {args.tests} tests ({args.runs} runs each way, median):")
        for kind in ("wall", "cpu"):
            print(f"  {kind:4}: {start[f'{kind}_with']:.3f} s with the plugin, {start[f'{kind}_without']:.3f} s without: "
                  f"{start[f'{kind}_diff']:+.3f} s (target <= {START_UP_TARGET_S} s: {'met' if start[f'{kind}_diff'] <= START_UP_TARGET_S else 'NOT met'})")
        per_test, base = per_test_us(build_project(Path(tmp, "many", "project"), args.many), args.many, args.run_runs)
        print(f"per test, {args.many} trivial tests run ({args.run_runs} runs each way, median CPU of the test loop): {base:.1f} us without the "
              f"plugin, {per_test:+.1f} us with it (target <= {PER_TEST_TARGET_US:.0f} us: {'met' if per_test <= PER_TEST_TARGET_US else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
