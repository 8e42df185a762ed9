"""The README's promises: its two opening commands, and that CI runs the second one.

Its code blocks (and those of docs/) are executed by tests/test_docs.py.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _opening_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    head = text.split("---", 1)[0]
    return [line.strip() for line in head.splitlines() if line.startswith("    ")]


def test_readme_opens_with_two_one_line_commands() -> None:
    commands = _opening_commands()
    assert len(commands) == 2
    main_job, own_tests = commands
    assert "examples/" in main_job and "pytest" in main_job
    assert "pytest" in own_tests
    for command in commands:
        assert command.startswith("python -m pip install")


def test_ci_runs_the_readmes_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1].strip() == _opening_commands()[1]


def test_the_main_job_targets_exist() -> None:
    main_job = _opening_commands()[0]
    target = re.search(r"pytest (\S+)", main_job)
    assert target and (ROOT / target.group(1)).is_dir()
