"""pytest wiring of variant coverage: options, the ``bedrock_variants`` marker, the ``bedrock_variant`` fixture.

Options (group ``bedrock-mock``; each has an ini twin, the command line wins):

* ``--bedrock-coverage=off|report|fail`` (ini ``bedrock_coverage``, default ``report``);
* ``--bedrock-coverage-dimensions=status,error,...`` (ini ``bedrock_coverage_dimensions``,
  default ``all``: every dimension but ``forward_compat``; add it by name, ``all,forward_compat``);
* ``--bedrock-coverage-report=PATH`` (ini ``bedrock_coverage_report``): the JSON report.

Under pytest-xdist each worker sends its counts to the controller (``workeroutput``), which
merges them in ``pytest_testnodedown`` and prints one summary and gates once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_bedrock_mock.coverage import report as reports
from pytest_bedrock_mock.coverage.tracker import Coverage
from pytest_bedrock_mock.fakes.variants import serve
from pytest_bedrock_mock.variants import Variant, VariantError, dimensions, select

__all__ = ["CoverageOptions", "bedrock_variant", "resolve_options", "session_coverage"]

MODES = ("off", "report", "fail")
_WORKER_KEY = "bedrock_mock_coverage"
#: Fixtures that activate a fake of their own: with one of them the variant is not served automatically.
_OWN_FAKES = ("bedrock_stubber", "bedrock_fake", "bedrock_server", "bedrock_cassette")
_MARKER_OPTIONS = ("operation", "forward_compat", "serve", "seed")
_MARKER_DOC = (
    "bedrock_variants(*dimensions, operation=None, forward_compat=False, serve=True, seed=0): run the test once per "
    "variant of the named dimensions ('status', 'error', 'status: Stopped', ...) with the bedrock_variant fixture "
    "serving that variant (README: 'Variant coverage')."
)


@dataclasses.dataclass(frozen=True)
class CoverageOptions:
    """The coverage options, resolved once (command line, then ini, then default)."""

    mode: str
    dimensions: tuple[str, ...]
    report_path: str | None


@dataclasses.dataclass
class _State:
    options: CoverageOptions
    coverage: Coverage | None


_STATE = pytest.StashKey[_State]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bedrock-mock")
    group.addoption("--bedrock-coverage", choices=MODES, default=None,
                    help="variant coverage of the bedrock answers served: off, report (default) or fail the session when a "
                         "variant of the selected dimensions was never served (ini: bedrock_coverage).")
    group.addoption("--bedrock-coverage-dimensions", default=None, metavar="DIMS",
                    help="comma-separated dimensions to report and gate, 'all' (default) for every dimension except "
                         "forward_compat (ini: bedrock_coverage_dimensions).")
    group.addoption("--bedrock-coverage-report", default=None, metavar="PATH",
                    help="write the coverage as JSON to PATH (ini: bedrock_coverage_report).")
    parser.addini("bedrock_coverage", "bedrock variant coverage: off, report or fail", default="report")
    parser.addini("bedrock_coverage_dimensions", "bedrock coverage dimensions (comma-separated, or all)", default="all")
    parser.addini("bedrock_coverage_report", "path of the bedrock coverage JSON report", default="")


def resolve_options(config: pytest.Config) -> CoverageOptions:
    """Resolve the options once; an unknown mode or dimension is a :class:`pytest.UsageError`."""
    mode = config.getoption("bedrock_coverage") or str(config.getini("bedrock_coverage")).strip() or "report"
    if mode not in MODES:
        raise pytest.UsageError(f"bedrock_coverage = {mode!r}: expected one of {', '.join(MODES)}")
    raw = config.getoption("bedrock_coverage_dimensions") or str(config.getini("bedrock_coverage_dimensions")).strip() or "all"
    known = dimensions(forward_compat=True)
    chosen: list[str] = []
    for name in (part.strip() for part in raw.split(",")):
        names = dimensions() if name == "all" else (name,) if name else ()
        for dim in names:
            if dim not in known:
                raise pytest.UsageError(f"--bedrock-coverage-dimensions: unknown dimension {dim!r}; the dimensions are: all, {', '.join(known)}")
            if dim not in chosen:
                chosen.append(dim)
    path = config.getoption("bedrock_coverage_report") or str(config.getini("bedrock_coverage_report")).strip() or None
    return CoverageOptions(mode, tuple(chosen), path)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER_DOC)
    options = resolve_options(config)
    coverage = Coverage() if options.mode != "off" else None
    if coverage is not None:
        coverage.start()
    config.stash[_STATE] = _State(options, coverage)


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None and state.coverage is not None:
        state.coverage.stop()


def session_coverage(config: pytest.Config) -> Coverage | None:
    """The session's :class:`~pytest_bedrock_mock.coverage.tracker.Coverage` (None with ``--bedrock-coverage=off``)."""
    state = config.stash.get(_STATE, None)
    return state.coverage if state is not None else None


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: merge a finished worker's counts."""
    state = node.config.stash.get(_STATE, None)
    data = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
    if state is not None and state.coverage is not None and data:
        state.coverage.merge(reports.from_report(data)[0])


def _failures(config: pytest.Config, state: _State) -> list[str]:
    if state.options.mode != "fail" or state.coverage is None or config.option.collectonly:
        return []
    return reports.gate(state.coverage, state.options.dimensions)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash.get(_STATE, None)
    if state is None or state.coverage is None:
        return
    if _is_worker(config):
        config.workeroutput[_WORKER_KEY] = reports.to_report(state.coverage, state.options.dimensions)  # type: ignore[attr-defined]
        return
    if state.options.report_path:
        reports.write_report(state.options.report_path, reports.to_report(state.coverage, state.options.dimensions))
    if _failures(config, state) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is None or state.coverage is None or _is_worker(config):
        return
    failures = _failures(config, state)
    if state.coverage.answers == 0 and not failures:
        return
    tr = terminalreporter
    tr.write_sep("=", "bedrock-mock variant coverage")
    for line in reports.summary_lines(state.coverage, state.options.dimensions):
        tr.write_line(line)
    if state.options.report_path:
        tr.write_line(f"JSON report: {state.options.report_path}")
    if failures:
        tr.write_line(f"FAILED --bedrock-coverage=fail: {len(failures)} variant(s) never served:", red=True, bold=True)
        for item in failures:
            tr.write_line(f"  {item}", red=True)


# -- parametrizing by variant ---------------------------------------------------------------


def _marker_variants(marker: pytest.Mark) -> list[Variant]:
    unknown = sorted(set(marker.kwargs) - set(_MARKER_OPTIONS))
    if unknown:
        pytest.fail(f"bedrock_variants: unknown option(s) {', '.join(unknown)}; the options are: {', '.join(_MARKER_OPTIONS)}", pytrace=False)
    selectors = [str(s) for s in marker.args]
    try:
        return select(*selectors, forward_compat=bool(marker.kwargs.get("forward_compat")), operation=marker.kwargs.get("operation"))
    except (VariantError, ValueError) as exc:
        pytest.fail(f"bedrock_variants: {exc}", pytrace=False)


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
    variants = _marker_variants(marker)
    metafunc.parametrize("bedrock_variant", variants, ids=[v.id for v in variants], indirect=True)


@pytest.fixture
def bedrock_variant(request: pytest.FixtureRequest) -> Iterator[Variant]:
    """The variant this test run serves (parametrized by ``@pytest.mark.bedrock_variants``).

    Unless the test uses a fake fixture of its own (``bedrock_stubber``, ...; then call
    ``bedrock_variant.queue_on(bedrock_stubber)``) or the marker says ``serve=False``, a
    fake answering every bedrock call consistently with the variant is active during the test.
    """
    variant = getattr(request, "param", None)
    if not isinstance(variant, Variant):
        pytest.fail(
            "bedrock_variant is parametrized by @pytest.mark.bedrock_variants('status', ...) (or by "
            "@pytest.mark.parametrize('bedrock_variant', variants.select(...), indirect=True)); README: 'Variant coverage'",
            pytrace=False,
        )
    marker = request.node.get_closest_marker("bedrock_variants")
    kwargs = marker.kwargs if marker is not None else {}
    own_fake = any(name in request.fixturenames for name in _OWN_FAKES)
    if kwargs.get("serve", True) and not own_fake:
        with serve(variant, seed=int(kwargs.get("seed", 0))):
            yield variant
    else:
        yield variant

