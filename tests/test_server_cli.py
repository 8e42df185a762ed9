"""Server mode from the outside: the real AWS CLI, and ``bedrock-mock serve`` shutting down on signals."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_bedrock_mock.cli import serve as cli_serve
from pytest_bedrock_mock.contract.validate import validate_response
from pytest_bedrock_mock.fakes.server import ServerHandle, start_server
from pytest_bedrock_mock.fakes.simulator import AfterGets, Manual


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    with start_server() as handle:
        yield handle


def _aws_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(tmp_path / "no-config"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
               AWS_EC2_METADATA_DISABLED="true", AWS_PAGER="")
    return env


def _aws(server: ServerHandle, env: dict[str, str], *args: str) -> tuple[int, Any, str]:
    cmd = [str(shutil.which("aws")), "bedrock", *args, "--endpoint-url", server.url, "--region", "us-east-1", "--output", "json"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else None, done.stderr


def test_the_real_aws_cli_against_server_mode(server: ServerHandle, tmp_path: Path) -> None:
    if shutil.which("aws") is None:  # a failure, not a skip: CI must prove the CLI works (README: "Server mode")
        pytest.fail("the AWS CLI is not installed; install the dev extra: pip install -e '.[dev]'")
    env = _aws_env(tmp_path)
    rc, created, err = _aws(server, env, "create-model-customization-job", "--job-name", "cli-job-1", "--custom-model-name", "cli-model-1",
                            "--role-arn", "arn:aws:iam::123456789012:role/FakeBedrockRole", "--base-model-identifier", "amazon.titan-text-express-v1:0:8k",
                            "--training-data-config", "s3Uri=s3://example-bucket/train.jsonl", "--output-data-config", "s3Uri=s3://example-bucket/out/",
                            "--hyper-parameters", "epochCount=2,batchSize=1")
    assert rc == 0, err
    arn = created["jobArn"]
    assert validate_response("CreateModelCustomizationJob", created) == []
    rc, job, err = _aws(server, env, "get-model-customization-job", "--job-identifier", arn)
    assert rc == 0, err
    assert job["jobName"] == "cli-job-1" and job["status"] == "InProgress" and job["hyperParameters"] == {"epochCount": "2", "batchSize": "1"}
    assert validate_response("GetModelCustomizationJob", job) == []
    rc, listed, err = _aws(server, env, "list-model-customization-jobs", "--status-equals", "InProgress")
    assert rc == 0, err
    assert [s["jobArn"] for s in listed["modelCustomizationJobSummaries"]] == [arn]
    rc, _, err = _aws(server, env, "stop-model-customization-job", "--job-identifier", arn)
    assert rc == 0, err
    rc, job, err = _aws(server, env, "get-model-customization-job", "--job-identifier", "cli-job-1")
    assert rc == 0 and job["status"] == "Stopping", err
    rc, _, err = _aws(server, env, "get-model-customization-job", "--job-identifier", "no-such-job")
    assert rc != 0 and "ResourceNotFoundException" in err
    rc, _, err = _aws(server, env, "create-model-customization-job", "--job-name=-bad", "--custom-model-name", "m",
                      "--role-arn", "notanarn", "--base-model-identifier", "amazon.titan-text-express-v1:0:8k",
                      "--training-data-config", "s3Uri=s3://example-bucket/t.jsonl", "--output-data-config", "s3Uri=s3://example-bucket/o/")
    assert rc != 0 and "ValidationException" in err and "2 validation errors detected" in err


_started: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _no_orphans() -> Iterator[None]:
    """Every ``serve`` process a test started is gone when it ends, whatever happened."""
    yield
    while _started:
        proc = _started.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def _serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "pytest_bedrock_mock.cli.serve", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _started.append(proc)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "serving the Bedrock simulator on http://" in line, line + (proc.stderr.read() if proc.stderr else "")
    return proc, line.split(" on ", 1)[1].split()[0]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_shuts_down_cleanly_on_signals(sig: signal.Signals) -> None:
    proc, url = _serve("--policy", "manual")
    with urllib.request.urlopen(url + "/_health", timeout=10) as response:
        assert json.loads(response.read()) == {"status": "ok"}
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "server stopped" in out and "Traceback" not in err


@pytest.mark.parametrize("run", range(4))
def test_a_second_signal_during_shutdown_still_exits_within_2_s(run: int) -> None:
    """The old server deadlocked on a second SIGTERM (18 of 40 runs); now each run, busy or idle, exits in time."""
    proc, url = _serve("--latency", "5" if run % 2 else "0")  # odd runs: a request is in progress when the signals come
    port = int(url.rsplit(":", 1)[1])
    busy = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(20)]
    try:
        busy[0].sendall(b"GET /model-customization-jobs HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.2)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.01 * run)
        proc.send_signal(signal.SIGTERM if run < 2 else signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        elapsed = time.monotonic() - started
    finally:
        for sock in busy:
            sock.close()
    assert proc.returncode == 0 and "server stopped" in out and "Traceback" not in err, (proc.returncode, out, err)
    assert elapsed < 2.0, f"exited {elapsed:.2f} s after the first signal"


def test_serve_warns_off_loopback_and_reports_a_busy_port(server: ServerHandle) -> None:
    proc, url = _serve("--host", "0.0.0.0")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=15)
    assert "not a loopback address" in err and proc.returncode == 0
    busy = subprocess.run([sys.executable, "-m", "pytest_bedrock_mock.cli.serve", "--port", str(server.port)], capture_output=True, text=True, timeout=30)
    assert busy.returncode == 2 and f"cannot listen on 127.0.0.1:{server.port}" in busy.stderr


def test_register_adds_serve_with_its_options() -> None:
    parser = argparse.ArgumentParser(prog="bedrock-mock")
    cli_serve.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["serve", "--port", "0", "--policy", "after-gets:5", "--throttle-every", "3"])
    assert args.func is cli_serve.run and args.host == "127.0.0.1" and args.port == 0
    assert isinstance(args.policy, AfterGets) and args.policy.in_progress == 5 and args.throttle_every == 3
    assert isinstance(parser.parse_args(["serve", "--policy", "manual"]).policy, Manual)
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--policy", "sometimes"])
