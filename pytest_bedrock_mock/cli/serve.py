"""``bedrock-mock serve``: run the simulator behind a real HTTP server until SIGINT/SIGTERM.

    bedrock-mock serve --host 127.0.0.1 --port 4566
    aws bedrock list-model-customization-jobs --endpoint-url http://127.0.0.1:4566 --region us-east-1

Loopback by default; a non-loopback ``--host`` prints a warning (the server checks no
signatures and has test-only admin endpoints such as ``POST /_reset``). ``--port 0``
picks a free port; the first line printed names the URL. Every simulator option has a flag
(:mod:`pytest_bedrock_mock.cli.simflags`; docs/server.md#flags). ``--workers``, ``--read-timeout``
and ``--max-body`` bound the threads, the wait for a slow client and the body size (the
checks are :data:`pytest_bedrock_mock.fakes.server.LIMITS`). The process exits 0 after a
clean shutdown on SIGINT or SIGTERM (the process ends there: :func:`run` does not return after a
signal); a second signal while it shuts down exits at once (0).
Also runnable as ``python -m pytest_bedrock_mock.cli.serve``.

Public names: :func:`register`, :func:`run`, :func:`main`.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Sequence
from typing import Any

from pytest_bedrock_mock.cli import simflags

__all__ = ["main", "register", "run"]


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, loopback only)")
    parser.add_argument("--port", type=_limit("port"), default=4566, help="port to listen on; 0 picks a free one (default: 4566)")
    parser.add_argument("--workers", type=_limit("workers"), default=_default("workers"), metavar="N",
                        help=f"threads answering requests, 1 to 1024; idle connections take none (default: {_default('workers')})")
    parser.add_argument("--read-timeout", type=_limit("read_timeout"), default=_default("read_timeout"), metavar="SECONDS",
                        help=f"close a connection that sends nothing (or stalls mid-request) this long (default: {_default('read_timeout'):g})")
    parser.add_argument("--max-body", type=_limit("max_body"), default=_default("max_body"), metavar="BYTES",
                        help="refuse (413, unread) a body over this size; 10485760 or 10MiB (default: 10MiB)")
    simflags.add_arguments(parser)
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.set_defaults(func=run, parser=parser)


def _limit(name: str) -> Any:
    """The argparse type for a server knob: the server's own check, its message as the usage error."""
    from pytest_bedrock_mock.fakes.server import check_limit

    def convert(text: str) -> Any:
        try:
            return check_limit(name, text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = name  # argparse names the type in some messages
    return convert


def _default(name: str) -> Any:
    from pytest_bedrock_mock.fakes.server import LIMITS

    return LIMITS[name][1]


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand to the ``bedrock-mock`` parser."""
    parser = subparsers.add_parser("serve", help="run the Bedrock simulator as an HTTP server (rest-json)",
                                   description=__doc__.split("\n\n")[0] if __doc__ else None)
    _add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from pytest_bedrock_mock.fakes.server import is_loopback, start_server
    from pytest_bedrock_mock.fakes.simulator import BedrockSimulator

    sim = BedrockSimulator(**simflags.simulator_options(args, args.parser))
    if not is_loopback(args.host):
        print(f"bedrock-mock: warning: serving on {args.host}, which is not a loopback address; the server checks no "
              "signatures and anyone who reaches it can create jobs and call /_reset", file=sys.stderr, flush=True)
    # A plain flag, not a threading.Event: the handler runs in the main thread between two bytecodes, possibly
    # while that thread holds the Event's lock inside Event.wait, and Event.set would then deadlock on it.
    signalled: list[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        if signalled:  # a second signal while shutting down: leave now (the kernel closes the sockets)
            os.write(1, b"bedrock-mock: server stopped (second signal)\n")
            os._exit(0)
        signalled.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            handle = start_server(args.host, args.port, simulator=sim, verbose=args.verbose, workers=args.workers,
                                  read_timeout=args.read_timeout, max_body=args.max_body)
        except OSError as exc:
            print(f"bedrock-mock: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        print(f"bedrock-mock: serving the Bedrock simulator on {handle.url} (Ctrl+C to stop)", flush=True)
        try:
            while not signalled:
                time.sleep(0.05)  # a signal interrupts the sleep and runs on_signal
        finally:
            handle.stop(grace=1.0)
    finally:
        if not signalled:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    print("bedrock-mock: server stopped", flush=True)
    # Stopped by a signal: the process ends here. Returning would leave a window (interpreter teardown resets the
    # handlers) in which a repeated signal kills the process by signal instead of letting it exit 0.
    sys.stderr.flush()
    os._exit(0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bedrock-mock serve", description=__doc__.split("\n\n")[0] if __doc__ else None)
    _add_arguments(parser)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
