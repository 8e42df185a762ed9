"""Bad input to the server gets one clear error: bytes on the wire, ``serve`` flags and ``start_server`` knobs.

Each row is one input a user (or a broken client) can plausibly send. Wire rows must come back
as one rest-json error (status, ``x-amzn-ErrorType``, ``{"message": ...}``) whose message names
the field, header or option and the fix; flag rows end in exit status 2 and one message; knob
rows in one ``ValueError``. None may end in HTML, a traceback or a hang.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable, Iterator

import pytest
from _cli import run_cli
from _raw_http import assert_rest_json_error, error_code, exchange, request_bytes

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.fakes.server import ServerHandle, start_server

JOBS = "/model-customization-jobs"
LIMIT = 64 * 1024  #: the rows' server refuses bodies over this


def _post(body: bytes) -> bytes:
    return request_bytes("POST", JOBS, body)


def _create(**fields: object) -> bytes:
    return _post(json.dumps({**builders.create_job_request(seed=1), **fields}).encode())


def _get(target: str) -> bytes:
    return request_bytes("GET", target)


def _deep(depth: int) -> bytes:
    return b'{"jobName":' + b"[" * depth + b"]" * depth + b"}"


# name: (request bytes, status, error code, what the message must say)
WIRE: dict[str, tuple[bytes, int, str, str]] = {
    "truncated JSON": (_post(b'{"jobName": "a'), 400, "SerializationException", "not valid JSON: Unterminated string starting at (line 1, column 13); send one JSON object"),
    "malformed JSON": (_post(b"{jobName: 1}"), 400, "SerializationException", "Expecting property name enclosed in double quotes (line 1, column 2)"),
    "not UTF-8": (_post(b'{"jobName": "\xff\xfe"}'), 400, "SerializationException", "not UTF-8 (byte 0xff at offset 13); send UTF-8 JSON"),
    "NaN": (_post(b'{"jobName": NaN}'), 400, "SerializationException", "NaN is not a JSON number; send a finite number"),
    "Infinity": (_post(b'{"jobName": Infinity}'), 400, "SerializationException", "Infinity is not a JSON number; send a finite number"),
    "-Infinity": (_post(b'{"jobName": -Infinity}'), 400, "SerializationException", "-Infinity is not a JSON number"),
    "a float beyond double range": (_post(b'{"jobName": 1e400}'), 400, "SerializationException", "the number 1e400 is out of range"),
    "an integer beyond 64 bits": (_post(b'{"jobName": 18446744073709551616}'), 400, "SerializationException", "the integer 18446744073709551616 is out of range"),
    "lone surrogate in jobName": (_post(b'{"jobName": "\\ud800"}'), 400, "SerializationException", "the string at 'jobName' holds a lone surrogate \\ud800"),
    "lone surrogate deep inside": (_create(hyperParameters={"epochCount": "\ud800"}), 400, "SerializationException", "at 'hyperParameters.epochCount' holds a lone surrogate"),
    "lone surrogate in a key": (_post(b'{"\\udfff": 1}'), 400, "SerializationException", "holds a lone surrogate \\udfff"),
    "JSON nested 5000 deep": (_post(_deep(5000)), 400, "SerializationException", "nested too deeply (at most 100 levels)"),
    "JSON nested 101 deep": (_post(_deep(100)), 400, "SerializationException", "nested too deeply (at most 100 levels)"),
    "body is an array": (_post(b"[]"), 400, "SerializationException", "the request body must be a JSON object, got a JSON array"),
    "body is a string": (_post(b'"job"'), 400, "SerializationException", "must be a JSON object, got a JSON string"),
    "body is null": (_post(b"null"), 400, "SerializationException", "must be a JSON object, got a JSON null"),
    "jobName of the wrong type": (_create(jobName=5), 400, "ValidationException", "Value '5' at 'jobName' failed to satisfy constraint: Member must be of type string"),
    "creationTimeAfter=1e20": (_get(JOBS + "?creationTimeAfter=1e20"), 400, "ValidationException", "Value '1e20' at 'creationTimeAfter' failed to satisfy constraint: Member must be of type timestamp"),
    "creationTimeAfter=inf": (_get(JOBS + "?creationTimeAfter=inf"), 400, "ValidationException", "at 'creationTimeAfter' failed to satisfy constraint: Member must be of type timestamp"),
    "maxResults=1e400": (_get(JOBS + "?maxResults=1e400"), 400, "ValidationException", "at 'maxResults' failed to satisfy constraint: Member must be of type integer"),
    "maxResults=10^30": (_get(JOBS + "?maxResults=" + "9" * 30), 400, "ValidationException", "at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"),
    "unknown route": (_get("/model-customization-jobz"), 404, "UnknownOperationException", "no Bedrock model-customization operation answers GET /model-customization-jobz"),
    "wrong method": (request_bytes("DELETE", JOBS), 404, "UnknownOperationException", "answers DELETE /model-customization-jobs"),
    "unknown admin endpoint": (_get("/_nothing"), 404, "UnknownOperationException", "the admin endpoints are /_reset, /_advance"),
    "admin endpoint, wrong method": (request_bytes("POST", "/_health"), 404, "UnknownOperationException", "/_health takes GET"),
    "/_complete without job": (request_bytes("POST", "/_complete"), 400, "ValidationException", "/_complete needs ?job=NAME_OR_ARN"),
    "/_advance?steps=x": (request_bytes("POST", "/_advance?steps=x"), 400, "ValidationException", "/_advance?steps= takes a whole number of steps, got 'x'"),
    "/_clock on a real clock": (request_bytes("POST", "/_clock?seconds=5"), 400, "ValidationException", "the server's clock is real; start it with --clock virtual"),
    "/_fail of an unknown job": (request_bytes("POST", "/_fail?job=ghost"), 400, "ValidationException", "no simulated job 'ghost'"),
    "body over --max-body": (request_bytes("POST", JOBS, b"", {"Content-Length": str(LIMIT + 1)}), 413, "RequestEntityTooLargeException",
                             f"the request body ({LIMIT + 1} bytes) is larger than the server's limit of {LIMIT} bytes; raise it with --max-body"),
    "Content-Length not a number": (request_bytes("POST", JOBS, b"{}", {"Content-Length": "two"}), 400, "SerializationException", "Content-Length must be a number of bytes, got 'two'"),
    "short body, then EOF": (request_bytes("POST", JOBS, b'{"a"', {"Content-Length": "50"}), 400, "SerializationException",
                             "the request body ended after 4 of the 50 bytes its Content-Length announced; send a Content-Length that matches the body"),
    "chunked body": (request_bytes("POST", JOBS, b"2\r\n{}\r\n0\r\n\r\n", {"Transfer-Encoding": "chunked"}), 400, "SerializationException", "send a Content-Length"),
    "not HTTP": (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400, "SerializationException", "not an HTTP/1.1 request line"),
    "HTTP/2 request line": (b"GET / HTTP/2.0\r\n\r\n", 400, "SerializationException", "expected 'METHOD /path HTTP/1.1'"),
    "header without a colon": (b"GET /model-customization-jobs HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n", 400, "SerializationException", "malformed header line 'Host 127.0.0.1'; expected 'Name: value'"),
    "headers over 64 KiB": (b"GET / HTTP/1.1\r\nX-Big: " + b"a" * (70 * 1024) + b"\r\n\r\n", 400, "SerializationException", "the request line and headers are longer than 65536 bytes"),
}


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    with start_server(read_timeout=0.3, max_body=LIMIT, workers=4) as handle:
        yield handle


@pytest.mark.parametrize("case", sorted(WIRE))
def test_bad_bytes_get_one_rest_json_error(case: str, server: ServerHandle, caplog: pytest.LogCaptureFixture) -> None:
    data, status, code, message = WIRE[case]
    with caplog.at_level(logging.ERROR, logger="pytest_bedrock_mock.server"):
        got_status, headers, body = exchange(server.port, data)
    document = assert_rest_json_error(got_status, headers, body)
    assert (got_status, error_code(headers)) == (status, code), document
    assert message in document["message"]
    assert not caplog.records  # none of them is an internal error


# name: (bytes sent, then silence: the connection stays open; what the answer must say)
STALLED: dict[str, tuple[bytes, str]] = {
    "headers never finished": (b"GET /model-customization-jobs HTTP/1.1\r\nHost: x\r\n",
                               "the request headers did not arrive within the read timeout (0.3 s); send the whole request at once"),
    "body stalls": (request_bytes("POST", JOBS, b'{"jobName"', {"Content-Length": "100"}),
                    "the request body stopped after 10 of the 100 bytes its Content-Length announced (read timeout 0.3 s)"),
}


@pytest.mark.parametrize("case", sorted(STALLED))
def test_a_stalled_request_is_answered_after_the_read_timeout(case: str, server: ServerHandle) -> None:
    data, message = STALLED[case]
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"x-amzn-ErrorType: SerializationException:" in head
    assert message in json.loads(body)["message"]


Flags = list[str]
# name: (serve flags, what the message must say); every row exits 2
FLAGS: dict[str, tuple[Flags, str]] = {
    "--workers 0": (["--workers", "0"], "--workers: expected a number of worker threads from 1 to 1024, got '0'"),
    "--workers 5000": (["--workers", "5000"], "got '5000'"),
    "--workers many": (["--workers", "many"], "--workers: expected a number of worker threads from 1 to 1024, got 'many'"),
    "--read-timeout 0": (["--read-timeout", "0"], "--read-timeout: expected a read timeout in seconds from 0.01 to 3600, got '0'"),
    "--read-timeout nan": (["--read-timeout", "nan"], "got 'nan'"),
    "--read-timeout inf": (["--read-timeout", "inf"], "got 'inf'"),
    "--read-timeout -1": (["--read-timeout", "-1"], "got '-1'"),
    "--max-body -5": (["--max-body", "-5"], "--max-body: expected a body size in bytes from 0 to 1 GiB (like 10485760 or 10MiB), got '-5'"),
    "--max-body 10XB": (["--max-body", "10XB"], "got '10XB'"),
    "--max-body 2GiB": (["--max-body", "2GiB"], "got '2GiB'"),
    "--max-body 1.5MiB": (["--max-body", "1.5MiB"], "got '1.5MiB'"),
    "--port 1e3": (["--port", "1e3"], "--port: expected a port number from 0 to 65535, got '1e3'"),
    "--throttle-fraction 2": (["--throttle-fraction", "2"], "--throttle-fraction must be between 0 and 1, got 2.0"),
    "--throttle-every -1": (["--throttle-every", "-1"], "--throttle-every must be >= 0 (0 = off), got -1"),
    "--latency nan": (["--latency", "nan"], "--latency must be a finite number of seconds >= 0, got nan"),
    "--latency -1": (["--latency", "-1"], "--latency must be a finite number of seconds >= 0, got -1.0"),
}


@pytest.mark.parametrize("case", sorted(FLAGS))
def test_bad_serve_flags_are_one_usage_error(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    flags, message = FLAGS[case]
    assert run_cli(["serve", "--port", "0", *flags]) == 2
    out, err = capsys.readouterr()
    assert message in err and "Traceback" not in out + err


# name: (start_server keyword arguments, what the ValueError must say)
KNOBS: dict[str, tuple[dict[str, object], str]] = {
    "port=70000": ({"port": 70000}, "start_server(port=...): expected a port number from 0 to 65535 (0 picks a free one), got '70000'"),
    "port=-1": ({"port": -1}, "start_server(port=...): expected a port number"),
    "port=True": ({"port": True}, "start_server(port=...): expected a port number from 0 to 65535, got 'True'"),
    "workers=0": ({"workers": 0}, "start_server(workers=...): expected a number of worker threads from 1 to 1024, got '0'"),
    "read_timeout=inf": ({"read_timeout": float("inf")}, "start_server(read_timeout=...): expected a read timeout in seconds from 0.01 to 3600, got 'inf'"),
    "read_timeout='soon'": ({"read_timeout": "soon"}, "start_server(read_timeout=...): expected a read timeout"),
    "max_body='lots'": ({"max_body": "lots"}, "start_server(max_body=...): expected a body size in bytes from 0 to 1 GiB"),
}


@pytest.mark.parametrize("case", sorted(KNOBS))
def test_bad_start_server_knobs_are_one_value_error(case: str) -> None:
    knobs, message = KNOBS[case]
    start: Callable[..., ServerHandle] = start_server
    with pytest.raises(ValueError) as raised:
        start(**knobs).stop()
    assert message in str(raised.value)


def test_the_table_is_at_least_30_rows() -> None:
    assert len(WIRE) + len(STALLED) + len(FLAGS) + len(KNOBS) >= 30
