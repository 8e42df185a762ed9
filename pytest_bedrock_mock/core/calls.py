"""The record of one answered bedrock call: what every fake logs and what coverage classifies.

>>> call = Call("GetModelCustomizationJob", {"jobIdentifier": "j"}, {"status": "Completed"}, "stubber")
>>> call.error_code is None
True

It sits in core, below both the fakes (which record and publish calls) and coverage
(which classifies them), so neither has to import the other.

Public names: :class:`Call`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Call"]


@dataclass
class Call:
    """One answered call.

    ``operation``: the operation name (``GetModelCustomizationJob``); ``params``: what the
    caller passed (before botocore filled in idempotency tokens; for a request from another
    process, the parameters parsed from the request); ``response``: the parsed answer as the
    client saw it (an error answer has ``Error.Code``); ``source``: which fake served it
    (``stubber``, ``simulator``, ``playback``, ``variant``, ...); ``ignored``: the member paths
    of a wire request that the model does not know (``trainingDataConfig.newField``), which
    the fake ignored as the service does (a client built from a newer model may send them).
    """

    operation: str
    params: dict[str, Any]
    response: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    ignored: tuple[str, ...] = ()

    @property
    def error_code(self) -> str | None:
        """The error code of an error answer, None for a successful one."""
        error = self.response.get("Error")
        return error.get("Code") if error else None
