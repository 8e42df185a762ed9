"""A fake that serves one variant: every bedrock call answered consistently with it.

The variant's own operation gets the variant's answer (``GetModelCustomizationJob`` a job
in ``Stopped``, ``StopModelCustomizationJob`` a ``ConflictException``, ...); the other
operations get answers about the same job (Create returns its ARN, List lists it, Stop
succeeds). Answers are built on the wire and parsed by botocore's real parser at the
``before-call`` level (so no retries and no sleeping), exactly as a client would see them:
an unknown union member arrives as ``SDK_UNKNOWN_MEMBER``, an unknown field is dropped.
Every answer is logged in :attr:`VariantFake.calls` as the client saw it and published to the
interception's observers with source ``"variant"`` (fields newer than the model included, so
coverage sees them).

``max_calls`` bounds the calls one activation answers; the next call raises
:class:`CallBudgetExceeded` (a ``BaseException``, so ``except Exception`` in the code under
test cannot swallow it) — how :func:`~pytest_bedrock_mock.fakes.handles.assert_handles_every`
detects a function that never returns because it polls forever.

``settle_after=N`` lets a job shown in a status it does not stay in (``InProgress``,
``Stopping``, a status newer than the rules know) move on as a real job does: the first ``N``
Get answers show the variant, the next ones the same job in the first terminal status it can
reach (``Completed`` from ``InProgress``, ``Stopped`` from ``Stopping``; see
:func:`~pytest_bedrock_mock.core.rules.legal_next`), so a correct poller returns.

Public names: :class:`VariantFake`, :class:`CallBudgetExceeded`, :func:`serve`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from pytest_bedrock_mock import _variant_answers as answers
from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core import rules, wire
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.errors import CallBudgetExceeded
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.base import Call, FakeBase
from pytest_bedrock_mock.variants import Variant

__all__ = ["CallBudgetExceeded", "VariantFake", "serve"]


class VariantFake(FakeBase):
    """A :class:`~pytest_bedrock_mock.fakes.base.Fake` serving ``variant`` (see the module docstring)."""

    source = "variant"

    def __init__(self, variant: Variant, *, seed: int = 0, max_calls: int | None = None, settle_after: int | None = None) -> None:
        FakeBase.__init__(self)
        self.variant = variant
        self.seed = seed
        self.max_calls = max_calls
        self.settle_after = settle_after
        self.settled: str | None = None  #: the terminal status the job moved on to (``settle_after``), once it did
        self.polls = 0  #: Get answers that showed the variant
        self._job = answers.base_job(seed=seed) if variant.is_error else variant.job(seed)
        shape_members = get_model().output_shape("GetModelCustomizationJob").members
        self._extra = {k: v for k, v in self._job.items() if k not in shape_members}
        self._wire: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def _encode(self, operation: str) -> tuple[int, dict[str, str], bytes]:
        if operation not in self._wire:
            if operation == self.variant.operation:
                encoded = self.variant.wire(self.seed) if self.variant.is_error else wire.encode_response(operation, self._job)
            elif operation == "CreateModelCustomizationJob":
                encoded = wire.encode_response(operation, {"jobArn": self._job["jobArn"]})
            elif operation == "GetModelCustomizationJob":
                encoded = wire.encode_response(operation, self._job)
            elif operation == "ListModelCustomizationJobs":
                encoded = wire.encode_response(operation, builders.list_jobs_response([self._job], check=False))
            else:
                encoded = wire.encode_response(operation, {})
            self._wire[operation] = encoded
        return self._wire[operation]

    def answer_call(self, operation: str, params: dict[str, Any], request_params: dict[str, Any], context: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        if self.max_calls is not None and len(self.calls) >= self.max_calls:
            raise CallBudgetExceeded(f"more than {self.max_calls} bedrock calls while serving {self.variant.key}")
        if operation == "GetModelCustomizationJob" and not self.variant.is_error and self.settled is None:
            self.polls += 1
            if self.settle_after is not None and self.polls > self.settle_after:
                self._settle()
        status, headers, body = self._encode(operation)
        headers = {**headers, "x-amzn-RequestId": wire.request_id()}
        parsed = wire.parse(operation, status, headers, body)
        call = Call(operation, params, parsed, self.source)
        richer = None
        if self._extra and operation == "GetModelCustomizationJob" and status < 300:
            richer = Call(operation, params, {**parsed, **self._extra}, self.source)
        self.answered(call, published=richer)
        return wire.aws_response(status, headers, body), parsed

    def _settle(self) -> None:
        """Move the job on to the first terminal status it can reach (it stays as it is when it is terminal already)."""
        status = str(self._job.get("status", ""))
        terminal = next((s for s in rules.legal_next(status) if rules.is_terminal(s)), None)
        if terminal is None or rules.is_terminal(status):
            return
        job, ctype = self._job, self._job.get("customizationType")
        if ctype not in get_model().customization_types:  # a type newer than the model: the builders move a known one
            job = {**job, "customizationType": "FINE_TUNING"}
        moved = builders.job_lifecycle([terminal], job=job, seed=self.seed, check=False)[0]
        self._job = {**moved, **self._extra, "customizationType": ctype} if ctype is not None else {**moved, **self._extra}
        self._wire.clear()  # every operation now answers about the finished job
        self.settled = terminal


@contextlib.contextmanager
def serve(variant: Variant, *, seed: int = 0, max_calls: int | None = None, settle_after: int | None = None, owner: str | None = None) -> Iterator[VariantFake]:
    """Activate a :class:`VariantFake` for ``variant`` until the block ends."""
    fake = VariantFake(variant, seed=seed, max_calls=max_calls, settle_after=settle_after)
    with intercept.activate(fake, owner):
        yield fake
