"""A stateful Bedrock simulator: jobs that live, fail, stop and page like the real service.

>>> from pytest_bedrock_mock.fakes.simulator import simulate
>>> import boto3
>>> with simulate() as fake:                                    # doctest: +SKIP
...     client = boto3.client("bedrock", region_name="us-east-1")
...     arn = client.create_model_customization_job(**request)["jobArn"]

Public names: :class:`BedrockSimulator`, :func:`simulate`, :class:`SimulatorConfig`,
:class:`Faults`, :class:`AfterGets`, :class:`AfterDuration`, :class:`Manual`,
:class:`VirtualClock`, :class:`RealClock`, :class:`ApiError`, :class:`SimulatorBug`.

Each public name is imported on first use (a module-level ``__getattr__``), so reading the
options' defaults (:mod:`.config`) loads neither botocore's model nor the builders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_bedrock_mock.core.lazy import lazy_exports

if TYPE_CHECKING:
    from pytest_bedrock_mock.fakes.simulator.backend import ApiError, Backend
    from pytest_bedrock_mock.fakes.simulator.clock import RealClock, VirtualClock
    from pytest_bedrock_mock.fakes.simulator.config import LEVELS, SimulatorConfig
    from pytest_bedrock_mock.fakes.simulator.fake import BedrockSimulator, simulate
    from pytest_bedrock_mock.fakes.simulator.faults import Faults
    from pytest_bedrock_mock.fakes.simulator.jobs import SimulatorBug
    from pytest_bedrock_mock.fakes.simulator.policies import AfterDuration, AfterGets, Manual

#: Public name -> the module that defines it, imported on first access.
_EXPORTS: dict[str, str] = {
    "ApiError": "pytest_bedrock_mock.fakes.simulator.backend",
    "Backend": "pytest_bedrock_mock.fakes.simulator.backend",
    "RealClock": "pytest_bedrock_mock.fakes.simulator.clock",
    "VirtualClock": "pytest_bedrock_mock.fakes.simulator.clock",
    "LEVELS": "pytest_bedrock_mock.fakes.simulator.config",
    "SimulatorConfig": "pytest_bedrock_mock.fakes.simulator.config",
    "BedrockSimulator": "pytest_bedrock_mock.fakes.simulator.fake",
    "simulate": "pytest_bedrock_mock.fakes.simulator.fake",
    "Faults": "pytest_bedrock_mock.fakes.simulator.faults",
    "SimulatorBug": "pytest_bedrock_mock.fakes.simulator.jobs",
    "AfterDuration": "pytest_bedrock_mock.fakes.simulator.policies",
    "AfterGets": "pytest_bedrock_mock.fakes.simulator.policies",
    "Manual": "pytest_bedrock_mock.fakes.simulator.policies",
}

__all__ = [
    "LEVELS",
    "AfterDuration",
    "AfterGets",
    "ApiError",
    "Backend",
    "BedrockSimulator",
    "Faults",
    "Manual",
    "RealClock",
    "SimulatorBug",
    "SimulatorConfig",
    "VirtualClock",
    "simulate",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
