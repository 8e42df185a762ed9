"""Consistency rules: transitions, sub-task statuses per job status, and check_consistency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.core.model import get_model, load_raw_model, use_model

STATUSES = get_model().statuses
TERMINAL = [s for s in STATUSES if rules.is_terminal(s)]


def test_documented_semantics_of_todays_statuses() -> None:
    assert set(TERMINAL) == {"Completed", "Failed", "Stopped"}
    assert [s for s in STATUSES if rules.is_failed(s)] == ["Failed"]
    assert [s for s in STATUSES if rules.has_output_model(s)] == ["Completed"]
    assert rules.config_member("DISTILLATION") == "distillationConfig"
    assert rules.config_member("REINFORCEMENT_FINE_TUNING") == "rftConfig"
    assert rules.config_member("FINE_TUNING") is None
    union = get_model().shape_at("CreateModelCustomizationJob", "customizationConfig", output=False)
    for ctype in get_model().customization_types:
        member = rules.config_member(ctype)
        assert member is None or member in union.members  # type: ignore[attr-defined]
    assert [c for c in get_model().customization_types if rules.has_status_details(c)] == ["DISTILLATION"]


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_may_be_seen_again_and_terminal_ones_are_final(status: str) -> None:
    nxt = rules.legal_next(status)
    assert status in nxt
    assert set(nxt) <= set(STATUSES)
    if rules.is_terminal(status):
        assert nxt == (status,)


@pytest.mark.parametrize(
    ("path", "legal"),
    [
        (["InProgress", "InProgress", "Completed"], True),
        (["InProgress", "Failed"], True),
        (["InProgress", "Stopping", "Stopping", "Stopped"], True),
        (["Completed", "Completed"], True),
        (["Completed", "InProgress"], False),
        (["Failed", "Completed"], False),
        (["Stopping", "Completed"], False),
        (["Stopped", "InProgress"], False),
        (["InProgress", "Completed", "Failed"], False),
    ],
)
def test_legal_paths(path: list[str], legal: bool) -> None:
    problems = rules.legal_path(path)
    assert (problems == []) is legal
    for problem in problems:
        assert "is not a legal transition" in problem


def test_a_status_new_to_the_model_is_non_terminal_and_may_end() -> None:
    raw = load_raw_model()
    raw["shapes"]["ModelCustomizationJobStatus"]["enum"].append("Queued")
    with use_model(raw):
        assert not rules.is_terminal("Queued") and not rules.is_failed("Queued")
        assert rules.legal_next("Queued") == ("Queued", *sorted(TERMINAL))
        assert rules.legal_path(["Queued", "Queued", "Completed"]) == []
        with rules.register_status("Queued", terminal=False, next_statuses=("Queued", "InProgress")):
            assert rules.legal_next("Queued") == ("Queued", "InProgress")
        with rules.register_status("Cancelled", terminal=True, failed=True):
            assert rules.is_terminal("Cancelled") and rules.is_failed("Cancelled")
            assert rules.legal_next("Cancelled") == ("Cancelled",)


def _rules_state(statuses: Sequence[str]) -> list[tuple[str, bool, bool, tuple[str, ...]]]:
    return [(s, rules.is_terminal(s), rules.is_failed(s), rules.legal_next(s)) for s in statuses]


@pytest.mark.parametrize("name", ["Paused", "InProgress", "Stopping", "Completed", "Failed"])
@pytest.mark.parametrize("terminal, failed", [(True, False), (True, True), (False, False), (False, True)])
def test_register_status_is_undone_at_the_end_of_the_block(name: str, terminal: bool, failed: bool) -> None:
    watched = [*STATUSES, "Paused"]
    before = _rules_state(watched)
    with rules.register_status(name, terminal=terminal, failed=failed, next_statuses=(name, "Stopped")) as value:
        assert value is None
        assert (rules.is_terminal(name), rules.is_failed(name)) == (terminal, failed)
        assert rules.legal_next(name) == ((name,) if terminal else (name, "Stopped"))
    assert _rules_state(watched) == before


def test_register_status_is_undone_on_an_exception_and_nests() -> None:
    before = _rules_state([*STATUSES, "Paused"])
    with pytest.raises(RuntimeError), rules.register_status("Paused", terminal=True):
        with rules.register_status("Paused", terminal=False, failed=True):
            assert not rules.is_terminal("Paused") and rules.is_failed("Paused")
        assert rules.is_terminal("Paused") and not rules.is_failed("Paused")
        raise RuntimeError("boom")
    assert _rules_state([*STATUSES, "Paused"]) == before


def test_register_status_as_a_plain_call_lasts_until_undone() -> None:
    registration = rules.register_status("Paused", terminal=True, failed=True)
    try:
        assert rules.is_terminal("Paused") and rules.is_failed("Paused")
    finally:
        registration.undo()
    assert not rules.is_terminal("Paused") and not rules.is_failed("Paused")
    assert rules.legal_next("Paused") == ("Paused", *sorted(TERMINAL))
    registration.undo()  # a second undo changes nothing
    assert registration.undone and rules.legal_next("InProgress") == ("InProgress", "Completed", "Failed", "Stopping", "Stopped")


# -- sub-task statuses -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
def test_sub_task_statuses_per_job_status(status: str) -> None:
    tasks = get_model().sub_tasks
    for stage in range(len(tasks)):
        subs = rules.sub_task_statuses(status, stage)
        assert tuple(subs) == tasks
        assert set(subs.values()) <= set(get_model().sub_statuses)
        values = list(subs.values())
        if rules.has_output_model(status):
            assert values == ["Completed"] * len(tasks)
            continue
        assert values[:stage] == ["Completed"] * stage
        assert values[stage + 1 :] == ["NotStarted"] * (len(tasks) - stage - 1)
        assert values[stage] == (status if status in get_model().sub_statuses else "InProgress")


def test_failed_validation_leaves_training_not_started() -> None:
    assert list(rules.sub_task_statuses("Failed").values()) == ["Failed", "NotStarted", "NotStarted"]
    assert list(rules.sub_task_statuses("InProgress", 99).values()) == ["Completed", "Completed", "InProgress"]


# -- check_consistency ---------------------------------------------------------------------------------------


def _job(status: str, ctype: str = "FINE_TUNING") -> dict[str, Any]:
    return builders.job_description(status, ctype, seed=21)


@pytest.mark.parametrize(
    ("status", "ctype", "change", "fragment"),
    [
        ("InProgress", "FINE_TUNING", lambda j: j.update(endTime=j["lastModifiedTime"]), "endTime"),
        ("Completed", "FINE_TUNING", lambda j: j.pop("endTime"), "endTime"),
        ("Completed", "FINE_TUNING", lambda j: j.update(failureMessage="boom"), "failureMessage"),
        ("Failed", "FINE_TUNING", lambda j: j.pop("failureMessage"), "failureMessage"),
        ("Failed", "FINE_TUNING", lambda j: j.update(outputModelArn="arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdef123456"), "outputModelArn"),
        ("Completed", "FINE_TUNING", lambda j: j.pop("outputModelArn"), "outputModelArn"),
        ("InProgress", "FINE_TUNING", lambda j: j.update(lastModifiedTime=j["creationTime"] - dt.timedelta(seconds=1)), "lastModifiedTime is before creationTime"),
        ("Completed", "FINE_TUNING", lambda j: j.update(endTime=j["creationTime"] - dt.timedelta(days=1)), "endTime is before creationTime"),
        ("InProgress", "FINE_TUNING", lambda j: j.update(lastModifiedTime="2000-01-01T00:00:00Z"), "lastModifiedTime is before creationTime"),
        ("InProgress", "DISTILLATION", lambda j: j.pop("customizationConfig"), "DISTILLATION needs customizationConfig.distillationConfig"),
        ("InProgress", "REINFORCEMENT_FINE_TUNING", lambda j: j.update(customizationConfig={"distillationConfig": {}}), "needs customizationConfig.rftConfig"),
        ("InProgress", "FINE_TUNING", lambda j: j.update(customizationConfig={"rftConfig": {}}), "FINE_TUNING takes none"),
        ("InProgress", "FINE_TUNING", lambda j: j.update(statusDetails={"trainingDetails": {"status": "InProgress"}}), "statusDetails is only sent for DISTILLATION"),
        ("Completed", "DISTILLATION", lambda j: j["statusDetails"]["trainingDetails"].update(status="InProgress"), "do not fit job status Completed"),
        ("InProgress", "DISTILLATION", lambda j: j["statusDetails"]["validationDetails"].update(status="NotStarted"), "do not fit job status InProgress"),
    ],
)
def test_check_consistency_catches(status: str, ctype: str, change: Any, fragment: str) -> None:
    job = _job(status, ctype)
    assert rules.check_consistency(job) == []
    change(job)
    problems = rules.check_consistency(job)
    assert len(problems) == 1 and fragment in problems[0], problems


def test_check_consistency_without_status_has_nothing_to_say() -> None:
    assert rules.check_consistency({}) == []
