"""Response builders: consistent, valid answers of the four operations, deterministic under a seed.

>>> job = job_description(status="Failed", customization_type="DISTILLATION", seed=7)
>>> job["failureMessage"] and "outputModelArn" not in job
True

Every builder checks its result with :func:`~pytest_bedrock_mock.contract.validate.validate_response`
and :func:`~pytest_bedrock_mock.core.rules.check_consistency`; a keyword override of a field
the shape does not have, an unknown status or customization type, or an override that
makes the answer inconsistent raises :class:`BuildError` naming the valid choices
(pass ``check=False`` to build a deliberately inconsistent answer).

Public names: :func:`job_description`, :func:`job_lifecycle`, :func:`create_job_request`,
:func:`create_job_response`, :func:`job_summary`, :func:`list_jobs_response`, :class:`BuildError`.
"""

from __future__ import annotations

import datetime as _dt
import random as _random
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_bedrock_mock.contract.validate import validate_response
from pytest_bedrock_mock.core import rules, values
from pytest_bedrock_mock.core.javaregex import full_match
from pytest_bedrock_mock.core.model import UnknownNameError, get_model
from pytest_bedrock_mock.errors import BuildError

__all__ = [
    "BuildError",
    "create_job_request",
    "create_job_response",
    "job_description",
    "job_lifecycle",
    "job_summary",
    "list_jobs_response",
]

_EPOCH = _dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=_dt.timezone.utc)
_default_rng = _random.Random()


def _rng(seed: int | None, rng: _random.Random | None) -> _random.Random:
    if rng is not None:
        return rng
    return _random.Random(seed) if seed is not None else _random.Random(_default_rng.random())


def _ms(t: _dt.datetime) -> _dt.datetime:
    return t.replace(microsecond=(t.microsecond // 1000) * 1000)


def _apply_overrides(result: dict[str, Any], overrides: Mapping[str, Any], shape: Any) -> None:
    """Set each override (None removes the field); an unknown field name is a BuildError."""
    members = shape.members
    for key, value in overrides.items():
        if key not in members:
            raise BuildError(str(UnknownNameError(f"field of {shape.name}", key, tuple(members))))
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value


def _finish(result: dict[str, Any], operation: str, check: bool, consistency: bool = True) -> dict[str, Any]:
    if check:
        problems = [str(v) for v in validate_response(operation, result)]
        if consistency:
            problems += rules.check_consistency(result)
        if problems:
            raise BuildError(f"the {operation} answer would not be one the service sends: " + "; ".join(problems))
    return result


def _check_names(status: str, customization_type: str) -> None:
    model = get_model()
    try:
        model.status(status)
        model.customization_type(customization_type)
    except UnknownNameError as exc:
        raise BuildError(str(exc)) from None


def _base_model(rng: _random.Random, customization_type: str) -> str:
    return rng.choice(values.BASE_MODELS.get(customization_type, values.DEFAULT_BASE_MODELS))


def _base_model_id(identifier: str, rng: _random.Random, customization_type: str, region: str) -> str:
    """The base model id a job's ARNs name, from a request's ``baseModelIdentifier``.

    A model id or a foundation-model ARN names it; a custom-model ARN carries its base
    model id. A custom model *name* (or an imported model) does not say which base model
    it was trained from, so one is picked like a fresh request would.
    """
    candidate = identifier
    if ":foundation-model/" in identifier:
        candidate = identifier.split("/", 1)[1]
    elif ":custom-model/" in identifier and identifier.count("/") == 2:
        candidate = identifier.split("/")[1]
    pattern = get_model().shape_at("GetModelCustomizationJob", "baseModelArn").metadata.get("pattern")
    if pattern is None or full_match(pattern, values.foundation_model_arn(candidate, region)):
        return candidate
    return _base_model(rng, customization_type)


def _customization_config(rng: _random.Random, customization_type: str, region: str) -> dict[str, Any] | None:
    member = rules.config_member(customization_type)
    if member == "distillationConfig":
        return {member: {"teacherModelConfig": {"teacherModelIdentifier": values.foundation_model_arn(rng.choice(values.TEACHER_MODELS), region), "maxResponseLengthForInference": rng.choice((1000, 2000, 4096))}}}
    if member == "rftConfig":
        return {member: {"graderConfig": {"lambdaGrader": {"lambdaArn": values.lambda_arn(rng, region)}}, "hyperParameters": {"epochCount": rng.randint(1, 5), "batchSize": rng.choice((16, 32, 64)), "learningRate": rng.choice((1e-5, 5e-5, 1e-4))}}}
    return None


def _hyper_parameters(rng: _random.Random, customization_type: str) -> dict[str, str]:
    if rules.config_member(customization_type) is not None:
        return {}
    return {"epochCount": str(rng.randint(1, 5)), "batchSize": str(rng.choice((1, 2, 4, 8))), "learningRate": rng.choice(("0.00001", "0.00005", "0.0001")), "learningRateWarmupSteps": "0"}


def create_job_request(customization_type: str = "FINE_TUNING", *, seed: int | None = None, rng: _random.Random | None = None, region: str = "us-east-1", check: bool = True, **overrides: Any) -> dict[str, Any]:
    """Valid ``create_model_customization_job`` parameters for a customization type."""
    _check_names(get_model().statuses[0], customization_type)
    r = _rng(seed, rng)
    params: dict[str, Any] = {
        "jobName": values.job_name(r),
        "customModelName": values.model_name(r),
        "roleArn": values.role_arn(r),
        "baseModelIdentifier": _base_model(r, customization_type),
        "customizationType": customization_type,
        "trainingDataConfig": {"s3Uri": values.s3_uri(r, file="train.jsonl")},
        "validationDataConfig": {"validators": [{"s3Uri": values.s3_uri(r, file="validation.jsonl")}]},
        "outputDataConfig": {"s3Uri": values.s3_uri(r, prefix="output")},
    }
    hyper = _hyper_parameters(r, customization_type)
    if hyper:
        params["hyperParameters"] = hyper
    config = _customization_config(r, customization_type, region)
    if config is not None:
        params["customizationConfig"] = config
    _apply_overrides(params, overrides, get_model().input_shape("CreateModelCustomizationJob"))
    if check:
        from pytest_bedrock_mock.contract.validate import validate_request

        problems = validate_request("CreateModelCustomizationJob", params)
        if problems:
            raise BuildError("the request would be rejected: " + "; ".join(map(str, problems)))
    return params


def job_description(status: str = "Completed", customization_type: str = "FINE_TUNING", *, seed: int | None = None, rng: _random.Random | None = None, region: str = "us-east-1", created: _dt.datetime | None = None, stage: int | None = None, request: Mapping[str, Any] | None = None, check: bool = True, **overrides: Any) -> dict[str, Any]:
    """A GetModelCustomizationJob response for a job in ``status``.

    ``request`` (create parameters) makes the description echo that request;
    ``stage`` picks the running sub-task of a DISTILLATION job (see
    :func:`~pytest_bedrock_mock.core.rules.sub_task_statuses`).
    """
    _check_names(status, customization_type)
    r = _rng(seed, rng)
    req = dict(request) if request is not None else create_job_request(customization_type, rng=r, region=region, check=False)
    base_id = _base_model_id(req["baseModelIdentifier"], r, customization_type, region)
    created = _ms(created or _EPOCH + _dt.timedelta(seconds=r.randrange(0, 86_400 * 30)))
    modified = created + _dt.timedelta(minutes=r.randrange(1, 240))
    job: dict[str, Any] = {
        "jobArn": values.job_arn(r, base_id, region),
        "jobName": req["jobName"],
        "outputModelName": req["customModelName"],
        "clientRequestToken": req.get("clientRequestToken") or f"{values.resource_id(r, 8)}-{values.resource_id(r, 4)}-{values.resource_id(r, 12)}",
        "roleArn": req["roleArn"],
        "status": status,
        "creationTime": created,
        "lastModifiedTime": modified,
        "baseModelArn": values.foundation_model_arn(base_id, region),
        "hyperParameters": dict(req.get("hyperParameters") or {}),
        "trainingDataConfig": dict(req["trainingDataConfig"]),
        "validationDataConfig": dict(req.get("validationDataConfig") or {"validators": []}),
        "outputDataConfig": dict(req["outputDataConfig"]),
        "customizationType": req.get("customizationType", customization_type),
    }
    for key in ("vpcConfig", "customizationConfig"):
        if key in req:
            job[key] = req[key]
    if req.get("customModelKmsKeyId", "").startswith("arn:aws:kms:") and ":key/" in req["customModelKmsKeyId"]:
        job["outputModelKmsKeyArn"] = req["customModelKmsKeyId"]
    if rules.has_status_details(customization_type):
        job["statusDetails"] = {
            task: {"status": sub, **({"creationTime": created, "lastModifiedTime": modified} if sub != "NotStarted" else {})}
            for task, sub in rules.sub_task_statuses(status, stage).items()
        }
    if rules.is_terminal(status):
        job["endTime"] = modified
    if rules.is_failed(status):
        job["failureMessage"] = values.failure_message(r)
    if rules.has_output_model(status):
        job["outputModelArn"] = values.custom_model_arn(r, base_id, region)
        job["trainingMetrics"] = {"trainingLoss": round(r.uniform(0.05, 2.5), 4)}
        if job["validationDataConfig"].get("validators"):
            job["validationMetrics"] = [{"validationLoss": round(r.uniform(0.05, 2.5), 4)} for _ in job["validationDataConfig"]["validators"]]
    _apply_overrides(job, overrides, get_model().output_shape("GetModelCustomizationJob"))
    return _finish(job, "GetModelCustomizationJob", check)


def job_lifecycle(statuses: Sequence[str], customization_type: str | None = None, *, job: Mapping[str, Any] | None = None, seed: int | None = None, rng: _random.Random | None = None, check: bool = True, **overrides: Any) -> list[dict[str, Any]]:
    """Successive Get responses of *one* job through ``statuses`` (a legal path).

    ``job`` continues an existing job description (same ARN, name, type and data);
    otherwise a new job of ``customization_type`` (default FINE_TUNING) is made.
    """
    if not statuses:
        raise BuildError("a lifecycle needs at least one status, e.g. ['InProgress', 'Completed']")
    ctype = customization_type or (job or {}).get("customizationType") or "FINE_TUNING"
    for s in statuses:
        _check_names(s, ctype)
    seen_before = [job["status"]] if job is not None and job.get("status") else []
    problems = rules.legal_path([*seen_before, *statuses])
    if problems and check:
        raise BuildError("illegal lifecycle: " + "; ".join(problems))
    r = _rng(seed, rng)
    first = dict(job) if job is not None else job_description(statuses[0], ctype, rng=r, check=False, **overrides)
    request: dict[str, Any] = {
        "jobName": first["jobName"], "customModelName": first["outputModelName"], "roleArn": first["roleArn"],
        "baseModelIdentifier": first["baseModelArn"].split("/", 1)[1], "clientRequestToken": first.get("clientRequestToken"),
        **{k: first[k] for k in ("trainingDataConfig", "validationDataConfig", "outputDataConfig", "hyperParameters", "customizationType", "vpcConfig", "customizationConfig") if k in first},
    }
    n_tasks = len(get_model().sub_tasks)
    out = []
    # A continued job goes on from where it is: its time and its running DISTILLATION sub-task.
    start = first["lastModifiedTime"] if job is not None and first.get("lastModifiedTime") else first["creationTime"]
    stage = 0
    if job is not None:  # the number of sub-tasks already Completed
        for task in first.get("statusDetails", {}).values():
            if task.get("status") != "Completed":
                break
            stage += 1
        stage = min(stage, n_tasks - 1)
    for i, status in enumerate(statuses):
        if i and status == statuses[i - 1] == "InProgress":
            stage = min(stage + 1, n_tasks - 1)
        current = job_description(status, ctype, rng=_random.Random(r.random()), check=False, stage=stage, created=first["creationTime"], request=request, **overrides)
        current["jobArn"] = first["jobArn"]
        current["baseModelArn"] = first["baseModelArn"]
        current["lastModifiedTime"] = start + _dt.timedelta(minutes=5 * (i + 1))
        if "endTime" in current:
            current["endTime"] = current["lastModifiedTime"]
        for task in current.get("statusDetails", {}).values():
            if "creationTime" in task:
                task["creationTime"], task["lastModifiedTime"] = first["creationTime"], current["lastModifiedTime"]
        out.append(_finish(current, "GetModelCustomizationJob", check))
    return out


def create_job_response(job: Mapping[str, Any] | None = None, *, job_arn: str | None = None, seed: int | None = None) -> dict[str, Any]:
    """A CreateModelCustomizationJob response (``{"jobArn": ...}``)."""
    arn = job_arn or (job["jobArn"] if job is not None else job_description("InProgress", seed=seed)["jobArn"])
    return _finish({"jobArn": arn}, "CreateModelCustomizationJob", True, consistency=False)


_SUMMARY_RENAMES = {"customModelArn": "outputModelArn", "customModelName": "outputModelName"}


def job_summary(job: Mapping[str, Any]) -> dict[str, Any]:
    """The ListModelCustomizationJobs summary of a job description (fields from the model)."""
    shape = get_model().shape_at("ListModelCustomizationJobs", "modelCustomizationJobSummaries.[]")
    out = {}
    for name in shape.members:  # type: ignore[attr-defined]
        source = _SUMMARY_RENAMES.get(name, name)
        if source in job:
            out[name] = job[source]
    return out


def list_jobs_response(jobs: Sequence[Mapping[str, Any]] = (), *, next_token: str | None = None, check: bool = True) -> dict[str, Any]:
    """A ListModelCustomizationJobs response listing ``jobs`` (descriptions or summaries)."""
    summary_members = get_model().shape_at("ListModelCustomizationJobs", "modelCustomizationJobSummaries.[]").members  # type: ignore[attr-defined]
    summaries = [dict(j) if set(j) <= set(summary_members) else job_summary(j) for j in jobs]
    result: dict[str, Any] = {"modelCustomizationJobSummaries": summaries}
    if next_token is not None:
        result["nextToken"] = next_token
    return _finish(result, "ListModelCustomizationJobs", check, consistency=False)
