"""Lifecycle policies: when a simulated job moves on, and where to.

A job starts ``InProgress`` at its first sub-task (stage 0) and follows the legal
paths of :mod:`pytest_bedrock_mock.core.rules`: ``InProgress -> Completed | Failed`` and,
after a Stop, ``Stopping -> Stopped``. A policy decides *when*:

* :class:`AfterGets` (the default, ``AfterGets(3)``): a job answers ``InProgress`` to
  its first 3 Gets and its outcome (``Completed`` unless told otherwise) from the 4th
  Get on; a stopped job answers ``Stopping`` once, then ``Stopped``. An unmodified poll
  loop therefore finishes after 4 Gets.
* :class:`AfterDuration`: by the simulator's clock, the sub-tasks sharing the time equally (pair it with a
  :class:`~pytest_bedrock_mock.fakes.simulator.clock.VirtualClock` so sleeping polls finish at once).
* :class:`Manual`: never on its own; the test calls ``complete``/``fail``/``advance``.

``outcome`` is a status name or a callable ``(create_request) -> status`` (e.g. fail
every job whose name contains ``"bad"``).

A List shows every job as it is now, so the jobs a policy would move on any read must be
caught up first. A policy may say when that can happen with ``due(job)``: the earliest
instant ``on_read(job, now, is_get=False)`` could return a move (None: never, only Gets or
the test move it). Then a List catches up only the jobs due; a policy without ``due`` (or
a subclass that overrides ``on_read`` but not ``due``) has every job caught up on every
List (:func:`read_due`).

Public names: :class:`Policy`, :class:`AfterGets`, :class:`AfterDuration`,
:class:`Manual`, :class:`Move`, :data:`Outcome`, :func:`read_due`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.core.model import get_model

__all__ = ["AfterDuration", "AfterGets", "Manual", "Move", "Outcome", "Policy", "read_due"]

Outcome = str | Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class Move:
    """Where a job goes: a status, the running sub-task index, and when it happened (None = now)."""

    status: str
    stage: int = 0
    at: _dt.datetime | None = None


class JobView(Protocol):
    """What a policy may read of a job."""

    @property
    def status(self) -> str: ...
    @property
    def stage(self) -> int: ...
    @property
    def gets_in_status(self) -> int: ...
    @property
    def status_since(self) -> _dt.datetime: ...
    @property
    def request(self) -> Mapping[str, Any]: ...


class Policy(Protocol):
    def on_read(self, job: JobView, now: _dt.datetime, *, is_get: bool) -> Move | None:
        """The move to make before answering a read of ``job`` (Get, or a List showing it), or None."""


def read_due(policy: Policy) -> Callable[[JobView], _dt.datetime | None] | None:
    """``policy.due`` when it speaks for the policy's ``on_read``, else None (every job is caught up on every List).

    It does when the class nearest in the MRO that defines either method defines both.
    """
    for klass in type(policy).__mro__:
        has_read, has_due = "on_read" in vars(klass), "due" in vars(klass)
        if has_read or has_due:
            due: Callable[[JobView], _dt.datetime | None] | None = policy.due if has_read and has_due else None  # type: ignore[attr-defined]
            return due
    return None


_ALWAYS = _dt.datetime.min.replace(tzinfo=_dt.timezone.utc)


def _at(since: _dt.datetime, seconds: float) -> _dt.datetime | None:
    """``since + seconds``, a millisecond early (so float rounding never makes it late); None past year 9999."""
    try:
        return since + _dt.timedelta(seconds=seconds) - _dt.timedelta(milliseconds=1)
    except OverflowError:
        return None


def resolve_outcome(outcome: Outcome, request: Mapping[str, Any]) -> str:
    """The terminal status a finished job takes; must be a terminal status of the model."""
    status = outcome(request) if callable(outcome) else outcome
    get_model().status(status)
    if not rules.is_terminal(status) or status == "Stopped":
        raise ValueError(f"a job can finish as Completed or Failed on its own, not {status!r} (Stopped needs a Stop call)")
    return status


def _checked(outcome: Outcome) -> Outcome:
    if not callable(outcome):
        resolve_outcome(outcome, {})
    return outcome


def _tasks() -> int:
    return len(get_model().sub_tasks)


class AfterGets:
    """Advance by counting Gets: ``in_progress`` InProgress answers, then the outcome."""

    def __init__(self, in_progress: int = 3, *, stopping: int = 1, outcome: Outcome = "Completed") -> None:
        if in_progress < 0 or stopping < 0:
            raise ValueError("AfterGets counts must be >= 0")
        self.in_progress = in_progress
        self.stopping = stopping
        self.outcome = _checked(outcome)

    def on_read(self, job: JobView, now: _dt.datetime, *, is_get: bool) -> Move | None:
        if not is_get:
            return None
        n = job.gets_in_status
        if job.status == "InProgress":
            if n >= self.in_progress:
                return Move(resolve_outcome(self.outcome, job.request), job.stage)
            stage = max(job.stage, min(n * _tasks() // max(self.in_progress, 1), _tasks() - 1))  # sub-tasks never go back
            return Move("InProgress", stage) if stage != job.stage else None
        if job.status == "Stopping" and n >= self.stopping:
            return Move("Stopped", job.stage)
        return None

    def due(self, job: JobView) -> _dt.datetime | None:
        return None  # only Gets move a job

    def __repr__(self) -> str:
        return f"AfterGets({self.in_progress}, stopping={self.stopping}, outcome={self.outcome!r})"


class AfterDuration:
    """Advance by the simulator's clock: training takes ``seconds``, stopping ``stopping_seconds``."""

    def __init__(self, seconds: float = 3600.0, *, stopping_seconds: float = 60.0, outcome: Outcome = "Completed") -> None:
        if seconds < 0 or stopping_seconds < 0:
            raise ValueError("AfterDuration durations must be >= 0")
        self.seconds = seconds
        self.stopping_seconds = stopping_seconds
        self.outcome = _checked(outcome)

    def on_read(self, job: JobView, now: _dt.datetime, *, is_get: bool) -> Move | None:
        elapsed = (now - job.status_since).total_seconds()
        if job.status == "InProgress":
            per_task = self.seconds / _tasks()  # sub-tasks share the time equally, each starting when the last ends
            ratio = elapsed / per_task if per_task else float("inf")
            reached = _tasks() - 1 if ratio >= _tasks() - 1 else int(ratio)  # (a tiny per_task makes ratio infinite)
            if reached > job.stage:
                return Move("InProgress", job.stage + 1, job.status_since + _dt.timedelta(seconds=per_task * (job.stage + 1)))
            if elapsed >= self.seconds:
                at = job.status_since + _dt.timedelta(seconds=self.seconds)
                return Move(resolve_outcome(self.outcome, job.request), job.stage, at)
            return None
        if job.status == "Stopping" and elapsed >= self.stopping_seconds:
            return Move("Stopped", job.stage, job.status_since + _dt.timedelta(seconds=self.stopping_seconds))
        return None

    def due(self, job: JobView) -> _dt.datetime | None:
        if job.status == "InProgress":
            per_task = self.seconds / _tasks()
            if not per_task and job.stage < _tasks() - 1:
                return _ALWAYS  # no training time: any read moves it to the last sub-task, whatever the clock says
            next_task = per_task * (job.stage + 1) if job.stage < _tasks() - 1 else self.seconds
            return _at(job.status_since, min(next_task, self.seconds))
        if job.status == "Stopping":
            return _at(job.status_since, self.stopping_seconds)
        return None

    def __repr__(self) -> str:
        return f"AfterDuration({self.seconds}, stopping_seconds={self.stopping_seconds}, outcome={self.outcome!r})"


class Manual:
    """Jobs move only when the test says so (``complete``, ``fail``, ``advance``, ``stop``)."""

    outcome: Outcome = "Completed"

    def on_read(self, job: JobView, now: _dt.datetime, *, is_get: bool) -> Move | None:
        return None

    def due(self, job: JobView) -> _dt.datetime | None:
        return None

    def __repr__(self) -> str:
        return "Manual()"


def step(job: JobView, outcome: Outcome) -> Move | None:
    """One explicit step along the job's path (``advance``): next sub-task, then the outcome; Stopping -> Stopped."""
    if job.status == "InProgress":
        if job.stage < _tasks() - 1:
            return Move("InProgress", job.stage + 1)
        return Move(resolve_outcome(outcome, job.request), job.stage)
    if job.status == "Stopping":
        return Move("Stopped", job.stage)
    return None
