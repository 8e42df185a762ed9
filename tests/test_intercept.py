"""Interception: every bedrock client, created anywhere, is answered by the active fake; nothing reaches AWS."""

from __future__ import annotations

import socket
import sys
import threading

import _socket_guard
import boto3
import botocore.credentials
import botocore.handlers
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

no_network = _socket_guard.no_network  # the fixture: sockets blocked, attempts listed


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


# -- the registry: every session, whatever its class or age, routes its bedrock clients ------------------


class _CountingWireFake:
    """Passes at the call level (counting), answers on the wire with an empty listing."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.clients: list[int | None] = []

    def answer_call(self, operation, *args):
        self.asked.append(operation)
        return None

    def answer_send(self, operation, request):
        self.clients.append(intercept.current_client())
        return wire.aws_response(*wire.encode_response(operation, {"modelCustomizationJobSummaries": []}))


def test_the_handlers_live_in_botocores_registry():
    registered = {(event, handler) for event, handler, *_ in botocore.handlers.BUILTIN_HANDLERS}
    assert {("before-parameter-build.bedrock", intercept._on_parameter_build), ("before-call.bedrock", intercept._on_before_call),
            ("before-send.bedrock", intercept._on_before_send)} <= registered


def test_a_session_class_defined_later_that_overrides_create_client_is_routed(no_network):
    class LaterSession(botocore.session.Session):  # as aiobotocore's AioSession does, with its own create_client
        def create_client(self, service_name, *args, **kwargs):
            self.made = kwargs
            return super().create_client(service_name, *args, **kwargs)

    fake = _CountingWireFake()
    with intercept.activate(fake):
        session = LaterSession()
        client = session.create_client("bedrock")
        assert client.list_model_customization_jobs()["modelCustomizationJobSummaries"] == []
    assert session.made["aws_access_key_id"] == "testing" and session.made["region_name"] == "us-east-1"
    assert fake.asked == ["ListModelCustomizationJobs"]
    assert no_network == []


def test_a_session_without_the_registrys_handlers_is_routed_when_it_makes_a_client(no_network):
    # What a session made before the kit was imported looks like: none of botocore's builtin handlers.
    session = botocore.session.Session(include_builtin_handlers=False)
    fake = _CountingWireFake()
    with intercept.activate(fake):
        assert session.create_client("bedrock", region_name="us-east-1").list_model_customization_jobs()["modelCustomizationJobSummaries"] == []
    assert fake.asked == ["ListModelCustomizationJobs"]
    assert no_network == []


def test_attaching_again_never_asks_the_fake_twice():
    client = boto3.client("bedrock", region_name="us-east-1")
    for _ in range(3):
        intercept.attach(client)
    BedrockStubber(client)  # attaches the client it is given, too
    fake = _CountingWireFake()
    with intercept.activate(fake):
        client.list_model_customization_jobs()
        client.list_model_customization_jobs()
    assert fake.asked == ["ListModelCustomizationJobs"] * 2
    assert len(fake.clients) == 2 and fake.clients[0] == fake.clients[1] is not None


def test_each_client_has_its_own_number_in_every_thread():
    fake = _CountingWireFake()
    clients = [boto3.client("bedrock", region_name="us-east-1") for _ in range(3)]
    with intercept.activate(fake):
        threads = [threading.Thread(target=c.list_model_customization_jobs) for c in clients for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(fake.clients) == 6 and len(set(fake.clients)) == 3 and all(fake.clients.count(n) == 2 for n in set(fake.clients))


def test_wire_answers_in_threads_log_each_callers_own_parameters(no_network):
    from pytest_bedrock_mock import builders
    from pytest_bedrock_mock.fakes.simulator import simulate

    requests = [builders.create_job_request(seed=seed) for seed in range(8)]
    with simulate(level="wire") as fake:
        client = boto3.client("bedrock", region_name="us-east-1")
        threads = [threading.Thread(target=lambda r=r: client.create_model_customization_job(**r)) for r in requests]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(c.params["jobName"] for c in fake.calls) == sorted(r["jobName"] for r in requests)
    assert no_network == []


def test_sessions_and_clients_made_before_the_kit_was_imported_are_answered(pytester):
    pytester.makepyfile(early="""
        import socket

        def refuse(self, address):
            raise SystemExit(f"tried to connect to {address}")

        socket.socket.connect = refuse  # no network in this child either

        import boto3, botocore.session
        SESSION = botocore.session.Session()
        CLIENT = boto3.client("bedrock", region_name="us-east-1", aws_access_key_id="early", aws_secret_access_key="early")

        from pytest_bedrock_mock.fakes.intercept import activate
        from pytest_bedrock_mock.fakes.simulator import simulate

        with simulate(level="wire") as fake:
            print(CLIENT.list_model_customization_jobs()["modelCustomizationJobSummaries"])
            late = SESSION.create_client("bedrock", region_name="us-east-1")
            print(late.list_model_customization_jobs()["modelCustomizationJobSummaries"])
            print(late._request_signer._credentials.access_key)
        print(len(fake.calls))
    """)
    result = pytester.run(sys.executable, "early.py")
    assert result.ret == 0, result.stderr.str()
    assert result.outlines == ["[]", "[]", "testing", "2"]


def test_the_socket_guard_refuses_anything_but_loopback():
    from _socket_guard import NetworkBlocked, blocked_network

    with blocked_network() as attempts:
        with pytest.raises(NetworkBlocked):
            socket.getaddrinfo("bedrock.us-east-1.amazonaws.com", 443)
        with socket.socket() as s, pytest.raises(NetworkBlocked):
            s.connect(("192.0.2.1", 443))  # TEST-NET-1: never routed
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen()
            with socket.create_connection(server.getsockname(), timeout=5):
                pass
    assert len(attempts) == 2 and "bedrock.us-east-1.amazonaws.com" in attempts[0]
    socket.getaddrinfo("localhost", 80)  # restored afterwards
