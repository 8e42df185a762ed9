"""Run the ``bedrock-mock`` command in-process and get its exit status (argparse's usage errors included)."""

from __future__ import annotations

from pytest_bedrock_mock.cli import main

__all__ = ["run_cli"]


def run_cli(argv: list[str]) -> int:
    """``bedrock-mock ARGV``'s exit status: what ``main`` returns, or the code of the ``SystemExit`` argparse raises."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
