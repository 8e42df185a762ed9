"""A Hypothesis state machine drives random create/get/list/stop/advance sequences against the simulator.

Throttling is switched on and off at random: botocore retries the throttled attempts,
which must not count as Gets or create jobs twice. The reference model below knows only
what the README documents (AfterGets(2): two
InProgress Gets, then the outcome; Stop -> one Stopping Get -> Stopped; duplicate names
-> ValidationException; a reused token -> the first job) and checks, after every step:
legal transitions, consistent and contract-valid answers, sub-tasks that never go back,
and List == the set of created jobs.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import ClientError
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, initialize, invariant, multiple, rule

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.contract.validate import validate_response
from pytest_bedrock_mock.core import rules
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.fakes.simulator import AfterGets, BedrockSimulator

NAMES = ("job-alpha", "job-beta", "fail-gamma", "fail-delta", "job-epsilon")
ORDER = {"NotStarted": 0, "InProgress": 1, "Stopping": 1, "Failed": 2, "Stopped": 2, "Completed": 2}


def _outcome(request: Any) -> str:
    return "Failed" if request["jobName"].startswith("fail") else "Completed"


class SimulatorMachine(RuleBasedStateMachine):
    jobs = Bundle("jobs")

    @initialize(level=st.sampled_from(["auto", "wire"]))  # auto: parsed level until throttling is on
    def start(self, level: str) -> None:
        self.sim = BedrockSimulator(policy=AfterGets(2, stopping=1, outcome=_outcome), level=level, seed=0, clock="virtual")
        self._active = self.sim.activated()
        self._active.__enter__()
        self.client = boto3.client("bedrock", region_name="us-east-1")
        self.status: dict[str, str] = {}  # arn -> last known status
        self.gets: dict[str, int] = {}  # arn -> Gets answered in that status
        self.subs: dict[str, list[str]] = {}
        self.names: dict[str, str] = {}  # name -> arn
        self.tokens: dict[str, str] = {}  # token -> arn

    def teardown(self) -> None:
        if hasattr(self, "_active"):
            self._active.__exit__(None, None, None)

    def _seen(self, arn: str, job: dict[str, Any]) -> None:
        assert validate_response("GetModelCustomizationJob", job) == []
        assert rules.check_consistency(job) == []
        before = self.status[arn]
        assert job["status"] in rules.legal_next(before), f"{before} -> {job['status']}"
        if job["status"] != before:
            self.gets[arn] = 0
        self.status[arn] = job["status"]
        if "statusDetails" in job:
            now = [job["statusDetails"][t]["status"] for t in get_model().sub_tasks]
            previous = self.subs.get(arn, now)
            assert all(ORDER[b] <= ORDER[a] for b, a in zip(previous, now)), f"sub-tasks went back: {previous} -> {now}"
            self.subs[arn] = now

    @rule(target=jobs, name=st.sampled_from(NAMES), ctype=st.sampled_from(["FINE_TUNING", "DISTILLATION"]),
          token=st.sampled_from([None, "tok-1", "tok-2", "tok-3"]), seed=st.integers(0, 3))
    def create(self, name: str, ctype: str, token: str | None, seed: int) -> Any:
        extra: dict[str, Any] = {"clientRequestToken": token} if token else {}
        request = builders.create_job_request(ctype, seed=seed, jobName=name, customModelName=f"{name}-model", **extra)
        try:
            arn = self.client.create_model_customization_job(**request)["jobArn"]
        except ClientError as exc:
            assert exc.response["Error"] == {"Code": "ValidationException", "Message": "The provided job name is currently in use."}
            assert name in self.names and token not in self.tokens
            return multiple()
        if token in self.tokens:
            assert arn == self.tokens[token]
            return multiple()
        assert name not in self.names
        self.names[name], self.status[arn], self.gets[arn] = arn, "InProgress", 0
        if token:
            self.tokens[token] = arn
        return arn

    @rule(arn=jobs, by_name=st.booleans())
    def get(self, arn: str, by_name: bool) -> None:
        before, n = self.status[arn], self.gets[arn]
        ident = self.sim.describe(arn)["jobName"] if by_name else arn
        job = self.client.get_model_customization_job(jobIdentifier=ident)
        self._seen(arn, job)
        expected = {("InProgress", True): _outcome(job), ("Stopping", True): "Stopped"}.get((before, n >= (2 if before == "InProgress" else 1)), before)
        assert job["status"] == expected
        self.gets[arn] += 1

    @rule(arn=jobs)
    def stop(self, arn: str) -> None:
        try:
            self.client.stop_model_customization_job(jobIdentifier=arn)
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "ValidationException" and self.status[arn] != "InProgress"
            return
        assert self.status[arn] == "InProgress"
        self.status[arn], self.gets[arn] = "Stopping", 0

    @rule(arn=jobs, steps=st.integers(1, 3))
    def advance(self, arn: str, steps: int) -> None:
        self.sim.advance(arn, steps)
        self._seen(arn, self.sim.describe(arn))

    @rule(every=st.sampled_from([0, 2, 3]))
    def throttle(self, every: int) -> None:
        """Throttled attempts are retried by botocore and must change nothing (no lost Get, no second job)."""
        self.sim.set_faults(throttle_every=every)

    @rule(arn=consumes(jobs))
    def forget(self, arn: str) -> None:
        """Stop drawing this job (it stays in the simulator and in List)."""

    @rule(size=st.integers(1, 4), status=st.sampled_from([None, *get_model().statuses]))
    def list_jobs(self, size: int, status: str | None) -> None:
        params = {"statusEquals": status} if status else {}
        pages = self.client.get_paginator("list_model_customization_jobs").paginate(**params, PaginationConfig={"PageSize": size})
        listed = [s for p in pages for s in p["modelCustomizationJobSummaries"]]
        arns = [s["jobArn"] for s in listed]
        assert len(arns) == len(set(arns))
        assert set(arns) == {a for a, s in self.status.items() if status is None or s == status}
        created = [s["creationTime"] for s in listed]
        assert created == sorted(created, reverse=True)

    @invariant()
    def every_job_is_consistent(self) -> None:
        if not hasattr(self, "sim"):
            return
        for job in self.sim.jobs:
            assert rules.check_consistency(job) == []
            assert job["status"] == self.status[job["jobArn"]]


SimulatorMachine.TestCase.settings = settings(max_examples=settings().max_examples, stateful_step_count=25, deadline=None)
TestSimulatorMachine = SimulatorMachine.TestCase
