"""Redaction: credentials and account ids never reach a cassette file.

Every credential-looking value here is assembled at run time; none is a literal.
"""

from __future__ import annotations

import functools
import json
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _cassette_server import fake_key_id, fake_secret, make_client, running
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.cassettes import (
    CassetteOptions,
    CassetteSession,
    CredentialLeakError,
    Interaction,
    RedactionRule,
    Redactor,
    Request,
    Response,
    find_credentials,
    load,
)
from pytest_bedrock_mock.fakes.cassettes.redaction import DROPPED_HEADERS, is_credential_name
from pytest_bedrock_mock.strategies import create_job_requests

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
SESSION_TOKEN = "IQoJb3JpZ2lu" + "X" * 40
REAL_ACCOUNT = "4" * 6 + "7" * 6


def _scan(text: str) -> list[str]:
    problems = find_credentials(text)
    for secret in (fake_key_id(), fake_secret(), SESSION_TOKEN, REAL_ACCOUNT):
        if secret in text:
            problems.append(f"literal {secret[:6]}...")
    return problems


def test_secret_scan_nothing_reaches_disk(tmp_path: Path) -> None:
    """Credentials in the signature, at credential places of both bodies, in headers: none is written; a secret-shaped job name is."""
    path = tmp_path / "secrets.yaml"
    role = f"arn:aws:iam::{REAL_ACCOUNT}:role/Training"
    job_name = fake_secret()[::-1]  # 40 mixed-case characters and digits, shaped like a secret key: a valid job name
    with running() as server:
        server.state.echo = {"failureMessage": f"leaked {fake_key_id()}", "roleArn": role, "clientSecret": fake_secret(), "sessionToken": SESSION_TOKEN}
        server.state.extra_headers = {"x-amz-security-token": SESSION_TOKEN, "x-debug-key": fake_key_id(), "x-api-token": fake_secret()}
        client = make_client(server.url, key_id=fake_key_id(), secret=fake_secret(), token=SESSION_TOKEN)
        request = builders.create_job_request(seed=3, jobName=job_name, roleArn=role, hyperParameters={"epochCount": "1", "wandbApiKey": fake_secret()},
                                              jobTags=[{"key": "owner-key", "value": fake_key_id()}])
        session = CassetteSession(CassetteOptions(path=path, record_mode="all"))
        with intercept.activate(session):
            arn = client.create_model_customization_job(**request)["jobArn"]
            got = client.get_model_customization_job(jobIdentifier=arn)
        assert fake_key_id() in got["failureMessage"]  # code under test saw the real answer
        session.save()
    text = path.read_text()
    assert _scan(text) == []
    assert "123456789012" in text and "<redacted-access-key-id>" in text and "REDACTED" in text
    assert job_name in text and "owner-key" in text and "epochCount" in text  # places that are not credentials are kept
    assert not any(h.lower() in DROPPED_HEADERS for i in load(path).interactions for h in i.response.headers)
    assert all(int(i.response.headers["Content-Length"]) == len(i.response.body) for i in load(path).interactions)


def test_recording_refuses_to_write_a_credential(tmp_path: Path) -> None:
    """A user rule that puts a credential back: recording refuses, says why, and the old file stays."""
    path = tmp_path / "c.yaml"
    path.write_text("old cassette")
    rule = RedactionRule("TOKEN-PLACEHOLDER", fake_key_id())
    with running() as server:
        server.state.echo = {"failureMessage": "TOKEN-PLACEHOLDER"}
        client = make_client(server.url)
        session = CassetteSession(CassetteOptions(path=path, record_mode="all", redact=(rule,)))
        with intercept.activate(session):
            arn = client.create_model_customization_job(**builders.create_job_request(seed=4))["jobArn"]
            client.get_model_customization_job(jobIdentifier=arn)
    with pytest.raises(CredentialLeakError, match=r"refusing to write .*c\.yaml.*access key id.*interaction 1"):
        session.save()
    assert path.read_text() == "old cassette"
    assert list(tmp_path.iterdir()) == [path]


def _interaction(path: str, body: object, response: dict[str, object]) -> Interaction:
    raw = json.dumps(response, separators=(",", ":")).encode()
    return Interaction("GetModelCustomizationJob", Request("GET", path, {}, body), Response(200, {"Content-Length": str(len(raw)), "x-amzn-RequestId": "r"}, raw))


def test_account_ids_get_one_consistent_placeholder_also_percent_encoded() -> None:
    other = "9" * 12
    path = f"/model-customization-jobs/arn%3Aaws%3Abedrock%3Aus-east-1%3A{REAL_ACCOUNT}%3Amodel-customization-job%2Fm%2Fabc"
    response = {"jobArn": f"arn:aws:bedrock:us-east-1:{REAL_ACCOUNT}:model-customization-job/m/abc", "roleArn": f"arn:aws:iam::{other}:role/R",
                "outputDataConfig": {"s3Uri": f"s3://bucket-{REAL_ACCOUNT}/out/"}}
    redacted = Redactor().redact(_interaction(path, None, response))
    body = json.loads(redacted.response.body)
    assert REAL_ACCOUNT not in redacted.request.path and "%3A123456789012%3A" in redacted.request.path
    assert body["jobArn"].split(":")[4] == "123456789012"
    assert body["roleArn"].split(":")[4] == "000000000002"  # a second account: a second, distinct placeholder
    assert body["outputDataConfig"]["s3Uri"] == "s3://bucket-123456789012/out/"
    assert redacted.response.headers["Content-Length"] == str(len(redacted.response.body))


def test_custom_placeholder_and_user_rules() -> None:
    redactor = Redactor([RedactionRule(r"team-[a-z]+", "team-x")], placeholder_account="111111111111")
    out = redactor.redact_text(f"arn:aws:iam::{REAL_ACCOUNT}:role/team-payments")
    assert out == "arn:aws:iam::111111111111:role/team-x"
    with pytest.raises(ValueError, match="12 digits"):
        Redactor(placeholder_account="12")


_KEY_CHARS = string.ascii_uppercase + string.digits


@given(prefix=st.sampled_from(["AK" + "IA", "AS" + "IA"]), tail=st.text(_KEY_CHARS, min_size=16, max_size=16),
       before=st.text(string.ascii_lowercase + " :/-", max_size=20), after=st.text(string.ascii_lowercase + " :/-", max_size=20))
def test_any_access_key_id_is_redacted(prefix: str, tail: str, before: str, after: str) -> None:
    text = before + prefix + tail + after
    assert find_credentials(text)
    assert find_credentials(Redactor().redact_text(text)) == []


@given(st.text(string.ascii_letters + string.digits + "/+", min_size=40, max_size=40).filter(
    lambda s: any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s)))
def test_a_secret_shaped_value_is_kept_unless_it_is_at_a_credential_place(value: str) -> None:
    """By place, not by look: a 40-character value (a valid job name) stays; under a credential name it goes."""
    text = f'{{"jobName":"{value}"}}'
    assert find_credentials(text) == []
    assert Redactor().redact_text(text) == text
    request = Request("POST", "/model-customization-jobs", {}, {"jobName": value, "hyperParameters": {"apiKey": value}, "x": {"client_secret": [value]}})
    redacted = Redactor().redact_request(request, "CreateModelCustomizationJob").body
    assert redacted == {"jobName": value, "hyperParameters": {"apiKey": "REDACTED"}, "x": {"client_secret": ["REDACTED"]}}


@pytest.mark.parametrize(("name", "credential"), [
    ("apiKey", True), ("secret_access_key", True), ("X-Api-Token", True), ("password", True), ("sessionToken", True), ("clientSecret", True),
    ("token", True), ("key", False), ("jobName", False), ("inferenceMaxTokens", False), ("customModelKmsKeyId", False), ("outputModelKmsKeyArn", False),
])
def test_credential_names(name: str, credential: bool) -> None:
    assert is_credential_name(name) is credential


def test_sensitive_members_signed_urls_and_model_tokens() -> None:
    """The model's sensitive maps are blanked; signed URL parameters too; idempotency and pagination tokens are kept."""
    filters = {"equals": {"team": "payments"}, "notEquals": {"stage": "dev"}}
    body = {"jobName": "j", "clientRequestToken": "tok-1", "trainingDataConfig": {"invocationLogsConfig": {
        "invocationLogSource": {"s3Uri": "s3://b/logs/"}, "requestMetadataFilters": filters}}}
    redacted = Redactor().redact_request(Request("POST", "/model-customization-jobs", {}, body), "CreateModelCustomizationJob").body
    assert redacted["trainingDataConfig"]["invocationLogsConfig"]["requestMetadataFilters"] == {"equals": {"team": "REDACTED"},
                                                                                                "notEquals": {"stage": "REDACTED"}}
    assert redacted["clientRequestToken"] == "tok-1" and redacted["jobName"] == "j"
    query = Redactor().redact_request(Request("GET", "/model-customization-jobs", {"nextToken": ["page-2"], "X-Amz-Signature": ["abc"]})).query
    assert query == {"nextToken": ["page-2"], "X-Amz-Signature": ["REDACTED"]}
    url = "https://b.s3.amazonaws.com/o?X-Amz-Credential=x%2F1&X-Amz-Signature=ff00&partNumber=1"
    assert Redactor().redact_text(url) == "https://b.s3.amazonaws.com/o?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&partNumber=1"


def test_ordinary_values_are_left_alone() -> None:
    job = builders.job_description("Completed", "DISTILLATION", seed=5)
    text = json.dumps(job, default=str)
    assert find_credentials(text) == []
    assert Redactor().redact_text(text) == text


# -- the round trip: record -> file -> replay, for any valid Create request ---------------------------------

_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.nova-micro-v1:0:128k/abcdefghijkl"
_REDACTION_MARKS = ("REDACTED", "123456789012", "<redacted-access-key-id>", "<redacted-session-token>")


def _changed(sent: Any, kept: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """The leaves where ``kept`` differs from ``sent`` (path, sent, kept)."""
    if isinstance(sent, dict) and isinstance(kept, dict) and sent.keys() == kept.keys():
        for key in sent:
            yield from _changed(sent[key], kept[key], f"{path}.{key}")
    elif isinstance(sent, list) and isinstance(kept, list) and len(sent) == len(kept):
        for i, (a, b) in enumerate(zip(sent, kept)):
            yield from _changed(a, b, f"{path}[{i}]")
    elif sent != kept:
        yield path, sent, kept


@functools.cache
def _offline_client() -> Any:
    return make_client("https://bedrock.us-east-1.amazonaws.com", attempts=1)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=create_job_requests() | create_job_requests(realistic=False))
@example(request=builders.create_job_request(seed=1, jobName=fake_secret()[::-1]))  # 40 characters, shaped like a secret key
def test_every_create_request_round_trips_record_to_replay_unchanged(request: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> None:
    """Recorded, written, read back and replayed through a real client: it matches, and only credential places changed."""
    sent: list[Any] = []

    def transport(prepared: Any) -> tuple[int, dict[str, str], bytes]:
        sent.append(json.loads(prepared.body))
        return wire.encode_response("CreateModelCustomizationJob", {"jobArn": _ARN})

    path = tmp_path_factory.mktemp("round-trip") / "create.yaml"
    client = _offline_client()
    recording = CassetteSession(CassetteOptions(path=path, record_mode="all"), transport=transport)
    with intercept.activate(recording):
        client.create_model_customization_job(**request)
    recording.save()
    replay = CassetteSession(CassetteOptions(path=path, record_mode="none"))
    with intercept.activate(replay):
        assert client.create_model_customization_job(**request)["jobArn"] == _ARN
    assert replay.played == [0] and len(sent) == 1
    kept = load(path).interactions[0].request.body
    assert kept["jobName"] == request["jobName"]
    for where, before, after in _changed(sent[0], kept):
        assert isinstance(after, str) and any(mark in after for mark in _REDACTION_MARKS), f"{where}: {before!r} became {after!r}"
