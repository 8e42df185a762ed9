"""Start-up: loading the plugin imports nothing heavy; botocore and the model come with first use.

Each check runs in a fresh interpreter (this one has everything imported already) and looks at
``sys.modules``; no timing is asserted (``bench/bench_startup.py`` measures the time).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

#: What loading the plugin (and configuring it for a session that never uses the kit) must not import.
#: Measured with ``python -X importtime -m pytest --co -q``: together these were ~0.5 s of every start.
HEAVY = ("botocore", "botocore.session", "botocore.loaders", "jsonschema", "yaml", "responses", "requests", "urllib3", "werkzeug",
         "hypothesis", "faker", "dateutil", "pytest_bedrock_mock.core.model", "pytest_bedrock_mock.fakes.intercept",
         "pytest_bedrock_mock.builders", "pytest_bedrock_mock.variants")


def _loaded_after(code: str) -> list[str]:
    probe = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("module", ["pytest_bedrock_mock", "pytest_bedrock_mock.plugin", "pytest_bedrock_mock.plugin.options"])
def test_importing_the_plugin_loads_nothing_heavy(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert [m for m in HEAVY if m in loaded] == []


def test_a_session_that_never_uses_the_kit_loads_nothing_heavy(tmp_path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_plain.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
    # Hypothesis' and Faker's own plugins would import them: left out, as a project without them has them.
    loaded = _loaded_after(f"""
        import pytest
        code = pytest.main([{str(tmp_path)!r}, "-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:faker"])
        assert code == 0, code
        import pytest_bedrock_mock.plugin  # the plugin was loaded (by its entry point)
    """)
    assert "pytest_bedrock_mock.plugin.stubber" in loaded
    assert [m for m in HEAVY if m in loaded] == []


def test_the_public_names_still_resolve_lazily() -> None:
    loaded = _loaded_after("""
        import pytest_bedrock_mock as kit
        assert set(kit.__all__) <= set(dir(kit))
        for name in kit.__all__:
            getattr(kit, name)
        try:
            kit.no_such_name
        except AttributeError as exc:
            assert "no_such_name" in str(exc)
        else:
            raise AssertionError("a missing name must raise AttributeError")
    """)
    assert "pytest_bedrock_mock.builders" in loaded and "botocore" in loaded


def test_interception_is_armed_once_botocore_is_used(tmp_path) -> None:
    """Arming waits for botocore, but a bedrock call no fake answers is still refused (the offline guarantee)."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_late.py").write_text(textwrap.dedent("""
        import sys

        import pytest


        def test_botocore_comes_late():
            assert "botocore" not in sys.modules
            import boto3
            from pytest_bedrock_mock.errors import BedrockNotMockedError

            client = boto3.client("bedrock", region_name="us-east-1")
            with pytest.raises(BedrockNotMockedError):
                client.get_model_customization_job(jobIdentifier="my-job")
    """))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:faker",
                           "test_late.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_a_public_name_follows_its_module_when_it_is_imported_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytester's in-process runs drop modules first imported inside them: the package must not keep the old class."""
    import importlib

    from pytest_bedrock_mock.fakes import simulator

    first = simulator.Faults
    monkeypatch.delitem(sys.modules, "pytest_bedrock_mock.fakes.simulator.faults")
    again = importlib.import_module("pytest_bedrock_mock.fakes.simulator.faults").Faults
    assert again is not first and simulator.Faults is again
