"""The package as users get it, in a virtual environment that sees nothing of this one.

A clean copy of the checkout (the files git knows, symlinks kept) is installed editable, with
its dependencies (from pip's cache), into a venv made *without* system site-packages, then
built into a wheel that replaces it; each install is probed from a directory outside the repo. The repo keeps ``strategies/`` at its top
level but it is installed only as ``pytest_bedrock_mock.strategies``: no install may expose a
top-level ``strategies`` module (a second copy of it would load next to the real one).

Building the venv takes a while (about 15 s; more on a loaded machine), so it is done once per run, even under xdist:
the first worker that needs it builds it, the others wait for its result (:func:`_once_per_run`).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import time
import venv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the checkout")

#: Run by the venv's interpreter: what an import of the installed package finds.
PROBE = r"""
import importlib.metadata as md, json, sys
from pathlib import Path

import pytest_bedrock_mock
import pytest_bedrock_mock.strategies as ours
from pytest_bedrock_mock.strategies import create_job_requests

try:
    import strategies
    top_level = strategies.__file__
except ModuleNotFoundError:
    top_level = None
dist = md.distribution("pytest-bedrock-mock")
print(json.dumps({
    "package": pytest_bedrock_mock.__file__,
    "strategies": ours.__file__,
    "create_job_requests": create_job_requests.__module__,
    "top_level_strategies": top_level,
    "without_py_typed": [m.__name__ for m in (pytest_bedrock_mock, ours) if not (Path(m.__file__).parent / "py.typed").is_file()],
    "entry_points": sorted(f"{e.group}: {e.name} = {e.value}" for e in dist.entry_points),
    "description": dist.metadata.get_payload(),
    "classifiers": dist.metadata.get_all("Classifier"),
    "urls": dist.metadata.get_all("Project-URL"),
    "license": dist.metadata.get("License-Expression"),
    "sys_path": sys.path,
}))
"""

DOWNSTREAM_TEST = '''
import boto3
import pytest_bedrock_mock

def test_uses_the_installed_plugin(bedrock_stubber):
    print("PLUGIN FROM", pytest_bedrock_mock.__file__)
    bedrock_stubber.add_get_job("Completed")
    job = boto3.client("bedrock").get_model_customization_job(jobIdentifier="my-job")
    assert job["status"] == "Completed"
'''


def _clean_copy(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    for name in files:
        src, target = ROOT / name, dest / name
        if src.is_symlink() or src.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target, follow_symlinks=False)  # pytest_bedrock_mock/strategies stays a symlink


def _run(cmd: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST", "VIRTUAL_ENV", "COV_"))}
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _checked(cmd: list[str | Path], cwd: Path) -> str:
    done = _run(cmd, cwd)
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _build(home: Path) -> dict[str, Any]:
    """Install the copy editable (with its dependencies) and probe it; then its wheel, and probe that."""
    source, env_dir, outside = home / "checkout", home / "venv", home / "elsewhere"
    for folder in (source, outside):
        folder.mkdir()
    _clean_copy(source)
    venv.EnvBuilder(with_pip=False).create(env_dir)  # isolated: no system site-packages
    python = env_dir / "bin" / "python"
    # No bytecode at install: the probes compile (and keep) only what they import. hatchling and
    # editables build in the venv itself (--no-build-isolation), so they are fetched once for both builds.
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    started = time.monotonic()
    _checked([*pip, "hatchling", "editables"], outside)
    # The editable install first: it resolves the dependencies (the same list as the wheel's)
    # and leaves nothing behind in site-packages that could shadow the wheel installed next.
    _checked([*pip, "--no-build-isolation", "--editable", source, "boto3"], outside)  # boto3: for the downstream test
    editable: dict[str, Any] = json.loads(_checked([python, "-c", PROBE], outside))
    _checked([*pip, "--no-build-isolation", "--no-deps", "--force-reinstall", source], outside)
    wheel: dict[str, Any] = json.loads(_checked([python, "-c", PROBE], outside))
    wheel["help_script"] = _checked([env_dir / "bin" / "bedrock-mock", "--help"], outside)
    wheel["help_module"] = _checked([python, "-m", "pytest_bedrock_mock", "--help"], outside)
    (outside / "test_downstream.py").write_text(DOWNSTREAM_TEST)
    done = _run([python, "-m", "pytest", "-s", "-p", "no:cacheprovider", "test_downstream.py"], outside)
    wheel["downstream"] = {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
    return {"source": str(source), "env": str(env_dir), "seconds": round(time.monotonic() - started, 1),
            "wheel": wheel, "editable": editable}


def _once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    """``build(folder)`` once per test run: xdist workers share the run's temporary root."""
    base = tmp_path_factory.getbasetemp()
    home = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    result = home / "result.json"
    try:
        home.mkdir()  # atomic: exactly one process builds
    except FileExistsError:
        deadline = time.monotonic() + 900
        while not result.exists():
            if time.monotonic() > deadline:
                pytest.fail(f"another worker has been building {home} for 15 minutes")
            time.sleep(0.2)
        data: dict[str, Any] = json.loads(result.read_text())
    else:
        try:
            data = build(home)
        except Exception as exc:
            data = {"error": f"{type(exc).__name__}: {exc}"}
        partial = home / "result.json.part"
        partial.write_text(json.dumps(data))
        partial.replace(result)
    if "error" in data:
        pytest.fail(f"building {home} failed: {data['error']}")
    return data


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _once_per_run(tmp_path_factory, "packaging", _build)


@needs_git
@pytest.mark.parametrize("mode", ["wheel", "editable"])
def test_strategies_are_installed_only_under_the_package(installed: dict[str, Any], mode: str) -> None:
    probe = installed[mode]
    assert probe["top_level_strategies"] is None, f"{mode}: a top-level `strategies` module is importable: {probe['top_level_strategies']}"
    assert probe["create_job_requests"].startswith("pytest_bedrock_mock.strategies.")
    assert Path(probe["strategies"]).parent == Path(probe["package"]).parent / "strategies"
    assert probe["without_py_typed"] == []
    source = Path(installed["source"])
    if mode == "wheel":
        assert Path(probe["package"]).is_relative_to(installed["env"]), probe["package"]
        assert not Path(probe["strategies"]).is_symlink() and Path(probe["strategies"]).resolve().is_relative_to(installed["env"])
    else:  # the checkout itself, through its symlink, and the checkout's root is not on sys.path
        assert Path(probe["package"]) == source / "pytest_bedrock_mock" / "__init__.py"
        assert Path(probe["strategies"]).resolve() == (source / "strategies" / "__init__.py").resolve()
        assert str(source) not in probe["sys_path"]


@needs_git
@pytest.mark.parametrize("mode", ["wheel", "editable"])
def test_entry_points(installed: dict[str, Any], mode: str) -> None:
    assert installed[mode]["entry_points"] == [
        "console_scripts: bedrock-mock = pytest_bedrock_mock.cli:main",
        "pytest11: bedrock_mock = pytest_bedrock_mock.plugin",
    ]


@needs_git
def test_console_script_and_python_m_print_the_same_help(installed: dict[str, Any]) -> None:
    wheel = installed["wheel"]
    assert wheel["help_script"] == wheel["help_module"]
    for command in ("operations", "serve", "cassettes", "schema", "coverage"):
        assert command in wheel["help_script"]


@needs_git
def test_downstream_suite_with_no_conftest_gets_the_installed_plugin(installed: dict[str, Any]) -> None:
    result = installed["wheel"]["downstream"]
    assert result["returncode"] == 0, result["stdout"] + result["stderr"]
    assert "1 passed" in result["stdout"]
    plugin_from = next(line for line in result["stdout"].splitlines() if "PLUGIN FROM" in line)
    assert installed["env"] in plugin_from, f"the plugin must come from the fresh install, not the checkout: {plugin_from}"


@needs_git
def test_the_pypi_description_starts_with_what_a_user_needs(installed: dict[str, Any]) -> None:
    wheel = installed["wheel"]
    lines = [line.strip() for line in wheel["description"].splitlines() if line.strip()]
    assert lines[0] == "# pytest-bedrock-mock"
    first_command = next(line for line in lines if line.startswith(("pip ", "python ")))
    assert first_command == "pip install pytest-bedrock-mock", "the first command a PyPI reader sees installs the package"
    assert "-e " not in wheel["description"] and "[dev]" not in wheel["description"], "no developer commands on PyPI"
    assert {"Framework :: Pytest", "Framework :: Hypothesis"} <= set(wheel["classifiers"])
    assert wheel["license"] == "MIT" and (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert {url.split(",")[0] for url in wheel["urls"]} >= {"Homepage", "Documentation", "Source", "Issues"}


def _floors() -> tuple[dict[str, str], dict[str, str]]:
    """(declared floors of the runtime dependencies, the test extra and moto, pins of constraints/floors.txt), by normalized name."""
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared: dict[str, str] = {}
    moto = [r for r in project["optional-dependencies"]["dev"] if r.startswith("moto")]  # the docs run a moto example
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"], *moto]:
        name, _, floor = requirement.partition(">=")
        assert floor and "," not in floor and "<" not in floor, f"{requirement}: every dependency declares one floor (name>=version)"
        declared[name.split("[", 1)[0].strip().lower().replace("_", "-")] = floor.strip()  # moto[server] pins as moto
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints" / "floors.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return declared, pins


def _same_version(declared: str, pinned: str) -> bool:
    pad = lambda v: tuple(int(p) for p in v.split(".")) + (0,) * (3 - len(v.split(".")))  # noqa: E731
    return pad(declared) == pad(pinned)


def test_the_floors_constraints_pin_exactly_the_declared_floors() -> None:
    declared, pins = _floors()
    assert sorted(pins) == sorted(declared), "constraints/floors.txt pins every declared dependency, and nothing else"
    wrong = {name: (declared[name], pins[name]) for name in declared if not _same_version(declared[name], pins[name])}
    assert wrong == {}, f"declared floor vs pin: {wrong}"


def test_ci_runs_the_suite_on_the_floors() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install --quiet -c constraints/floors.txt -e ".[test]"' in ci
    assert ".venv-floors/bin/python -m pytest" in ci


def _top_level_strategies_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
        found += [f"{path.relative_to(ROOT)}:{node.lineno}" for n in names if n == "strategies" or n.startswith("strategies.")]
    return found


def test_nothing_imports_a_top_level_strategies_module() -> None:
    # With the repo root on sys.path (python -m pytest from it), `import strategies` would load a
    # second copy of the package beside pytest_bedrock_mock.strategies; no install has one anyway.
    files = [p for folder in ("pytest_bedrock_mock", "strategies", "tests", "examples", "bench") for p in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 50
    assert [hit for p in files for hit in _top_level_strategies_imports(p)] == []
