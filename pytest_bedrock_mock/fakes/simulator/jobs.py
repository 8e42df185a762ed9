"""One simulated job: its state, its legal moves, and its Get/List answers.

The static part of the description (what the Create request said, echoed the way the
service echoes it) is built once with :func:`pytest_bedrock_mock.builders.job_description`;
the moving part (``status``, ``statusDetails``, times, ``endTime``, ``failureMessage``,
``outputModelArn``, metrics) follows :mod:`pytest_bedrock_mock.core.rules`. The rendered
description is checked with ``validate_response`` and ``check_consistency`` once per
state change and cached, so Gets between changes cost a dictionary copy.

Public names: :class:`Job`, :class:`SimulatorBug`, :func:`base_model_of`.
"""

from __future__ import annotations

import datetime as _dt
import random as _random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.contract.validate import validate_response
from pytest_bedrock_mock.core import rules, values
from pytest_bedrock_mock.errors import SimulatorBug
from pytest_bedrock_mock.fakes.simulator.policies import Move

__all__ = ["Job", "SimulatorBug", "base_model_of"]

# Fields of the description that change as the job moves; everything else is fixed at Create.
_MOVING = ("status", "statusDetails", "lastModifiedTime", "endTime", "failureMessage", "outputModelArn", "trainingMetrics", "validationMetrics")


def base_model_of(identifier: str, region: str) -> tuple[str, str] | None:
    """``(base model id, baseModelArn)`` for a Create ``baseModelIdentifier``, or None if it names no base model.

    See :func:`pytest_bedrock_mock.core.rules.base_model`. A bare custom-model name cannot be
    resolved (no custom models are simulated), so the caller answers ``ResourceNotFoundException``.
    """
    return rules.base_model(identifier, region)


@dataclass
class Job:
    """A simulated job. Mutated only under the backend's lock."""

    arn: str
    name: str
    region: str
    seq: int
    request: dict[str, Any]
    created: _dt.datetime
    base_model_id: str
    base_model_arn: str
    seed: int
    status: str = "InProgress"
    stage: int = 0
    gets_in_status: int = 0
    status_since: _dt.datetime = field(init=False)
    last_modified: _dt.datetime = field(init=False)
    end_time: _dt.datetime | None = None
    failure_message: str | None = None
    output_model_arn: str | None = None
    stage_started: list[_dt.datetime] = field(default_factory=list)
    _static: dict[str, Any] = field(default_factory=dict, repr=False)
    _described: dict[str, Any] | None = field(default=None, repr=False)
    _summary: dict[str, Any] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.status_since = self.last_modified = self.created
        self.stage_started = [self.created]
        ctype = self.request.get("customizationType", "FINE_TUNING")
        static = builders.job_description("InProgress", ctype, rng=_random.Random(self.seed), region=self.region,
                                          created=self.created, request=self.request, check=False)
        for key in _MOVING:
            static.pop(key, None)
        static.update(jobArn=self.arn, baseModelArn=self.base_model_arn, creationTime=self.created, customizationType=ctype)
        self._static = static

    @property
    def customization_type(self) -> str:
        return str(self._static["customizationType"])

    @property
    def sort_key(self) -> tuple[_dt.datetime, int]:
        return (self.created, self.seq)

    # -- moving ----------------------------------------------------------------------
    def apply(self, move: Move, now: _dt.datetime, *, message: str | None = None) -> None:
        """Make a legal move (raises ValueError naming the legal ones otherwise)."""
        if move.status == self.status and move.stage == self.stage:
            return
        if move.status not in rules.legal_next(self.status):
            raise ValueError(f"job {self.name!r} cannot go from {self.status} to {move.status} "
                             f"(legal from {self.status}: {', '.join(rules.legal_next(self.status))})")
        at = max(move.at or now, self.last_modified)
        while len(self.stage_started) <= move.stage:
            self.stage_started.append(at)
        if move.status != self.status:
            self.gets_in_status = 0
            self.status_since = at
        self.status, self.stage, self.last_modified = move.status, move.stage, at
        if rules.is_terminal(move.status):
            self.end_time = at
        if rules.is_failed(move.status):
            self.failure_message = message or values.failure_message(_random.Random(self.seed + 1))
        if rules.has_output_model(move.status):
            self.output_model_arn = values.custom_model_arn(_random.Random(self.seed + 2), self.base_model_id, self.region, self.arn.split(":")[4])
        self._described = self._summary = None

    # -- answers -----------------------------------------------------------------------
    def description(self) -> dict[str, Any]:
        """The current Get answer (cached; callers must copy before handing it out)."""
        if self._described is None:
            self._described = self._render()
        return self._described

    def summary(self) -> dict[str, Any]:
        if self._summary is None:
            self._summary = builders.job_summary(self.description())
        return self._summary

    def _render(self) -> dict[str, Any]:
        job = dict(self._static)
        job["status"] = self.status
        job["lastModifiedTime"] = self.last_modified
        if rules.has_status_details(self.customization_type):
            job["statusDetails"] = self._status_details()
        if self.end_time is not None and rules.is_terminal(self.status):
            job["endTime"] = self.end_time
        if self.failure_message is not None and rules.is_failed(self.status):
            job["failureMessage"] = self.failure_message
        if self.output_model_arn is not None and rules.has_output_model(self.status):
            job["outputModelArn"] = self.output_model_arn
            rng = _random.Random(self.seed + 3)
            job["trainingMetrics"] = {"trainingLoss": round(rng.uniform(0.05, 2.5), 4)}
            validators = job.get("validationDataConfig", {}).get("validators") or []
            if validators:
                job["validationMetrics"] = [{"validationLoss": round(rng.uniform(0.05, 2.5), 4)} for _ in validators]
        problems = [str(v) for v in validate_response("GetModelCustomizationJob", job)] + rules.check_consistency(job)
        if problems:
            raise SimulatorBug(f"job {self.name!r} in {self.status} would be answered inconsistently: " + "; ".join(problems))
        return job

    def _status_details(self) -> dict[str, Any]:
        details: dict[str, Any] = {}
        subs = rules.sub_task_statuses(self.status, self.stage)
        for i, (task, sub) in enumerate(subs.items()):
            if sub == "NotStarted":
                details[task] = {"status": sub}
                continue
            started = self.stage_started[i] if i < len(self.stage_started) else self.last_modified
            ended = self.stage_started[i + 1] if sub == "Completed" and i + 1 < len(self.stage_started) else self.last_modified
            details[task] = {"status": sub, "creationTime": started, "lastModifiedTime": max(ended, started)}
        return details


def same_request(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """True when two Create requests ask for the same job (the idempotency token aside)."""
    strip = ("clientRequestToken",)
    return {k: v for k, v in a.items() if k not in strip} == {k: v for k, v in b.items() if k not in strip}

