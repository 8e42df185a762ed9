"""Raw HTTP for the server tests: exact bytes in, the parsed answer out, and what every error answer must look like."""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any

from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.core.model import get_model

#: Every status the server may answer an error with: the model's error statuses and the common errors'.
ERROR_STATUSES = frozenset({e.http_status for op in get_model().operations for e in get_model().errors(op).values()}
                           | {e.status for e in wire.COMMON_ERRORS.values()})
SUCCESS_STATUSES = frozenset(get_model().success_status(op) for op in get_model().operations)


def exchange(port: int, data: bytes, *, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """Send ``data`` on a new connection, half-close it, and read one answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def request_bytes(method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or {"Content-Length": str(len(body))}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def assert_rest_json_error(status: int, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The answer is a rest-json error: a status the model (or a common error) has, a typed error, JSON with a message."""
    assert status in ERROR_STATUSES, (status, body[:300])
    assert headers.get("content-type") == "application/json", headers
    assert headers.get("x-amzn-errortype", "").split(":", 1)[0], headers
    assert headers.get("x-amzn-requestid"), headers
    document = json.loads(body)
    assert isinstance(document, dict) and isinstance(document.get("message"), str) and document["message"], document
    assert "Traceback" not in document["message"] and "<html" not in body.decode("utf-8", "replace").lower()
    return document


def error_code(headers: dict[str, str]) -> str:
    return headers["x-amzn-errortype"].split(":", 1)[0]
