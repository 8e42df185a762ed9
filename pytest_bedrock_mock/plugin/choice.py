"""Which fake answers a test: exactly one, known at set-up.

A test gets its fake from a fixture (``bedrock_stubber``, ``bedrock_fake``, ``bedrock_server``,
``bedrock_cassette``) or the ``@pytest.mark.bedrock_cassette`` marker. Asking for two is an
error at set-up naming both (:func:`check_one_fake`); ``bedrock_client`` binds to the one the
test asked for (:func:`client_fake`), and ``bedrock_variant`` serves its variant only when
the test asked for none.

Whether a test uses the kit at all (:func:`touches_kit`) is decided once per test, cheaply: the
per-test hooks of the plugin return at once for a test that does not.

Public names: :data:`FAKE_FIXTURES`, :data:`FAKE_MARKERS`, :data:`KIT_FIXTURES`, :func:`requested_fakes`,
:func:`check_one_fake`, :func:`client_fake`, :data:`UPSTREAMS`, :func:`is_upstream`, :func:`touches_kit`,
:func:`add_fixtures`, :data:`ISOLATION_FIXTURE`.
"""

from __future__ import annotations

import pytest

from pytest_bedrock_mock.errors import FakeConflictError
from pytest_bedrock_mock.plugin.options import MARKERS

__all__ = ["FAKE_FIXTURES", "FAKE_MARKERS", "ISOLATION_FIXTURE", "KIT_FIXTURES", "UPSTREAMS", "add_fixtures", "check_one_fake", "client_fake", "is_upstream", "requested_fakes",
           "touches_kit"]

#: The fixtures that activate a fake of their own, with what each one is (the one list of them).
FAKE_FIXTURES: dict[str, str] = {
    "bedrock_stubber": "scripted answers queued by the test",
    "bedrock_fake": "the stateful simulator",
    "bedrock_server": "the simulator behind a real HTTP server",
    "bedrock_cassette": "recorded traffic played back",
}
#: Fixtures that may stand beside another fake as the upstream it records from: fixture -> that fake.
#: A cassette recording against ``bedrock_server`` sends its requests to the server, which answers
#: them as AWS would; the server then activates no fake of its own.
UPSTREAMS: dict[str, str] = {"bedrock_server": "bedrock_cassette"}
#: Markers that activate a fake without its fixture in the test's arguments: marker -> fixture.
FAKE_MARKERS: dict[str, str] = {"bedrock_cassette": "bedrock_cassette"}
#: The fixtures whose tests use the kit (and run isolated): the fakes' and those that bind to a fake.
KIT_FIXTURES: tuple[str, ...] = (*FAKE_FIXTURES, "bedrock_client", "bedrock_calls", "bedrock_variant")

#: The fixture that isolates a kit test (:mod:`.isolation`), first among its fixtures (its name is private).
ISOLATION_FIXTURE = "_bedrock_isolation"

_TOUCHES_KIT = pytest.StashKey[bool]()
_ADDED = pytest.StashKey[frozenset[str]]()  # the fakes add_fixtures added for a marker: asked for by the marker, not as fixtures
_MARKED = pytest.StashKey[bool]()
_KIT_NAMES = frozenset(KIT_FIXTURES)


def _marked(node: pytest.Item | pytest.Collector) -> bool:
    """Whether ``node`` or a parent carries a marker of the plugin (kept on each node: a module is looked at once)."""
    known = node.stash.get(_MARKED, None)
    if known is None:
        known = any(m.name in MARKERS for m in node.own_markers) or (node.parent is not None and _marked(node.parent))
        node.stash[_MARKED] = known
    return known


def touches_kit(item: pytest.Item) -> bool:
    """Whether ``item`` asks for a fixture of :data:`KIT_FIXTURES` or carries a marker of the plugin (kept on the item)."""
    known = item.stash.get(_TOUCHES_KIT, None)
    if known is None:
        known = item.stash[_TOUCHES_KIT] = not _KIT_NAMES.isdisjoint(getattr(item, "fixturenames", ())) or _marked(item)
    return known


def requested_fakes(item: pytest.Item) -> dict[str, str]:
    """``{fixture: how the test asked for it}`` for each fake the test asked for."""
    names = getattr(item, "fixturenames", ())
    added = item.stash.get(_ADDED, frozenset())
    found = {name: f"the {name} fixture" for name in FAKE_FIXTURES if name in names and name not in added}
    for marker, fixture in FAKE_MARKERS.items():
        if item.get_closest_marker(marker) is not None:
            how = f"the @pytest.mark.{marker} marker"
            found[fixture] = f"{found[fixture]} and {how}" if fixture in found else how
    return found


def is_upstream(item: pytest.Item, fixture: str) -> bool:
    """Whether ``fixture`` only stands upstream of another fake ``item`` asked for (see :data:`UPSTREAMS`)."""
    return fixture in UPSTREAMS and UPSTREAMS[fixture] in requested_fakes(item)


def check_one_fake(item: pytest.Item) -> None:
    """Raise :class:`FakeConflictError` when ``item`` asks for two fakes, naming both and how to choose."""
    __tracebackhide__ = True
    found = requested_fakes(item)
    found = {name: how for name, how in found.items() if not (name in UPSTREAMS and UPSTREAMS[name] in found)}
    if len(found) > 1:
        asked = " and ".join(found.values())
        choices = "; ".join(f"{name} ({what})" for name, what in FAKE_FIXTURES.items())
        raise FakeConflictError(
            f"{item.nodeid} asks for {asked}, but one fake answers bedrock calls at a time. Keep the one the test is about: "
            f"{choices}. bedrock_client binds to whichever one the test uses; bedrock_server may stand beside bedrock_cassette "
            f"as the endpoint a recording is made from (docs/interception.md)."
        )


def client_fake(item: pytest.Item) -> str | None:
    """The fixture ``bedrock_client`` should set up for ``item``: None when the test's fake comes on its own."""
    found = {name: how for name, how in requested_fakes(item).items() if not is_upstream(item, name)}
    if found:
        return next(iter(found))
    if "bedrock_variant" in getattr(item, "fixturenames", ()):
        return None  # the variant is served (or the test serves it itself)
    if item.get_closest_marker("bedrock_fake") is not None:
        return "bedrock_fake"
    return "bedrock_stubber"


def add_fixtures(item: pytest.Item, first: str) -> None:
    """At collection: ``first`` becomes its first fixture, and the fake of each
    marker in :data:`FAKE_MARKERS` it carries (without asking for that fixture) its first function-scoped one.

    An autouse fixture would do the same, at a cost to every test of every project; this runs only for
    tests that touch the kit (pytest sets the fixtures up in the order of ``item.fixturenames``). The
    item gets a list of its own: the items of one parametrized test share theirs, and a ``pytest.param``
    may carry a marker its siblings do not.
    """
    names: list[str] | None = getattr(item, "fixturenames", None)
    if names is None:
        return  # not a function (a doctest): it has no fixtures of ours
    marked = [fixture for marker, fixture in FAKE_MARKERS.items() if fixture not in names and item.get_closest_marker(marker) is not None]
    if first in names and not marked:
        return  # added already
    names = list(names)
    at = _first_function_scoped(item, names)
    names[at:at] = marked
    item.stash[_ADDED] = frozenset(marked)
    if first not in names:
        names.insert(0, first)
    item.fixturenames = names  # type: ignore[attr-defined]


def _first_function_scoped(item: pytest.Item, names: list[str]) -> int:
    """Where ``item``'s function-scoped fixtures start in ``names`` (pytest sorts wider scopes first)."""
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    for index, name in enumerate(names):
        defs = definitions.get(name)
        if not defs or defs[-1].scope == "function":
            return index
    return len(names)
