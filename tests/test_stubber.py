"""BedrockStubber: helpers, documented errors, matching, call log, validation, unused answers."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError, StubAssertionError, UnStubbedResponseError
from botocore.stub import Stubber
from botocore.validate import validate_parameters

from pytest_bedrock_mock import builders, get_model
from pytest_bedrock_mock.contract.validate import validate_response
from pytest_bedrock_mock.core.javaregex import full_match
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.matching import ANY, partial
from pytest_bedrock_mock.fakes.stubber import BedrockStubber, StubberError

MODEL = get_model()
ERRORS = [(op, code) for op in MODEL.operations for code in MODEL.errors(op)]


def users_client():
    """What code under test does: make its own client."""
    return boto3.client("bedrock", region_name="us-east-1")


@pytest.fixture
def stubber():
    st = BedrockStubber(users_client(), seed=5)
    with intercept.activate(st):
        yield st


@pytest.mark.parametrize("ctype", MODEL.customization_types)
@pytest.mark.parametrize("status", MODEL.statuses)
def test_every_status_and_type_reaches_a_client_the_code_made(stubber, status, ctype):
    sent = stubber.add_get_job(status, customization_type=ctype)
    got = users_client().get_model_customization_job(jobIdentifier=sent["jobArn"])
    assert got["status"] == status and got["customizationType"] == ctype
    body = {k: v for k, v in got.items() if k != "ResponseMetadata"}
    assert body == sent
    assert validate_response("GetModelCustomizationJob", body) == []
    validate_parameters(body, MODEL.output_shape("GetModelCustomizationJob"))
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.parametrize(("operation", "code"), ERRORS, ids=[f"{o}-{c}" for o, c in ERRORS])
def test_every_documented_error_with_its_modelled_status(stubber, operation, code):
    stubber.add_client_error(operation, code, "fake message")
    client = users_client()
    method = getattr(client, MODEL.method_name(operation))
    params = builders.create_job_request(seed=1) if operation == "CreateModelCustomizationJob" else ({} if operation.startswith("List") else {"jobIdentifier": "my-job"})
    with pytest.raises(ClientError) as info:
        method(**params)
    err = info.value.response
    assert err["Error"]["Code"] == code
    assert err["ResponseMetadata"]["HTTPStatusCode"] == MODEL.error(operation, code).http_status
    assert err["Error"]["Message"] == "fake message"
    assert isinstance(info.value, getattr(client.exceptions, code))


def test_unknown_error_code_lists_the_valid_ones(stubber):
    with pytest.raises(StubberError) as info:
        stubber.add_client_error("get_model_customization_job", "ConflictException")
    assert "'ConflictException'" in str(info.value)
    for code in MODEL.errors("GetModelCustomizationJob"):
        assert code in str(info.value)


def test_wrong_http_status_for_a_code_is_refused(stubber):
    with pytest.raises(StubberError, match="ThrottlingException is sent with HTTP 429"):
        stubber.add_client_error("get_model_customization_job", "ThrottlingException", http_status_code=400)


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda st: st.add_get_job("Done"), "InProgress, Completed"),
        (lambda st: st.add_get_job(customization_type="SORCERY"), "FINE_TUNING"),
        (lambda st: st.add_get_job(bogusField=1), "jobArn"),
        (lambda st: st.add_response("describe_everything", {}), "get_model_customization_job" if False else "GetModelCustomizationJob"),
        (lambda st: st.add_job_lifecycle(["Completed", "InProgress"]), "not a legal transition"),
    ],
    ids=["status", "type", "field", "operation", "transition"],
)
def test_bad_names_get_one_clear_error(stubber, call, needle):
    with pytest.raises(StubberError) as info:
        call(stubber)
    assert needle in str(info.value)


def test_create_then_lifecycle_is_one_consistent_job(stubber):
    arn = stubber.add_create_job(jobName="one-job")
    jobs = stubber.add_job_lifecycle(["InProgress", "InProgress", "Completed"], customization_type=None)
    created = users_client().create_model_customization_job(**builders.create_job_request(seed=3, jobName="one-job"))
    assert created["jobArn"] == arn and created["ResponseMetadata"]["HTTPStatusCode"] == 201
    seen = [users_client().get_model_customization_job(jobIdentifier=arn) for _ in jobs]
    assert {j["jobArn"] for j in seen} == {arn} and {j["jobName"] for j in seen} == {"one-job"}
    assert [j["status"] for j in seen] == ["InProgress", "InProgress", "Completed"]
    assert full_match(MODEL.output_shape("CreateModelCustomizationJob").members["jobArn"].metadata["pattern"], arn)
    assert "endTime" not in seen[0] and "endTime" in seen[-1] and "outputModelArn" in seen[-1]


def test_create_echoes_a_complete_expected_request(stubber):
    request = builders.create_job_request("DISTILLATION", seed=9)
    stubber.add_create_job(expected_params=request)
    (job,) = stubber.add_job_lifecycle(["Completed"])
    assert job["jobName"] == request["jobName"] and job["customizationConfig"] == request["customizationConfig"]
    users_client().create_model_customization_job(**request)
    users_client().get_model_customization_job(jobIdentifier=request["jobName"])


def test_mismatched_params_are_reported_field_by_field(stubber):
    request = builders.create_job_request(seed=4)
    stubber.add_create_job(expected_params={**request, "trainingDataConfig": {"s3Uri": "s3://other-bucket/x.jsonl"}})
    with pytest.raises(StubAssertionError) as info:
        users_client().create_model_customization_job(**request)
    text = str(info.value)
    assert "trainingDataConfig.s3Uri: expected 's3://other-bucket/x.jsonl', got " in text
    assert "jobName" not in text  # only the differing field is named
    assert stubber.failures, "the failure is remembered even if the code under test swallows it"


def test_any_works_at_any_depth_and_partial_checks_only_named_keys(stubber):
    request = builders.create_job_request(seed=4)
    stubber.add_create_job(expected_params={**request, "trainingDataConfig": {"s3Uri": ANY}, "jobName": ANY})
    stubber.add_create_job(expected_params=partial(roleArn=request["roleArn"], outputDataConfig=ANY))
    users_client().create_model_customization_job(**request)
    users_client().create_model_customization_job(**request)
    stubber.add_create_job(expected_params=partial(jobName="someone-else"))
    with pytest.raises(StubAssertionError, match="jobName: expected 'someone-else'"):
        users_client().create_model_customization_job(**request)


def test_unexpected_extra_params_are_named(stubber):
    stubber.add_list_jobs(expected_params={"statusEquals": "Completed"})
    with pytest.raises(StubAssertionError, match="nameContains: unexpected"):
        users_client().list_model_customization_jobs(statusEquals="Completed", nameContains="x")


def test_unordered_mode_matches_by_operation_and_params():
    st = BedrockStubber(users_client(), unordered=True)
    with intercept.activate(st):
        st.add_get_job("Completed", expected_params={"jobIdentifier": "job-b"})
        st.add_get_job("Failed", expected_params={"jobIdentifier": "job-a"})
        st.add_stop_job(expected_params={"jobIdentifier": "job-c"})
        c = users_client()
        c.stop_model_customization_job(jobIdentifier="job-c")
        assert c.get_model_customization_job(jobIdentifier="job-a")["status"] == "Failed"
        assert c.get_model_customization_job(jobIdentifier="job-b")["status"] == "Completed"
        st.verify()


def test_unordered_mode_explains_near_misses():
    st = BedrockStubber(users_client(), unordered=True)
    with intercept.activate(st):
        st.add_get_job("Completed", expected_params={"jobIdentifier": "job-b"})
        with pytest.raises(StubAssertionError, match="jobIdentifier: expected 'job-b', got 'job-z'"):
            users_client().get_model_customization_job(jobIdentifier="job-z")


def test_ordered_mode_names_the_expected_operation(stubber):
    stubber.add_stop_job()
    with pytest.raises(StubAssertionError, match="next queued answer is StopModelCustomizationJob"):
        users_client().get_model_customization_job(jobIdentifier="x")


def test_a_call_that_does_not_fit_the_head_leaves_it_queued_in_its_place(stubber):
    stubber.add_get_job("Completed", expected_params={"jobIdentifier": "job-a"})
    stubber.add_stop_job()
    client = users_client()
    with pytest.raises(StubAssertionError, match="jobIdentifier: expected 'job-a'"):
        client.get_model_customization_job(jobIdentifier="job-z")
    with pytest.raises(StubAssertionError, match="next queued answer is GetModelCustomizationJob"):
        client.stop_model_customization_job(jobIdentifier="job-a")
    assert client.get_model_customization_job(jobIdentifier="job-a")["status"] == "Completed"
    client.stop_model_customization_job(jobIdentifier="job-a")
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize("unordered", [False, True])
def test_concurrent_calls_each_take_one_answer(unordered):
    """Threads calling at once: every queued answer is served exactly once, none twice, none lost."""
    import threading

    st = BedrockStubber(users_client(), unordered=unordered)
    threads, per_thread = 8, 40
    with intercept.activate(st):
        for i in range(threads * per_thread):
            st.add_response("get_model_customization_job", {**builders.job_description("Completed", seed=1), "jobName": f"job-{i}"})
        got: list[str] = []
        start = threading.Barrier(threads)

        def work() -> None:
            client = users_client()
            start.wait()
            for _ in range(per_thread):
                got.append(client.get_model_customization_job(jobIdentifier="job")["jobName"])

        workers = [threading.Thread(target=work) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert sorted(got) == sorted(f"job-{i}" for i in range(threads * per_thread))
        assert not st.failures
        st.assert_no_pending_responses()
        answered = [c.response["jobName"] for c in st.calls]
        assert sorted(answered) == sorted(got)


def test_nothing_queued_names_operation_and_params(stubber):
    with pytest.raises(UnStubbedResponseError, match=r"GetModelCustomizationJob.*'jobIdentifier': 'lonely'"):
        users_client().get_model_customization_job(jobIdentifier="lonely")


def test_call_log_and_mock_style_assertions(stubber):
    stubber.add_get_job("InProgress")
    stubber.add_get_job("Completed")
    c = users_client()
    c.get_model_customization_job(jobIdentifier="a")
    c.get_model_customization_job(jobIdentifier="b")
    calls = stubber.calls
    assert [call.operation for call in calls] == ["GetModelCustomizationJob"] * 2
    assert calls[1].response["status"] == "Completed"
    calls.assert_called_times("get_model_customization_job", 2)
    calls.assert_called_with("GetModelCustomizationJob", jobIdentifier="b")
    calls.assert_any_call("GetModelCustomizationJob", {"jobIdentifier": "a"})
    calls.assert_not_called("StopModelCustomizationJob")
    with pytest.raises(AssertionError, match="called 3 time"):
        calls.assert_called_times("GetModelCustomizationJob", 3)
    with pytest.raises(AssertionError, match="jobIdentifier: expected 'a', got 'b'"):
        calls.assert_called_with("GetModelCustomizationJob", jobIdentifier="a")


def test_invalid_request_gets_the_services_validation_exception_and_keeps_the_queue(stubber):
    stubber.add_get_job("Completed")
    request = builders.create_job_request(seed=2, check=False, jobName="x" * 64)
    with pytest.raises(ClientError) as info:
        users_client().create_model_customization_job(**request)
    err = info.value.response
    assert err["Error"]["Code"] == "ValidationException" and err["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err["Error"]["Message"].startswith("1 validation error detected: Value '" + "x" * 64 + "' at 'jobName' failed to satisfy constraint: Member must have length less than or equal to 63")
    stubber.calls.assert_called_times("CreateModelCustomizationJob", 1)
    users_client().get_model_customization_job(jobIdentifier="still-queued")


def test_validation_can_be_turned_off():
    st = BedrockStubber(users_client(), validate_requests=False)
    with intercept.activate(st):
        st.add_get_job("Completed")
        assert users_client().get_model_customization_job(jobIdentifier="-not-a-valid-name")["status"] == "Completed"


def test_client_side_errors_stay_client_side(stubber):
    from botocore.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError):
        users_client().get_model_customization_job()
    assert not stubber.calls


def test_verify_lists_unused_answers_with_where_they_were_queued():
    st = BedrockStubber(users_client())
    st.add_get_job("Completed")
    st.add_client_error("StopModelCustomizationJob", "ConflictException")
    with pytest.raises(AssertionError) as info:
        st.verify()
    text = str(info.value)
    assert "2 queued bedrock answer(s) were never requested" in text
    assert "GetModelCustomizationJob -> status Completed (queued at test_stubber.py:" in text
    assert "StopModelCustomizationJob -> error ConflictException" in text
    st.verify(allow_unused=True)


def test_verify_fails_a_stubber_never_called_unless_calls_were_checked():
    st = BedrockStubber(users_client())
    with pytest.raises(AssertionError, match="never called"):
        st.verify()
    st.calls.assert_not_called("GetModelCustomizationJob")
    st.verify()


def test_verify_reports_failures_the_code_swallowed():
    st = BedrockStubber(users_client())
    with intercept.activate(st):
        try:
            users_client().get_model_customization_job(jobIdentifier="x")
        except Exception:  # noqa: BLE001 - code under test that swallows everything
            pass
    with pytest.raises(AssertionError, match="raised into the code under test"):
        st.verify(allow_unused=True)


def test_plain_stubber_api_still_works():
    client = users_client()
    st = BedrockStubber(client)
    assert isinstance(st, Stubber)
    job = builders.job_description("Stopped", seed=1)
    with st:
        st.add_response("get_model_customization_job", job, {"jobIdentifier": "j"})
        assert client.get_model_customization_job(jobIdentifier="j")["status"] == "Stopped"
        st.assert_no_pending_responses()


def test_incomplete_raw_answers_are_refused_with_a_pointer_to_the_helpers(stubber):
    with pytest.raises(StubberError, match="jobArn.*add_get_job"):
        stubber.add_response("get_model_customization_job", {"status": "Completed"})


def test_returned_answers_are_copies(stubber):
    stubber.add_get_job("Completed")
    stubber.add_get_job("Completed")
    first = users_client().get_model_customization_job(jobIdentifier="a")
    first["trainingDataConfig"]["s3Uri"] = "mutated"
    second = users_client().get_model_customization_job(jobIdentifier="a")
    assert second["trainingDataConfig"]["s3Uri"] != "mutated"


def test_gets_continue_the_current_job_only_when_the_step_is_legal(stubber):
    first = stubber.add_get_job("InProgress")
    second = stubber.add_get_job("Completed")
    third = stubber.add_get_job("Failed")  # a Completed job never fails: another job
    assert first["jobArn"] == second["jobArn"] != third["jobArn"]
    for _ in range(3):
        users_client().get_model_customization_job(jobIdentifier="j")
