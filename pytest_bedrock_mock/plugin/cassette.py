"""pytest wiring of cassettes: marker and fixture ``bedrock_cassette``.

* ``@pytest.mark.bedrock_cassette(path=None, *, record_mode=..., match_on=..., ignore_params=...,
  redact=..., placeholder_account=..., allow_playback_repeats=..., on_drift=..., save_on_failure=...,
  golden=...)`` — plays back (or records) the test's cassette; the marker alone is enough.
* fixture ``bedrock_cassette`` — the active :class:`~pytest_bedrock_mock.fakes.cassettes.CassetteSession`
  (``.mode``, ``.path``, ``.calls``, ``.played``, ``.unplayed``, ``.recorded``).
* fixtures users override in ``conftest.py``: ``bedrock_cassette_config`` (a dict of the
  marker's options) and ``bedrock_cassette_dir`` (a ``Path``).

The options are the ``cassette.*`` rows of the one options table
(:mod:`pytest_bedrock_mock.plugin.options`: ``--bedrock-record-mode``, ini ``bedrock_record_mode``
and ``bedrock_cassette_dir``, ``CI``), resolved with its one precedence and its offline
guarantee. A cassette is written when the test ends, atomically, and only when the test
passed (``save_on_failure=True`` to keep a failing test's recording).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.cassettes.options import CassetteOptions, cassette_path
from pytest_bedrock_mock.plugin import outcome
from pytest_bedrock_mock.plugin.outcome import failed
from pytest_bedrock_mock.plugin.resolve import options_for, session_options

__all__ = ["bedrock_cassette", "bedrock_cassette_config", "bedrock_cassette_dir"]

def pytest_configure(config: pytest.Config) -> None:
    outcome.register(config)  # also when this sub-plugin is loaded on its own


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
    return module.parent / "cassettes" / module.stem


def _test_name(node: pytest.Item) -> str:
    parts = [node.name]
    parent = getattr(node, "cls", None)
    if parent is not None:
        parts.insert(0, parent.__name__)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", ".".join(parts)).strip("_")


def _options(request: pytest.FixtureRequest, cassette_dir: Path) -> CassetteOptions:
    values = dict(options_for(request).cassette)
    path = cassette_path(values.pop("path"), cassette_dir, Path(f"{_test_name(request.node)}.yaml"))
    return CassetteOptions(path=path, **values)


@pytest.fixture
def bedrock_cassette(request: pytest.FixtureRequest, bedrock_cassette_dir: Path) -> Iterator[Any]:
    """Play back (or record) this test's bedrock traffic at the HTTP level."""
    from pytest_bedrock_mock.fakes.cassettes import CassetteError, CassetteSession
    from pytest_bedrock_mock.fakes.cassettes.golden import build

    options = _options(request, bedrock_cassette_dir)
    try:
        session = CassetteSession(options, cassette=build(options.golden) if options.golden else None)
    except (CassetteError, KeyError) as exc:
        pytest.fail(str(exc), pytrace=False)
    with intercept.activate(session, "the bedrock_cassette fixture"):
        yield session
    if session.recorded and (options.save_on_failure or not failed(request.node)):
        try:
            session.save()
        except CassetteError as exc:
            pytest.fail(str(exc), pytrace=False)


@pytest.fixture(autouse=True)
def _bedrock_cassette_marker(request: pytest.FixtureRequest) -> None:
    """The marker alone activates the cassette (no need to request the fixture)."""
    if "bedrock_cassette" not in request.fixturenames and request.node.get_closest_marker("bedrock_cassette") is not None:
        request.getfixturevalue("bedrock_cassette")
