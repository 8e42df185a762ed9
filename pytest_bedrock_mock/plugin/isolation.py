"""pytest wiring of isolation: each test that uses the kit runs with fake AWS credentials.

* A test *uses the kit* when it asks for one of :data:`KIT_FIXTURES` or a fake's marker
  (:func:`uses_kit`). From before its first fixture until after its last teardown,
  :func:`~pytest_bedrock_mock.fakes.isolation.isolate` replaces the AWS credentials of the
  environment and profiles with fake ones, and points child processes' bedrock at the
  ``bedrock_server`` fixture's URL, or at the refusing endpoint when no server runs.
* Recording is the one exception: when a fake that records through the network becomes active (a
  :class:`~pytest_bedrock_mock.fakes.cassettes.CassetteSession` whose ``needs_real_credentials`` is
  true), the real environment is restored for the rest of the test, since the recording is signed with it.
* ``@pytest.mark.bedrock_allow_network`` (the ``allow_network`` option's marker) opts one test
  out: its bedrock calls are not refused and nothing is replaced.

This is the :data:`ISOLATION_FIXTURE` fixture, which the plugin puts first (at collection) among the
fixtures of each test that touches the kit (:func:`~pytest_bedrock_mock.plugin.choice.touches_kit`):
set up before the test's other fixtures, torn down after them. A test that does not touch the kit
pays nothing here: no hook of this module runs per test.

Public names: :data:`ISOLATION_FIXTURE`, :data:`KIT_FIXTURES`, :func:`uses_kit`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_bedrock_mock.plugin.choice import ISOLATION_FIXTURE, KIT_FIXTURES, check_one_fake, requested_fakes
from pytest_bedrock_mock.plugin.resolve import check_markers, reported, resolve_test, session_options

__all__ = ["ISOLATION_FIXTURE", "KIT_FIXTURES", "uses_kit"]


def uses_kit(item: pytest.Item) -> bool:
    """Whether ``item`` asks for a fixture of :data:`KIT_FIXTURES` or a fake's marker."""
    names = getattr(item, "fixturenames", ())
    return any(name in names for name in KIT_FIXTURES) or bool(requested_fakes(item))


@pytest.fixture(name=ISOLATION_FIXTURE)
def _bedrock_isolation(request: pytest.FixtureRequest) -> Iterator[None]:
    """Check the test's markers and that it asks for one fake; then opt it out of the network guard, or isolate
    it until its last fixture was torn down."""
    __tracebackhide__ = True
    item = request.node
    session = session_options(item.config)
    with reported():
        check_markers(item)
        check_one_fake(item)
        opted_out = resolve_test(item, session).values["allow_network"]
    from pytest_bedrock_mock.fakes import intercept, isolation

    if opted_out and not session.allow_network:
        with intercept.set_armed(False):  # armed again (as before) when the test ends
            yield
        return
    if not uses_kit(item):
        yield
        return
    isolated = isolation.isolate(region=session.region)

    def restore_when_recording(fake: Any) -> None:
        if getattr(fake, "needs_real_credentials", False):
            isolated.undo()  # the recording is signed with the real credentials

    stop_listening = intercept.on_activate(restore_when_recording)
    try:
        yield
    finally:
        stop_listening()
        isolated.undo()
