"""The ``bedrock-mock`` command line: ``operations`` here; other commands come from the modules beside this one."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence

from pytest_bedrock_mock.core.model import get_model

__all__ = ["main"]

#: Modules that add subcommands through ``register(subparsers)``.
COMMAND_MODULES: tuple[str, ...] = ("cassettes", "serve", "schema", "coverage")


def _operations(args: argparse.Namespace) -> int:
    model = get_model()
    data = {
        op: {
            "method": model.operation(op).http["method"],
            "path": model.operation(op).http["requestUri"],
            "success_status": model.success_status(op),
            "errors": {code: info.http_status for code, info in model.errors(op).items()},
        }
        for op in model.operations
    }
    if args.json:
        print(json.dumps({"operations": data, "statuses": list(model.statuses), "sub_statuses": list(model.sub_statuses), "customization_types": list(model.customization_types)}, indent=2))
        return 0
    for op, info in data.items():
        print(f"{op}  {info['method']} {info['path']} -> {info['success_status']}")
        for code, status in info["errors"].items():  # type: ignore[attr-defined]
            print(f"    {status}  {code}")
    print("job statuses:        " + ", ".join(model.statuses))
    print("sub-task statuses:   " + ", ".join(model.sub_statuses))
    print("customization types: " + ", ".join(model.customization_types))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bedrock-mock", description="Fakes and contract checks for Amazon Bedrock model-customization jobs.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    ops = sub.add_parser("operations", help="list the operations in scope with their error codes and the job statuses (from botocore's model)")
    ops.add_argument("--json", action="store_true", help="print JSON")
    ops.set_defaults(func=_operations)
    for name in COMMAND_MODULES:
        importlib.import_module(f"pytest_bedrock_mock.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
