"""Bad cassettes get one clear error: through the loader, the ``bedrock_cassette`` fixture and ``bedrock-mock cassettes lint``.

Each row is one bad input a user can plausibly meet; every path ends in ONE message that names
the file (and the field or line where it applies) and what to do, never a traceback.

``READ`` rows are files playback or lint reads; ``WRITE`` rows are places a recording cannot be
written to. Rows that need file permissions use real modes; a root user ignores modes, so there
the same ``PermissionError`` is raised for that one path by a patched ``open`` (the code under
test sees the same exception either way).
"""

from __future__ import annotations

import builtins
import codecs
import errno
import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from _cassette_server import running

from pytest_bedrock_mock.cli import main
from pytest_bedrock_mock.fakes.cassettes import CassetteError, CassetteOptions, CassetteSession
from pytest_bedrock_mock.fakes.cassettes.golden import build
from pytest_bedrock_mock.fakes.cassettes.storage import MAX_BYTES, dumps

pytestmark = [pytest.mark.filterwarnings("ignore::ResourceWarning"), pytest.mark.skipif(sys.platform == "win32", reason="POSIX files")]
PLUGIN = ("-p", "pytest_bedrock_mock.plugin.cassette")
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
GOOD = dumps(build("poll/fine-tuning-completed"))  # four interactions

Setup = Callable[[Path], Path]


def _data() -> Any:
    return yaml.safe_load(GOOD)


def _text(name: str, text: str) -> Setup:
    def setup(tmp: Path) -> Path:
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        return path

    return setup


def _bytes(name: str, data: bytes) -> Setup:
    def setup(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path

    return setup


def _edit(change: Callable[[Any], Any], name: str = "edited.yaml") -> Setup:
    """The good cassette, changed by ``change`` (which edits the document in place or returns a new one)."""
    data = _data()
    data = change(data) or data
    return _text(name, yaml.safe_dump(data, sort_keys=False))


def _set(path: str, value: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        *parents, last = path.split(".")
        node = data
        for step in parents:
            node = node[int(step)] if step.isdigit() else node[step]
        node[int(last) if last.isdigit() else last] = value

    return change


def _drop(path: str) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        *parents, last = path.split(".")
        node = data
        for step in parents:
            node = node[int(step)] if step.isdigit() else node[step]
        del node[last]

    return change


def _symlink_loop(tmp: Path) -> Path:
    path = tmp / "loop.yaml"
    os.symlink(tmp / "loop2.yaml", path)
    os.symlink(path, tmp / "loop2.yaml")
    return path


def _dangling(tmp: Path) -> Path:
    path = tmp / "dangling.yaml"
    os.symlink(tmp / "moved-away.yaml", path)
    return path


def _folder(tmp: Path) -> Path:
    path = tmp / "folder.yaml"
    path.mkdir()
    return path


def _fifo(tmp: Path) -> Path:
    path = tmp / "pipe.yaml"
    os.mkfifo(path)
    return path


def _huge(tmp: Path) -> Path:
    path = tmp / "huge.yaml"
    with open(path, "wb") as handle:  # sparse: no disk space, no time
        handle.truncate(MAX_BYTES + 1)
    return path


def _unreadable(tmp: Path) -> Path:
    path = tmp / "unreadable.yaml"
    path.write_text(GOOD)
    path.chmod(0)
    return path


def _deep_block(depth: int) -> str:
    lines = ["format: pytest-bedrock-mock-cassette", "version: 1", "interactions:", "- operation: GetModelCustomizationJob", "  request:",
             "    method: GET", "    path: /x", "    body:"]
    lines += [" " * (6 + 2 * i) + f"k{i}:" for i in range(depth)]
    return "\n".join(lines) + "\n" + " " * (6 + 2 * depth) + "v\n"


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def _cut(fraction: float) -> str:
    return GOOD[: int(len(GOOD) * fraction)]


#: name: (setup, what the one message must say besides the file's name)
READ: dict[str, tuple[Setup, str]] = {
    "empty file": (_text("empty.yaml", ""), "the file is empty; delete it and record the cassette again"),
    "only a comment": (_text("comment.yaml", "# nothing here\n"), "the file is empty"),
    "UTF-8 BOM and nothing else": (_bytes("bom.yaml", codecs.BOM_UTF8), "the file is empty"),
    "truncated mid-interaction": (_text("cut.yaml", _cut(0.5)), "interaction"),
    "truncated before the closing count": (_text("nocount.yaml", GOOD.rsplit("interaction_count", 1)[0]), "closing 'interaction_count' line is missing"),
    "interaction_count disagrees": (_edit(_set("interaction_count", 7)), "'interaction_count' says 7 but the file has 4 interaction(s)"),
    "top level is a list": (_text("list.yaml", "- a\n- b\n"), "expected a mapping with 'format', 'version' and 'interactions', found list"),
    "top level is a string": (_text("str.yaml", "just some words\n"), "found str"),
    "top level is a number": (_text("num.yaml", "42\n"), "found int"),
    "another format": (_edit(_set("format", "something-else")), "not a pytest-bedrock-mock cassette: 'format' is 'something-else'"),
    "a vcrpy cassette": (_text("vcr.yaml", "interactions:\n- request: {method: GET, uri: 'https://example.com/'}\nversion: 1\n"),
                         "not a pytest-bedrock-mock cassette: 'format' is None"),
    "a newer format version": (_edit(_set("version", 2)), "written in cassette format version 2, but this pytest-bedrock-mock reads versions up to 1; upgrade"),
    "version as a string": (_edit(_set("version", "1")), "(version): 1 was expected"),
    "version 0": (_edit(_set("version", 0)), "(version): 1 was expected"),
    "interactions is a mapping": (_edit(lambda d: {**d, "interactions": {"a": 1}, "interaction_count": 0}), "(interactions): {'a': 1} is not of type 'array'"),
    "an interaction is a string": (_edit(_set("interactions.2", "oops")), "interaction 2: 'oops' is not of type 'object'"),
    "operation missing": (_edit(_drop("interactions.1.operation")), "interaction 1: 'operation' is a required property"),
    "operation is a list": (_edit(_set("interactions.0.operation", ["Get"])), "interaction 0 (operation): ['Get'] is not of type 'string'"),
    "request is a list": (_edit(_set("interactions.0.request", [])), "interaction 0 (request): [] is not of type 'object'"),
    "unknown HTTP method": (_edit(_set("interactions.1.request.method", "FETCH")), "interaction 1 (request.method): 'FETCH' is not one of"),
    "path without a leading slash": (_edit(_set("interactions.1.request.path", "jobs")), "interaction 1 (request.path): 'jobs' does not match '^/'"),
    "query values not lists": (_edit(_set("interactions.1.request.query", {"maxResults": 3})), "interaction 1 (request.query.maxResults): 3 is not of type 'array'"),
    "status is a string": (_edit(_set("interactions.3.response.status", "200")), "interaction 3 (response.status): '200' is not of type 'integer'"),
    "status out of range": (_edit(_set("interactions.3.response.status", 999)), "interaction 3 (response.status): 999 is greater than the maximum of 599"),
    "headers is a list": (_edit(_set("interactions.0.response.headers", ["a"])), "interaction 0 (response.headers): ['a'] is not of type 'object'"),
    "a header value is a number": (_edit(_set("interactions.0.response.headers.Content-Length", 12)), "(response.headers.Content-Length): 12 is not of type 'string'"),
    "unknown body encoding": (_edit(_set("interactions.0.response.body_encoding", "gzip")), "interaction 0 (response.body_encoding): 'gzip' is not one of"),
    "base64 body that is not base64": (_edit(lambda d: d["interactions"][0]["response"].update(body_encoding="base64", body="@@@")),
                                       "interaction 0 (response.body): response body is not valid base64"),
    "text body that is not a string": (_edit(lambda d: d["interactions"][0]["response"].update(body_encoding="text", body=[1])),
                                       "interaction 0 (response.body): [1] is not of type 'string'"),
    "unknown top-level field": (_edit(_set("recorded_by", "me")), "Additional properties are not allowed ('recorded_by' was unexpected)"),
    "unknown interaction field": (_edit(_set("interactions.0.note", "x")), "interaction 0: Additional properties are not allowed ('note' was unexpected)"),
    "YAML syntax error": (_text("syntax.yaml", GOOD.replace("status: 200", "status: [200", 1)), "not valid YAML at line"),
    "a tab for indentation": (_text("tabs.yaml", GOOD.replace("\n  request:", "\n\trequest:", 1)), "not valid YAML at line"),
    "a Python object tag": (_text("tag.yaml", "!!python/object/apply:os.system ['true']\n"), "not valid YAML at line 1"),
    "a YAML date where a string belongs": (_text("date.yaml", GOOD.replace("operation: CreateModelCustomizationJob", "operation: 2024-01-01", 1)),
                                           "interactions[0].operation is a YAML date (datetime.date(2024, 1, 1)); a cassette holds JSON values only: quote it"),
    "NaN where a number belongs": (_text("nan.yaml", GOOD.replace("status: 201", "status: .nan", 1)), "interactions[0].response.status is nan, which JSON cannot carry"),
    "a key that is not a string": (_text("intkey.yaml", GOOD.replace("Content-Type: application/json", "1: application/json", 1)),
                                   "the key 1 under interactions[0].response.headers is a int; keys must be strings (quote it)"),
    "flow nesting 900 deep": (_text("deep900.yaml", "interactions: " + "[" * 900 + "]" * 900 + "\n"), "nested too deeply to be a cassette"),
    "block nesting 150 deep": (_text("deep150.yaml", _deep_block(150)), "nested more than 100 levels deep (under interactions[0].request.body"),
    "JSON nested 5000 deep": (_text("deep.json", '{"interactions": ' + "[" * 5000 + "]" * 5000 + "}"), "nested too deeply to be a cassette"),
    "a YAML alias bomb": (_text("laughs.yaml", _alias_bomb()), "expands to more values than it has characters (YAML aliases"),
    "binary garbage": (_bytes("garbage.yaml", bytes(range(256)) * 4), "binary data (a NUL byte at offset 0), not a YAML cassette"),
    "not UTF-8": (_bytes("latin1.yaml", GOOD.replace("InProgress", "InProgr\xe8s", 1).encode("latin-1")), "not UTF-8 text (byte 0xe8 at offset"),
    "UTF-16 with its BOM": (_bytes("utf16.yaml", GOOD.encode("utf-16")), "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"),
    "symbolic link loop": (_symlink_loop, "a symbolic link loop (the links point at each other); remove the link"),
    "dangling symbolic link": (_dangling, "moved-away.yaml, which does not exist; fix or remove the link"),
    "a folder where the file should be": (_folder, "a folder, not a cassette file; name a .yaml file"),
    "a named pipe": (_fifo, "not a regular file (a device, pipe or socket)"),
    "unreadable file": (_unreadable, "cannot read the file: permission denied; make it readable (chmod u+r)"),
    "huge file": (_huge, f"{MAX_BYTES + 1} bytes, over the 64 MiB a cassette may have"),
}


def _read_only_folder(tmp: Path) -> Path:
    folder = tmp / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    return folder / "rec.yaml"


def _file_as_folder(tmp: Path) -> Path:
    (tmp / "plain").write_text("a file, not a folder")
    return tmp / "plain" / "rec.yaml"


WRITE: dict[str, tuple[Setup, str]] = {
    "read-only folder when recording": (_read_only_folder, "cannot create the lock file {path}.lock: Permission denied; make its folder writable"),
    "a folder where the recording should go": (_folder, "cannot write the cassette {path}: a folder of that name is in the way; remove it"),
    "a file where the folder should be": (_file_as_folder, "cannot write the cassette {path}: {parent} is a file, not a folder; remove it"),
}


@pytest.fixture
def deny(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], None]]:
    """Under root, make one path refuse reads and writes with EACCES, as modes do for everybody else."""
    denied: list[str] = []

    def check(file: Any) -> None:
        if isinstance(file, (str, os.PathLike)) and any(os.fspath(file).startswith(d) for d in denied):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(file))

    if ROOT:
        real_open, real_os_open = io.open, os.open

        def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
            check(file)
            return real_open(file, *args, **kwargs)

        def fake_os_open(path: Any, *args: Any, **kwargs: Any) -> int:
            check(path)
            return real_os_open(path, *args, **kwargs)

        monkeypatch.setattr(io, "open", fake_open)
        monkeypatch.setattr(builtins, "open", fake_open)
        monkeypatch.setattr(os, "open", fake_os_open)
    yield lambda path: denied.append(os.fspath(path)) if ROOT else None


def _lint_form(message: str) -> str:
    """A row's message as lint prints it: ``interaction 2: format: field: what`` for the loader's ``interaction 2 (field): what``."""
    match = re.fullmatch(r"(?:interaction (\d+))? ?(?:\(([^)]*)\))?: (.*)", message)
    if match is None or not (match.group(1) or match.group(2)):
        return message
    index, field, what = match.groups()
    return (f"interaction {index}: " if index else "") + "format: " + (f"{field}: " if field else "") + what


def _make(tmp: Path, setup: Setup, deny: Callable[[Path], None]) -> Path:
    path = setup(tmp)
    if setup in (_unreadable,):
        deny(path)
    if setup is _read_only_folder:
        deny(path.parent)
    return path


def _clean(tmp: Path) -> None:
    for folder, dirs, _files in os.walk(tmp):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o755)
    for path in tmp.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(0o644)


@pytest.mark.parametrize("row", sorted(READ))
def test_playback_of_a_bad_cassette_is_one_clear_error(row: str, tmp_path: Path, deny: Callable[[Path], None]) -> None:
    setup, message = READ[row]
    path = _make(tmp_path, setup, deny)
    with pytest.raises(CassetteError) as info:
        CassetteSession(CassetteOptions(path=path, record_mode="none"))  # what the fixture does
    text = str(info.value)
    assert text.startswith(str(path)) and message in text and text.endswith("(docs/cassettes.md)")
    _clean(tmp_path)


@pytest.mark.parametrize("row", sorted(READ))
def test_lint_of_a_bad_cassette_is_one_clear_finding(row: str, tmp_path: Path, deny: Callable[[Path], None], capsys: pytest.CaptureFixture[str]) -> None:
    setup, message = READ[row]
    path = _make(tmp_path, setup, deny)
    assert main(["cassettes", "lint", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if setup is _folder:  # lint searches a folder it is given, whatever its name
        assert err.startswith(f"bedrock-mock cassettes lint: no cassette file (*.yaml, *.yml, *.json) under {path}: nothing was checked") and out == ""
        return
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}: ") and _lint_form(message) in lines[0], out + err
    assert lines[-1] == "1 problem(s) in 1 of 1 cassette file(s)" and len(lines) == 2
    assert "Traceback" not in out + err
    _clean(tmp_path)


@pytest.mark.parametrize("row", sorted(WRITE))
def test_a_recording_that_cannot_be_written_is_one_clear_error(row: str, tmp_path: Path, deny: Callable[[Path], None]) -> None:
    setup, message = WRITE[row]
    path = _make(tmp_path, setup, deny)
    session = CassetteSession(CassetteOptions(path=path, record_mode="all"))
    session.recorded.append(build("get/status-Completed").interactions[0])
    with pytest.raises(CassetteError) as info:
        session.save()
    assert message.format(path=path, parent=path.parent) in str(info.value)
    _clean(tmp_path)


def test_the_fixture_fails_each_test_with_its_one_message(pytester: pytest.Pytester, deny: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row at once through the ``bedrock_cassette`` fixture: READ rows fail at set-up, WRITE rows at teardown."""
    monkeypatch.delenv("CI", raising=False)  # with CI set no test may record (the offline guarantee); the WRITE rows record
    rows: dict[str, tuple[Path, str]] = {}
    records: set[str] = set()
    for i, (row, (setup, message)) in enumerate(sorted({**READ, **WRITE}.items())):
        folder = pytester.path / f"row{i}"
        folder.mkdir()
        path = _make(folder, setup, deny)
        rows[f"test_row{i}"] = (path, message.format(path=path, parent=path.parent) if row in WRITE else message)
        if row in WRITE:
            records.add(f"test_row{i}")
    with running() as server:
        tests = "".join(f'''
@pytest.mark.bedrock_cassette({str(path)!r}, record_mode={"'all'" if name in records else "'none'"})
def {name}():
    client().list_model_customization_jobs(maxResults=1)
''' for name, (path, message) in rows.items())
        pytester.makepyfile(test_rows=f'''
import botocore.session
import pytest
from botocore.config import Config

def client():
    return botocore.session.get_session().create_client(
        "bedrock", region_name="us-east-1", endpoint_url="{server.url}", aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={{"total_max_attempts": 1}}))
''' + tests)
        result = pytester.runpytest_inprocess(*PLUGIN, "-p", "no:rerunfailures")
    reports = {r.head_line: r for r in result.reprec.getreports("pytest_runtest_logreport") if r.failed}  # type: ignore[attr-defined]
    assert sorted(reports) == sorted(rows)
    for name, (path, message) in rows.items():
        text = reports[name].longreprtext
        assert str(path) in text and message in text, f"{name}: {text}"
        assert "Traceback" not in text and len(text.strip().splitlines()) <= 4, f"{name}: {text}"
    _clean(pytester.path)


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(codecs.BOM_UTF8 + GOOD.encode())
    assert len(CassetteSession(CassetteOptions(path=path)).cassette.interactions) == 4


def test_row_count() -> None:
    assert len(READ) + len(WRITE) >= 35
