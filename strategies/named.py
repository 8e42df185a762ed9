"""Named strategies for the operations in scope.

:func:`create_job_requests` (each customization type with the config it needs),
:func:`job_descriptions` (GetModelCustomizationJob responses, consistent through the
foundation's builders and rules), :func:`job_lifecycles` (Get responses of one job
along a legal path of statuses), :func:`list_job_pages` (ListModelCustomizationJobs
pages) and :func:`client_errors` (every documented error of an operation).

Everything is read from the model when the strategy is built or drawn, so a status,
customization type, union member or error code added to the model flows through.

Public names: :func:`create_job_requests`, :func:`job_descriptions`, :func:`job_lifecycles`,
:func:`list_job_pages`, :func:`client_errors`, :class:`ErrorCase`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from typing import Any

from hypothesis import strategies as st

from pytest_bedrock_mock import builders
from pytest_bedrock_mock.core import rules, values
from pytest_bedrock_mock.core.javaregex import full_match
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.strategies._exercised import exercised
from pytest_bedrock_mock.strategies.walker import ABSENT, from_shape, optional

__all__ = ["create_job_requests", "job_descriptions", "job_lifecycles", "list_job_pages"]

#: One seed per example drives the builders' incidental choices (ids, times): one draw instead of one
#: per ``random`` call; replays exactly and shrinks toward seed 0.
_SEEDS = st.integers(0, 2**32 - 1)
CREATE = "CreateModelCustomizationJob"
GET = "GetModelCustomizationJob"
LIST = "ListModelCustomizationJobs"


def _types(customization_type: str | None) -> list[str]:
    model = get_model()
    return [model.customization_type(customization_type)] if customization_type is not None else list(model.customization_types)


def _hyper_parameters(customization_type: str | None) -> st.SearchStrategy[dict[str, str]]:
    """Realistic ``hyperParameters`` (numbers as strings, as the service takes them)."""
    if customization_type is not None and rules.config_member(customization_type) is not None:
        return st.just({})
    return st.fixed_dictionaries(
        {"epochCount": st.integers(1, 10).map(str)},
        optional={"batchSize": st.sampled_from(("1", "2", "4", "8")), "learningRate": st.sampled_from(("0.00001", "0.00005", "0.0001")),
                  "learningRateWarmupSteps": st.integers(0, 10).map(str)},
    )


def request_strategy(customization_type: str | None, overrides: Mapping[str, Any] | None = None, require: Iterable[str] = (),
                     realistic: bool = True, max_items: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    """Create parameters for one customization type (None: the member left out).

    Without ``overrides`` the strategy is built once per arguments and kept with the model: walking
    the Create shape costs far more than drawing from the strategy.
    """
    require = tuple(require)
    if not overrides:
        memo = get_model().memo("strategies.request_strategy")
        key = (customization_type, require, realistic, max_items)
        if key not in memo:
            memo[key] = _request_strategy(customization_type, None, require, realistic, max_items)
        return memo[key]  # type: ignore[no-any-return]
    return _request_strategy(customization_type, overrides, require, realistic, max_items)


def _request_strategy(customization_type: str | None, overrides: Mapping[str, Any] | None, require: tuple[str, ...],
                      realistic: bool, max_items: int) -> st.SearchStrategy[dict[str, Any]]:
    shape = get_model().input_shape(CREATE)
    fixed: dict[str, Any] = {"customizationType": customization_type if customization_type is not None else ABSENT}
    member = rules.config_member(customization_type) if customization_type is not None else None
    if not any(r.startswith("customizationConfig") for r in require):
        if member is None:
            fixed["customizationConfig"] = ABSENT
        else:
            require = (*require, f"customizationConfig.{member}")
    if realistic:
        generic = from_shape(shape.members["hyperParameters"], max_items=max_items)
        fixed["hyperParameters"] = optional(st.one_of(_hyper_parameters(customization_type), generic))
        ids = values.BASE_MODELS.get(customization_type or "", values.DEFAULT_BASE_MODELS)
        base = shape.members["baseModelIdentifier"]
        fitting = [i for i in ids if full_match(base.metadata.get("pattern", ".*"), i)]
        if fitting:
            fixed["baseModelIdentifier"] = st.one_of(st.sampled_from(fitting), from_shape(base).filter(_names_a_base_model))
    for path in list(fixed):  # a required path goes through the walker, not a fixed strategy
        if any(r == path or r.startswith((path + ".", path + "[")) for r in require):
            del fixed[path]
    fixed.update(overrides or {})
    return from_shape(shape, overrides=fixed, require=require, realistic=realistic, max_items=max_items)  # type: ignore[return-value]


def _names_a_base_model(identifier: str) -> bool:
    """True when the identifier breaks no request rule (core.rules) on its own, for a client in the kit's default region."""
    return not rules.check_request(CREATE, {"baseModelIdentifier": identifier}, "us-east-1")


def create_job_requests(customization_type: str | None = None, *, overrides: Mapping[str, Any] | None = None,
                        realistic: bool = True, max_items: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    """Valid ``create_model_customization_job`` parameters.

    Without ``customization_type`` every type of the model is drawn (and, last, a request
    without the optional ``customizationType``). A type that needs a ``customizationConfig``
    member (:func:`pytest_bedrock_mock.core.rules.config_member`) always has exactly that member;
    the others have none. ``overrides`` maps member paths to values or strategies
    (see :func:`strategies.from_shape`).
    """
    choices: list[str | None] = list(_types(customization_type) if customization_type is not None else rules.creatable_types())
    if customization_type is None:
        choices.append(None)
    return st.one_of([request_strategy(t, overrides, realistic=realistic, max_items=max_items) for t in choices])


def _arn_patterns() -> tuple[str, str]:
    out = get_model().output_shape(GET).members
    return out["jobArn"].metadata.get("pattern", ".*"), out["baseModelArn"].metadata.get("pattern", ".*")


def _description_request(customization_type: str, keep: frozenset[str] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """A create request whose base model id also fits the job and base-model ARN patterns of the answer.

    ``keep``: the request members the consumer shows (None: all); the others are not drawn but
    taken from one builder-made request (:func:`_unshown`), which changes nothing the consumer
    returns and saves drawing them. Built once per (type, keep) and kept with the model
    (:meth:`BedrockModel.memo`), not once per draw: walking the Create shape into a strategy
    costs far more than drawing from it.
    """
    memo = get_model().memo("strategies.description_request")
    key = (customization_type, keep)
    if key not in memo:
        memo[key] = _build_description_request(customization_type, keep)
    return memo[key]  # type: ignore[no-any-return]


def _unshown(customization_type: str, keep: frozenset[str] | None) -> dict[str, Any]:
    """Overrides for the request members outside ``keep``: a builder-made request's value, or ABSENT."""
    if keep is None:
        return {}
    made = builders.create_job_request(customization_type, seed=0, check=False)  # IMPORTED is a type a job can show but Create refuses
    # customizationType and customizationConfig stay with request_strategy (it pairs the type with its config)
    return {m: made.get(m, ABSENT) for m in get_model().input_shape(CREATE).members
            if m not in keep and m not in ("customizationType", "customizationConfig")}


def _build_description_request(customization_type: str, keep: frozenset[str] | None) -> st.SearchStrategy[dict[str, Any]]:
    job_pattern, base_pattern = _arn_patterns()
    fallback = values.BASE_MODELS.get(customization_type, values.DEFAULT_BASE_MODELS)

    def fits(model_id: str) -> bool:
        return full_match(job_pattern, values.job_arn(_FIXED, model_id)) and full_match(base_pattern, values.foundation_model_arn(model_id))

    base = request_strategy(customization_type, _unshown(customization_type, keep))

    @st.composite
    def requests(draw: Any) -> dict[str, Any]:
        req = draw(base)
        if not fits(req["baseModelIdentifier"]):
            req["baseModelIdentifier"] = draw(st.sampled_from(fallback))
        return req

    return requests()


class _FixedRandom:
    def choice(self, seq: Any) -> Any:
        return seq[0]


_FIXED: Any = _FixedRandom()


# The request members each consumer shows (the rest are fixed, see _unshown). A Get answer shows every
# member but the tags (those are ListTagsForResource's); tests/test_strategies.py checks each set.
_NOT_IN_A_DESCRIPTION = frozenset({"jobTags", "customModelTags"})
_ECHOED = ("trainingDataConfig", "validationDataConfig", "outputDataConfig", "vpcConfig", "customizationConfig", "hyperParameters")
_IN_A_LIFECYCLE = frozenset({"jobName", "customModelName", "roleArn", *_ECHOED})
# clientRequestToken is not in a summary, but whether it is present steers the builder's random ids
_IN_A_SUMMARY = frozenset({"jobName", "customModelName", "baseModelIdentifier", "customizationType", "clientRequestToken"})


def _in_a_description() -> frozenset[str]:
    return frozenset(get_model().input_shape(CREATE).members) - _NOT_IN_A_DESCRIPTION


def job_descriptions(status: str | None = None, customization_type: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """GetModelCustomizationJob responses: valid against the model and consistent (rules.check_consistency).

    The job echoes a drawn create request (so every optional request member and union
    variant shows up) and is finished by :func:`pytest_bedrock_mock.builders.job_description`.
    """
    return exercised(_descriptions(status, customization_type, _in_a_description()), GET, lambda job: (job,))


def _describe(status: str, customization_type: str, seed: int, request: dict[str, Any], stage: int) -> dict[str, Any]:
    return builders.job_description(status, customization_type, rng=random.Random(seed), request=request, stage=stage)


def _lifecycle(path: list[str], customization_type: str, seed: int, request: dict[str, Any]) -> list[dict[str, Any]]:
    echoed = {k: request[k] for k in _ECHOED if k in request}
    return builders.job_lifecycle(path, customization_type, rng=random.Random(seed), jobName=request["jobName"],
                                  outputModelName=request["customModelName"], roleArn=request["roleArn"], **echoed)


def _descriptions(status: str | None, customization_type: str | None, keep: frozenset[str]) -> st.SearchStrategy[dict[str, Any]]:
    model = get_model()
    statuses = [model.status(status)] if status is not None else list(model.statuses)
    types = _types(customization_type)
    stages = st.integers(0, max(0, len(model.sub_tasks) - 1))

    @st.composite
    def jobs(draw: Any) -> dict[str, Any]:
        ctype = draw(st.sampled_from(types))
        state = draw(st.sampled_from(statuses))
        request = draw(_description_request(ctype, keep))
        stage = draw(stages)
        return _describe(state, ctype, draw(_SEEDS), request, stage)

    return jobs()


def status_paths(max_length: int = 6, *, finish: bool = True) -> st.SearchStrategy[list[str]]:
    """Legal sequences of job statuses seen by successive Gets, from a non-terminal status."""

    @st.composite
    def paths(draw: Any) -> list[str]:
        statuses = get_model().statuses
        start = [s for s in statuses if not rules.is_terminal(s)] or list(statuses)
        path = [draw(st.sampled_from(start))]
        while not rules.is_terminal(path[-1]) and len(path) < max_length:
            options = list(rules.legal_next(path[-1]))
            if finish and len(path) == max_length - 1:
                options = [s for s in options if rules.is_terminal(s)] or options
            path.append(draw(st.sampled_from(options)))
        return path

    return paths()



def job_lifecycles(customization_type: str | None = None, *, max_length: int = 6, finish: bool = True) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Successive Get responses of one job through a legal path of statuses (ready for the stubber).

    ``finish``: the last status is terminal (unless the model's rules give no way there).
    """
    types = _types(customization_type)
    paths = status_paths(max_length, finish=finish)

    @st.composite
    def lifecycles(draw: Any) -> list[dict[str, Any]]:
        ctype = draw(st.sampled_from(types))
        path = draw(paths)
        return _lifecycle(path, ctype, draw(_SEEDS), draw(_description_request(ctype, _IN_A_LIFECYCLE)))

    return exercised(lifecycles(), GET, lambda steps: steps)


def list_job_pages(status: str | None = None, customization_type: str | None = None, *, max_pages: int = 3,
                   max_per_page: int = 3) -> st.SearchStrategy[list[dict[str, Any]]]:
    """ListModelCustomizationJobs answers of one listing: every page but the last has a ``nextToken``.

    Jobs are distinct and sorted newest first (the documented default order) across pages.
    """
    token_shape = get_model().output_shape(LIST).members["nextToken"]
    tokens = from_shape(token_shape)
    # a summary shows only a few request members: the rest are not drawn (_IN_A_SUMMARY)
    listed = _descriptions(status, customization_type, _IN_A_SUMMARY)

    @st.composite
    def pages(draw: Any) -> list[dict[str, Any]]:
        n = draw(st.integers(1, max_pages))
        jobs = draw(st.lists(listed, max_size=n * max_per_page, unique_by=lambda j: j["jobArn"]))
        jobs.sort(key=lambda j: j["creationTime"], reverse=True)
        cuts = sorted(draw(st.lists(st.integers(0, len(jobs)), min_size=n - 1, max_size=n - 1)))
        bounds = [0, *cuts, len(jobs)]
        next_tokens = draw(st.lists(tokens, min_size=n - 1, max_size=n - 1, unique=True))
        return [builders.list_jobs_response(jobs[bounds[i]:bounds[i + 1]], next_token=next_tokens[i] if i < n - 1 else None) for i in range(n)]

    return exercised(pages(), LIST, lambda answers: answers)
