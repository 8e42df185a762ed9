"""The pytest side: marker, fixture, option, ini, precedence, record/replay runs, xdist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _cassette_server import running

from pytest_bedrock_mock.fakes.cassettes import RECORD_MODES, CassetteConfigError, RedactionRule, load
from pytest_bedrock_mock.fakes.cassettes.lint import lint_file
from pytest_bedrock_mock.fakes.cassettes.options import (
    cassette_path,
    check_match_on,
    check_on_drift,
    check_placeholder_account,
    check_record_mode,
    check_redact,
)

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "cassettes"
PLUGIN = ("-p", "pytest_bedrock_mock.plugin.cassette")
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def test_cassette_paths_are_relative_to_the_cassette_dir_with_a_yaml_suffix() -> None:
    assert cassette_path("sub/name", Path("/c"), Path("t.yaml")) == Path("/c/sub/name.yaml")
    assert cassette_path(None, Path("/c"), Path("t.yaml")) == Path("/c/t.yaml")
    assert cassette_path("/abs/x.json", Path("/c"), Path("t.yaml")) == Path("/abs/x.json")


@pytest.mark.parametrize(("check", "value", "message"), [
    (check_record_mode, "sometimes", "record mode 'sometimes' is not one of none, once, new_episodes, all"),
    (check_match_on, ["operation", "headers"], "match_on ['headers'] unknown"),
    (check_redact, ["("], "is not a regular expression"),
    (check_redact, [1], "redact takes patterns"),
    (check_placeholder_account, "12345", "placeholder_account must be 12 digits"),
    (check_on_drift, "shout", "on_drift must be one of error, warn, ignore"),
])
def test_bad_values_are_clear_errors(check: Any, value: Any, message: str) -> None:
    with pytest.raises(CassetteConfigError) as info:
        check(value)
    assert message in str(info.value)


def test_values_are_normalised() -> None:
    assert check_match_on("body") == ("body",)
    assert check_redact([("team-[a-z]+", "team-x"), "secret"]) == (RedactionRule("team-[a-z]+", "team-x"), RedactionRule("secret"))


def test_marker_path_golden_and_the_offline_guarantee(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    pytester.makepyfile(test_paths='''
import pytest

@pytest.mark.bedrock_cassette("sub/name", allow_playback_repeats=True)
def test_positional_path(bedrock_cassette):
    assert bedrock_cassette.path.parts[-3:] == ("test_paths", "sub", "name.yaml")
    assert bedrock_cassette.options.allow_playback_repeats is True

@pytest.mark.bedrock_cassette(golden="get/status-Failed", record_mode="all")
def test_golden_is_only_played_back(bedrock_cassette):
    assert bedrock_cassette.mode == "none"

@pytest.mark.bedrock_cassette(record_mode="new_episodes")
def test_marker_cannot_record_in_an_offline_session(bedrock_cassette):
    assert bedrock_cassette.mode == "none"
''')
    pytester.runpytest_inprocess(*PLUGIN, "--bedrock-record-mode=none").assert_outcomes(passed=3)


def test_help_and_markers_are_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess(*PLUGIN, "--help")
    result.stdout.fnmatch_lines(["*--bedrock-record-mode=*", "*bedrock_record_mode*", "*bedrock_cassette_dir*"])
    assert "{" + ",".join(RECORD_MODES) + "}" in result.stdout.str()
    result = pytester.runpytest_inprocess(*PLUGIN, "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.bedrock_cassette(path=None, *, record_mode=None*"])


TEST_MODULE = '''
import botocore.session
import pytest
from botocore.config import Config

def client():
    return botocore.session.get_session().create_client(
        "bedrock", region_name="us-east-1", endpoint_url="{url}", aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={{"total_max_attempts": 1}}))

REQUEST = dict(jobName="plugin-job", customModelName="plugin-model", roleArn="arn:aws:iam::123456789012:role/R",
               baseModelIdentifier="amazon.titan-text-express-v1:0:8k", trainingDataConfig={{"s3Uri": "s3://amzn-s3-demo-bucket/t.jsonl"}},
               outputDataConfig={{"s3Uri": "s3://amzn-s3-demo-bucket/out/"}})

@pytest.mark.bedrock_cassette
def test_job():
    c = client()
    arn = c.create_model_customization_job(**REQUEST)["jobArn"]
    assert [c.get_model_customization_job(jobIdentifier=arn)["status"] for _ in range(3)] == ["InProgress", "InProgress", "Completed"]

def test_fixture(bedrock_cassette):
    assert client().list_model_customization_jobs()["modelCustomizationJobSummaries"] is not None
    assert bedrock_cassette.path.name == "test_fixture.yaml"

@pytest.mark.bedrock_cassette(record_mode="{failing_mode}")
def test_failing():
    client().list_model_customization_jobs(maxResults=7)
    assert False, "the test fails after recording"
'''


def test_record_then_replay_offline_with_the_marker(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with running() as server:
        pytester.makepyfile(test_jobs=TEST_MODULE.format(url=server.url, failing_mode="all"))
        result = pytester.runpytest_inprocess(*PLUGIN, "--bedrock-record-mode=once")
        result.assert_outcomes(passed=2, failed=1)
        recorded = len(server.state.requests)
    folder = pytester.path / "cassettes" / "bedrock" / "test_jobs"
    # the failing test wrote no cassette, only its unfinished recording beside it, and said so
    assert sorted(p.name for p in folder.iterdir()) == ["test_failing.yaml.partial", "test_fixture.yaml", "test_job.yaml"]
    result.stdout.fnmatch_lines(["*test_failing failed: its recording was not saved and *test_failing.yaml is unchanged; the 1 interaction(s)*"
                                 "test_failing.yaml.partial*"])
    assert len(load(folder / "test_job.yaml").interactions) == 4 and recorded == 6
    assert all(lint_file(p) == [] for p in folder.glob("*.yaml"))

    import socket

    def refuse(*_a: object) -> None:
        raise OSError("network blocked")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("CI", "true")
    result = pytester.runpytest_inprocess(*PLUGIN, "-k", "not failing")
    result.assert_outcomes(passed=2)
    pytester.makepyfile(test_jobs=TEST_MODULE.format(url=server.url, failing_mode="none").replace("range(3)", "range(4)"))
    result = pytester.runpytest_inprocess(*PLUGIN, "test_jobs.py::test_job")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CassetteMismatchError: no interaction in *test_job.yaml matches this bedrock request (record mode 'none')*",
                                 "*interaction 3 matches but was already played*"])


def test_ini_options_fixture_config_and_usage_errors(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nbedrock_cassette_dir = recorded\nbedrock_record_mode = none\n")
    pytester.makeconftest("import pytest\n@pytest.fixture\ndef bedrock_cassette_config():\n    return {'allow_playback_repeats': True}\n")
    arn = json.loads(load(GOLDEN / "get" / "status-Failed.yaml").interactions[0].response.body)["jobArn"]
    pytester.makepyfile(test_cfg='''
import pytest

def test_options(bedrock_cassette):
    assert bedrock_cassette.mode == "none"
    assert bedrock_cassette.options.allow_playback_repeats is True
    assert bedrock_cassette.path.parts[-3:] == ("recorded", "test_cfg", "test_options.yaml")

@pytest.mark.bedrock_cassette(recrd_mode="all")
def test_typo():
    pass

@pytest.mark.bedrock_cassette(golden="get/status-Failed")
def test_golden():
    import botocore.session
    c = botocore.session.get_session().create_client("bedrock", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    job = c.get_model_customization_job(
        jobIdentifier="ARN")
    assert job["status"] == "Failed" and job["failureMessage"]
'''.replace("ARN", arn))
    result = pytester.runpytest_inprocess(*PLUGIN)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*test_typo*unknown option(s) recrd_mode; valid options:*"])


def test_parallel_workers_write_their_own_files(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    with running() as server:
        body = TEST_MODULE.format(url=server.url, failing_mode="all").split("@pytest.mark.bedrock_cassette\n")[0]
        tests = "".join(f"\n@pytest.mark.bedrock_cassette\ndef test_{i}():\n    client().list_model_customization_jobs(maxResults={i + 1})\n" for i in range(4))
        pytester.makepyfile(test_par=body + tests)
        result = pytester.runpytest_subprocess(*PLUGIN, "-n", "2", "--bedrock-record-mode=all", "-p", "no:cacheprovider")
        result.assert_outcomes(passed=4)
    folder = pytester.path / "cassettes" / "bedrock" / "test_par"
    files = sorted(folder.iterdir())
    assert [p.name for p in files] == [f"test_{i}.yaml" for i in range(4)]
    assert [load(p).interactions[0].request.query for p in files] == [{"maxResults": [str(i + 1)]} for i in range(4)]
