"""The pytest plugin (``pytest11`` entry point ``bedrock_mock``): registration only.

Options and markers come from the one table (:mod:`.options`), resolved once per session and
once per test (:mod:`.resolve`); interception is armed for the session (as soon as botocore is
imported: :mod:`.lazy`); each test that uses the kit gets the isolation fixture first, which checks
its marker arguments and that it asks for one fake only (:mod:`.choice`, :mod:`.isolation`). Fixtures live in the sub-plugins listed in
``pytest_plugins``; the work lives in the library.

Start-up cost: loading the plugin imports neither botocore nor its model, jsonschema, yaml,
responses or requests; each comes with the first test (or import) that needs it. A test that does
not use the kit pays nothing: no fixture of the plugin is autouse, and no hook of it runs per test
until something of the kit is used (the outcome and coverage hooks register themselves then).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest

from pytest_bedrock_mock.plugin import lazy
from pytest_bedrock_mock.plugin.choice import ISOLATION_FIXTURE, add_fixtures, touches_kit
from pytest_bedrock_mock.plugin.options import marker_lines, register
from pytest_bedrock_mock.plugin.resolve import SessionOptions, session_options

pytest_plugins = [
    "pytest_bedrock_mock.plugin.stubber",
    "pytest_bedrock_mock.plugin.cassette",
    "pytest_bedrock_mock.plugin.fake",
    "pytest_bedrock_mock.plugin.coverage",
    "pytest_bedrock_mock.plugin.isolation",
]

_PREVIOUS_KEY = pytest.StashKey[tuple[bool, str]]()
_ARM_KEY = pytest.StashKey[Callable[[], None]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    register(parser)


def pytest_configure(config: pytest.Config) -> None:
    for line in marker_lines():
        config.addinivalue_line("markers", line)
    arm: Callable[[], None] = functools.partial(_arm, config, session_options(config))
    config.stash[_ARM_KEY] = arm
    lazy.when_botocore_imported(arm)


def _arm(config: pytest.Config, session: SessionOptions) -> None:
    from pytest_bedrock_mock.fakes import intercept

    intercept.install()
    config.stash[_PREVIOUS_KEY] = intercept.set_armed(not session.allow_network, region=session.region)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _ARM_KEY in config.stash:
        lazy.cancel(config.stash[_ARM_KEY])
    if _PREVIOUS_KEY in config.stash:
        from pytest_bedrock_mock.fakes import intercept

        armed, region = config.stash[_PREVIOUS_KEY]
        intercept.set_armed(armed, region=region)


@pytest.hookimpl(trylast=True)  # after the plugins that add markers in theirs
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test that touches the kit starts with isolation (:mod:`.isolation`, which checks its markers and that it
    asks for one fake at most) and gets the fake its marker asks for. No hook of the plugin runs per test."""
    for item in items:
        if touches_kit(item):
            add_fixtures(item, ISOLATION_FIXTURE)


@pytest.fixture
def bedrock_mock_options() -> dict[str, object]:
    """Per-test option overrides for a scope (override in a ``conftest.py``): ``{"stubber.unordered": True, ...}``.

    Keys are the option names of the table (:mod:`pytest_bedrock_mock.plugin.options`); a marker
    on the test still wins over them, and they win over the command line and the ini file.
    """
    return {}
