"""Run the benchmark suite: every ``bench/bench_*.py`` with ``figures(smoke)``, one table of ratios, one JSON file.

    python bench/run.py                 # the full suite (minutes)
    python bench/run.py --smoke         # every bench, tiny loops: proves they still run (seconds; CI)
    python bench/run.py --runs 3        # the suite three times: each run's ratio and their median
    python bench/run.py --only stubber --json out.json

Each module runs in its own child process (a fresh interpreter: no state, interception or
imports shared between benches). The protocol of a figure is in ``bench/_suite.py``. A module
that fails is reported as an ``error`` row and makes the exit status 1; a missed target does not
(the table says so): timings on a shared machine are reported, not asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from _suite import KEYS, met  # noqa: E402


def modules(only: str | None = None) -> list[Path]:
    """The suite's modules: ``bench_*.py`` files that define ``figures``."""
    found = sorted(BENCH.glob("bench_*.py"))
    return [p for p in found if "def figures(" in p.read_text() and (only is None or only in p.stem)]


def _one(path: Path, smoke: bool) -> int:
    """In the child: import ``path``, print its figures as one JSON line."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    figs = module.figures(smoke)
    for fig in figs:
        missing = [k for k in KEYS if k not in fig]
        if missing:
            raise ValueError(f"{path.name}: figure {fig.get('name')!r} lacks {missing}")
    print("\n" + json.dumps(figs))
    return 0


def run_module(path: Path, smoke: bool, timeout: float) -> list[dict[str, Any]]:
    """The figures of one module, from a child process (an ``error`` row when it fails)."""
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--module", str(path)] + (["--smoke"] if smoke else []),
                              capture_output=True, text=True, timeout=timeout, cwd=BENCH.parent, env={**os.environ, "PYTHONHASHSEED": "0"})
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit status {done.returncode}")
        figs: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    except Exception as exc:  # noqa: BLE001 - one failing bench is one row, the suite goes on
        return [{"module": path.stem, "name": f"{path.stem} failed", "error": f"{type(exc).__name__}: {exc}",
                 **{k: None for k in KEYS if k != "name"}}]
    seconds = time.perf_counter() - start
    return [{"module": path.stem, **fig, "seconds": round(seconds, 1)} for fig in figs]


def _merge(runs: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per figure: the median value, anchor value and ratio over runs, and each run's ratio."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for figs in runs:
        for fig in figs:
            row = rows.setdefault((fig["module"], fig["name"]), {**fig, "runs": []})
            row["runs"].append(fig.get("ratio"))
            row.setdefault("_values", []).append(fig)
    out = []
    for row in rows.values():
        samples = row.pop("_values")
        for key in ("value", "anchor_value", "ratio"):
            values = [s[key] for s in samples if s.get(key) is not None]
            row[key] = statistics.median(values) if values else None
        row["met"] = met(row)
        out.append(row)
    return out


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a plain-text table."""
    def num(x: Any) -> str:
        return "-" if x is None else f"{x:.4g}"

    header = ["figure", "value", "anchor", "anchor value", "ratio", "runs", "target", ""]
    lines = [header]
    for r in rows:
        if r.get("error"):
            lines.append([r["name"], "", "", "", "", "", "", "ERROR: " + r["error"][:80]])
            continue
        lines.append([r["name"], f"{num(r['value'])} {r['unit']}", r["anchor"] or "", num(r["anchor_value"]), num(r["ratio"]),
                      " ".join(num(x) for x in r.get("runs", [])), r["target"] or "",
                      {True: "met", False: "MISSED", None: ""}[r.get("met")]])
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="tiny loops: prove every bench runs (no meaningful timings)")
    parser.add_argument("--runs", type=int, default=1, help="run the whole suite this many times (modules interleaved)")
    parser.add_argument("--only", help="run only the modules whose name contains this")
    parser.add_argument("--json", type=Path, default=BENCH / "results.json", help="where to write the results (default bench/results.json)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds one module may take")
    parser.add_argument("--module", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.module is not None:
        return _one(args.module, args.smoke)
    paths = modules(args.only)
    runs = [[fig for path in paths for fig in run_module(path, args.smoke, args.timeout)] for _ in range(max(1, args.runs))]
    rows = _merge(runs)
    print(table(rows))
    result = {"smoke": args.smoke, "runs": len(runs), "python": platform.python_version(), "machine": platform.machine(),
              "cpus": os.cpu_count(), "modules": [p.stem for p in paths], "figures": rows}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten to {args.json}")
    return 1 if any(r.get("error") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
