"""One simulated job: its state, its legal moves, and its Get/List answers.

The static part of the description (what the Create request said, echoed the way the
service echoes it) is built once with :func:`pytest_bedrock_mock.builders.job_description`;
the moving part (``status``, ``statusDetails``, times, ``endTime``, ``failureMessage``,
``outputModelArn``, metrics) follows :mod:`pytest_bedrock_mock.core.rules`. The rendered
description is checked with ``validate_response`` and ``check_consistency`` once per
state change and cached, so Gets between changes cost a dictionary copy.

Memory: a job keeps one description (the last one rendered; its fixed part is the base of
the next render) as a tuple of values (its keys are shared by every job), its JSON objects and
arrays frozen (:mod:`~pytest_bedrock_mock.fakes.simulator.frozen`): each answer, Get or List
summary, thaws a fresh copy. The Create request is not kept beside it: :attr:`Job.request`
rebuilds it from the members the description echoes (the same objects) and the few it does not
(``baseModelIdentifier``, tags), kept aside. Values a suite gives many jobs alike (role, base
model, hyperparameters, tags) are held once. A job that moves tells its region's
:class:`~pytest_bedrock_mock.fakes.simulator.index.JobIndex`.

``outputModelKmsKeyArn`` is the key that encrypts the custom model, as a key ARN (the
model's pattern takes nothing else), whatever form the Create request gave
``customModelKmsKeyId`` in: a key ARN is echoed; a key id becomes the key ARN in the job's
Region and account; an alias (``alias/name`` or an alias ARN) resolves, as KMS would, to a key
-- here a fake one whose id is derived from the alias, the same on every run
(:func:`kms_key_arn_of`).

Public names: :class:`Job`, :class:`SimulatorBug`, :func:`base_model_of`, :func:`kms_key_arn_of`.
"""

from __future__ import annotations

import datetime as _dt
import random as _random
import uuid
from collections.abc import Mapping
from typing import Any, Protocol

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.contract.validate import validate_response
from pytest_bedrock_mock.core import rules, values
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.errors import SimulatorBug
from pytest_bedrock_mock.fakes.simulator.frozen import FrozenMap, freeze, shared, thaw
from pytest_bedrock_mock.fakes.simulator.policies import Move

__all__ = ["Job", "SimulatorBug", "base_model_of", "kms_key_arn_of"]

# Fields of the description that change as the job moves; everything else is fixed at Create.
_MOVING = frozenset(("status", "statusDetails", "lastModifiedTime", "endTime", "failureMessage", "outputModelArn", "trainingMetrics", "validationMetrics"))


def base_model_of(identifier: str, region: str) -> tuple[str, str] | None:
    """``(base model id, baseModelArn)`` for a Create ``baseModelIdentifier``, or None if it names no base model.

    See :func:`pytest_bedrock_mock.core.rules.base_model`. A bare custom-model name cannot be
    resolved (no custom models are simulated), so the caller answers ``ResourceNotFoundException``.
    """
    return rules.base_model(identifier, region)


def kms_key_arn_of(key: str, region: str, account: str) -> str:
    """The key ARN a ``customModelKmsKeyId`` names: itself, the ARN of a key id, or a fake key an alias resolves to.

    An alias ARN names its own partition, Region and account; an alias name or key id is the
    caller's (``region``, ``account``). The fake key id is a UUID derived from the alias ARN.
    """
    if key.startswith("arn:"):
        parts = key.split(":", 5)
        partition, key_region, key_account, resource = parts[1], parts[3], parts[4], parts[5]
        if resource.startswith("key/"):
            return key
        alias_arn = key
    else:
        partition = rules.partition_of(region) or "aws"
        key_region, key_account = region, account
        if not key.startswith("alias/"):
            return f"arn:{partition}:kms:{region}:{account}:key/{key}"
        alias_arn = f"arn:{partition}:kms:{region}:{account}:{key}"
    fake_id = uuid.uuid5(uuid.NAMESPACE_URL, alias_arn)
    return f"arn:{partition}:kms:{key_region}:{key_account}:key/{fake_id}"


class _Watcher(Protocol):
    """What a job tells of its moves (its region's ``JobIndex``; jobs do not import it)."""

    def moved(self, job: Job, old_status: str) -> None: ...


class Job:
    """A simulated job. Mutated only under the backend's lock; compared by identity."""

    __slots__ = ("_block", "_extra", "_fresh", "_index", "_keys", "_later_stages", "_recipe", "_values", "_version", "arn",
                 "base_model_arn", "base_model_id", "created", "end_time", "failure_message", "gets_in_status", "last_modified",
                 "name", "output_model_arn", "region", "seed", "seq", "stage", "status", "status_since")

    def __init__(self, *, arn: str, name: str, region: str, seq: int, request: Mapping[str, Any], created: _dt.datetime,
                 base_model_id: str, base_model_arn: str, seed: int) -> None:
        self.arn, self.name, self.region, self.seq, self.created, self.seed = arn, name, region, seq, created, seed
        self.base_model_id, self.base_model_arn = base_model_id, base_model_arn
        self.status, self.stage, self.gets_in_status = "InProgress", 0, 0
        self.status_since = self.last_modified = created
        self.end_time: _dt.datetime | None = None
        self.failure_message: str | None = None
        self.output_model_arn: str | None = None
        self._later_stages: tuple[_dt.datetime, ...] = ()  # when sub-tasks after the first started (the first: ``created``)
        # The last description rendered (or, before the first render, its fixed part) as its keys (a tuple shared
        # by every description with those keys) and its values; ``_fresh`` while it is current.
        self._keys: tuple[str, ...] = ()
        self._values: tuple[Any, ...] = ()
        self._fresh = False
        self._index: _Watcher | None = None
        self._block: Any = None  # the index's block holding this job
        self._version = 0
        self._recipe, self._extra = self._describe_fixed(request)

    def __repr__(self) -> str:
        return f"Job(arn={self.arn!r}, name={self.name!r}, status={self.status!r}, stage={self.stage})"

    def _describe_fixed(self, request: Mapping[str, Any]) -> tuple[tuple[tuple[str, str | None], ...], tuple[Any, ...]]:
        """Store the fixed part of the description; return how to rebuild ``request`` from it (:attr:`request`)."""
        ctype = request.get("customizationType", "FINE_TUNING")
        static = builders.job_description("InProgress", ctype, rng=_random.Random(self.seed), region=self.region,
                                          created=self.created, request=request, check=False)
        for key in _MOVING:
            static.pop(key, None)
        static.update(jobArn=self.arn, baseModelArn=self.base_model_arn, creationTime=self.created, customizationType=ctype)
        kms = request.get("customModelKmsKeyId")
        if isinstance(kms, str):
            static["outputModelKmsKeyArn"] = kms_key_arn_of(kms, self.region, self.arn.split(":")[4])
        for key, value in static.items():  # an echoed nested value is stored once: the request's own
            if isinstance(value, (dict, list)) and request.get(key) == value:
                static[key] = request[key]
        recipe: list[tuple[str, str | None]] = []
        extra = []
        for key, value in request.items():  # a request value the description holds (the same object) is not kept twice
            source = _ECHOED.get(key, key)
            if static.get(source, _ABSENT) is value:
                recipe.append((key, source))
            else:
                recipe.append((key, None))
                extra.append(shared(value) if key in _SHARED else freeze(value))
        self._store({key: shared(value) if key in _SHARED else value for key, value in static.items()})
        found = tuple(recipe)
        return _RECIPES.setdefault(found, found), tuple(extra)

    @property
    def request(self) -> dict[str, Any]:
        """The Create request the job was made from (a copy the caller owns, rebuilt from the description it echoes)."""
        described = dict(zip(self._keys, self._values))
        extra = iter(self._extra)
        return {key: thaw(described[source] if source is not None else next(extra)) for key, source in self._recipe}

    @property
    def stage_started(self) -> list[_dt.datetime]:
        """When each sub-task started so far (the first at creation)."""
        return [self.created, *self._later_stages]

    def _store(self, described: dict[str, Any]) -> None:
        """Keep ``described`` as its (shared) keys and its values, frozen (:mod:`~pytest_bedrock_mock.fakes.simulator.frozen`)."""
        keys = tuple(described)
        self._keys, self._values = _KEYS.setdefault(keys, keys), tuple(freeze(value) for value in described.values())

    @property
    def customization_type(self) -> str:
        return str(self._values[self._keys.index("customizationType")])

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
        if len(self._later_stages) < move.stage:
            self._later_stages += (at,) * (move.stage - len(self._later_stages))
        old_status = self.status
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
        self._fresh = False
        if self._index is not None:
            self._index.moved(self, old_status)

    # -- answers -----------------------------------------------------------------------
    def description(self) -> dict[str, Any]:
        """The current Get answer, a copy the caller owns (rendered, checked and stored first if the job moved since)."""
        self._refresh()
        return {key: thaw(value) if type(value) in _FROZEN else value for key, value in zip(self._keys, self._values)}

    answer = description  # the name the backend's Get and ``describe`` use

    def summary(self) -> dict[str, Any]:
        """The current List summary, :func:`~pytest_bedrock_mock.builders.job_summary` of the description
        (built on demand, not stored; a copy the caller owns)."""
        self._refresh()
        described = dict(zip(self._keys, self._values))
        return {member: thaw(described[source]) for member, source in _summary_sources() if source in described}

    def _refresh(self) -> None:
        if not self._fresh:
            self._store(self._render())
            self._fresh = True

    def _render(self) -> dict[str, Any]:
        job = {key: value for key, value in zip(self._keys, self._values) if key not in _MOVING}
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
            validators = (thaw(job.get("validationDataConfig")) or {}).get("validators") or []
            if validators:
                job["validationMetrics"] = [{"validationLoss": round(rng.uniform(0.05, 2.5), 4)} for _ in validators]
        answer = {key: thaw(value) for key, value in job.items()}
        problems = [str(v) for v in validate_response("GetModelCustomizationJob", answer)] + rules.check_consistency(answer)
        if problems:
            raise SimulatorBug(f"job {self.name!r} in {self.status} would be answered inconsistently: " + "; ".join(problems))
        return job

    def _status_details(self) -> dict[str, Any]:
        details: dict[str, Any] = {}
        subs = rules.sub_task_statuses(self.status, self.stage)
        stage_started = self.stage_started
        for i, (task, sub) in enumerate(subs.items()):
            if sub == "NotStarted":
                details[task] = {"status": sub}
                continue
            started = stage_started[i] if i < len(stage_started) else self.last_modified
            ended = stage_started[i + 1] if sub == "Completed" and i + 1 < len(stage_started) else self.last_modified
            details[task] = {"status": sub, "creationTime": started, "lastModifiedTime": max(ended, started)}
        return details


_FROZEN = (FrozenMap, tuple)  # what thaw turns back into a dict or list

#: Create members a suite tends to give many jobs alike (not the names, tokens and data locations of each job): held once.
_SHARED = frozenset(("roleArn", "baseModelIdentifier", "customizationType", "customModelKmsKeyId", "hyperParameters",
                     "vpcConfig", "customizationConfig", "jobTags", "customModelTags"))

#: Every key sequence a description has had, so jobs share one tuple of keys per sequence (a handful).
_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}

#: Every way of rebuilding a request from its description (request member -> the description member holding the
#: same value, None for one the job keeps aside), shared like ``_KEYS``.
_RECIPES: dict[tuple[tuple[str, str | None], ...], tuple[tuple[str, str | None], ...]] = {}

#: Request members the description echoes under another name.
_ECHOED = {"customModelName": "outputModelName", "customModelKmsKeyId": "outputModelKmsKeyArn"}
_ABSENT = object()


def _summary_sources() -> list[tuple[str, str]]:
    """``(summary member, description member it comes from)``, as ``builders.job_summary`` maps them (memoised per model)."""
    model = get_model()
    memo = model.memo("simulator.summary_sources")
    found: list[tuple[str, str]] | None = memo.get("pairs")
    if found is None:
        every = {name: name for name in model.output_shape("GetModelCustomizationJob").members}
        found = memo["pairs"] = list(builders.job_summary(every).items())
    return found


def same_request(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """True when two Create requests ask for the same job (the idempotency token aside)."""
    strip = ("clientRequestToken",)
    return {k: v for k, v in a.items() if k not in strip} == {k: v for k, v in b.items() if k not in strip}

