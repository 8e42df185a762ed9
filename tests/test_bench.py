"""The benchmark suite still runs: ``bench/run.py --smoke`` in a child process, every figure in its JSON.

Timings are not asserted (the machine may be shared); what is checked is that every bench module
with ``figures()`` ran without error and reported each figure with the protocol's keys
(``bench/_suite.py``).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"

# the benches compare against vcrpy and moto's server (the dev extra); an environment without them
# (CI's floors job installs the runtime and test floors only) has nothing to compare against
pytest.importorskip("vcr", reason="the benches need the dev extra (vcrpy)")
pytest.importorskip("flask", reason="the benches need the dev extra (moto[server])")
KEYS = ("name", "value", "unit", "anchor", "anchor_value", "ratio", "target")


def _suite_modules() -> list[str]:
    return sorted(p.stem for p in BENCH.glob("bench_*.py") if "def figures(" in p.read_text())


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--smoke", "--json", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"bench/run.py --smoke failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return json.loads(out.read_text())


def test_every_bench_module_runs_in_smoke_mode(smoke: dict) -> None:
    assert smoke["smoke"] is True
    assert smoke["modules"] == _suite_modules()
    assert {"bench_stubber", "bench_playback", "bench_coverage", "bench_server"} <= set(smoke["modules"])
    reported = {f["module"] for f in smoke["figures"]}
    assert reported == set(smoke["modules"]), "a module reported no figure"
    assert not [f for f in smoke["figures"] if f.get("error")]


def test_every_figure_has_the_protocols_keys_and_a_measured_value(smoke: dict) -> None:
    names = [f["name"] for f in smoke["figures"]]
    assert len(names) == len(set(names)), "figure names are unique"
    for fig in smoke["figures"]:
        assert set(KEYS) <= set(fig), fig
        assert isinstance(fig["value"], (int, float)) and math.isfinite(fig["value"]), fig
        # a cost is positive; a difference against the anchor (the plugin's start-up and per-test cost) may fall
        # below zero within the noise of one smoke run
        assert fig["value"] > 0 or fig.get("difference"), fig
        if fig["target"] is not None:
            field, op, bound = fig["target"].split()
            assert field in ("ratio", "value") and op in ("<=", ">=") and float(bound) > 0, fig
            assert fig[field] is not None, fig
        if fig["anchor_value"] is not None:
            assert fig["anchor"] and fig["anchor_value"] > 0, fig


def test_the_issue_figures_are_all_there(smoke: dict) -> None:
    names = {f["name"] for f in smoke["figures"]}
    for op in ("Get", "Create", "List"):
        assert f"stubbed {op} per call" in names
    assert {"simulator Get per call (parsed level)", "server Gets/s, 8 client threads",
            "playback Get per call vs vcrpy", "playback Get per call vs moto"} <= names
