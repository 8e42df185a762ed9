"""How to break each request rule on its own: the ``rule`` kind of :mod:`pytest_bedrock_mock.strategies.invalid`.

Every rule of :data:`pytest_bedrock_mock.core.rules.REQUEST_RULES` has a recipe here: the
customization types of the valid request to start from, and the change that breaks that rule
and no other (the rules are checked in table order and the first one broken is reported, so a
recipe must leave the earlier rules intact). A rule added to the table without a recipe makes
:func:`recipe` raise, so the invalid-payload tests fail until one is written.

Public names: :func:`recipe`, :func:`rule_breaking_requests`, :func:`value_at`, :data:`Change`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from pytest_bedrock_mock.core import rules, values
from pytest_bedrock_mock.core.javaregex import full_match
from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.core.shapes import parse_path
from pytest_bedrock_mock.strategies.named import request_strategy

__all__ = ["Change", "recipe", "rule_breaking_requests", "value_at"]

CREATE = "CreateModelCustomizationJob"

#: ``change(draw, params)`` breaks one rule of a valid request, in place.
Change = Callable[[Any, dict[str, Any]], None]

_LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
_OTHER_PARTITIONS = ("aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b")


def value_at(params: Any, path: str) -> Any:
    """The value at a member path of a request (None when absent)."""
    for step in parse_path(path):
        try:
            params = params[step]
        except (KeyError, IndexError, TypeError):
            return None
    return params


def _breaks_first(name: str) -> Callable[[str], bool]:
    def check(identifier: str) -> bool:
        pattern = get_model().input_shape(CREATE).members["baseModelIdentifier"].metadata.get("pattern", "(?s).*")
        broken = rules.check_request(CREATE, {"baseModelIdentifier": identifier})
        return full_match(pattern, identifier) and bool(broken) and broken[0][0].name == name

    return check


def _unnameable_base_models() -> st.SearchStrategy[str]:
    """Identifiers the field pattern takes but that name no base model the service could name a job after (``x.y.z``)."""
    segment = st.text(_LOWER + "-", min_size=1, max_size=8)
    ids = st.builds(lambda a, b, c: f"{a}.{b}.{c}", segment, st.sampled_from(_LOWER), segment)
    custom = st.builds(lambda i, r: f"arn:aws:bedrock:us-east-1:123456789012:custom-model/{i}/{r}", ids, st.text(_LOWER, min_size=12, max_size=12))
    return st.one_of(ids, custom).filter(_breaks_first("base_model_form"))


def _foreign_partition_arns() -> st.SearchStrategy[str]:
    """Foundation-model ARNs whose partition is not their region's (``arn:aws-cn:bedrock:us-east-1:...``)."""
    arns = st.builds(lambda p, r, m: f"arn:{p}:bedrock:{r}::foundation-model/{m}", st.sampled_from(_OTHER_PARTITIONS),
                     st.sampled_from(values.REGIONS), st.sampled_from(values.DEFAULT_BASE_MODELS))
    return arns.filter(_breaks_first("base_model_region"))


def _without_config() -> list[str | None]:
    return [t for t in rules.creatable_types() if rules.config_member(t) is None] + [None]


def _set_type(choices: list[str | None]) -> Change:
    def change(draw: Any, params: dict[str, Any]) -> None:
        ctype = draw(st.sampled_from(choices))
        if ctype is None:
            params.pop("customizationType", None)
        else:
            params["customizationType"] = ctype

    return change


def _set_base_model(values_: st.SearchStrategy[str]) -> Change:
    def change(draw: Any, params: dict[str, Any]) -> None:
        params["baseModelIdentifier"] = draw(values_)

    return change


def _drop_config(draw: Any, params: dict[str, Any]) -> None:
    params.pop("customizationConfig", None)


def recipe(rule: rules.RequestRule) -> tuple[list[str | None], Change] | None:
    """``(customization types to start from, change)`` breaking ``rule`` alone; None when this model gives no way.

    Raises :class:`LookupError` for a rule with no recipe written here.
    """
    types: list[str | None] = list(rules.creatable_types()) + [None]
    for ctype in rules.creatable_types():
        member = rules.config_member(ctype)
        if member is not None and rule.name == f"{member}_required":
            return [ctype], _drop_config
        if member is not None and rule.name == f"{member}_needs_type":
            return [ctype], _set_type(_without_config())
    if rule.name == "type_creatable":
        others: list[str | None] = [t for t in get_model().customization_types if t not in rules.creatable_types()]
        return (_without_config(), _set_type(others)) if others else None
    if rule.name == "base_model_form":
        return types, _set_base_model(_unnameable_base_models())
    if rule.name == "base_model_region":
        return types, _set_base_model(_foreign_partition_arns())
    raise LookupError(f"no recipe breaks the request rule {rule.name!r}; add one to strategies/invalid_rules.py")


def rule_breaking_requests(name: str, customization_type: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Create requests valid in every way but the request rule ``name`` (of ``customization_type`` when the rule allows)."""
    rule = next((r for r in rules.REQUEST_RULES if r.name == name), None)
    found = recipe(rule) if rule is not None else None
    if found is None:
        raise ValueError(f"no request breaks only the rule {name!r}; rules: {', '.join(r.name for r in rules.REQUEST_RULES)}")
    types, change = found
    base = st.one_of([request_strategy(t) for t in ([customization_type] if customization_type in types else types)])

    @st.composite
    def requests(draw: Any) -> dict[str, Any]:
        params = copy.deepcopy(draw(base))
        change(draw, params)
        return params

    return requests()
