"""Whether a test has failed by the time its fixtures tear down: one cause, one report.

A fixture's teardown checks (unused answers, a stubber never called, a cassette not to be saved)
stay quiet when the test itself already failed, since the failure is the report.

Each attempt of a test starts afresh (a rerun plugin runs set-up, call and teardown again on
the same item): the state is reset when set-up reports. :func:`called` says whether this
attempt's call phase ran to its end (passed or failed); it is False when the call was
interrupted (Ctrl+C raises through pytest without a report) or never started.

Public names: :func:`failed`, :func:`called`, :func:`register`. The fixtures that use :func:`failed` call
:func:`register` when they are set up (before the set-up report, the first this hook needs), so a
session that never uses them pays nothing per test; registering the imported module directly keeps
pytest from warning that it cannot rewrite a module already imported.
"""

from __future__ import annotations

import sys
from collections.abc import Generator

import pytest

__all__ = ["called", "failed", "register"]

_FAILED = pytest.StashKey[bool]()
_CALLED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "setup":  # a new attempt (reruns reuse the item)
        item.stash[_FAILED] = item.stash[_CALLED] = False
    if report.when == "call":
        item.stash[_CALLED] = True
    if report.when == "call" or report.failed:
        item.stash[_FAILED] = item.stash.get(_FAILED, False) or report.failed
    return report


def failed(item: pytest.Item) -> bool:
    """True when ``item``'s set-up or call failed (known once :func:`register` ran)."""
    return item.stash.get(_FAILED, False)


def called(item: pytest.Item) -> bool:
    """True when this attempt's call phase finished with a report (passed or failed, not interrupted)."""
    return item.stash.get(_CALLED, False)


def register(config: pytest.Config) -> None:
    """Register this module's hook once per session (idempotent)."""
    if not config.pluginmanager.has_plugin(__name__):
        config.pluginmanager.register(sys.modules[__name__], __name__)
