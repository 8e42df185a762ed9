"""The record of one answered bedrock call: what every fake logs and what coverage classifies.

>>> call = Call("GetModelCustomizationJob", {"jobIdentifier": "j"}, {"status": "Completed"}, "stubber")
>>> call.error_code is None
True

It sits in core, below both the fakes (which record and publish calls) and coverage
(which classifies them), so neither has to import the other. The observer registry is here
too: :func:`publish` tells every observer registered with :func:`add_observer` about one call.
The fakes publish what they answer (``source`` names the fake); the strategies publish the
responses they draw (``source="strategy"``), so an answer drawn and handed to the code under
test counts for coverage as an answer served.

Public names: :class:`Call`, :data:`STRATEGY`, :func:`add_observer`, :func:`remove_observer`, :func:`publish`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pytest_bedrock_mock.core.undo import Undo

__all__ = ["STRATEGY", "Call", "add_observer", "publish", "remove_observer"]

#: The ``Call.source`` of a response drawn from the kit's strategies (not served by a fake).
STRATEGY = "strategy"

#: Replaced, never changed in place: :func:`publish` reads it on every answer without a lock or a copy.
_observers: tuple[Callable[[Call], None], ...] = ()
_observers_lock = threading.Lock()


@dataclass(slots=True)
class Call:
    """One answered call.

    ``operation``: the operation name (``GetModelCustomizationJob``); ``params``: what the
    caller passed (before botocore filled in idempotency tokens; for a request from another
    process, the parameters parsed from the request); ``response``: the parsed answer as the
    client saw it (an error answer has ``Error.Code``); ``source``: which fake served it
    (``stubber``, ``simulator``, ``playback``, ``variant``, ...); ``ignored``: the member paths
    of a wire request that the model does not know (``trainingDataConfig.newField``), which
    the fake ignored as the service does (a client built from a newer model may send them).
    """

    operation: str
    params: dict[str, Any]
    response: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    ignored: tuple[str, ...] = ()

    @property
    def error_code(self) -> str | None:
        """The error code of an error answer, None for a successful one."""
        error = self.response.get("Error")
        return error.get("Code") if error else None


def add_observer(observer: Callable[[Call], None]) -> Undo[None]:
    """Call ``observer`` with every :class:`Call` published from now on.

    ``with add_observer(f): ...`` removes it after the block (so does ``.undo()``).
    """
    global _observers
    with _observers_lock:
        _observers = (*_observers, observer)
    return Undo(lambda: remove_observer(observer), None)


def remove_observer(observer: Callable[[Call], None]) -> None:
    global _observers
    with _observers_lock:
        if observer in _observers:
            i = _observers.index(observer)
            _observers = _observers[:i] + _observers[i + 1:]


def publish(call: Call) -> None:
    """Tell the observers about one call (fakes: every answer; strategies: every response drawn)."""
    for observer in _observers:
        observer(call)
