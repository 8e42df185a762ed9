"""The virtual clock drives time.sleep, time.monotonic and time.perf_counter (and _ns) consistently,
for the code under test only, and ends a loop that spins on a clock that never moves."""

from __future__ import annotations

import os
import sysconfig
import time

import pytest

from pytest_bedrock_mock.errors import BedrockMockError, ClockSpinError
from pytest_bedrock_mock.fakes.simulator.clock import VirtualClock

READS = ("monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns")


@pytest.mark.parametrize("name", READS)
def test_each_clock_moves_by_the_virtual_time_slept(name: str) -> None:
    clock = VirtualClock()
    per_second = 10**9 if name.endswith("_ns") else 1
    with clock.patch_sleep():
        read = getattr(time, name)
        before = read()
        time.sleep(3600)
        moved = (read() - before) / per_second
    assert 3600 <= moved < 3601, moved  # the virtual hour plus the real microseconds the test took


def test_the_clocks_agree_with_each_other_and_with_the_simulator_clock() -> None:
    clock = VirtualClock()
    with clock.patch_sleep():
        starts = [time.monotonic(), time.perf_counter(), time.monotonic_ns() / 1e9, time.perf_counter_ns() / 1e9]
        now = clock.now()
        time.sleep(90.5)
        clock.advance(9.5)
        ends = [time.monotonic(), time.perf_counter(), time.monotonic_ns() / 1e9, time.perf_counter_ns() / 1e9]
    assert [round(e - s) for s, e in zip(starts, ends)] == [100, 100, 100, 100]
    assert (clock.now() - now).total_seconds() == 100


def test_a_loop_bounded_by_monotonic_ends_at_its_virtual_deadline() -> None:
    clock = VirtualClock()
    polls = 0
    with clock.patch_sleep():
        deadline = time.monotonic() + 7200
        while time.monotonic() < deadline:
            polls += 1
            time.sleep(60)
    assert polls == 120
    assert clock.elapsed == 7200


def _spin_forever() -> None:
    deadline = time.monotonic() + 10**9
    while time.monotonic() < deadline:
        try:
            pass
        except Exception:  # a poller that swallows everything must still be stopped
            pass


def test_a_loop_that_never_sleeps_is_ended_naming_the_place() -> None:
    clock = VirtualClock(spin_limit=500)
    with clock.patch_sleep(), pytest.raises(ClockSpinError) as raised:
        _spin_forever()
    message = str(raised.value)
    assert f"{__file__}:" in message and "(in _spin_forever)" in message and "read 500 times" in message
    assert "time.sleep()" in message and "spin_limit" in message and "docs/simulator.md#virtual-clock" in message
    assert isinstance(raised.value, BedrockMockError) and not isinstance(raised.value, Exception)


def test_sleeping_resets_the_spin_count_and_none_turns_the_guard_off() -> None:
    clock = VirtualClock(spin_limit=50)
    with clock.patch_sleep():
        for _ in range(10):
            for _ in range(49):
                time.monotonic()
            time.sleep(1)
    unguarded = VirtualClock(spin_limit=None)
    with unguarded.patch_sleep():
        for _ in range(20_000):
            time.perf_counter()


def test_library_code_keeps_real_time() -> None:
    """pytest, Hypothesis deadlines, asyncio and urllib3 timeouts read real time while the patch is on."""
    stdlib_file = os.path.join(sysconfig.get_paths()["stdlib"], "not_really_a_module.py")
    code = compile("import time\nvalue = time.monotonic()\n", stdlib_file, "exec")
    clock = VirtualClock(spin_limit=10)
    with clock.patch_sleep():
        time.sleep(10_000)
        ours = time.monotonic()
        namespace: dict[str, float] = {}
        for _ in range(50):  # no spin error either: library reads are not counted
            exec(code, namespace)
    assert ours - namespace["value"] > 9_999


def test_the_patch_is_undone_at_the_end_of_the_block() -> None:
    originals = {name: getattr(time, name) for name in ("sleep", *READS)}
    with VirtualClock().patch_sleep():
        assert all(getattr(time, name) is not originals[name] for name in originals)
    assert all(getattr(time, name) is originals[name] for name in originals)


def test_the_fixture_ends_a_spinning_poller_with_one_message(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_poller='''
import time
import pytest

def wait(client, name, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            client.get_model_customization_job(jobIdentifier=name)
        except Exception:
            pass
    return "timed out"

@pytest.mark.bedrock_fake(clock="virtual")
def test_wait(bedrock_fake, bedrock_client):
    bedrock_fake.clock.spin_limit = 200
    wait(bedrock_client, "no-such-job", 3600)
''')
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ClockSpinError: time.monotonic() was read 200 times at *test_poller.py:* (in wait)*"])
