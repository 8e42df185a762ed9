"""``stub()``, ``simulate()`` and ``play()``: every fake as a context manager, for scripts, ``unittest`` and ``@given``."""

from __future__ import annotations

import io
import subprocess
import sys
import unittest
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

import pytest_bedrock_mock
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.errors import BedrockNotMockedError, CassetteError, CassetteMismatchError, FakeConflictError
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.cassettes import Cassette, save
from pytest_bedrock_mock.fakes.cassettes.golden import build
from pytest_bedrock_mock.fakes.simulator import BedrockSimulator, simulate
from pytest_bedrock_mock.fakes.stubber import BedrockStubber

#: Created at import, as code under test keeps its client: each block below answers it.
CLIENT = boto3.client("bedrock", region_name="us-east-1")
ROOT = Path(__file__).resolve().parents[1]

#: The done-when of the issue, as a user writes it: Hypothesis' own settings (deadline and every health check on).
DONE_WHEN = '''
import boto3
from hypothesis import given, settings, strategies as st
import pytest_bedrock_mock

CLIENT = boto3.client("bedrock", region_name="us-east-1")
STATUSES = ["InProgress", "Completed", "Failed", "Stopping", "Stopped"]
RAN = []

@settings(max_examples=100)
@given(st.sampled_from(STATUSES), st.integers(min_value=1, max_value=3), st.integers(min_value=0, max_value=2**32))
def test_module_level_client(status, gets, seed):
    with pytest_bedrock_mock.stub(seed=seed) as stub:
        for _ in range(gets):
            stub.add_get_job(status)
        seen = [CLIENT.get_model_customization_job(jobIdentifier="nightly-ft")["status"] for _ in range(gets)]
    assert seen == [status] * gets
    RAN.append(status)

def test_every_example_ran():
    assert len(RAN) == 100, len(RAN)
'''


def test_the_done_when_a_given_test_drives_a_module_level_client_for_100_examples(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_done_when=DONE_WHEN)
    pytester.makeini("[pytest]\n")  # no profile of ours: Hypothesis' defaults (deadline, health checks), as a user has them
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")  # a fresh interpreter; its Hypothesis directory is new
    result.assert_outcomes(passed=2)
    assert "suppress_health_check" not in DONE_WHEN and "FailedHealthCheck" not in result.stdout.str()


@given(st.sampled_from(get_model().statuses))
def test_stub_inside_given_answers_a_module_level_client(status: str) -> None:
    with pytest_bedrock_mock.stub() as stub:
        jobs = stub.add_job_lifecycle(["InProgress", status])
        seen = [CLIENT.get_model_customization_job(jobIdentifier=jobs[0]["jobArn"])["status"] for _ in jobs]
    assert seen == ["InProgress", status]


def test_stub_gives_the_fixtures_api_and_log() -> None:
    with pytest_bedrock_mock.stub(seed=3) as stub:
        assert isinstance(stub, BedrockStubber)
        arn = stub.add_create_job(jobName="nightly-ft")
        stub.add_get_job("Completed")
        stub.add_list_jobs(statuses=("Failed",))
        stub.add_stop_job()
        stub.add_client_error("get_model_customization_job", "ResourceNotFoundException")
        assert CLIENT.create_model_customization_job(**pytest_bedrock_mock.create_job_request(seed=1, jobName="nightly-ft"))["jobArn"] == arn
        assert CLIENT.get_model_customization_job(jobIdentifier=arn)["jobArn"] == arn
        assert CLIENT.list_model_customization_jobs()["modelCustomizationJobSummaries"][0]["status"] == "Failed"
        CLIENT.stop_model_customization_job(jobIdentifier=arn)
        with pytest.raises(ClientError, match="ResourceNotFoundException"):
            CLIENT.get_model_customization_job(jobIdentifier=arn)
    stub.calls.assert_called_once_with("stop_model_customization_job", jobIdentifier=arn)
    assert stub.calls.operations == ["CreateModelCustomizationJob", "GetModelCustomizationJob", "ListModelCustomizationJobs",
                                     "StopModelCustomizationJob", "GetModelCustomizationJob"]


def test_stub_options_are_the_fixtures() -> None:
    with pytest_bedrock_mock.stub(unordered=True, validate_requests=False) as stub:
        stub.add_get_job("Completed", expected_params={"jobIdentifier": "b"})
        stub.add_get_job("Failed", expected_params={"jobIdentifier": "a"})
        assert CLIENT.get_model_customization_job(jobIdentifier="a")["status"] == "Failed"
        assert CLIENT.get_model_customization_job(jobIdentifier="b")["status"] == "Completed"
    with pytest_bedrock_mock.stub(validate_requests=False) as stub:
        stub.add_create_job()
        CLIENT.create_model_customization_job(**{**pytest_bedrock_mock.create_job_request(seed=1), "jobName": "-bad"})  # not refused
    with pytest_bedrock_mock.stub() as stub, pytest.raises(ClientError, match="ValidationException"):
        CLIENT.create_model_customization_job(**{**pytest_bedrock_mock.create_job_request(seed=1), "jobName": "-bad"})


# -- the end-of-block checks: the fixture's teardown, in one home ------------------------------------------


def test_unused_answers_fail_at_the_end_of_the_block() -> None:
    with pytest.raises(AssertionError, match=r"1 queued bedrock answer\(s\) were never requested:\n  1\. GetModelCustomizationJob -> status Completed \(queued at test_context_managers\.py:\d+\)"):
        with pytest_bedrock_mock.stub() as stub:
            stub.add_get_job("Completed")
    with pytest_bedrock_mock.stub(allow_unused=True) as stub:
        stub.add_get_job("Completed")


def test_a_stubber_never_called_fails_unless_its_calls_were_read() -> None:
    with pytest.raises(AssertionError, match="never called"), pytest_bedrock_mock.stub():
        pass
    with pytest_bedrock_mock.stub() as stub:
        stub.calls.assert_not_called("GetModelCustomizationJob")


def test_a_swallowed_stub_failure_fails_even_with_allow_unused() -> None:
    with pytest.raises(AssertionError, match="bedrock stub failures were raised into the code under test"):
        with pytest_bedrock_mock.stub(allow_unused=True):
            try:
                CLIENT.get_model_customization_job(jobIdentifier="j")  # nothing queued
            except Exception:  # noqa: BLE001 - the code under test swallows it
                pass


def test_a_block_that_raises_gets_its_own_error_only() -> None:
    with pytest.raises(KeyError, match="mine") as info:
        with pytest_bedrock_mock.stub() as stub:
            stub.add_get_job("Completed")  # unused, but the block's own error is the one report
            raise KeyError("mine")
    assert info.value.__context__ is None


def test_leaving_the_block_restores_the_not_mocked_behaviour() -> None:
    assert intercept.active_fake() is None
    with pytest_bedrock_mock.stub() as stub:
        assert intercept.active_fake() is stub
        stub.add_get_job("Completed")
        CLIENT.get_model_customization_job(jobIdentifier="j")
    assert intercept.active_fake() is None
    with pytest.raises(BedrockNotMockedError, match="no pytest-bedrock-mock fake is active"):
        CLIENT.get_model_customization_job(jobIdentifier="j")  # the plugin arms interception for this session
    with pytest.raises(AssertionError, match="never requested"):
        with pytest_bedrock_mock.stub() as stub:
            stub.add_get_job("Completed")
    assert intercept.active_fake() is None  # also after a failed check


def test_a_second_fake_inside_the_block_is_one_fake_conflict_error() -> None:
    with pytest.raises(FakeConflictError) as info:
        with pytest_bedrock_mock.stub() as stub:
            stub.add_get_job("Completed")  # never used: no second report for that
            with pytest_bedrock_mock.simulate():
                pass
    assert "pytest_bedrock_mock.stub() is already active" in str(info.value)
    assert info.value.__context__ is None and intercept.active_fake() is None
    with pytest.raises(FakeConflictError, match=r"pytest_bedrock_mock\.play\(\) cannot answer"), pytest_bedrock_mock.simulate():
        with pytest_bedrock_mock.play(golden="get/status-Failed"):
            pass


def test_beside_the_fixture_stub_is_one_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile('''
        import pytest_bedrock_mock

        def test_both(bedrock_stubber):
            bedrock_stubber.add_get_job("Completed")
            with pytest_bedrock_mock.stub():
                pass
    ''')
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, errors=0)
    result.stdout.fnmatch_lines(["*FakeConflictError: pytest_bedrock_mock.stub() cannot answer bedrock calls: the bedrock_stubber fixture is already active*"])


# -- unittest ---------------------------------------------------------------------------------------------


class _Jobs(unittest.TestCase):
    __test__ = False  # run by the test below, through unittest's own runner

    def test_stubbed(self) -> None:
        with pytest_bedrock_mock.stub() as stub:
            stub.add_get_job("Stopped")
            self.assertEqual(CLIENT.get_model_customization_job(jobIdentifier="j")["status"], "Stopped")

    def test_simulated(self) -> None:
        with pytest_bedrock_mock.simulate() as fake:
            arn = fake.add_job("Failed")
            self.assertEqual(CLIENT.get_model_customization_job(jobIdentifier=arn)["status"], "Failed")

    def test_played(self) -> None:
        with pytest_bedrock_mock.play(golden="get/status-Completed", match_on=["operation"]) as cassette:
            self.assertEqual(CLIENT.get_model_customization_job(jobIdentifier="any")["status"], "Completed")
        self.assertEqual(cassette.unplayed, [])

    def test_fails_once(self) -> None:
        with pytest_bedrock_mock.stub() as stub:
            stub.add_get_job("Completed")  # unused: not reported, the test's own failure is
            self.assertEqual(1, 2)


def test_unittest_test_cases_use_them_with_one_report_per_failure() -> None:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(_Jobs)
    result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
    assert result.testsRun == 4 and result.errors == []
    assert [test.id().rsplit(".", 1)[-1] for test, _ in result.failures] == ["test_fails_once"]
    assert "never requested" not in result.failures[0][1]


# -- simulate() and play() ----------------------------------------------------------------------------------


def test_top_level_names_are_the_fakes_own() -> None:
    from pytest_bedrock_mock.fakes.cassettes.playback import play
    from pytest_bedrock_mock.fakes.stubber import stub

    assert pytest_bedrock_mock.stub is stub and pytest_bedrock_mock.simulate is simulate and pytest_bedrock_mock.play is play
    assert {"stub", "simulate", "play"} <= set(pytest_bedrock_mock.__all__) <= set(dir(pytest_bedrock_mock))
    with pytest.raises(AttributeError, match="has no attribute 'stubb'"):
        pytest_bedrock_mock.stubb  # noqa: B018


def test_importing_the_package_does_not_import_the_fakes() -> None:
    code = "import sys, pytest_bedrock_mock; print(sorted(m for m in sys.modules if m.startswith('pytest_bedrock_mock.fakes')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"


@given(st.integers(min_value=1, max_value=4))
def test_simulate_inside_given(gets: int) -> None:
    from pytest_bedrock_mock.fakes.simulator import AfterGets

    with pytest_bedrock_mock.simulate(policy=AfterGets(gets), clock="virtual") as fake:
        assert isinstance(fake, BedrockSimulator)
        arn = CLIENT.create_model_customization_job(**pytest_bedrock_mock.create_job_request(seed=1))["jobArn"]
        statuses = [CLIENT.get_model_customization_job(jobIdentifier=arn)["status"] for _ in range(gets + 1)]
    assert statuses == ["InProgress"] * gets + ["Completed"]


@given(st.sampled_from(["get/status-Completed", "get/status-Failed", "get/status-Stopped"]))
def test_play_a_golden_cassette_inside_given(name: str) -> None:
    with pytest_bedrock_mock.play(golden=name, match_on=["operation"]) as cassette:
        job = CLIENT.get_model_customization_job(jobIdentifier="any")
    assert job["status"] == name.rsplit("-", 1)[1] and cassette.played == [0]


def test_play_a_cassette_file_and_its_mismatch(tmp_path: Path) -> None:
    path = save(build("get/status-Stopped"), tmp_path / "stopped.yaml")
    with pytest_bedrock_mock.play(path, match_on=["operation", "method"]) as cassette:
        assert CLIENT.get_model_customization_job(jobIdentifier="any")["status"] == "Stopped"
        with pytest.raises(CassetteMismatchError, match=f"no interaction in {path} matches"):
            CLIENT.get_model_customization_job(jobIdentifier="again")  # played once already
        assert cassette.records is False and cassette.calls.operations == ["GetModelCustomizationJob"]
    with pytest_bedrock_mock.play(path) as cassette, pytest.raises(CassetteMismatchError, match="To record the request run with"):
        CLIENT.get_model_customization_job(jobIdentifier="other")
    assert intercept.active_fake() is None


def test_play_takes_a_path_or_a_golden_name(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match=r"no such cassette\. play\(\) only plays back"), pytest_bedrock_mock.play(tmp_path / "missing.yaml"):
        pass
    with pytest.raises(CassetteError, match="exactly one of them"), pytest_bedrock_mock.play():
        pass
    with pytest.raises(CassetteError, match="exactly one of them"), pytest_bedrock_mock.play(tmp_path / "x.yaml", golden="get/status-Failed"):
        pass
    with pytest.raises(CassetteError, match="no golden cassette 'get/status-Paused'; the golden cassettes are: get/status-InProgress"):
        with pytest_bedrock_mock.play(golden="get/status-Paused"):
            pass
    with pytest.raises(CassetteError, match="match_on"), pytest_bedrock_mock.play(golden="get/status-Failed", match_on=["host"]):
        pass
    empty = save(Cassette(), tmp_path / "empty.yaml")
    with pytest_bedrock_mock.play(empty), pytest.raises(CassetteMismatchError, match="the cassette has no interactions"):
        CLIENT.list_model_customization_jobs()


# -- stubbed faults and retries (docs/stubber.md#errors-are-not-retried) ---------------------------------


def test_a_stubbed_throttle_skips_retries_and_the_simulators_is_retried() -> None:
    with pytest_bedrock_mock.stub() as stub:
        stub.add_client_error("get_model_customization_job", "ThrottlingException")
        with pytest.raises(ClientError) as info:
            CLIENT.get_model_customization_job(jobIdentifier="j")
    assert info.value.response["ResponseMetadata"]["RetryAttempts"] == 0 and len(stub.calls) == 1
    with simulate(clock="virtual") as fake:
        arn = fake.add_job("Completed")
        fake.fail_next("ThrottlingException", operation="GetModelCustomizationJob", times=2)
        job = CLIENT.get_model_customization_job(jobIdentifier=arn)
    assert job["ResponseMetadata"]["RetryAttempts"] == 2
    assert [c.error_code for c in fake.calls] == ["ThrottlingException", "ThrottlingException", None]
    assert fake.clock.elapsed > 0  # botocore's back-off slept, on the virtual clock


def test_the_property_based_recipe_is_in_the_docs_and_linked() -> None:
    page = (ROOT / "docs" / "property-based.md").read_text(encoding="utf-8")
    assert "with pytest_bedrock_mock.stub() as stub:" in page and "@given(" in page and "suppress_health_check=" not in page
    assert "(docs/property-based.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
