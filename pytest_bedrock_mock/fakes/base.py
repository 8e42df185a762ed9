"""The call log of a fake: every bedrock call it answered, with mock-style assertions.

>>> log = CallLog()
>>> log.append(Call("GetModelCustomizationJob", {"jobIdentifier": "j"}, {"status": "Completed"}))
>>> log.assert_called_times("get_model_customization_job", 1)
>>> log.assert_called_with("GetModelCustomizationJob", jobIdentifier="j")

Public names: :class:`Call`, :class:`CallLog`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.fakes.matching import diff

__all__ = ["Call", "CallLog"]


@dataclass
class Call:
    """One answered call: the operation, the caller's parameters and the parsed answer."""

    operation: str
    params: dict[str, Any]
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def error_code(self) -> str | None:
        error = self.response.get("Error")
        return error.get("Code") if error else None


class CallLog(list[Call]):
    """A list of :class:`Call` with ``assert_called_with`` / ``assert_called_times`` and friends.

    Operations may be named either way (``GetModelCustomizationJob`` or ``get_model_customization_job``).
    Expected parameters may use ``ANY`` at any depth and ``partial(...)``.
    """

    def of(self, operation: str) -> list[Call]:
        op = get_model().operation_name(operation)
        return [c for c in self if c.operation == op]

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
        seen = self.of(operation)
        if not seen:
            raise AssertionError(f"expected a call to {get_model().operation_name(operation)}, there was none" + self._listing())
        problems = diff(expected, seen[-1].params)
        if problems:
            raise AssertionError(f"the last {seen[-1].operation} call differs from what was expected:\n  " + "\n  ".join(problems))

    def assert_any_call(self, operation: str, params: dict[str, Any] | None = None, /, **kwargs: Any) -> None:
        __tracebackhide__ = True
        expected = {**(params or {}), **kwargs}
        seen = self.of(operation)
        if not any(not diff(expected, c.params) for c in seen):
            raise AssertionError(f"no {get_model().operation_name(operation)} call had parameters {expected!r}" + self._listing())

    def _listing(self) -> str:
        if not self:
            return "; no bedrock calls were made"
        return "; calls made:\n" + "\n".join(f"  {i}. {c.operation}({c.params!r})" for i, c in enumerate(self, 1))
