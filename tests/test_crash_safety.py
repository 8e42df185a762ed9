"""Recordings are never lost: Ctrl+C, failures, parallel workers, reruns, the default mode and the old folder.

The Ctrl+C and parallel-worker tests run real pytest processes recording against a real HTTP
server on 127.0.0.1 (``_cassette_server``); the SIGINT is a real signal.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _cassette_server import running

from pytest_bedrock_mock.fakes.cassettes import CassetteError, CassetteOptions, CassetteSession, load
from pytest_bedrock_mock.fakes.cassettes.golden import build
from pytest_bedrock_mock.fakes.cassettes.lock import cassette_lock
from pytest_bedrock_mock.fakes.cassettes.storage import dumps

pytestmark = [pytest.mark.filterwarnings("ignore::ResourceWarning"), pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]
PLUGIN = ("-p", "pytest_bedrock_mock.plugin.cassette")
#: Generous bounds for the other processes (a loaded 2-core machine): they are not timing assertions.
WAIT = 120.0

CLIENT = '''
import pathlib, time
import botocore.session
import pytest
from botocore.config import Config

def client():
    return botocore.session.get_session().create_client(
        "bedrock", region_name="us-east-1", endpoint_url="{url}", aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={{"total_max_attempts": 1}}))

def wait_for(name):
    deadline = time.monotonic() + {wait}
    while not pathlib.Path(name).exists():
        assert time.monotonic() < deadline, f"{{name}} never appeared"
        time.sleep(0.02)
'''


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER")}
    return {**env, "PYTHONDONTWRITEBYTECODE": "1"}


def _pytest(cwd: Path, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:faker", "-q", *args]
    return subprocess.Popen(command, cwd=cwd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        if proc.poll() is not None:
            pytest.fail(f"the pytest process ended early:\n{proc.communicate()}")
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.02)


def test_sigint_while_recording_leaves_the_previous_cassette_byte_identical(tmp_path: Path) -> None:
    folder = tmp_path / "cassettes" / "bedrock" / "test_rec"
    folder.mkdir(parents=True)
    cassette = folder / "test_slow.yaml"
    cassette.write_text(dumps(build("get/status-Completed")))
    before = cassette.read_bytes()
    with running() as server:
        (tmp_path / "test_rec.py").write_text(CLIENT.format(url=server.url, wait=WAIT) + '''
@pytest.mark.bedrock_cassette
def test_slow():
    client().list_model_customization_jobs(maxResults=3)   # recorded
    pathlib.Path("recording").touch()
    time.sleep(600)                                          # Ctrl+C arrives here
''')
        proc = _pytest(tmp_path, "--bedrock-record-mode=all", "test_rec.py")
        _wait_for(tmp_path / "recording", proc)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 2, out + err  # pytest's "interrupted"
    assert cassette.read_bytes() == before
    partial = folder / "test_slow.yaml.partial"
    assert [i.request.query for i in load(partial).interactions] == [{"maxResults": ["3"]}]
    assert f"was interrupted: its recording was not saved and {cassette} is unchanged" in err and str(partial) in err
    assert sorted(p.name for p in folder.iterdir()) == ["test_slow.yaml", "test_slow.yaml.partial"]  # no lock or temp file left


def test_two_workers_recording_one_cassette_lose_nothing(tmp_path: Path) -> None:
    """Both start before either writes (a barrier of marker files); the lock and the merge keep both recordings."""
    with running() as server:
        tests = "".join(f'''
@pytest.mark.bedrock_cassette("shared.yaml")
def test_{me}():
    client().list_model_customization_jobs(maxResults={n})
    pathlib.Path("{me}.recorded").touch()
    wait_for("{other}.recorded")
''' for me, other, n in (("a", "b", 1), ("b", "a", 2)))
        (tmp_path / "test_shared.py").write_text(CLIENT.format(url=server.url, wait=WAIT) + tests)
        workers = [_pytest(tmp_path, "--bedrock-record-mode=once", f"test_shared.py::test_{name}") for name in "ab"]
        results = [w.communicate(timeout=WAIT) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], results
    folder = tmp_path / "cassettes" / "bedrock" / "test_shared"
    queries = sorted(i.request.query["maxResults"][0] for i in load(folder / "shared.yaml").interactions)
    assert queries == ["1", "2"]
    assert sorted(p.name for p in folder.iterdir()) == ["shared.yaml"]


def test_a_rerun_records_the_final_attempt(pytester: pytest.Pytester) -> None:
    pytest.importorskip("pytest_rerunfailures")
    with running() as server:
        pytester.makepyfile(test_flaky=CLIENT.format(url=server.url, wait=WAIT) + '''
ATTEMPTS = pathlib.Path("attempts")

@pytest.mark.bedrock_cassette
def test_flaky():
    n = len(ATTEMPTS.read_text()) if ATTEMPTS.exists() else 0
    ATTEMPTS.write_text("x" * (n + 1))
    client().list_model_customization_jobs(maxResults=n + 1)
    assert n >= 1, "the first attempt fails"
''')
        result = pytester.runpytest_inprocess(*PLUGIN, "--reruns=2", "--bedrock-record-mode=once")
    assert result.parseoutcomes() == {"passed": 1, "rerun": 1, "warnings": 1}  # the warning names the failed attempt's .partial
    folder = pytester.path / "cassettes" / "bedrock" / "test_flaky"
    assert [i.request.query for i in load(folder / "test_flaky.yaml").interactions] == [{"maxResults": ["2"]}]
    assert not (folder / "test_flaky.yaml.partial").exists()  # the completed recording superseded the failed attempt's


def test_a_held_lock_is_waited_for_then_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    session = CassetteSession(CassetteOptions(path=path, record_mode="all"), lock_timeout=0.3)
    session.recorded.append(build("get/status-Completed").interactions[0])
    with cassette_lock(path), pytest.raises(CassetteError) as info:
        session.save()
    assert str(info.value).startswith(f"could not lock {path}.lock within 0.3 s: process {os.getpid()} is writing the same cassette.")
    assert not path.exists()
    assert session.save() == path and len(load(path).interactions) == 1  # released: the next save goes through
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]


def test_a_failed_test_keeps_the_old_cassette_and_says_where_the_recording_is(pytester: pytest.Pytester) -> None:
    folder = pytester.path / "cassettes" / "bedrock" / "test_fails"
    folder.mkdir(parents=True)
    old = dumps(build("get/status-Completed"))
    (folder / "test_fails.yaml").write_text(old)
    with running() as server:
        pytester.makepyfile(test_fails=CLIENT.format(url=server.url, wait=WAIT) + '''
@pytest.mark.bedrock_cassette
def test_fails():
    client().list_model_customization_jobs(maxResults=4)
    raise RuntimeError("the code under test broke")
''')
        result = pytester.runpytest_inprocess(*PLUGIN, "--bedrock-record-mode=all")
    result.assert_outcomes(failed=1)
    assert (folder / "test_fails.yaml").read_text() == old
    result.stdout.fnmatch_lines(["*test_fails failed: its recording was not saved and *test_fails.yaml is unchanged*test_fails.yaml.partial*"])


def test_the_default_mode_is_none_and_a_missing_cassette_is_one_error(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    pytester.makepyfile(test_new=CLIENT.format(url="http://127.0.0.1:9", wait=WAIT) + '''
@pytest.mark.bedrock_cassette
def test_new(bedrock_cassette):
    assert bedrock_cassette.mode == "none" and not bedrock_cassette.records
    client().get_model_customization_job(jobIdentifier="nightly-ft")
''')
    result = pytester.runpytest_inprocess(*PLUGIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*CassetteMismatchError: *cassettes/bedrock/test_new/test_new.yaml: no such cassette, and the record mode is 'none', "
        "so this bedrock request was neither played back nor sent.",
        "*request: GetModelCustomizationJob: GET /model-customization-jobs/nightly-ft",
        "*Record the cassette: run the test once with --bedrock-record-mode=once*",
    ])
    assert not (pytester.path / "cassettes").exists()


def test_a_cassette_at_the_old_default_place_still_plays_with_a_deprecation_warning(pytester: pytest.Pytester) -> None:
    old_place = pytester.path / "cassettes" / "test_moved"
    old_place.mkdir(parents=True)
    golden = build("get/status-Completed")
    (old_place / "test_ours.yaml").write_text(dumps(golden))
    (old_place / "test_theirs.yaml").write_text("interactions:\n- request: {method: GET, uri: 'https://example.com/'}\nversion: 1\n")  # vcrpy's
    arn = golden.interactions[0].request.path.rsplit("/", 1)[-1]
    pytester.makepyfile(test_moved=CLIENT.format(url="https://bedrock.us-east-1.amazonaws.com", wait=WAIT) + f'''
from urllib.parse import unquote

@pytest.mark.bedrock_cassette
def test_ours():
    assert client().get_model_customization_job(jobIdentifier=unquote("{arn}"))["status"] == "Completed"

@pytest.mark.bedrock_cassette
def test_theirs():
    with pytest.raises(Exception, match="no such cassette"):   # pytest-recording's file is not ours to read
        client().list_model_customization_jobs()
''')
    result = pytester.runpytest_inprocess(*PLUGIN, "-W", "always::DeprecationWarning")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*DeprecationWarning: *test_ours.yaml: cassettes of pytest-bedrock-mock now live in *cassettes/bedrock/test_moved *"
                                 "git mv *cassettes/test_moved/test_ours.yaml *cassettes/bedrock/test_moved/test_ours.yaml*"])
    assert "test_theirs.yaml: cassettes of" not in result.stdout.str()
