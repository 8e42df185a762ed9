"""Server mode: the simulator behind a real HTTP server, reached by botocore, raw HTTP and the admin endpoints."""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import math
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from _raw_http import assert_rest_json_error, error_code, exchange, request_bytes
from botocore.config import Config

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.contract.validate import validate_response
from pytest_bedrock_mock.fakes.server import ServerHandle, is_loopback, start_server
from pytest_bedrock_mock.fakes.simulator import VirtualClock


@pytest.fixture(scope="module")
def _server() -> Iterator[ServerHandle]:
    with start_server(seed=3) as handle:
        yield handle


@pytest.fixture
def server(_server: ServerHandle) -> Iterator[ServerHandle]:
    _server.reset()
    _server.simulator.set_faults()
    with _server.passthrough():
        yield _server


def _http(server: ServerHandle, method: str, path: str, body: bytes | None = None) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(server.url + path, data=body, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read() or b"null")


def test_botocore_client_runs_the_four_operations(server: ServerHandle) -> None:
    client = server.client()
    request = builders.create_job_request("DISTILLATION", seed=1)
    created = client.create_model_customization_job(**request)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    arn = created["jobArn"]
    job = client.get_model_customization_job(jobIdentifier=arn)
    assert job["jobName"] == request["jobName"] and job["status"] == "InProgress"
    assert validate_response("GetModelCustomizationJob", job) == []
    listed = client.list_model_customization_jobs(statusEquals="InProgress")
    assert [s["jobArn"] for s in listed["modelCustomizationJobSummaries"]] == [arn]
    assert client.stop_model_customization_job(jobIdentifier=request["jobName"])["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert client.get_model_customization_job(jobIdentifier=arn)["status"] == "Stopping"
    assert [c.operation for c in server.simulator.calls] == ["CreateModelCustomizationJob", "GetModelCustomizationJob",
                                                             "ListModelCustomizationJobs", "StopModelCustomizationJob", "GetModelCustomizationJob"]


def test_the_arn_arrives_percent_encoded_in_the_path(server: ServerHandle) -> None:
    arn = server.simulator.add_job(seed=2)
    status, headers, body = _http(server, "GET", "/model-customization-jobs/" + quote(arn, safe=""))
    assert status == 200 and body["jobArn"] == arn and "x-amzn-RequestId" in headers
    assert body["creationTime"].endswith("Z")
    status, _, body = _http(server, "POST", "/model-customization-jobs/" + quote(arn, safe="") + "/stop")
    assert status == 200 and body == {}
    status, headers, _ = _http(server, "GET", "/model-customization-jobs/" + arn)  # '/' not encoded: not a Bedrock path
    assert status == 404 and headers["x-amzn-ErrorType"].startswith("UnknownOperationException:")


def test_errors_carry_the_modelled_status_and_error_type(server: ServerHandle) -> None:
    status, headers, body = _http(server, "GET", "/model-customization-jobs/no-such-job")
    assert status == 404 and headers["x-amzn-ErrorType"].startswith("ResourceNotFoundException:")
    assert "no-such-job" in body["message"]
    bad = builders.create_job_request(seed=1, check=False, jobName="-bad")
    status, headers, body = _http(server, "POST", "/model-customization-jobs", json.dumps(bad).encode())
    assert status == 400 and headers["x-amzn-ErrorType"].startswith("ValidationException:")
    assert body["message"].startswith("1 validation error detected: Value '-bad' at 'jobName'")
    status, _, body = _http(server, "GET", "/model-customization-jobs?maxResults=many")
    assert status == 400 and "Member must be of type integer" in body["message"]
    status, _, _ = _http(server, "POST", "/model-customization-jobs", b"not json")
    assert status == 400


def test_paginator_through_the_server(server: ServerHandle) -> None:
    for i in range(250):
        server.simulator.add_job(seed=i, jobName=f"page-job-{i}")
    pages = list(server.client().get_paginator("list_model_customization_jobs").paginate(PaginationConfig={"PageSize": 100}))
    assert [len(p["modelCustomizationJobSummaries"]) for p in pages] == [100, 100, 50]
    assert len({s["jobArn"] for p in pages for s in p["modelCustomizationJobSummaries"]}) == 250


def test_throttling_through_the_server_is_retried_by_botocore(server: ServerHandle) -> None:
    server.simulator.set_faults(throttle_every=2)
    server.simulator.add_job(seed=1)
    client = server.client(config=Config(retries={"mode": "standard"}))
    with VirtualClock().patch_sleep():  # the client's backoff, not the server's
        retries = [client.list_model_customization_jobs()["ResponseMetadata"]["RetryAttempts"] for _ in range(3)]
    assert retries == [0, 1, 1]


def test_admin_endpoints(server: ServerHandle) -> None:
    sim = server.simulator
    a, b = sim.add_job(seed=1, jobName="admin-a"), sim.add_job(seed=2, jobName="admin-b")
    status, _, body = _http(server, "GET", "/_health")
    assert status == 200 and body == {"status": "ok"}
    status, _, body = _http(server, "POST", "/_advance?job=admin-a&steps=5")
    assert status == 200 and body == {"moved": [a]} and sim.describe(a)["status"] == "Completed"
    status, _, body = _http(server, "POST", "/_fail?job=" + quote(b, safe="") + "&message=Boom.")
    assert status == 200 and body["status"] == "Failed" and body["failureMessage"] == "Boom."
    status, _, body = _http(server, "GET", "/_jobs")
    assert [j["jobName"] for j in body] == ["admin-a", "admin-b"]
    assert _http(server, "POST", "/_complete?job=ghost")[0] == 400
    assert _http(server, "POST", "/_complete")[0] == 400
    assert _http(server, "POST", "/_clock?seconds=5")[0] == 400  # real clock
    assert _http(server, "GET", "/_nothing")[0] == 404
    status, _, body = _http(server, "POST", "/_reset")
    assert status == 200 and body == {"reset": True}
    assert sim.jobs == []


def test_virtual_clock_server_moves_by_the_clock_endpoint() -> None:
    from pytest_bedrock_mock.fakes.simulator import AfterDuration

    with start_server(clock="virtual", policy=AfterDuration(600)) as handle:
        arn = handle.simulator.add_job(seed=1)
        assert _http(handle, "POST", "/_clock?seconds=601")[0] == 200
        status, _, body = _http(handle, "GET", "/model-customization-jobs/" + quote(arn, safe=""))
        assert status == 200 and body["status"] == "Completed"
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(handle.url + "/_health", timeout=2)


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1") and not is_loopback("example.com")


def test_passthrough_leaves_other_endpoints_alone(server: ServerHandle) -> None:
    from pytest_bedrock_mock.fakes.server import _Passthrough

    class _Req:
        url = "https://bedrock.us-east-1.amazonaws.com/model-customization-jobs"

    assert _Passthrough(server.url).answer_send("ListModelCustomizationJobs", _Req()) is None


def test_in_process_clients_reach_the_server_while_interception_is_armed(_server: ServerHandle) -> None:
    from pytest_bedrock_mock.fakes import intercept

    armed, _ = intercept.set_armed(True)  # as the pytest plugin does for a whole session
    try:
        client = _server.client()
        with pytest.raises(intercept.BedrockNotMockedError):
            client.list_model_customization_jobs()  # not through the passthrough: refused, not sent
        with _server.passthrough():
            assert "modelCustomizationJobSummaries" in client.list_model_customization_jobs()
    finally:
        intercept.set_armed(armed)


# -- limits, timeouts and error answers (issue 11, item 6) -------------------------------------------------


def test_an_internal_error_is_a_rest_json_500_with_the_traceback_only_in_the_log(server: ServerHandle, monkeypatch: pytest.MonkeyPatch,
                                                                                 caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(server.simulator, "handle_http", broken)
    with caplog.at_level(logging.ERROR, logger="pytest_bedrock_mock.server"):
        status, headers, body = exchange(server.port, request_bytes("GET", "/model-customization-jobs"))
    document = assert_rest_json_error(status, headers, body)
    assert status == 500 and error_code(headers) == "InternalServerException"
    assert "RuntimeError" in document["message"] and "secret detail" not in document["message"]
    assert "Traceback" in caplog.text and "secret detail" in caplog.text


def test_keep_alive_connections_answer_several_requests(server: ServerHandle) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for _ in range(3):
            connection.request("GET", "/model-customization-jobs")
            response = connection.getresponse()
            assert response.status == 200 and json.loads(response.read()) == {"modelCustomizationJobSummaries": []}
        connection.request("POST", "/model-customization-jobs", body=b"{not json")
        response = connection.getresponse()
        assert response.status == 400 and response.getheader("x-amzn-ErrorType", "").startswith("SerializationException:")
        response.read()
        connection.request("GET", "/_health")  # the connection survives an error answer
        assert connection.getresponse().status == 200
    finally:
        connection.close()


def _raise_fd_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"needs {wanted} file descriptors; the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def test_a_request_is_answered_within_a_second_while_1000_idle_connections_are_open() -> None:
    _raise_fd_limit(2 * 1000 + 200)  # both ends of every connection live in this process
    with start_server(workers=2) as handle:
        idle = []
        try:
            for _ in range(1000):
                idle.append(socket.create_connection(("127.0.0.1", handle.port), timeout=10))
            idle[-1].sendall(b"GET /model-customization-jobs HTTP/1.1\r\n")  # half a request, then silence
            start = time.perf_counter()
            status, _, body = exchange(handle.port, request_bytes("GET", "/model-customization-jobs"))
            elapsed = time.perf_counter() - start
        finally:
            for sock in idle:
                sock.close()
    assert status == 200 and json.loads(body) == {"modelCustomizationJobSummaries": []}
    assert elapsed < 1.0, f"answered in {elapsed:.3f} s with 1000 idle connections open"


def test_a_body_over_the_limit_is_refused_unread_in_under_50_ms() -> None:
    """Timed against a ``serve`` process, so the test's own threads (sending 10 MiB) do not slow the server down."""
    size = 10 * 1024 * 1024 + 1  # the default limit is 10 MiB
    data = b"x" * size
    proc = subprocess.Popen([sys.executable, "-m", "pytest_bedrock_mock.cli.serve", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().split(" on ", 1)[1].split()[0].rsplit(":", 1)[1])
        times = []
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sender = threading.Thread(target=_send_quietly, args=(sock, data), daemon=True)
                start = time.perf_counter()
                sock.sendall(b"POST /model-customization-jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % size)
                sender.start()
                response = http.client.HTTPResponse(sock)
                response.begin()
                times.append(time.perf_counter() - start)
                body = response.read()
                sender.join(timeout=10)
            headers = {k.lower(): v for k, v in response.getheaders()}
            assert response.status == 413 and error_code(headers) == "RequestEntityTooLargeException"
            assert f"({size} bytes) is larger than the server's limit of 10485760 bytes; raise it with --max-body" in json.loads(body)["message"]
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert sorted(times)[2] < 0.05, f"refused in {[round(t * 1000, 1) for t in times]} ms"


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):
        sock.sendall(data)


def test_idle_connections_are_closed_after_the_read_timeout() -> None:
    with start_server(read_timeout=0.2) as handle, socket.create_connection(("127.0.0.1", handle.port), timeout=5) as sock:
        assert handle.limits == {"workers": 16, "read_timeout": 0.2, "max_body": 10 * 1024 * 1024}
        assert sock.recv(100) == b""  # closed by the server, not by our 5 s timeout
        with socket.create_connection(("127.0.0.1", handle.port), timeout=5) as partial:
            partial.sendall(b"GET /model-customization-jobs HTTP/1.1\r\nHost: x\r\n")  # the blank line never comes
            answer = partial.recv(4096)
    assert answer.startswith(b"HTTP/1.1 400 ") and b"did not arrive within the read timeout (0.2 s)" in answer


def test_non_finite_numbers_are_refused_by_every_fake_naming_the_member() -> None:
    import botocore.session

    from pytest_bedrock_mock.core import wire
    from pytest_bedrock_mock.fakes.simulator import BedrockSimulator
    from pytest_bedrock_mock.fakes.stubber import BedrockStubber, StubberError

    client = botocore.session.get_session().create_client("bedrock", region_name="us-east-1", aws_access_key_id="testing",
                                                          aws_secret_access_key="testing")
    for value, shown in ((math.nan, "NaN"), (math.inf, "Infinity"), (-math.inf, "-Infinity")):
        with pytest.raises(StubberError, match=f"Value '{shown}' at 'trainingMetrics.trainingLoss' failed to satisfy constraint: Member must be a finite number"):
            BedrockStubber(client).add_get_job("Completed", trainingMetrics={"trainingLoss": value})
        request = builders.create_job_request("REINFORCEMENT_FINE_TUNING", seed=1)
        request["customizationConfig"]["rftConfig"]["hyperParameters"]["learningRate"] = value
        sim = BedrockSimulator()
        with pytest.raises(ValueError, match="customizationConfig.rftConfig.hyperParameters.learningRate' failed to satisfy constraint: Member must be a finite number"):
            sim.add_job(**{k: v for k, v in request.items()})
        if value == -math.inf:
            continue  # below the member's min: botocore itself refuses it before sending
        with sim.activated():
            with pytest.raises(client.exceptions.ValidationException, match="learningRate' failed to satisfy constraint: Member must be a finite number"):
                client.create_model_customization_job(**request)
        assert sim.jobs == []
        with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
            wire.encode_response("GetModelCustomizationJob", {"trainingMetrics": {"trainingLoss": value}})
