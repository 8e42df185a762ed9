"""Reading and writing cassette files: YAML (or JSON) text, atomic writes.

:func:`load` turns every problem — unreadable file, YAML syntax error, truncation,
schema violation, newer format version — into one :class:`CassetteFormatError` that
names the file, the interaction index and what is wrong. :func:`save` writes to a
temporary file in the same directory, flushes it to disk and renames it over the
target with :func:`os.replace`, so a reader (or a crash) only ever sees the old or
the new cassette, never half of one.

Public names: :func:`load`, :func:`save`, :func:`dumps`, :func:`loads`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from pytest_bedrock_mock.core.files import atomic_write_text
from pytest_bedrock_mock.fakes.cassettes.format import Cassette, CassetteFormatError, cassette_from_data, cassette_to_data

__all__ = ["dumps", "load", "loads", "save"]


class _Dumper(yaml.SafeDumper):
    """Block style, keys in insertion order, long strings unwrapped."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def dumps(cassette: Cassette) -> str:
    """The YAML text of a cassette."""
    return yaml.dump(cassette_to_data(cassette), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False)


def _interaction_at(text: str, line: int) -> int | None:
    """The index of the interaction that a (0-based) line belongs to, from the ``- operation:`` items."""
    starts = [m.start() for m in re.finditer(r"^- ", text, flags=re.M)]
    if not starts:
        return None
    offset = sum(len(x) + 1 for x in text.split("\n")[:line])
    index = sum(1 for s in starts if s <= offset) - 1
    return index if index >= 0 else None


def loads(text: str, file: str = "<cassette>") -> Cassette:
    """Parse cassette text (YAML or JSON)."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is not None:
            index = _interaction_at(text, mark.line)
            raise CassetteFormatError(file, f"not valid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem} (is the file truncated?)", index=index) from None
        raise CassetteFormatError(file, f"not valid YAML: {problem}") from None
    except RecursionError:  # the YAML parser recurses once per nesting level
        raise CassetteFormatError(file, "nested too deeply to be a cassette (a cassette is a few levels deep); is it the right file?") from None
    if data is None:
        raise CassetteFormatError(file, "the file is empty")
    return cassette_from_data(data, file)


def load(path: str | os.PathLike[str]) -> Cassette:
    """Read a cassette file (raises :class:`CassetteFormatError`, never a raw traceback)."""
    name = os.fspath(path)
    try:
        text = Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CassetteFormatError(name, "no such cassette file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CassetteFormatError(name, f"cannot read the file: {exc}") from None
    return loads(text, name)


def save(cassette: Cassette, path: str | os.PathLike[str], *, text: str | None = None) -> Path:
    """Write ``cassette`` atomically (temp file in the same directory, fsync, :func:`os.replace`)."""
    return atomic_write_text(path, dumps(cassette) if text is None else text)
