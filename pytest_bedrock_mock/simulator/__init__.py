"""A stateful Bedrock simulator: jobs that live, fail, stop and page like the real service.

>>> from pytest_bedrock_mock.simulator import simulate
>>> import boto3
>>> with simulate() as fake:                                    # doctest: +SKIP
...     client = boto3.client("bedrock", region_name="us-east-1")
...     arn = client.create_model_customization_job(**request)["jobArn"]

Public names: :class:`BedrockSimulator`, :func:`simulate`, :class:`SimulatorConfig`,
:class:`Faults`, :class:`AfterGets`, :class:`AfterDuration`, :class:`Manual`,
:class:`VirtualClock`, :class:`RealClock`, :class:`ApiError`, :class:`SimulatorBug`.
"""

from __future__ import annotations

from .backend import ApiError, Backend
from .clock import RealClock, VirtualClock
from .config import LEVELS, SimulatorConfig
from .fake import BedrockSimulator, simulate
from .faults import Faults
from .jobs import SimulatorBug
from .policies import AfterDuration, AfterGets, Manual

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
