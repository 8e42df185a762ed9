"""pytest wiring of the simulator: the ``bedrock_fake`` and ``bedrock_server`` fixtures.

* ``bedrock_fake`` -- a :class:`~pytest_bedrock_mock.fakes.simulator.BedrockSimulator`
  answering every bedrock client created during the test.
* ``@pytest.mark.bedrock_fake(**options)`` -- its options (``policy=``, ``faults=``,
  ``clock="virtual"``, ``level=``, ``duplicate_name_error=``, ...). Options resolve once,
  in this order, later winning: the ``bedrock_fake_options`` fixture (override it in a
  ``conftest.py``), the ``--bedrock-fake-level`` option, then markers from the broadest
  (module, class) to the narrowest (function). A misspelt option fails the test setup
  with the list of valid ones.
* ``bedrock_server`` -- the simulator behind a real HTTP server on a free loopback
  port (one per session and xdist worker, reset before each test; its options come from the
  session-scoped ``bedrock_server_options`` fixture); in-process bedrock clients with
  ``endpoint_url=bedrock_server.url`` reach it even while interception is armed.

Public names: :func:`bedrock_fake`, :func:`bedrock_fake_options`, :func:`bedrock_server`,
:func:`bedrock_server_options`, :func:`resolve_fake_options`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pytest_bedrock_mock.fakes.simulator import LEVELS, BedrockSimulator, SimulatorConfig

if TYPE_CHECKING:  # the server (and Werkzeug) is imported only when a test asks for bedrock_server
    from pytest_bedrock_mock.fakes.server import ServerHandle

__all__ = ["bedrock_fake", "bedrock_fake_options", "bedrock_server", "bedrock_server_options", "resolve_fake_options"]

MARKER = "bedrock_fake"
_EXTRA_OPTIONS = ("clock", "default_region")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bedrock-mock")
    group.addoption("--bedrock-fake-level", choices=LEVELS, default=None,
                    help="where bedrock_fake answers: auto (parsed level unless faults are set), parsed, or wire "
                         "(botocore's serializer and parser on every call)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): options of the bedrock_fake simulator -- policy=AfterGets(3)|AfterDuration(s)|Manual(), "
        "faults=Faults(...), clock='virtual', level='auto'|'parsed'|'wire', duplicate_name_error=, token_mismatch_error=, "
        "stop_inactive_error=, default_max_results=, default_sort_order=, seed=, strict= (README: 'Simulator').",
    )


def _valid_options() -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(SimulatorConfig)) + _EXTRA_OPTIONS


def resolve_fake_options(request: pytest.FixtureRequest, base: dict[str, Any]) -> dict[str, Any]:
    """The simulator options for a test: fixture options, then the command line, then markers broad to narrow."""
    __tracebackhide__ = True
    options = dict(base)
    level = request.config.getoption("--bedrock-fake-level", default=None)
    if level is not None:
        options["level"] = level
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword options only, got positional {marker.args!r}")
        options.update(marker.kwargs)
    unknown = sorted(set(options) - set(_valid_options()))
    if unknown:
        raise pytest.UsageError(f"unknown {MARKER} option(s) {', '.join(unknown)}; valid options: {', '.join(_valid_options())}")
    return options


@pytest.fixture
def bedrock_fake_options() -> dict[str, Any]:
    """Default options of ``bedrock_fake`` for a scope; override in a ``conftest.py``."""
    return {}


@pytest.fixture
def bedrock_fake(request: pytest.FixtureRequest, bedrock_fake_options: dict[str, Any]) -> Iterator[BedrockSimulator]:
    """A stateful Bedrock simulator answering every bedrock client in the test (README: "Simulator")."""
    options = resolve_fake_options(request, bedrock_fake_options)
    try:
        sim = BedrockSimulator(**options)
    except (TypeError, ValueError) as exc:
        raise pytest.UsageError(f"bad {MARKER} options {options!r}: {exc}") from None
    with sim.activated():
        yield sim


@pytest.fixture(scope="session")
def bedrock_server_options() -> dict[str, Any]:
    """Simulator options of the session's ``bedrock_server`` (override in a root ``conftest.py``)."""
    return {}


@pytest.fixture(scope="session")
def _bedrock_server_session(bedrock_server_options: dict[str, Any]) -> Iterator[ServerHandle]:
    from pytest_bedrock_mock.fakes.server import start_server

    handle = start_server("127.0.0.1", 0, **bedrock_server_options)
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def bedrock_server(_bedrock_server_session: ServerHandle) -> Iterator[ServerHandle]:
    """The simulator behind a real HTTP server (``.url``, ``.client()``, ``.simulator``); state is reset per test."""
    _bedrock_server_session.reset()
    with _bedrock_server_session.passthrough():
        yield _bedrock_server_session
