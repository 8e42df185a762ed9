"""Nothing signed with real keys, nothing leaves the machine: :mod:`pytest_bedrock_mock.fakes.isolation`.

A test that uses the kit runs with fake credentials everywhere botocore's chain looks; its child
processes reach the ``bedrock_server`` fixture or a refusing endpoint; with the socket guard on,
no offline mode and no client kind opens a connection beyond loopback.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from _socket_guard import no_network as no_network  # a fixture
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from pytest_bedrock_mock.fakes import isolation

pytest_plugins = ["pytester"]

#: Real-looking values, built at run time so that nothing credential-shaped sits in the repository.
REAL_KEY, REAL_SECRET = "AK" + "IA" + "Q" * 16, "s" * 40
AWS_NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
             "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
             "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_EC2_METADATA_DISABLED", "BOTO_CONFIG",
             "AWS_ENDPOINT_URL_BEDROCK", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_BEARER_TOKEN_BEDROCK", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
CHILD = textwrap.dedent('''
    import json, sys, boto3
    from botocore.exceptions import ClientError
    client = boto3.client("bedrock")
    try:
        print(json.dumps({"answer": client.list_model_customization_jobs(nameContains=sys.argv[1])["modelCustomizationJobSummaries"][0]["jobName"]}))
    except ClientError as exc:
        print(json.dumps({"code": exc.response["Error"]["Code"], "message": exc.response["Error"]["Message"]}))
''')


@pytest.fixture
def real_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Real-looking keys in the environment and in profile files, a container and web-identity source, IMDS enabled."""
    for name in AWS_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", REAL_SECRET)
    monkeypatch.setenv("AWS_PROFILE", "prod")
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.2/creds")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bearer-" + "b" * 20)
    keys = f"aws_access_key_id = {REAL_KEY}\naws_secret_access_key = {REAL_SECRET}\n"
    (tmp_path / "credentials").write_text(f"[default]\n{keys}[prod]\n{keys}[ops]\n{keys}")
    (tmp_path / "config").write_text("[default]\nregion = us-west-2\n[profile prod]\nregion = eu-west-1\ncredential_process = /bin/false\n"
                                     "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = prod\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    return REAL_KEY


def _key_of(client: Any) -> str:
    return str(client._request_signer._credentials.get_frozen_credentials().access_key)


# -- the environment ---------------------------------------------------------------------------------

@given(st.dictionaries(st.sampled_from(AWS_NAMES), st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)))
def test_isolate_then_undo_restores_the_environment_exactly(values: dict[str, str]) -> None:
    before = dict(os.environ)
    try:
        for name in AWS_NAMES:
            os.environ.pop(name, None)
        os.environ.update(values)
        expected = dict(os.environ)
        with isolation.isolate(region="us-east-1") as state:
            assert os.environ["AWS_ACCESS_KEY_ID"] == "testing" and os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
            assert not any(k.startswith(("AWS_CONTAINER_", "AWS_BEARER_TOKEN_")) for k in os.environ)
            assert Path(state.env["AWS_SHARED_CREDENTIALS_FILE"]).read_text().count("aws_access_key_id = testing") >= 1
        assert dict(os.environ) == expected
    finally:
        os.environ.clear()
        os.environ.update(before)


def test_every_client_and_profile_is_signed_with_fake_keys(real_credentials: str, no_network: list[str]) -> None:
    boto3.setup_default_session()
    cached = boto3.client("s3", region_name="us-east-1")  # the default session now caches the real keys
    assert _key_of(cached) == real_credentials
    with isolation.isolate(region="us-east-1"):
        clients = [boto3.client(name) for name in ("s3", "bedrock-runtime", "bedrock-agent", "sts")]
        clients += [boto3.Session(profile_name=name).client("bedrock-runtime") for name in ("prod", "ops", "default")]
        clients.append(botocore.session.Session(profile="prod").create_client("s3"))
        assert [_key_of(c) for c in clients] == ["testing"] * len(clients)
        assert boto3.Session(profile_name="prod").region_name == "eu-west-1", "profiles keep their names and regions"
        assert "bearer" not in str(os.environ)
    assert _key_of(boto3.client("s3", region_name="us-east-1")) == real_credentials, "the cached default session is back"
    assert no_network == [], "no credential source reached for the network (IMDS, container endpoint)"


def test_the_guard_sees_what_an_unisolated_credential_chain_would_fetch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                       no_network: list[str]) -> None:
    for name in AWS_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("BOTO_CONFIG", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "1")
    botocore.session.Session().get_credentials()  # the instance metadata service: refused by the guard
    assert any("169.254.169.254" in attempt for attempt in no_network)


# -- child processes -----------------------------------------------------------------------------------

def _child(*args: str, env: dict[str, str] | None = None) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


@pytest.mark.bedrock_allow_unused
def test_a_child_process_is_refused_at_once_with_the_fix(bedrock_stubber: Any) -> None:
    assert os.environ["AWS_ENDPOINT_URL_BEDROCK"].startswith("http://127.0.0.1:")
    answer = _child("nightly")
    assert answer["code"] == isolation.REFUSED_CODE
    assert "GET /model-customization-jobs" in answer["message"]
    assert "bedrock_server fixture" in answer["message"] and "bedrock-mock serve" in answer["message"] and isolation.DOCS in answer["message"]
    bedrock_stubber.calls.assert_not_called("ListModelCustomizationJobs")


def test_a_child_process_reaches_the_bedrock_server_fixture(bedrock_server: Any) -> None:
    from pytest_bedrock_mock import create_job_request

    bedrock_server.client().create_model_customization_job(**create_job_request(seed=3, jobName="from-the-parent"))
    assert os.environ["AWS_ENDPOINT_URL_BEDROCK"] == bedrock_server.url
    assert _child("from-the-parent") == {"answer": "from-the-parent"}


def _spawned(queue: Any) -> None:
    try:
        boto3.client("bedrock").get_model_customization_job(jobIdentifier="nightly")
    except ClientError as exc:
        queue.put(exc.response["Error"]["Code"])


@pytest.mark.bedrock_allow_unused
def test_a_multiprocessing_spawn_child_is_refused(bedrock_stubber: Any) -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_spawned, args=(queue,))
    child.start()
    try:
        assert queue.get(timeout=120) == isolation.REFUSED_CODE
    finally:
        child.join(timeout=60)


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed (pip install awscli)")
def test_the_aws_cli_is_refused_then_answered_by_the_server(bedrock_server: Any) -> None:
    from pytest_bedrock_mock import create_job_request

    bedrock_server.client().create_model_customization_job(**create_job_request(seed=4, jobName="cli-job"))
    listed = subprocess.run(["aws", "bedrock", "list-model-customization-jobs", "--output", "json"], capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert [j["jobName"] for j in json.loads(listed.stdout)["modelCustomizationJobSummaries"]] == ["cli-job"]
    env = {**os.environ, "AWS_ENDPOINT_URL_BEDROCK": isolation.refusing_endpoint()}
    refused = subprocess.run(["aws", "bedrock", "get-model-customization-job", "--job-identifier", "cli-job"], capture_output=True, text=True,
                             timeout=120, env=env)
    assert refused.returncode != 0
    assert f"({isolation.REFUSED_CODE})" in refused.stderr and "bedrock_server fixture" in refused.stderr


# -- the refusing endpoint -----------------------------------------------------------------------------

def _raw(data: bytes) -> tuple[str, dict[str, str], bytes]:
    port = int(isolation.refusing_endpoint().rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(data)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status, headers, body


@pytest.mark.parametrize("request_bytes, status", [
    (b"POST /model-customization-jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", "403"),
    (b"BREW /coffee HTTP/1.1\r\nHost: x\r\n\r\n", "403"),
    (b"\x00\x01 garbage\r\n\r\n", "400"),
    (b"GET / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\nabc", "403"),
])
def test_the_refusing_endpoint_answers_anything_in_rest_json(request_bytes: bytes, status: str) -> None:
    line, headers, body = _raw(request_bytes)
    assert line.split()[1] == status
    assert headers["x-amzn-errortype"] == isolation.REFUSED_CODE and headers["content-type"] == "application/json"
    assert "bedrock_server fixture" in json.loads(body)["message"]


def test_an_idle_connection_does_not_keep_others_waiting_forever() -> None:
    port = int(isolation.refusing_endpoint().rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)):  # connects and says nothing
        line, _, _ = _raw(b"GET / HTTP/1.1\r\n\r\n")  # answered once the idle one times out (2 s), not never
    assert line.split()[1] == "403"


# -- the plugin: which tests, and recording ------------------------------------------------------------

PLUGIN_SUITE = '''
import os
import pytest

REAL = os.environ["AWS_ACCESS_KEY_ID"]

def test_plain_first():
    assert os.environ["AWS_ACCESS_KEY_ID"] == REAL and "AWS_ENDPOINT_URL_BEDROCK" not in os.environ

@pytest.mark.bedrock_allow_unused
def test_kit(bedrock_stubber):
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing" and os.environ["AWS_ENDPOINT_URL_BEDROCK"].startswith("http://127.0.0.1:")

@pytest.mark.bedrock_cassette(golden="get/status-Failed")
def test_marker_only():
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"

def test_server(bedrock_server):
    assert os.environ["AWS_ENDPOINT_URL_BEDROCK"] == bedrock_server.url

@pytest.mark.bedrock_cassette(record_mode="once")
def test_recording_keeps_the_real_keys(bedrock_cassette, bedrock_server):
    assert bedrock_cassette.records
    assert os.environ["AWS_ACCESS_KEY_ID"] == REAL and "AWS_ENDPOINT_URL_BEDROCK" not in os.environ

@pytest.mark.bedrock_allow_network
def test_opted_out():
    import boto3, botocore.config
    from botocore.exceptions import EndpointConnectionError
    assert os.environ["AWS_ACCESS_KEY_ID"] == REAL
    client = boto3.client("bedrock", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                          config=botocore.config.Config(retries={"max_attempts": 1}))
    with pytest.raises(EndpointConnectionError):  # sent (to a closed port), not refused by the kit
        client.get_model_customization_job(jobIdentifier="j")

def test_plain_last():
    assert os.environ["AWS_ACCESS_KEY_ID"] == REAL and "AWS_ENDPOINT_URL_BEDROCK" not in os.environ
'''


def test_the_plugin_isolates_kit_tests_only(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_BEDROCK", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", REAL_SECRET)
    pytester.makepyfile(test_suite=PLUGIN_SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=7)


# -- offline: no connection leaves the machine ---------------------------------------------------------

def _exercise_offline(client: Any) -> None:
    """A bedrock call through ``client``, plus clients of other services and their credentials."""
    client.get_model_customization_job(jobIdentifier="nightly")
    for name in ("s3", "bedrock-runtime", "bedrock-agent", "sts"):
        assert _key_of(boto3.client(name)) == "testing"
    assert _key_of(boto3.client("bedrock")) == "testing"


def test_offline_stubber(no_network: list[str], bedrock_stubber: Any) -> None:
    bedrock_stubber.add_get_job("Completed")
    _exercise_offline(boto3.client("bedrock"))
    assert no_network == []


@pytest.mark.parametrize("level", [pytest.param(level, marks=pytest.mark.bedrock_fake(level=level)) for level in ("parsed", "wire")])
def test_offline_simulator(no_network: list[str], bedrock_fake: Any, level: str) -> None:
    from pytest_bedrock_mock import create_job_request

    client = boto3.client("bedrock")
    client.create_model_customization_job(**create_job_request(seed=5, jobName="nightly"))
    _exercise_offline(client)
    assert no_network == []


@pytest.mark.bedrock_cassette(golden="get/status-Failed", record_mode="none", match_on=["operation"])
def test_offline_cassette_playback(no_network: list[str], bedrock_cassette: Any) -> None:
    _exercise_offline(boto3.client("bedrock"))
    assert bedrock_cassette.played and no_network == []


@pytest.mark.bedrock_variants("status: Stopped")
def test_offline_variants(no_network: list[str], bedrock_variant: Any, bedrock_client: Any) -> None:
    _exercise_offline(bedrock_client)
    assert no_network == []


def test_offline_server(no_network: list[str], bedrock_server: Any) -> None:
    from pytest_bedrock_mock import create_job_request

    client = boto3.client("bedrock")  # AWS_ENDPOINT_URL_BEDROCK: the server, on loopback
    client.create_model_customization_job(**create_job_request(seed=6, jobName="nightly"))
    _exercise_offline(client)
    assert no_network == []


def test_a_profile_file_changed_between_tests_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real files are read once and kept while unchanged; a change (or removal) is seen by the next isolation."""
    config = tmp_path / "config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)

    def profiles() -> str:
        with isolation.isolate(region="us-east-1") as state:
            return Path(state.env["AWS_CONFIG_FILE"]).read_text()

    config.write_text("[profile first]\nregion = eu-west-1\n")
    assert "[profile first]\nregion = eu-west-1" in profiles()
    assert "[profile first]" in profiles()  # unchanged: the same answer
    config.write_text("[profile second]\nregion = ap-south-1\n[profile third]\n")
    seen = profiles()
    assert "[profile second]\nregion = ap-south-1" in seen and "[profile third]\nregion = us-east-1" in seen and "first" not in seen
    config.unlink()
    assert "second" not in profiles()
