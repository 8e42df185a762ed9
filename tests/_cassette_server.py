"""A small real HTTP server on 127.0.0.1 answering bedrock's rest-json, for recording tests.

Answers are built by the response builders and wire-encoded with
:func:`pytest_bedrock_mock.core.wire.encode_response` / ``encode_error``. Jobs advance one
status per Get along ``lifecycle`` (default InProgress, InProgress, Completed);
``fail_next`` queues errors (``(path_prefix, code)``) served before normal answers;
``echo`` adds fields to every Get answer (the secret-scan test plants credentials
there); ``extra_headers`` are sent with every answer. ``requests`` counts what arrived.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core import wire

PREFIX = "/model-customization-jobs"


@dataclass
class _State:
    lifecycle: tuple[str, ...] = ("InProgress", "InProgress", "Completed")
    jobs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    fail_next: list[tuple[str, str, str]] = field(default_factory=list)
    echo: dict[str, Any] = field(default_factory=dict)
    extra_headers: dict[str, str] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    seed: int = 0


class CassetteTestServer:
    def __init__(self) -> None:
        self.state = _State()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def fail_next(self, operation: str, code: str, message: str | None = None) -> None:
        self.state.fail_next.append((operation, code, message or wire.default_message(code)))

    def _answer(self, operation: str, status: int, headers: dict[str, str], body: bytes) -> Response:
        return Response(body, status=status, headers={**headers, **self.state.extra_headers})

    def _ok(self, operation: str, parsed: dict[str, Any]) -> Response:
        return self._answer(operation, *wire.encode_response(operation, parsed))

    def _error(self, operation: str, code: str, message: str | None = None) -> Response:
        return self._answer(operation, *wire.encode_error(operation, code, message))

    def _app(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        raw_path = environ.get("RAW_URI", environ.get("REQUEST_URI", request.path)).split("?", 1)[0]
        self.state.requests.append((request.method, raw_path))
        return self._route(request, raw_path)(environ, start_response)

    def _route(self, request: Request, raw_path: str) -> Response:
        st = self.state
        rest = unquote(raw_path[len(PREFIX):]).lstrip("/")
        if request.method == "POST" and not rest:
            op = "CreateModelCustomizationJob"
        elif request.method == "GET" and not rest:
            op = "ListModelCustomizationJobs"
        elif request.method == "POST" and rest.endswith("/stop"):
            op, rest = "StopModelCustomizationJob", rest[: -len("/stop")]
        else:
            op = "GetModelCustomizationJob"
        for i, (failing_op, code, message) in enumerate(st.fail_next):
            if failing_op == op:
                del st.fail_next[i]
                return self._error(op, code, message)
        if op == "CreateModelCustomizationJob":
            params = json.loads(request.get_data() or b"{}")
            st.seed += 1
            jobs = builders.job_lifecycle(list(st.lifecycle), params.get("customizationType", "FINE_TUNING"), seed=st.seed)
            st.jobs[jobs[0]["jobArn"]] = jobs
            return self._ok(op, {"jobArn": jobs[0]["jobArn"]})
        if op == "ListModelCustomizationJobs":
            return self._ok(op, builders.list_jobs_response([jobs[min(st.polls.get(arn, 0), len(jobs)) - 1] for arn, jobs in st.jobs.items()]))
        if rest not in st.jobs:
            return self._error(op, "ResourceNotFoundException", f"Could not find job {rest}")
        if op == "StopModelCustomizationJob":
            return self._ok(op, {})
        n = st.polls[rest] = st.polls.get(rest, 0) + 1
        job = dict(st.jobs[rest][min(n, len(st.jobs[rest])) - 1])
        job.update(st.echo)
        return self._ok(op, job)

    def __enter__(self) -> CassetteTestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def running() -> Iterator[CassetteTestServer]:
    with CassetteTestServer() as server:
        yield server


def make_client(endpoint_url: str | None = None, *, key_id: str = "testing", secret: str = "testing", token: str | None = None, attempts: int = 3) -> Any:
    """A real botocore bedrock client (standard retries) for ``endpoint_url``."""
    import botocore.session
    from botocore.config import Config

    return botocore.session.get_session().create_client(
        "bedrock", region_name="us-east-1", endpoint_url=endpoint_url, aws_access_key_id=key_id, aws_secret_access_key=secret,
        aws_session_token=token, config=Config(retries={"mode": "standard", "total_max_attempts": attempts}),
    )


class SocketBlocker:
    """Makes every ``socket.connect`` fail and remembers the attempts."""

    def __init__(self) -> None:
        self.attempts: list[Any] = []

    def install(self, monkeypatch: Any) -> SocketBlocker:
        import socket

        def connect(sock: Any, address: Any) -> None:
            self.attempts.append(address)
            raise OSError(f"network blocked in this test (attempted {address!r})")

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect)
        return self


def fake_key_id() -> str:
    """An access key id that matches the credential pattern, assembled at run time."""
    return "AK" + "IA" + "Q" * 4 + "X" * 12


def fake_secret() -> str:
    """A 40-character secret-looking value, assembled at run time."""
    return "wJal" + "rXUt" + "nFEMI" + "K7MDENG" + "bPxRfiCY" + "Zq" * 5 + "K2"
