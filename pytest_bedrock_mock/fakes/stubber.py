"""``BedrockStubber``: botocore's Stubber, answering every bedrock client, with job-aware helpers.

It is a :class:`botocore.stub.Stubber` (the plain API — ``add_response``,
``add_client_error``, ``assert_no_pending_responses``, ``with stubber:`` — keeps
working) that answers through :mod:`pytest_bedrock_mock.fakes.intercept`, so every bedrock
client the code under test creates is served from the same queue. On top:

* helpers that queue consistent answers of one job (``add_create_job``,
  ``add_get_job``, ``add_job_lifecycle``, ``add_list_jobs``, ``add_stop_job``) and
  documented errors only (``add_client_error``);
* every request is checked with :func:`~pytest_bedrock_mock.contract.validate.validate_request`
  first and answered with the service's ``ValidationException`` when invalid;
* ``expected_params`` accept ``ANY`` at any depth and ``partial(...)``; a mismatch
  names each differing field;
* ``calls`` logs every answered call; ``unordered=True`` matches queued answers by
  operation and parameters instead of by position;
* failures raised into the code under test are remembered, so a test that swallows
  them still fails (see :meth:`BedrockStubber.verify`).

Outside pytest (a script, ``unittest``, a Hypothesis ``@given`` test), :func:`stub` is the
``bedrock_stubber`` fixture as a context manager, with the same end-of-block checks
(:func:`stubbing` is their one home; the fixture uses it too)::

    with stub() as stubber:
        stubber.add_get_job("Completed")
        ...                                  # any bedrock client is answered

Public names: :class:`BedrockStubber`, :class:`StubberError`, :func:`stub`, :func:`stubbing`, :class:`Stubbing`.
"""

from __future__ import annotations

import contextlib
import functools
import random
import sys
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.awsrequest import AWSResponse
from botocore.exceptions import StubAssertionError, UnStubbedResponseError
from botocore.stub import Stubber
from botocore.validate import validate_parameters

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.contract.validate import validate_request, validate_response, validation_message
from pytest_bedrock_mock.core import rules, wire
from pytest_bedrock_mock.core.copying import copy_value
from pytest_bedrock_mock.core.errorcodes import error_status
from pytest_bedrock_mock.core.model import UnknownNameError, get_model
from pytest_bedrock_mock.errors import StubberError
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.base import Call, CallLog, FakeBase
from pytest_bedrock_mock.fakes.matching import diff

__all__ = ["BedrockStubber", "StubberError", "Stubbing", "stub", "stubbing"]

_T = TypeVar("_T")

_PACKAGE_DIR = __file__.rsplit("/", 1)[0]


@dataclass
class _Queued:
    operation: str
    http: AWSResponse
    parsed: dict[str, Any]
    expected: Any
    origin: str

    def describe(self) -> str:
        error = self.parsed.get("Error")
        what = f"error {error['Code']}" if error else (f"status {self.parsed['status']}" if "status" in self.parsed else "answer")
        return f"{self.operation} -> {what} (queued at {self.origin})"


def _noting_refusals(method: Callable[..., _T]) -> Callable[..., _T]:
    """An ``add_*`` helper that, when it refuses what it is asked to queue, says so to :meth:`BedrockStubber.verify`.

    The refusal is the test's one report; teardown then does not add "never called" for the same cause.
    """

    @functools.wraps(method)
    def wrapper(self: BedrockStubber, *args: Any, **kwargs: Any) -> _T:
        try:
            return method(self, *args, **kwargs)
        except Exception:
            self.refused = True
            raise

    return wrapper


def _origin() -> str:
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
    return f"{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno}" if frame is not None else "?"


class BedrockStubber(Stubber, FakeBase):
    """A botocore Stubber for bedrock that answers every bedrock client (see the module docstring)."""

    source = "stubber"

    def __init__(self, client: Any = None, *, validate_requests: bool = True, unordered: bool = False, seed: int | None = None) -> None:
        # The client only routes itself early (every bedrock client is answered anyway); None is fine (stub() passes it).
        Stubber.__init__(self, intercept.attach(client) if client is not None else None)
        FakeBase.__init__(self)
        self.validate_requests = validate_requests
        self.unordered = unordered
        self.calls_inspected = False
        self.refused = False  #: an add_* helper refused to queue something (the test saw that error)
        self.failures: list[BaseException] = []
        self._pending: deque[_Queued] = deque()
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._job: dict[str, Any] | None = None
        self._activation: contextlib.ExitStack | None = None

    @property
    def calls(self) -> CallLog:
        """Every call answered so far (reading it counts as checking that calls happened)."""
        self.calls_inspected = True
        return self._calls

    # -- activation -----------------------------------------------------------------
    def activate(self, owner: str | None = None) -> None:
        """Answer every bedrock client until :meth:`deactivate` (``with stubber:`` does both)."""
        if self._activation is None:
            stack = contextlib.ExitStack()
            stack.enter_context(intercept.activate(self, owner))
            self._activation = stack

    def deactivate(self) -> None:
        if self._activation is not None:
            self._activation.close()
            self._activation = None

    # -- the plain Stubber API ---------------------------------------------------------
    @_noting_refusals
    def add_response(self, method: str, service_response: Mapping[str, Any], expected_params: Any = None) -> None:
        """Queue a successful answer (validated against botocore's shapes and our contract)."""
        op = self._operation(method)
        body = {k: v for k, v in service_response.items() if k != "ResponseMetadata"}
        problems = validate_response(op, body)
        if problems:
            raise StubberError(f"the {op} answer is not one the service could send: " + "; ".join(map(str, problems)) + " (the add_get_job/add_list_jobs helpers build complete answers)")
        validate_parameters(body, get_model().output_shape(op))  # botocore's own check, as Stubber does
        status = get_model().success_status(op)
        self._queue_answer(op, AWSResponse(None, status, {}, None), copy_value(dict(service_response)), expected_params)

    @_noting_refusals
    def add_client_error(  # type: ignore[override]
        self,
        method: str,
        service_error_code: str = "",
        service_message: str | None = None,
        http_status_code: int | None = None,
        service_error_meta: Mapping[str, Any] | None = None,
        expected_params: Any = None,
        response_meta: Mapping[str, Any] | None = None,
        modeled_fields: Mapping[str, Any] | None = None,
    ) -> None:
        """Queue a documented error of the operation (or a common AWS error) with its HTTP status.

        The status is the model's, or for a common AWS error (``ExpiredTokenException``, ...)
        that of :data:`~pytest_bedrock_mock.core.errorcodes.COMMON_ERRORS`. Any other code is
        refused with the list of valid ones; so is an ``http_status_code`` other than that status.
        """
        op = self._operation(method)
        try:
            status = error_status(op, service_error_code)
        except UnknownNameError as exc:
            raise StubberError(str(exc)) from None
        if http_status_code is not None and http_status_code != status:
            raise StubberError(f"{service_error_code} is sent with HTTP {status}, not {http_status_code}")
        info = get_model().errors(op).get(service_error_code)
        http, parsed = wire.parsed_error(op, service_error_code, service_message)
        if service_error_meta:
            parsed["Error"].update(service_error_meta)
        if response_meta:
            parsed["ResponseMetadata"].update(response_meta)
        if modeled_fields:
            if info is None:
                raise StubberError(f"{service_error_code} is a common AWS error: it has no modelled fields")
            validate_parameters(dict(modeled_fields), info.shape)
            parsed.update(modeled_fields)
        self._queue_answer(op, http, parsed, expected_params)

    def assert_no_pending_responses(self) -> None:
        __tracebackhide__ = True
        if self._pending:
            lines = "\n".join(f"  {i}. {q.describe()}" for i, q in enumerate(self._pending, 1))
            raise AssertionError(
                f"{len(self._pending)} queued bedrock answer(s) were never requested:\n{lines}\n"
                "Remove them, or mark the test @pytest.mark.bedrock_allow_unused (docs/stubber.md#unused-answers)."
            )

    # -- job-aware helpers -------------------------------------------------------------
    @_noting_refusals
    def add_create_job(self, expected_params: Any = None, *, customization_type: str | None = None, **overrides: Any) -> str:
        """Queue the answer to CreateModelCustomizationJob; returns the new job's ARN.

        ``overrides`` are fields of the job (``jobName=...``, ``jobArn=...``) that later
        ``add_get_job``/``add_job_lifecycle`` answers share. When ``expected_params`` is a
        complete request, the job echoes it.
        """
        ctype = customization_type or (expected_params or {}).get("customizationType") or "FINE_TUNING"
        request = expected_params if _is_concrete_request(expected_params) else None
        self._job = self._build(["InProgress"], ctype, None, request=request, **overrides)[0]
        self._queue_answer("CreateModelCustomizationJob", AWSResponse(None, get_model().success_status("CreateModelCustomizationJob"), {}, None), builders.create_job_response(self._job), expected_params)
        return str(self._job["jobArn"])

    @_noting_refusals
    def add_get_job(self, status: str = "Completed", *, customization_type: str | None = None, expected_params: Any = None, **overrides: Any) -> dict[str, Any]:
        """Queue one GetModelCustomizationJob answer for the current job (or a new one); returns it."""
        return self.add_job_lifecycle([status], customization_type=customization_type, expected_params=expected_params, **overrides)[0]

    @_noting_refusals
    def add_job_lifecycle(self, statuses: Sequence[str], *, customization_type: str | None = None, expected_params: Any = None, **overrides: Any) -> list[dict[str, Any]]:
        """Queue successive Get answers of one consistent job through ``statuses``; returns them.

        They continue the current job (the one of ``add_create_job`` or of earlier Get answers)
        when it can legally be in ``statuses[0]`` next; otherwise they describe another job.
        """
        current = self._job
        if current is not None and (not statuses or statuses[0] not in rules.legal_next(current["status"])):
            current = None  # the current job cannot be in that status next: this is another job
        jobs = self._build(list(statuses), customization_type, current, **overrides)
        self._job = jobs[-1]
        for job in jobs:
            self.add_response("get_model_customization_job", job, expected_params)
        return jobs

    @_noting_refusals
    def add_list_jobs(self, jobs: Sequence[Mapping[str, Any]] | None = None, *, statuses: Sequence[str] = ("Completed",), customization_type: str | None = None, next_token: str | None = None, expected_params: Any = None) -> dict[str, Any]:
        """Queue a ListModelCustomizationJobs page (of ``jobs``, or one new job per status)."""
        if jobs is None:
            jobs = [self._build([s], customization_type or "FINE_TUNING", None)[0] for s in statuses]
        response = builders.list_jobs_response(list(jobs), next_token=next_token)
        self.add_response("list_model_customization_jobs", response, expected_params)
        return response

    @_noting_refusals
    def add_stop_job(self, expected_params: Any = None) -> None:
        """Queue the (empty) answer to StopModelCustomizationJob."""
        self.add_response("stop_model_customization_job", {}, expected_params)

    # -- serving (the Fake protocol) ---------------------------------------------------------
    def answer_call(self, operation: str, params: dict[str, Any], request_params: dict[str, Any], context: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        if self.validate_requests:
            violations = validate_request(operation, request_params, region=context.get("client_region"))
            if violations:
                answer = wire.parsed_error(operation, "ValidationException", validation_message(violations))
                return self._served(operation, params, answer)
        entry = self._take(operation, params)
        parsed = entry.parsed  # a private copy made when it was queued, served once
        self.answered(Call(operation, params, parsed, self.source))
        return entry.http, parsed

    def verify(self, *, allow_unused: bool = False) -> None:
        """Fail for stub failures (even ones the code under test swallowed), unused answers, or no use at all."""
        __tracebackhide__ = True
        if self.failures:
            raise AssertionError("bedrock stub failures were raised into the code under test:\n" + "\n".join(f"  - {f}" for f in self.failures))
        if allow_unused:
            return
        self.assert_no_pending_responses()
        if not self._calls and not self.calls_inspected and not self.refused:
            raise AssertionError(
                "the bedrock stubber was never called and the test never looked at bedrock_stubber.calls: "
                "the code under test did not reach Bedrock. Queue answers the code needs, assert on "
                "bedrock_stubber.calls (e.g. calls.assert_not_called(...)), or mark the test "
                "@pytest.mark.bedrock_allow_unused (docs/stubber.md#unused-answers)."
            )

    # -- internals ----------------------------------------------------------------------
    def _operation(self, method: str) -> str:
        try:
            return get_model().operation_name(method)
        except UnknownNameError as exc:
            raise StubberError(str(exc)) from None

    def _queue_answer(self, op: str, http: AWSResponse, parsed: dict[str, Any], expected: Any) -> None:
        meta = parsed.setdefault("ResponseMetadata", {})  # what botocore's parser would add, added once here
        meta.setdefault("HTTPStatusCode", http.status_code)
        meta.setdefault("RetryAttempts", 0)
        with self._lock:
            self._pending.append(_Queued(op, http, parsed, expected, _origin()))

    def _build(self, statuses: list[str], customization_type: str | None, job: Mapping[str, Any] | None, *, request: Mapping[str, Any] | None = None, **overrides: Any) -> list[dict[str, Any]]:
        try:
            if request is not None and job is None:
                job = builders.job_description(statuses[0], customization_type or "FINE_TUNING", rng=self._rng, request=request, check=False)
            return builders.job_lifecycle(statuses, customization_type, job=job, rng=self._rng, **overrides)
        except (builders.BuildError, UnknownNameError) as exc:
            raise StubberError(str(exc)) from None

    def _served(self, operation: str, params: dict[str, Any], answer: tuple[Any, dict[str, Any]]) -> tuple[Any, dict[str, Any]]:
        self.answered(Call(operation, params, answer[1], self.source))
        return answer

    def _fail(self, exc: BaseException) -> BaseException:
        self.failures.append(exc)
        return exc

    def _take(self, operation: str, params: dict[str, Any]) -> _Queued:
        """The queued answer for this call, taken off the queue (thread-safe: see below)."""
        if not self.unordered:  # the head, taken with one atomic popleft and put back if it does not fit
            try:
                head = self._pending.popleft()
            except IndexError:
                raise self._fail(UnStubbedResponseError(operation_name=operation, reason=f"nothing is queued for this call with {params!r}; queue an answer first (for example bedrock_stubber.add_get_job(...)); calls so far: {len(self._calls)}")) from None
            if head.operation != operation:
                self._pending.appendleft(head)
                raise self._fail(StubAssertionError(operation_name=operation, reason=f"the next queued answer is {head.describe()}, but {operation}({params!r}) was called (use unordered=True for calls in no fixed order)"))
            problems = [] if head.expected is None else diff(head.expected, params)
            if problems:
                self._pending.appendleft(head)
                raise self._fail(StubAssertionError(operation_name=operation, reason=f"parameters differ from the expected ones of {head.describe()}:\n  " + "\n  ".join(problems)))
            return head
        with self._lock:  # a search and a removal: one thread at a time
            if not self._pending:
                raise self._fail(UnStubbedResponseError(operation_name=operation, reason=f"nothing is queued for this call with {params!r}; queue an answer first (for example bedrock_stubber.add_get_job(...)); calls so far: {len(self._calls)}"))
            candidates = [q for q in self._pending if q.operation == operation]
            for q in candidates:
                if q.expected is None or not diff(q.expected, params):
                    self._pending.remove(q)
                    return q
        detail = "\n".join(f"  {q.describe()}:\n    " + "\n    ".join(diff(q.expected, params)) for q in candidates) or "  (none queued for this operation)"
        raise self._fail(StubAssertionError(operation_name=operation, reason=f"no queued answer matches {operation}({params!r}):\n{detail}"))


def _is_concrete_request(params: Any) -> bool:
    if not isinstance(params, Mapping):
        return False
    required = get_model().input_shape("CreateModelCustomizationJob").required_members
    return all(isinstance(params.get(k), (str, dict)) for k in required)


class Stubbing:
    """``with stubbing(...) as stubber:`` (see :func:`stubbing`); a class, so no ``contextlib`` frame shows in a failure."""

    def __init__(self, stubber: BedrockStubber, *, owner: str, allow_unused: bool = False, failed: Callable[[], bool] = lambda: False) -> None:
        self.stubber, self.owner, self.allow_unused, self.failed = stubber, owner, allow_unused, failed

    def __enter__(self) -> BedrockStubber:
        self.stubber.activate(self.owner)
        return self.stubber

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        __tracebackhide__ = True
        self.stubber.deactivate()
        if exc_type is None and not self.failed():
            self.stubber.verify(allow_unused=self.allow_unused)


def stubbing(stubber: BedrockStubber, *, owner: str, allow_unused: bool = False, failed: Callable[[], bool] = lambda: False) -> Stubbing:
    """Activate ``stubber`` for the block, then run the end-of-block checks (:meth:`BedrockStubber.verify`).

    The checks run only when the block ended normally and ``failed()`` is false (the fixture
    passes "did the test fail"): one cause, one report. ``owner`` names the stubber in a
    :class:`~pytest_bedrock_mock.errors.FakeConflictError`.
    """
    return Stubbing(stubber, owner=owner, allow_unused=allow_unused, failed=failed)


def stub(*, validate_requests: bool = True, unordered: bool = False, seed: int | None = None, allow_unused: bool = False) -> Stubbing:
    """``with stub() as stubber:`` -- the ``bedrock_stubber`` fixture as a context manager (scripts, ``unittest``, ``@given``).

    Every bedrock client, created anywhere and at any time (a module-level one too), is answered
    from ``stubber``'s queue until the block ends. At the end of a block that raised nothing,
    the fixture's checks run: a stub failure the code swallowed, an answer queued and never
    used, or a stubber never called and whose ``calls`` were never read fail with an
    ``AssertionError`` (``allow_unused=True`` keeps only the first). Options are those of the
    fixture's ``stubber.*`` options (docs/stubber.md).
    """
    stubber = BedrockStubber(validate_requests=validate_requests, unordered=unordered, seed=seed)  # no client to create: cheap per example
    return stubbing(stubber, owner="pytest_bedrock_mock.stub()", allow_unused=allow_unused)
