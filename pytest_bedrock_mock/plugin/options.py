"""Options of the pytest plugin, resolved once per session into one object.

Precedence, highest first: a marker on the test (``@pytest.mark.bedrock_stubber(...)``),
then the command line, then the ini file, then the defaults below. Unknown marker
keywords are a ``TypeError`` at once (never a silent no-op).

Public names: :class:`Settings`, :class:`StubberOptions`, :data:`INI_OPTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["INI_OPTIONS", "Settings", "StubberOptions"]

#: name -> (type for parser.addini, default, help)
INI_OPTIONS: dict[str, tuple[str, Any, str]] = {
    "bedrock_region": ("string", "us-east-1", "region of the bedrock_client fixture and of bedrock clients created without one"),
    "bedrock_validate_requests": ("bool", True, "check every bedrock request against the service contract and answer ValidationException when invalid"),
    "bedrock_allow_network": ("bool", False, "let bedrock calls that no fake answers go to the network (off: they fail loudly)"),
    "bedrock_unordered": ("bool", False, "match queued stubber answers by operation and parameters instead of by position"),
}


@dataclass(frozen=True)
class StubberOptions:
    """Per-test options of ``bedrock_stubber`` (marker keywords have these names)."""

    validate_requests: bool = True
    unordered: bool = False
    allow_unused: bool = False
    seed: int | None = None

    def merged(self, **kwargs: Any) -> StubberOptions:
        names = {f.name for f in fields(self)}
        unknown = sorted(set(kwargs) - names)
        if unknown:
            raise TypeError(f"unknown bedrock_stubber option(s) {', '.join(unknown)}; valid options are: {', '.join(sorted(names))}")
        return replace(self, **kwargs)


@dataclass(frozen=True)
class Settings:
    region: str = "us-east-1"
    allow_network: bool = False
    stubber: StubberOptions = StubberOptions()

    @classmethod
    def from_ini(cls, getini: Any) -> Settings:
        return cls(
            region=str(getini("bedrock_region")) or "us-east-1",
            allow_network=bool(getini("bedrock_allow_network")),
            stubber=StubberOptions(validate_requests=bool(getini("bedrock_validate_requests")), unordered=bool(getini("bedrock_unordered"))),
        )
