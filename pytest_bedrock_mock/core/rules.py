"""Consistency rules of a job, shared by the response builders, the strategies and the simulator.

What the model says (the names of statuses, sub-task statuses, customization types
and union members) comes from :mod:`pytest_bedrock_mock.core.model`. What the model cannot
say — which statuses are terminal, which one carries ``failureMessage``, which
customization type needs which ``customizationConfig`` member — is documented
behaviour written down *once*, here.

A status the model gains before this table knows it is treated as a non-terminal,
non-failed status (a job can be in it and leave it); call :func:`register_status` to
say otherwise (for the whole process, or for a ``with`` block: it is undoable). This is
documented in docs/undocumented-behaviour.md#statuses-the-kit-does-not-know-yet.

Public names: :func:`is_terminal`, :func:`is_failed`, :func:`has_output_model`,
:func:`config_member`, :func:`has_status_details`, :func:`sub_task_statuses`,
:func:`legal_next`, :func:`legal_path`, :func:`check_consistency`, :func:`register_status`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.core.undo import Undo

__all__ = [
    "check_consistency",
    "config_member",
    "has_output_model",
    "has_status_details",
    "is_failed",
    "is_terminal",
    "legal_next",
    "legal_path",
    "register_status",
    "sub_task_statuses",
]

# Documented semantics of the statuses the model lists today.
_TERMINAL: set[str] = {"Completed", "Failed", "Stopped"}
_FAILED: set[str] = {"Failed"}
_SUCCEEDED: set[str] = {"Completed"}
_NEXT: dict[str, tuple[str, ...]] = {
    # Stopped directly after InProgress: two polls can miss the short Stopping state.
    "InProgress": ("InProgress", "Completed", "Failed", "Stopping", "Stopped"),
    "Stopping": ("Stopping", "Stopped"),
}
#: The customization types that need a member of the ``customizationConfig`` union.
_CONFIG_MEMBER: dict[str, str] = {
    "DISTILLATION": "distillationConfig",
    "REINFORCEMENT_FINE_TUNING": "rftConfig",
}
#: ``statusDetails`` is documented "for a Distillation job".
_STATUS_DETAILS_TYPES: set[str] = {"DISTILLATION"}
#: The sub-task status a job status leaves on the sub-task that was running.
_SUB_STATUS_OF: dict[str, str] = {
    "InProgress": "InProgress",
    "Failed": "Failed",
    "Stopping": "Stopping",
    "Stopped": "Stopped",
}


def register_status(name: str, *, terminal: bool, failed: bool = False, next_statuses: Sequence[str] = ()) -> Undo[None]:
    """Tell the rules how a status new to the model behaves (see the module docstring).

    The rules change at once, for the whole process. Use the call as a context manager
    (``with register_status("Paused", terminal=True): ...``) or call ``.undo()`` on what it
    returns to give ``name`` back the behaviour it had before.
    """
    was_terminal, was_failed, had_next = name in _TERMINAL, name in _FAILED, _NEXT.get(name)

    def restore() -> None:
        (_TERMINAL.add if was_terminal else _TERMINAL.discard)(name)
        (_FAILED.add if was_failed else _FAILED.discard)(name)
        if had_next is None:
            _NEXT.pop(name, None)
        else:
            _NEXT[name] = had_next

    (_TERMINAL.add if terminal else _TERMINAL.discard)(name)
    (_FAILED.add if failed else _FAILED.discard)(name)
    if terminal:
        _NEXT.pop(name, None)
    else:
        _NEXT[name] = tuple(next_statuses) or (name, *sorted(_TERMINAL))
    return Undo(restore, None)


def is_terminal(status: str) -> bool:
    """True for a status the job never leaves (``endTime`` is set)."""
    return status in _TERMINAL


def is_failed(status: str) -> bool:
    """True for the status that carries ``failureMessage``."""
    return status in _FAILED


def has_output_model(status: str) -> bool:
    """True when the custom model exists, so ``outputModelArn`` is returned."""
    return status in _SUCCEEDED


def config_member(customization_type: str) -> str | None:
    """The ``customizationConfig`` member a customization type needs, or None."""
    return _CONFIG_MEMBER.get(customization_type)


def has_status_details(customization_type: str) -> bool:
    return customization_type in _STATUS_DETAILS_TYPES


def legal_next(status: str) -> tuple[str, ...]:
    """The statuses a job in ``status`` may show at its next Get (itself included)."""
    if status in _NEXT:
        return _NEXT[status]
    if is_terminal(status):
        return (status,)
    known = set(get_model().statuses)
    return (status, *sorted(s for s in _TERMINAL if s in known))


def legal_path(statuses: Sequence[str]) -> list[str]:
    """Problems with a sequence of statuses seen by successive Gets (empty when legal)."""
    problems = []
    for before, after in zip(statuses, statuses[1:]):
        if after not in legal_next(before):
            problems.append(f"{before} -> {after} is not a legal transition (from {before}: {', '.join(legal_next(before))})")
    return problems


def sub_task_statuses(status: str, stage: int | None = None) -> dict[str, str]:
    """Sub-task statuses consistent with the job ``status``.

    Sub-tasks run in model order (validation, data processing, training). ``stage`` is
    the index of the sub-task the job is at (default: the last one for Completed,
    otherwise the first). Earlier sub-tasks are ``Completed``, later ones ``NotStarted``.
    """
    tasks = get_model().sub_tasks
    if status in _SUCCEEDED:
        return {t: "Completed" for t in tasks}
    at = 0 if stage is None else max(0, min(stage, len(tasks) - 1))
    current = _SUB_STATUS_OF.get(status, "InProgress")
    return {t: ("Completed" if i < at else current if i == at else "NotStarted") for i, t in enumerate(tasks)}


def _as_dt(value: Any) -> _dt.datetime | None:
    if isinstance(value, _dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def check_consistency(job: Mapping[str, Any]) -> list[str]:
    """Problems with a GetModelCustomizationJob response as a whole (empty when consistent)."""
    problems: list[str] = []
    status = job.get("status")
    ctype = job.get("customizationType")
    if status is None:
        return problems
    if ("endTime" in job) != is_terminal(status):
        problems.append(f"endTime must be present exactly when the job is terminal (status {status})")
    if ("failureMessage" in job) != is_failed(status):
        problems.append(f"failureMessage must be present exactly when the job failed (status {status})")
    if ("outputModelArn" in job) != has_output_model(status):
        problems.append(f"outputModelArn must be present exactly when the model exists (status {status})")
    created, modified, ended = (_as_dt(job.get(k)) for k in ("creationTime", "lastModifiedTime", "endTime"))
    if created and modified and modified < created:
        problems.append("lastModifiedTime is before creationTime")
    if created and ended and ended < created:
        problems.append("endTime is before creationTime")
    if ctype is not None:
        member = config_member(ctype)
        config = job.get("customizationConfig")
        if member is None and config is not None:
            problems.append(f"customizationConfig is set but {ctype} takes none")
        if member is not None and (not config or member not in config):
            problems.append(f"{ctype} needs customizationConfig.{member}")
        details = job.get("statusDetails")
        if details is not None:
            if not has_status_details(ctype):
                problems.append(f"statusDetails is only sent for {', '.join(sorted(_STATUS_DETAILS_TYPES))} jobs")
            else:
                problems.extend(_check_sub_tasks(status, details))
    return problems


def _check_sub_tasks(status: str, details: Mapping[str, Any]) -> list[str]:
    seen = [details.get(t, {}).get("status") for t in get_model().sub_tasks]
    allowed = [list(sub_task_statuses(status, i).values()) for i in range(len(seen))]
    if seen in allowed:
        return []
    return [f"statusDetails {seen} do not fit job status {status} (expected one of {allowed})"]
