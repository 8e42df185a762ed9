"""Clocks for the simulator: the real one, and an opt-in virtual one that ``time.sleep`` advances.

Job timestamps (``creationTime``, ``endTime``, ...) and time-based lifecycle policies
read the simulator's clock. :class:`VirtualClock` starts at a fixed instant and only
moves when something sleeps on it or calls :meth:`VirtualClock.advance`. While
:meth:`VirtualClock.patch_sleep` is active, ``time.sleep`` (as the code under test and
botocore's retry handler call it) advances the virtual clock instantly instead of
blocking, so a two-hour training job is polled to completion in milliseconds.

Only the ``time.sleep`` attribute is patched: code that did ``from time import sleep``
before the patch keeps the real function (docs/simulator.md#virtual-clock).

Public names: :class:`Clock`, :class:`RealClock`, :class:`VirtualClock`, :func:`utc_ms`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import threading
import time
from collections.abc import Iterator
from typing import Protocol

from dateutil.tz import tzutc

__all__ = ["Clock", "RealClock", "VirtualClock", "utc_ms"]

_UTC = tzutc()  # the tzinfo botocore's parser puts on timestamps it reads
_real_sleep = time.sleep


def utc_ms(value: _dt.datetime) -> _dt.datetime:
    """``value`` in UTC, cut to milliseconds (what survives the wire), with botocore's tzinfo."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    value = value.astimezone(_UTC)
    return value.replace(microsecond=(value.microsecond // 1000) * 1000)


class Clock(Protocol):
    def now(self) -> _dt.datetime:
        """The current instant (timezone-aware, UTC)."""

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` on this clock."""


class RealClock:
    """Wall-clock time; :meth:`sleep` really sleeps."""

    def now(self) -> _dt.datetime:
        return utc_ms(_dt.datetime.now(_dt.timezone.utc))

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            _real_sleep(seconds)

    def __repr__(self) -> str:
        return "RealClock()"


class VirtualClock:
    """A clock that moves only when slept on or advanced. Thread safe.

    >>> clock = VirtualClock()
    >>> before = clock.now(); clock.sleep(7200); (clock.now() - before).total_seconds()
    7200.0
    """

    DEFAULT_START = _dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=_dt.timezone.utc)

    def __init__(self, start: _dt.datetime | None = None) -> None:
        self._start = utc_ms(start or self.DEFAULT_START)
        self._offset = 0.0
        self._lock = threading.Lock()
        self._patches = 0

    def now(self) -> _dt.datetime:
        with self._lock:
            offset = self._offset
        return utc_ms(self._start + _dt.timedelta(seconds=offset))

    @property
    def elapsed(self) -> float:
        """Virtual seconds since the start."""
        with self._lock:
            return self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward (negative values are refused: time does not go back)."""
        if seconds < 0:
            raise ValueError(f"a virtual clock only moves forward; advance({seconds}) asked to go back")
        with self._lock:
            self._offset += seconds

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)

    @contextlib.contextmanager
    def patch_sleep(self) -> Iterator[VirtualClock]:
        """Make ``time.sleep`` advance this clock instead of blocking, for the block's duration."""
        original = time.sleep
        time.sleep = self.sleep  # type: ignore[assignment]
        try:
            yield self
        finally:
            time.sleep = original  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"VirtualClock(now={self.now().isoformat()})"
