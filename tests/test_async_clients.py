"""Async clients (aiobotocore, aioboto3) are answered by every fake, with sockets blocked.

aiobotocore pins botocore to a narrow range, so these tests run in CI's second environment
(`.venv-aio`, see .ci/run); in the main environment, on the newest botocore, they skip.
Plain tests drive the coroutines with ``asyncio.run`` (no pytest-asyncio).
"""

from __future__ import annotations

import asyncio
import importlib.util
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import _socket_guard
import pytest
from botocore.config import Config

from pytest_bedrock_mock import builders, variants
from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.cassettes import load
from pytest_bedrock_mock.fakes.cassettes.player import Player
from pytest_bedrock_mock.fakes.intercept import BedrockNotMockedError
from pytest_bedrock_mock.fakes.simulator import Faults, simulate
from pytest_bedrock_mock.fakes.variants import serve

aiobotocore_session = pytest.importorskip(
    "aiobotocore.session", reason="aiobotocore is not installed here: the async tests run in CI's .venv-aio environment (.ci/run)"
)

CASSETTES = Path(__file__).resolve().parents[1] / "fixtures" / "cassettes"

no_network = _socket_guard.no_network  # the fixture: sockets blocked, attempts listed


def _aiobotocore(**kwargs: Any) -> Any:
    return aiobotocore_session.AioSession().create_client("bedrock", **kwargs)


def _aioboto3(**kwargs: Any) -> Any:
    import aioboto3

    return aioboto3.Session().client("bedrock", **kwargs)


KINDS: dict[str, Callable[..., Any]] = {"aiobotocore": _aiobotocore, "aioboto3": _aioboto3}


@pytest.fixture(params=list(KINDS))
def make_client(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """An async bedrock client factory (an async context manager), no region or credentials given."""
    if request.param == "aioboto3":
        pytest.importorskip("aioboto3", reason="aioboto3 is not installed in this environment (each aioboto3 pins one aiobotocore)")
    return KINDS[request.param]


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


async def _get_status(make: Callable[..., Any], job: str = "nightly-ft") -> str:
    async with make() as client:
        return (await client.get_model_customization_job(jobIdentifier=job))["status"]


def test_the_stubber_answers(make_client, bedrock_stubber, no_network):
    bedrock_stubber.add_get_job("Stopped")
    bedrock_stubber.add_client_error("GetModelCustomizationJob", "ResourceNotFoundException")

    async def scenario() -> tuple[str, str]:
        async with make_client() as client:
            status = (await client.get_model_customization_job(jobIdentifier="a"))["status"]
            with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
                await client.get_model_customization_job(jobIdentifier="b")
            return status, info.value.response["Error"]["Code"]

    assert run(scenario()) == ("Stopped", "ResourceNotFoundException")
    assert [c.params["jobIdentifier"] for c in bedrock_stubber.calls] == ["a", "b"]
    assert no_network == []


@pytest.mark.parametrize("level", ["parsed", "wire"])
def test_the_simulator_answers_at_both_levels(make_client, no_network, level):
    async def scenario() -> tuple[str, list[str], str]:
        async with make_client() as client:
            arn = (await client.create_model_customization_job(**builders.create_job_request(seed=3)))["jobArn"]
            status = (await client.get_model_customization_job(jobIdentifier=arn))["status"]
            listed = [s["jobArn"] for s in (await client.list_model_customization_jobs())["modelCustomizationJobSummaries"]]
            with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
                await client.stop_model_customization_job(jobIdentifier="no-such-job")
            return status, listed == [arn], info.value.response["ResponseMetadata"]["HTTPStatusCode"]

    with simulate(level=level) as fake:
        status, listed, error_status = run(scenario())
    assert (status, listed, error_status) == ("InProgress", True, 404)
    assert [c.operation for c in fake.calls] == ["CreateModelCustomizationJob", "GetModelCustomizationJob", "ListModelCustomizationJobs", "StopModelCustomizationJob"]
    assert fake.calls[0].params["jobName"] == builders.create_job_request(seed=3)["jobName"]  # the caller's own parameters
    assert no_network == []


def test_wire_faults_are_retried_by_the_async_retry_handler_per_client(no_network):
    config = Config(retries={"mode": "standard", "max_attempts": 3})

    async def scenario() -> list[int]:
        async with _aiobotocore(config=config) as a, _aiobotocore(config=config) as b:
            return [(await c.list_model_customization_jobs())["ResponseMetadata"]["RetryAttempts"] for c in (a, b, a, b)]

    with simulate(faults=Faults(throttle_every=2)):
        # Each client's own 2nd attempt is throttled, then retried (one shared schedule would throttle b's first call).
        assert run(scenario()) == [0, 0, 1, 1]
    assert no_network == []


def test_playback_answers_and_pages(make_client, no_network):
    get = load(CASSETTES / "get" / "status-Completed.yaml")
    recorded = get.interactions[0].response  # the recorded answer names the job whose ARN the request path carries
    job_arn = wire.parse("GetModelCustomizationJob", recorded.status, recorded.headers, recorded.body)["jobArn"]

    async def get_job() -> str:
        async with make_client() as client:
            return (await client.get_model_customization_job(jobIdentifier=job_arn))["status"]

    async def all_pages() -> list[int]:
        async with make_client() as client:
            pages = client.get_paginator("list_model_customization_jobs").paginate(PaginationConfig={"PageSize": 5})
            return [len(page["modelCustomizationJobSummaries"]) async for page in pages]

    with intercept.activate(Player(get)) as player:
        assert run(get_job()) == "Completed"
    assert player.unplayed == []
    listing = load(CASSETTES / "list" / "two-pages.yaml")
    with intercept.activate(Player(listing, on_drift="ignore")) as player:  # an older botocore may not know newer values
        pages = run(all_pages())
    assert len(pages) == 2 and player.unplayed == []
    assert no_network == []


def test_a_variant_is_served(make_client, no_network):
    variant = next(v for v in variants.select("status") if v.operation == "GetModelCustomizationJob" and not v.is_error)
    with serve(variant) as fake:
        status = run(_get_status(make_client))
    assert status == variant.job(0)["status"]
    assert [c.operation for c in fake.calls] == ["GetModelCustomizationJob"]
    assert no_network == []


def test_a_client_made_before_the_fake_activates_is_answered(no_network):
    async def scenario() -> list[str]:
        async with _aiobotocore(region_name="us-east-1") as client:
            seen = []
            with simulate(level="wire") as fake:
                arn = (await client.create_model_customization_job(**builders.create_job_request(seed=1)))["jobArn"]
                seen.append((await client.get_model_customization_job(jobIdentifier=arn))["status"])
            return [*seen, *(c.operation for c in fake.calls)]

    assert run(scenario()) == ["InProgress", "CreateModelCustomizationJob", "GetModelCustomizationJob"]
    assert no_network == []


def test_a_client_in_a_worker_thread_is_answered(make_client, bedrock_stubber, no_network):
    for status in ("InProgress", "Completed"):
        bedrock_stubber.add_get_job(status)
    seen: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(2):
                seen.append(asyncio.run(_get_status(make_client)))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert errors == [] and seen == ["InProgress", "Completed"]
    assert no_network == []


def test_concurrent_tasks_keep_their_own_parameters(no_network):
    requests = [builders.create_job_request(seed=seed) for seed in range(6)]

    async def scenario() -> list[str]:
        async with _aiobotocore() as client:
            answers = await asyncio.gather(*(client.create_model_customization_job(**r) for r in requests))
            return [a["jobArn"] for a in answers]

    with simulate(level="wire") as fake:
        arns = run(scenario())
    assert len(set(arns)) == 6
    assert sorted(c.params["jobName"] for c in fake.calls) == sorted(r["jobName"] for r in requests)
    assert no_network == []


def test_an_unanswered_call_raises_and_is_never_sent(make_client, no_network):
    assert intercept.active_fake() is None
    with pytest.raises(BedrockNotMockedError, match="GetModelCustomizationJob"):
        run(_get_status(make_client, "nobody-answers"))
    assert no_network == []


def test_dummy_credentials_are_signed_with_and_the_credential_chain_is_never_read(make_client, no_network, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AK" + "IA" + "R" * 16)  # real-looking; built at run time
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s" * 40)
    from aiobotocore.credentials import AioCredentialResolver

    reads: list[str] = []
    original = AioCredentialResolver.load_credentials

    async def spy(self: Any) -> Any:
        reads.append("read")
        return await original(self)

    monkeypatch.setattr(AioCredentialResolver, "load_credentials", spy)
    seen: list[str] = []

    class WireFake:
        def answer_call(self, *args: Any) -> None:
            return None

        def answer_send(self, operation: str, request: Any) -> Any:
            auth = request.headers["Authorization"]
            seen.append(auth.decode() if isinstance(auth, bytes) else auth)
            return wire.aws_response(*wire.encode_response(operation, {"modelCustomizationJobSummaries": []}))

    async def scenario() -> Any:
        async with make_client() as client:
            return (await client.list_model_customization_jobs())["modelCustomizationJobSummaries"], client.meta.region_name

    with intercept.activate(WireFake()):
        assert run(scenario()) == ([], "us-east-1")
    assert reads == [] and seen and all("Credential=testing/" in a for a in seen)
    assert no_network == []


def test_the_server_passthrough_answers_over_loopback(bedrock_server, no_network):
    async def scenario() -> str:
        async with _aiobotocore(endpoint_url=bedrock_server.url, region_name="us-east-1") as client:
            arn = (await client.create_model_customization_job(**builders.create_job_request(seed=5)))["jobArn"]
            return (await client.get_model_customization_job(jobIdentifier=arn))["status"]

    assert run(scenario()) == "InProgress"
    assert [c.operation for c in bedrock_server.calls] == ["CreateModelCustomizationJob", "GetModelCustomizationJob"]
    assert no_network == []


def test_an_async_client_records_a_cassette_that_replays_offline(tmp_path: Path, no_network) -> None:
    from _cassette_server import running

    from pytest_bedrock_mock.fakes.cassettes import CassetteOptions, CassetteSession

    path = tmp_path / "async.yaml"

    async def workflow(url: str) -> list[Any]:
        async with _aiobotocore(endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing") as client:
            arn = (await client.create_model_customization_job(**builders.create_job_request(seed=11)))["jobArn"]
            return [arn, *[(await client.get_model_customization_job(jobIdentifier=arn))["status"] for _ in range(3)]]

    with running() as server:  # a real HTTP server on loopback: the only place a recording may go
        with intercept.activate(CassetteSession(CassetteOptions(path=path, record_mode="once"))) as session:
            recorded = run(workflow(server.url))
        assert session.save() == path
    assert recorded[1:] == ["InProgress", "InProgress", "Completed"]
    with intercept.activate(CassetteSession(CassetteOptions(path=path, record_mode="none"))):  # the server is gone
        assert run(workflow(server.url)) == recorded
    assert no_network == []


def test_the_docs_async_example_runs_here(pytester: pytest.Pytester) -> None:
    """docs/interception.md's async block is skipped by the docs' run (no aiobotocore there): it runs here."""
    page = (Path(__file__).resolve().parents[1] / "docs" / "interception.md").read_text()
    section = page.split("## Async clients", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    pytester.makepyfile(test_async_doc=code)
    outcomes = pytester.runpytest_inprocess("-p", "no:cacheprovider").parseoutcomes()
    aioboto3_here = importlib.util.find_spec("aioboto3") is not None
    assert outcomes == ({"passed": 2} if aioboto3_here else {"passed": 1, "skipped": 1})
