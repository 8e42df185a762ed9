"""Resolving the options table (:mod:`.options`): once per session, once per test, one precedence.

:func:`resolve_session` reads the command line, the ini file and the environment when pytest
starts; :func:`resolve_test` adds a test's fixture overrides and markers on top, and returns
one frozen, keyword-only :class:`BedrockOptions`. :func:`options_for` does that once per test
(cached on the test item). A misspelt marker argument or fixture key, or a value of the wrong
kind, is an :class:`~pytest_bedrock_mock.plugin.options.OptionsError` naming the option, where
it was set and the valid options.

Public names: :class:`BedrockOptions`, :class:`SessionOptions`, :class:`StubberOptions`,
:class:`VariantOptions`, :class:`CoverageOptions`, :func:`resolve_session`,
:func:`resolve_test`, :func:`check_markers`, :func:`session_options`, :func:`options_for`, :func:`reported`,
:func:`is_set`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pytest

from pytest_bedrock_mock.errors import FakeConflictError
from pytest_bedrock_mock.plugin.options import (
    FIXTURE,
    GROUP_FIXTURES,
    MARKERS,
    OPTIONS,
    Option,
    OptionsError,
    ini_value,
    marker_options,
    option,
)

__all__ = [
    "BedrockOptions",
    "CoverageOptions",
    "SessionOptions",
    "StubberOptions",
    "VariantOptions",
    "check_markers",
    "is_set",
    "options_for",
    "reported",
    "resolve_session",
    "resolve_test",
    "session_options",
]

RECORD_MODE, OFFLINE = "cassette.record_mode", "none"


@dataclass(frozen=True, kw_only=True)
class CoverageOptions:
    mode: str
    dimensions: tuple[str, ...]
    report: str | None
    strategies: bool


@dataclass(frozen=True, kw_only=True)
class StubberOptions:
    validate_requests: bool
    unordered: bool
    allow_unused: bool
    seed: int | None


@dataclass(frozen=True, kw_only=True)
class VariantOptions:
    dimensions: tuple[str, ...]
    operation: str | None
    forward_compat: bool
    serve: bool
    seed: int


@dataclass(frozen=True, kw_only=True)
class SessionOptions:
    """The command line, ini file and environment, resolved when pytest starts."""

    region: str
    allow_network: bool
    cassette_dir: str
    values: Mapping[str, Any]  # every option's session-level value (command line > ini > default)
    given: frozenset[str]  # the options the command line or ini file set
    offline: bool  # the offline guarantee holds: no test may record

    @functools.cached_property
    def defaults(self) -> BedrockOptions:
        """The options of a test that no marker or fixture override changes (resolved on first use)."""
        return _resolved(self, {}, {}, "")

    @functools.cached_property
    def coverage(self) -> CoverageOptions:
        """The ``coverage.*`` options (on first use: ``all`` dimensions are read from the variant catalogue, so from the model)."""
        return CoverageOptions(**{o.name: self.values[o.key] for o in OPTIONS if o.group == "coverage"})


@dataclass(frozen=True, kw_only=True)
class BedrockOptions:
    """One test's options. ``values`` maps every option of the table to its resolved value;
    ``fake`` and ``cassette`` hold the keyword arguments of
    :class:`~pytest_bedrock_mock.fakes.simulator.BedrockSimulator` and
    :class:`~pytest_bedrock_mock.fakes.cassettes.CassetteOptions` (for the simulator only the
    options some layer set: the rest keep that class's defaults, which the table shows)."""

    values: Mapping[str, Any]
    session: SessionOptions
    stubber: StubberOptions
    fake: Mapping[str, Any]
    cassette: Mapping[str, Any]
    variants: VariantOptions


for _cls, _group in ((StubberOptions, "stubber"), (VariantOptions, "variants"), (CoverageOptions, "coverage")):
    assert [f.name for f in dataclasses.fields(_cls)] == [o.name for o in OPTIONS if o.group == _group], f"{_cls.__name__} mirrors the table"


def is_set(env_var: str, env: Mapping[str, str] | None = None) -> bool:
    """An environment flag is set when it is anything but empty, ``0``, ``false`` or ``no``."""
    return (os.environ if env is None else env).get(env_var, "").strip().lower() not in ("", "0", "false", "no")


def _checked(o: Option, value: Any, where: str) -> Any:
    try:
        return o.check(value)
    except (TypeError, ValueError) as exc:
        raise OptionsError(f"{where}: {o.key}: {exc}") from None


class _Defaults(Mapping[str, Any]):
    """The session's values: those the command line or ini file gave, checked at once; the defaults,
    checked (and put in their normal form) when first read. Checking a default may need the model
    (the simulator's options, the coverage dimensions ``all``): a session that never reads one never loads it."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values
        self._lock = threading.Lock()

    def __getitem__(self, key: str) -> Any:
        if key not in self._values:
            o = option(key) if key in _KEYS else None
            if o is None:
                raise KeyError(key)
            with self._lock:
                if key not in self._values:
                    self._values[key] = _checked(o, o.default, "default")
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_KEYS)

    def __len__(self) -> int:
        return len(_KEYS)


_KEYS = tuple(o.key for o in OPTIONS)


def resolve_session(config: pytest.Config, env: Mapping[str, str] | None = None) -> SessionOptions:
    """Command line > ini file > default for every option; ``CI`` makes the record mode default ``none``."""
    values: dict[str, Any] = {}
    given: set[str] = set()
    for o in OPTIONS:
        cli = config.getoption(o.dest, None) if o.cli else None
        ini = config.getini(o.ini) if o.ini else None
        if cli is not None:
            values[o.key] = _checked(o, cli, o.cli or "")
            given.add(o.key)
        elif ini not in (None, "", []):
            where = f"ini option {o.ini}"
            try:
                ini = ini_value(o, ini)
            except ValueError as exc:
                raise OptionsError(f"{where}: {o.key}: {exc}") from None
            values[o.key] = _checked(o, ini, where)
            given.add(o.key)
    ci = is_set("CI", env)
    if RECORD_MODE not in given and ci:
        values[RECORD_MODE] = OFFLINE
    offline = (RECORD_MODE in given and values[RECORD_MODE] == OFFLINE) or (ci and config.getoption(option(RECORD_MODE).dest, None) is None)
    session = _Defaults(values)
    return SessionOptions(region=session["region"], allow_network=session["allow_network"], cassette_dir=session["cassette_dir"],
                          values=session, given=frozenset(given), offline=offline)


def _marker_layer(node: pytest.Item, marker: str) -> dict[str, Any]:
    """The arguments of ``marker`` on ``node``, broadest first, narrowest winning (names checked, values not yet)."""
    rows = marker_options(marker)
    by_name = {o.name: o for o in rows if not o.positional or o.positional == "?"}
    positional = next((o for o in rows if o.positional), None)
    out: dict[str, Any] = {}
    for mark in reversed(list(node.iter_markers(marker))):
        where = f"@pytest.mark.{marker}"
        unknown = sorted(set(mark.kwargs) - set(by_name))
        if unknown:
            valid = ", ".join(o.name for o in rows if o.positional != "*")
            raise OptionsError(f"{node.nodeid}: {where}: unknown option(s) {', '.join(unknown)}; valid options: {valid}")
        if mark.args:
            if positional is None or (positional.positional == "?" and len(mark.args) > 1):
                takes = "no positional arguments" if positional is None else f"at most one positional argument (the {positional.name})"
                raise OptionsError(f"{node.nodeid}: {where} takes {takes}, got {mark.args!r}")
            if positional.positional == "?" and positional.name in mark.kwargs:
                raise OptionsError(f"{node.nodeid}: {where}: the {positional.name} is given both positionally and as {positional.name}=")
            out[positional.key] = mark.args if positional.positional == "*" else mark.args[0]
        out.update({by_name[k].key: v for k, v in mark.kwargs.items()})
    return out


#: Every marker name the table reads (with arguments, or a flag): a test with none of them has no marker layer.
_MARKER_NAMES = frozenset([*(name for name, (signature, _) in MARKERS.items() if signature != ""), *(o.flag[0] for o in OPTIONS if o.flag)])


def check_markers(node: pytest.Item) -> dict[str, Any]:
    """Every marker argument of ``node`` by option key, checked for names (an ``OptionsError`` otherwise)."""
    if _MARKER_NAMES.isdisjoint(mark.name for mark in node.iter_markers()):
        return {}  # the usual test: one walk over its markers instead of one per marker name
    layer: dict[str, Any] = {}
    for name, (signature, _) in MARKERS.items():
        if signature != "":  # markers with arguments
            layer.update(_marker_layer(node, name))
    for o in OPTIONS:
        if o.flag and node.get_closest_marker(o.flag[0]) is not None:
            layer[o.key] = o.flag[1]  # a flag marker wins over the keyword
    return layer


def _fixture_layer(fixtures: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[Any, str]]:
    """``{option key: (value, fixture name)}``: :data:`FIXTURE`, then the group fixtures over it."""
    general = fixtures.get(FIXTURE) or {}
    valid = [o.key for o in OPTIONS if o.fixture]
    unknown = sorted(str(k) for k in general if k not in valid)
    if unknown:
        raise OptionsError(f"{FIXTURE} fixture: unknown or not per-test option(s) {', '.join(unknown)}; valid options: {', '.join(valid)}")
    out = {k: (v, FIXTURE) for k, v in general.items()}
    for group, name in GROUP_FIXTURES.items():
        values = fixtures.get(name) or {}
        names = [o.name for o in OPTIONS if o.group == group and o.fixture]
        unknown = sorted(str(k) for k in values if k not in names)
        if unknown:
            raise OptionsError(f"{name} fixture: unknown option(s) {', '.join(unknown)}; valid options: {', '.join(names)}")
        out.update({f"{group}.{k}": (v, name) for k, v in values.items()})
    return out


def resolve_test(node: pytest.Item, session: SessionOptions, fixtures: Mapping[str, Mapping[str, Any]] | None = None) -> BedrockOptions:
    """Marker > fixture override > the session's value, for every per-test option (``fixtures=None``: markers only)."""
    markers = check_markers(node)
    overrides = _fixture_layer(fixtures) if fixtures is not None else {}
    if not markers and not overrides:
        return session.defaults  # the session's values alone: resolved once
    return _resolved(session, markers, overrides, node.nodeid)


def _resolved(session: SessionOptions, markers: Mapping[str, Any], overrides: Mapping[str, tuple[Any, str]], nodeid: str) -> BedrockOptions:
    values = dict(session.values)
    explicit = set(session.given)
    for key, (raw, fixture) in overrides.items():
        values[key] = _checked(option(key), raw, f"{fixture} fixture")
        explicit.add(key)
    for key, raw in markers.items():
        o = option(key)
        values[key] = _checked(o, raw, f"{nodeid}: @pytest.mark.{o.marker or (o.flag or ('',))[0]}")
        explicit.add(key)
    if values["cassette.golden"]:
        values[RECORD_MODE] = OFFLINE  # a golden cassette is only ever played back
    elif session.offline and values[RECORD_MODE] != OFFLINE:
        values[RECORD_MODE] = session.values[RECORD_MODE]  # the offline guarantee: a test cannot choose to record

    def group(name: str) -> dict[str, Any]:
        return {o.name: values[o.key] for o in OPTIONS if o.group == name}

    fake = {k: v for k, v in group("fake").items() if f"fake.{k}" in explicit}
    return BedrockOptions(values=MappingProxyType(values), session=session, stubber=StubberOptions(**group("stubber")), fake=MappingProxyType(fake),
                          cassette=MappingProxyType(group("cassette")), variants=VariantOptions(**group("variants")))


_SESSION = pytest.StashKey[SessionOptions]()
_TEST = pytest.StashKey[BedrockOptions]()


@contextlib.contextmanager
def reported(where: str = "") -> Iterator[None]:
    """Turn an :class:`OptionsError` (or a conflict between fakes) raised in the block into one test error
    with its message only: no traceback, so the option, where it was set and the fix are what the user reads."""
    __tracebackhide__ = True
    try:
        yield
    except (OptionsError, FakeConflictError) as exc:
        kind = "" if isinstance(exc, OptionsError) else f"{type(exc).__name__}: "
        raise pytest.fail.Exception(f"{kind}{where}{exc}", pytrace=False) from None


def session_options(config: pytest.Config) -> SessionOptions:
    """The session's options (resolved in ``pytest_configure``)."""
    if _SESSION not in config.stash:
        config.stash[_SESSION] = resolve_session(config)
    return config.stash[_SESSION]


def options_for(request: pytest.FixtureRequest) -> BedrockOptions:
    """The options of the requesting test, resolved once and kept on the test item."""
    __tracebackhide__ = True
    node = request.node
    cached = node.stash.get(_TEST, None)
    if cached is None:
        fixtures = {name: request.getfixturevalue(name) for name in (FIXTURE, *GROUP_FIXTURES.values())}
        with reported():
            cached = node.stash[_TEST] = resolve_test(node, session_options(request.config), fixtures)
    return cached
