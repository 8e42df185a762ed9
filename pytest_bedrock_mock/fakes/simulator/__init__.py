"""A stateful Bedrock simulator: jobs that live, fail, stop and page like the real service.

>>> from pytest_bedrock_mock.fakes.simulator import simulate
>>> import boto3
>>> with simulate() as fake:                                    # doctest: +SKIP
...     client = boto3.client("bedrock", region_name="us-east-1")
...     arn = client.create_model_customization_job(**request)["jobArn"]

Public names: :class:`BedrockSimulator`, :func:`simulate`, :class:`SimulatorConfig`,
:class:`Faults`, :class:`AfterGets`, :class:`AfterDuration`, :class:`Manual`,
:class:`VirtualClock`, :class:`RealClock`, :class:`ApiError`, :class:`SimulatorBug`.
"""

from __future__ import annotations

from pytest_bedrock_mock.fakes.simulator.backend import ApiError, Backend
from pytest_bedrock_mock.fakes.simulator.clock import RealClock, VirtualClock
from pytest_bedrock_mock.fakes.simulator.config import LEVELS, SimulatorConfig
from pytest_bedrock_mock.fakes.simulator.fake import BedrockSimulator, simulate
from pytest_bedrock_mock.fakes.simulator.faults import Faults
from pytest_bedrock_mock.fakes.simulator.jobs import SimulatorBug
from pytest_bedrock_mock.fakes.simulator.policies import AfterDuration, AfterGets, Manual

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
