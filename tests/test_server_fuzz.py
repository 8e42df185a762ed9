"""The server answers every input in rest-json: random bytes, random JSON and random requests, never HTML or a traceback.

Each example is sent on its own connection (then half-closed) to one server with a short read
timeout; whatever arrives, the answer must be a rest-json error with a status from the model
(or a common error's: 400, 404, 413) -- or, for a request that happens to be valid, a
success status from the model with a JSON body.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from _raw_http import SUCCESS_STATUSES, assert_rest_json_error, exchange, request_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_bedrock_mock.fakes.server import ServerHandle, start_server

ROUTES = ["/model-customization-jobs", "/model-customization-jobs/job-1", "/model-customization-jobs/job-1/stop"]
METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"]
_fuzz = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    with start_server(read_timeout=0.5, workers=4, max_body=64 * 1024, seed=1) as handle:
        yield handle


@pytest.fixture(autouse=True)
def _no_internal_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No input may reach the catch-all: an InternalServerException here is a bug found."""
    with caplog.at_level(logging.ERROR, logger="pytest_bedrock_mock.server"):
        yield
    assert not caplog.records, caplog.text


def _check(status: int, headers: dict[str, str], body: bytes, *, method: str = "GET") -> None:
    if status in SUCCESS_STATUSES and status < 300:
        assert headers.get("content-type") == "application/json"
        if method != "HEAD":
            assert isinstance(json.loads(body), dict)
        return
    if method == "HEAD":
        assert headers.get("x-amzn-errortype"), headers
        return
    assert_rest_json_error(status, headers, body)


_json = st.recursive(st.none() | st.booleans() | st.floats(allow_nan=True, allow_infinity=True) | st.integers() | st.text(),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4),
                     max_leaves=20)


@_fuzz
@given(body=st.binary(max_size=300), route=st.sampled_from(ROUTES), method=st.sampled_from(["POST", "GET"]))
def test_random_bytes_bodies(server: ServerHandle, body: bytes, route: str, method: str) -> None:
    _check(*exchange(server.port, request_bytes(method, route, body)))


@_fuzz
@given(value=_json | st.dictionaries(st.sampled_from(["jobName", "customModelName", "roleArn", "baseModelIdentifier",
                                                       "trainingDataConfig", "hyperParameters", "customizationConfig"]), _json))
def test_random_json_bodies(server: ServerHandle, value: object) -> None:
    body = json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")
    _check(*exchange(server.port, request_bytes("POST", "/model-customization-jobs", body)))


_token = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12)
_target = st.one_of(st.sampled_from(ROUTES), st.text(st.characters(min_codepoint=33, max_codepoint=255), max_size=60).map(lambda t: "/" + t))
_headers = st.dictionaries(st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=":"), min_size=1, max_size=20),
                           st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40), max_size=4)


@_fuzz
@given(method=st.sampled_from(METHODS) | _token, target=_target, headers=_headers, query=st.text(max_size=40))
def test_random_requests(server: ServerHandle, method: str, target: str, headers: dict[str, str], query: str) -> None:
    if query:
        target += "?" + query.encode("utf-8", "surrogatepass").decode("latin-1")
    data = request_bytes(method, target, b"", {"Host": "127.0.0.1", **headers})
    _check(*exchange(server.port, data), method=method)


@_fuzz
@given(data=st.binary(max_size=200))
def test_random_bytes_as_the_whole_request(server: ServerHandle, data: bytes) -> None:
    """Not HTTP at all (or a mangled request line): still one rest-json answer once a header block ends."""
    status, headers, body = exchange(server.port, data.replace(b"\r\n\r\n", b"") + b"\r\n\r\n")
    _check(status, headers, body, method=data.split(b" ", 1)[0].decode("latin-1"))
