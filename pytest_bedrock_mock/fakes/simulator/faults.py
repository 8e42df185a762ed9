"""Fault injection: throttling, internal errors, latency and one-shot errors.

Faults are served on the wire (a ``before-send`` answer), so botocore's retry handler
sees a 429 ``ThrottlingException`` or a 500 ``InternalServerException`` exactly as it
sees a real one and retries it (legacy mode: up to 5 attempts; standard: 3). Each
attempt counts as one call: with ``throttle_every=2`` every second attempt is
throttled, so every call succeeds on its first retry.

The schedule is kept *per botocore client*: each client has its own attempt counter
and its own ``random.Random(seed)`` for ``throttle_fraction`` /
``internal_error_fraction``, so what one client sees depends only on its own calls,
never on how threads using other clients interleave, and a run replays exactly. (Eight
threads with eight clients and ``throttle_every=7`` see every call succeed within one
retry; with one shared counter, one client's retries could each land on a 7th attempt.)
A client shared by several threads shares its schedule between them; requests that
come over HTTP (:mod:`pytest_bedrock_mock.fakes.server`) share one schedule. Errors
queued with :meth:`FaultInjector.fail_next` answer the next matching attempts of any
client, in order.

``latency`` (seconds) is slept on the simulator's clock before each answer (instant
under a virtual clock). ``operations`` limits the faults to some operations (names as
in the model or in snake case).

Public names: :class:`Faults`, :class:`FaultInjector`.
"""

from __future__ import annotations

import random as _random
import threading
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass

from pytest_bedrock_mock.core.errorcodes import error_status
from pytest_bedrock_mock.core.model import get_model

__all__ = ["FaultInjector", "Faults"]


@dataclass(frozen=True)
class Faults:
    """What to inject (all off by default)."""

    throttle_every: int = 0
    throttle_fraction: float = 0.0
    internal_error_every: int = 0
    internal_error_fraction: float = 0.0
    latency: float = 0.0
    operations: tuple[str, ...] | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("throttle_every", "internal_error_every"):
            if getattr(self, name) < 0:
                raise ValueError(f"Faults.{name} must be >= 0 (0 = off), got {getattr(self, name)}")
        for name in ("throttle_fraction", "internal_error_fraction"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"Faults.{name} must be between 0 and 1, got {getattr(self, name)}")
        if not 0 <= self.latency < float("inf"):  # NaN fails too
            raise ValueError(f"Faults.latency must be a finite number of seconds >= 0, got {self.latency}")
        if self.operations is not None:
            model = get_model()
            object.__setattr__(self, "operations", tuple(model.operation_name(op) for op in self.operations))

    @property
    def active(self) -> bool:
        return bool(self.throttle_every or self.throttle_fraction or self.internal_error_every or self.internal_error_fraction or self.latency)


class _Schedule:
    """One client's place in the fault schedule: its attempt count and its random stream."""

    __slots__ = ("count", "rng")

    def __init__(self, seed: int) -> None:
        self.count = 0
        self.rng = _random.Random(seed)


class FaultInjector:
    """Decides, per attempt, whether to answer with a fault. Thread safe; one schedule per client."""

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self._queued: deque[tuple[str | None, str, str | None]] = deque()
        self.configure(faults or Faults())

    def configure(self, faults: Faults) -> None:
        """Use ``faults`` from now on; every client's schedule starts again from its first attempt."""
        with self._lock:
            self.faults = faults
            self._schedules: dict[Hashable, _Schedule] = {}

    def fail_next(self, code: str, message: str | None = None, *, operation: str | None = None, times: int = 1) -> None:
        """Answer the next ``times`` attempts (of ``operation``, or any) with error ``code``."""
        model = get_model()
        op = model.operation_name(operation) if operation is not None else None
        for checked in ([op] if op else list(model.operations)):
            error_status(checked, code)  # documented for the operation or a common AWS error; else refused, with the choices
        with self._lock:
            self._queued.extend([(op, code, message)] * times)

    @property
    def active(self) -> bool:
        return self.faults.active or bool(self._queued)

    def latency(self, operation: str) -> float:
        f = self.faults
        return f.latency if f.operations is None or operation in f.operations else 0.0

    def decide(self, operation: str, client: Hashable = None) -> tuple[str, str | None] | None:
        """The ``(code, message)`` to answer this attempt of ``client`` with, or None to answer normally.

        ``client`` keys the schedule (:func:`pytest_bedrock_mock.fakes.intercept.current_client`);
        None is the schedule shared by callers that cannot be told apart.
        """
        with self._lock:
            for i, (op, code, message) in enumerate(self._queued):
                if op is None or op == operation:
                    del self._queued[i]
                    return code, message
            f = self.faults
            if f.operations is not None and operation not in f.operations:
                return None
            schedule = self._schedules.get(client)
            if schedule is None:
                schedule = self._schedules[client] = _Schedule(f.seed)
            schedule.count += 1
            n = schedule.count
            if f.throttle_every and n % f.throttle_every == 0:
                return "ThrottlingException", None
            if f.internal_error_every and n % f.internal_error_every == 0:
                return "InternalServerException", None
            if f.throttle_fraction and schedule.rng.random() < f.throttle_fraction:
                return "ThrottlingException", None
            if f.internal_error_fraction and schedule.rng.random() < f.internal_error_fraction:
                return "InternalServerException", None
        return None
