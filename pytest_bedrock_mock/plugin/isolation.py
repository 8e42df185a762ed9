"""pytest wiring of isolation: each test that uses the kit runs with fake AWS credentials.

* A test *uses the kit* when it asks for one of :data:`KIT_FIXTURES` or a fake's marker
  (:func:`uses_kit`). From before its first fixture until after its last teardown,
  :func:`~pytest_bedrock_mock.fakes.isolation.isolate` replaces the AWS credentials of the
  environment and profiles with fake ones, and points child processes' bedrock at the
  ``bedrock_server`` fixture's URL, or at the refusing endpoint when no server runs.
* Recording is the one exception: once the test's fake records (a
  :class:`~pytest_bedrock_mock.fakes.cassettes.CassetteSession` whose ``records`` is true), the
  real environment is restored for the rest of the test, since the recording is signed with it.
* ``@pytest.mark.bedrock_allow_network`` (the ``allow_network`` option's marker) opts one test
  out: its bedrock calls are not refused and nothing is replaced.

Public names: :data:`KIT_FIXTURES`, :func:`uses_kit`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

from pytest_bedrock_mock.core.undo import Undo
from pytest_bedrock_mock.plugin.choice import KIT_FIXTURES, requested_fakes, touches_kit
from pytest_bedrock_mock.plugin.resolve import reported, resolve_test, session_options

if TYPE_CHECKING:
    from pytest_bedrock_mock.fakes.isolation import Isolation

__all__ = ["KIT_FIXTURES", "uses_kit"]

_UNDO: pytest.StashKey[list[Undo[Any]]] = pytest.StashKey()
_ISOLATION: pytest.StashKey[Undo[Isolation]] = pytest.StashKey()


def uses_kit(item: pytest.Item) -> bool:
    """Whether ``item`` asks for a fixture of :data:`KIT_FIXTURES` or a fake's marker."""
    names = getattr(item, "fixturenames", ())
    return any(name in names for name in KIT_FIXTURES) or bool(requested_fakes(item))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before the test's fixtures (the runner's setup comes after this plugin's): opt out, or isolate."""
    if not touches_kit(item):
        return
    from pytest_bedrock_mock.fakes import intercept, isolation

    session = session_options(item.config)
    undo: list[Undo[Any]] = []
    item.stash[_UNDO] = undo
    with reported():
        opted_out = resolve_test(item, session).values["allow_network"]
    if opted_out and not session.allow_network:
        armed = intercept.set_armed(False)
        undo.append(Undo(lambda: armed.__exit__(None, None, None), armed))  # armed again (as before) when the test ends
    elif uses_kit(item):
        isolated = isolation.isolate(region=session.region)
        item.stash[_ISOLATION] = isolated
        undo.append(isolated)


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Generator[None, Any, None]:
    """Once the test's fake records, the real credentials come back: the recording is signed with them."""
    yield
    isolated = request.node.stash.get(_ISOLATION, None)
    if isolated is not None and not isolated.undone:
        from pytest_bedrock_mock.fakes import intercept

        if getattr(intercept.active_fake(), "records", False):
            isolated.undo()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, None]:
    """After every fixture of the test was torn down (also when one failed), in reverse order."""
    yield
    changes = item.stash.get(_UNDO, None)
    if changes:
        for change in reversed(changes):
            change.undo()
        item.stash[_UNDO] = []
