"""Clocks for the simulator: the real one, and an opt-in virtual one that ``time.sleep`` advances.

Job timestamps (``creationTime``, ``endTime``, ...) and time-based lifecycle policies
read the simulator's clock. :class:`VirtualClock` starts at a fixed instant and only
moves when something sleeps on it or calls :meth:`VirtualClock.advance`. While
:meth:`VirtualClock.patch_sleep` is active, ``time.sleep`` (as the code under test and
botocore's retry handler call it) advances the virtual clock instantly instead of
blocking, so a two-hour training job is polled to completion in milliseconds.

The same patch moves ``time.monotonic``, ``time.perf_counter`` and their ``_ns`` forms by the
virtual time slept, for the code under test, so a loop bounded by ``time.monotonic()`` ends
when its virtual deadline passes. Code of the standard library and of installed packages
(pytest, Hypothesis's deadlines, asyncio, urllib3's timeouts) keeps reading real time. A loop
that reads those clocks :attr:`VirtualClock.spin_limit` times at one place of the code under
test while no virtual time passes would spin forever: it raises
:class:`~pytest_bedrock_mock.errors.ClockSpinError` naming that place.

Only the attributes of the ``time`` module are patched: code that did ``from time import sleep``
before the patch keeps the real function (docs/simulator.md#virtual-clock).

Public names: :class:`Clock`, :class:`RealClock`, :class:`VirtualClock`, :func:`utc_ms` (and :class:`ClockSpinError`, from errors).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import sys
import sysconfig
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from dateutil.tz import tzutc

from pytest_bedrock_mock.errors import ClockSpinError

__all__ = ["Clock", "ClockSpinError", "RealClock", "VirtualClock", "utc_ms"]

_UTC = tzutc()  # the tzinfo botocore's parser puts on timestamps it reads
_real_sleep = time.sleep
#: The clocks the patch moves by the virtual time slept: name -> (real function, units per second).
_READS: dict[str, tuple[Callable[[], Any], int]] = {
    "monotonic": (time.monotonic, 1), "monotonic_ns": (time.monotonic_ns, 10**9),
    "perf_counter": (time.perf_counter, 1), "perf_counter_ns": (time.perf_counter_ns, 10**9),
}
#: Code under these folders (the standard library, installed packages, this kit) keeps real time.
_LIBRARIES = tuple({os.path.normcase(os.path.realpath(sysconfig.get_paths()[k])) + os.sep for k in ("stdlib", "platstdlib", "purelib", "platlib")}
                   | {os.path.normcase(os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))) + os.sep})


def _is_library(path: str) -> bool:
    return path.startswith("<") or os.path.normcase(os.path.realpath(path)).startswith(_LIBRARIES)


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
    #: Reads of ``time.monotonic``/``perf_counter`` at one place with no virtual time passing before :class:`ClockSpinError`.
    DEFAULT_SPIN_LIMIT = 10_000

    def __init__(self, start: _dt.datetime | None = None, *, spin_limit: int | None = DEFAULT_SPIN_LIMIT) -> None:
        self._start = utc_ms(start or self.DEFAULT_START)
        self._offset = 0.0
        self._lock = threading.Lock()
        self.spin_limit = spin_limit
        self._reads: dict[tuple[str, int], int] = {}  # reads per place of the code under test since time last moved
        self._library: dict[str, bool] = {}

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
            if seconds:
                self._reads.clear()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)

    def _read(self, name: str) -> Any:
        """``time.<name>()`` as the caller should see it: real plus the virtual time slept, for the code under test."""
        real, units = _READS[name]
        frame = sys._getframe(2)
        path = frame.f_code.co_filename
        library = self._library.get(path)
        if library is None:
            library = self._library[path] = _is_library(path)
        if library:
            return real()
        count = 0
        with self._lock:
            offset = self._offset
            if self.spin_limit is not None:
                place = (path, frame.f_lineno)
                count = self._reads[place] = self._reads.get(place, 0) + 1
                if count >= self.spin_limit:
                    self._reads.clear()
        if self.spin_limit is not None and count >= self.spin_limit:
            raise ClockSpinError(self._spin_message(name, frame, count))
        return real() + (offset * units if units == 1 else int(offset * units))

    def _spin_message(self, name: str, frame: Any, count: int) -> str:
        return (
            f"time.{name}() was read {count:,} times at {frame.f_code.co_filename}:{frame.f_lineno} (in {frame.f_code.co_name}) while the "
            f"virtual clock stood still at {self.now().isoformat()}: that loop never sleeps, so under clock='virtual' it would spin forever. "
            "Call time.sleep() in the loop (it advances the virtual clock), advance the clock by hand (bedrock_fake.clock.advance(seconds)), "
            "or pass clock=VirtualClock(spin_limit=...) (docs/simulator.md#virtual-clock)."
        )

    @contextlib.contextmanager
    def patch_sleep(self) -> Iterator[VirtualClock]:
        """For the block: ``time.sleep`` advances this clock instead of blocking, and ``time.monotonic``,
        ``time.perf_counter`` (and ``_ns``) include the virtual time slept (see the module docstring)."""
        originals = {name: getattr(time, name) for name in ("sleep", *_READS)}
        time.sleep = self.sleep  # type: ignore[assignment]
        for name in _READS:
            setattr(time, name, lambda name=name: self._read(name))
        try:
            yield self
        finally:
            for name, function in originals.items():
                setattr(time, name, function)

    def __repr__(self) -> str:
        return f"VirtualClock(now={self.now().isoformat()})"
