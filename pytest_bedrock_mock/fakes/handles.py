"""The "handles every variant" check: call a function once per variant, report all failures at once.

>>> def job_state(client, arn):            # the code under test
...     return client.get_model_customization_job(jobIdentifier=arn)["status"]
>>> # assert_handles_every(lambda: job_state(boto3.client("bedrock"), ARN), dimension="status")

For each variant a :class:`~pytest_bedrock_mock.fakes.variants.VariantFake` answers every
bedrock call (see :mod:`~pytest_bedrock_mock.fakes.variants`), then the function is called.
A job shown in a status it does not stay in (``InProgress``, ``Stopping``, ...) behaves as a
real one: the first ``polls`` Get answers show the variant, then the job reaches the terminal
status it leads to (``Completed``, ``Stopped``), so a correct poller, a botocore waiter
included, returns. While the function runs, ``time.sleep`` advances a virtual clock
(:class:`~pytest_bedrock_mock.fakes.simulator.VirtualClock`; ``clock="real"`` turns this
off), so a poller that sleeps 60 s between Gets is judged in milliseconds.

One ``AssertionError`` lists each variant for which the function

* raised an exception that ``expected`` does not allow,
* did not return: it kept calling Bedrock beyond ``max_calls`` (e.g. it polls until a
  status the job never reaches: the message says which status the job stayed in), or
* never called Bedrock (so the variant was never put to it).

Create the bedrock client inside the function (or after the plugin or
:func:`~pytest_bedrock_mock.fakes.intercept.install` ran): clients created earlier are not routed.

Public names: :func:`assert_handles_every`.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.base import CallLog
from pytest_bedrock_mock.fakes.simulator.clock import VirtualClock
from pytest_bedrock_mock.fakes.variants import CallBudgetExceeded, VariantFake, serve
from pytest_bedrock_mock.variants import Variant, select

__all__ = ["assert_handles_every"]

Expected = type[BaseException] | tuple[type[BaseException], ...] | Callable[[Variant, BaseException], bool]


def _allowed(expected: Expected, variant: Variant, exc: BaseException) -> bool:
    if isinstance(expected, tuple) or isinstance(expected, type):
        return isinstance(exc, expected)
    return bool(expected(variant, exc))


def _calls(calls: CallLog) -> str:
    return ", ".join(f"{op} x{n}" for op, n in Counter(calls.operations).most_common())


def _stayed(fake: VariantFake) -> str:
    """Where the job was while the function kept calling: what it showed, then the status it reached."""
    if fake.settled is None:
        return ""
    shown = fake.variant.value if fake.variant.dimension == "status" else fake.variant.key
    return f"; the job showed {shown} for {fake.settle_after} polls, then {fake.settled}, which it never leaves"


def _run(fn: Callable[..., Any], variant: Variant, args: Sequence[Any], kwargs: Mapping[str, Any], expected: Expected, max_calls: int, seed: int,
         polls: int | None, clock: str) -> tuple[list[str], Any]:
    problems: list[str] = []
    result: Any = None
    with serve(variant, seed=seed, max_calls=max_calls, settle_after=polls) as fake, \
            (VirtualClock().patch_sleep() if clock == "virtual" else contextlib.nullcontext()):
        try:
            result = fn(*args, **kwargs)
        except CallBudgetExceeded:
            problems.append(f"did not return: still calling Bedrock after {max_calls} calls ({_calls(fake.calls)}){_stayed(fake)}")
        except Exception as exc:  # noqa: BLE001 - the point is to report any exception
            if not _allowed(expected, variant, exc):
                problems.append(f"raised {type(exc).__name__}: {exc}")
    if not fake.calls:
        problems.append("never called Bedrock (create the client inside the function, after pytest-bedrock-mock is installed)")
    return problems, result


def assert_handles_every(
    fn: Callable[..., Any],
    dimension: str | Iterable[str] = "status",
    *,
    variants: Iterable[Variant] | None = None,
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    expected: Expected = (),
    max_calls: int = 50,
    seed: int = 0,
    forward_compat: bool = False,
    operation: str | None = None,
    polls: int | None = 3,
    clock: str = "virtual",
) -> dict[str, Any]:
    """Call ``fn(*args, **kwargs)`` once per variant; fail once, naming every variant it did not handle.

    ``dimension`` is a dimension or variant selector (``"status"``, ``"error"``,
    ``"status: Stopped"``) or several; ``variants`` gives the variants instead.
    ``expected`` is an exception type (or tuple) the function may raise, or a predicate
    ``(variant, exc) -> bool``. A job in a status it leaves shows the variant for ``polls``
    Gets, then reaches its terminal status (``polls=None``: it never moves on). ``clock``:
    ``"virtual"`` (``time.sleep`` does not block) or ``"real"``. Returns ``{variant key: return
    value}`` of the variants handled.
    """
    __tracebackhide__ = True
    if clock not in ("virtual", "real"):
        raise ValueError(f"clock must be 'virtual' or 'real', got {clock!r}")
    if polls is not None and not 0 <= polls < max_calls:
        raise ValueError(f"polls must be None or from 0 to max_calls - 1 ({max_calls - 1}), got {polls!r}: the job must be able to finish within max_calls")
    selectors = (dimension,) if isinstance(dimension, str) else tuple(dimension)
    chosen = list(variants) if variants is not None else select(*selectors, forward_compat=forward_compat, operation=operation)
    if not chosen:
        raise ValueError(f"no variants selected by {selectors!r} (operation={operation!r})")
    intercept.install()
    name = getattr(fn, "__qualname__", repr(fn))
    failed: list[str] = []
    results: dict[str, Any] = {}
    for variant in chosen:
        problems, result = _run(fn, variant, args, kwargs or {}, expected, max_calls, seed, polls, clock)
        if problems:
            failed.append(f"  {variant.key}: " + "; ".join(problems))
        else:
            results[variant.key] = result
    if failed:
        raise AssertionError(
            f"{name} did not handle {len(failed)} of {len(chosen)} variants (docs/variants.md):\n" + "\n".join(failed)
        )
    return results
