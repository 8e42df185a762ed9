"""Responses drawn from the kit's strategies count for coverage as answers served.

A drawn response is usually handed straight to the code under test (``summarize(job)``), so it
exercises that code as much as an answer a fake serves. Each one is published to the coverage
observers as a :class:`~pytest_bedrock_mock.core.calls.Call` with ``source=STRATEGY`` (``"strategy"``); the
plugin's option ``coverage.strategies`` (``bedrock_coverage_strategies = false``) turns that off.
Publishing costs nothing while no observer is registered (outside pytest, or with coverage off).

Public names: :func:`exercised`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from hypothesis import strategies as st

from pytest_bedrock_mock.core.calls import STRATEGY, Call, publish

__all__ = ["exercised"]

T = TypeVar("T")


def exercised(strategy: st.SearchStrategy[T], operation: str, responses: Callable[[T], Iterable[dict[str, Any]]]) -> st.SearchStrategy[T]:
    """``strategy``, publishing each response ``responses(value)`` of every value it draws as one ``operation`` call."""

    def note(value: T) -> T:
        for response in responses(value):
            publish(Call(operation, {}, response, STRATEGY))
        return value

    return strategy.map(note)
