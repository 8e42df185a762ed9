"""One Fake protocol and one CallLog: every fake logs and publishes the same record; one fake per test."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core.calls import Call
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.base import CallLog, FakeBase
from pytest_bedrock_mock.fakes.cassettes import Player, load
from pytest_bedrock_mock.fakes.server import start_server
from pytest_bedrock_mock.fakes.simulator import simulate
from pytest_bedrock_mock.fakes.stubber import BedrockStubber
from pytest_bedrock_mock.fakes.variants import serve
from pytest_bedrock_mock.variants import select

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "cassettes" / "get" / "status-Failed.yaml"
GOLDEN_ARN = json.loads(load(GOLDEN).interactions[0].response.body)["jobArn"]


def _client(**kwargs: Any) -> Any:
    return boto3.client("bedrock", region_name="us-east-1", **kwargs)


@contextlib.contextmanager
def _stubber() -> Iterator[tuple[Any, Any]]:
    stubber = BedrockStubber(_client())
    stubber.add_get_job("Failed")
    with intercept.activate(stubber):
        yield stubber, _client()


@contextlib.contextmanager
def _simulator(level: str) -> Iterator[tuple[Any, Any]]:
    with simulate(level=level) as sim:
        sim.add_job("Failed", seed=1, jobName="the-job")
        yield sim, _client()


@contextlib.contextmanager
def _player() -> Iterator[tuple[Any, Any]]:
    with intercept.activate(Player(load(GOLDEN))) as player:
        yield player, _client()


@contextlib.contextmanager
def _variant() -> Iterator[tuple[Any, Any]]:
    with serve(select("status: Failed")[0]) as fake:
        yield fake, _client()


@contextlib.contextmanager
def _server() -> Iterator[tuple[Any, Any]]:
    with start_server() as handle:
        handle.simulator.add_job("Failed", seed=1, jobName="the-job")
        with handle.passthrough():
            yield handle, handle.client()


FAKES: dict[str, Callable[[], Any]] = {
    "stubber": _stubber,
    "simulator-parsed": lambda: _simulator("parsed"),
    "simulator-wire": lambda: _simulator("wire"),
    "playback": _player,
    "variant": _variant,
    "server": _server,
}


@pytest.mark.parametrize("make", FAKES.values(), ids=FAKES.keys())
def test_every_fake_logs_and_publishes_the_same_call_record(make: Callable[[], Any]) -> None:
    seen: list[Call] = []
    intercept.add_observer(seen.append)
    try:
        with make() as (fake, client):
            job_id = GOLDEN_ARN if isinstance(fake, Player) else "the-job"
            assert client.get_model_customization_job(jobIdentifier=job_id)["status"] == "Failed"
    finally:
        intercept.remove_observer(seen.append)
    calls = fake.calls
    assert type(calls) is CallLog and len(calls) == 1
    call = calls[0]
    assert type(call) is Call
    assert (call.operation, call.params, call.response["status"], call.error_code) == ("GetModelCustomizationJob", {"jobIdentifier": job_id}, "Failed", None)
    calls.assert_called_once_with("get_model_customization_job", jobIdentifier=job_id)
    assert [(c.operation, c.source) for c in seen] == [(call.operation, call.source)]
    if not hasattr(fake, "simulator"):  # the server's calls are its simulator's
        assert isinstance(fake, FakeBase) and call.source == fake.source


@pytest.mark.parametrize("level", ["parsed", "wire"])
def test_the_log_keeps_what_the_caller_passed_not_botocores_token(level: str) -> None:
    with simulate(level=level) as sim:
        _client().create_model_customization_job(**builders.create_job_request(seed=3))
    assert "clientRequestToken" not in sim.calls[0].params
    assert sim.calls[0].params == builders.create_job_request(seed=3)


def test_call_log_assertions_name_what_happened() -> None:
    log = CallLog()
    log.record(Call("GetModelCustomizationJob", {"jobIdentifier": "a"}, {"status": "Completed"}, "stubber"))
    log.record(Call("GetModelCustomizationJob", {"jobIdentifier": "b"}, {"Error": {"Code": "ThrottlingException"}}, "stubber"))
    assert log.operations == ["GetModelCustomizationJob"] * 2
    assert [c.params["jobIdentifier"] for c in log.errors()] == ["b"]
    log.assert_called("get_model_customization_job")
    with pytest.raises(AssertionError, match="to be called 1 time"):
        log.assert_called_once_with("GetModelCustomizationJob", jobIdentifier="b")
    with pytest.raises(AssertionError, match="expected a call to StopModelCustomizationJob, there was none; calls made:"):
        log.assert_called("StopModelCustomizationJob")


TWO_FAKES = '''
import pytest

def test_stubber_and_simulator(bedrock_stubber, bedrock_fake):
    pass

@pytest.mark.bedrock_cassette(golden="get/status-Failed")
def test_marker_and_fixture(bedrock_fake):
    pass

def test_server_and_client_only(bedrock_server, bedrock_client):
    assert bedrock_client.meta.endpoint_url == bedrock_server.url
'''


def test_two_fakes_in_one_test_is_an_error_at_setup_naming_both(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_two=TWO_FAKES)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rE")
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines([
        "*FakeConflictError: test_two.py::test_stubber_and_simulator asks for the bedrock_stubber fixture and the bedrock_fake fixture, "
        "but one fake answers bedrock calls at a time. Keep the one the test is about: bedrock_stubber (*); bedrock_fake (*)*",
    ])
    result.stdout.fnmatch_lines(["*test_marker_and_fixture asks for the bedrock_fake fixture and the @pytest.mark.bedrock_cassette marker*"])
    assert "never called" not in result.stdout.str(), "the conflict stops the test before any fake is set up"


CLIENT_BINDS = '''
import pytest
from pytest_bedrock_mock import builders

def test_simulator(bedrock_client, bedrock_fake):
    arn = bedrock_client.create_model_customization_job(**builders.create_job_request(seed=1))["jobArn"]
    assert bedrock_client.get_model_customization_job(jobIdentifier=arn)["status"] == "InProgress"
    bedrock_fake.calls.assert_called_times("GetModelCustomizationJob", 1)

@pytest.mark.bedrock_fake(policy=__import__("pytest_bedrock_mock.fakes.simulator", fromlist=["Manual"]).Manual())
def test_simulator_marker_alone(bedrock_client):
    arn = bedrock_client.create_model_customization_job(**builders.create_job_request(seed=1))["jobArn"]
    assert bedrock_client.get_model_customization_job(jobIdentifier=arn)["status"] == "InProgress"

def test_server(bedrock_client, bedrock_server):
    bedrock_client.create_model_customization_job(**builders.create_job_request(seed=1))
    assert bedrock_server.calls.operations == ["CreateModelCustomizationJob"]

@pytest.mark.bedrock_variants("status: Stopped")
def test_variant(bedrock_client, bedrock_variant, bedrock_calls):
    assert bedrock_client.get_model_customization_job(jobIdentifier="j")["status"] == "Stopped"
    bedrock_calls.assert_called_once_with("GetModelCustomizationJob", jobIdentifier="j")

def test_calls_is_the_fakes_own_log(bedrock_fake, bedrock_calls):
    assert bedrock_calls is bedrock_fake.calls

@pytest.mark.bedrock_cassette(golden="get/status-Failed")
def test_cassette(bedrock_client, bedrock_cassette):
    arn = bedrock_cassette.cassette.interactions[0].request.path.rsplit("/", 1)[-1]
    from urllib.parse import unquote
    assert bedrock_client.get_model_customization_job(jobIdentifier=unquote(arn))["status"] == "Failed"
    assert bedrock_cassette.calls.operations == ["GetModelCustomizationJob"]

def test_stubber_by_default(bedrock_client):
    from pytest_bedrock_mock.fakes import intercept
    assert type(intercept.active_fake()).__name__ == "BedrockStubber"
    intercept.active_fake().calls.assert_not_called("GetModelCustomizationJob")
'''


def test_bedrock_client_binds_to_the_fake_the_test_uses(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_client=CLIENT_BINDS)
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=7)
