"""The suite's protocol and the timing helpers the bench modules share.

Every ``bench/bench_*.py`` that defines ``figures(smoke: bool) -> list[dict]`` is part of the suite
(``python bench/run.py``). A figure is one measured value beside its anchor, measured in the same run:

=================  =========================================================================
``name``           what was measured (``stubbed Get per call``)
``value``          the measured value, in ``unit``
``unit``           ``us``, ``ms``, ``calls/s``, ``examples/s``, ``%`` ...
``anchor``         what it is compared with (``raw botocore Stubber``)
``anchor_value``   the anchor's value in the same run, same unit (None for an absolute target)
``ratio``          the figure's ratio, spelt out in ``target`` (``value / anchor`` or ``anchor / value``)
``target``         ``"ratio <= 1.15"``, ``"ratio >= 10"``, ``"value <= 1"`` or None (reported only)
=================  =========================================================================

An extra key ``difference=True`` marks a value that is a difference against the anchor (a cost the
plugin adds), which noise may put below zero; ``note`` carries a remark.

Ratios, not absolute times, are the result: the machine may be shared. Timings use CPU time of
this process where the work is in this process (``time.process_time``; other processes' load
does not count), wall time where it is not (servers), and interleave what they compare in
rounds, so load hits each side alike; a figure is the median over rounds.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["BENCH", "KEYS", "cli", "figure", "interleaved", "median_ratio", "met", "moto_child", "per_call"]

BENCH = Path(__file__).resolve().parent
KEYS = ("name", "value", "unit", "anchor", "anchor_value", "ratio", "target")


def figure(name: str, value: float, unit: str, anchor: str, anchor_value: float | None, ratio: float | None,
           target: str | None, **extra: Any) -> dict[str, Any]:
    """One figure of the protocol (``extra`` keys, e.g. ``note``, ride along)."""
    def rounded(x: float | None) -> float | None:
        return None if x is None else float(f"{x:.4g}")

    return {"name": name, "value": rounded(value), "unit": unit, "anchor": anchor, "anchor_value": rounded(anchor_value),
            "ratio": rounded(ratio), "target": target, **extra}


def met(fig: dict[str, Any]) -> bool | None:
    """Whether ``fig`` meets its target (None: no target, or nothing measured)."""
    target = fig.get("target")
    if not target:
        return None
    field, op, bound = target.split()
    value = fig.get(field)
    if value is None:
        return None
    return value <= float(bound) if op == "<=" else value >= float(bound)


def per_call(fn: Callable[[], Any], n: int) -> float:
    """CPU seconds per call of ``fn`` over ``n`` calls."""
    start = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - start) / n


def interleaved(runners: dict[str, Callable[[int], float]], n: int, rounds: int) -> dict[str, list[float]]:
    """Each runner's seconds per call, once per round; a round runs every runner, the order rotating.

    ``runner(n)`` does ``n`` calls and returns seconds per call (set-up outside the timed part).
    """
    names = list(runners)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:
            samples[name].append(runners[name](n))
    return samples


def median_ratio(top: list[float], bottom: list[float]) -> float:
    """The median over rounds of ``top[i] / bottom[i]`` (each round's two sides saw the same load)."""
    return statistics.median(t / b for t, b in zip(top, bottom))


def moto_child(spec: dict[str, Any]) -> dict[str, float]:
    """Run ``bench/_moto_calls.py`` on ``spec`` in a child process that never imports pytest-bedrock-mock."""
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    done = subprocess.run([sys.executable, str(BENCH / "_moto_calls.py")], input=json.dumps(spec), capture_output=True,
                          text=True, env=env, check=False, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"the moto child failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def cli(figures: Callable[[bool], list[dict[str, Any]]], description: str | None) -> int:
    """A bench module's own command line: ``--smoke``, then one line per figure with its verdict."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="tiny counts: proves the bench runs (figures meaningless)")
    args = parser.parse_args()
    for fig in figures(args.smoke):
        print(f"{fig['name']}: {fig['value']} {fig['unit']} vs {fig['anchor']} {fig['anchor_value']}: ratio {fig['ratio']} "
              f"(target {fig['target']}) {'met' if met(fig) else 'MISSED'}")
    return 0
