"""``bedrock-mock cassettes ...``: lint cassettes, regenerate the golden set, print the schema.

* ``bedrock-mock cassettes lint PATH...`` — format errors, drift against the current
  model, unknown fields and credential patterns, one line per finding
  (``file: interaction N: kind: what``); exit status 1 when anything is found.
* ``bedrock-mock cassettes golden [DIR] [--check]`` — (re)write the golden cassettes,
  or with ``--check`` fail when the files differ from what the builders produce now.
* ``bedrock-mock cassettes schema`` — the cassette format's JSON Schema.

Public names: :func:`register`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["register"]


def _lint(args: argparse.Namespace) -> int:
    from pytest_bedrock_mock.fakes.cassettes.lint import lint_paths

    count, findings = lint_paths(args.paths)
    if count == 0:
        where = ", ".join(str(p) for p in args.paths)
        print(f"bedrock-mock cassettes lint: no cassette file (*.yaml, *.yml, *.json) under {where}: nothing was checked. "
              "Name the folder your cassettes are in (by default cassettes/bedrock/<module> beside each test module).", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps([{"file": f.file, "index": f.index, "kind": f.kind, "message": f.message} for f in findings], indent=2))
    else:
        for finding in findings:
            print(finding)
        files = len({f.file for f in findings})
        print(f"{len(findings)} problem(s) in {files} of {count} cassette file(s)" if findings else f"{count} cassette file(s) checked, no problems")
    return 1 if findings else 0


def _golden(args: argparse.Namespace) -> int:
    from pytest_bedrock_mock.fakes.cassettes import golden, storage

    root = Path(args.directory)
    if not args.check:
        paths = golden.write(root)
        print(f"wrote {len(paths)} golden cassette(s) under {root}")
        return 0
    stale = []
    for name, cassette in golden.build_all().items():
        file = root / f"{name}.yaml"
        if not file.exists() or file.read_text(encoding="utf-8") != storage.dumps(cassette):
            stale.append(str(file))
    expected = {str(root / f"{name}.yaml") for name in golden.names()}
    extra = sorted(str(p) for p in root.rglob("*.yaml") if str(p) not in expected) if root.exists() else []
    for name in stale:
        print(f"{name}: out of date (run: bedrock-mock cassettes golden {root})")
    for name in extra:
        print(f"{name}: not a golden cassette any more (delete it)")
    return 1 if stale or extra else 0


def _schema(args: argparse.Namespace) -> int:
    from pytest_bedrock_mock.fakes.cassettes.format import SCHEMA

    json.dump(SCHEMA, sys.stdout, indent=2)
    print()
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``cassettes lint|golden|schema`` to the ``bedrock-mock`` command."""
    parser = subparsers.add_parser("cassettes", help="lint recorded cassettes, regenerate the golden set, print the format's JSON Schema")
    sub = parser.add_subparsers(dest="cassettes_command", metavar="{lint,golden,schema}")
    sub.required = True
    lint = sub.add_parser("lint", help="report format errors, drift, unknown fields and credential patterns")
    lint.add_argument("paths", nargs="+", metavar="PATH", help="cassette files or directories (searched recursively)")
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.set_defaults(func=_lint)
    gold = sub.add_parser("golden", help="write the golden cassettes (built from the response builders)")
    gold.add_argument("directory", nargs="?", default="fixtures/cassettes")
    gold.add_argument("--check", action="store_true", help="only check that the files are current")
    gold.set_defaults(func=_golden)
    schema = sub.add_parser("schema", help="print the cassette format's JSON Schema")
    schema.set_defaults(func=_schema)
