"""The base-model catalogue: which foundation models each customization type takes.

AWS lists the base models of each customization type in its user guide; the service model
does not. This is that list, as data, for the simulator's strict mode
(``SimulatorConfig(strict_base_models=True)``): a Create whose base model is not listed for
its type answers ``ValidationException``. The default is lenient (every base model the
identifier rules accept is taken), because the list changes as AWS adds models and a test
should not fail for a model the kit has not heard of yet. Override it per type with
``SimulatorConfig(base_models={"FINE_TUNING": ("my.model-v1:0",)})``.

Sources (read 2025-12; docs/undocumented-behaviour.md#the-base-model-catalogue):

* fine-tuning and continued pre-training: "Supported models and Regions for fine-tuning and
  continued pre-training", https://docs.aws.amazon.com/bedrock/latest/userguide/custom-model-supported.html
  (the customization ids, with their context-length suffix);
* distillation: the student models of "Choose teacher and student models for distillation",
  https://docs.aws.amazon.com/bedrock/latest/userguide/prequisites-model-distillation.html
  (the base model of a distillation job is the student);
* reinforcement fine-tuning: "Customize a model with reinforcement fine-tuning",
  https://docs.aws.amazon.com/bedrock/latest/userguide/reinforcement-fine-tuning.html (Amazon Nova 2 Lite).

Regions: the guide also says which Region offers each model; the catalogue does not (the
simulator takes every Region).

Public names: :data:`BASE_MODELS`, :data:`SOURCES`, :func:`catalogue`, :func:`supported`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

__all__ = ["BASE_MODELS", "SOURCES", "catalogue", "supported"]

_FINE_TUNING = (
    "amazon.nova-2-lite-v1:0:256k",
    "amazon.nova-canvas-v1:0",
    "amazon.nova-lite-v1:0:300k",
    "amazon.nova-micro-v1:0:128k",
    "amazon.nova-pro-v1:0:300k",
    "amazon.titan-image-generator-v1:0",
    "amazon.titan-image-generator-v2:0",
    "amazon.titan-embed-image-v1:0",
    "amazon.titan-text-express-v1:0:8k",
    "anthropic.claude-3-haiku-20240307-v1:0:200k",
    "meta.llama3-1-70b-instruct-v1:0:128k",
    "meta.llama3-1-8b-instruct-v1:0:128k",
    "meta.llama3-2-11b-instruct-v1:0:128k",
    "meta.llama3-2-1b-instruct-v1:0:128k",
    "meta.llama3-2-3b-instruct-v1:0:128k",
    "meta.llama3-2-90b-instruct-v1:0:128k",
)

#: Customization type -> the foundation-model ids (as Create takes them) AWS documents for it.
BASE_MODELS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "FINE_TUNING": _FINE_TUNING,
    "CONTINUED_PRE_TRAINING": ("amazon.titan-text-express-v1:0:8k", "amazon.titan-text-lite-v1:0:4k"),
    "DISTILLATION": (
        "amazon.nova-lite-v1:0:300k",
        "amazon.nova-micro-v1:0:128k",
        "anthropic.claude-3-haiku-20240307-v1:0:200k",
        "meta.llama3-1-8b-instruct-v1:0:128k",
        "meta.llama3-2-1b-instruct-v1:0:128k",
        "meta.llama3-2-3b-instruct-v1:0:128k",
    ),
    "REINFORCEMENT_FINE_TUNING": ("amazon.nova-2-lite-v1:0:256k",),
})

#: Where each type's list comes from.
SOURCES: Mapping[str, str] = MappingProxyType({
    "FINE_TUNING": "https://docs.aws.amazon.com/bedrock/latest/userguide/custom-model-supported.html",
    "CONTINUED_PRE_TRAINING": "https://docs.aws.amazon.com/bedrock/latest/userguide/custom-model-supported.html",
    "DISTILLATION": "https://docs.aws.amazon.com/bedrock/latest/userguide/prequisites-model-distillation.html",
    "REINFORCEMENT_FINE_TUNING": "https://docs.aws.amazon.com/bedrock/latest/userguide/reinforcement-fine-tuning.html",
})


def catalogue(overrides: Mapping[str, Sequence[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """:data:`BASE_MODELS` with each type in ``overrides`` replaced by the ids given for it."""
    merged = dict(BASE_MODELS)
    for ctype, ids in (overrides or {}).items():
        merged[ctype] = tuple(ids)
    return merged


def supported(base_model_id: str, customization_type: str, models: Mapping[str, Sequence[str]]) -> bool:
    """True when ``models`` lists ``base_model_id`` for ``customization_type`` (a type it does not list takes any model)."""
    listed = models.get(customization_type)
    return listed is None or base_model_id in listed
