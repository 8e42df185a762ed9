"""The bedrock service model, loaded once per process: the single source of truth.

Everything the kit knows about shapes, constraints, statuses, union members and
error codes is read from botocore's own service model at run time through this
module. Nothing is hand-copied.

Public names: :data:`OPERATIONS`, :class:`BedrockModel`, :class:`ErrorInfo`,
:func:`get_model`, :func:`use_model`, :func:`load_raw_model`, :class:`UnknownNameError`, :class:`ModelMemo`.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import botocore.session
from botocore import xform_name
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from pytest_bedrock_mock.core import shapes
from pytest_bedrock_mock.core.undo import Undo
from pytest_bedrock_mock.errors import UnknownNameError

__all__ = [
    "OPERATIONS",
    "BedrockModel",
    "ErrorInfo",
    "ModelMemo",
    "UnknownNameError",
    "get_model",
    "load_raw_model",
    "use_model",
]

#: The operations in scope, in the order users meet them.
OPERATIONS: tuple[str, ...] = (
    "CreateModelCustomizationJob",
    "GetModelCustomizationJob",
    "ListModelCustomizationJobs",
    "StopModelCustomizationJob",
)


@dataclass(frozen=True)
class ErrorInfo:
    """A documented error of an operation: its code and modelled HTTP status."""

    code: str
    http_status: int
    sender_fault: bool
    shape: StructureShape


class BedrockModel:
    """A read-only view of the bedrock service model restricted to the operations in scope."""

    def __init__(self, service_model: ServiceModel) -> None:
        self.service_model = service_model
        self._memos: dict[str, dict[Any, Any]] = {}
        self._by_name: dict[str, str] = {}
        for op in OPERATIONS:
            self._by_name[op] = op
            self._by_name[xform_name(op)] = op

    def memo(self, name: str) -> dict[Any, Any]:
        """A dict that lives and dies with this model, for answers derived from it (``name`` picks one).

        A cache of model-derived answers keeps them here, never in a module-level dict keyed
        on ``id(model)``: an id is reused once its model is garbage-collected, so such a
        cache could answer for a different model. Owned by the model object, an entry is
        found only through the model it was computed from.
        """
        memo = self._memos.get(name)
        if memo is None:  # (not setdefault: that would build a dict on every call)
            memo = self._memos[name] = {}
        return memo

    # -- operations --------------------------------------------------------------
    @property
    def operations(self) -> tuple[str, ...]:
        return OPERATIONS

    def operation_name(self, name: str) -> str:
        """``GetModelCustomizationJob`` for either that name or ``get_model_customization_job``."""
        try:
            return self._by_name[name]
        except (KeyError, TypeError):
            raise UnknownNameError("operation", name, OPERATIONS) from None

    def operation(self, name: str) -> OperationModel:
        return self.service_model.operation_model(self.operation_name(name))

    def method_name(self, name: str) -> str:
        return xform_name(self.operation_name(name))

    def input_shape(self, name: str) -> StructureShape:
        return self.operation(name).input_shape

    def output_shape(self, name: str) -> StructureShape:
        return self.operation(name).output_shape

    def success_status(self, name: str) -> int:
        statuses = self.memo("success_status")
        status = statuses.get(name)
        if status is None:
            status = statuses[name] = int(self.operation(name).http.get("responseCode", 200))
        return int(status)

    # -- errors ------------------------------------------------------------------
    def errors(self, name: str) -> dict[str, ErrorInfo]:
        """The documented errors of an operation, code -> :class:`ErrorInfo`, in model order."""
        out: dict[str, ErrorInfo] = {}
        for shape in self.operation(name).error_shapes:
            meta = shape.metadata.get("error", {})
            code = meta.get("code", shape.name)
            out[code] = ErrorInfo(
                code=code,
                http_status=int(meta.get("httpStatusCode", 400)),
                sender_fault=bool(meta.get("senderFault", False)),
                shape=shape,
            )
        return out

    def error(self, operation: str, code: str) -> ErrorInfo:
        errors = self.errors(operation)
        try:
            return errors[code]
        except KeyError:
            raise UnknownNameError(
                f"error code for {self.operation_name(operation)}", code, tuple(errors)
            ) from None

    # -- enums and well-known dimensions -------------------------------------------
    def shape_at(self, operation: str, path: str, *, output: bool = True) -> Shape:
        """The shape at a member path (``statusDetails.trainingDetails.status``, ``jobTags[].key``).

        The path grammar is :mod:`pytest_bedrock_mock.core.shapes`'s.
        """
        root: Shape = self.output_shape(operation) if output else self.input_shape(operation)
        try:
            return shapes.shape_at(root, path)
        except shapes.PathError as exc:
            raise UnknownNameError(f"member of {exc.shape_name}", exc.step, exc.choices) from None

    def enum(self, operation: str, path: str, *, output: bool = True) -> tuple[str, ...]:
        return tuple(self.shape_at(operation, path, output=output).enum)

    @cached_property
    def statuses(self) -> tuple[str, ...]:
        """Job statuses, from ``GetModelCustomizationJobResponse.status``."""
        return self.enum("GetModelCustomizationJob", "status")

    @cached_property
    def sub_statuses(self) -> tuple[str, ...]:
        """Sub-task statuses, from ``statusDetails.*.status``."""
        return self.enum("GetModelCustomizationJob", "statusDetails.trainingDetails.status")

    @cached_property
    def sub_tasks(self) -> tuple[str, ...]:
        """The members of ``StatusDetails`` (validation, data processing, training), in model order."""
        return tuple(self.shape_at("GetModelCustomizationJob", "statusDetails").members)  # type: ignore[attr-defined]

    @cached_property
    def customization_types(self) -> tuple[str, ...]:
        return self.enum("CreateModelCustomizationJob", "customizationType", output=False)

    def union_members(self, shape: Shape) -> tuple[str, ...]:
        return tuple(shape.members) if getattr(shape, "is_tagged_union", False) else ()

    def status(self, name: str) -> str:
        """Check a job status name against the model; raise :class:`UnknownNameError` otherwise."""
        if name not in self.statuses:
            raise UnknownNameError("job status", name, self.statuses)
        return name

    def customization_type(self, name: str) -> str:
        if name not in self.customization_types:
            raise UnknownNameError("customization type", name, self.customization_types)
        return name


_lock = threading.Lock()
_current: BedrockModel | None = None


def load_raw_model() -> dict[str, Any]:
    """A deep copy of the raw bedrock ``service-2`` JSON, for building modified models in tests."""
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    return copy.deepcopy(loader.load_service_model("bedrock", "service-2"))


def _load() -> BedrockModel:
    session = botocore.session.get_session()
    return BedrockModel(session.get_service_model("bedrock"))


def get_model() -> BedrockModel:
    """The process-wide :class:`BedrockModel` (loaded on first use, then cached)."""
    global _current
    model = _current
    if model is None:
        with _lock:
            if _current is None:
                _current = _load()
            model = _current
    return model


class ModelMemo:
    """The memo ``name`` of the model in use (:meth:`BedrockModel.memo`), for answers compiled per operation and
    read on every call: :meth:`get` finds it without a look-up while the model in use stays the same."""

    __slots__ = ("_current", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._current: tuple[BedrockModel | None, dict[Any, Any]] = (None, {})

    def get(self) -> dict[Any, Any]:
        current = self._current  # one tuple: a thread never sees a model with another's memo
        if current[0] is not _current or _current is None:  # the model in use changed (or is not loaded yet)
            model = get_model()
            current = self._current = (model, model.memo(self._name))
        return current[1]


def use_model(model: ServiceModel | Mapping[str, Any] | BedrockModel) -> Undo[BedrockModel]:
    """Make every layer of the kit read ``model``, until the ``with`` block ends.

    Accepts a botocore :class:`ServiceModel`, a raw model dict (see :func:`load_raw_model`)
    or a :class:`BedrockModel`. Used to prove that a status, union member or error added
    to botocore's model flows through with no code change. The switch happens at the call:
    ``with use_model(raw) as model: ...`` restores the previous model after the block; a
    plain call keeps ``model`` in use until ``.undo()`` on what it returns
    (see :mod:`pytest_bedrock_mock.core.undo`).
    """
    global _current
    if isinstance(model, BedrockModel):
        new = model
    elif isinstance(model, ServiceModel):
        new = BedrockModel(model)
    else:
        new = BedrockModel(ServiceModel(dict(model), service_name="bedrock"))
    with _lock:
        previous = _current
        _current = new

    def restore() -> None:
        global _current
        with _lock:
            _current = previous

    return Undo(restore, new)
