"""One root for every exception the kit defines, each keeping the builtin base callers catch."""

from __future__ import annotations

import gc
import importlib
import pkgutil
import warnings
from types import ModuleType

import pytest

import pytest_bedrock_mock
from pytest_bedrock_mock import errors
from pytest_bedrock_mock.errors import BedrockMockError

PACKAGES = ("pytest_bedrock_mock", "strategies")

#: Every exception class, the builtin base it had before the root existed, and the module it came from.
FAMILY: dict[str, tuple[type[BaseException], str]] = {
    "UnknownNameError": (ValueError, "core.model"),
    "BuildError": (ValueError, "builders"),
    "VariantError": (ValueError, "_variant_answers"),
    "BedrockNotMockedError": (RuntimeError, "fakes.intercept"),
    "StubberError": (ValueError, "fakes.stubber"),
    "CallBudgetExceeded": (BaseException, "fakes.variants"),
    "ClockSpinError": (BaseException, "fakes.simulator.clock"),
    "FakeConflictError": (RuntimeError, "fakes.base"),
    "ApiError": (Exception, "fakes.simulator.backend"),
    "NoRoute": (LookupError, "fakes.simulator.routing"),
    "PathError": (ValueError, "core.shapes"),
    "SimulatorBug": (AssertionError, "fakes.simulator.jobs"),
    "BadToken": (ValueError, "fakes.simulator.listing"),
    "CassetteError": (Exception, "fakes.cassettes.format"),
    "CassetteFormatError": (Exception, "fakes.cassettes.format"),
    "CassetteConfigError": (ValueError, "fakes.cassettes.options"),
    "CassetteMismatchError": (RuntimeError, "fakes.cassettes.player"),
    "CassetteDriftError": (AssertionError, "fakes.cassettes.player"),
    "CredentialLeakError": (Exception, "fakes.cassettes.redaction"),
    "CassetteDriftWarning": (UserWarning, "fakes.cassettes.player"),
    "ReportError": (ValueError, "coverage.report"),
}
#: Control-flow signals: ``except Exception`` in the code under test must not swallow them.
SIGNALS = {"CallBudgetExceeded", "ClockSpinError"}


def _import_every_module() -> list[ModuleType]:
    modules = [pytest_bedrock_mock]
    for info in pkgutil.walk_packages(pytest_bedrock_mock.__path__, "pytest_bedrock_mock."):
        modules.append(importlib.import_module(info.name))
    return modules


def _subclasses(cls: type[BaseException]) -> set[type[BaseException]]:
    found: set[type[BaseException]] = set()
    stack = [cls]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return found


def _defined_by(packages: tuple[str, ...]) -> set[type[BaseException]]:
    """Every exception (and warning) class whose module belongs to ``packages``, wherever it was defined."""
    return {c for c in _subclasses(BaseException) if c.__module__.split(".")[0] in packages}


def _unrooted(packages: tuple[str, ...]) -> list[str]:
    return sorted(f"{c.__module__}.{c.__qualname__}" for c in _defined_by(packages) if not issubclass(c, BedrockMockError))


def test_every_exception_the_package_defines_is_a_bedrock_mock_error() -> None:
    modules = _import_every_module()
    assert {"pytest_bedrock_mock.__main__", "pytest_bedrock_mock.plugin", "pytest_bedrock_mock.strategies"} <= {m.__name__ for m in modules}
    assert _unrooted(PACKAGES) == []
    assert {c.__name__ for c in _defined_by(PACKAGES)} == {"BedrockMockError", *FAMILY}


def test_the_check_catches_an_exception_defined_without_the_root() -> None:
    stray = type("StrayError", (ValueError,), {"__module__": "pytest_bedrock_mock.fakes.somewhere"})
    rooted = type("RootedError", (errors.StubberError,), {"__module__": "pytest_bedrock_mock.fakes.somewhere"})
    try:
        assert _unrooted(PACKAGES) == ["pytest_bedrock_mock.fakes.somewhere.StrayError"]
    finally:
        del stray, rooted
        gc.collect()  # classes sit in reference cycles: collect them before another test walks the tree


@pytest.mark.parametrize("name", sorted(FAMILY))
def test_each_class_keeps_its_builtin_base_and_its_old_import(name: str) -> None:
    builtin, old_module = FAMILY[name]
    cls = getattr(errors, name)
    assert issubclass(cls, BedrockMockError) and issubclass(cls, builtin)
    assert issubclass(cls, Exception) is (name not in SIGNALS)
    module = importlib.import_module(f"pytest_bedrock_mock.{old_module}")
    assert getattr(module, name) is cls and name in module.__all__
    assert name in errors.__all__


def test_except_exception_catches_everything_but_the_call_budget_signal() -> None:
    with pytest.raises(errors.StubberError):
        try:
            raise errors.StubberError("no")
        except Exception:
            raise
    with pytest.raises(errors.CallBudgetExceeded):
        try:
            raise errors.CallBudgetExceeded("more than 3 calls")
        except Exception:  # noqa: BLE001 - what code under test does; the signal must pass through
            pytest.fail("except Exception swallowed the call budget signal")
    with pytest.raises(BedrockMockError):
        raise errors.CallBudgetExceeded("more than 3 calls")


def test_the_root_itself_is_never_raised() -> None:
    with pytest.raises(TypeError, match="raise one of its subclasses"):
        BedrockMockError("x")
    assert pytest_bedrock_mock.BedrockMockError is BedrockMockError and "BedrockMockError" in pytest_bedrock_mock.__all__


def test_messages_are_unchanged() -> None:
    unknown = errors.UnknownNameError("job status", "Paused", ("Completed", "Failed"))
    assert str(unknown) == "unknown job status 'Paused'; the valid choices (from botocore's bedrock model) are: Completed, Failed"
    assert (unknown.kind, unknown.name, unknown.choices) == ("job status", "Paused", ("Completed", "Failed"))
    fmt = errors.CassetteFormatError("a.yaml", "not a mapping", index=2, field="response")
    assert str(fmt) == "a.yaml: interaction 2 (response): not a mapping (docs/cassettes.md)"
    api = errors.ApiError("ConflictException", "busy")
    assert (str(api), api.code, api.message) == ("ConflictException: busy", "ConflictException", "busy")


def test_the_drift_warning_is_a_warning_and_in_the_family() -> None:
    with pytest.warns(errors.CassetteDriftWarning, match="drifted"):
        warnings.warn("drifted", errors.CassetteDriftWarning, stacklevel=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", errors.CassetteDriftWarning)
        with pytest.raises(BedrockMockError):
            warnings.warn("drifted", errors.CassetteDriftWarning, stacklevel=1)
