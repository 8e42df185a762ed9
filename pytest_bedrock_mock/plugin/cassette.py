"""pytest wiring of cassettes: marker and fixture ``bedrock_cassette``.

* ``@pytest.mark.bedrock_cassette(path=None, *, record_mode=..., match_on=..., ignore_params=...,
  redact=..., placeholder_account=..., allow_playback_repeats=..., on_drift=..., save_on_failure=...,
  golden=...)`` — plays back (or records) the test's cassette; the marker alone is enough.
* fixture ``bedrock_cassette`` — the active :class:`~pytest_bedrock_mock.fakes.cassettes.CassetteSession`
  (``.mode``, ``.path``, ``.calls``, ``.played``, ``.unplayed``, ``.recorded``).
* fixtures users override in ``conftest.py``: ``bedrock_cassette_config`` (a dict of the
  marker's options) and ``bedrock_cassette_dir`` (a ``Path``; by default
  ``cassettes/bedrock/<module>/`` beside the test module, so that pytest-recording's
  ``cassettes/<module>/`` stays its own).

The options are the ``cassette.*`` rows of the one options table
(:mod:`pytest_bedrock_mock.plugin.options`: ``--bedrock-record-mode``, ini ``bedrock_record_mode``
and ``bedrock_cassette_dir``, ``CI``), resolved with its one precedence and its offline
guarantee. A cassette is replaced only when the test's recording completed: its call phase
ran to its end and passed (``save_on_failure=True``: or failed). A test that failed or was
interrupted (Ctrl+C) leaves the old cassette byte-identical; what it recorded is kept as
``<name>.partial`` beside it, and a warning says so. Each attempt of a rerun plugin starts
afresh, so the final attempt's recording is the one written.

Migration: a cassette found only at the old default place (``cassettes/<module>/<test>.yaml``,
pytest-recording's) is still played back, with a ``DeprecationWarning`` naming where to move it;
a recording is always written to the new place.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_bedrock_mock.errors import CassetteError, CassetteFormatError
from pytest_bedrock_mock.fakes.cassettes.options import CassetteOptions, cassette_path
from pytest_bedrock_mock.plugin import outcome
from pytest_bedrock_mock.plugin.outcome import called, failed
from pytest_bedrock_mock.plugin.resolve import options_for, session_options

if TYPE_CHECKING:  # the cassette machinery (yaml, jsonschema, botocore) is imported when a test first uses a cassette
    from pytest_bedrock_mock.fakes.cassettes.format import Cassette

__all__ = ["DEFAULT_FOLDER", "bedrock_cassette", "bedrock_cassette_config", "bedrock_cassette_dir"]

#: The default cassette folder beside each test module (then one folder per module).
DEFAULT_FOLDER = Path("cassettes", "bedrock")
_LEGACY_FOLDER = Path("cassettes")  # the old default, which is pytest-recording's


@pytest.fixture
def bedrock_cassette_config() -> dict[str, Any]:
    """Default options of every ``bedrock_cassette`` in scope (override in conftest.py)."""
    return {}


@pytest.fixture
def bedrock_cassette_dir(request: pytest.FixtureRequest) -> Path:
    """The directory cassettes of this test live in (override in conftest.py)."""
    configured = session_options(request.config).cassette_dir
    module = Path(str(request.node.path))
    if configured:
        base = request.config.inipath.parent if request.config.inipath else request.config.rootpath
        return Path(base) / configured / module.stem
    return module.parent / DEFAULT_FOLDER / module.stem


def _test_name(node: pytest.Item) -> str:
    parts = [node.name]
    parent = getattr(node, "cls", None)
    if parent is not None:
        parts.insert(0, parent.__name__)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", ".".join(parts)).strip("_")


def _options(request: pytest.FixtureRequest, cassette_dir: Path) -> tuple[CassetteOptions, Path | None]:
    """The session's options, and where the cassette was by default before (None when that does not apply)."""
    values = dict(options_for(request).cassette)
    default = Path(f"{_test_name(request.node)}.yaml")
    path = cassette_path(values["path"], cassette_dir, default)
    module = Path(str(request.node.path))
    legacy = None
    if cassette_dir == module.parent / DEFAULT_FOLDER / module.stem:
        legacy = cassette_path(values["path"], module.parent / _LEGACY_FOLDER / module.stem, default)
    del values["path"]
    return CassetteOptions(path=path, **values), legacy


def _legacy_cassette(options: CassetteOptions, legacy: Path | None) -> Cassette | None:
    """A cassette of ours still at the old default place (not pytest-recording's), played back with a warning."""
    if legacy is None or options.record_mode == "all" or options.path.exists() or not legacy.is_file():
        return None
    from pytest_bedrock_mock.fakes.cassettes.format import FORMAT_NAME
    from pytest_bedrock_mock.fakes.cassettes.storage import load

    try:
        cassette = load(legacy)
    except CassetteFormatError:
        if FORMAT_NAME not in legacy.read_text(encoding="utf-8", errors="replace")[:4096]:
            return None  # another tool's cassette (pytest-recording's): not ours to read
        raise
    warnings.warn(DeprecationWarning(
        f"{legacy}: cassettes of pytest-bedrock-mock now live in {options.path.parent} (so pytest-recording keeps cassettes/<module>/); "
        f"this one was played back from the old place. Move it: git mv {legacy} {options.path} (docs/cassettes.md#folder)"), stacklevel=2)
    return cassette


def _finish(request: pytest.FixtureRequest, session: Any, options: CassetteOptions) -> None:
    """Replace the cassette only when the recording completed; otherwise keep it as ``.partial`` and say so."""
    item = request.node
    if not session.recorded:
        return
    if called(item) and (options.save_on_failure or not failed(item)):
        session.save()
        return
    partial = session.save_partial()
    why = "failed" if called(item) else "was interrupted"
    message = (f"{item.nodeid} {why}: its recording was not saved and {session.path} is unchanged; the {len(session.recorded)} interaction(s) "
               f"it recorded are in {partial} (save_on_failure=True keeps a failing test's recording; docs/cassettes.md#crash-safety)")
    if called(item):
        warnings.warn(UserWarning(message), stacklevel=2)
    else:  # after Ctrl+C no warning summary is printed
        print(f"\npytest-bedrock-mock: {message}", file=sys.stderr)


@pytest.fixture
def bedrock_cassette(request: pytest.FixtureRequest, bedrock_cassette_dir: Path) -> Iterator[Any]:
    """Play back (or record) this test's bedrock traffic at the HTTP level."""
    from pytest_bedrock_mock.fakes import intercept
    from pytest_bedrock_mock.fakes.cassettes import CassetteSession
    from pytest_bedrock_mock.fakes.cassettes.golden import build

    options, legacy = _options(request, bedrock_cassette_dir)
    outcome.register(request.config)  # its teardown asks whether the test failed
    problem = None
    try:
        cassette = build(options.golden) if options.golden else _legacy_cassette(options, legacy)
        session = CassetteSession(options, cassette=cassette)
    except (CassetteError, KeyError) as exc:
        problem = str(exc)
    if problem is not None:  # outside the except block: one message, no chained traceback
        pytest.fail(problem, pytrace=False)
    with intercept.activate(session, "the bedrock_cassette fixture"):
        yield session
    try:
        _finish(request, session, options)
    except CassetteError as exc:
        problem = str(exc)
    if problem is not None:
        pytest.fail(problem, pytrace=False)
