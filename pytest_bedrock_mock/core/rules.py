"""Consistency rules of a job, shared by the response builders, the strategies and the simulator.

What the model says (the names of statuses, sub-task statuses, customization types
and union members) comes from :mod:`pytest_bedrock_mock.core.model`. What the model cannot
say — which statuses are terminal, which one carries ``failureMessage``, which
customization type needs which ``customizationConfig`` member — is documented
behaviour written down *once*, here.

A status the model gains before this table knows it is treated as a non-terminal, non-failed
status (a job can be in it and leave it); call :func:`register_status` to say otherwise (for the
process, or a ``with`` block: it is undoable; docs/undocumented-behaviour.md#statuses-the-kit-does-not-know-yet).

Request rules. What a Create request must satisfy beyond its fields (a customization type
and its ``customizationConfig`` member, the types Create does not take, the forms of the
base-model identifier and its region) is one table of :class:`RequestRule` rows, read by
:func:`check_request` (and so by ``validate_request``, the stubber, the simulator and the
server). Each row names the member path it is reported at, in the one grammar of
:mod:`pytest_bedrock_mock.core.shapes`; docs/contract.md#request-rules lists them.

Public names: :func:`is_terminal`, :func:`is_failed`, :func:`has_output_model`,
:func:`config_member`, :func:`has_status_details`, :func:`sub_task_statuses`,
:func:`legal_next`, :func:`legal_path`, :func:`check_consistency`, :func:`register_status`,
:class:`RequestRule`, :data:`REQUEST_RULES`, :func:`check_request`, :func:`creatable_types`,
:func:`base_model`, :func:`partition_of`.
"""

from __future__ import annotations

import datetime as _dt
import functools
import random as _random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.exceptions import UnknownRegionError

from pytest_bedrock_mock.core import values
from pytest_bedrock_mock.core.javaregex import full_match
from pytest_bedrock_mock.core.model import BedrockModel, ModelMemo, get_model
from pytest_bedrock_mock.core.undo import Undo

__all__ = [
    "REQUEST_RULES",
    "RequestRule",
    "base_model",
    "check_consistency",
    "check_request",
    "config_member",
    "creatable_types",
    "has_output_model",
    "has_status_details",
    "is_failed",
    "is_terminal",
    "legal_next",
    "legal_path",
    "partition_of",
    "register_status",
    "sub_task_statuses",
]

# Documented semantics of the statuses the model lists today.
_TERMINAL: set[str] = {"Completed", "Failed", "Stopped"}
_FAILED: set[str] = {"Failed"}
_SUCCEEDED: set[str] = {"Completed"}
_NEXT: dict[str, tuple[str, ...]] = {
    # Stopped directly after InProgress: two polls can miss the short Stopping state.
    "InProgress": ("InProgress", "Completed", "Failed", "Stopping", "Stopped"),
    "Stopping": ("Stopping", "Stopped"),
}
#: The customization types that need a member of the ``customizationConfig`` union.
_CONFIG_MEMBER: dict[str, str] = {
    "DISTILLATION": "distillationConfig",
    "REINFORCEMENT_FINE_TUNING": "rftConfig",
}
#: Types the model lists that Create does not take: an imported model comes from CreateModelImportJob.
_NOT_CREATABLE: set[str] = {"IMPORTED"}
#: ``statusDetails`` is documented "for a Distillation job".
_STATUS_DETAILS_TYPES: set[str] = {"DISTILLATION"}
#: The sub-task status a job status leaves on the sub-task that was running.
_SUB_STATUS_OF: dict[str, str] = {
    "InProgress": "InProgress",
    "Failed": "Failed",
    "Stopping": "Stopping",
    "Stopped": "Stopped",
}


def register_status(name: str, *, terminal: bool, failed: bool = False, next_statuses: Sequence[str] = ()) -> Undo[None]:
    """Tell the rules how a status new to the model behaves (see the module docstring).

    The rules change at once, for the whole process. Use the call as a context manager
    (``with register_status("Paused", terminal=True): ...``) or call ``.undo()`` on what it
    returns to give ``name`` back the behaviour it had before.
    """
    was_terminal, was_failed, had_next = name in _TERMINAL, name in _FAILED, _NEXT.get(name)

    def restore() -> None:
        (_TERMINAL.add if was_terminal else _TERMINAL.discard)(name)
        (_FAILED.add if was_failed else _FAILED.discard)(name)
        if had_next is None:
            _NEXT.pop(name, None)
        else:
            _NEXT[name] = had_next

    (_TERMINAL.add if terminal else _TERMINAL.discard)(name)
    (_FAILED.add if failed else _FAILED.discard)(name)
    if terminal:
        _NEXT.pop(name, None)
    else:
        _NEXT[name] = tuple(next_statuses) or (name, *sorted(_TERMINAL))
    return Undo(restore, None)


def is_terminal(status: str) -> bool:
    """True for a status the job never leaves (``endTime`` is set)."""
    return status in _TERMINAL


def is_failed(status: str) -> bool:
    """True for the status that carries ``failureMessage``."""
    return status in _FAILED


def has_output_model(status: str) -> bool:
    """True when the custom model exists, so ``outputModelArn`` is returned."""
    return status in _SUCCEEDED


def config_member(customization_type: str) -> str | None:
    """The ``customizationConfig`` member a customization type needs, or None."""
    return _CONFIG_MEMBER.get(customization_type)


def creatable_types() -> tuple[str, ...]:
    """The customization types of the model that CreateModelCustomizationJob takes."""
    return tuple(t for t in get_model().customization_types if t not in _NOT_CREATABLE)


def has_status_details(customization_type: str) -> bool:
    return customization_type in _STATUS_DETAILS_TYPES


def legal_next(status: str) -> tuple[str, ...]:
    """The statuses a job in ``status`` may show at its next Get (itself included)."""
    if status in _NEXT:
        return _NEXT[status]
    if is_terminal(status):
        return (status,)
    known = set(get_model().statuses)
    return (status, *sorted(s for s in _TERMINAL if s in known))


def legal_path(statuses: Sequence[str]) -> list[str]:
    """Problems with a sequence of statuses seen by successive Gets (empty when legal)."""
    problems = []
    for before, after in zip(statuses, statuses[1:]):
        if after not in legal_next(before):
            problems.append(f"{before} -> {after} is not a legal transition (from {before}: {', '.join(legal_next(before))})")
    return problems


def sub_task_statuses(status: str, stage: int | None = None) -> dict[str, str]:
    """Sub-task statuses consistent with the job ``status``.

    Sub-tasks run in model order (validation, data processing, training). ``stage`` is
    the index of the sub-task the job is at (default: the last one for Completed,
    otherwise the first). Earlier sub-tasks are ``Completed``, later ones ``NotStarted``.
    """
    tasks = get_model().sub_tasks
    if status in _SUCCEEDED:
        return {t: "Completed" for t in tasks}
    at = 0 if stage is None else max(0, min(stage, len(tasks) - 1))
    current = _SUB_STATUS_OF.get(status, "InProgress")
    return {t: ("Completed" if i < at else current if i == at else "NotStarted") for i, t in enumerate(tasks)}


def _as_dt(value: Any) -> _dt.datetime | None:
    if isinstance(value, _dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def check_consistency(job: Mapping[str, Any]) -> list[str]:
    """Problems with a GetModelCustomizationJob response as a whole (empty when consistent)."""
    problems: list[str] = []
    status = job.get("status")
    ctype = job.get("customizationType")
    if status is None:
        return problems
    if ("endTime" in job) != is_terminal(status):
        problems.append(f"endTime must be present exactly when the job is terminal (status {status})")
    if ("failureMessage" in job) != is_failed(status):
        problems.append(f"failureMessage must be present exactly when the job failed (status {status})")
    if ("outputModelArn" in job) != has_output_model(status):
        problems.append(f"outputModelArn must be present exactly when the model exists (status {status})")
    created, modified, ended = (_as_dt(job.get(k)) for k in ("creationTime", "lastModifiedTime", "endTime"))
    if created and modified and modified < created:
        problems.append("lastModifiedTime is before creationTime")
    if created and ended and ended < created:
        problems.append("endTime is before creationTime")
    if ctype is not None:
        member = config_member(ctype)
        config = job.get("customizationConfig")
        if member is None and config is not None:
            problems.append(f"customizationConfig is set but {ctype} takes none")
        if member is not None and (not config or member not in config):
            problems.append(f"{ctype} needs customizationConfig.{member}")
        details = job.get("statusDetails")
        if details is not None:
            if not has_status_details(ctype):
                problems.append(f"statusDetails is only sent for {', '.join(sorted(_STATUS_DETAILS_TYPES))} jobs")
            else:
                problems.extend(_check_sub_tasks(status, details))
    return problems


def _check_sub_tasks(status: str, details: Mapping[str, Any]) -> list[str]:
    seen = [details.get(t, {}).get("status") for t in get_model().sub_tasks]
    allowed = [list(sub_task_statuses(status, i).values()) for i in range(len(seen))]
    if seen in allowed:
        return []
    return [f"statusDetails {seen} do not fit job status {status} (expected one of {allowed})"]


# -- request rules -------------------------------------------------------------------------

_CREATE = "CreateModelCustomizationJob"
_CONFIG_SOURCE = ("boto3/API reference: distillationConfig configures a Distillation job, rftConfig a reinforcement "
                  "fine-tuning job; the same rule the answers keep (check_consistency)")


@dataclass(frozen=True)
class RequestRule:
    """One rule a request must satisfy beyond its fields.

    ``name`` labels it (in tests, strategies and docs); ``path`` is the member it is reported
    at; ``check(params, region)`` returns the constraint the request breaks (the service's
    ``Member must ...`` clause) or None; ``region`` is the caller's region, None when unknown.
    ``source`` says where the rule is stated.
    """

    name: str
    operation: str
    path: str
    check: Callable[[Mapping[str, Any], str | None], str | None]
    source: str


def _config_required(ctype: str, member: str) -> RequestRule:
    def check(params: Mapping[str, Any], region: str | None) -> str | None:
        if params.get("customizationType") == ctype and member not in (params.get("customizationConfig") or ()):
            return f"Member must not be null when customizationType is {ctype}"
        return None

    return RequestRule(f"{member}_required", _CREATE, f"customizationConfig.{member}", check, _CONFIG_SOURCE)


def _config_needs_type(ctype: str, member: str) -> RequestRule:
    def check(params: Mapping[str, Any], region: str | None) -> str | None:
        if member in (params.get("customizationConfig") or ()) and params.get("customizationType") != ctype:
            return f"Member must be {ctype} when customizationConfig.{member} is set"
        return None

    return RequestRule(f"{member}_needs_type", _CREATE, "customizationType", check, _CONFIG_SOURCE)


def _type_creatable(params: Mapping[str, Any], region: str | None) -> str | None:
    if params.get("customizationType") in _NOT_CREATABLE:
        return "Member must satisfy enum value set: [" + ", ".join(creatable_types()) + "]"
    return None


@functools.lru_cache(maxsize=1)
def _session() -> Any:
    return botocore.session.get_session()


@functools.lru_cache(maxsize=64)
def partition_of(region: str) -> str | None:
    """The AWS partition of ``region`` (``aws``, ``aws-cn``, ``aws-us-gov`` ...; from botocore), None when unknown."""
    try:
        return str(_session().get_partition_for_region(region))
    except UnknownRegionError:
        return None


def _arn_parts(identifier: str) -> tuple[str, str, str] | None:
    """``(partition, region, resource)`` of an ARN (None: not one)."""
    parts = identifier.split(":", 5)
    return (parts[1], parts[3], parts[5]) if len(parts) == 6 and parts[0] == "arn" else None


def base_model(identifier: str, region: str) -> tuple[str, str] | None:
    """``(base model id, baseModelArn)`` for a Create ``baseModelIdentifier``, or None if it names no base model.

    Foundation-model ids and ARNs name themselves; a custom-model ARN names the base model
    it was built on. A bare custom-model name (no ``.``) cannot be resolved here.
    """
    arn = _arn_parts(identifier)
    if arn is not None:
        kind, _, rest = arn[2].partition("/")
        if kind == "foundation-model":
            return rest, identifier
        if kind == "custom-model" and "/" in rest:
            base = rest.rsplit("/", 1)[0]
            return base, values.foundation_model_arn(base, region)
        return None
    if "." in identifier:
        return identifier, values.foundation_model_arn(identifier, region)
    return None


_BASE_FORM = ("Member must identify a base model: a foundation-model id (such as amazon.titan-text-express-v1:0:8k) "
              "or ARN, or a custom-model ARN")


def _base_model_form(params: Mapping[str, Any], region: str | None) -> str | None:
    """The identifier must name a base model the service can name the job after (the job and base-model ARN patterns)."""
    identifier = params.get("baseModelIdentifier")
    if not isinstance(identifier, str) or not (identifier.startswith("arn:") or "." in identifier):
        return None  # a custom model's name: found, or not found, by the service
    memo, key = _BASE_FORMS.get(), (identifier, region)  # a suite names few base models; Create calls each often
    verdict = memo.get(key, memo)  # the memo itself: not seen yet
    if verdict is memo:
        if len(memo) >= 1024:
            memo.clear()  # drawn identifiers: keep the memo small
        verdict = memo[key] = _base_model_form_of(get_model(), identifier, region)
    return verdict  # type: ignore[no-any-return]


_BASE_FORMS = ModelMemo("rules.base_model_form")


def _base_model_form_of(model: BedrockModel, identifier: str, region: str | None) -> str | None:
    arn = _arn_parts(identifier)
    home = region or (arn[1] if arn else "us-east-1")
    found = base_model(identifier, home)
    if found is None:
        return _BASE_FORM
    answers = ((_CREATE, "jobArn", values.job_arn(_random.Random(0), found[0], home)), ("GetModelCustomizationJob", "baseModelArn", found[1]))
    patterns = [(str(model.output_shape(op).members[member].metadata.get("pattern", "(?s).*")), value) for op, member, value in answers]
    return None if all(full_match(pattern, value) for pattern, value in patterns) else _BASE_FORM


def _base_model_region(params: Mapping[str, Any], region: str | None) -> str | None:
    """An ARN's region is the caller's, and its partition is that region's."""
    identifier = params.get("baseModelIdentifier")
    return _region_verdict(identifier, region) if type(identifier) is str else None


@functools.lru_cache(maxsize=1024)  # a suite names few base models; Create calls each often
def _region_verdict(identifier: str, region: str | None) -> str | None:
    arn = _arn_parts(identifier)
    if arn is None:
        return None
    if region is not None and arn[1] != region:
        return f"Member must be an ARN in the region of the request ({region})"
    expected = partition_of(region or arn[1])
    if expected is not None and arn[0] != expected:
        return f"Member must be an ARN in partition {expected} (the partition of {region or arn[1]})"
    return None


#: Every request rule, in the order they are checked (the first one broken is reported).
REQUEST_RULES: tuple[RequestRule, ...] = (
    RequestRule("type_creatable", _CREATE, "customizationType", _type_creatable,
                "IMPORTED is the type of models brought in by CreateModelImportJob, not of a customization job"),
    *(_config_required(t, m) for t, m in _CONFIG_MEMBER.items()),
    *(_config_needs_type(t, m) for t, m in _CONFIG_MEMBER.items()),
    RequestRule("base_model_form", _CREATE, "baseModelIdentifier", _base_model_form,
                "boto3: baseModelIdentifier names the base model; the model's jobArn and baseModelArn patterns of the answer"),
    RequestRule("base_model_region", _CREATE, "baseModelIdentifier", _base_model_region,
                "an ARN names its partition and region; partitions from botocore's endpoint data"),
)


#: The request rules of each operation (in order), looked up once per call.
_RULES_OF = {op: tuple((r, r.check) for r in REQUEST_RULES if r.operation == op) for op in dict.fromkeys(r.operation for r in REQUEST_RULES)}


def check_request(operation: str, params: Mapping[str, Any], region: str | None = None) -> list[tuple[RequestRule, str]]:
    """The first request rule ``params`` breaks, with its constraint (empty when none is broken).

    Meant for requests whose fields are valid (``validate_request`` calls it only then): the
    service checks its fields first and its rules after, and stops at the first rule broken.
    """
    for rule, check in _RULES_OF.get(operation, ()):
        broken = check(params, region)
        if broken is not None:
            return [(rule, broken)]
    return []
