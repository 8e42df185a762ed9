"""The simulator's state: jobs per region, the four operations, and the test-side controls.

Operations take the request parameters as a client passed them (parsed level) and
return the answer as a parsed dict, or raise :class:`ApiError` with a documented error
code. All state lives behind one lock, so any number of threads may call at once.

Public names: :class:`Backend`, :class:`ApiError`, :data:`JobRef`.
"""

from __future__ import annotations

import random as _random
import sys
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_bedrock_mock.contract.validate import validate_request, validation_message
from pytest_bedrock_mock.core import rules, values
from pytest_bedrock_mock.core.copying import copy_value
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.errors import ApiError
from pytest_bedrock_mock.fakes.simulator.catalogue import supported
from pytest_bedrock_mock.fakes.simulator.clock import Clock, RealClock
from pytest_bedrock_mock.fakes.simulator.config import SimulatorConfig
from pytest_bedrock_mock.fakes.simulator.index import JobIndex
from pytest_bedrock_mock.fakes.simulator.jobs import Job, base_model_of, same_request
from pytest_bedrock_mock.fakes.simulator.listing import BadToken, list_page
from pytest_bedrock_mock.fakes.simulator.policies import Move, read_due, step

__all__ = ["ApiError", "Backend", "JobRef"]

#: A job as tests name it: its name, its ARN, or a dict with ``jobArn`` (a Create answer or a description).
JobRef = str | Mapping[str, Any]


@dataclass
class _Region:
    index: JobIndex  # every job, in List order
    by_arn: dict[str, Job] = field(default_factory=dict)
    by_name: dict[str, Job] = field(default_factory=dict)
    by_token: dict[str, Job] = field(default_factory=dict)
    by_model_name: dict[str, Job | list[Job]] = field(default_factory=dict)  # customModelName -> the job(s) that asked for it


#: A deep copy of a JSON-like answer (callers may mutate what they get; the cache must not change).
_copy = copy_value


def _validate(operation: str, params: Mapping[str, Any], region: str) -> list[Any]:
    """``validate_request``, memoised for flat parameters (a Get or Stop repeats the same identifier).

    The memo belongs to the model in use (:meth:`~pytest_bedrock_mock.core.model.BedrockModel.memo`),
    so a modified model never gets an answer computed for another one.
    """
    if len(params) > 4 or not all(type(v) in (str, int) for v in params.values()):
        return validate_request(operation, params, region=region)
    memo = get_model().memo("simulator.validate_request")
    key = (operation, region, *sorted(params.items()))
    found: list[Any] | None = memo.get(key)
    if found is None:
        if len(memo) > 4096:
            memo.clear()
        found = memo[key] = validate_request(operation, params, region=region)
    return found


def _token(request: dict[str, Any]) -> str:
    """The request's ``clientRequestToken``, a new UUID if it has none (as botocore fills in the idempotency token)."""
    if "clientRequestToken" not in request:
        request["clientRequestToken"] = str(uuid.uuid4())
    token: str = request["clientRequestToken"]
    return token


def _holds_model_name(job: Job) -> bool:
    """A running job reserves its ``customModelName``; a Completed one's model has it."""
    return not rules.is_terminal(job.status) or rules.has_output_model(job.status)


class Backend:
    """In-memory Bedrock model-customization jobs."""

    def __init__(self, config: SimulatorConfig | None = None, clock: Clock | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.clock: Clock = clock or RealClock()
        self._lock = threading.RLock()
        self._regions: dict[str, _Region] = {}
        self._seq = 0
        self._rng = _random.Random(self.config.seed)

    # -- the four operations --------------------------------------------------------------
    def call(self, operation: str, params: Mapping[str, Any], region: str) -> dict[str, Any]:
        """Answer one call (raises :class:`ApiError`)."""
        violations = _validate(operation, params, region)
        if violations:
            raise ApiError("ValidationException", validation_message(violations))
        handler = getattr(self, "_" + get_model().method_name(operation))
        with self._lock:
            result: dict[str, Any] = handler(params, region)
            return result

    def _create_model_customization_job(self, params: Mapping[str, Any], region: str) -> dict[str, Any]:
        store = self._region(region)
        request: dict[str, Any] = _copy(dict(params))  # the caller may change its dicts after the call
        token = _token(request)
        earlier = store.by_token.get(token)
        if earlier is not None:
            mismatch = self.config.error("token_mismatch_error", token=token)
            if mismatch and not same_request(earlier.request, request):
                raise ApiError(*mismatch)
            return {"jobArn": earlier.arn}
        name = request["jobName"]
        duplicate = self.config.error("duplicate_name_error", name=name)
        if duplicate and name in store.by_name:
            raise ApiError(*duplicate)
        self._check_model_name(store, request["customModelName"])
        if self.config.strict_base_models:
            self._check_base_model(request, region)
        return {"jobArn": self._new_job(request, region).arn}

    def _check_model_name(self, store: _Region, model_name: str) -> None:
        """A custom model name is taken by a Completed job's model and reserved by a job still running (InProgress, Stopping)."""
        taken = self.config.error("duplicate_model_name_error", name=model_name)
        if not taken:
            return
        held = store.by_model_name.get(model_name)
        if held is None:
            return
        holders = held if isinstance(held, list) else [held]
        for job in holders:
            self._catch_up(job, is_get=False)
        holders = [job for job in holders if _holds_model_name(job)]  # a Failed or Stopped job never holds it again
        if not holders:
            del store.by_model_name[model_name]
            return
        store.by_model_name[model_name] = holders if len(holders) > 1 else holders[0]
        raise ApiError(*taken)

    def _check_base_model(self, request: Mapping[str, Any], region: str) -> None:
        """Strict base models: the base model must be in the catalogue for the job's customization type."""
        base = base_model_of(request["baseModelIdentifier"], region)
        ctype = request.get("customizationType", "FINE_TUNING")
        if base is not None and not supported(base[0], ctype, self.config.catalogue):
            raise ApiError("ValidationException", f"The base model {base[0]} does not support customization type {ctype}.")

    def _new_job(self, request: dict[str, Any], region: str) -> Job:
        base = base_model_of(request["baseModelIdentifier"], region)
        if base is None:
            raise ApiError("ResourceNotFoundException", f"The base model {request['baseModelIdentifier']} could not be found.")
        store = self._region(region)
        token = _token(request)
        seed = self._rng.randrange(2**32)
        self._seq += 1
        arn = values.job_arn(_random.Random(seed), base[0], region, self.config.account)
        job = Job(arn=arn, name=request["jobName"], region=region, seq=self._seq, request=request, created=self.clock.now(),
                  base_model_id=sys.intern(base[0]), base_model_arn=sys.intern(base[1]), seed=seed)  # one string per base model
        job.description()  # render once: a job the service could not describe is a bug, raised here
        store.by_arn[arn] = job
        store.index.add(job)
        store.by_name.setdefault(job.name, job)
        store.by_token.setdefault(token, job)
        held = store.by_model_name.get(request["customModelName"])
        store.by_model_name[request["customModelName"]] = job if held is None else [*held, job] if isinstance(held, list) else [held, job]
        return job

    def _get_model_customization_job(self, params: Mapping[str, Any], region: str) -> dict[str, Any]:
        job = self._lookup(params["jobIdentifier"], region)
        self._catch_up(job, is_get=True)
        job.gets_in_status += 1
        return job.answer()

    def _list_model_customization_jobs(self, params: Mapping[str, Any], region: str) -> dict[str, Any]:
        index = self._region(region).index
        self._catch_up_all(index)
        try:
            page, token = list_page(index, params, self.config.list_options)
        except BadToken as exc:
            raise ApiError("ValidationException", str(exc)) from None
        result: dict[str, Any] = {"modelCustomizationJobSummaries": [j.summary() for j in page]}
        if token is not None:
            result["nextToken"] = token
        return result

    def _stop_model_customization_job(self, params: Mapping[str, Any], region: str) -> dict[str, Any]:
        job = self._lookup(params["jobIdentifier"], region)
        self._catch_up(job, is_get=False)
        if job.status != "InProgress":
            refused = self.config.error("stop_inactive_error", name=job.name, status=job.status)
            if refused:
                raise ApiError(*refused)
            return {}  # stop_inactive_error=None: a Stop of a job that is not running changes nothing
        job.apply(Move("Stopping", job.stage), self.clock.now())
        return {}

    # -- helpers ----------------------------------------------------------------------------
    def _region(self, region: str) -> _Region:
        store = self._regions.get(region)
        if store is None:
            store = self._regions[region] = _Region(JobIndex(read_due(self.config.policy)))
        return store

    def _lookup(self, identifier: str, region: str) -> Job:
        store = self._region(region)
        job = store.by_arn.get(identifier) if identifier.startswith("arn:") else store.by_name.get(identifier)
        if job is None:
            raise ApiError("ResourceNotFoundException", f"The specified model customization job {identifier} could not be found.")
        return job

    def _catch_up_all(self, index: JobIndex) -> None:
        """Make every move a List read makes: of the jobs due by now, or (a policy without ``due``) of all of them."""
        if index.tracks_due:
            index.catch_up(self.clock.now(), lambda job: self._catch_up(job, is_get=False))
            return
        for job in list(index):
            self._catch_up(job, is_get=False)

    def _catch_up(self, job: Job, *, is_get: bool) -> None:
        if rules.is_terminal(job.status):
            return  # a terminal job never moves (nothing is legal after it): no policy is asked, no clock read
        now = self.clock.now()
        for _ in range(8):  # a policy makes at most a few moves per read
            move = self.config.policy.on_read(job, now, is_get=is_get)
            if move is None:
                return
            job.apply(move, now)

    # -- test-side controls ---------------------------------------------------------------------
    def find(self, ref: JobRef) -> Job:
        """The job named by ``ref`` (name, ARN or a dict with ``jobArn``), in any region."""
        key = ref.get("jobArn") or ref.get("jobName") if isinstance(ref, Mapping) else ref
        with self._lock:
            for store in self._regions.values():
                job = store.by_arn.get(str(key)) or store.by_name.get(str(key))
                if job is not None:
                    return job
            known = [j.name for s in self._regions.values() for j in s.by_arn.values()]
        raise KeyError(f"no simulated job {key!r}; the simulator has: {', '.join(known) or 'no jobs'}")

    def add_job(self, request: Mapping[str, Any], region: str = "us-east-1") -> Job:
        """Store a job as if created now, bypassing duplicate-name and token checks (request is validated)."""
        violations = validate_request("CreateModelCustomizationJob", request, region=region)
        if violations:
            raise ValueError("add_job: the request would be rejected: " + validation_message(violations))
        with self._lock:
            return self._new_job(_copy(dict(request)), region)

    def move(self, ref: JobRef, status: str, *, message: str | None = None) -> Job:
        """Move a job to ``status`` now (must be legal from where it is)."""
        get_model().status(status)
        with self._lock:
            job = self.find(ref)
            job.apply(Move(status, job.stage), self.clock.now(), message=message)
            return job

    def advance(self, ref: JobRef | None = None, steps: int = 1) -> list[Job]:
        """Move one job (or every unfinished job) ``steps`` steps along its path; returns the jobs moved."""
        with self._lock:
            jobs = [self.find(ref)] if ref is not None else self.jobs()
            moved = []
            for job in jobs:
                for _ in range(steps):
                    nxt = step(job, getattr(self.config.policy, "outcome", "Completed"))
                    if nxt is None:
                        break
                    job.apply(nxt, self.clock.now())
                    if job not in moved:
                        moved.append(job)
            return moved

    def jobs(self) -> list[Job]:
        """Every job, in creation order."""
        with self._lock:
            return sorted((j for s in self._regions.values() for j in s.by_arn.values()), key=lambda j: j.seq)

    def reset(self) -> None:
        with self._lock:
            self._regions.clear()
