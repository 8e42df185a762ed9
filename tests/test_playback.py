"""Playback through botocore's real stack: golden replays, ordering, retries, drift, mismatches."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from _cassette_server import SocketBlocker, make_client
from botocore.exceptions import ClientError

from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.core.calls import Call
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.cassettes import (
    Cassette,
    CassetteDriftError,
    CassetteDriftWarning,
    CassetteMismatchError,
    Interaction,
    Player,
    Redactor,
    Request,
    Response,
    load,
)
from pytest_bedrock_mock.fakes.cassettes.golden import _scenarios, names

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "cassettes"
JOB = "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.titan-text-express-v1:0:8k/pc2v9cmxjzlq"


@pytest.fixture(scope="module")
def client() -> Any:
    return make_client("https://bedrock.us-east-1.amazonaws.com", attempts=1)


def _as_recorded(operation: str, answer: dict[str, Any]) -> dict[str, Any]:
    """The builders' answer as a recording keeps it: encoded, redacted (members the model marks sensitive), parsed."""
    status, headers, body = wire.encode_response(operation, answer)
    kept = Redactor().redact_response(Response(status, headers, body), operation)
    return {k: v for k, v in wire.parse(operation, kept.status, kept.headers, kept.body).items() if k != "ResponseMetadata"}


@pytest.mark.parametrize("name", names())
def test_every_golden_cassette_replays_offline(name: str, client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = SocketBlocker().install(monkeypatch)
    served: list[Call] = []
    intercept.add_observer(served.append)
    player = Player(load(GOLDEN / f"{name}.yaml"), name=name)
    try:
        with intercept.activate(player):
            for call in _scenarios()[name]:
                method = getattr(client, get_model().method_name(call.operation))
                if call.error:
                    with pytest.raises(ClientError) as info:
                        method(**call.params)
                    assert info.value.response["Error"]["Code"] == call.error
                    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == get_model().error(call.operation, call.error).http_status
                else:
                    got = method(**call.params)
                    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == _as_recorded(call.operation, call.answer)
    finally:
        intercept.remove_observer(served.append)
    assert blocker.attempts == [] and player.unplayed == []
    assert [s.source for s in served] == ["playback"] * len(player.cassette.interactions)
    assert [s.operation for s in served] == [i.operation for i in player.cassette.interactions]


def test_observers_get_the_parsed_answer_and_the_callers_params(client: Any) -> None:
    served: list[Call] = []
    intercept.add_observer(served.append)
    try:
        with intercept.activate(Player(load(GOLDEN / "poll" / "fine-tuning-completed.yaml"))):
            arn = client.create_model_customization_job(**_scenarios()["poll/fine-tuning-completed"][0].params)["jobArn"]
            client.get_model_customization_job(jobIdentifier=arn)
    finally:
        intercept.remove_observer(served.append)
    assert served[1].params == {"jobIdentifier": arn}
    assert isinstance(served[1].response["creationTime"], dt.datetime)
    assert served[1].response["status"] == "InProgress" and served[1].response["ResponseMetadata"]["HTTPStatusCode"] == 200


def _poll_player(**kw: Any) -> Player:
    return Player(load(GOLDEN / "poll" / "fine-tuning-completed.yaml"), **kw)


def test_identical_requests_play_in_recorded_order(client: Any) -> None:
    calls = _scenarios()["poll/fine-tuning-completed"]
    with intercept.activate(_poll_player()):
        arn = client.create_model_customization_job(**calls[0].params)["jobArn"]
        seen = [client.get_model_customization_job(jobIdentifier=arn)["status"] for _ in range(3)]
        with pytest.raises(CassetteMismatchError, match="interaction 3 matches but was already played"):
            client.get_model_customization_job(jobIdentifier=arn)
    assert seen == ["InProgress", "InProgress", "Completed"]


def test_allow_playback_repeats_repeats_the_last_answer(client: Any) -> None:
    calls = _scenarios()["poll/fine-tuning-completed"]
    with intercept.activate(_poll_player(allow_playback_repeats=True)):
        arn = client.create_model_customization_job(**calls[0].params)["jobArn"]
        seen = [client.get_model_customization_job(jobIdentifier=arn)["status"] for _ in range(5)]
    assert seen == ["InProgress", "InProgress", "Completed", "Completed", "Completed"]


def test_idempotency_token_is_ignored_but_other_params_are_compared(client: Any) -> None:
    params = dict(_scenarios()["create/type-FINE_TUNING"][0].params)
    params.pop("clientRequestToken")  # botocore fills a fresh UUID
    with intercept.activate(Player(load(GOLDEN / "create" / "type-FINE_TUNING.yaml"))):
        assert client.create_model_customization_job(**params)["jobArn"]
    params["jobName"] = "another-name"
    with intercept.activate(Player(load(GOLDEN / "create" / "type-FINE_TUNING.yaml"), name="create.yaml")), pytest.raises(CassetteMismatchError) as info:
        client.create_model_customization_job(**params)
    message = str(info.value)
    assert "no interaction in create.yaml matches" in message
    assert "closest recorded: interaction 0: CreateModelCustomizationJob: POST /model-customization-jobs" in message
    assert f"body.jobName: recorded {_scenarios()['create/type-FINE_TUNING'][0].params['jobName']!r}, requested 'another-name'" in message
    assert "body.clientRequestToken" not in message


def test_percent_escapes_do_not_matter_but_slashes_do() -> None:
    from pytest_bedrock_mock.fakes.cassettes.matching import canonical_path

    assert canonical_path("/jobs/arn%3aaws%3Ax%2Fy") == canonical_path("/jobs/arn:aws:x%2fy") == "/jobs/arn:aws:x%2Fy"
    assert canonical_path("/jobs/a%2Fb") != canonical_path("/jobs/a/b")


def test_match_on_is_configurable(client: Any) -> None:
    with intercept.activate(Player(load(GOLDEN / "get" / "status-Failed.yaml"), match_on=("operation",))):
        assert client.get_model_customization_job(jobIdentifier=JOB)["status"] == "Failed"


def _cassette(*answers: tuple[int, dict[str, str], bytes], operation: str = "GetModelCustomizationJob") -> Cassette:
    path = "/model-customization-jobs/" + JOB.replace("/", "%2F")  # ':' unescaped: matching treats it as %3A
    return Cassette([Interaction(operation, Request("GET", path), Response(*a)) for a in answers])


def _job(**changes: Any) -> dict[str, Any]:
    return {**_scenarios()["get/status-Completed"][0].answer, "jobArn": JOB, **changes}  # type: ignore[dict-item]


def test_botocore_retry_handler_runs_on_played_back_500(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.endpoint

    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _s: None)
    op = "GetModelCustomizationJob"
    player = Player(_cassette(wire.encode_error(op, "InternalServerException"), wire.encode_error(op, "ThrottlingException"), wire.encode_response(op, _job())))
    with intercept.activate(player):
        got = make_client(attempts=3).get_model_customization_job(jobIdentifier=JOB)
    assert got["ResponseMetadata"]["RetryAttempts"] == 2 and got["status"] == "Completed"


def test_drifted_answer_fails_the_call_with_the_violation(client: Any) -> None:
    op = "GetModelCustomizationJob"
    player = Player(_cassette(wire.encode_response(op, _job(jobName="x" * 70))), name="drift.yaml")
    with intercept.activate(player), pytest.raises(CassetteDriftError) as info:
        client.get_model_customization_job(jobIdentifier=JOB)
    assert "drift.yaml: interaction 0 (GetModelCustomizationJob) no longer fits" in str(info.value)
    assert "jobName: max_length: Value '" + "x" * 70 + "' at 'jobName' failed to satisfy constraint: Member must have length less than or equal to 63" in str(info.value)


def test_drift_can_be_downgraded_to_a_warning(client: Any) -> None:
    op = "GetModelCustomizationJob"
    player = Player(_cassette(wire.encode_response(op, _job(jobName="x" * 70))), on_drift="warn")
    with intercept.activate(player), pytest.warns(CassetteDriftWarning, match="max_length"):
        assert client.get_model_customization_job(jobIdentifier=JOB)["jobName"] == "x" * 70


def test_a_status_the_model_does_not_list_is_a_warning_not_drift(client: Any) -> None:
    player = Player(_cassette(wire.encode_response("GetModelCustomizationJob", _job(status="Paused"))))
    with intercept.activate(player), pytest.warns(CassetteDriftWarning, match="unknown_value: status: 'Paused' is not one of InProgress"):
        assert client.get_model_customization_job(jobIdentifier=JOB)["status"] == "Paused"


def test_unknown_field_is_a_warning_and_botocore_drops_it(client: Any) -> None:
    status, headers, body = wire.encode_response("GetModelCustomizationJob", _job())
    body = json.dumps({**json.loads(body), "shinyNewField": 1}, separators=(",", ":")).encode()
    with intercept.activate(Player(_cassette((status, headers, body)))), pytest.warns(CassetteDriftWarning, match="'shinyNewField' is not in the model"):
        got = client.get_model_customization_job(jobIdentifier=JOB)
    assert "shinyNewField" not in got


def test_undocumented_error_code_is_drift(client: Any) -> None:
    answer = wire.encode_error("GetModelCustomizationJob", "ConflictException", status=400)  # Get does not document Conflict
    with intercept.activate(Player(_cassette(answer))), pytest.raises(CassetteDriftError, match="error code 'ConflictException', which the model does not document"):
        client.get_model_customization_job(jobIdentifier=JOB)


def test_empty_cassette_mismatch_says_so(client: Any) -> None:
    with intercept.activate(Player(Cassette(), name="empty.yaml")), pytest.raises(CassetteMismatchError, match="the cassette has no interactions"):
        client.list_model_customization_jobs()
