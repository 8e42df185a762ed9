"""Throughput and validity of ``strategies.create_job_requests()`` vs hypothesis-jsonschema.

Run: ``python bench/bench_strategies.py [--n 300] [--ours-n 2000] [--budget 300] [--rich-n 300] [--rounds 3] [--smoke]``. In one run it measures

* ours: ``create_job_requests()`` drawn through ``@given`` (generate phase only, default
  health checks on), examples/second and the fraction that pass both
  ``contract.validate_request`` and botocore's own ``validate_parameters``;
* the anchor: ``hypothesis_jsonschema.from_schema()`` on the Create request's JSON Schema
  (``pytest_bedrock_mock.contract.schema.json_schema``), drawn the same way. hypothesis-jsonschema
  only works with Hypothesis < 6.120, so it runs in its own virtual environment
  (``bench/.venv-hjs``, created on first use from PyPI, git-ignored) in a subprocess that
  writes its examples as JSON; they are validated here with the same checks;
* how often plain ``hypothesis.strategies.from_regex(fullmatch=True)`` on each translated
  pattern of the request also meets the member's length bounds (why we build strings by
  construction instead).

Reports the throughput ratio ours/anchor. Target: >= 20x, 100% valid, zero health-check failures.

Then the richer strategies, in the same run, against ``create_job_requests()`` as their anchor:
``job_descriptions()``, ``job_lifecycles()`` and ``list_job_pages()``, each drawn through ``@given``
(generate phase, default health checks) in interleaved rounds, best round kept; examples/s, the
ratio to the anchor, the fraction valid (contract, and the consistency rules for Get answers)
and any health check. Target (issue 13): descriptions and lifecycles >= 150 examples/s where
Create requests ran at 172/s, i.e. a ratio >= 0.87.

``--smoke`` runs a few examples of each, one round, and skips hypothesis-jsonschema and the
from_regex table: it checks the script still works, its figures mean nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import venv
from pathlib import Path
from typing import Any

from botocore.exceptions import ParamValidationError
from botocore.validate import validate_parameters
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pytest_bedrock_mock.contract.schema import json_schema
from pytest_bedrock_mock.contract.validate import validate_request, validate_response
from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.core.javaregex import compile_pattern, java_length
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.strategies import create_job_requests, job_descriptions, job_lifecycles, list_job_pages
from pytest_bedrock_mock.strategies.walker import member_paths

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-hjs"
OP = "CreateModelCustomizationJob"
GET, LIST = "GetModelCustomizationJob", "ListModelCustomizationJobs"
#: Target ratio of descriptions and lifecycles to Create requests: 150 examples/s against Create's 172/s.
RICH_TARGET = 150 / 172
COMPETITOR = r'''
import json, signal, sys, time, warnings
warnings.simplefilter("ignore")
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import FailedHealthCheck
from hypothesis_jsonschema import from_schema
schema, n, budget = json.load(open(sys.argv[1])), int(sys.argv[2]), float(sys.argv[3])
strategy = from_schema(schema)
out, health = [], []
class OutOfTime(BaseException):
    pass
def out_of_time(signum, frame):
    raise OutOfTime()
signal.signal(signal.SIGALRM, out_of_time)
def run(checks):
    start = time.perf_counter()
    signal.alarm(max(1, int(budget)))
    @settings(max_examples=n, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=checks)
    @given(strategy)
    def collect(value):
        out.append(value)
        if time.perf_counter() - start > budget:
            raise OutOfTime()
    try:
        collect()
    except OutOfTime:
        health.append(f"stopped at the {budget:.0f} s budget")
    finally:
        signal.alarm(0)
start = time.perf_counter()
try:
    run(())
except FailedHealthCheck as exc:
    health.append(str(exc).splitlines()[0])
    out.clear()
    start = time.perf_counter()
    run(list(HealthCheck))
seconds = time.perf_counter() - start
json.dump({"seconds": seconds, "examples": out, "health": health}, sys.stdout, default=str)
'''


def _python() -> Path:
    return VENV / ("Scripts" if sys.platform == "win32" else "bin") / "python"


def ensure_venv() -> Path:
    if not _python().exists():
        print(f"creating {VENV} (hypothesis<6.120, hypothesis-jsonschema) ...", flush=True)
        venv.create(VENV, with_pip=True)
        subprocess.run([str(_python()), "-m", "pip", "install", "-q", "hypothesis<6.120", "hypothesis-jsonschema"], check=True)
    return _python()


def is_valid(params: Any) -> bool:
    if not isinstance(params, dict) or validate_request(OP, params):
        return False
    try:
        validate_parameters(params, get_model().input_shape(OP))
    except ParamValidationError:
        return False
    return True


def run_ours(n: int) -> dict[str, Any]:
    out: list[Any] = []

    @settings(max_examples=n, database=None, deadline=None, phases=[Phase.generate])
    @given(create_job_requests())
    def collect(params: Any) -> None:
        out.append(params)

    start = time.perf_counter()
    health = []
    try:
        collect()
    except Exception as exc:  # a FailedHealthCheck counts against us
        health.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    return {"seconds": time.perf_counter() - start, "examples": out, "health": health}


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every local ``$ref`` replaced by its definition (hypothesis-jsonschema
    cannot resolve refs against a ``urn:`` ``$id``); the Create request has no recursive shape."""
    defs = schema.get("$defs", {})

    def expand(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return expand(defs[node["$ref"].rsplit("/", 1)[1]])
            return {k: expand(v) for k, v in node.items() if k not in ("$defs", "$id", "$schema")}
        if isinstance(node, list):
            return [expand(v) for v in node]
        return node

    return expand(schema)  # type: ignore[no-any-return]


def run_competitor(n: int, budget: float) -> dict[str, Any]:
    python = ensure_venv()
    schema_file = HERE / ".venv-hjs" / "create_request.schema.json"
    # ``(?![\s\S])`` (end of input in every dialect) becomes Python's ``\Z``, same meaning, which
    # hypothesis-jsonschema's from_regex handles directly instead of filtering on a lookahead
    text = json.dumps(inline_refs(json_schema(OP))).replace(json.dumps("(?![\\s\\S])")[1:-1], "\\\\Z")
    schema_file.write_text(text)
    proc = subprocess.run([str(python), "-c", COMPETITOR, str(schema_file), str(n), str(budget)], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def _draw_all(strategy: st.SearchStrategy[str], samples: int) -> list[str]:
    values: list[str] = []

    @settings(max_examples=samples, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: str) -> None:
        values.append(value)

    collect()
    return values


def from_regex_fit(samples: int = 200) -> list[tuple[str, str]]:
    """For each patterned string member: the fraction of from_regex(fullmatch=True) draws that also fit the length bounds."""
    shape = get_model().input_shape(OP)
    rows, seen = [], set()
    for _path, member in member_paths(shape):
        pattern = member.metadata.get("pattern")
        if member.type_name != "string" or pattern is None or member.name in seen:
            continue
        seen.add(member.name)
        rx = compile_pattern(pattern)
        low, high = member.metadata.get("min", 0), member.metadata.get("max", 10**9)
        try:
            values = _draw_all(st.from_regex(rx, fullmatch=True), samples)
        except Exception as exc:  # Hypothesis cannot even build a strategy for some patterns
            rows.append((member.name, f"cannot generate ({type(exc).__name__})"))
            continue
        fit = sum(low <= java_length(v) <= high for v in values) / max(1, len(values))
        rows.append((member.name, f"{fit:7.1%} of {len(values)}"))
    return rows


def _get_ok(job: Any) -> bool:
    return not validate_response(GET, job) and not rules.check_consistency(job)


RICH: dict[str, tuple[Any, Any]] = {
    # name: (strategy factory, validity check of one example)
    "create_job_requests()": (create_job_requests, is_valid),
    "job_descriptions()": (job_descriptions, _get_ok),
    "job_lifecycles()": (job_lifecycles, lambda jobs: all(map(_get_ok, jobs))),
    "list_job_pages()": (list_job_pages, lambda pages: all(not validate_response(LIST, p) for p in pages)),
}


def _timed_run(strategy: st.SearchStrategy[Any], n: int) -> dict[str, Any]:
    out: list[Any] = []

    @settings(max_examples=n, database=None, deadline=None, phases=[Phase.generate])
    @given(strategy)
    def collect(value: Any) -> None:
        out.append(value)

    health = []
    start = time.perf_counter()
    try:
        collect()
    except Exception as exc:  # a FailedHealthCheck counts against us
        health.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    return {"seconds": time.perf_counter() - start, "examples": out, "health": health}


def run_rich(n: int, rounds: int) -> None:
    """Examples/s of each richer strategy and its ratio to create_job_requests(), in interleaved rounds."""
    strategies = {name: factory() for name, (factory, _) in RICH.items()}
    for strategy in strategies.values():  # build and warm up: a one-off per process, not throughput
        _timed_run(strategy, 2)
    best: dict[str, dict[str, Any]] = {}
    for _ in range(rounds):
        for name, strategy in strategies.items():
            res = _timed_run(strategy, n)
            res["rate"] = len(res["examples"]) / res["seconds"] if res["seconds"] else 0.0
            if name not in best or res["rate"] > best[name]["rate"]:
                best[name] = res
    anchor = best["create_job_requests()"]["rate"]
    print(f"\n{'strategy (best of ' + str(rounds) + ' rounds)':38} {'examples':>8} {'ex/s':>9} {'ratio':>7} {'valid':>7}  health checks")
    for name, res in best.items():
        check = RICH[name][1]
        valid = sum(map(check, res["examples"])) / max(1, len(res["examples"]))
        ratio = res["rate"] / anchor if anchor else float("inf")
        print(f"{name:38} {len(res['examples']):8d} {res['rate']:9.1f} {ratio:7.2f} {valid:7.1%}  {'; '.join(res['health']) or 'none'}")
    print(f"target: job_descriptions and job_lifecycles ratio >= {RICH_TARGET:.2f} (150 examples/s where Create ran at 172/s)")


def figures(smoke: bool) -> list[dict[str, Any]]:
    """Examples/s of the richer strategies against ``create_job_requests()`` in the same run, for the suite (``bench/run.py``)."""
    from _suite import figure

    n, rounds = (5, 1) if smoke else (300, 3)
    strategies = {name: factory() for name, (factory, _) in RICH.items()}
    for strategy in strategies.values():  # build and warm up: a one-off per process, not throughput
        _timed_run(strategy, 2)
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, strategy in strategies.items():
            res = _timed_run(strategy, n)
            rate = len(res["examples"]) / res["seconds"] if res["seconds"] else 0.0
            best[name] = max(best.get(name, 0.0), rate)
    anchor = best.pop("create_job_requests()")
    return [figure(f"{name} examples/s", rate, "examples/s", "create_job_requests()", anchor, rate / anchor if anchor else None,
                   f"ratio >= {RICH_TARGET:.2f}" if name != "list_job_pages()" else None) for name, rate in best.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="examples for hypothesis-jsonschema (default 300)")
    parser.add_argument("--ours-n", type=int, default=2000, help="examples for create_job_requests (default 2000)")
    parser.add_argument("--budget", type=float, default=300.0, help="seconds the competitor may run (default 300); it reports what it made")
    parser.add_argument("--skip-competitor", action="store_true")
    parser.add_argument("--rich-n", type=int, default=300, help="examples per round for each richer strategy (default 300)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the richer strategies; the best counts (default 3)")
    parser.add_argument("--smoke", action="store_true", help="a few examples of each, one round, no competitor: checks the script runs")
    args = parser.parse_args()
    if args.smoke:
        args.ours_n, args.rich_n, args.rounds, args.skip_competitor = 10, 5, 1, True
    create_job_requests()  # build once (pattern compilation is a one-off per process)
    rows = []
    ours = run_ours(args.ours_n)
    rows.append(("strategies.create_job_requests", ours))
    if not args.skip_competitor:
        print(f"ours: {len(ours['examples'])} examples in {ours['seconds']:.2f} s; running hypothesis-jsonschema ...", flush=True)
        rows.append(("hypothesis_jsonschema.from_schema", run_competitor(args.n, args.budget)))
    print(f"{'generator':38} {'examples':>8} {'seconds':>8} {'ex/s':>9} {'valid':>7}  health checks")
    rates = {}
    for name, res in rows:
        examples = res["examples"]
        valid = sum(map(is_valid, examples)) / max(1, len(examples))
        rate = len(examples) / res["seconds"] if res["seconds"] else 0.0
        rates[name] = rate
        print(f"{name:38} {len(examples):8d} {res['seconds']:8.2f} {rate:9.1f} {valid:7.1%}  {'; '.join(res['health']) or 'none'}")
    if len(rates) == 2:
        anchor = rates["hypothesis_jsonschema.from_schema"]
        ratio = rates["strategies.create_job_requests"] / anchor if anchor else float("inf")
        print(f"\nthroughput ratio ours / hypothesis-jsonschema: {ratio:.1f}x (target >= 20x)")
    run_rich(args.rich_n, args.rounds)
    if not args.smoke:
        print("\nfrom_regex(fullmatch=True) draws that also fit the member's length bounds:")
        for name, fraction in from_regex_fit():
            print(f"  {name:32} {fraction}")


if __name__ == "__main__":
    main()
