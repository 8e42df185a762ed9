"""Lint cassettes: format errors, drift, unknown fields and credential patterns, with locations.

:func:`lint_file` never raises for a bad cassette; it returns :class:`~.drift.Finding`
objects naming the file, the interaction index and what is wrong. ``bedrock-mock
cassettes lint PATH...`` (:mod:`pytest_bedrock_mock.cli.cassettes`) prints them.

Public names: :func:`lint_file`, :func:`lint_paths`, :func:`cassette_files`.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from pytest_bedrock_mock.fakes.cassettes.drift import Finding, check_interaction
from pytest_bedrock_mock.fakes.cassettes.format import Cassette, CassetteFormatError
from pytest_bedrock_mock.fakes.cassettes.redaction import find_credentials
from pytest_bedrock_mock.fakes.cassettes.storage import MAX_BYTES, dumps, load

__all__ = ["cassette_files", "lint_cassette", "lint_file", "lint_paths"]

_SUFFIXES = (".yaml", ".yml", ".json")


def cassette_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """The cassette files named by ``paths`` (directories are searched recursively)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in _SUFFIXES and (p.is_file() or p.is_symlink()))  # a broken link is reported
        else:
            yield path


def lint_cassette(cassette: Cassette, file: str = "<cassette>") -> list[Finding]:
    """Findings of a loaded cassette (drift, unknown fields, credential patterns)."""
    out: list[Finding] = []
    for index, interaction in enumerate(cassette.interactions):
        for finding in find_credentials(dumps(Cassette([interaction]))):
            out.append(Finding("credential", f"contains {finding}; remove it and rotate the credential", index, file))
        out += [Finding(f.kind, f.message, f.index, file) for f in check_interaction(interaction, index)]
    return out


def lint_file(path: str | os.PathLike[str]) -> list[Finding]:
    """Every finding of one cassette file; a file that cannot be read gives one ``format`` finding."""
    name = os.fspath(path)
    try:
        cassette = load(name)
    except CassetteFormatError as exc:
        text = ""
        with contextlib.suppress(OSError):
            info = os.stat(name)
            if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_BYTES:  # never block on a pipe, never read a huge file
                text = Path(name).read_text(encoding="utf-8", errors="replace")
        leaks = [Finding("credential", f"contains {f}; remove it and rotate the credential", None, name) for f in find_credentials(text)]
        return [Finding("format", (f"{exc.field}: " if exc.field else "") + exc.what, exc.index, name), *leaks]
    return lint_cassette(cassette, name)


def lint_paths(paths: Iterable[str | os.PathLike[str]]) -> tuple[int, list[Finding]]:
    """``(number of files checked, findings)`` for files and directories."""
    files = list(cassette_files(paths))
    findings: list[Finding] = []
    for file in files:
        findings += lint_file(file)
    return len(files), findings
