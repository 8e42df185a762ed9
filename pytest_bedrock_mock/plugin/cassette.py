"""pytest wiring of cassettes: marker and fixture ``bedrock_cassette``, ``--bedrock-record-mode``.

* ``@pytest.mark.bedrock_cassette(path=None, *, record_mode=..., match_on=..., ignore_params=...,
  redact=..., placeholder_account=..., allow_playback_repeats=..., on_drift=..., save_on_failure=...,
  golden=...)`` — plays back (or records) the test's cassette; the marker alone is enough.
* fixture ``bedrock_cassette`` — the active :class:`~pytest_bedrock_mock.fakes.cassettes.CassetteSession`
  (``.mode``, ``.path``, ``.played``, ``.unplayed``, ``.recorded``).
* fixtures users override in ``conftest.py``: ``bedrock_cassette_config`` (a dict of the
  marker's options) and ``bedrock_cassette_dir`` (a ``Path``).
* option ``--bedrock-record-mode`` and ini options ``bedrock_record_mode`` and
  ``bedrock_cassette_dir``.

Options are resolved once, by :func:`pytest_bedrock_mock.fakes.cassettes.options.resolve_options`
(precedence documented there). A cassette is written when the test ends, atomically, and
only when the test passed (``save_on_failure=True`` to keep a failing test's recording).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.cassettes.options import RECORD_MODES, CassetteConfigError, CassetteOptions, resolve_options

__all__ = ["bedrock_cassette", "bedrock_cassette_config", "bedrock_cassette_dir"]

MARKER = (
    "bedrock_cassette(path=None, *, record_mode=None, match_on=None, ignore_params=None, redact=None, placeholder_account=None, "
    "allow_playback_repeats=False, on_drift='error', save_on_failure=False, golden=None): play back (or record) the bedrock "
    "traffic of this test from a cassette at the HTTP level; record modes: " + ", ".join(RECORD_MODES) + ". README: 'Recorded cassettes'."
)
_failed = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bedrock-mock")
    group.addoption(
        "--bedrock-record-mode", action="store", choices=RECORD_MODES, default=None, dest="bedrock_record_mode",
        help="bedrock cassette record mode (overrides markers and ini); default: 'none' when CI is set, else 'once'.",
    )
    parser.addini("bedrock_record_mode", "bedrock cassette record mode: " + ", ".join(RECORD_MODES) + " (the command line option wins).", default="")
    parser.addini("bedrock_cassette_dir", "directory of the bedrock cassettes (relative to the ini file); default: cassettes/<module> next to each test module.", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" or report.failed:
        item.stash[_failed] = item.stash.get(_failed, False) or report.failed
    return report


@pytest.fixture
def bedrock_cassette_config() -> dict[str, Any]:
    """Default options of every ``bedrock_cassette`` in scope (override in conftest.py)."""
    return {}


@pytest.fixture
def bedrock_cassette_dir(request: pytest.FixtureRequest) -> Path:
    """The directory cassettes of this test live in (override in conftest.py)."""
    configured = str(request.config.getini("bedrock_cassette_dir") or "")
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


def _options(request: pytest.FixtureRequest, config: dict[str, Any], cassette_dir: Path) -> CassetteOptions:
    marker = request.node.get_closest_marker("bedrock_cassette")
    try:
        return resolve_options(
            default_path=cassette_dir / f"{_test_name(request.node)}.yaml", cassette_dir=cassette_dir,
            cli_mode=request.config.getoption("bedrock_record_mode", None), marker_args=marker.args if marker else (),
            marker_kwargs=marker.kwargs if marker else None, config=config, ini_mode=str(request.config.getini("bedrock_record_mode") or "") or None,
        )
    except CassetteConfigError as exc:
        raise pytest.UsageError(f"{request.node.nodeid}: {exc}") from None


@pytest.fixture
def bedrock_cassette(request: pytest.FixtureRequest, bedrock_cassette_config: dict[str, Any], bedrock_cassette_dir: Path) -> Iterator[Any]:
    """Play back (or record) this test's bedrock traffic at the HTTP level."""
    from pytest_bedrock_mock.fakes.cassettes import CassetteError, CassetteSession
    from pytest_bedrock_mock.fakes.cassettes.golden import build

    options = _options(request, bedrock_cassette_config, bedrock_cassette_dir)
    try:
        session = CassetteSession(options, cassette=build(options.golden) if options.golden else None)
    except (CassetteError, KeyError) as exc:
        pytest.fail(str(exc), pytrace=False)
    with intercept.activate(session):
        yield session
    if session.recorded and (options.save_on_failure or not request.node.stash.get(_failed, False)):
        try:
            session.save()
        except CassetteError as exc:
            pytest.fail(str(exc), pytrace=False)


@pytest.fixture(autouse=True)
def _bedrock_cassette_marker(request: pytest.FixtureRequest) -> None:
    """The marker alone activates the cassette (no need to request the fixture)."""
    if "bedrock_cassette" not in request.fixturenames and request.node.get_closest_marker("bedrock_cassette") is not None:
        request.getfixturevalue("bedrock_cassette")
