"""``bedrock-mock schema export [--out DIR]``: write the JSON Schemas of every request and response.

Without ``--out`` the schemas are printed to stdout as one JSON object (file name -> schema).

Public names: :func:`register`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pytest_bedrock_mock.contract.schema import json_schemas, write_schemas

__all__ = ["register"]


def _export(args: argparse.Namespace) -> int:
    if args.out is None:
        json.dump(json_schemas(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    try:
        paths = write_schemas(args.out)
    except OSError as exc:
        print(f"bedrock-mock schema export: cannot write to {args.out}: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


def register(subparsers: Any) -> None:
    """Add ``schema export`` to the ``bedrock-mock`` parser's subcommands."""
    parser = subparsers.add_parser("schema", help="JSON Schema (Draft 2020-12) of the operations in scope")
    sub = parser.add_subparsers(dest="schema_command", metavar="COMMAND", required=True)
    export = sub.add_parser(
        "export",
        help="write <Operation>.request.schema.json and <Operation>.response.schema.json for every operation",
        description="Write the JSON Schemas generated from botocore's bedrock model (one per request and response).",
    )
    export.add_argument("--out", metavar="DIR", default=None, help="directory to write the files into (default: print one JSON object)")
    export.set_defaults(func=_export)
