"""Recording end to end: a real HTTP server on 127.0.0.1, the real urllib3 stack, then playback offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _cassette_server import SocketBlocker, make_client, running
from botocore.exceptions import ClientError

from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.cassettes import CassetteMismatchError, CassetteOptions, CassetteSession, load

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "cassettes"
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.endpoint

    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _s: None)


def _workflow(client: Any) -> list[Any]:
    """A job's life as code under test sees it: results and errors, in order."""
    out: list[Any] = []
    request = build_request()
    arn = client.create_model_customization_job(**request)["jobArn"]
    out.append(arn)
    for _ in range(3):
        out.append(client.get_model_customization_job(jobIdentifier=arn))
    out.append(client.list_model_customization_jobs(maxResults=5))
    out.append(client.stop_model_customization_job(jobIdentifier=arn))
    try:
        client.get_model_customization_job(jobIdentifier=arn.replace(arn[-12:], "doesnotexist"))
    except ClientError as exc:
        out.append(("error", exc.response))
    return out


def build_request() -> dict[str, Any]:
    from pytest_bedrock_mock import builders

    return builders.create_job_request("FINE_TUNING", seed=11)


def _without_server(value: Any) -> Any:
    """``value`` with the ``server`` response header removed wherever botocore shows headers (it is never recorded)."""
    if isinstance(value, dict):
        return {k: _without_server(v) for k, v in value.items() if not (k == "server" and isinstance(v, str))}
    if isinstance(value, (list, tuple)):
        return type(value)(_without_server(v) for v in value)
    return value


def _session(path: Path, mode: str, **kw: Any) -> CassetteSession:
    return CassetteSession(CassetteOptions(path=path, record_mode=mode, **kw))


def test_round_trip_record_then_replay_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_sleep(monkeypatch)
    path = tmp_path / "round_trip.yaml"
    with running() as server:
        server.fail_next("GetModelCustomizationJob", "InternalServerException")  # one retried 500
        client = make_client(server.url)
        session = _session(path, "once")
        with intercept.activate(session):
            recorded = _workflow(client)
        assert session.save() == path
        assert server.state.requests[0] == ("POST", "/model-customization-jobs")
        sent = len(server.state.requests)
    cassette = load(path)
    assert len(cassette.interactions) == sent == 8  # every attempt, the retried 500 included
    assert cassette.interactions[1].response.status == 500

    blocker = SocketBlocker().install(monkeypatch)
    replay_client = make_client(server.url)
    with intercept.activate(_session(path, "none")):
        replayed = _workflow(replay_client)
    assert blocker.attempts == []
    assert "server" in recorded[1]["ResponseMetadata"]["HTTPHeaders"]  # the test server says it is Werkzeug ...
    assert not any("server" in {k.lower() for k in i.response.headers} for i in cassette.interactions)  # ... the cassette does not
    assert replayed == _without_server(recorded)  # parsed results, ResponseMetadata (retry count, request ids, Date) and errors
    statuses = [r["status"] for r in replayed[1:4]]
    assert statuses == ["InProgress", "InProgress", "Completed"]
    assert replayed[1]["ResponseMetadata"]["RetryAttempts"] == 1
    assert replayed[3]["endTime"].tzinfo is not None and replayed[3]["endTime"] == recorded[3]["endTime"]
    assert replayed[-1][1]["Error"]["Code"] == "ResourceNotFoundException"


def test_recording_sends_only_to_the_configured_endpoint(tmp_path: Path) -> None:
    seen: list[str] = []
    with running() as server:
        from pytest_bedrock_mock.fakes.cassettes import urllib3_transport

        real = urllib3_transport()

        def transport(request: Any) -> Any:
            seen.append(request.url)
            return real(request)

        session = CassetteSession(CassetteOptions(path=tmp_path / "c.yaml", record_mode="all"), transport=transport)
        with intercept.activate(session):
            make_client(server.url).list_model_customization_jobs()
    assert seen == [server.url + "/model-customization-jobs"]


@pytest.mark.parametrize("mode", ["none", "once"])
def test_offline_modes_with_a_cassette_never_send(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text((GOLDEN / "get" / "status-Completed.yaml").read_text())
    blocker = SocketBlocker().install(monkeypatch)
    with intercept.activate(_session(path, mode)) as session, pytest.raises(CassetteMismatchError) as info:
        make_client("http://127.0.0.1:9").get_model_customization_job(jobIdentifier="arn:aws:bedrock:us-east-1:123456789012:model-customization-job/x/unknown1")
    assert blocker.attempts == []
    assert f"record mode {mode!r}" in str(info.value)
    assert session.recorded == []


def test_new_episodes_appends_and_all_rewrites(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    with running() as server:
        client = make_client(server.url)
        first = _session(path, "once")
        with intercept.activate(first):
            client.list_model_customization_jobs(maxResults=1)
        first.save()
        more = _session(path, "new_episodes")
        with intercept.activate(more):
            client.list_model_customization_jobs(maxResults=1)  # played back
            client.list_model_customization_jobs(maxResults=2)  # new: recorded
        more.save()
        assert [r for r in server.state.requests] == [("GET", "/model-customization-jobs")] * 2
        assert [i.request.query for i in load(path).interactions] == [{"maxResults": ["1"]}, {"maxResults": ["2"]}]
        again = _session(path, "all")
        with intercept.activate(again):
            client.list_model_customization_jobs(maxResults=3)
        again.save()
        assert [i.request.query for i in load(path).interactions] == [{"maxResults": ["3"]}]
        assert len(server.state.requests) == 3


def test_nothing_recorded_nothing_written(tmp_path: Path) -> None:
    session = _session(tmp_path / "c.yaml", "once")
    assert session.records and session.save() is None
    assert not (tmp_path / "c.yaml").exists()
