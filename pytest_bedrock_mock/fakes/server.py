"""Server mode: the simulator behind a real HTTP server speaking the service's rest-json.

Any client works against it with an endpoint URL: the AWS CLI (``aws bedrock ...
--endpoint-url http://127.0.0.1:PORT``), other SDKs, curl. The HTTP side is Werkzeug
(``werkzeug.serving.make_server``, threaded); each request is answered by
:meth:`BedrockSimulator.handle_http`, the code that answers in-process wire-level calls.
Signatures are not checked; the region comes from the SigV4 credential scope.

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
reach the server while the pytest plugin's interception is armed.

Public names: :func:`start_server`, :class:`ServerHandle`, :func:`make_app`, :func:`is_loopback`.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import json
import threading
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.base import CallLog, FakeBase
from pytest_bedrock_mock.fakes.simulator import BedrockSimulator, VirtualClock

__all__ = ["ServerHandle", "is_loopback", "make_app", "start_server"]

_ADMIN = Map([
    Rule("/_reset", endpoint="reset", methods=["POST"]),
    Rule("/_advance", endpoint="advance", methods=["POST"]),
    Rule("/_complete", endpoint="complete", methods=["POST"]),
    Rule("/_fail", endpoint="fail", methods=["POST"]),
    Rule("/_clock", endpoint="clock", methods=["POST"]),
    Rule("/_jobs", endpoint="jobs", methods=["GET"]),
    Rule("/_health", endpoint="health", methods=["GET"]),
])


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (the server's default)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, default=str), status=status, content_type="application/json")


def _admin(sim: BedrockSimulator, request: Request, endpoint: str) -> Response:
    job = request.args.get("job")
    try:
        if endpoint == "reset":
            sim.reset()
            return _json({"reset": True})
        if endpoint == "advance":
            return _json({"moved": sim.advance(job, int(request.args.get("steps", "1")))})
        if endpoint == "complete" and job:
            return _json(sim.complete(job))
        if endpoint == "fail" and job:
            return _json(sim.fail(job, request.args.get("message")))
        if endpoint == "clock":
            if not isinstance(sim.clock, VirtualClock):
                return _json({"message": "the server's clock is real; start it with --clock virtual"}, 400)
            sim.clock.advance(float(request.args.get("seconds", "0")))
            return _json({"now": sim.clock.now().isoformat()})
        if endpoint == "jobs":
            return _json(sim.jobs)
        if endpoint == "health":
            return _json({"status": "ok"})
    except (KeyError, ValueError) as exc:
        return _json({"message": str(exc).strip("'\"")}, 400)
    return _json({"message": f"/_{endpoint} needs ?job=NAME_OR_ARN"}, 400)


def make_app(sim: BedrockSimulator) -> Any:
    """The WSGI application answering the Bedrock API (and the ``/_`` admin endpoints) from ``sim``."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        # The raw path keeps a label's percent-encoding (an ARN's %2F); PATH_INFO is already decoded.
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or quote(request.path)
        path = urlsplit(raw).path
        if path.startswith("/_"):
            try:
                endpoint, _ = _ADMIN.bind_to_environ(environ).match(path, method=request.method)
                response = _admin(sim, request, str(endpoint))
            except HTTPException as exc:
                response = _json({"message": exc.description or "not found"}, exc.code or 404)
        else:
            status, headers, body = sim.handle_http(request.method, path, environ.get("QUERY_STRING", ""), dict(request.headers),
                                                    request.get_data(), host=request.host)
            response = Response(body, status=status, headers=headers)
        result: Iterable[bytes] = response(environ, start_response)
        return result

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class ServerHandle:
    """A running server: ``.url``, ``.stop()``, ``.reset()``, ``.simulator``, ``.calls``, ``.client()``."""

    def __init__(self, server: BaseWSGIServer, simulator: BedrockSimulator) -> None:
        self._server = server
        self.simulator = simulator
        self.host = server.host
        self.port = int(server.server_port)
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{shown}:{self.port}"
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"bedrock-mock-server-{self.port}", daemon=True)
        self._stopped = False

    def start(self) -> ServerHandle:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (idempotent)."""
        if not self._stopped:
            self._stopped = True
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)

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
                 **options: Any) -> ServerHandle:
    """Start serving ``simulator`` (a new one built from ``options`` by default) in a background thread.

    ``port=0`` picks a free port (see ``.port`` / ``.url``). Loopback by default. ``verbose`` logs requests.
    """
    sim = simulator if simulator is not None else BedrockSimulator(**options)
    try:
        server = make_server(host, port, make_app(sim), threaded=True, request_handler=None if verbose else _QuietHandler)
    except SystemExit:  # Werkzeug exits (after printing why) when the port is taken
        raise OSError(errno.EADDRINUSE, f"port {port} on {host} is in use") from None
    return ServerHandle(server, sim).start()

