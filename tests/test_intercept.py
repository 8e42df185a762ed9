"""Interception: every bedrock client, created anywhere, is answered by the active fake; nothing reaches AWS."""

from __future__ import annotations

import socket
import threading

import boto3
import botocore.credentials
import botocore.session
import pytest
from botocore.stub import Stubber

from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.core.calls import Call
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.base import FakeConflictError
from pytest_bedrock_mock.fakes.intercept import BedrockNotMockedError
from pytest_bedrock_mock.fakes.stubber import BedrockStubber

#: Created at import time (collection), before any test or fixture ran.
MODULE_CLIENT = boto3.client("bedrock", region_name="eu-central-1")


@pytest.fixture
def no_sockets(monkeypatch):
    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise AssertionError(f"a test tried to connect to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


CLIENT_FACTORIES = {
    "boto3.client": lambda: boto3.client("bedrock", region_name="us-east-1"),
    "boto3.Session().client": lambda: boto3.Session(region_name="us-west-2").client("bedrock"),
    "botocore create_client": lambda: botocore.session.Session().create_client("bedrock", region_name="us-east-1"),
    "module-level client": lambda: MODULE_CLIENT,
}


@pytest.mark.parametrize("make", CLIENT_FACTORIES.values(), ids=CLIENT_FACTORIES.keys())
def test_every_way_of_making_a_client_is_answered(bedrock_stubber, no_sockets, make):
    bedrock_stubber.add_get_job("Completed")
    assert make().get_model_customization_job(jobIdentifier="job")["status"] == "Completed"
    assert no_sockets == []


def test_clients_in_other_threads_share_the_stubber(bedrock_stubber, no_sockets):
    for _ in range(8):
        bedrock_stubber.add_get_job("InProgress")
    seen: list[str] = []

    def worker():
        client = boto3.client("bedrock", region_name="us-east-1")
        for _ in range(2):
            seen.append(client.get_model_customization_job(jobIdentifier="job")["status"])

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == ["InProgress"] * 8
    bedrock_stubber.calls.assert_called_times("GetModelCustomizationJob", 8)


def test_other_services_are_untouched(bedrock_stubber):
    s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    with Stubber(s3) as s3_stub:
        s3_stub.add_response("list_buckets", {"Buckets": []})
        assert s3.list_buckets()["Buckets"] == []
    assert not bedrock_stubber.calls


def test_unanswered_bedrock_call_fails_loudly_and_never_connects(no_sockets):
    assert intercept.active_fake() is None
    client = boto3.client("bedrock", region_name="us-east-1")
    with pytest.raises(BedrockNotMockedError) as info:
        client.get_model_customization_job(jobIdentifier="nobody-answers")
    assert "GetModelCustomizationJob" in str(info.value) and "nobody-answers" in str(info.value)
    assert "bedrock_stubber" in str(info.value)
    assert no_sockets == []


def test_a_fake_that_passes_at_both_levels_still_never_reaches_the_wire(no_sockets):
    class Passive:
        def answer_call(self, *args):
            return None

        def answer_send(self, operation, request):
            return None

    with intercept.activate(Passive()):
        client = boto3.client("bedrock", region_name="us-east-1")
        with pytest.raises(BedrockNotMockedError, match="reached the wire but no fake answered"):
            client.list_model_customization_jobs()
    assert no_sockets == []


def _fake_secret(prefix: str) -> tuple[str, str]:
    # Built at run time so no credential-shaped literal sits in the repository.
    return prefix + "Q" * 16, "s" * 40


@pytest.fixture
def real_looking_credentials(monkeypatch, tmp_path):
    key, secret = _fake_secret("AK" + "IA")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    creds = tmp_path / "credentials"
    creds.write_text(f"[default]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n[prod]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n")
    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-west-2\n[profile prod]\nregion = us-west-2\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    reads: list[str] = []
    original = botocore.credentials.CredentialResolver.load_credentials

    def spy(self):
        reads.append("credential chain consulted")
        return original(self)

    monkeypatch.setattr(botocore.credentials.CredentialResolver, "load_credentials", spy)
    return key, reads


def test_real_credentials_are_never_read_signed_with_or_sent(real_looking_credentials, no_sockets):
    key, reads = real_looking_credentials
    seen_auth: list[str] = []

    class WireFake:
        def answer_call(self, *args):
            return None

        def answer_send(self, operation, request):
            seen_auth.append(request.headers["Authorization"].decode() if isinstance(request.headers["Authorization"], bytes) else request.headers["Authorization"])
            return wire.aws_response(*wire.encode_response(operation, {"modelCustomizationJobSummaries": []}))

    with intercept.activate(WireFake()):
        for make in (lambda: boto3.client("bedrock"), lambda: boto3.Session(profile_name="prod").client("bedrock")):
            client = make()
            assert client.list_model_customization_jobs()["modelCustomizationJobSummaries"] == []
    assert reads == []
    assert seen_auth and all("Credential=testing/" in a for a in seen_auth)
    assert not any(key in a for a in seen_auth)
    assert no_sockets == []


def test_works_with_no_credentials_or_config_at_all(monkeypatch, tmp_path, bedrock_stubber, no_sockets):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "absent-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "absent-config"))
    bedrock_stubber.add_get_job("Completed")
    client = boto3.client("bedrock")  # no region, no credentials anywhere
    assert client.meta.region_name == "us-east-1"
    assert client.get_model_customization_job(jobIdentifier="j")["status"] == "Completed"


def test_explicit_credentials_and_region_of_the_caller_are_kept(bedrock_stubber):
    client = boto3.client("bedrock", region_name="ap-northeast-1", aws_access_key_id="caller-key", aws_secret_access_key="caller-secret")
    assert client.meta.region_name == "ap-northeast-1"
    assert client._request_signer._credentials.access_key == "caller-key"
    bedrock_stubber.calls.assert_not_called("GetModelCustomizationJob")


def test_disarmed_interception_leaves_client_creation_alone(monkeypatch, real_looking_credentials):
    key, reads = real_looking_credentials
    previous = intercept.set_armed(False)
    try:
        client = boto3.client("bedrock", region_name="us-east-1")
    finally:
        intercept.set_armed(*previous[:1], region=previous[1])
    assert client._request_signer._credentials.access_key == key
    assert reads, "without interception the normal credential chain runs"


def test_a_second_fake_is_refused_naming_both_and_the_first_stays_active():
    outer = BedrockStubber(MODULE_CLIENT)
    inner = BedrockStubber(MODULE_CLIENT)
    with intercept.activate(outer, "the outer stubber"):
        with pytest.raises(FakeConflictError, match="a BedrockStubber cannot answer bedrock calls: the outer stubber is already active"):
            with intercept.activate(inner):
                pass
        assert intercept.active_fake() is outer
    assert intercept.active_fake() is None
    with intercept.activate(inner):  # after the block, another fake may take over
        assert intercept.active_fake() is inner


def test_served_answers_reach_observers(bedrock_stubber):
    served: list[Call] = []
    intercept.add_observer(served.append)
    try:
        bedrock_stubber.add_get_job("Stopped")
        bedrock_stubber.add_client_error("GetModelCustomizationJob", "ResourceNotFoundException")
        MODULE_CLIENT.get_model_customization_job(jobIdentifier="a")
        with pytest.raises(MODULE_CLIENT.exceptions.ResourceNotFoundException):
            MODULE_CLIENT.get_model_customization_job(jobIdentifier="b")
    finally:
        intercept.remove_observer(served.append)
    assert [(s.operation, s.response.get("status"), s.error_code, s.source) for s in served] == [
        ("GetModelCustomizationJob", "Stopped", None, "stubber"),
        ("GetModelCustomizationJob", None, "ResourceNotFoundException", "stubber"),
    ]
