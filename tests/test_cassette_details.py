"""Cassette details: golden mismatches name the golden cassette, what a recording keeps of the server, fixture order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

import pytest_bedrock_mock
from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.errors import CassetteMismatchError
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.cassettes import CassetteOptions, CassetteSession, load
from pytest_bedrock_mock.fakes.cassettes.golden import build
from pytest_bedrock_mock.fakes.cassettes.recorder import TRANSPORT_HEADERS, urllib3_transport
from pytest_bedrock_mock.fakes.server import start_server
from pytest_bedrock_mock.fakes.simulator import BedrockSimulator

# -- a golden cassette's mismatch ------------------------------------------------------------------------


def _golden_mismatch(message: str) -> None:
    assert "no interaction in the golden cassette 'get/status-Failed' matches this bedrock request" in message
    assert "Golden cassettes are built by the kit (pytest_bedrock_mock.fakes.cassettes.golden.build('get/status-Failed')) and never recorded" in message
    assert "docs/cassettes.md#golden-cassettes" in message
    assert ".yaml" not in message and "new_episodes" not in message and "--bedrock-record-mode" not in message


def test_a_golden_mismatch_names_the_golden_cassette_and_says_it_is_never_recorded(pytester: pytest.Pytester) -> None:
    pytester.makepyfile('''
        import pytest

        @pytest.mark.bedrock_cassette(golden="get/status-Failed")
        def test_other_job(bedrock_client):
            bedrock_client.get_model_customization_job(jobIdentifier="another-job")

        @pytest.mark.bedrock_cassette(golden="get/status-Failed", record_mode="new_episodes")
        def test_asking_to_record_changes_nothing(bedrock_client):
            bedrock_client.get_model_customization_job(jobIdentifier="another-job")
    ''')
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    errors = [line for line in result.outlines if line.startswith("E ")]
    _golden_mismatch("\n".join(errors))
    assert sum("CassetteMismatchError: no interaction in the golden cassette" in line for line in errors) == 2
    assert not list(pytester.path.rglob("*.yaml")) and not list(pytester.path.rglob("*.partial"))


def test_play_golden_mismatch_is_the_same_message() -> None:
    client = boto3.client("bedrock", region_name="us-east-1")
    with pytest_bedrock_mock.play(golden="get/status-Failed"), pytest.raises(CassetteMismatchError) as info:
        client.get_model_customization_job(jobIdentifier="another-job")
    _golden_mismatch(str(info.value))


def test_a_golden_session_never_records_whatever_its_mode(tmp_path: Path) -> None:
    for mode in ("once", "new_episodes", "all"):
        session = CassetteSession(CassetteOptions(path=tmp_path / "g.yaml", record_mode=mode, golden="get/status-Failed"), cassette=build("get/status-Failed"))
        assert session.records is False


def test_a_file_cassettes_mismatch_still_says_how_to_record(tmp_path: Path) -> None:
    client = boto3.client("bedrock", region_name="us-east-1")
    session = CassetteSession(CassetteOptions(path=tmp_path / "mine.yaml", record_mode="none"), cassette=build("get/status-Failed"))
    with intercept.activate(session), pytest.raises(CassetteMismatchError) as info:
        client.get_model_customization_job(jobIdentifier="another-job")
    assert f"no interaction in {tmp_path / 'mine.yaml'} matches" in str(info.value) and "--bedrock-record-mode=new_episodes" in str(info.value)


# -- what a recording keeps of the server ------------------------------------------------------------------


def _record_one(tmp_path: Path, transport: Any) -> tuple[dict[str, Any], dict[str, str]]:
    session = CassetteSession(CassetteOptions(path=tmp_path / "rec.yaml", record_mode="all"), transport=transport)
    client = boto3.client("bedrock", region_name="us-east-1", endpoint_url="http://127.0.0.1:9")
    with intercept.activate(session):
        live = client.list_model_customization_jobs()
    session.save()
    (recorded,) = load(tmp_path / "rec.yaml").interactions
    return live, recorded.response.headers


def test_server_software_headers_are_not_recorded_but_the_services_are(tmp_path: Path) -> None:
    status, headers, body = wire.encode_response("ListModelCustomizationJobs", {"modelCustomizationJobSummaries": []})
    sent = {**headers, "Server": "Werkzeug/3.0.1 Python/3.11.7", "Via": "1.1 proxy", "X-Powered-By": "moto",
            "Date": "Tue, 07 May 2024 12:00:00 GMT", "Connection": "keep-alive"}
    live, kept = _record_one(tmp_path, lambda _request: (status, sent, body))
    assert live["ResponseMetadata"]["HTTPHeaders"]["server"].startswith("Werkzeug")  # the code under test saw it live ...
    assert not {k.lower() for k in kept} & TRANSPORT_HEADERS  # ... the cassette does not keep it
    assert kept["Date"] == "Tue, 07 May 2024 12:00:00 GMT" and kept["Connection"] == "keep-alive"  # what the service sends stays
    assert {"server", "via", "x-powered-by"} == TRANSPORT_HEADERS


def test_a_recording_against_the_kits_server_has_no_server_header(tmp_path: Path) -> None:
    handle = start_server("127.0.0.1", 0, simulator=BedrockSimulator())
    try:
        sent = urllib3_transport(timeout=10)

        def to_server(request: Any) -> tuple[int, dict[str, str], bytes]:
            request.url = handle.url + request.url.split("127.0.0.1:9", 1)[1]
            return sent(request)

        live, kept = _record_one(tmp_path, to_server)
    finally:
        handle.stop()
    assert "server" not in live["ResponseMetadata"]["HTTPHeaders"]  # the kit's server does not send one at all
    assert "server" not in {k.lower() for k in kept} and "x-amzn-RequestId" in kept


# -- a cassette recording from bedrock_server: both fixture orders, and bedrock_client ---------------------


ORDERS = '''
import pytest

@pytest.mark.bedrock_cassette(record_mode="once", path="cassette_first.yaml")
def test_cassette_first(bedrock_cassette, bedrock_server):
    bedrock_server.client().list_model_customization_jobs()

@pytest.mark.bedrock_cassette(record_mode="once", path="server_first.yaml")
def test_server_first(bedrock_server, bedrock_cassette):
    bedrock_server.client().list_model_customization_jobs()

@pytest.mark.bedrock_cassette(record_mode="once", path="client.yaml")
def test_marker_server_and_client(bedrock_server, bedrock_client):
    bedrock_client.list_model_customization_jobs()

@pytest.mark.bedrock_cassette(record_mode="once", path="client_first.yaml")
def test_client_first(bedrock_client, bedrock_cassette, bedrock_server):
    bedrock_client.list_model_customization_jobs()
    assert bedrock_client.meta.endpoint_url == bedrock_server.url
'''


def test_a_cassette_records_from_bedrock_server_whatever_the_fixture_order(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)  # these tests record; with CI set no test may (the offline guarantee)
    pytester.makepyfile(test_orders=ORDERS)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=4)
    folder = pytester.path / "cassettes" / "bedrock" / "test_orders"
    for name in ("cassette_first", "server_first", "client", "client_first"):
        (interaction,) = load(folder / f"{name}.yaml").interactions
        assert interaction.response.status == 200, name  # the server answered (not the refusing endpoint)
        assert interaction.operation == "ListModelCustomizationJobs"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=4)  # played back: the files stay as they are
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
