"""Server mode: the simulator behind a real HTTP server speaking the service's rest-json.

Any client works against it with an endpoint URL: the AWS CLI (``aws bedrock ...
--endpoint-url http://127.0.0.1:PORT``), other SDKs, curl. The HTTP side is the kit's own
small front (:mod:`pytest_bedrock_mock.fakes._http`: an event loop plus ``workers`` threads,
a per-connection ``read_timeout``, bodies over ``max_body`` refused with 413 before they are
read); each request is answered by :meth:`BedrockSimulator.handle_http`, the code that answers
in-process wire-level calls. Every failure is a rest-json error with ``x-amzn-ErrorType``
(see docs/server.md, "Error answers"); an exception becomes a 500 ``InternalServerException``
whose traceback goes to the ``pytest_bedrock_mock.server`` logger only. Signatures are not
checked; the region comes from the SigV4 credential scope.

Test-only admin endpoints (never part of the Bedrock API; paths start with ``/_``):

=========================================  ===================================================
``POST /_reset``                           forget every job, call and queued fault
``POST /_advance?job=NAME_OR_ARN&steps=N`` move one job (or all, without ``job``) N steps
``POST /_complete?job=...``                finish a job as Completed
``POST /_fail?job=...&message=...``        finish a job as Failed
``POST /_clock?seconds=S``                 advance a virtual clock (``--clock virtual``)
``GET /_jobs``                             every job's current description (JSON)
``GET /_health``                           ``{"status": "ok"}``
=========================================  ===================================================

Python API: :func:`start_server` returns a :class:`ServerHandle` (``.url``, ``.stop()``,
``.reset()``, ``.simulator``, ``.calls``, ``.client()``); ``with start_server() as server:`` stops it
at the end of the block. :meth:`ServerHandle.passthrough` lets in-process bedrock clients
reach the server while the pytest plugin's interception is armed. :data:`LIMITS` checks the
server's knobs (``port``, ``workers``, ``read_timeout``, ``max_body``) for both
:func:`start_server` and ``bedrock-mock serve``.

Public names: :func:`start_server`, :class:`ServerHandle`, :func:`make_handler`, :func:`is_loopback`,
:data:`LIMITS`, :func:`check_limit`.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import math
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes._http import HttpFront, Reply, Request
from pytest_bedrock_mock.fakes.base import CallLog, FakeBase
from pytest_bedrock_mock.fakes.simulator import BedrockSimulator, VirtualClock

__all__ = ["LIMITS", "ServerHandle", "check_limit", "is_loopback", "make_handler", "start_server"]

_ADMIN = {"/_reset": "POST", "/_advance": "POST", "/_complete": "POST", "/_fail": "POST", "/_clock": "POST",
          "/_jobs": "GET", "/_health": "GET"}
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2,
          "g": 1000**3, "gb": 1000**3, "gib": 1024**3}


def _port(value: object) -> int:
    number = _integer(value, "a port number from 0 to 65535")
    if not 0 <= number <= 65535:
        raise ValueError(f"expected a port number from 0 to 65535 (0 picks a free one), got {str(value)!r}")
    return number


def _workers(value: object) -> int:
    number = _integer(value, "a number of worker threads from 1 to 1024")
    if not 1 <= number <= 1024:
        raise ValueError(f"expected a number of worker threads from 1 to 1024, got {str(value)!r}")
    return number


def _read_timeout(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not 0.01 <= number <= 3600:  # also NaN and infinity
        raise ValueError(f"expected a read timeout in seconds from 0.01 to 3600, got {str(value)!r}")
    return number


def _max_body(value: object) -> int:
    found = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", str(value)) if not isinstance(value, bool) else None
    unit = _UNITS.get(found.group(2).lower()) if found else None
    if found is None or unit is None or not 0 <= int(found.group(1)) * unit <= 1024**3:
        raise ValueError(f"expected a body size in bytes from 0 to 1 GiB (like 10485760 or 10MiB), got {str(value)!r}")
    return int(found.group(1)) * unit


def _integer(value: object, what: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
        return int(value)
    raise ValueError(f"expected {what}, got {str(value)!r}")


#: The server's knobs: name -> (check, default). Each check takes text or a number and raises
#: ``ValueError`` naming what it expected; ``bedrock-mock serve`` uses the same checks for its flags.
LIMITS: dict[str, tuple[Callable[[object], Any], Any]] = {
    "port": (_port, 0),
    "workers": (_workers, 16),
    "read_timeout": (_read_timeout, 5.0),
    "max_body": (_max_body, 10 * 1024 * 1024),
}


def check_limit(name: str, value: object) -> Any:
    """``value`` checked (and converted) as the server's ``name`` knob; ``ValueError`` says what was expected."""
    return LIMITS[name][0](value)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (the server's default)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _json(data: Any, status: int = 200) -> Reply:
    body = json.dumps(data, default=str).encode()
    return status, {"Content-Type": "application/json", "x-amzn-RequestId": wire.request_id()}, body


def _admin_error(message: str) -> Reply:
    return wire.encode_service_error("ValidationException", message)


def _admin(sim: BedrockSimulator, request: Request) -> Reply:
    path = request.path
    wanted = _ADMIN.get(path)
    if wanted != request.method:
        where = f"; {path} takes {wanted}" if wanted else f"; the admin endpoints are {', '.join(_ADMIN)}"
        return wire.encode_service_error("UnknownOperationException", f"no admin endpoint answers {request.method} {path}{where}")
    args = {k: v[-1] for k, v in parse_qs(request.query, keep_blank_values=True).items()}
    job, endpoint = args.get("job"), path[2:]
    try:
        if endpoint == "reset":
            sim.reset()
            return _json({"reset": True})
        if endpoint == "advance":
            steps = args.get("steps", "1")
            if not steps.isdigit():
                return _admin_error(f"/_advance?steps= takes a whole number of steps, got {steps[:40]!r}")
            return _json({"moved": sim.advance(job, int(steps))})
        if endpoint in ("complete", "fail") and not job:
            return _admin_error(f"/_{endpoint} needs ?job=NAME_OR_ARN")
        if endpoint == "complete":
            return _json(sim.complete(str(job)))
        if endpoint == "fail":
            return _json(sim.fail(str(job), args.get("message")))
        if endpoint == "clock":
            if not isinstance(sim.clock, VirtualClock):
                return _admin_error("the server's clock is real; start it with --clock virtual")
            text = args.get("seconds", "0")
            try:
                seconds = float(text)
            except ValueError:
                seconds = math.nan
            if not math.isfinite(seconds):
                return _admin_error(f"/_clock?seconds= takes a finite number of seconds, got {text[:40]!r}")
            sim.clock.advance(seconds)
            return _json({"now": sim.clock.now().isoformat()})
        if endpoint == "jobs":
            return _json(sim.jobs)
        return _json({"status": "ok"})
    except (KeyError, ValueError, OverflowError) as exc:
        return _admin_error(str(exc).strip("'\""))


def make_handler(sim: BedrockSimulator, *, verbose: bool = False) -> Callable[[Request], Reply]:
    """The function answering one HTTP :class:`~pytest_bedrock_mock.fakes._http.Request` from ``sim``.

    The raw request target keeps a label's percent-encoding (an ARN's ``%2F``), as routing needs.
    """

    def handle(request: Request) -> Reply:
        if request.path.startswith("/_"):
            reply = _admin(sim, request)
        else:
            reply = sim.handle_http(request.method, request.path, request.query, request.headers, request.body, host=request.host)
        if verbose:
            print(f"bedrock-mock: {request.method} {request.target[:200]} -> {reply[0]}", file=sys.stderr, flush=True)
        return reply

    return handle


class ServerHandle:
    """A running server: ``.url``, ``.stop()``, ``.reset()``, ``.simulator``, ``.calls``, ``.client()``."""

    def __init__(self, front: HttpFront, simulator: BedrockSimulator) -> None:
        self._front = front
        self.simulator = simulator
        self.host = front.host
        self.port = front.port
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{shown}:{self.port}"
        self._stopped = False

    @property
    def limits(self) -> dict[str, Any]:
        """The knobs this server runs with: ``workers``, ``read_timeout``, ``max_body``."""
        return {"workers": self._front.workers, "read_timeout": self._front.read_timeout, "max_body": self._front.max_body}

    def start(self) -> ServerHandle:
        self._front.start()
        return self

    def stop(self, grace: float = 1.0) -> None:
        """Stop serving (idempotent): close the socket and idle connections; requests in progress get ``grace`` seconds."""
        if not self._stopped:
            self._stopped = True
            self._front.stop(grace)

    def reset(self) -> None:
        self.simulator.reset()

    @property
    def calls(self) -> CallLog:
        """Every call the server answered (its simulator's call log)."""
        return self.simulator.calls

    def client(self, region: str = "us-east-1", **kwargs: Any) -> Any:
        """A botocore bedrock client for this server (dummy credentials unless given)."""
        import botocore.session

        creds = {k: v for k, v in intercept.DUMMY_CREDENTIALS.items() if k not in kwargs}
        return botocore.session.get_session().create_client("bedrock", region_name=region, endpoint_url=self.url, **creds, **kwargs)

    @contextlib.contextmanager
    def passthrough(self, owner: str | None = None) -> Iterator[ServerHandle]:
        """Let in-process bedrock clients whose endpoint is this server reach it while interception is armed."""
        passthrough = _Passthrough(self.url, self.simulator.calls)
        try:
            with intercept.activate(passthrough, owner):
                yield self
        finally:
            passthrough.close()

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<ServerHandle {self.url}{' stopped' if self._stopped else ''}>"


class _Passthrough(FakeBase):
    """A fake that answers nothing itself: requests to ``url`` are really sent there, others are left alone.

    Its call log is the server simulator's, where the server logs what it answers.
    """

    source = "server"

    def __init__(self, url: str, calls: CallLog | None = None) -> None:
        FakeBase.__init__(self)
        if calls is not None:
            self._calls = calls
        self.url = url.rstrip("/") + "/"
        from botocore.httpsession import URLLib3Session

        self._http = URLLib3Session()

    def close(self) -> None:
        self._http.close()

    def answer_send(self, operation: str, request: Any) -> Any | None:
        if not str(request.url).startswith(self.url):
            return None
        return self._http.send(request)


def start_server(host: str = "127.0.0.1", port: int = 0, *, simulator: BedrockSimulator | None = None, verbose: bool = False,
                 workers: int = LIMITS["workers"][1], read_timeout: float = LIMITS["read_timeout"][1],
                 max_body: int | str = LIMITS["max_body"][1], **options: Any) -> ServerHandle:
    """Start serving ``simulator`` (a new one built from ``options`` by default) in background threads.

    ``port=0`` picks a free port (see ``.port`` / ``.url``). Loopback by default. ``verbose`` logs
    requests to stderr. ``workers`` threads answer requests; a connection that sends nothing for
    ``read_timeout`` seconds is closed; a body over ``max_body`` bytes is refused with 413 unread.
    A bad knob is a ``ValueError`` naming it; a port in use is an ``OSError`` (``EADDRINUSE``).
    """
    given = {"port": port, "workers": workers, "read_timeout": read_timeout, "max_body": max_body}
    checked = {}
    for name, value in given.items():
        try:
            checked[name] = check_limit(name, value)
        except ValueError as exc:
            raise ValueError(f"start_server({name}=...): {exc}") from None
    sim = simulator if simulator is not None else BedrockSimulator(**options)
    front = HttpFront(host, checked["port"], make_handler(sim, verbose=verbose), wire.encode_service_error,
                      workers=checked["workers"], read_timeout=checked["read_timeout"], max_body=checked["max_body"])
    return ServerHandle(front, sim).start()
