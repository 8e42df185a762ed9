"""The ``serve`` flags of the simulator's options: one flag per :class:`SimulatorConfig` field (and the clock, the
default Region and the lifecycle outcome), each checked by the simulator's own rules.

:data:`FLAGS` maps each option to its flag(s); tests/test_sim_choices.py checks that every field of
:class:`~pytest_bedrock_mock.fakes.simulator.config.SimulatorConfig` (and of ``Faults``) has one, so a new
option cannot be forgotten. A bad value is one usage error naming the flag (exit 2).

Public names: :data:`FLAGS`, :func:`add_arguments`, :func:`simulator_options`.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

__all__ = ["FLAGS", "add_arguments", "simulator_options"]

#: Option (a SimulatorConfig field, a Faults field as ``faults.<name>``, or a BedrockSimulator argument) -> its flag.
FLAGS: dict[str, str] = {
    "account": "--account",
    "policy": "--policy",
    "policy.outcome": "--outcome",
    "faults.throttle_every": "--throttle-every",
    "faults.throttle_fraction": "--throttle-fraction",
    "faults.internal_error_every": "--internal-error-every",
    "faults.internal_error_fraction": "--internal-error-fraction",
    "faults.latency": "--latency",
    "faults.operations": "--fault-operations",
    "faults.seed": "--seed",
    "duplicate_name_error": "--duplicate-name-error",
    "duplicate_model_name_error": "--duplicate-model-name-error",
    "token_mismatch_error": "--token-mismatch-error",
    "stop_inactive_error": "--stop-inactive-error",
    "default_max_results": "--default-max-results",
    "default_sort_order": "--default-sort-order",
    "name_contains_ignore_case": "--name-contains-ignore-case",
    "level": "--level",
    "strict": "--strict",
    "seed": "--seed",
    "base_models": "--base-models",
    "strict_base_models": "--strict-base-models",
    "clock": "--clock",
    "default_region": "--region",
}


def _policy(text: str) -> Any:
    from pytest_bedrock_mock.fakes.simulator import AfterDuration, AfterGets, Manual

    kind, _, arg = text.partition(":")
    try:
        if kind == "after-gets":
            return AfterGets(int(arg or 3))
        if kind == "after-duration":
            return AfterDuration(float(arg or 3600))
        if kind == "manual" and not arg:
            return Manual()
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"invalid policy {text!r}; use after-gets[:N], after-duration[:SECONDS] or manual")


def _error(text: str) -> Any:
    """``none``, ``CODE`` or ``CODE:MESSAGE`` (the code is checked against the model with the other options)."""
    if text.lower() == "none":
        return None
    code, sep, message = text.partition(":")
    if not re.fullmatch(r"[A-Za-z]+", code):
        raise argparse.ArgumentTypeError(f"invalid error {text!r}; use none, an error code such as ValidationException, or CODE:MESSAGE")
    return (code, message.strip()) if sep else code


def _base_models(text: str) -> tuple[str, tuple[str, ...]]:
    ctype, sep, ids = text.partition("=")
    models = tuple(i.strip() for i in ids.split(",") if i.strip())
    if not sep or not ctype:
        raise argparse.ArgumentTypeError(f"invalid base models {text!r}; use TYPE=ID[,ID...], e.g. FINE_TUNING=amazon.titan-text-express-v1:0:8k")
    return ctype.strip(), models


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The simulator's flags (see :data:`FLAGS`)."""
    from pytest_bedrock_mock.fakes.simulator import LEVELS, SimulatorConfig

    d = SimulatorConfig()
    add = parser.add_argument
    add("--region", default="us-east-1", help="Region of requests whose signature names none (default: us-east-1)")
    add("--account", default=d.account, help=f"account id in the ARNs the simulator makes (default: {d.account})")
    add("--policy", type=_policy, default=None, metavar="POLICY", help="job lifecycle: after-gets[:N] (default, N=3), after-duration[:SECONDS] or manual")
    add("--outcome", choices=("Completed", "Failed"), default=None, help="how jobs finish on their own (default: Completed)")
    add("--clock", choices=("real", "virtual"), default="real", help="virtual: time moves only via POST /_clock?seconds=S")
    add("--throttle-every", type=int, default=0, metavar="N", help="answer every Nth request with ThrottlingException (429)")
    add("--throttle-fraction", type=float, default=0.0, metavar="P", help="throttle a seeded fraction P of requests")
    add("--internal-error-every", type=int, default=0, metavar="N", help="answer every Nth request with InternalServerException (500)")
    add("--internal-error-fraction", type=float, default=0.0, metavar="P", help="answer a seeded fraction P of requests with InternalServerException")
    add("--latency", type=float, default=0.0, metavar="SECONDS", help="delay every answer")
    add("--fault-operations", default=None, metavar="OP[,OP...]",
        help="inject faults only into these operations (e.g. GetModelCustomizationJob or get_model_customization_job; default: all)")
    add("--seed", type=int, default=None, help="seed for job ids, fault fractions and the nextToken key")
    for name in ("duplicate_name_error", "duplicate_model_name_error", "token_mismatch_error", "stop_inactive_error"):
        value = getattr(d, name)
        shown = "none" if value is None else value if isinstance(value, str) else f"{value[0]}:{value[1]}"
        add(FLAGS[name], type=_error, default=getattr(d, name), metavar="CODE[:MESSAGE]|none",
            help=f"the error for {name.removesuffix('_error').replace('_', ' ')} (docs/undocumented-behaviour.md; default: {shown})")
    add("--default-max-results", type=int, default=d.default_max_results, metavar="N", help=f"List page size without maxResults (default: {d.default_max_results})")
    add("--default-sort-order", default=d.default_sort_order, metavar="ORDER", help=f"List order without sortOrder (default: {d.default_sort_order})")
    add("--name-contains-ignore-case", action="store_true", help="nameContains ignores case")
    add("--level", choices=LEVELS, default=d.level, help="accepted for completeness: the server always answers on the wire")
    add("--strict", action="store_true", help="check every answer against the contract")
    add("--base-models", type=_base_models, action="append", default=None, metavar="TYPE=ID[,ID...]",
        help="replace the catalogue's base models of one customization type (repeatable)")
    add("--strict-base-models", action="store_true", help="answer ValidationException for a base model the catalogue does not list for the type")


def _flag_of(message: str) -> str:
    """A simulator error message that starts with an option's name, as one that starts with the flag that sets it."""
    for name, flag in sorted(FLAGS.items(), key=lambda item: -len(item[0])):
        if message.startswith(name + ":"):
            return f"{flag}:{message[len(name) + 1:]}"
        if message.startswith(name + " "):
            return f"{flag}: {message}"
    return message


def simulator_options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict[str, Any]:
    """``BedrockSimulator(**simulator_options(args, parser))`` from parsed flags; a value the simulator refuses is
    ``parser.error`` naming the flag (a usage error, exit 2)."""
    from pytest_bedrock_mock.fakes.simulator import Faults, SimulatorConfig

    try:
        faults = Faults(throttle_every=args.throttle_every, throttle_fraction=args.throttle_fraction, internal_error_every=args.internal_error_every,
                        internal_error_fraction=args.internal_error_fraction, latency=args.latency, seed=args.seed or 0,
                        operations=tuple(op.strip() for op in args.fault_operations.split(",")) if args.fault_operations else None)
    except (ValueError, KeyError) as exc:
        message = re.sub(r"Faults\.(\w+)", lambda m: FLAGS.get(f"faults.{m.group(1)}", m.group(0)), str(exc).strip("'\""))
        if "Faults." not in str(exc):
            message = f"--fault-operations: {message}"
        parser.error(message)
    options: dict[str, Any] = {
        "account": args.account, "faults": faults, "duplicate_name_error": args.duplicate_name_error,
        "duplicate_model_name_error": args.duplicate_model_name_error, "token_mismatch_error": args.token_mismatch_error,
        "stop_inactive_error": args.stop_inactive_error, "default_max_results": args.default_max_results,
        "default_sort_order": args.default_sort_order, "name_contains_ignore_case": args.name_contains_ignore_case,
        "level": args.level, "strict": args.strict, "seed": args.seed, "strict_base_models": args.strict_base_models,
        "base_models": dict(args.base_models) if args.base_models else None,
    }
    policy = args.policy
    if args.outcome is not None:
        from pytest_bedrock_mock.fakes.simulator import AfterGets

        policy = policy or AfterGets()
        policy.outcome = args.outcome
    if policy is not None:
        options["policy"] = policy
    try:
        SimulatorConfig(**options)
    except ValueError as exc:
        parser.error(_flag_of(str(exc)))
    return {**options, "clock": args.clock, "default_region": args.region}
