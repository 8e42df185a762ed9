"""Answers for variants: a GetModelCustomizationJob description showing one variant.

Private helper of :mod:`pytest_bedrock_mock.variants`. Answers come from the response
builders where the consistency rules know the variant (a status, a customization type,
the config member of a customization type); for a variant only the model knows (a union
member or status added to botocore's model), the answer is a builder answer with the
variant's value put in place and the missing parts filled by :func:`example_value`, a
minimal value that satisfies the model's constraints.
"""

from __future__ import annotations

import datetime as _dt
import random as _random
from collections.abc import Iterator
from typing import Any

from botocore.model import Shape

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core import rules, values
from pytest_bedrock_mock.core.javaregex import full_match, java_length
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.core.shapes import ANY_ITEM, ANY_VALUE, Node, ShapeVisitor, Step, parse_path, resolve
from pytest_bedrock_mock.errors import VariantError

__all__ = ["VariantError", "base_job", "example_value", "job_with_block", "job_with_sub_status", "job_with_union_member", "unknown_name"]

GET = "GetModelCustomizationJob"
#: Documented: invocation logs are a training-data source of distillation jobs.
_PREFERRED_TYPE = {"invocationLogsConfig": "DISTILLATION"}


def _string_candidates(rng: _random.Random) -> Iterator[str]:
    yield values.s3_uri(rng, file="data.jsonl")
    yield values.lambda_arn(rng)
    yield values.role_arn(rng)
    yield values.kms_key_arn(rng)
    yield values.subnet_id(rng)
    yield values.security_group_id(rng)
    yield values.foundation_model_arn(values.TEACHER_MODELS[0])
    yield values.TEACHER_MODELS[0]
    yield values.job_name(rng)
    yield "example"
    yield "example-value-1"
    yield "1"


def _example_string(shape: Any, rng: _random.Random) -> str:
    if shape.enum:
        return str(shape.enum[0])
    meta = shape.metadata
    low, high = meta.get("min", 0), meta.get("max", 1 << 20)
    pattern = meta.get("pattern")
    for candidate in _string_candidates(rng):
        if low <= java_length(candidate) <= high and (pattern is None or full_match(pattern, candidate)):
            return candidate
    filler = "a" * max(low, 1)
    if pattern is None or full_match(pattern, filler):
        return filler
    raise VariantError(f"cannot make an example value for {shape.name} (pattern {pattern!r}); pass the answer yourself")


class _Example(ShapeVisitor[Any]):
    """A minimal value: required members only, a union's first member, ``min`` items (at least one)."""

    def __init__(self, rng: _random.Random) -> None:
        super().__init__()
        self.rng = rng

    def visit_structure(self, node: Node) -> Any:
        shape: Any = node.shape
        if shape.is_tagged_union:
            name, _, first = next(node.members())
            return {name: self.visit(first)} if first is not None else {}
        children = {name: child for name, _, child in node.members() if child is not None}
        return {name: self.visit(children[name]) for name in shape.required_members}

    def visit_list(self, node: Node) -> Any:
        (item,) = node.items()
        return [self.visit(item) for _ in range(max(int(node.shape.metadata.get("min", 1)), 1))]

    def visit_map(self, node: Node) -> Any:
        ((key, value),) = node.entries()
        return {self.visit(key): self.visit(value)}

    def visit_string(self, node: Node) -> Any:
        return _example_string(node.shape, self.rng)

    def visit_number(self, node: Node) -> Any:
        meta = node.shape.metadata
        if node.shape.type_name in ("integer", "long"):
            return int(max(meta.get("min", 1), min(1, meta.get("max", 1))))
        return float(meta.get("min", 1.0))

    def visit_boolean(self, node: Node) -> Any:
        return True

    def visit_timestamp(self, node: Node) -> Any:
        return _dt.datetime(2024, 5, 1, 12, 0, tzinfo=_dt.timezone.utc)

    def visit_other(self, node: Node) -> Any:
        return b"example"

    def visit_again(self, node: Node) -> Any:
        raise VariantError(f"cannot make an example value for {node.shape.name}: it requires itself; pass the answer yourself")


def example_value(shape: Shape, rng: _random.Random | None = None) -> Any:
    """A minimal value of ``shape`` that satisfies the model's constraints (required members only)."""
    return _Example(rng or _random.Random(0)).walk(shape)


def unknown_name(known: tuple[str, ...], proposal: str) -> str:
    """``proposal``, or ``proposal`` with a suffix, so that it is not one of ``known``."""
    name, n = proposal, 1
    while name in known:
        n += 1
        name = f"{proposal}{n}"
    return name


def _type_for(parts: list[Step]) -> str:
    """The customization type whose jobs carry the union at ``parts``."""
    model = get_model()
    for i, part in enumerate(parts):
        if part in _PREFERRED_TYPE and _PREFERRED_TYPE[part] in model.customization_types:
            return _PREFERRED_TYPE[part]
        if part == "customizationConfig" and i + 1 < len(parts):
            for ctype in model.customization_types:
                if rules.config_member(ctype) == parts[i + 1]:
                    return ctype
    return model.customization_types[0]


def base_job(status: str | None = None, customization_type: str | None = None, *, seed: int = 0, **overrides: Any) -> dict[str, Any]:
    model = get_model()
    return builders.job_description(status or model.statuses[0], customization_type or model.customization_types[0], seed=seed, **overrides)


def job_with_union_member(path: str, member: str, *, seed: int = 0) -> dict[str, Any]:
    """A job whose union at ``path`` (dotted, from the Get response) has ``member`` set."""
    parts = list(parse_path(path))
    ctype = _type_for(parts + [member])
    rng = _random.Random(seed)
    if rules.config_member(ctype) == member and parts == ["customizationConfig"]:
        return base_job(customization_type=ctype, seed=seed)
    job = builders.job_description(get_model().statuses[0], ctype, seed=seed, check=False)
    shapes = resolve(get_model().output_shape(GET), tuple(parts))
    node: Any = job
    for part, shape in zip(parts[:-1], shapes[:-1], strict=True):
        if part is ANY_ITEM or part is ANY_VALUE:
            node = node[0] if part is ANY_ITEM else next(iter(node.values()))
            continue
        if part not in node:
            node[part] = example_value(shape, rng)
        node = node[part]
    union: Any = shapes[-1]
    if not (isinstance(node.get(parts[-1]), dict) and member in node[parts[-1]]):
        node[parts[-1]] = {member: example_value(union.members[member], rng)}
    return job


def job_with_sub_status(sub_status: str, *, seed: int = 0) -> dict[str, Any]:
    """A job with status details where some sub-task is in ``sub_status``."""
    model = get_model()
    ctype = next((t for t in model.customization_types if rules.has_status_details(t)), model.customization_types[0])
    for status in model.statuses:
        for stage in range(len(model.sub_tasks)):
            if sub_status in rules.sub_task_statuses(status, stage).values():
                return base_job(status, ctype, seed=seed, stage=stage)
    job = builders.job_description(model.statuses[0], ctype, seed=seed, check=False)
    details = job.setdefault("statusDetails", {})
    details.setdefault(model.sub_tasks[-1], {})["status"] = sub_status
    return job


def _block_statuses() -> list[str]:
    statuses = list(get_model().statuses)
    return sorted(statuses, key=lambda s: not rules.has_output_model(s))


def job_with_block(block: str, present: bool, *, seed: int = 0) -> dict[str, Any]:
    """A job with the optional top-level ``block`` present or absent, preferring finished jobs."""
    create_members = get_model().input_shape("CreateModelCustomizationJob").members
    output: Any = get_model().output_shape(GET)
    for status in _block_statuses():
        job = base_job(status, seed=seed)
        if present and block not in job and block in create_members:
            extra = {block: example_value(output.members[block], _random.Random(seed))}
            job = base_job(status, seed=seed, request=builders.create_job_request(seed=seed, **extra))
        if (block in job) == present:
            return job
        if not present:
            try:
                return base_job(status, seed=seed, **{block: None})
            except builders.BuildError:
                continue
    raise VariantError(f"no consistent job has {block} {'present' if present else 'absent'}")
