"""Fault injection: botocore's retry handler sees injected throttling and internal errors as real ones."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_bedrock_mock.core.calls import Call
from pytest_bedrock_mock.fakes.simulator import Faults, simulate


def _client(mode: str = "legacy", attempts: int | None = None) -> Any:
    retries: dict[str, Any] = {"mode": mode}
    if attempts is not None:
        retries["total_max_attempts"] = attempts
    return boto3.client("bedrock", region_name="us-east-1", config=Config(retries=retries))


def _attempts(log: list[Call], op: str = "GetModelCustomizationJob") -> list[str]:
    return [s.error_code or "ok" for s in log if s.operation == op]


@pytest.mark.parametrize("mode, max_attempts", [("legacy", 5), ("standard", 3)])
def test_throttling_every_call_exhausts_the_retry_budget(mode: str, max_attempts: int) -> None:
    with simulate(clock="virtual", faults=Faults(throttle_every=1)) as fake:
        with pytest.raises(ClientError) as exc:
            _client(mode).list_model_customization_jobs()
        meta = exc.value.response["ResponseMetadata"]
        assert exc.value.response["Error"]["Code"] == "ThrottlingException"
        assert meta["HTTPStatusCode"] == 429
        assert meta["RetryAttempts"] == max_attempts - 1 and meta["MaxAttemptsReached"] is True
        assert _attempts(fake.calls, "ListModelCustomizationJobs") == ["ThrottlingException"] * max_attempts
        assert fake.virtual_clock.elapsed > 0  # the retry handler's backoff slept on the virtual clock


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_every_second_attempt_throttled_means_each_later_call_succeeds_on_its_first_retry(mode: str) -> None:
    with simulate(clock="virtual", faults=Faults(throttle_every=2)) as fake:
        arn = fake.add_job(seed=1)
        client = _client(mode)
        retries = [client.get_model_customization_job(jobIdentifier=arn)["ResponseMetadata"]["RetryAttempts"] for _ in range(4)]
        assert retries == [0, 1, 1, 1]  # attempts 2, 4, 6 are throttled; 3, 5, 7 succeed
        assert _attempts(fake.calls) == ["ok"] + ["ThrottlingException", "ok"] * 3
        # a throttled attempt did not count as a Get for the lifecycle
        assert fake.describe(arn)["status"] == "Completed"


def test_internal_server_errors_are_retried_as_500s() -> None:
    with simulate(clock="virtual", faults=Faults(internal_error_every=3)) as fake:
        client = _client("standard")
        retries = [client.list_model_customization_jobs()["ResponseMetadata"]["RetryAttempts"] for _ in range(6)]
        codes = _attempts(fake.calls, "ListModelCustomizationJobs")
        assert codes == ["ok", "ok", "InternalServerException", "ok", "ok", "InternalServerException", "ok", "ok"]
        assert retries == [0, 0, 1, 0, 1, 0]
        errors = [s for s in fake.calls if s.error_code]
        assert all(s.response["ResponseMetadata"]["HTTPStatusCode"] == 500 for s in errors)


def test_create_retried_after_throttling_keeps_its_token_and_makes_one_job() -> None:
    from pytest_bedrock_mock import builders

    with simulate(clock="virtual", faults=Faults(throttle_every=2, operations=("create_model_customization_job",))) as fake:
        client = _client()
        client.list_model_customization_jobs()  # not counted: faults are limited to Create
        first = client.create_model_customization_job(**builders.create_job_request(seed=1))
        second = client.create_model_customization_job(**builders.create_job_request(seed=2))
        assert first["ResponseMetadata"]["RetryAttempts"] == 0 and second["ResponseMetadata"]["RetryAttempts"] == 1
        assert len(fake.jobs) == 2


def test_fractions_are_seeded_and_replay_exactly() -> None:
    def run(seed: int) -> list[str]:
        with simulate(clock="virtual", faults=Faults(throttle_fraction=0.3, internal_error_fraction=0.1, seed=seed)) as fake:
            client = _client(attempts=10)
            for _ in range(30):
                client.list_model_customization_jobs()
            return _attempts(fake.calls, "ListModelCustomizationJobs")

    first, again, other = run(7), run(7), run(8)
    assert first == again and first != other
    assert first.count("ok") == 30
    assert 5 <= first.count("ThrottlingException") <= 25 and "InternalServerException" in first + other


def test_each_client_keeps_its_own_fault_schedule() -> None:
    with simulate(clock="virtual", faults=Faults(throttle_every=3)) as fake:
        a, b = _client(), _client()
        retries = [c.list_model_customization_jobs()["ResponseMetadata"]["RetryAttempts"] for c in (a, b, a, b, a, b)]
        # Alone, a client's 3rd attempt is throttled and its 4th succeeds; the other client's attempts do not count.
        # (One shared counter would throttle attempts 3 and 6 of the interleaving: retries [0, 0, 1, 0, 1, 0].)
        assert retries == [0, 0, 0, 0, 1, 1]
        fake.set_faults(throttle_every=2)  # a new configuration starts every client's schedule again
        assert [c.list_model_customization_jobs()["ResponseMetadata"]["RetryAttempts"] for c in (a, b)] == [0, 0]


def test_random_faults_replay_per_client_whatever_the_interleaving() -> None:
    faults = Faults(throttle_fraction=0.4, seed=3)

    def codes(order: str) -> dict[str, list[str]]:
        with simulate(clock="virtual", faults=faults) as fake:
            clients = {name: _client(attempts=10) for name in "ab"}
            seen: dict[str, list[str]] = {"a": [], "b": []}
            for name in order:
                start = len(fake.calls)
                clients[name].list_model_customization_jobs()
                seen[name] += _attempts(fake.calls[start:], "ListModelCustomizationJobs")
            return seen

    alone = codes("aa")["a"]  # two calls of one client on its own
    assert "ThrottlingException" in alone
    assert codes("abab") == codes("aabb") == codes("bbaa") == {"a": alone, "b": alone}


def test_latency_sleeps_on_the_simulators_clock() -> None:
    with simulate(clock="virtual", faults=Faults(latency=2.5)) as fake:
        for _ in range(4):
            _client().list_model_customization_jobs()
        assert fake.virtual_clock.elapsed == pytest.approx(10.0)


def test_fail_next_serves_a_documented_error_once_then_recovers() -> None:
    with simulate() as fake:
        fake.fail_next("AccessDeniedException", "User is not authorized to perform: bedrock:ListModelCustomizationJobs",
                       operation="ListModelCustomizationJobs")
        client = _client()
        with pytest.raises(ClientError) as exc:
            client.list_model_customization_jobs()
        assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert "not authorized" in exc.value.response["Error"]["Message"]
        assert client.list_model_customization_jobs()["modelCustomizationJobSummaries"] == []
        with pytest.raises(ValueError, match="unknown error code for GetModelCustomizationJob .*ThrottlingException"):
            fake.fail_next("ConflictException", operation="GetModelCustomizationJob")  # the message lists Get's codes
        with pytest.raises(ValueError, match="between 0 and 1"):
            fake.set_faults(throttle_fraction=2.0)


def test_faults_need_the_wire_level() -> None:
    with pytest.raises(ValueError, match="served on the wire"):
        simulate(level="parsed", faults=Faults(throttle_every=2)).__enter__()
    with simulate(level="parsed") as fake:
        with pytest.raises(ValueError, match="level='auto'"):
            fake.set_faults(throttle_every=2)
        with pytest.raises(ValueError, match="level='auto'"):
            fake.fail_next("ThrottlingException")
        fake.set_faults()  # turning faults off is always fine
