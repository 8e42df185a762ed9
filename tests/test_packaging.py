"""`pip install .` from a clean copy, then a downstream project with no conftest: the plugin auto-loads."""

from __future__ import annotations

import shutil
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

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
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the checkout")
def test_pip_install_then_downstream_suite_with_no_conftest(tmp_path: Path) -> None:
    source, env_dir, project = tmp_path / "checkout", tmp_path / "venv", tmp_path / "downstream"
    source.mkdir()
    project.mkdir()
    _clean_copy(source)
    # Reuse this interpreter's installed dependencies; the package itself is built and installed fresh.
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(source)], check=True, capture_output=True)
    (project / "test_downstream.py").write_text(DOWNSTREAM_TEST)
    result = subprocess.run([str(python), "-m", "pytest", "-s", "-p", "no:cacheprovider", "test_downstream.py"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    plugin_from = next(line for line in result.stdout.splitlines() if "PLUGIN FROM" in line)
    assert str(env_dir) in plugin_from, f"the plugin must come from the fresh install, not the checkout: {plugin_from}"
    assert (Path(plugin_from.split()[-1]).parent / "py.typed").exists()
