"""pytest wiring of the simulator: the ``bedrock_fake`` and ``bedrock_server`` fixtures.

* ``bedrock_fake`` -- a :class:`~pytest_bedrock_mock.fakes.simulator.BedrockSimulator`
  answering every bedrock client created during the test.
* ``@pytest.mark.bedrock_fake(**options)`` -- its options (``policy=``, ``faults=``,
  ``clock="virtual"``, ``level=``, ``duplicate_name_error=``, ...): the ``fake.*`` rows of the
  options table (:mod:`pytest_bedrock_mock.plugin.options`), resolved with its one precedence
  (marker > ``bedrock_fake_options`` / ``bedrock_mock_options`` fixture > ``--bedrock-fake-level``
  > default). A misspelt option fails the test set-up with the list of valid ones.
* ``bedrock_server`` -- the simulator behind a real HTTP server on a free loopback
  port (one per session and xdist worker, reset before each test; its options come from the
  session-scoped ``bedrock_server_options`` fixture, with the names of the ``fake.*`` options);
  in-process bedrock clients with ``endpoint_url=bedrock_server.url`` reach it even while
  interception is armed, and ``bedrock_client`` is one of them; child processes reach it
  through ``AWS_ENDPOINT_URL_BEDROCK`` (:func:`~pytest_bedrock_mock.fakes.isolation.serve_children`).

Public names: :func:`bedrock_fake`, :func:`bedrock_fake_options`, :func:`bedrock_server`,
:func:`bedrock_server_options`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pytest_bedrock_mock.plugin.choice import is_upstream
from pytest_bedrock_mock.plugin.options import OPTIONS, OptionsError
from pytest_bedrock_mock.plugin.resolve import options_for, reported

if TYPE_CHECKING:  # the simulator is imported when a test first asks for it; the server (and Werkzeug) only for bedrock_server
    from pytest_bedrock_mock.fakes.server import ServerHandle
    from pytest_bedrock_mock.fakes.simulator import BedrockSimulator

__all__ = ["bedrock_fake", "bedrock_fake_options", "bedrock_server", "bedrock_server_options"]


def _simulator(options: dict[str, Any] | Any, where: str) -> BedrockSimulator:
    from pytest_bedrock_mock.fakes.simulator import BedrockSimulator

    with reported():
        try:
            return BedrockSimulator(**options)
        except (TypeError, ValueError) as exc:
            raise OptionsError(f"{where}: simulator option {exc}") from None


@pytest.fixture
def bedrock_fake_options() -> dict[str, Any]:
    """Default options of ``bedrock_fake`` for a scope (names of the ``fake.*`` options); override in a ``conftest.py``."""
    return {}


@pytest.fixture
def bedrock_fake(request: pytest.FixtureRequest) -> Iterator[BedrockSimulator]:
    """A stateful Bedrock simulator answering every bedrock client in the test (docs/simulator.md)."""
    sim = _simulator(options_for(request).fake, request.node.nodeid)
    with sim.activated(owner="the bedrock_fake fixture"):
        yield sim


@pytest.fixture(scope="session")
def bedrock_server_options() -> dict[str, Any]:
    """Simulator options of the session's ``bedrock_server`` (override in a root ``conftest.py``)."""
    return {}


@pytest.fixture(scope="session")
def _bedrock_server_session(bedrock_server_options: dict[str, Any]) -> Iterator[ServerHandle]:
    from pytest_bedrock_mock.fakes.server import start_server

    names = [o.name for o in OPTIONS if o.group == "fake"]
    unknown = sorted(str(k) for k in bedrock_server_options if k not in names)
    if unknown:
        with reported():
            raise OptionsError(f"bedrock_server_options fixture: unknown option(s) {', '.join(unknown)}; valid options: {', '.join(names)}")
    handle = start_server("127.0.0.1", 0, simulator=_simulator(bedrock_server_options, "bedrock_server_options fixture"))
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def bedrock_server(request: pytest.FixtureRequest, _bedrock_server_session: ServerHandle) -> Iterator[ServerHandle]:
    """The simulator behind a real HTTP server (``.url``, ``.client()``, ``.simulator``, ``.calls``); state is reset per test.

    Beside ``bedrock_cassette`` it is only the endpoint the cassette records from: the cassette is the fake.
    """
    from pytest_bedrock_mock.fakes import isolation

    _bedrock_server_session.reset()
    with isolation.serve_children(_bedrock_server_session.url):  # child processes' bedrock calls reach it too
        if is_upstream(request.node, "bedrock_server"):
            yield _bedrock_server_session
            return
        with _bedrock_server_session.passthrough(owner="the bedrock_server fixture"):
            yield _bedrock_server_session
