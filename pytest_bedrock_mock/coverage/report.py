"""Coverage reports: JSON files for CI dashboards and shards, the terminal summary, the gate.

* :func:`to_report` / :func:`from_report` convert a :class:`~pytest_bedrock_mock.coverage.tracker.Coverage`
  to and from the JSON report (schema: :data:`SCHEMA_PATH`, shipped in the package);
* :func:`write_report` writes it atomically; :func:`load_report` reads and validates one,
  naming the file and the field that is wrong;
* :func:`merge_reports` combines shard reports (counts add up, catalogues unite);
* :func:`summary_lines` renders the summary (fits 80 columns), :func:`gate` lists what fails.

Public names: :func:`to_report`, :func:`from_report`, :func:`write_report`,
:func:`load_report`, :func:`merge_reports`, :func:`summary_lines`, :func:`gate`,
:func:`report_schema`, :class:`ReportError`, :data:`SCHEMA_PATH`.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import botocore

from pytest_bedrock_mock.core.files import atomic_write_text
from pytest_bedrock_mock.coverage.tracker import Coverage
from pytest_bedrock_mock.errors import ReportError

__all__ = [
    "SCHEMA_PATH",
    "ReportError",
    "from_report",
    "gate",
    "load_report",
    "merge_reports",
    "report_schema",
    "summary_lines",
    "to_report",
    "write_report",
]

FORMAT = "pytest-bedrock-mock-coverage"
VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("coverage_report.schema.json")
WIDTH = 80


def report_schema() -> dict[str, Any]:
    """The JSON schema of coverage reports (shipped as :data:`SCHEMA_PATH`)."""
    return dict(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def to_report(coverage: Coverage, selected: Sequence[str], *, botocore_version: str | None = None) -> dict[str, Any]:
    """The JSON report of ``coverage``; ``selected`` are the dimensions the gate checks."""
    dims: dict[str, Any] = {}
    for dim, values in coverage.variants.items():
        counts = {v: coverage.served(dim, v) for v in values}
        dims[dim] = {
            "covered": sum(1 for n in counts.values() if n),
            "total": len(values),
            "variants": counts,
            "unmodelled": coverage.unmodelled(dim),
        }
    return {
        "format": FORMAT,
        "version": VERSION,
        "botocore_version": botocore_version or botocore.__version__,
        "answers": coverage.answers,
        "selected": list(dict.fromkeys(selected)),
        "dimensions": dims,
    }


def from_report(report: dict[str, Any]) -> tuple[Coverage, list[str]]:
    """``(coverage, selected)`` from a report dict (validate it first: :func:`load_report`)."""
    dims = report["dimensions"]
    coverage = Coverage({dim: list(body["variants"]) for dim, body in dims.items()})
    for dim, body in dims.items():
        for value, n in {**body["variants"], **body["unmodelled"]}.items():
            if n:
                coverage.counts[(dim, value)] = n
    coverage.answers = int(report["answers"])
    return coverage, list(report["selected"])


def write_report(path: str | Path, report: dict[str, Any]) -> Path:
    """Write ``report`` to ``path`` atomically (a reader never sees half a file)."""
    return atomic_write_text(path, json.dumps(report, indent=2) + "\n")


def load_report(path: str | Path) -> dict[str, Any]:
    """Read a report and validate it against the shipped schema; :class:`ReportError` names what is wrong."""
    import jsonschema

    p = Path(path)
    try:
        report = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{p}: no such coverage report (write one with --bedrock-coverage-report={p})") from None
    except ValueError as exc:
        raise ReportError(f"{p}: not JSON ({exc}); expected a report written by --bedrock-coverage-report") from None
    except RecursionError:  # json recurses once per nesting level
        raise ReportError(f"{p}: nested too deeply to be a coverage report; expected a report written by --bedrock-coverage-report") from None
    except OSError as exc:
        raise ReportError(f"{p}: cannot read the file ({exc.strerror or exc})") from None
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(report_schema()).iter_errors(report))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        raise ReportError(f"{p}: not a pytest-bedrock-mock coverage report: at {where}: {error.message} (schema: {SCHEMA_PATH.name})")
    return dict(report)


def merge_reports(reports: Iterable[dict[str, Any]]) -> tuple[Coverage, list[str], str]:
    """``(coverage, selected, botocore_versions)`` of several reports (shards or workers) combined."""
    total: Coverage | None = None
    selected: list[str] = []
    versions: list[str] = []
    for report in reports:
        coverage, sel = from_report(report)
        total = coverage if total is None else total.merge(coverage)
        selected.extend(s for s in sel if s not in selected)
        versions.extend(v for v in report["botocore_version"].split(", ") if v not in versions)
    if total is None:
        raise ReportError("no coverage reports to merge")
    return total, selected, ", ".join(versions)


def _groups(items: list[str]) -> list[tuple[str, list[str]]]:
    """Runs of ``"<prefix> <rest>"`` items sharing a prefix (error variants: one run per operation)."""
    groups: list[tuple[str, list[str]]] = []
    for item in items:
        head, sep, tail = item.partition(" ")
        if sep and head[:1].isupper() and groups and groups[-1][0] == head:
            groups[-1][1].append(tail)
        elif sep and head[:1].isupper():
            groups.append((head, [tail]))
        else:
            groups.append(("", [item]))
    return groups


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """Wrap at ``", "`` only, so that no variant name is split."""
    lines: list[str] = []
    line = first
    for i, part in enumerate(text.split(", ")):
        piece = part + ("," if i < text.count(", ") else "")
        if line.strip() and len(line) + 1 + len(piece) > width and line not in (first, rest):
            lines.append(line)
            line = rest + piece
        else:
            line = line + ("" if line in (first, rest) else " ") + piece
    lines.append(line)
    return lines


def _row(name: str, count: str, missing: list[str], name_width: int, width: int) -> list[str]:
    head = f"{name:<{name_width}} {count:>7}"
    if not missing:
        return [head]
    groups = _groups(missing)
    if all(not prefix for prefix, _ in groups):
        lead = head + "  missing: "
        longest = max(len(item) for item in missing) + 1
        if len(lead) + longest <= width:
            return _wrap(", ".join(missing), width, lead, " " * len(lead))
        return [head + "  missing:", *_wrap(", ".join(missing), width, "    ", "    ")]
    lines = [head + "  missing:"]
    for prefix, tails in groups:
        lines.extend(_wrap(", ".join(tails), width, f"    {prefix} " if prefix else "    ", "      "))
    return lines


def summary_lines(coverage: Coverage, dimensions: Sequence[str], *, width: int = WIDTH) -> list[str]:
    """One row per dimension (``covered/total`` and the missing variants), a total, unmodelled values."""
    width = min(width, WIDTH) if width > 20 else WIDTH
    name_width = min(max([len(d) for d in dimensions] + [5]), 22)
    lines: list[str] = []
    covered = total = 0
    for dim in dimensions:
        values = coverage.variants.get(dim, [])
        got = coverage.covered(dim)
        covered, total = covered + len(got), total + len(values)
        lines.extend(_row(dim, f"{len(got)}/{len(values)}", [v for v in values if v not in got], name_width, width))
    percent = f" ({100 * covered // total}%)" if total else ""
    lines.append(f"{'total':<{name_width}} {f'{covered}/{total}':>7}{percent} from {coverage.answers} answers served")
    extra = [f"{dim}: {value} ({n}x)" for dim in dimensions for value, n in coverage.unmodelled(dim).items()]
    if extra:
        lines.extend(textwrap.wrap("served but not in botocore's model: " + ", ".join(extra), width=width, subsequent_indent="  "))
    return lines


def summary_line(coverage: Coverage, dimensions: Sequence[str], *, width: int = WIDTH) -> str:
    """The whole coverage in one line: ``bedrock variants: 31/53 covered; missing: s3Uri, equals, ... (+20 more)``
    (the values only; the table of :func:`summary_lines` names their dimensions)."""
    missing = coverage.missing(dimensions)
    total = sum(len(coverage.variants.get(d, ())) for d in dimensions)
    head = f"bedrock variants: {total - len(missing)}/{total} covered"
    if not missing:
        return head
    shown: list[str] = []
    room = max(width, 60) - len(head) - len("; missing: ") - len(" (+999 more; -v lists them)")
    for item in (m.partition(": ")[2] for m in missing):
        if len(", ".join([*shown, item])) > room and shown:
            break
        shown.append(item)
    more = f" (+{len(missing) - len(shown)} more; -v lists them)" if len(shown) < len(missing) else ""
    return f"{head}; missing: {', '.join(shown)}{more}"


def gate(coverage: Coverage, selected: Sequence[str], *, fail_under: float | None = None, dimensions: Sequence[str] = ()) -> list[str]:
    """What fails: each unserved variant of ``selected``, and the total of ``dimensions`` under ``fail_under`` %."""
    problems = coverage.missing(selected)
    if fail_under is not None:
        dims = list(dimensions) or list(coverage.variants)
        total = sum(len(coverage.variants.get(d, ())) for d in dims)
        covered = sum(len(coverage.covered(d)) for d in dims)
        percent = 100.0 * covered / total if total else 100.0
        if percent < fail_under:
            problems.append(f"total coverage {percent:.1f}% is under --fail-under={fail_under:g}% ({covered}/{total} variants)")
    return problems
