"""Which fake answers a test: exactly one, known at set-up.

A test gets its fake from a fixture (``bedrock_stubber``, ``bedrock_fake``, ``bedrock_server``,
``bedrock_cassette``) or the ``@pytest.mark.bedrock_cassette`` marker. Asking for two is an
error at set-up naming both (:func:`check_one_fake`); ``bedrock_client`` binds to the one the
test asked for (:func:`client_fake`), and ``bedrock_variant`` serves its variant only when
the test asked for none.

Public names: :data:`FAKE_FIXTURES`, :data:`FAKE_MARKERS`, :func:`requested_fakes`,
:func:`check_one_fake`, :func:`client_fake`.
"""

from __future__ import annotations

import pytest

from pytest_bedrock_mock.fakes.base import FakeConflictError

__all__ = ["FAKE_FIXTURES", "FAKE_MARKERS", "check_one_fake", "client_fake", "requested_fakes"]

#: The fixtures that activate a fake of their own, with what each one is (the one list of them).
FAKE_FIXTURES: dict[str, str] = {
    "bedrock_stubber": "scripted answers queued by the test",
    "bedrock_fake": "the stateful simulator",
    "bedrock_server": "the simulator behind a real HTTP server",
    "bedrock_cassette": "recorded traffic played back",
}
#: Markers that activate a fake without its fixture in the test's arguments: marker -> fixture.
FAKE_MARKERS: dict[str, str] = {"bedrock_cassette": "bedrock_cassette"}


def requested_fakes(item: pytest.Item) -> dict[str, str]:
    """``{fixture: how the test asked for it}`` for each fake the test asked for."""
    names = getattr(item, "fixturenames", ())
    found = {name: f"the {name} fixture" for name in FAKE_FIXTURES if name in names}
    for marker, fixture in FAKE_MARKERS.items():
        if item.get_closest_marker(marker) is not None:
            how = f"the @pytest.mark.{marker} marker"
            found[fixture] = f"{found[fixture]} and {how}" if fixture in found else how
    return found


def check_one_fake(item: pytest.Item) -> None:
    """Raise :class:`FakeConflictError` when ``item`` asks for two fakes, naming both and how to choose."""
    __tracebackhide__ = True
    found = requested_fakes(item)
    if len(found) > 1:
        asked = " and ".join(found.values())
        choices = "; ".join(f"{name} ({what})" for name, what in FAKE_FIXTURES.items())
        raise FakeConflictError(
            f"{item.nodeid} asks for {asked}, but one fake answers bedrock calls at a time. Keep the one the test is about: "
            f"{choices}. bedrock_client binds to whichever one the test uses (README: 'Interception')."
        )


def client_fake(item: pytest.Item) -> str | None:
    """The fixture ``bedrock_client`` should set up for ``item``: None when the test's fake comes on its own."""
    found = requested_fakes(item)
    if found:
        return next(iter(found))
    if "bedrock_variant" in getattr(item, "fixturenames", ()):
        return None  # the variant is served (or the test serves it itself)
    if item.get_closest_marker("bedrock_fake") is not None:
        return "bedrock_fake"
    return "bedrock_stubber"
