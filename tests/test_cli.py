"""The bedrock-mock command line."""

from __future__ import annotations

import json
import subprocess
import sys

from pytest_bedrock_mock import get_model
from pytest_bedrock_mock.cli.main import main


def test_operations_lists_every_operation_error_and_status(capsys) -> None:
    assert main(["operations"]) == 0
    out = capsys.readouterr().out
    model = get_model()
    for op in model.operations:
        assert op in out
        for code, info in model.errors(op).items():
            assert f"{info.http_status}  {code}" in out
    for status in model.statuses:
        assert status in out


def test_operations_json_matches_the_model(capsys) -> None:
    assert main(["operations", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    model = get_model()
    assert data["statuses"] == list(model.statuses)
    assert data["operations"]["CreateModelCustomizationJob"]["success_status"] == 201
    assert data["operations"]["GetModelCustomizationJob"]["errors"]["ThrottlingException"] == 429


def test_no_command_prints_help_and_fails(capsys) -> None:
    assert main([]) == 2
    assert "operations" in capsys.readouterr().err


def test_console_script_is_installed() -> None:
    result = subprocess.run([sys.executable, "-c", "from importlib.metadata import entry_points; print([e.value for e in entry_points(group='console_scripts') if e.name == 'bedrock-mock'])"], capture_output=True, text=True, check=True)
    assert "pytest_bedrock_mock.cli:main" in result.stdout
