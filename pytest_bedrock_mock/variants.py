"""The variant catalogue: every case a job-handling program must handle, derived from the model.

>>> [v.key for v in select("status")][:2]
['status: InProgress', 'status: Completed']

Dimensions (:func:`dimensions`), in this order:

* ``status`` — the job statuses (``GetModelCustomizationJob`` ``status``, also in list summaries);
* ``sub_status`` — the sub-task statuses a ``statusDetails`` entry can show;
* ``customization_type`` — the customization types;
* one dimension per tagged union in the Get response, named after the member that holds it
  (``customizationConfig``, ``invocationLogSource``, ``requestMetadataFilters``,
  ``graderConfig``), found by walking the shapes; its variants are the union's members;
* ``optional`` — optional blocks whose presence changes what a job means
  (:data:`OPTIONAL_BLOCKS`), each ``present`` and ``absent``;
* ``error`` — every documented error code of every operation (``GetModelCustomizationJob
  ThrottlingException``);
* ``forward_compat`` (off by default: pass ``forward_compat=True``) — what a newer service
  may send before botocore knows it: an unknown status, an unknown customization type, an
  unknown union member (botocore parses it as ``SDK_UNKNOWN_MEMBER``) and an unknown field
  (botocore drops it).

A status, union member or error added to botocore's model is a new variant with no code
change. Every :class:`Variant` can be served: :meth:`Variant.answer` is what botocore's
parser makes of the wire answer, :meth:`Variant.queue_on` queues it on a
``botocore.stub.Stubber``-compatible stubber, :func:`pytest_bedrock_mock.fakes.variants.serve`
activates a fake that answers every bedrock call consistently with it.

Public names: :class:`Variant`, :class:`VariantError`, :func:`catalogue`, :func:`dimensions`,
:func:`select`, :func:`union_paths`, :data:`OPTIONAL_BLOCKS`, :data:`FORWARD_COMPAT`.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ParamValidationError

from pytest_bedrock_mock import _variant_answers as answers
from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.core.model import BedrockModel, get_model
from pytest_bedrock_mock.core.shapes import Node, ShapeWalker, format_path, parse_path
from pytest_bedrock_mock.errors import VariantError

__all__ = ["FORWARD_COMPAT", "OPTIONAL_BLOCKS", "Variant", "VariantError", "catalogue", "dimensions", "select", "union_paths"]

GET = "GetModelCustomizationJob"
FORWARD_COMPAT = "forward_compat"
#: Optional Get-response blocks whose presence changes what a job means (kept if the model has them).
OPTIONAL_BLOCKS: tuple[str, ...] = ("vpcConfig", "validationMetrics", "outputModelArn")
_FORWARD_VALUES = ("unknown status", "unknown customization type", "unknown union member", "unknown field")


@dataclass(frozen=True)
class Variant:
    """One case of one dimension; ``operation`` is the operation whose answer shows it."""

    dimension: str
    value: str
    operation: str = GET
    detail: str = ""  #: union path, optional block name or error code

    @property
    def key(self) -> str:
        """``status: Stopped`` — how summaries and reports name the variant."""
        return f"{self.dimension}: {self.value}"

    @property
    def id(self) -> str:
        """A pytest id: ``status-Stopped``, ``error-GetModelCustomizationJob-ThrottlingException``."""
        return f"{self.dimension}-{self.value}".replace(" ", "-")

    @property
    def is_error(self) -> bool:
        return self.dimension == "error"

    def __str__(self) -> str:
        return self.key

    def job(self, seed: int = 0) -> dict[str, Any]:
        """The Get response (before the wire: datetimes, unknown fields kept) that shows this variant."""
        if self.is_error:
            raise VariantError(f"{self.key} is an error answer of {self.operation}, not a job")
        return _JOB_MAKERS[self.dimension if self.dimension in _JOB_MAKERS else "union"](self, seed)

    def wire(self, seed: int = 0) -> tuple[int, dict[str, str], bytes]:
        """The answer as the service sends it: ``(status, headers, body)``."""
        if self.is_error:
            return wire.encode_error(self.operation, self.detail)
        return wire.encode_response(self.operation, self.job(seed))

    def answer(self, seed: int = 0) -> tuple[AWSResponse, dict[str, Any]]:
        """``(http_response, parsed)``: what a botocore client makes of :meth:`wire`."""
        status, headers, body = self.wire(seed)
        return wire.aws_response(status, headers, body), wire.parse(self.operation, status, headers, body)

    def response(self, seed: int = 0) -> dict[str, Any]:
        """The parsed answer without ``ResponseMetadata`` (for errors: the parsed error dict)."""
        parsed = self.answer(seed)[1]
        if not self.is_error:
            parsed.pop("ResponseMetadata", None)
        return parsed

    def queue_on(self, stubber: Any, seed: int = 0) -> None:
        """Queue this variant on a ``botocore.stub.Stubber`` (or a subclass such as ``BedrockStubber``)."""
        method = get_model().method_name(self.operation)
        if self.is_error:
            message = wire.default_message(self.detail)
            params = inspect.signature(stubber.add_client_error).parameters
            if "http_status_code" in params:
                status = get_model().error(self.operation, self.detail).http_status
                stubber.add_client_error(method, service_error_code=self.detail, service_message=message, http_status_code=status)
            else:
                stubber.add_client_error(method, self.detail, message)
            return
        try:
            stubber.add_response(method, self.response(seed))
        except ParamValidationError as exc:
            raise VariantError(
                f"{self.key} cannot be queued on a botocore Stubber: its response check rejects what only a newer "
                f"service sends ({exc}). Serve it with pytest_bedrock_mock.fakes.variants.serve(variant) or the bedrock_variant fixture instead."
            ) from None



# -- answers ---------------------------------------------------------------------------


def _status_job(v: Variant, seed: int) -> dict[str, Any]:
    return answers.base_job(v.value, seed=seed)


def _type_job(v: Variant, seed: int) -> dict[str, Any]:
    return answers.base_job(customization_type=v.value, seed=seed)


def _forward_job(v: Variant, seed: int) -> dict[str, Any]:
    model = get_model()
    job = answers.base_job(seed=seed)
    if v.value == "unknown status":
        job["status"] = answers.unknown_name(model.statuses, "Queued")
    elif v.value == "unknown customization type":
        job["customizationType"] = answers.unknown_name(model.customization_types, "FUTURE_CUSTOMIZATION")
    elif v.value == "unknown union member":
        dotted, members = min(union_paths().values(), key=lambda pm: len(parse_path(pm[0])))
        *parents, last = parse_path(dotted)
        node: Any = job
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = {answers.unknown_name(members, "futureMember"): {"setting": "example"}}
    else:
        members = model.output_shape(GET).members
        job[answers.unknown_name(tuple(members), "futureField")] = {"note": "a field newer than this botocore"}
    return job


_JOB_MAKERS = {
    "status": _status_job,
    "sub_status": lambda v, seed: answers.job_with_sub_status(v.value, seed=seed),
    "customization_type": _type_job,
    "optional": lambda v, seed: answers.job_with_block(v.detail, v.value.endswith(" present"), seed=seed),
    FORWARD_COMPAT: _forward_job,
    "union": lambda v, seed: answers.job_with_union_member(v.detail, v.value, seed=seed),
}


# -- the catalogue -----------------------------------------------------------------------


class _UnionPaths(ShapeWalker):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, Any]] = []

    def visit_structure(self, node: Node) -> None:
        if getattr(node.shape, "is_tagged_union", False) and node.path:
            self.found.append((format_path(node.path), node.shape))
        super().visit_structure(node)


def union_paths() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each union dimension of the Get response: name -> (dotted path, member names)."""
    return _union_paths(get_model())


@functools.lru_cache(maxsize=8)
def _union_paths(model: BedrockModel) -> dict[str, tuple[str, tuple[str, ...]]]:
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    unions = _UnionPaths()
    unions.walk(model.output_shape(GET))
    for path, shape in unions.found:
        name = path.rsplit(".", 1)[-1]
        if name in out or name in _FIXED:
            name = path
        out[name] = (path, tuple(shape.members))
    return out


_FIXED = ("status", "sub_status", "customization_type", "optional", "error", FORWARD_COMPAT)


@functools.lru_cache(maxsize=8)
def _catalogue(model: BedrockModel) -> dict[str, tuple[Variant, ...]]:
    cat: dict[str, tuple[Variant, ...]] = {
        "status": tuple(Variant("status", s) for s in model.statuses),
        "sub_status": tuple(Variant("sub_status", s) for s in model.sub_statuses),
        "customization_type": tuple(Variant("customization_type", t) for t in model.customization_types),
    }
    for name, (path, members) in _union_paths(model).items():
        cat[name] = tuple(Variant(name, m, GET, path) for m in members)
    blocks = [b for b in OPTIONAL_BLOCKS if b in model.output_shape(GET).members]
    cat["optional"] = tuple(Variant("optional", f"{b} {state}", GET, b) for b in blocks for state in ("present", "absent"))
    cat["error"] = tuple(Variant("error", f"{op} {code}", op, code) for op in model.operations for code in model.errors(op))
    cat[FORWARD_COMPAT] = tuple(Variant(FORWARD_COMPAT, value) for value in _FORWARD_VALUES)
    return cat


def catalogue(*, forward_compat: bool = False) -> dict[str, tuple[Variant, ...]]:
    """Dimension name -> its variants, for the model in use (see :func:`~pytest_bedrock_mock.core.model.use_model`)."""
    cat = _catalogue(get_model())
    return {k: v for k, v in cat.items() if forward_compat or k != FORWARD_COMPAT}


def dimensions(*, forward_compat: bool = False) -> tuple[str, ...]:
    return tuple(catalogue(forward_compat=forward_compat))


def select(*selectors: str, forward_compat: bool = False, operation: str | None = None) -> list[Variant]:
    """The variants named by ``selectors``: a dimension (``"status"``) or one variant (``"status: Stopped"``).

    No selector means every dimension. Naming ``forward_compat`` selects it even when
    ``forward_compat`` is False. ``operation`` keeps only the variants of that operation.
    """
    cat = catalogue(forward_compat=True)
    chosen = selectors or dimensions(forward_compat=forward_compat)
    out: list[Variant] = []
    for selector in chosen:
        dim, _, value = (part.strip() for part in selector.partition(":"))
        if dim not in cat:
            raise VariantError(f"unknown variant dimension {dim!r}; the dimensions are: {', '.join(cat)}")
        found = [v for v in cat[dim] if not value or v.value == value]
        if not found:
            raise VariantError(f"unknown {dim} variant {value!r}; the {dim} variants are: {', '.join(v.value for v in cat[dim])}")
        out.extend(v for v in found if v not in out)
    if operation is not None:
        op = get_model().operation_name(operation)
        out = [v for v in out if v.operation == op]
    return out
