"""The simulator as a fake: answers every bedrock client through :mod:`pytest_bedrock_mock.fakes.intercept`.

Without faults, calls are answered at the *parsed* level (``before-call``), which is
fast: no signing, no HTTP, no parsing. With faults configured (or ``level="wire"``)
every call is answered at the *wire* level (``before-send``): the request botocore
serialized and signed is routed like the service routes it, and the answer is rest-json
bytes that botocore's real parser and retry handler process. The HTTP server
(:mod:`pytest_bedrock_mock.fakes.server`) serves the same :meth:`BedrockSimulator.handle_http`.

Every answer is kept in :attr:`BedrockSimulator.calls` (a
:class:`~pytest_bedrock_mock.fakes.base.CallLog`, ``source="simulator"``) and published to
the interception's observers.

Public names: :class:`BedrockSimulator`, :func:`simulate`.
"""

from __future__ import annotations

import contextlib
import email.utils
import random as _random
import time
from collections.abc import Hashable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSResponse, HeadersDict

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.contract.validate import validate_response, validation_message
from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.core.model import OPERATIONS, get_model
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.base import Call, FakeBase
from pytest_bedrock_mock.fakes.simulator.backend import ApiError, Backend, JobRef
from pytest_bedrock_mock.fakes.simulator.clock import Clock, RealClock, VirtualClock
from pytest_bedrock_mock.fakes.simulator.config import PARSED_FAULTS, SimulatorConfig
from pytest_bedrock_mock.fakes.simulator.faults import FaultInjector, Faults
from pytest_bedrock_mock.fakes.simulator.jobs import SimulatorBug
from pytest_bedrock_mock.fakes.simulator.policies import Move
from pytest_bedrock_mock.fakes.simulator.routing import NoRoute, match, region_of, request_params

__all__ = ["BedrockSimulator", "simulate"]

SOURCE = "simulator"


class BedrockSimulator(FakeBase):
    """A stateful in-memory Bedrock (model-customization jobs). See docs/simulator.md.

    ``BedrockSimulator(policy=AfterGets(5), faults=Faults(throttle_every=3), clock="virtual")``;
    options are those of :class:`~pytest_bedrock_mock.fakes.simulator.config.SimulatorConfig`.
    """

    source = SOURCE

    def __init__(self, config: SimulatorConfig | None = None, *, clock: Clock | str | None = None,
                 default_region: str = "us-east-1", **options: Any) -> None:
        self.config = (config or SimulatorConfig()).replace(**options) if options else (config or SimulatorConfig())
        self.clock: Clock = VirtualClock() if clock == "virtual" else RealClock() if clock in (None, "real") else clock  # type: ignore[assignment]
        if isinstance(clock, str) and clock not in ("virtual", "real"):
            raise ValueError(f"clock must be 'real', 'virtual' or a Clock object, got {clock!r}")
        FakeBase.__init__(self)
        self.default_region = default_region
        self.backend = Backend(self.config, self.clock)
        self.faults = FaultInjector(self.config.faults)

    # -- the Fake protocol --------------------------------------------------------------------
    def answer_call(self, operation: str, params: dict[str, Any], request_params: dict[str, Any], context: dict[str, Any]) -> tuple[Any, dict[str, Any]] | None:
        if operation not in OPERATIONS or self._wire_level():
            return None
        region = context.get("client_region") or self.default_region
        try:
            answer = self.backend.call(operation, request_params, region)
        except ApiError as exc:
            http, parsed = wire.parsed_error(operation, exc.code, exc.message)
            self._served(operation, params, parsed)
            return http, parsed
        self._served(operation, params, answer)
        status = get_model().success_status(operation)
        rid = _request_id()
        headers = {"x-amzn-requestid": rid, "content-type": "application/json", "date": _http_date()}
        answer["ResponseMetadata"] = {"RequestId": rid, "HTTPStatusCode": status, "HTTPHeaders": headers, "RetryAttempts": 0}
        return _ParsedResponse("https://bedrock.fake/", status, headers), answer

    def answer_send(self, operation: str, request: Any) -> Any | None:
        if operation not in OPERATIONS:
            return None
        parts = urlsplit(request.url)
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        status, headers, body = self.handle_http(request.method, parts.path, parts.query, headers, request.body, host=parts.netloc,
                                                 caller_params=intercept.caller_params(), client=intercept.current_client())
        return wire.aws_response(status, headers, body)

    def _wire_level(self) -> bool:
        level = self.config.level
        return level == "wire" or (level == "auto" and self.faults.active)

    # -- the wire: shared by answer_send and the HTTP server -----------------------------------------
    def handle_http(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes | str | None, *, host: str = "",
                    caller_params: dict[str, Any] | None = None, client: Hashable = None) -> tuple[int, dict[str, str], bytes]:
        """Answer one rest-json request with ``(status, headers, body)`` bytes.

        ``caller_params`` (an in-process caller's own parameters) is what :attr:`calls` logs;
        without it, the parameters parsed from the request. ``client`` keys the fault schedule.
        """
        try:
            operation, labels = match(method, path)
        except NoRoute as exc:
            return wire.encode_service_error("UnknownOperationException", str(exc))
        try:
            params, bad, ignored = request_params(operation, labels, query, body)
            unreadable = None
        except ApiError as exc:  # a body that cannot be deserialized (SerializationException)
            params, bad, ignored, unreadable = {}, [], (), exc
        logged = caller_params or params
        latency = self.faults.latency(operation)
        if latency:
            self.clock.sleep(latency)
        fault = self.faults.decide(operation, client)
        if fault is not None:
            return self._wire_error(operation, logged, fault[0], fault[1], ignored)
        if unreadable is not None:
            return self._wire_error(operation, logged, unreadable.code, unreadable.message)
        if bad:
            return self._wire_error(operation, logged, "ValidationException", validation_message(bad), ignored)
        try:
            answer = self.backend.call(operation, params, region_of(headers, host, self.default_region))
        except ApiError as exc:
            return self._wire_error(operation, logged, exc.code, exc.message, ignored)
        self._served(operation, logged, answer, ignored)
        return wire.encode_response(operation, answer)

    def _wire_error(self, operation: str, params: dict[str, Any], code: str, message: str | None,
                    ignored: tuple[str, ...] = ()) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = wire.encode_error(operation, code, message)
        self._served(operation, params, wire.parse(operation, status, headers, body), ignored)
        return status, headers, body

    def _served(self, operation: str, params: dict[str, Any], response: dict[str, Any], ignored: tuple[str, ...] = ()) -> None:
        if self.config.strict and "Error" not in response:
            problems = validate_response(operation, response)
            if problems:
                raise SimulatorBug(f"{operation} answer breaks the contract: " + "; ".join(map(str, problems)))
        self.answered(Call(operation, params, response, SOURCE, ignored))

    # -- activation ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def activated(self, owner: str | None = None) -> Iterator[BedrockSimulator]:
        """Answer every bedrock client until the block ends; a virtual clock also takes over ``time.sleep``."""
        with contextlib.ExitStack() as stack:
            stack.enter_context(intercept.activate(self, owner))
            if isinstance(self.clock, VirtualClock):
                stack.enter_context(self.clock.patch_sleep())
            yield self

    @property
    def virtual_clock(self) -> VirtualClock:
        """The simulator's clock when it is virtual (``clock="virtual"``), to advance by hand."""
        if not isinstance(self.clock, VirtualClock):
            raise TypeError(f"this simulator's clock is {self.clock!r}; pass clock='virtual' to move time by hand")
        return self.clock

    def client(self, region: str = "us-east-1", **kwargs: Any) -> Any:
        """A real botocore bedrock client (answered by whichever fake is active)."""
        import botocore.session

        return botocore.session.get_session().create_client("bedrock", region_name=region, **kwargs)

    # -- test-side controls ------------------------------------------------------------------------
    def add_job(self, status: str = "InProgress", customization_type: str = "FINE_TUNING", *, region: str = "us-east-1",
                seed: int | None = None, message: str | None = None, **request: Any) -> str:
        """Store a job directly (no call is served) and walk it to ``status``; returns its ARN."""
        get_model().status(status)
        rng = _random.Random(seed) if seed is not None else None
        params = builders.create_job_request(customization_type, seed=seed, rng=rng, region=region, **request)
        job = self.backend.add_job(params, region)
        path = {"Stopping": ["Stopping"], "Stopped": ["Stopping", "Stopped"], "InProgress": []}.get(status, [status])
        for target in path:
            self.backend.move(job.arn, target, message=message)
        return job.arn

    def complete(self, job: JobRef) -> dict[str, Any]:
        """Finish a job as ``Completed`` now; returns its description."""
        return self.describe(self.backend.move(job, "Completed").arn)

    def fail(self, job: JobRef, message: str | None = None) -> dict[str, Any]:
        """Finish a job as ``Failed`` now, with ``failureMessage`` (a realistic one by default)."""
        return self.describe(self.backend.move(job, "Failed", message=message).arn)

    def stop(self, job: JobRef) -> dict[str, Any]:
        """Move a job to ``Stopping`` as a Stop call would (no call is served)."""
        return self.describe(self.backend.move(job, "Stopping").arn)

    def advance(self, job: JobRef | None = None, steps: int = 1) -> list[str]:
        """Move a job (or every unfinished job) ``steps`` steps along its path; returns the ARNs moved."""
        return [j.arn for j in self.backend.advance(job, steps)]

    def move(self, job: JobRef, status: str, *, stage: int | None = None, message: str | None = None) -> dict[str, Any]:
        """Move a job to any status legal from where it is (``stage`` picks the running sub-task)."""
        found = self.backend.find(job)
        with self.backend._lock:
            found.apply(Move(status, found.stage if stage is None else stage), self.clock.now(), message=message)
        return self.describe(found.arn)

    def describe(self, job: JobRef) -> dict[str, Any]:
        """The job's current Get answer, without counting as a Get (no policy move)."""
        found = self.backend.find(job)
        with self.backend._lock:
            return found.answer()  # a deep copy: changing it never changes the job

    @property
    def jobs(self) -> list[dict[str, Any]]:
        """Every job's current description, in creation order."""
        return [self.describe(j.arn) for j in self.backend.jobs()]

    def fail_next(self, code: str, message: str | None = None, *, operation: str | None = None, times: int = 1) -> None:
        """Answer the next ``times`` calls (of ``operation``, or any) with error ``code`` (on the wire, so retries see it)."""
        self._check_level()
        self.faults.fail_next(code, message, operation=operation, times=times)

    def set_faults(self, faults: Faults | None = None, **options: Any) -> None:
        """Replace the fault configuration (``set_faults(throttle_every=2)``; ``set_faults()`` turns them off)."""
        chosen = faults if faults is not None else Faults(**options)
        if chosen.active:
            self._check_level()
        self.faults.configure(chosen)

    def _check_level(self) -> None:
        if self.config.level == "parsed":
            raise ValueError(PARSED_FAULTS)

    def reset(self) -> None:
        """Forget every job, call and fault (the server's ``/_reset``)."""
        self.backend.reset()
        self.faults = FaultInjector(self.config.faults)
        self.calls.clear()

    def __repr__(self) -> str:
        return f"<BedrockSimulator {len(self.backend.jobs())} jobs, policy={self.config.policy!r}, clock={self.clock!r}>"


_ids = _random.Random()
_date_cache: list[Any] = [0, ""]


class _ParsedResponse(AWSResponse):
    """botocore's :class:`AWSResponse` for an answer given before the wire: its ``HeadersDict`` is made when first
    read (botocore reads only the status code of an answer a ``before-call`` handler gives)."""

    def __init__(self, url: str, status_code: int, headers: dict[str, str]) -> None:
        self.url, self.status_code, self.raw, self._content = url, status_code, None, None
        self._plain_headers: dict[str, str] = headers
        self._headers: HeadersDict | None = None

    @property  # type: ignore[override]
    def headers(self) -> HeadersDict:
        if self._headers is None:
            self._headers = HeadersDict(self._plain_headers)
        return self._headers

    @headers.setter
    def headers(self, value: Mapping[str, str]) -> None:
        self._headers = HeadersDict(value)


def _request_id() -> str:
    """A random UUID-4-shaped request id (cheaper than :func:`uuid.uuid4`; it only needs to look right)."""
    r = _ids.getrandbits(122)  # the 122 random bits of a UUID 4: 32 + 16 + 12 + 2 + 12 + 48
    return f"{r >> 90:08x}-{r >> 74 & 0xFFFF:04x}-4{r >> 62 & 0xFFF:03x}-{8 | r >> 60 & 3:x}{r >> 48 & 0xFFF:03x}-{r & 0xFFFFFFFFFFFF:012x}"


def _http_date() -> str:
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache[:] = [now, email.utils.formatdate(now, usegmt=True)]
    return str(_date_cache[1])


@contextlib.contextmanager
def simulate(config: SimulatorConfig | None = None, *, clock: Clock | str | None = None, **options: Any) -> Iterator[BedrockSimulator]:
    """``with simulate() as fake:`` -- the simulator outside pytest (what the ``bedrock_fake`` fixture does)."""
    sim = BedrockSimulator(config, clock=clock, **options)
    with sim.activated():
        yield sim
