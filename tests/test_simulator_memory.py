"""What the simulator keeps per job without changing an answer (the memory figure itself: bench/bench_simulator.py).

A job keeps no copy of its Create request beside the description echoing it (``Job.request`` rebuilds
it), and values a suite repeats across jobs (role, base model, hyperparameters, tags) are held once.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.fakes.simulator import Backend, Manual, SimulatorConfig, VirtualClock, simulate
from pytest_bedrock_mock.fakes.simulator.frozen import FrozenMap, freeze, thaw, type_key

TAGS = [{"key": "team", "value": "red"}, {"key": "cost", "value": "42"}]


def _client() -> Any:
    return boto3.client("bedrock", region_name="us-east-1")


def _fixed(job: Any, key: str) -> Any:
    return job._values[job._keys.index(key)]


@pytest.mark.parametrize("extra", [
    {},
    {"customModelKmsKeyId": "alias/my-key", "jobTags": TAGS, "customModelTags": TAGS[:1]},
    {"customModelKmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
     "vpcConfig": {"subnetIds": ["subnet-0123456789abcdef0"], "securityGroupIds": ["sg-0123456789abcdef0"]}},
], ids=["plain", "kms-alias-and-tags", "kms-arn-and-vpc"])
def test_the_request_a_job_rebuilds_is_the_create_request(extra: dict[str, Any]) -> None:
    request = builders.create_job_request(seed=3, clientRequestToken="token-1", **extra)
    backend = Backend(SimulatorConfig(policy=Manual()), VirtualClock())
    job = backend.add_job(request)
    assert job.request == request and list(job.request) == list(request)
    backend.move(job.arn, "Completed")
    got = job.request
    assert got == request
    got["hyperParameters"]["epochCount"] = "99"  # a copy the caller owns
    got["jobTags"] = []
    assert job.request == request and job.description()["hyperParameters"] == request["hyperParameters"]


def test_an_outcome_callable_gets_the_create_request() -> None:
    seen: list[dict[str, Any]] = []

    def outcome(req: dict[str, Any]) -> str:
        seen.append(req)
        return "Failed" if req.get("jobTags") else "Completed"

    from pytest_bedrock_mock.fakes.simulator import AfterGets

    with simulate(policy=AfterGets(0, outcome=outcome)):
        client = _client()
        tagged = builders.create_job_request(seed=1, jobName="tagged", jobTags=TAGS)
        plain = builders.create_job_request(seed=2, jobName="plain")
        for request in (tagged, plain):
            client.create_model_customization_job(**request)
        assert client.get_model_customization_job(jobIdentifier="tagged")["status"] == "Failed"
        assert client.get_model_customization_job(jobIdentifier="plain")["status"] == "Completed"
    assert [{k: v for k, v in r.items() if k != "clientRequestToken"} for r in seen] == [tagged, plain]


def test_equal_request_values_are_held_once_and_answers_stay_apart() -> None:
    with simulate(policy=Manual()) as fake:
        client = _client()
        for i in range(3):
            request = builders.create_job_request(seed=1, jobName=f"job-{i}", customModelName=f"model-{i}", jobTags=[dict(t) for t in TAGS])
            client.create_model_customization_job(**{**request, "hyperParameters": dict(request["hyperParameters"])})
        jobs = fake.backend.jobs()
        assert len({id(_fixed(j, "hyperParameters")) for j in jobs}) == 1
        assert len({id(j._extra[-1]) for j in jobs}) == 1  # the tags, kept aside (not in the description)
        first = client.get_model_customization_job(jobIdentifier="job-0")
        first["hyperParameters"]["epochCount"] = "99"
        assert client.get_model_customization_job(jobIdentifier="job-1")["hyperParameters"] == request["hyperParameters"]
        assert client.get_model_customization_job(jobIdentifier="job-0")["hyperParameters"] == request["hyperParameters"]


def test_values_of_another_type_are_not_shared() -> None:
    assert type_key({"a": 1}) != type_key({"a": True}) != type_key({"a": 1.0}) != type_key({"a": 1})
    assert type_key([1, [2]]) != type_key([1, (2,)])
    assert type_key({"a": {}}) is not None and type_key({"a": [set()]}) is None  # an unhashable leaf: not shared


def test_a_model_name_asked_for_by_several_jobs_is_held_until_each_lets_go() -> None:
    with simulate(policy=Manual()) as fake:
        client = _client()
        first = fake.add_job(customModelName="shared", jobName="first")
        second = fake.add_job(customModelName="shared", jobName="second")  # add_job skips the check: two holders
        again = builders.create_job_request(seed=5, jobName="third", customModelName="shared")
        for stop in (first, second):
            with pytest.raises(ClientError) as refused:
                client.create_model_customization_job(**again)
            assert refused.value.response["Error"]["Code"] == "ValidationException"
            fake.backend.move(stop, "Failed")
        assert client.create_model_customization_job(**again)["jobArn"]
        with pytest.raises(ClientError):
            client.create_model_customization_job(**{**again, "jobName": "fourth", "clientRequestToken": "other-token"})


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=12)


@given(value=_json)
def test_a_frozen_value_thaws_to_an_equal_fresh_one_in_the_same_order(value: Any) -> None:
    frozen = freeze(value)
    assert freeze(frozen) is frozen
    back = thaw(frozen)
    assert back == value and repr(back) == repr(value)  # repr: the same key order and types (1 vs 1.0 vs True)
    if isinstance(value, (dict, list)):
        assert back is not value and type(frozen) is (FrozenMap if isinstance(value, dict) else tuple)
        assert type_key(value) is not None and type_key(value) == type_key(thaw(frozen))
