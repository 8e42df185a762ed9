"""Coverage classification, counting, reports and the summary."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from pytest_bedrock_mock import builders, variants
from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.core.calls import Call
from pytest_bedrock_mock.core.model import load_raw_model, use_model
from pytest_bedrock_mock.coverage import report as coverage_report
from pytest_bedrock_mock.coverage.tracker import Coverage, classify
from pytest_bedrock_mock.fakes import intercept

GET = "GetModelCustomizationJob"


def _served(operation: str, response: dict[str, Any]) -> Call:
    return Call(operation, {}, response, "stubber")


def test_classify_a_distillation_job() -> None:
    job = builders.job_description("Failed", "DISTILLATION", seed=1, stage=1)
    pairs = set(classify(_served(GET, job)))
    assert {("status", "Failed"), ("customization_type", "DISTILLATION"), ("customizationConfig", "distillationConfig")} <= pairs
    assert {("sub_status", "Completed"), ("sub_status", "Failed"), ("sub_status", "NotStarted")} <= pairs
    assert {("optional", "outputModelArn absent"), ("optional", "vpcConfig absent")} <= pairs
    assert not any(dim == variants.FORWARD_COMPAT for dim, _ in pairs)


def test_classify_errors_lists_and_unknowns() -> None:
    _, parsed = wire.parsed_error("StopModelCustomizationJob", "ConflictException")
    assert classify(_served("StopModelCustomizationJob", parsed)) == [("error", "StopModelCustomizationJob ConflictException")]
    listing = builders.list_jobs_response([builders.job_description(s, seed=2) for s in ("Stopping", "Completed")])
    assert set(classify(_served("ListModelCustomizationJobs", listing))) == {
        ("status", "Stopping"), ("status", "Completed"), ("customization_type", "FINE_TUNING")}
    job = builders.job_description("InProgress", seed=3, check=False)
    job.update(status="Queued", customizationConfig={"SDK_UNKNOWN_MEMBER": {"name": "x"}}, futureField=1)
    pairs = set(classify(_served(GET, job)))
    assert {("status", "Queued"), (variants.FORWARD_COMPAT, "unknown status"), (variants.FORWARD_COMPAT, "unknown union member"),
            (variants.FORWARD_COMPAT, "unknown field")} <= pairs
    assert classify(_served("CreateModelCustomizationJob", {"jobArn": job["jobArn"]})) == []


def test_coverage_counts_missing_and_unmodelled() -> None:
    coverage = Coverage()
    for status in ("InProgress", "InProgress", "Queued"):
        coverage.observe(_served(GET, {"status": status}))
    assert coverage.served("status", "InProgress") == 2
    assert coverage.covered("status") == ["InProgress"]
    assert coverage.missing(["status"]) == ["status: Completed", "status: Failed", "status: Stopping", "status: Stopped"]
    assert coverage.unmodelled("status") == {"Queued": 1}
    assert coverage.answers == 3


def test_coverage_observes_every_fake_through_the_intercept_hook() -> None:
    coverage = Coverage()
    intercept.add_observer(coverage.observe)
    try:
        intercept.publish(Call(GET, {}, {"status": "Stopped"}, "simulator"))
    finally:
        intercept.remove_observer(coverage.observe)
    intercept.publish(Call(GET, {}, {"status": "Failed"}, "simulator"))
    assert coverage.covered("status") == ["Stopped"]


def test_observing_from_threads_loses_nothing() -> None:
    coverage = Coverage()
    served = _served(GET, {"status": "Completed"})

    def worker() -> None:
        for _ in range(500):
            coverage.observe(served)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert coverage.served("status", "Completed") == 2000 == coverage.answers


def test_report_round_trip_validates_and_merges() -> None:
    a, b = Coverage(), Coverage()
    a.observe(_served(GET, {"status": "Stopped"}))
    b.observe(_served(GET, {"status": "Stopped"}))
    b.observe(_served(GET, {"status": "Queued"}))
    reports = [coverage_report.to_report(c, ["status"]) for c in (a, b)]
    validator = Draft202012Validator(coverage_report.report_schema())
    for report in reports:
        validator.validate(json.loads(json.dumps(report)))
    merged, selected, versions = coverage_report.merge_reports(reports)
    assert selected == ["status"]
    assert merged.served("status", "Stopped") == 2 and merged.unmodelled("status") == {"Queued": 1}
    assert coverage_report.to_report(merged, selected)["dimensions"]["status"]["covered"] == 1


def test_merge_unites_catalogues_of_different_models() -> None:
    old = Coverage()
    raw = load_raw_model()
    raw["shapes"]["ModelCustomizationJobStatus"]["enum"].append("Paused")
    with use_model(raw):
        new = Coverage()
    merged, _, _ = coverage_report.merge_reports([coverage_report.to_report(c, ["status"]) for c in (old, new)])
    assert merged.variants["status"][-1] == "Paused"


def test_load_report_names_the_file_and_the_field(tmp_path: Any) -> None:
    bad = tmp_path / "shard.json"
    report = coverage_report.to_report(Coverage(), ["status"])
    report["dimensions"]["status"]["variants"]["Stopped"] = -1
    bad.write_text(json.dumps(report))
    with pytest.raises(coverage_report.ReportError, match=r"shard.json: not a pytest-bedrock-mock coverage report: at dimensions/status/variants/Stopped: -1"):
        coverage_report.load_report(bad)
    (tmp_path / "junk.json").write_text("{nope")
    with pytest.raises(coverage_report.ReportError, match="junk.json: not JSON"):
        coverage_report.load_report(tmp_path / "junk.json")
    with pytest.raises(coverage_report.ReportError, match="no such coverage report"):
        coverage_report.load_report(tmp_path / "missing.json")


def test_write_report_is_atomic(tmp_path: Any) -> None:
    path = coverage_report.write_report(tmp_path / "deep" / "cov.json", coverage_report.to_report(Coverage(), []))
    assert json.loads(path.read_text())["format"] == "pytest-bedrock-mock-coverage"
    assert [p.name for p in path.parent.iterdir()] == ["cov.json"]


@pytest.mark.parametrize("width", [80, 60, 200])
def test_summary_fits_the_width_and_never_splits_a_variant(width: int) -> None:
    coverage = Coverage()
    coverage.observe(_served(GET, {"status": "Stopped"}))
    lines = coverage_report.summary_lines(coverage, variants.dimensions(forward_compat=True), width=width)
    assert max(map(len, lines)) <= min(width, 80)
    text = " ".join(lines)
    missing = set(coverage.missing())
    assert "status: Stopped" not in missing and "optional: vpcConfig absent" not in missing
    for variant in variants.select(forward_compat=True):
        if variant.key in missing:
            assert (variant.detail if variant.is_error else variant.value) in text, variant.key


def test_gate_lists_unserved_and_fail_under() -> None:
    coverage = Coverage()
    coverage.observe(_served(GET, {"status": "Stopped"}))
    assert coverage_report.gate(coverage, []) == []
    assert "status: Completed" in coverage_report.gate(coverage, ["status"])
    problems = coverage_report.gate(coverage, [], fail_under=50, dimensions=["status"])
    assert problems == ["total coverage 20.0% is under --fail-under=50% (1/5 variants)"]


# -- counting off the call path ---------------------------------------------------------------

def test_observe_keeps_the_answer_and_reading_counts_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_bedrock_mock.coverage import tracker

    classified: list[Call] = []
    real = tracker.classify
    monkeypatch.setattr(tracker, "classify", lambda served, model=None: classified.append(served) or real(served, model))
    coverage = Coverage()
    served = _served(GET, builders.job_description("Stopping", seed=3))
    coverage.observe(served)
    assert classified == []  # the call being answered pays for no classification
    assert coverage.served("status", "Stopping") == 1 and coverage.answers == 1 and classified == [served]


def test_an_answer_is_classified_by_the_model_in_use_when_it_was_served() -> None:
    raw = load_raw_model()
    raw["shapes"]["ModelCustomizationJobStatus"]["enum"].append("Paused")
    coverage = Coverage()
    with use_model(raw):
        coverage.observe(_served(GET, {**builders.job_description("Completed", seed=4), "status": "Paused"}))
    assert coverage.served("status", "Paused") == 1  # counted after the block, by the model it was served under
    assert coverage.served(variants.FORWARD_COMPAT, "unknown status") == 0


def test_a_long_run_of_answers_is_counted_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_bedrock_mock.coverage import tracker

    monkeypatch.setattr(tracker, "PENDING_LIMIT", 3)
    coverage = Coverage()
    for _ in range(7):
        coverage.observe(_served(GET, builders.job_description("InProgress", seed=5)))
    assert len(coverage._pending) == 1  # two batches of three counted as they filled
    assert coverage.served("status", "InProgress") == 7


def test_answers_from_many_threads_are_all_counted() -> None:
    coverage = Coverage()
    job = builders.job_description("Failed", seed=6)

    def serve() -> None:
        for i in range(500):
            coverage.observe(_served(GET, job))
            if i % 50 == 0:
                assert coverage.answers <= 4000  # readers settle while others observe

    threads = [threading.Thread(target=serve) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert coverage.answers == 4000 and coverage.served("status", "Failed") == 4000
