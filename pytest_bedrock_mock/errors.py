"""Every exception the kit defines, under one root: :class:`BedrockMockError`.

``except BedrockMockError`` catches anything the kit raises. Each class also keeps the
builtin base callers relied on before the root existed (``except ValueError`` still
catches a :class:`BuildError`), so every class but one is an :class:`Exception`:

================================  =========================  ==============================================
class                             builtin base               raised by
================================  =========================  ==============================================
:class:`UnknownNameError`         ``ValueError``             ``core.model``: a name the model does not know
:class:`BuildError`               ``ValueError``             ``builders``
:class:`VariantError`             ``ValueError``             ``variants``, the variant fake
:class:`BedrockNotMockedError`    ``RuntimeError``           ``fakes.intercept``: a call no fake answered
:class:`StubberError`             ``ValueError``             ``fakes.stubber``
:class:`CallBudgetExceeded`       ``BaseException`` only     ``fakes.variants`` (see below)
:class:`ClockSpinError`           ``BaseException`` only     ``fakes.simulator.clock``: a loop reading a
                                                             virtual clock that never moves (see below)
:class:`FakeConflictError`        ``RuntimeError``           ``fakes.base``: two fakes asked to answer at once
:class:`ApiError`                 ``Exception``              ``fakes.simulator``, ``core.wire``, ``fakes._http``: an error answer
:class:`NoRoute`                  ``LookupError``            ``fakes.simulator.routing``
:class:`PathError`                ``ValueError``             ``core.shapes``
:class:`SimulatorBug`             ``AssertionError``         ``fakes.simulator.jobs``
:class:`BadToken`                 ``ValueError``             ``fakes.simulator.listing``
:class:`CassetteError`            ``Exception``              root of the cassette problems below
:class:`CassetteFormatError`      ``Exception``              ``fakes.cassettes.format``
:class:`CassetteConfigError`      ``ValueError``             ``fakes.cassettes.options``
:class:`CassetteMismatchError`    ``RuntimeError``           ``fakes.cassettes.player`` (also a
                                                             :class:`BedrockNotMockedError`)
:class:`CassetteDriftError`       ``AssertionError``         ``fakes.cassettes.player``
:class:`CredentialLeakError`      ``Exception``              ``fakes.cassettes.redaction``
:class:`CassetteDriftWarning`     ``UserWarning``            ``fakes.cassettes.player`` (a warning)
:class:`ReportError`              ``ValueError``             ``coverage.report``
================================  =========================  ==============================================

Why the root derives from ``BaseException``, not ``Exception``: :class:`CallBudgetExceeded`
(and :class:`ClockSpinError`) must escape ``except Exception`` in the code under test (that is how a function that polls
forever is detected), and it must still be a :class:`BedrockMockError`. So the root is a
``BaseException`` and every other class adds ``Exception`` (through its builtin base);
``except Exception`` catches exactly what it caught before. The root itself is never
raised (instantiating it is a ``TypeError``): raise one of its subclasses.

Each class is still importable from the module that raised it first (for example
``pytest_bedrock_mock.builders.BuildError``). This module imports nothing from the package,
so every layer may import it.

Public names: the classes above, :class:`BedrockMockError`, :data:`CASSETTES_DOCS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "CASSETTES_DOCS",
    "ApiError",
    "BadToken",
    "BedrockMockError",
    "BedrockNotMockedError",
    "BuildError",
    "CallBudgetExceeded",
    "ClockSpinError",
    "CassetteConfigError",
    "CassetteDriftError",
    "CassetteDriftWarning",
    "CassetteError",
    "CassetteFormatError",
    "CassetteMismatchError",
    "CredentialLeakError",
    "FakeConflictError",
    "NoRoute",
    "PathError",
    "ReportError",
    "SimulatorBug",
    "StubberError",
    "UnknownNameError",
    "VariantError",
]

#: Where cassette error messages send the reader.
CASSETTES_DOCS = "docs/cassettes.md"


class BedrockMockError(BaseException):
    """The root of every exception pytest-bedrock-mock defines (see the module docstring)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> BedrockMockError:
        if cls is BedrockMockError:
            raise TypeError("BedrockMockError is the root of the kit's exceptions; raise one of its subclasses")
        return super().__new__(cls, *args, **kwargs)


# -- core, builders, contract ----------------------------------------------------------------------------


class PathError(BedrockMockError, ValueError):
    """A member-path step the shape at that point does not have; ``choices`` are the steps it has."""

    def __init__(self, shape: Any, step: object, choices: tuple[str, ...]) -> None:
        self.shape_name = shape.name
        self.step = step
        self.choices = choices
        super().__init__(f"{shape.name} ({shape.type_name}) has no {step!r}; it has: {', '.join(choices)}")


class UnknownNameError(BedrockMockError, ValueError):
    """A name (operation, status, error code, field, ...) that the model does not know.

    The message names what was asked for and lists the valid choices.
    """

    def __init__(self, kind: str, name: object, choices: Iterable[str]):
        self.kind = kind
        self.name = name
        self.choices = tuple(choices)
        super().__init__(
            f"unknown {kind} {name!r}; the valid choices (from botocore's bedrock model) are: "
            + ", ".join(self.choices)
        )


class BuildError(BedrockMockError, ValueError):
    """A builder was asked for something the model or the consistency rules forbid."""


class VariantError(BedrockMockError, ValueError):
    """A variant that does not exist, or that cannot be served as asked."""


# -- fakes -----------------------------------------------------------------------------------------------


class BedrockNotMockedError(BedrockMockError, RuntimeError):
    """A bedrock call that no fake answered (it was not sent)."""


class StubberError(BedrockMockError, ValueError):
    """A helper was called with something the model does not allow (names the valid choices)."""


class CallBudgetExceeded(BedrockMockError):
    """More bedrock calls than the fake's ``max_calls`` (the code under test keeps calling).

    Not an ``Exception``, so ``except Exception`` in the code under test cannot swallow it.
    """


class ClockSpinError(BedrockMockError):
    """A loop kept reading ``time.monotonic``/``perf_counter`` under a virtual clock that never moved.

    Not an ``Exception``, like :class:`CallBudgetExceeded`: the polling loop it ends may catch ``Exception``.
    """


class FakeConflictError(BedrockMockError, RuntimeError):
    """A second fake was asked to answer bedrock while another one is active (only one answers at a time)."""


class ApiError(BedrockMockError, Exception):
    """An error answer: a code the operation documents, and the message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class NoRoute(BedrockMockError, LookupError):
    """A request that is none of the operations in scope."""


class SimulatorBug(BedrockMockError, AssertionError):
    """The simulator was about to serve an answer the real service could not send (a bug: please report it)."""


class BadToken(BedrockMockError, ValueError):
    """A ``nextToken`` this simulator did not issue."""


# -- cassettes -------------------------------------------------------------------------------------------


class CassetteError(BedrockMockError, Exception):
    """Base class of every cassette problem (format, mismatch, drift, credentials)."""


class CassetteFormatError(CassetteError):
    """A cassette that cannot be read: names the file, the interaction index and what is wrong."""

    def __init__(self, file: str, what: str, *, index: int | None = None, field: str = "") -> None:
        self.file = file
        self.index = index
        self.field = field
        self.what = what
        where = file + (f": interaction {index}" if index is not None else "") + (f" ({field})" if field else "")
        super().__init__(f"{where}: {what} ({CASSETTES_DOCS})")


class CassetteConfigError(CassetteError, ValueError):
    """A misspelt or invalid cassette option (the plugin reports it as a usage error)."""


class CassetteMismatchError(CassetteError, BedrockNotMockedError):
    """A request that no recorded interaction answers (it was not sent)."""


class CassetteDriftError(CassetteError, AssertionError):
    """A recorded answer that the current botocore model would not accept."""


class CredentialLeakError(CassetteError):
    """Recording refused to write a cassette that still contains a credential pattern."""


class CassetteDriftWarning(BedrockMockError, UserWarning):
    """A recorded answer with fields the current model does not know, or drift with ``on_drift='warn'``."""


# -- coverage --------------------------------------------------------------------------------------------


class ReportError(BedrockMockError, ValueError):
    """A coverage report that cannot be read (the message names the file and the field)."""
