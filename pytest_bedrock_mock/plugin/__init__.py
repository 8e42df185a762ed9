"""The pytest plugin (``pytest11`` entry point ``bedrock_mock``): registration only.

Options, markers and the interception are set up here; fixtures live in the
``_plugin_*`` modules listed in ``pytest_plugins``; the work lives in the library.
"""

from __future__ import annotations

import pytest

from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.plugin.options import INI_OPTIONS, Settings

pytest_plugins = [
    "pytest_bedrock_mock.plugin.stubber",
    "pytest_bedrock_mock.plugin.cassette",
    "pytest_bedrock_mock.plugin.fake",
    "pytest_bedrock_mock.plugin.coverage",
]

SETTINGS_KEY = pytest.StashKey[Settings]()
_PREVIOUS_KEY = pytest.StashKey[tuple[bool, str]]()

MARKERS = (
    "bedrock_stubber(validate_requests=True, unordered=False, allow_unused=False, seed=None): options of the bedrock_stubber fixture for this test",
    "bedrock_allow_unused: do not fail this test for queued bedrock answers that were never requested, or for a stubber never called",
    "bedrock_no_validation: do not check this test's bedrock requests against the service contract",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bedrock-mock", "pytest-bedrock-mock (fake Amazon Bedrock model-customization jobs)")
    group.addoption("--bedrock-region", dest="bedrock_region", default=None, help="region for bedrock clients created without one (default: ini bedrock_region, else us-east-1)")
    for name, (kind, default, help_text) in INI_OPTIONS.items():
        parser.addini(name, help=help_text, type=kind, default=default)  # type: ignore[arg-type]


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    settings = Settings.from_ini(config.getini)
    region = config.getoption("bedrock_region", None)
    if region:
        settings = Settings(region=region, allow_network=settings.allow_network, stubber=settings.stubber)
    config.stash[SETTINGS_KEY] = settings
    intercept.install()
    config.stash[_PREVIOUS_KEY] = intercept.set_armed(not settings.allow_network, region=settings.region)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _PREVIOUS_KEY in config.stash:
        armed, region = config.stash[_PREVIOUS_KEY]
        intercept.set_armed(armed, region=region)


def settings_of(config: pytest.Config) -> Settings:
    return config.stash[SETTINGS_KEY]
