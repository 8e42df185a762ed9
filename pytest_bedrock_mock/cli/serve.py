"""``bedrock-mock serve``: run the simulator behind a real HTTP server until SIGINT/SIGTERM.

    bedrock-mock serve --host 127.0.0.1 --port 4566
    aws bedrock list-model-customization-jobs --endpoint-url http://127.0.0.1:4566 --region us-east-1

Loopback by default; a non-loopback ``--host`` prints a warning (the server checks no
signatures and has test-only admin endpoints such as ``POST /_reset``). ``--port 0``
picks a free port; the first line printed names the URL. The process exits 0 after a
clean shutdown on SIGINT or SIGTERM. Also runnable as ``python -m pytest_bedrock_mock.cli.serve``.

Public names: :func:`register`, :func:`run`, :func:`main`.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["main", "register", "run"]


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


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, loopback only)")
    parser.add_argument("--port", type=_port, default=4566, help="port to listen on; 0 picks a free one (default: 4566)")
    parser.add_argument("--region", default="us-east-1", help="region for requests whose signature names none (default: us-east-1)")
    parser.add_argument("--policy", type=_policy, default=None, metavar="POLICY",
                        help="job lifecycle: after-gets[:N] (default, N=3), after-duration[:SECONDS] or manual")
    parser.add_argument("--clock", choices=("real", "virtual"), default="real", help="virtual: time moves only via POST /_clock?seconds=S")
    parser.add_argument("--throttle-every", type=int, default=0, metavar="N", help="answer every Nth request with ThrottlingException (429)")
    parser.add_argument("--throttle-fraction", type=float, default=0.0, metavar="P", help="throttle a seeded fraction P of requests")
    parser.add_argument("--internal-error-every", type=int, default=0, metavar="N", help="answer every Nth request with InternalServerException (500)")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS", help="delay every answer")
    parser.add_argument("--seed", type=int, default=None, help="seed for job ids and fault fractions")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.set_defaults(func=run)


def _port(text: str) -> int:
    """A TCP port, 0 to 65535 (0 picks a free one); anything else is a usage error, not another port."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535 (0 picks a free one), got {text!r}")
    return value


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand to the ``bedrock-mock`` parser."""
    parser = subparsers.add_parser("serve", help="run the Bedrock simulator as an HTTP server (rest-json)",
                                   description=__doc__.split("\n\n")[0] if __doc__ else None)
    _add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from pytest_bedrock_mock.fakes.server import is_loopback, start_server
    from pytest_bedrock_mock.fakes.simulator import BedrockSimulator, Faults

    options: dict[str, Any] = {"faults": Faults(throttle_every=args.throttle_every, throttle_fraction=args.throttle_fraction,
                                                internal_error_every=args.internal_error_every, latency=args.latency, seed=args.seed or 0)}
    if args.policy is not None:
        options["policy"] = args.policy
    sim = BedrockSimulator(clock=args.clock, default_region=args.region, seed=args.seed, **options)
    if not is_loopback(args.host):
        print(f"bedrock-mock: warning: serving on {args.host}, which is not a loopback address; the server checks no "
              "signatures and anyone who reaches it can create jobs and call /_reset", file=sys.stderr, flush=True)
    try:
        handle = start_server(args.host, args.port, simulator=sim, verbose=args.verbose)
    except OSError as exc:
        print(f"bedrock-mock: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    print(f"bedrock-mock: serving the Bedrock simulator on {handle.url} (Ctrl+C to stop)", flush=True)
    try:
        while not stop.wait(0.2):
            pass
    finally:
        handle.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("bedrock-mock: server stopped", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bedrock-mock serve", description=__doc__.split("\n\n")[0] if __doc__ else None)
    _add_arguments(parser)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
