"""Reading and writing cassette files: YAML (or JSON) text, atomic writes.

:func:`load` turns every problem — unreadable file, YAML syntax error, truncation,
schema violation, newer format version — into one :class:`CassetteFormatError` that
names the file, the interaction index and what is wrong. :func:`save` writes to a
temporary file in the same directory, flushes it to disk and renames it over the
target with :func:`os.replace`, so a reader (or a crash) only ever sees the old or
the new cassette, never half of one.

Public names: :func:`load`, :func:`save`, :func:`dumps`, :func:`loads`, :data:`MAX_BYTES`, :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import codecs
import errno
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from pytest_bedrock_mock.core.files import atomic_write_text
from pytest_bedrock_mock.errors import CASSETTES_DOCS, CassetteError
from pytest_bedrock_mock.fakes.cassettes.format import Cassette, CassetteFormatError, cassette_from_data, cassette_to_data

__all__ = ["MAX_BYTES", "MAX_DEPTH", "dumps", "load", "loads", "save"]


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


#: A cassette file larger than this is refused before it is read (a recording is kilobytes).
MAX_BYTES = 64 * 1024 * 1024
#: Deepest nesting of lists and mappings a cassette may have (a real one is about a dozen levels deep).
MAX_DEPTH = 100
_PLAIN = (str, int, float, bool, type(None))


def _where(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "the top level"


def _check_plain(data: Any, file: str, budget: int) -> None:
    """One iterative pass: nesting depth, and only JSON's kinds of values (no YAML dates, sets, NaN).

    ``budget`` bounds the values visited: more values than the text has characters can only come
    from YAML aliases repeating one node (a "billion laughs" file), refused before anything expands it.
    """
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        budget -= 1
        if budget < 0:
            raise CassetteFormatError(file, "it expands to more values than it has characters (YAML aliases repeating one node); "
                                      "a cassette uses no anchors or aliases: is it the right file?")
        if len(path) > MAX_DEPTH:
            raise CassetteFormatError(file, f"nested more than {MAX_DEPTH} levels deep (under {_where(path[:6])}); nested too deeply to be a cassette: "
                                      "is it the right file?")
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise CassetteFormatError(file, f"the key {key!r} under {_where(path)} is a {type(key).__name__}; keys must be strings (quote it)")
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            raise CassetteFormatError(file, f"{_where(path)} is {value!r}, which JSON cannot carry; quote it or fix the value")
        elif not isinstance(value, _PLAIN):
            raise CassetteFormatError(file, f"{_where(path)} is a YAML {type(value).__name__} ({value!r}); a cassette holds JSON values only: quote it")


def loads(text: str, file: str = "<cassette>") -> Cassette:
    """Parse cassette text (YAML or JSON); every problem is one :class:`CassetteFormatError`."""
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
        raise CassetteFormatError(file, "the file is empty; delete it and record the cassette again (--bedrock-record-mode=once)")
    _check_plain(data, file, len(text) + 64)
    return cassette_from_data(data, file)


def _text(data: bytes, file: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CassetteFormatError(file, "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8")
    nul = data.find(b"\0")
    if nul >= 0:
        raise CassetteFormatError(file, f"binary data (a NUL byte at offset {nul}), not a YAML cassette; is it the right file?")
    try:
        return data.decode("utf-8-sig")  # a UTF-8 byte-order mark is accepted
    except UnicodeDecodeError as exc:
        raise CassetteFormatError(file, f"not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start}); save the file as UTF-8") from None


def _stat(name: str) -> os.stat_result:
    try:
        return os.stat(name)
    except FileNotFoundError:
        if os.path.islink(name):
            raise CassetteFormatError(name, f"a symbolic link to {os.readlink(name)}, which does not exist; fix or remove the link") from None
        raise CassetteFormatError(name, "no such cassette file; record it (--bedrock-record-mode=once) or fix the path") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise CassetteFormatError(name, "a symbolic link loop (the links point at each other); remove the link or point it at a cassette file") from None
        raise CassetteFormatError(name, f"cannot read the file ({exc.strerror}); check the path and its folders' permissions") from None


def load(path: str | os.PathLike[str]) -> Cassette:
    """Read a cassette file (raises :class:`CassetteFormatError`, never a raw traceback)."""
    name = os.fspath(path)
    info = _stat(name)
    if stat.S_ISDIR(info.st_mode):
        raise CassetteFormatError(name, "a folder, not a cassette file; name a .yaml file (a marker's path names a file) or remove the folder")
    if not stat.S_ISREG(info.st_mode):
        raise CassetteFormatError(name, "not a regular file (a device, pipe or socket); name a .yaml cassette file")
    if info.st_size > MAX_BYTES:
        raise CassetteFormatError(name, f"{info.st_size} bytes, over the {MAX_BYTES // 2**20} MiB a cassette may have; is it the right file? "
                                  "Split the recording into several tests' cassettes")
    try:
        data = Path(name).read_bytes()
    except PermissionError:
        raise CassetteFormatError(name, "cannot read the file: permission denied; make it readable (chmod u+r)") from None
    except OSError as exc:
        raise CassetteFormatError(name, f"cannot read the file ({exc.strerror}); check the path") from None
    return loads(_text(data, name), name)


def save(cassette: Cassette, path: str | os.PathLike[str], *, text: str | None = None) -> Path:
    """Write ``cassette`` atomically (temp file in the same directory, fsync, :func:`os.replace`).

    A file system that refuses (a read-only folder, a folder where the file should be, a full
    disk) is one :class:`CassetteError` naming the file and the fix; the old file is untouched.
    """
    try:
        return atomic_write_text(path, dumps(cassette) if text is None else text)
    except IsADirectoryError:
        raise CassetteError(f"cannot write the cassette {os.fspath(path)}: a folder of that name is in the way; remove it or name another file "
                            f"({CASSETTES_DOCS}#folder)") from None
    except OSError as exc:
        raise CassetteError(f"cannot write the cassette {os.fspath(path)}: {exc.strerror or exc}; make its folder writable or choose another folder "
                            f"(ini bedrock_cassette_dir); the previous file, if any, is unchanged ({CASSETTES_DOCS}#folder)") from None
