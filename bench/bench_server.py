"""The simulator's Get, in process and behind its server, against moto's, in one run.

Run: ``python bench/bench_server.py [--smoke]`` (or in ``python bench/run.py``).

1. Simulator Get, parsed level (the default of ``simulate()``), through a real botocore client,
   in CPU time, against moto ``mock_aws`` on the same Get in a child process that never imports
   the kit. Ratio moto / simulator (target >= 10).
2. Servers: ``bedrock-mock serve`` and moto's ``moto_server``, each started by the bench as its
   own process on loopback; 8 client threads in this process, each on its own keep-alive
   connection, send a bounded number of the same Get (the request botocore signs, captured once,
   so the clients' cost is small and the servers' shows); Gets per second of wall time, rounds
   alternating between the servers. Ratio ours / moto (target >= 3).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
from _suite import cli, figure, interleaved, median_ratio, moto_child, per_call
from botocore.config import Config

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.simulator import simulate

THREADS = 8
REQUEST = builders.create_job_request(seed=1, jobName="bench-job")


def _client(endpoint_url: str | None = None) -> Any:
    client = botocore.session.Session().create_client(
        "bedrock", region_name="us-east-1", endpoint_url=endpoint_url, aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=THREADS))
    if endpoint_url is not None:
        for event, handler, _ in intercept._ROUTES:  # a plain client of a remote endpoint: nothing of ours in the way
            client.meta.events.unregister(event, handler)
    return client


def simulator_get(n: int, rounds: int) -> list[float]:
    """Seconds per parsed-level simulator Get, one sample per round."""
    with simulate():
        client = _client()
        arn = client.create_model_customization_job(**REQUEST)["jobArn"]
        client.get_model_customization_job(jobIdentifier=arn)
        samples = interleaved({"sim": lambda k: per_call(lambda: client.get_model_customization_job(jobIdentifier=arn), k)}, n, rounds)
    return samples["sim"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _server(command: list[str], url: str, probe: str) -> Iterator[str]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + probe, timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not start (exit status {process.poll()})") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _executable(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(found).exists():
        raise RuntimeError(f"{name} is not installed in this environment (pip install -e '.[dev]')")
    return found


def _signed_get(url: str) -> tuple[str, dict[str, str]]:
    """The path and headers botocore sends for the Get (signed with the dummy credentials), captured unsent."""
    client = _client(url)
    captured: dict[str, Any] = {}

    def capture(request: Any, **_: Any) -> Any:
        captured.update(path=request.url.split(url, 1)[1], headers={k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()})
        raise _Captured

    client.meta.events.register("before-send.bedrock.GetModelCustomizationJob", capture)
    with contextlib.suppress(_Captured):
        client.get_model_customization_job(jobIdentifier=REQUEST["jobName"])
    return captured["path"], captured["headers"]


class _Captured(Exception):
    pass


def _gets_per_second(url: str) -> Any:
    """A round runner: ``THREADS`` threads, each on its own keep-alive connection, each making ``k`` Gets."""
    _client(url).create_model_customization_job(**REQUEST)
    path, headers = _signed_get(url)
    host, port = url.split("//", 1)[1].split(":")

    def one_round(k: int) -> float:
        barrier = threading.Barrier(THREADS + 1)
        errors: list[str] = []

        def work() -> None:
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            try:
                barrier.wait()
                for _ in range(k):
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    if response.status != 200 or b"bench-job" not in body:
                        errors.append(f"HTTP {response.status}: {body[:200]!r}")
                        return
            except OSError as exc:
                errors.append(repr(exc))
            finally:
                conn.close()

        threads = [threading.Thread(target=work) for _ in range(THREADS)]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        if errors:
            raise RuntimeError(f"a Get against {url} failed: {errors[0]}")
        return wall / (k * THREADS)  # seconds per Get

    return one_round


def servers(per_thread: int, rounds: int) -> dict[str, list[float]]:
    """Seconds per Get (wall, 8 threads) of each server, one sample per round."""
    ours_port, moto_port = _free_port(), _free_port()
    with _server([_executable("bedrock-mock"), "serve", "--port", str(ours_port), "--policy", "manual"], f"http://127.0.0.1:{ours_port}", "/_health") as ours, \
            _server([_executable("moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)], f"http://127.0.0.1:{moto_port}", "/moto-api/") as moto:
        return interleaved({"ours": _gets_per_second(ours), "moto": _gets_per_second(moto)}, per_thread, rounds)


def figures(smoke: bool) -> list[dict[str, Any]]:
    n, rounds = (20, 3) if smoke else (500, 9)
    sim = simulator_get(n, rounds)
    moto = moto_child({"create": REQUEST, "calls": {"Get": ["get_model_customization_job", {"jobIdentifier": "$name"}]},
                       "n": n if smoke else 200, "rounds": rounds if smoke else 5})["Get"]
    sim_us = statistics.median(sim) * 1e6
    served = servers(5 if smoke else 100, 3 if smoke else 7)
    ours_rate, moto_rate = 1 / statistics.median(served["ours"]), 1 / statistics.median(served["moto"])
    return [
        figure("simulator Get per call (parsed level)", sim_us, "us", "moto mock_aws (child process)", moto, moto / sim_us, "ratio >= 10"),
        figure(f"server Gets/s, {THREADS} client threads", ours_rate, "Gets/s", "moto_server", moto_rate,
               median_ratio(served["moto"], served["ours"]), "ratio >= 3"),
    ]


def main() -> int:
    return cli(figures, __doc__.splitlines()[0] if __doc__ else None)


if __name__ == "__main__":
    raise SystemExit(main())
