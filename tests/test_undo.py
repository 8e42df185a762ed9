"""Global changes are undoable: a plain call lasts, ``with`` restores the previous state (also on errors)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core.calls import Call
from pytest_bedrock_mock.core.undo import Undo
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.simulator import simulate


def test_undo_runs_its_restore_once_and_gives_its_value_to_with() -> None:
    calls: list[str] = []
    change = Undo(lambda: calls.append("restored"), "the value")
    assert not change.undone and "pending" in repr(change)
    with change as value:
        assert value == "the value" and calls == []
    assert calls == ["restored"] and change.undone
    change.undo()
    with change:
        pass
    assert calls == ["restored"]


def test_undo_restores_on_an_exception() -> None:
    calls: list[str] = []
    with pytest.raises(KeyError), Undo(lambda: calls.append("restored"), None):
        raise KeyError("boom")
    assert calls == ["restored"]


def _state() -> intercept.Armed:
    """The current ``(armed, region)`` (read by setting it to itself)."""
    current = intercept.set_armed(False)
    intercept.set_armed(current.armed, region=current.region)
    return current


def test_set_armed_restores_the_previous_state_in_a_with_block() -> None:
    before = _state()
    with intercept.set_armed(not before.armed, region="eu-west-3") as previous:
        assert previous == before and isinstance(previous, tuple)
        assert _state() == (not before.armed, "eu-west-3")
    assert _state() == before
    with pytest.raises(RuntimeError), intercept.set_armed(True, region="ap-south-1"):
        raise RuntimeError("boom")
    armed, region = _state()
    assert (armed, region) == before


def _create(request: dict[str, Any]) -> None:
    with simulate(level="parsed"):
        boto3.client("bedrock", region_name="us-east-1").create_model_customization_job(**request)


def test_add_observer_removes_the_observer_after_the_block() -> None:
    request = builders.create_job_request("FINE_TUNING", seed=2)
    seen: list[Call] = []
    with intercept.add_observer(seen.append):
        _create(request)
    _create(request)
    assert [s.operation for s in seen] == ["CreateModelCustomizationJob"]
    registration = intercept.add_observer(seen.append)  # a plain call lasts until undone
    _create(request)
    registration.undo()
    _create(request)
    assert len(seen) == 2
