"""Cassette format, storage, lint, the golden set and the CLI."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pytest_bedrock_mock.core.model import get_model, load_raw_model, use_model
from pytest_bedrock_mock.core.wire import parse
from pytest_bedrock_mock.fakes.cassettes import SCHEMA, CassetteFormatError, dumps, load, loads, save
from pytest_bedrock_mock.fakes.cassettes.format import FORMAT_VERSION, _decode_body, cassette_to_data, encode_body
from pytest_bedrock_mock.fakes.cassettes.golden import build_all, names, output_unions
from pytest_bedrock_mock.fakes.cassettes.lint import lint_file

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "cassettes"
POLL = GOLDEN / "poll" / "fine-tuning-completed.yaml"


def _cli(*argv: str) -> int:
    from pytest_bedrock_mock.cli import cassettes as cli_cassettes

    parser = argparse.ArgumentParser(prog="bedrock-mock")
    cli_cassettes.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return int(args.func(args))


# -- format and storage ---------------------------------------------------------------------


@given(st.binary(max_size=300) | st.text(max_size=100).map(str.encode) | st.recursive(st.none() | st.integers() | st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)).map(lambda v: json.dumps(v).encode()))
def test_response_bodies_round_trip_byte_for_byte(body: bytes) -> None:
    assert _decode_body(*encode_body(body)) == body


def test_every_written_cassette_validates_against_the_schema_and_reloads() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for path in sorted(GOLDEN.rglob("*.yaml"))[:10]:
        text = path.read_text()
        validator.validate(yaml.safe_load(text))
        assert dumps(loads(text)) == text


def test_json_bodies_are_stored_field_by_field() -> None:
    data = yaml.safe_load(POLL.read_text())
    assert data["interactions"][1]["response"]["body_encoding"] == "json"
    assert data["interactions"][1]["response"]["body"]["status"] == "InProgress"


@pytest.mark.parametrize("cut", [0.25, 0.5, 0.9, 0.999])
def test_a_truncated_cassette_is_one_clear_error(tmp_path: Path, cut: float) -> None:
    text = POLL.read_text()
    path = tmp_path / "cut.yaml"
    path.write_text(text[: int(len(text) * cut)])
    with pytest.raises(CassetteFormatError) as info:
        load(path)
    assert str(path) in str(info.value) and "interaction" in str(info.value)
    assert info.value.index is not None and 0 <= info.value.index < 4


@given(st.integers(min_value=1, max_value=4000))
def test_any_truncation_gives_a_format_error_or_a_valid_prefix(cut: int) -> None:
    text = POLL.read_text()[:cut]
    try:
        loads(text, "poll.yaml")
    except CassetteFormatError as exc:
        assert str(exc).startswith("poll.yaml")


def test_missing_field_names_interaction_and_field() -> None:
    data = yaml.safe_load(POLL.read_text())
    del data["interactions"][2]["response"]["status"]
    with pytest.raises(CassetteFormatError, match=r"^x.yaml: interaction 2 \(response\): 'status' is a required property"):
        loads(yaml.safe_dump(data), "x.yaml")


def test_a_newer_format_version_is_a_clear_error() -> None:
    data = yaml.safe_load(POLL.read_text())
    data["version"] = FORMAT_VERSION + 1
    with pytest.raises(CassetteFormatError, match=f"format version {FORMAT_VERSION + 1}.*reads versions up to {FORMAT_VERSION}; upgrade"):
        loads(yaml.safe_dump(data), "x.yaml")


@pytest.mark.parametrize(("text", "message"), [("", "empty"), ("[1, 2]", "expected a mapping"), ("format: vcr\nversion: 1\n", "not a pytest-bedrock-mock cassette")])
def test_other_documents_are_rejected(text: str, message: str) -> None:
    with pytest.raises(CassetteFormatError, match=message):
        loads(text, "x.yaml")


def test_save_is_atomic_and_a_crash_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.yaml"
    save(load(POLL), path)
    before = path.read_text()

    def crash(*_a: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        save(loads(before).__class__([]), path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.yaml"]


# -- lint -------------------------------------------------------------------------------------------


def test_every_golden_cassette_lints_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("cassettes", "lint", str(GOLDEN)) == 0
    assert f"{len(names())} cassette file(s) checked, no problems" in capsys.readouterr().out


def test_a_drifted_cassette_fails_lint_precisely(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = yaml.safe_load(POLL.read_text())
    data["interactions"][2]["response"]["body"]["jobName"] = "n" * 64
    data["interactions"][3]["response"]["body"]["secretSauce"] = True
    data["interactions"][0]["response"]["status"] = 200
    path = tmp_path / "drifted.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert _cli("cassettes", "lint", str(path)) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{path}: interaction 0: drift: CreateModelCustomizationJob answered HTTP 200, the model says 201",
        f"{path}: interaction 2: drift: jobName: max_length: Value '{'n' * 64}' at 'jobName' failed to satisfy constraint: Member must have length less than or equal to 63",
        f"{path}: interaction 3: unknown_field: response field 'secretSauce' is not in the model's GetModelCustomizationJob output shape (botocore drops it)",
        "3 problem(s) in 1 of 1 cassette file(s)",
    ]


def test_lint_reports_format_errors_and_credentials_with_location(tmp_path: Path) -> None:
    data = yaml.safe_load(POLL.read_text())
    data["interactions"][1]["response"]["body"]["failureMessage"] = "key " + "AS" + "IA" + "Z" * 16
    leaky = tmp_path / "leaky.yaml"
    leaky.write_text(yaml.safe_dump(data, sort_keys=False))
    assert [(f.kind, f.index) for f in lint_file(leaky)] == [("credential", 1)]
    broken = tmp_path / "broken.yaml"
    broken.write_text(POLL.read_text()[:1500])
    findings = lint_file(broken)
    assert len(findings) == 1 and findings[0].kind == "format" and findings[0].index is not None


def test_lint_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("cassettes", "lint", "--format", "json", str(tmp_path / "missing.yaml")) == 1
    assert json.loads(capsys.readouterr().out) == [{"file": str(tmp_path / "missing.yaml"), "index": None, "kind": "format", "message": "no such cassette file; record it (--bedrock-record-mode=once) or fix the path"}]


# -- the golden set ------------------------------------------------------------------------------


def test_golden_files_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("cassettes", "golden", str(GOLDEN), "--check") == 0, capsys.readouterr().out


def _walk(value: object, shape: object, seen: set[tuple[str, str]]) -> None:
    kind = shape.type_name  # type: ignore[attr-defined]
    if kind == "structure" and isinstance(value, dict):
        if getattr(shape, "is_tagged_union", False):
            seen.update((shape.name, m) for m in value)  # type: ignore[attr-defined]
        for name, member in shape.members.items():  # type: ignore[attr-defined]
            if name in value:
                _walk(value[name], member, seen)
    elif kind == "list" and isinstance(value, list):
        for item in value:
            _walk(item, shape.member, seen)  # type: ignore[attr-defined]
    elif kind == "string" and isinstance(value, str) and getattr(shape, "enum", None):
        seen.add((shape.name, value))  # type: ignore[attr-defined]


def test_golden_files_cover_every_value_the_model_lists() -> None:
    model = get_model()
    seen: set[tuple[str, str]] = set()
    errors: set[tuple[str, str]] = set()
    for path in GOLDEN.rglob("*.yaml"):
        for item in load(path).interactions:
            parsed = parse(item.operation, item.response.status, item.response.headers, item.response.body)
            if "Error" in parsed:
                errors.add((item.operation, parsed["Error"]["Code"]))
            else:
                _walk(parsed, model.output_shape(item.operation), seen)
    status_shape = model.shape_at("GetModelCustomizationJob", "status").name
    sub_shape = model.shape_at("GetModelCustomizationJob", "statusDetails.trainingDetails.status").name
    type_shape = model.shape_at("GetModelCustomizationJob", "customizationType").name
    expected = {(status_shape, s) for s in model.statuses} | {(sub_shape, s) for s in model.sub_statuses} | {(type_shape, t) for t in model.customization_types}
    assert expected - seen == set()
    assert set(output_unions()) - seen == set()
    assert {(op, code) for op in model.operations for code in model.errors(op)} == errors
    assert {path.parent.name for path in GOLDEN.rglob("*.yaml")} == {"create", "get", "list", "poll", "stop", "errors"}


def test_a_status_added_to_the_model_gets_a_golden_scenario_and_the_files_fall_behind() -> None:
    raw = load_raw_model()
    raw["shapes"]["ModelCustomizationJobStatus"]["enum"].append("Paused")
    with use_model(raw):
        assert "get/status-Paused" in names()
        built = build_all()
    assert not (GOLDEN / "get" / "status-Paused.yaml").exists()
    assert "Paused" in dumps(built["get/status-Paused"])


def test_the_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("cassettes", "schema") == 0
    assert json.loads(capsys.readouterr().out) == SCHEMA
    assert cassette_to_data(load(POLL))["version"] == FORMAT_VERSION
