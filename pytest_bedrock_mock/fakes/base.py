"""What every fake is: the :class:`Fake` protocol, its :class:`CallLog`, and the one-fake rule.

The stubber, the simulator, cassette playback/recording and the variant fake all implement
:class:`Fake` (by subclassing :class:`FakeBase`); :mod:`~pytest_bedrock_mock.fakes.intercept`
routes every bedrock client to the one active fake. Each answered call is one
:class:`~pytest_bedrock_mock.core.calls.Call` in the fake's :attr:`~Fake.calls`:

>>> log = CallLog()
>>> log.record(Call("GetModelCustomizationJob", {"jobIdentifier": "j"}, {"status": "Completed"}, "stubber"))
>>> log.assert_called_once_with("get_model_customization_job", jobIdentifier="j")
>>> log.operations
['GetModelCustomizationJob']

Fakes publish every answer to the observers registered with :func:`add_observer` (coverage
is one; the plugin registers it) through :func:`publish`; both live in
:mod:`pytest_bedrock_mock.core.calls` (the strategies publish what they draw there too) and are
re-exported here and by :mod:`.intercept`.

Public names: :class:`Fake`, :class:`FakeBase`, :class:`Call`, :class:`CallLog`,
:class:`FakeConflictError`, :func:`add_observer`, :func:`remove_observer`, :func:`publish`.
"""

from __future__ import annotations

from typing import Any, Protocol

from pytest_bedrock_mock.core.calls import Call, add_observer, publish, remove_observer
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.errors import FakeConflictError
from pytest_bedrock_mock.fakes.matching import diff

__all__ = ["Call", "CallLog", "Fake", "FakeBase", "FakeConflictError", "add_observer", "publish", "remove_observer"]


class Fake(Protocol):
    """A fake Bedrock, as the interception sees it.

    ``answer_call`` answers at botocore's ``before-call`` (after parameter validation and
    serialization) with a *parsed* ``(http_response, parsed)`` pair; ``answer_send`` answers
    at ``before-send`` (after signing) with a wire ``botocore.awsrequest.AWSResponse`` that
    botocore's real parser and retry handler process. Either returns None to pass.
    """

    @property
    def source(self) -> str:
        """The ``source`` of every :class:`Call` this fake records (``stubber``, ``simulator``, ...)."""

    @property
    def calls(self) -> CallLog:
        """Every call this fake answered, in order."""

    @property
    def records(self) -> bool:
        """True when the fake sends real requests (a recording cassette), so clients keep real credentials."""

    def answer_call(self, operation: str, params: dict[str, Any], request_params: dict[str, Any], context: dict[str, Any]) -> tuple[Any, dict[str, Any]] | None:
        """``params``: what the caller passed; ``request_params``: after botocore filled in tokens."""

    def answer_send(self, operation: str, request: Any) -> Any | None:
        """``request``: the ``AWSPreparedRequest`` botocore serialized and signed."""


class CallLog(list[Call]):
    """A list of :class:`Call` with mock-style assertions (``assert_called_with`` and friends).

    Operations may be named either way (``GetModelCustomizationJob`` or ``get_model_customization_job``).
    Expected parameters may use ``ANY`` at any depth and ``partial(...)``. :meth:`record` is
    thread-safe (fakes answer from any thread).
    """

    def record(self, call: Call) -> Call:
        """Append ``call`` (thread-safe: one ``list.append``, atomic in CPython); returns it."""
        self.append(call)
        return call

    @property
    def operations(self) -> list[str]:
        """The operation of each call, in order."""
        return [c.operation for c in self]

    def of(self, operation: str) -> list[Call]:
        """The calls of one operation, in order."""
        op = get_model().operation_name(operation)
        return [c for c in self if c.operation == op]

    def errors(self) -> list[Call]:
        """The calls answered with an error."""
        return [c for c in self if c.error_code is not None]

    def assert_called(self, operation: str) -> None:
        """``operation`` was called at least once."""
        __tracebackhide__ = True
        if not self.of(operation):
            raise AssertionError(f"expected a call to {get_model().operation_name(operation)}, there was none" + self._listing())

    def assert_called_times(self, operation: str, times: int) -> None:
        __tracebackhide__ = True
        seen = self.of(operation)
        if len(seen) != times:
            raise AssertionError(f"expected {get_model().operation_name(operation)} to be called {times} time(s), it was called {len(seen)} time(s)" + self._listing())

    def assert_not_called(self, operation: str) -> None:
        __tracebackhide__ = True
        self.assert_called_times(operation, 0)

    def assert_called_with(self, operation: str, params: dict[str, Any] | None = None, /, **kwargs: Any) -> None:
        """The *last* call of ``operation`` had these parameters."""
        __tracebackhide__ = True
        expected = {**(params or {}), **kwargs}
        self.assert_called(operation)
        last = self.of(operation)[-1]
        problems = diff(expected, last.params)
        if problems:
            raise AssertionError(f"the last {last.operation} call differs from what was expected:\n  " + "\n  ".join(problems))

    def assert_called_once_with(self, operation: str, params: dict[str, Any] | None = None, /, **kwargs: Any) -> None:
        """``operation`` was called exactly once, with these parameters."""
        __tracebackhide__ = True
        self.assert_called_times(operation, 1)
        self.assert_called_with(operation, params, **kwargs)

    def assert_any_call(self, operation: str, params: dict[str, Any] | None = None, /, **kwargs: Any) -> None:
        __tracebackhide__ = True
        expected = {**(params or {}), **kwargs}
        if not any(not diff(expected, c.params) for c in self.of(operation)):
            raise AssertionError(f"no {get_model().operation_name(operation)} call had parameters {expected!r}" + self._listing())

    def _listing(self) -> str:
        if not self:
            return "; no bedrock calls were made"
        return "; calls made:\n" + "\n".join(f"  {i}. {c.operation}({c.params!r})" for i, c in enumerate(self, 1))


class FakeBase:
    """Defaults for a :class:`Fake`: passes at both levels and never sends real requests.

    Subclasses call ``FakeBase.__init__(self)``, set ``source``, override ``answer_call`` or
    ``answer_send``, and report each answer with :meth:`answered` (logged in :attr:`calls`,
    then published to the observers).
    """

    source = "fake"

    def __init__(self) -> None:
        self._calls = CallLog()

    @property
    def calls(self) -> CallLog:
        return self._calls

    @property
    def records(self) -> bool:
        return False

    def answered(self, call: Call, *, published: Call | None = None) -> Call:
        """Log ``call`` and publish it (or ``published``, a richer view of the same answer); returns ``call``."""
        self._calls.record(call)
        publish(published or call)
        return call

    def answer_call(self, operation: str, params: dict[str, Any], request_params: dict[str, Any], context: dict[str, Any]) -> tuple[Any, dict[str, Any]] | None:
        return None

    def answer_send(self, operation: str, request: Any) -> Any | None:
        return None
