"""The golden cassettes: every job status, customization type, union variant and error code.

Each golden cassette is produced by running a real botocore bedrock client against
answers built by :mod:`pytest_bedrock_mock.builders` and wire-encoded as the service
encodes them (:func:`pytest_bedrock_mock.core.wire.encode_response` / ``encode_error``),
through the same recording path users record with. Everything is seeded, so
:func:`build` gives the same bytes every time; the files in the repository's
``fixtures/cassettes/`` are :func:`write` output and a test proves they are current.

Scenario names (``get/status-Failed``, ``errors/StopModelCustomizationJob-ConflictException``,
``poll/fine-tuning-completed``, ...) come from the model: a status, type, union member or
error code added to botocore's model gets a scenario with no code change, except a
union member, which needs an example value in :data:`UNION_EXAMPLES` (the coverage test
names it).

Public names: :data:`UNION_EXAMPLES`, :func:`names`, :func:`build`, :func:`build_all`,
:func:`write`, :func:`output_unions`.
"""

from __future__ import annotations

import functools
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.contract.validate import validate_request, validate_response, validation_message
from pytest_bedrock_mock.core import rules, wire
from pytest_bedrock_mock.core.errorcodes import DUPLICATE_JOB_NAME_MESSAGE, default_message
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.core.shapes import Node, ShapeWalker, parse_path
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.cassettes.format import Cassette
from pytest_bedrock_mock.fakes.cassettes.options import CassetteOptions
from pytest_bedrock_mock.fakes.cassettes.recorder import CassetteSession
from pytest_bedrock_mock.fakes.cassettes.storage import save

__all__ = ["UNION_EXAMPLES", "build", "build_all", "names", "output_unions", "write"]

_S3 = "s3://amzn-s3-demo-bucket/invocation-logs/"
#: An example value per (union shape, member) that no builder produces on its own.
UNION_EXAMPLES: dict[tuple[str, str], Any] = {
    ("InvocationLogSource", "s3Uri"): _S3,
    ("RequestMetadataFilters", "equals"): {"project": "golden"},
    ("RequestMetadataFilters", "notEquals"): {"stage": "test"},
    ("RequestMetadataFilters", "andAll"): [{"equals": {"project": "golden"}}, {"notEquals": {"stage": "test"}}],
    ("RequestMetadataFilters", "orAll"): [{"equals": {"project": "golden"}}, {"equals": {"project": "silver"}}],
}
#: Where each union lives in a job description, with the customization type that carries it.
_UNION_HOME: dict[str, tuple[str, str]] = {
    "CustomizationConfig": ("customizationConfig", ""),
    "GraderConfig": ("customizationConfig.rftConfig.graderConfig", "REINFORCEMENT_FINE_TUNING"),
    "InvocationLogSource": ("trainingDataConfig.invocationLogsConfig.invocationLogSource", "FINE_TUNING"),
    "RequestMetadataFilters": ("trainingDataConfig.invocationLogsConfig.requestMetadataFilters", "FINE_TUNING"),
}


@dataclass
class _Call:
    operation: str
    params: dict[str, Any]
    answer: dict[str, Any] | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    message: str | None = None


class _Unions(ShapeWalker):
    recursion = "once"  # each structure once, across all four operations

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def visit_structure(self, node: Node) -> None:
        shape: Any = node.shape
        if shape.is_tagged_union:
            self.found += [(shape.name, member) for member in shape.members]
        super().visit_structure(node)


def output_unions() -> Iterator[tuple[str, str]]:
    """``(union shape name, member)`` of every tagged union in the four operations' outputs."""
    model = get_model()
    unions = _Unions()
    for op in model.operations:
        unions.walk(model.output_shape(op))
    yield from unions.found


def _token(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _create_then_get(customization_type: str, statuses: list[str], seed: int) -> list[_Call]:
    """A Create and the Gets that follow it, every answer derived from the request.

    The job echoes the request (name, model name, role, token, data, hyperparameters, config);
    its ARNs and ``baseModelArn`` name the requested base model; times only move forward.
    """
    rng = random.Random(seed)
    request = builders.create_job_request(customization_type, rng=rng, clientRequestToken=_token(rng))
    first = builders.job_description(statuses[0], customization_type, rng=rng, request=request)
    jobs = [first, *(builders.job_lifecycle(statuses[1:], job=first, rng=rng) if statuses[1:] else [])]
    calls = [_Call("CreateModelCustomizationJob", request, builders.create_job_response(first))]
    return calls + [_Call("GetModelCustomizationJob", {"jobIdentifier": first["jobArn"]}, job) for job in jobs]


def _get(job: dict[str, Any]) -> list[_Call]:
    return [_Call("GetModelCustomizationJob", {"jobIdentifier": job["jobArn"]}, job)]


def _union_job(union: str, member: str, seed: int) -> dict[str, Any] | None:
    if (union, member) not in UNION_EXAMPLES or union not in _UNION_HOME:
        return None
    path, customization_type = _UNION_HOME[union]
    job = builders.job_description("Completed", customization_type or "FINE_TUNING", seed=seed)
    *parents, last = parse_path(path)
    node: Any = job
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = {member: UNION_EXAMPLES[(union, member)]}
    logs = job["trainingDataConfig"].get("invocationLogsConfig")
    if logs is not None:  # training data comes from invocation logs instead of an S3 prefix
        logs.setdefault("invocationLogSource", {"s3Uri": _S3})
        job["trainingDataConfig"].pop("s3Uri", None)
    problems = validate_response("GetModelCustomizationJob", job)
    if problems:
        raise ValueError(f"UNION_EXAMPLES[{(union, member)!r}] is not valid: " + "; ".join(map(str, problems)))
    return job


_cache: list[tuple[Any, dict[str, list[_Call]]]] = []


def _scenarios() -> dict[str, list[_Call]]:
    """The scenarios of the current model (cached for the last model object)."""
    model = get_model()
    if not _cache or _cache[0][0] is not model:
        _cache[:] = [(model, _build_scenarios())]
    return _cache[0][1]


def _build_scenarios() -> dict[str, list[_Call]]:
    model = get_model()
    out: dict[str, list[_Call]] = {}
    for i, status in enumerate(model.statuses):
        out[f"get/status-{status}"] = _get(builders.job_description(status, "FINE_TUNING", seed=100 + i))
        out[f"get/distillation-status-{status}"] = _get(builders.job_description(status, "DISTILLATION", seed=200 + i))
    for i, ctype in enumerate(model.customization_types):
        if ctype in rules.creatable_types():  # IMPORTED is a type jobs are described with, not created with
            out[f"create/type-{ctype}"] = _create_then_get(ctype, ["InProgress"], seed=300 + i)
        out[f"get/type-{ctype}"] = _get(builders.job_description("Completed", ctype, seed=400 + i))
    carried = {("CustomizationConfig", "distillationConfig"), ("CustomizationConfig", "rftConfig"), ("GraderConfig", "lambdaGrader")}
    for i, (union, member) in enumerate(sorted(set(output_unions()))):
        job = None if (union, member) in carried else _union_job(union, member, seed=500 + i)
        if job is not None:
            out[f"get/union-{union}-{member}"] = _get(job)
    out["poll/fine-tuning-completed"] = _create_then_get("FINE_TUNING", ["InProgress", "InProgress", "Completed"], seed=600)
    out["poll/distillation-failed"] = _create_then_get("DISTILLATION", ["InProgress", "InProgress", "Failed"], seed=601)
    statuses, types = model.statuses, model.customization_types
    count = 2 * max(len(statuses), len(types))
    jobs = [builders.job_description(statuses[i % len(statuses)], types[i % len(types)], seed=700 + i) for i in range(count)]
    half = len(jobs) // 2
    out["list/two-pages"] = [
        _Call("ListModelCustomizationJobs", {"maxResults": half}, builders.list_jobs_response(jobs[:half], next_token="golden-page-2")),
        _Call("ListModelCustomizationJobs", {"maxResults": half, "nextToken": "golden-page-2"}, builders.list_jobs_response(jobs[half:])),
    ]
    stop_job = builders.job_lifecycle(["InProgress", "Stopping", "Stopped"], seed=800)
    out["stop/stopped"] = [_Call("StopModelCustomizationJob", {"jobIdentifier": stop_job[0]["jobArn"]}, {})] + _get(stop_job[1]) + _get(stop_job[2])
    for op in model.operations:
        for code in model.errors(op):
            out[f"errors/{op}-{code}"] = [_error_call(op, code)]
    return out


#: Requests that only the service rejects (botocore lets them through), one per operation.
_INVALID: dict[str, dict[str, Any]] = {
    "GetModelCustomizationJob": {"jobIdentifier": "not a job id!"},
    "StopModelCustomizationJob": {"jobIdentifier": "not a job id!"},
    "ListModelCustomizationJobs": {"maxResults": 1001},
}


def _error_call(op: str, code: str) -> _Call:
    """The golden call of error ``code``: a request that could draw it, and a message naming what it asked for."""
    job = builders.job_description("InProgress", seed=900)
    create = builders.create_job_request(seed=901, clientRequestToken=_token(random.Random(901)))
    params: dict[str, Any] = {"CreateModelCustomizationJob": create, "ListModelCustomizationJobs": {}}.get(op, {"jobIdentifier": job["jobArn"]})
    if code == "ValidationException":
        if op == "CreateModelCustomizationJob":  # the one ValidationException of a valid Create seen in public captures
            return _Call(op, params, error=code, message=DUPLICATE_JOB_NAME_MESSAGE)
        params = _INVALID[op]
        violations = validate_request(op, params)
        if not violations or any(v.client_side for v in violations):
            raise ValueError(f"golden: _INVALID[{op!r}] must be a request only the service rejects, got {violations}")
        return _Call(op, params, error=code, message=validation_message(violations))
    if code == "TooManyTagsException" and op == "CreateModelCustomizationJob":
        params = {**params, "jobTags": [{"key": f"team-{i}", "value": "golden"} for i in range(3)]}
    resource = params.get("jobIdentifier") or (params["baseModelIdentifier"] if code == "ResourceNotFoundException" else None)
    return _Call(op, params, error=code, message=default_message(code, operation=op, resource=resource))


def names() -> tuple[str, ...]:
    """The golden scenario names."""
    return tuple(_scenarios())


@functools.cache
def _client() -> Any:
    """One client for every golden recording (creating one costs tens of milliseconds; playback in ``@given`` builds often)."""
    import botocore.session
    from botocore.config import Config

    intercept.install()
    return botocore.session.get_session().create_client(
        "bedrock", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )


def _record(name: str, calls: list[_Call], client: Any) -> Cassette:
    rng = random.Random(name)
    answers = []
    for call in calls:
        rid = _token(rng)
        if call.error:
            answers.append(wire.encode_error(call.operation, call.error, call.message, rid=rid))
        else:
            answers.append(wire.encode_response(call.operation, call.answer or {}, rid=rid))
    queue = iter(answers)
    session = CassetteSession(CassetteOptions(path=Path(f"{name}.yaml"), record_mode="all"), transport=lambda _request: next(queue), cassette=Cassette())
    with intercept.activate(session):
        for call in calls:
            try:
                getattr(client, get_model().method_name(call.operation))(**call.params)
            except client.exceptions.ClientError:
                if not call.error:
                    raise
    return session.result()


def build(name: str) -> Cassette:
    """The golden cassette ``name`` (see :func:`names`), built in memory."""
    scenarios = _scenarios()
    if name not in scenarios:
        raise KeyError(f"no golden cassette {name!r}; the golden cassettes are: {', '.join(scenarios)}")
    return _record(name, scenarios[name], _client())


def build_all() -> dict[str, Cassette]:
    client = _client()
    return {name: _record(name, calls, client) for name, calls in _scenarios().items()}


def write(directory: str | Path) -> list[Path]:
    """Write every golden cassette under ``directory`` (``<name>.yaml``); returns the paths."""
    root = Path(directory)
    return [save(cassette, root / f"{name}.yaml") for name, cassette in build_all().items()]
