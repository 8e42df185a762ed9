"""pytest wiring of variant coverage: the session's tracker, the ``bedrock_variants`` marker, the ``bedrock_variant`` fixture.

Options (``coverage.*`` and ``variants.*`` rows of the one options table,
:mod:`pytest_bedrock_mock.plugin.options`): ``--bedrock-coverage=off|summary|report|fail``,
``--bedrock-coverage-dimensions``, ``--bedrock-coverage-report`` (each with an ini twin), and
the marker's arguments.

The tracker observes the fakes: this module registers an observer with the interception's
observer registry (coverage and the fakes never import each other), which hands each answer to
:meth:`Coverage.observe`; it is classified and counted after the test (off the call path). Under
pytest-xdist each worker sends its counts to the controller (``workeroutput``), which merges
them in ``pytest_testnodedown`` and prints one summary and gates once. The tracker (and the variant
catalogue, so the model) is made when the first answer is counted, or at the end when the gate or the
JSON report needs it: a session that serves nothing loads neither.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pytest_bedrock_mock.core.calls import STRATEGY, Call
from pytest_bedrock_mock.plugin import lazy
from pytest_bedrock_mock.plugin.choice import requested_fakes
from pytest_bedrock_mock.plugin.resolve import CoverageOptions, options_for, reported, resolve_test, session_options

if TYPE_CHECKING:
    from pytest_bedrock_mock.coverage.tracker import Coverage
    from pytest_bedrock_mock.variants import Variant

__all__ = ["bedrock_variant", "session_coverage", "session_observer"]

_WORKER_KEY = "bedrock_mock_coverage"


@dataclasses.dataclass
class _State:
    config: pytest.Config
    mode: str
    coverage: Coverage | None = None  # made by tracker(), on the first answer served (cheap: see Coverage)
    observing: bool = False
    settling: bool = False  # whether the teardown hook of _Settle is registered

    @property
    def options(self) -> CoverageOptions:
        return session_options(self.config).coverage

    def tracker(self) -> Coverage:
        if self.coverage is None:
            from pytest_bedrock_mock.coverage.tracker import Coverage

            self.coverage = Coverage()
        return self.coverage

    def observe(self, call: Call) -> None:
        """Keep an answer a fake served (or a response drawn from a strategy): the tracker classifies and
        counts it after the test (:meth:`settle`), off the call path. A response drawn by Hypothesis so
        costs the test's data generation nothing (its ``too_slow`` health check)."""
        if call.source == STRATEGY and not self.options.strategies:
            return
        self.tracker().observe(call)
        if not self.settling:  # the first answer of the session: settle after each test from now on
            self.settling = True
            self.config.pluginmanager.register(_Settle(self), "bedrock_mock.coverage.settle")

    def settle(self) -> None:
        """Count the answers kept since the last call."""
        if self.coverage is not None:
            self.coverage.settle()

    def start_observing(self) -> None:  # when botocore is imported (no fake can serve before)
        from pytest_bedrock_mock.fakes import intercept

        intercept.add_observer(self.observe)
        self.observing = True


class _Settle:
    """After each test: count the answers it was served and the responses it drew (see :meth:`_State.observe`).
    Registered when the first one comes, so a session that never uses the kit pays nothing per test."""

    def __init__(self, state: _State) -> None:
        self.state = state

    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        self.state.settle()


_STATE = pytest.StashKey[_State]()


def pytest_configure(config: pytest.Config) -> None:
    state = config.stash[_STATE] = _State(config, session_options(config).values["coverage.mode"])
    if state.mode != "off":
        lazy.when_botocore_imported(state.start_observing)


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None:
        lazy.cancel(state.start_observing)
        if state.observing:
            from pytest_bedrock_mock.fakes import intercept

            intercept.remove_observer(state.observe)


def session_coverage(config: pytest.Config) -> Coverage | None:
    """The session's :class:`~pytest_bedrock_mock.coverage.tracker.Coverage` (None with ``--bedrock-coverage=off``)."""
    state = config.stash.get(_STATE, None)
    if state is None or state.mode == "off":
        return None
    return state.tracker()  # its counts include every answer served so far


def session_observer(config: pytest.Config) -> Callable[[Call], None] | None:
    """The observer the session registered with the interception (None with ``--bedrock-coverage=off``, or
    before botocore is imported); remove it (``intercept.remove_observer``) to stop counting for a while."""
    state = config.stash.get(_STATE, None)
    return state.observe if state is not None and state.observing else None


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: merge a finished worker's counts."""
    state = node.config.stash.get(_STATE, None)
    data = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
    if state is not None and state.mode != "off" and data:
        from pytest_bedrock_mock.coverage import report as reports

        state.tracker().merge(reports.from_report(data)[0])


def _failures(config: pytest.Config, state: _State) -> list[str]:
    if state.mode != "fail" or state.coverage is None or config.option.collectonly:
        return []
    from pytest_bedrock_mock.coverage import report as reports

    return reports.gate(state.coverage, state.options.dimensions)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash.get(_STATE, None)
    if state is not None:
        state.settle()  # answers served and draws made outside any test (at collection, in a session fixture)
    if state is None or state.mode == "off":
        return
    if state.coverage is None and (state.mode == "fail" or session_options(config).values["coverage.report"]) and not _is_worker(config):
        state.tracker()  # the gate and the report speak of what was never served, even when nothing was
    if state.coverage is None:
        return
    from pytest_bedrock_mock.coverage import report as reports

    if _is_worker(config):
        config.workeroutput[_WORKER_KEY] = reports.to_report(state.coverage, state.options.dimensions)  # type: ignore[attr-defined]
        return
    if state.options.report:
        reports.write_report(state.options.report, reports.to_report(state.coverage, state.options.dimensions))
    if _failures(config, state) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """One line by default (none under ``-q``); the table with ``-v``, ``--bedrock-coverage=report`` or a failing gate."""
    state = config.stash.get(_STATE, None)
    if state is None or state.coverage is None or _is_worker(config):
        return
    failures = _failures(config, state)
    if state.coverage.answers == 0 and not failures:
        return
    from pytest_bedrock_mock.coverage import report as reports

    tr = terminalreporter
    dimensions = state.options.dimensions
    if not failures and state.options.mode != "report" and config.get_verbosity() <= 0:
        if config.get_verbosity() == 0:
            tr.write_line(reports.summary_line(state.coverage, dimensions, width=tr._tw.fullwidth))
        return
    tr.write_sep("=", "bedrock-mock variant coverage")
    for line in reports.summary_lines(state.coverage, dimensions):
        tr.write_line(line)
    if state.options.report:
        tr.write_line(f"JSON report: {state.options.report}")
    if failures:
        tr.write_line(f"FAILED --bedrock-coverage=fail: {len(failures)} variant(s) never served:", red=True, bold=True)
        for item in failures:
            tr.write_line(f"  {item}", red=True)


# -- parametrizing by variant ---------------------------------------------------------------


def _marker_variants(metafunc: pytest.Metafunc) -> list[Variant]:
    from pytest_bedrock_mock.variants import VariantError, select

    try:
        with reported():
            options = resolve_test(metafunc.definition, session_options(metafunc.config)).variants
        return select(*options.dimensions, forward_compat=options.forward_compat, operation=options.operation)
    except (VariantError, ValueError) as exc:
        raise pytest.fail.Exception(f"{metafunc.definition.nodeid}: @pytest.mark.bedrock_variants: {exc}", pytrace=False) from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("bedrock_variants")
    if marker is None:
        return
    if "bedrock_variant" not in metafunc.fixturenames:
        pytest.fail(
            f"{metafunc.definition.nodeid}: @pytest.mark.bedrock_variants needs the bedrock_variant fixture; add a "
            "bedrock_variant argument or @pytest.mark.usefixtures('bedrock_variant')",
            pytrace=False,
        )
    variants = _marker_variants(metafunc)
    metafunc.parametrize("bedrock_variant", variants, ids=[v.id for v in variants], indirect=True)


@pytest.fixture
def bedrock_variant(request: pytest.FixtureRequest) -> Iterator[Variant]:
    """The variant this test run serves (parametrized by ``@pytest.mark.bedrock_variants``).

    Unless the test uses a fake fixture of its own (``bedrock_stubber``, ...; then call
    ``bedrock_variant.queue_on(bedrock_stubber)``) or the marker says ``serve=False``, a
    fake answering every bedrock call consistently with the variant is active during the test.
    """
    from pytest_bedrock_mock.fakes.variants import serve
    from pytest_bedrock_mock.variants import Variant

    variant = getattr(request, "param", None)
    if not isinstance(variant, Variant):
        pytest.fail(
            "bedrock_variant is parametrized by @pytest.mark.bedrock_variants('status', ...) (or by "
            "@pytest.mark.parametrize('bedrock_variant', variants.select(...), indirect=True)); docs/variants.md",
            pytrace=False,
        )
    options = options_for(request).variants
    if options.serve and not requested_fakes(request.node):
        with serve(variant, seed=options.seed, owner="the bedrock_variant fixture"):
            yield variant
    else:
        yield variant
