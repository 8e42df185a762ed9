"""The ``bedrock-mock`` command line (also ``python -m pytest_bedrock_mock``)."""

from __future__ import annotations

from pytest_bedrock_mock.cli.main import main

__all__ = ["main"]
