"""``bedrock-mock coverage merge REPORT... [--require DIMS] [--fail-under PCT] [--out FILE]``.

Combines the JSON coverage reports of CI shards (or any sessions), prints one summary and
gates once: exit 1 when a variant of a ``--require``\\ d dimension was never served in any
shard, or the total is under ``--fail-under`` percent; exit 2 when a report cannot be read.

Public names: :func:`register`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pytest_bedrock_mock.coverage import report as reports

__all__ = ["register"]


def _dimensions(spec: str | None, selected: list[str], known: list[str]) -> list[str]:
    if spec is None:
        return selected or known
    out: list[str] = []
    for name in (part.strip() for part in spec.split(",")):
        names = selected if name == "selected" else [d for d in known if d != "forward_compat"] if name == "all" else [name]
        for dim in names:
            if dim not in known:
                raise reports.ReportError(f"--require: unknown dimension {dim!r}; the reports have: all, selected, {', '.join(known)}")
            if dim not in out:
                out.append(dim)
    return out


def _merge(args: argparse.Namespace) -> int:
    try:
        loaded = [reports.load_report(path) for path in args.reports]
        coverage, selected, versions = reports.merge_reports(loaded)
        required = _dimensions(args.require, selected, list(coverage.variants))
    except reports.ReportError as exc:
        print(f"bedrock-mock coverage merge: {exc}", file=sys.stderr)
        return 2
    print(f"bedrock-mock variant coverage: {len(loaded)} report(s), botocore {versions}")
    for line in reports.summary_lines(coverage, required):
        print(line)
    if args.out:
        reports.write_report(args.out, reports.to_report(coverage, required, botocore_version=versions))
        print(f"JSON report: {args.out}")
    gated = required if args.require is not None else []
    problems = reports.gate(coverage, gated, fail_under=args.fail_under, dimensions=required)
    if problems:
        print(f"FAILED: {len(problems)} problem(s):")
        for problem in problems:
            print(f"  {problem}")
        return 1
    return 0


def _percent(text: str) -> float:
    """A percentage from 0 to 100 (``nan`` and ``inf`` would make the gate never fail)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a percentage from 0 to 100, got {text!r}") from None
    if not 0 <= value <= 100:  # also false for nan
        raise argparse.ArgumentTypeError(f"expected a percentage from 0 to 100, got {text!r}")
    return value


def register(subparsers: Any) -> None:
    """Add ``coverage merge`` to the ``bedrock-mock`` parser's subcommands."""
    parser = subparsers.add_parser("coverage", help="variant coverage reports")
    sub = parser.add_subparsers(dest="coverage_command", metavar="COMMAND", required=True)
    merge = sub.add_parser(
        "merge",
        help="combine shard reports (--bedrock-coverage-report) and gate once",
        description="Combine JSON coverage reports of CI shards, print the summary and gate once.",
    )
    merge.add_argument("reports", nargs="+", metavar="REPORT", help="JSON reports written by --bedrock-coverage-report")
    merge.add_argument("--require", metavar="DIMS", default=None,
                       help="comma-separated dimensions whose every variant must be served ('selected': those the shards "
                            "selected, 'all': every dimension but forward_compat)")
    merge.add_argument("--fail-under", metavar="PCT", type=_percent, default=None,
                       help="fail when the total coverage of the shown dimensions is under PCT percent")
    merge.add_argument("--out", metavar="FILE", default=None, help="also write the merged JSON report to FILE")
    merge.set_defaults(func=_merge)
