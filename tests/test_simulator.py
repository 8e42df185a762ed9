"""The simulator through real botocore clients: Create/Get/Stop, lifecycle, policies, virtual clock."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.contract.validate import validate_request, validate_response, validation_message
from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.core.calls import Call
from pytest_bedrock_mock.core.model import get_model, load_raw_model, use_model
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.simulator import AfterDuration, AfterGets, BedrockSimulator, Manual, SimulatorBug, simulate

LEVELS = ("parsed", "wire")


@pytest.fixture(params=LEVELS)
def level(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def served() -> Iterator[list[Call]]:
    seen: list[Call] = []
    intercept.add_observer(seen.append)
    yield seen
    intercept.remove_observer(seen.append)


def _client() -> Any:
    return boto3.client("bedrock", region_name="us-east-1")


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    err = exc.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]


def _check_answer(op: str, answer: dict[str, Any]) -> None:
    assert validate_response(op, answer) == []
    if op == "GetModelCustomizationJob":
        assert rules.check_consistency(answer) == []


def test_create_returns_201_and_a_documented_arn_get_by_name_and_by_arn(level: str, served: list[Call]) -> None:
    with simulate(level=level, seed=4) as fake:
        client = _client()
        request = builders.create_job_request("FINE_TUNING", seed=11)
        created = client.create_model_customization_job(**request)
        assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
        _check_answer("CreateModelCustomizationJob", created)
        arn = created["jobArn"]
        assert arn.startswith("arn:aws:bedrock:us-east-1:123456789012:model-customization-job/" + request["baseModelIdentifier"] + "/")
        by_arn = client.get_model_customization_job(jobIdentifier=arn)
        by_name = client.get_model_customization_job(jobIdentifier=request["jobName"])
        for answer in (by_arn, by_name):
            _check_answer("GetModelCustomizationJob", answer)
            assert answer["jobArn"] == arn and answer["jobName"] == request["jobName"]
            assert answer["status"] == "InProgress"
            assert "endTime" not in answer and "failureMessage" not in answer and "outputModelArn" not in answer
        assert by_arn["outputModelName"] == request["customModelName"]
        assert by_arn["trainingDataConfig"] == request["trainingDataConfig"]
        assert by_arn["hyperParameters"] == request["hyperParameters"]
        assert by_arn["creationTime"].tzinfo is not None
    assert [s.operation for s in served] == ["CreateModelCustomizationJob"] + ["GetModelCustomizationJob"] * 2
    assert all(s.source == "simulator" for s in served)
    assert len(fake.calls) == 3


def test_unknown_job_is_resource_not_found_404(level: str) -> None:
    with simulate(level=level):
        client = _client()
        for call in (client.get_model_customization_job, client.stop_model_customization_job):
            with pytest.raises(ClientError) as exc:
                call(jobIdentifier="no-such-job")
            assert _code(exc) == ("ResourceNotFoundException", 404)
        with pytest.raises(ClientError) as exc:
            client.get_model_customization_job(jobIdentifier="arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.nova-micro-v1:0:128k/abcdefghijkl")
        assert _code(exc) == ("ResourceNotFoundException", 404)


@pytest.mark.parametrize("field, value", [("jobName", "-bad"), ("jobName", "a" * 100), ("roleArn", "notanarn"),
                                          ("customizationType", "NOT_A_TYPE")])
def test_invalid_create_is_a_validation_exception_with_the_service_message(level: str, field: str, value: str) -> None:
    request = builders.create_job_request(seed=2)
    request[field] = value
    expected = validation_message(validate_request("CreateModelCustomizationJob", request))
    with simulate(level=level) as fake:
        with pytest.raises(ClientError) as exc:
            _client().create_model_customization_job(**request)
        assert _code(exc) == ("ValidationException", 400)
        assert exc.value.response["Error"]["Message"] == expected
        assert fake.jobs == []


def test_duplicate_name_is_configurable_and_the_evidenced_validation_error_by_default(level: str) -> None:
    request = builders.create_job_request(seed=5)
    again = {**request, "customModelName": "another-model"}  # only the job name is reused
    with simulate(level=level) as fake:
        client = _client()
        client.create_model_customization_job(**request)
        with pytest.raises(ClientError) as exc:
            client.create_model_customization_job(**again)  # botocore draws a new token each call
        assert _code(exc) == ("ValidationException", 400)
        assert exc.value.response["Error"]["Message"] == "The provided job name is currently in use."
        assert len(fake.jobs) == 1
    with simulate(level=level, duplicate_name_error="ConflictException"):  # a code alone: the evidenced message
        _client().create_model_customization_job(**request)
        with pytest.raises(ClientError) as exc:
            _client().create_model_customization_job(**again)
        assert _code(exc) == ("ConflictException", 400)
        assert exc.value.response["Error"]["Message"] == "The provided job name is currently in use."
    with simulate(level=level, duplicate_name_error=None, duplicate_model_name_error=None) as fake:
        first = _client().create_model_customization_job(**request)["jobArn"]
        second = _client().create_model_customization_job(**request)["jobArn"]
        assert first != second and len(fake.jobs) == 2


def test_client_request_token_is_idempotent(level: str) -> None:
    request = builders.create_job_request(seed=6, clientRequestToken="token-1")
    with simulate(level=level) as fake:
        client = _client()
        first = client.create_model_customization_job(**request)["jobArn"]
        assert client.create_model_customization_job(**request)["jobArn"] == first
        # documented: a matching token is ignored without an error, even when the rest differs
        assert client.create_model_customization_job(**dict(request, customModelName="other-model"))["jobArn"] == first
        assert len(fake.jobs) == 1
        assert fake.describe(first)["clientRequestToken"] == "token-1"
    with simulate(level=level, token_mismatch_error="ValidationException") as fake:
        client = _client()
        client.create_model_customization_job(**request)
        with pytest.raises(ClientError) as exc:
            client.create_model_customization_job(**dict(request, customModelName="other-model"))
        assert _code(exc) == ("ValidationException", 400)
        assert len(fake.jobs) == 1


def _poll(client: Any, arn: str, sleep: float = 0.0, limit: int = 100) -> list[dict[str, Any]]:
    seen = []
    for _ in range(limit):
        job = client.get_model_customization_job(jobIdentifier=arn)
        seen.append(job)
        if rules.is_terminal(job["status"]):
            return seen
        time.sleep(sleep)
    raise AssertionError(f"job never finished: {[j['status'] for j in seen]}")


@pytest.mark.parametrize("ctype", rules.creatable_types())
def test_default_policy_lets_a_poll_loop_finish_after_three_in_progress_gets(level: str, ctype: str) -> None:
    with simulate(level=level) as fake:
        client = _client()
        arn = fake.add_job(customization_type=ctype, seed=8)
        seen = _poll(client, arn)
        assert [j["status"] for j in seen] == ["InProgress"] * 3 + ["Completed"]
        assert rules.legal_path([j["status"] for j in seen]) == []
        for job in seen:
            _check_answer("GetModelCustomizationJob", job)
        done = seen[-1]
        assert done["endTime"] == done["lastModifiedTime"] >= done["creationTime"]
        assert done["outputModelArn"].startswith("arn:aws:bedrock:us-east-1:123456789012:custom-model/")
        assert "trainingLoss" in done["trainingMetrics"]
        assert len(done["validationMetrics"]) == len(done["validationDataConfig"]["validators"])
        again = dict(client.get_model_customization_job(jobIdentifier=arn))
        assert {k: v for k, v in again.items() if k != "ResponseMetadata"} == {k: v for k, v in done.items() if k != "ResponseMetadata"}


def test_distillation_status_details_move_through_the_sub_tasks() -> None:
    with simulate(policy=AfterGets(3)) as fake:
        arn = fake.add_job(customization_type="DISTILLATION", seed=9)
        seen = _poll(_client(), arn)
    tasks = get_model().sub_tasks
    details = [[j["statusDetails"][t]["status"] for t in tasks] for j in seen]
    assert details == [["InProgress", "NotStarted", "NotStarted"], ["Completed", "InProgress", "NotStarted"],
                       ["Completed", "Completed", "InProgress"], ["Completed", "Completed", "Completed"]]
    final = seen[-1]["statusDetails"]
    for earlier, later in zip(tasks, tasks[1:]):
        assert final[earlier]["lastModifiedTime"] <= final[later]["creationTime"] <= final[later]["lastModifiedTime"]


def test_fail_sets_failure_message_on_the_running_sub_task(level: str) -> None:
    with simulate(level=level, policy=Manual()) as fake:
        client = _client()
        arn = fake.add_job(customization_type="DISTILLATION", seed=1)
        assert [_poll_once(client, arn)["status"] for _ in range(5)] == ["InProgress"] * 5  # Manual never moves on its own
        fake.fail(arn, "Unable to parse Amazon S3 file: train.jsonl. Data files must conform to JSONL format.")
        job = client.get_model_customization_job(jobIdentifier=arn)
        _check_answer("GetModelCustomizationJob", job)
        assert job["status"] == "Failed" and job["failureMessage"].startswith("Unable to parse")
        assert job["statusDetails"]["validationDetails"]["status"] == "Failed"
        assert job["statusDetails"]["trainingDetails"]["status"] == "NotStarted"
        assert "outputModelArn" not in job and "trainingMetrics" not in job and "endTime" in job
        with pytest.raises(ValueError, match="cannot go from Failed to Completed"):
            fake.complete(arn)


def _poll_once(client: Any, arn: str) -> dict[str, Any]:
    return dict(client.get_model_customization_job(jobIdentifier=arn))


def test_stop_goes_stopping_then_stopped_and_finished_jobs_cannot_stop(level: str) -> None:
    with simulate(level=level) as fake:
        client = _client()
        arn = client.create_model_customization_job(**builders.create_job_request(seed=12))["jobArn"]
        assert client.stop_model_customization_job(jobIdentifier=arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
        statuses = [j["status"] for j in _poll(client, arn)]
        assert statuses == ["Stopping", "Stopped"]
        stopped = client.get_model_customization_job(jobIdentifier=arn)
        _check_answer("GetModelCustomizationJob", stopped)
        assert "outputModelArn" not in stopped and "failureMessage" not in stopped and "endTime" in stopped
        for status in ("Stopped", "Completed", "Failed", "Stopping"):
            other = fake.add_job(status=status, seed=len(status))
            with pytest.raises(ClientError) as exc:
                client.stop_model_customization_job(jobIdentifier=other)
            assert _code(exc) == ("ValidationException", 400)
            assert exc.value.response["Error"]["Message"] == f"The request was rejected because the model customization job is in status {status}."
    with simulate(level=level, stop_inactive_error="ConflictException") as fake:
        done = fake.add_job(status="Completed", seed=3)
        with pytest.raises(ClientError) as exc:
            _client().stop_model_customization_job(jobIdentifier=done)
        assert _code(exc) == ("ConflictException", 400)


_real_perf_counter = time.perf_counter  # bound before any virtual clock patches the time module


def test_virtual_clock_finishes_a_two_hour_job_in_milliseconds() -> None:
    with simulate(clock="virtual", policy=AfterDuration(7200)) as fake:
        client = _client()
        arn = client.create_model_customization_job(**builders.create_job_request(seed=13))["jobArn"]
        started = _real_perf_counter()  # time.perf_counter itself includes the virtual time slept
        seen = _poll(client, arn, sleep=60, limit=500)
        wall = _real_perf_counter() - started
    assert wall < 5.0  # 120+ sleeps of 60 s each, none of them real
    assert [j["status"] for j in seen][-2:] == ["InProgress", "Completed"]
    assert len(seen) == 121
    done = seen[-1]
    assert (done["endTime"] - done["creationTime"]).total_seconds() == 7200
    assert fake.virtual_clock.elapsed >= 7200


def test_virtual_clock_restores_time_sleep() -> None:
    original = time.sleep
    with simulate(clock="virtual"):
        assert time.sleep is not original
    assert time.sleep is original


def test_after_duration_stopping_takes_its_own_time() -> None:
    with simulate(clock="virtual", policy=AfterDuration(600, stopping_seconds=30)) as fake:
        client = _client()
        arn = fake.add_job(seed=2)
        fake.virtual_clock.advance(100)
        client.stop_model_customization_job(jobIdentifier=arn)
        assert client.get_model_customization_job(jobIdentifier=arn)["status"] == "Stopping"
        fake.virtual_clock.advance(31)
        job = client.get_model_customization_job(jobIdentifier=arn)
        assert job["status"] == "Stopped"
        assert (job["endTime"] - job["creationTime"]).total_seconds() == 130


def test_outcome_can_depend_on_the_request() -> None:
    policy = AfterGets(1, outcome=lambda req: "Failed" if "bad" in req["jobName"] else "Completed")
    with simulate(policy=policy) as fake:
        good, bad = fake.add_job(seed=1, jobName="good-job"), fake.add_job(seed=2, jobName="bad-job")
        assert [j["status"] for j in _poll(_client(), good)] == ["InProgress", "Completed"]
        assert [j["status"] for j in _poll(_client(), bad)] == ["InProgress", "Failed"]


def test_advance_walks_every_unfinished_job() -> None:
    with simulate(policy=Manual()) as fake:
        jobs = [fake.add_job(seed=i) for i in range(3)]
        fake.stop(jobs[2])
        moved = fake.advance(steps=10)
        assert set(moved) == set(jobs)
        assert [fake.describe(j)["status"] for j in jobs] == ["Completed", "Completed", "Stopped"]
        assert fake.advance() == []


def test_bad_options_fail_at_once_naming_the_choices() -> None:
    with pytest.raises(TypeError):
        BedrockSimulator(polcy=Manual())
    with pytest.raises(ValueError, match="ConflictException"):
        BedrockSimulator(stop_inactive_error="NoSuchException")
    with pytest.raises(ValueError, match="level"):
        BedrockSimulator(level="http")
    with pytest.raises(ValueError, match="virtual"):
        BedrockSimulator(clock="fast")
    with pytest.raises(ValueError, match="Completed or Failed"):
        AfterGets(0, outcome="Stopped")
    with pytest.raises(ValueError, match="unknown job status 'Done'"):
        AfterDuration(10, outcome="Done")
    with simulate() as fake, pytest.raises(KeyError, match="no simulated job 'ghost'"):
        fake.complete("ghost")
    with simulate() as fake, pytest.raises(TypeError, match="clock='virtual'"):
        fake.virtual_clock.advance(1)


def test_unknown_base_model_name_is_resource_not_found() -> None:
    with simulate():
        with pytest.raises(ClientError) as exc:
            _client().create_model_customization_job(**builders.create_job_request(seed=1, baseModelIdentifier="my_custom_model"))
        assert _code(exc) == ("ResourceNotFoundException", 404)


def test_base_model_arns_resolve_to_the_base_model_id() -> None:
    foundation = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k"
    custom = "arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.titan-text-express-v1:0:8k/abcdefghijkl"
    with simulate() as fake:
        for i, base in enumerate((foundation, custom)):
            arn = _client().create_model_customization_job(**builders.create_job_request(seed=20 + i, baseModelIdentifier=base))["jobArn"]
            assert "/amazon.titan-text-express-v1:0:8k/" in arn
            assert fake.describe(arn)["baseModelArn"] == foundation


def test_regions_are_separate() -> None:
    with simulate():
        east = boto3.client("bedrock", region_name="us-east-1")
        west = boto3.client("bedrock", region_name="us-west-2")
        arn = west.create_model_customization_job(**builders.create_job_request(seed=1))["jobArn"]
        assert ":us-west-2:" in arn
        assert west.get_model_customization_job(jobIdentifier=arn)["jobArn"] == arn
        assert east.list_model_customization_jobs()["modelCustomizationJobSummaries"] == []
        with pytest.raises(ClientError):
            east.get_model_customization_job(jobIdentifier=arn)


def test_strict_mode_and_render_check_refuse_answers_the_service_cannot_send() -> None:
    with simulate(strict=True) as fake:
        arn = fake.add_job(seed=1)
        job = fake.backend.find(arn)
        job._values = tuple("not-an-arn" if key == "jobArn" else value for key, value in zip(job._keys, job._values))
        job._fresh = False  # re-rendered (from the fixed part changed above) at the next Get
        with pytest.raises(SimulatorBug, match="jobArn"):
            _client().get_model_customization_job(jobIdentifier=arn)


def test_an_error_code_added_to_the_model_flows_through_unchanged() -> None:
    raw = load_raw_model()
    raw["shapes"]["ModelNotReadyException"] = {"type": "structure", "members": {"message": {"shape": "NonBlankString"}},
                                               "error": {"httpStatusCode": 409, "senderFault": True}, "exception": True}
    raw["operations"]["StopModelCustomizationJob"]["errors"].append({"shape": "ModelNotReadyException"})
    with use_model(raw):
        with simulate(stop_inactive_error="ModelNotReadyException") as fake:
            done = fake.add_job(status="Completed", seed=4)
            with pytest.raises(ClientError) as exc:
                _client().stop_model_customization_job(jobIdentifier=done)
            assert _code(exc) == ("ModelNotReadyException", 409)
            fake.fail_next("ModelNotReadyException", operation="StopModelCustomizationJob")
            with pytest.raises(ClientError) as exc:
                _client().stop_model_customization_job(jobIdentifier=fake.add_job(seed=5))
            assert _code(exc) == ("ModelNotReadyException", 409)


def test_every_answer_of_a_scenario_passes_the_contract(served: list[Call]) -> None:
    with simulate(level="wire", seed=3) as fake:
        client = _client()
        arns = [client.create_model_customization_job(**builders.create_job_request(t, seed=i))["jobArn"]
                for i, t in enumerate(("FINE_TUNING", "DISTILLATION", "REINFORCEMENT_FINE_TUNING", "CONTINUED_PRE_TRAINING"))]
        client.stop_model_customization_job(jobIdentifier=arns[0])
        fake.fail(arns[1])
        for _ in range(5):
            for arn in arns:
                client.get_model_customization_job(jobIdentifier=arn)
            client.list_model_customization_jobs(maxResults=2)
    assert len(served) == 4 + 1 + 5 * 5
    for s in served:
        assert "Error" not in s.response
        _check_answer(s.operation, s.response)


def test_a_customization_type_added_to_the_model_flows_through_unchanged() -> None:
    raw = load_raw_model()
    raw["shapes"]["CustomizationType"]["enum"].append("PREFERENCE_TUNING")
    with use_model(raw), simulate(level="wire") as fake:
        request = builders.create_job_request(seed=1, customizationType="PREFERENCE_TUNING")
        arn = _client().create_model_customization_job(**request)["jobArn"]
        assert [j["status"] for j in _poll(_client(), arn)] == ["InProgress"] * 3 + ["Completed"]
        assert fake.describe(arn)["customizationType"] == "PREFERENCE_TUNING"
    with simulate(), pytest.raises(ClientError) as exc:
        _client().create_model_customization_job(**dict(request, jobName="again"))
    assert _code(exc) == ("ValidationException", 400)


def test_after_duration_gives_each_sub_task_its_share_of_the_time() -> None:
    with simulate(clock="virtual", policy=AfterDuration(7200)) as fake:
        arn = fake.add_job(customization_type="DISTILLATION", seed=5)
        fake.virtual_clock.advance(3000)  # one read after a long silence still tells the whole story
        running = _client().get_model_customization_job(jobIdentifier=arn)
        fake.virtual_clock.advance(5000)
        done = _client().get_model_customization_job(jobIdentifier=arn)
    tasks = get_model().sub_tasks
    assert [running["statusDetails"][t]["status"] for t in tasks] == ["Completed", "InProgress", "NotStarted"]
    offsets = [(done["statusDetails"][t]["creationTime"] - done["creationTime"]).total_seconds() for t in tasks]
    assert offsets == [0, 2400, 4800]
    assert (done["endTime"] - done["creationTime"]).total_seconds() == 7200
    assert rules.check_consistency(done) == [] and rules.check_consistency(running) == []


def test_the_callers_request_dicts_are_not_shared_with_the_stored_job(level: str) -> None:
    request = builders.create_job_request(seed=30)
    with simulate(level=level) as fake:
        arn = _client().create_model_customization_job(**request)["jobArn"]
        request["validationDataConfig"]["validators"].append({"s3Uri": "s3://example-bucket/extra.jsonl"})
        request["trainingDataConfig"]["s3Uri"] = "s3://example-bucket/changed.jsonl"
        job = fake.describe(arn)
        assert len(job["validationDataConfig"]["validators"]) == 1
        assert job["trainingDataConfig"]["s3Uri"] != "s3://example-bucket/changed.jsonl"
        got = _client().get_model_customization_job(jobIdentifier=arn)
        got["validationDataConfig"]["validators"].clear()  # nor are the answers handed out
        fake.describe(arn)["validationDataConfig"]["validators"].clear()
        assert len(fake.describe(arn)["validationDataConfig"]["validators"]) == 1
