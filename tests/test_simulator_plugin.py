"""The pytest wiring of the simulator, loaded as users load it (pytester)."""

from __future__ import annotations

import pytest

PLUGIN = ("-p", "pytest_bedrock_mock.plugin.fake")


def test_bedrock_fake_fixture_answers_clients_created_anywhere(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        from pytest_bedrock_mock import builders

        CLIENT = boto3.client("bedrock", region_name="us-east-1")  # created before the fake exists

        def poll(arn):
            while True:
                job = CLIENT.get_model_customization_job(jobIdentifier=arn)
                if job["status"] != "InProgress":
                    return job

        def test_poll_loop_finishes(bedrock_fake):
            arn = CLIENT.create_model_customization_job(**builders.create_job_request(seed=1))["jobArn"]
            assert poll(arn)["status"] == "Completed"
            assert [c.operation for c in bedrock_fake.calls].count("GetModelCustomizationJob") == 4
        """
    )
    pytester.runpytest(*PLUGIN).assert_outcomes(passed=1)


def test_marker_options_resolve_broad_to_narrow_over_the_options_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def bedrock_fake_options():
            return {"duplicate_name_error": None, "default_max_results": 7}
        """
    )
    pytester.makepyfile(
        """
        import pytest
        from pytest_bedrock_mock.fakes.simulator import AfterGets, Manual

        pytestmark = pytest.mark.bedrock_fake(policy=Manual(), clock="virtual")

        def test_module_level(bedrock_fake):
            assert repr(bedrock_fake.config.policy) == "Manual()"
            assert bedrock_fake.config.duplicate_name_error is None and bedrock_fake.config.default_max_results == 7
            assert bedrock_fake.clock.elapsed == 0

        @pytest.mark.bedrock_fake(policy=AfterGets(9), default_max_results=3)
        def test_function_level_wins(bedrock_fake):
            assert bedrock_fake.config.policy.in_progress == 9 and bedrock_fake.config.default_max_results == 3
            import time
            time.sleep(3600)  # the virtual clock from the module marker
            assert bedrock_fake.clock.elapsed == 3600
        """
    )
    pytester.runpytest(*PLUGIN).assert_outcomes(passed=2)


def test_a_misspelt_option_is_an_error_listing_the_valid_ones(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.bedrock_fake(polcy=None)
        def test_typo(bedrock_fake):
            pass
        """
    )
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.bedrock_fake: unknown option(s) polcy; valid options: account, policy, faults*"])


def test_level_option_and_help(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_level(bedrock_fake):
            assert bedrock_fake.config.level == "wire"
        """
    )
    pytester.runpytest(*PLUGIN, "--bedrock-fake-level", "wire").assert_outcomes(passed=1)
    help_text = pytester.runpytest(*PLUGIN, "--help")
    help_text.stdout.fnmatch_lines(["*bedrock-mock*", "*--bedrock-fake-level*"])
    markers = pytester.runpytest(*PLUGIN, "--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.bedrock_fake(**options)*"])


def test_bedrock_server_fixture_is_reset_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from pytest_bedrock_mock import builders

        def test_one(bedrock_server):
            client = bedrock_server.client()
            client.create_model_customization_job(**builders.create_job_request(seed=1))
            assert len(client.list_model_customization_jobs()["modelCustomizationJobSummaries"]) == 1
            assert bedrock_server.url.startswith("http://127.0.0.1:")

        def test_two(bedrock_server):
            import boto3
            client = boto3.client("bedrock", region_name="us-east-1", endpoint_url=bedrock_server.url,
                                  aws_access_key_id="testing", aws_secret_access_key="testing")
            assert client.list_model_customization_jobs()["modelCustomizationJobSummaries"] == []
        """
    )
    pytester.runpytest(*PLUGIN).assert_outcomes(passed=2)


def test_bedrock_server_options_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from pytest_bedrock_mock.fakes.simulator import Manual

        @pytest.fixture(scope="session")
        def bedrock_server_options():
            return {"policy": Manual()}
        """
    )
    pytester.makepyfile(
        """
        def test_manual(bedrock_server):
            arn = bedrock_server.simulator.add_job(seed=1)
            client = bedrock_server.client()
            assert [client.get_model_customization_job(jobIdentifier=arn)["status"] for _ in range(5)] == ["InProgress"] * 5
        """
    )
    pytester.runpytest(*PLUGIN).assert_outcomes(passed=1)
