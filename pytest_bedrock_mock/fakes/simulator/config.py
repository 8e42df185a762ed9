"""The simulator's options, resolved once into one frozen, keyword-only object.

Every behaviour the service does not document is an option here, with the default we
chose and the evidence for it (docs/undocumented-behaviour.md#the-simulator):

===============================  ==============================================  ====================================
option                           default                                         evidence
===============================  ==============================================  ====================================
``duplicate_name_error``         ``ValidationException`` "The provided job       a workflow engine's Bedrock operator
                                 name is currently in use."                      and its tests; an SDK example fix
``duplicate_model_name_error``   ``ValidationException`` "The provided custom    by analogy with the job name (the
                                 model name is currently in use."                message is ours)
``token_mismatch_error``         None                                            the API reference: a reused token is
                                                                                 ignored, "but does not return an error"
``stop_inactive_error``          ``ValidationException`` "The request was        AWS ML job APIs answer a stop of a
                                 rejected because the model customization job    finished job so; Bedrock answers its
                                 is in status {status}."                         name conflict with ValidationException
``default_max_results``          100                                             nothing
``default_sort_order``           ``Descending``                                  nothing
``name_contains_ignore_case``    False                                           nothing
``strict_base_models``           False                                           the catalogue (catalogue.py) is a
                                                                                 dated copy of the user guide
===============================  ==============================================  ====================================

An error option takes an error code (the default message of that choice), a
``(code, message)`` pair, or None (no error: the duplicate is accepted, the Stop succeeds).
``{name}``, ``{status}`` and ``{token}`` in a message are filled in. A misspelt option is a
``TypeError`` at once (``SimulatorConfig`` is keyword-only).

Public names: :class:`SimulatorConfig`, :data:`LEVELS`, :data:`ERROR_OPTIONS`, :data:`ErrorChoice`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from pytest_bedrock_mock.core import values
from pytest_bedrock_mock.fakes.simulator import catalogue

# What a config *checks* needs the model; what it *declares* (fields, defaults, LEVELS) does not, so
# the pytest plugin reads it at start-up without loading botocore: the rest is imported on first use.
if TYPE_CHECKING:
    from pytest_bedrock_mock.fakes.simulator.faults import Faults
    from pytest_bedrock_mock.fakes.simulator.listing import ListOptions
    from pytest_bedrock_mock.fakes.simulator.policies import Policy

__all__ = ["ERROR_OPTIONS", "LEVELS", "ErrorChoice", "SimulatorConfig"]

#: An error option's value: a code, ``(code, message)``, or None (no error).
ErrorChoice = str | tuple[str, str] | None

#: The error options: ``name -> (operation whose errors it may name, default message)``.
ERROR_OPTIONS: dict[str, tuple[str, str]] = {
    "duplicate_name_error": ("CreateModelCustomizationJob", "The provided job name is currently in use."),
    "duplicate_model_name_error": ("CreateModelCustomizationJob", "The provided custom model name is currently in use."),
    "token_mismatch_error": ("CreateModelCustomizationJob", "The clientRequestToken {token} was already used with a different request."),
    "stop_inactive_error": ("StopModelCustomizationJob", "The request was rejected because the model customization job is in status {status}."),
}

#: Where answers are served: ``auto`` = parsed level (fast) unless faults are configured,
#: then wire level; ``parsed`` / ``wire`` force one (``wire`` exercises botocore's parser on every call).
LEVELS = ("auto", "parsed", "wire")
PARSED_FAULTS = ("faults are served on the wire so that botocore retries them, but level='parsed' answers before the wire; "
                 "use level='auto' (the default) or 'wire'")


def _kinds(annotation: str) -> tuple[type, ...]:
    """The classes an annotation of this module names (``str | None`` -> ``(str, NoneType)``)."""
    from pytest_bedrock_mock.fakes.simulator.faults import Faults

    names = {"str": str, "int": int, "bool": bool, "None": type(None), "Faults": Faults, "tuple": tuple, "Mapping": Mapping}
    parts = (part.strip().split("[")[0] for part in annotation.split("|"))
    return tuple(names[part] for part in parts if part in names)


def _check_types(config: SimulatorConfig) -> None:
    """Each field has the type it is declared with (a marker's ``seed="x"`` fails here, naming the option)."""
    for f in fields(config):
        value = getattr(config, f.name)
        if f.name in ERROR_OPTIONS:
            if not (value is None or isinstance(value, str) or (isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value))):
                raise ValueError(f"{f.name}: expected an error code, (code, message) or None, got {value!r}")
            continue
        if f.name == "policy":
            if not callable(getattr(value, "on_read", None)):
                raise ValueError(f"policy: expected a policy such as AfterGets(2), AfterDuration(60) or Manual(), got {value!r}")
            continue
        kinds = _kinds(str(f.type))
        wrong_bool = isinstance(value, bool) and bool not in kinds
        if not isinstance(value, kinds) or wrong_bool:
            shown = " or ".join("None" if k is type(None) else k.__name__ for k in kinds)
            raise ValueError(f"{f.name}: expected {shown}, got {value!r}")


def _after_gets() -> Policy:
    from pytest_bedrock_mock.fakes.simulator.policies import AfterGets

    return AfterGets()


def _no_faults() -> Faults:
    from pytest_bedrock_mock.fakes.simulator.faults import Faults

    return Faults()


@dataclass(frozen=True, kw_only=True)
class SimulatorConfig:
    account: str = values.ACCOUNT
    policy: Policy = field(default_factory=_after_gets)
    faults: Faults = field(default_factory=_no_faults)
    duplicate_name_error: str | tuple[str, str] | None = ("ValidationException", ERROR_OPTIONS["duplicate_name_error"][1])
    duplicate_model_name_error: str | tuple[str, str] | None = ("ValidationException", ERROR_OPTIONS["duplicate_model_name_error"][1])
    token_mismatch_error: str | tuple[str, str] | None = None
    stop_inactive_error: str | tuple[str, str] | None = ("ValidationException", ERROR_OPTIONS["stop_inactive_error"][1])
    default_max_results: int = 100
    default_sort_order: str = "Descending"
    name_contains_ignore_case: bool = False
    level: str = "auto"
    strict: bool = False
    seed: int | None = None
    base_models: Mapping[str, tuple[str, ...]] | None = None
    strict_base_models: bool = False

    def __post_init__(self) -> None:
        from pytest_bedrock_mock.core.model import get_model

        _check_types(self)
        model = get_model()
        for name, (operation, _) in ERROR_OPTIONS.items():
            value = getattr(self, name)
            if value is not None:
                try:
                    model.error(operation, value if isinstance(value, str) else value[0])
                except ValueError as exc:
                    raise ValueError(f"{name}: {exc}") from None
        _check_base_models(self.base_models)
        from pytest_bedrock_mock.fakes.simulator.listing import token_secret

        object.__setattr__(self, "_token_secret", token_secret(self.seed))  # signs nextToken (listing.py)
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {self.level!r}")
        if self.level == "parsed" and self.faults.active:
            raise ValueError(PARSED_FAULTS)
        orders = model.enum("ListModelCustomizationJobs", "sortOrder", output=False)
        if self.default_sort_order not in orders:
            raise ValueError(f"default_sort_order must be one of {', '.join(orders)}, got {self.default_sort_order!r}")
        if not 1 <= self.default_max_results <= 1000:
            raise ValueError(f"default_max_results must be 1..1000, got {self.default_max_results}")
        if not (len(self.account) == 12 and self.account.isdigit()):
            raise ValueError(f"account must be 12 digits, got {self.account!r}")

    def error(self, option: str, **fields: str) -> tuple[str, str] | None:
        """The ``(code, message)`` the error option ``option`` answers, its message filled in; None: no error."""
        value = getattr(self, option)
        if value is None:
            return None
        code, message = (value, ERROR_OPTIONS[option][1]) if isinstance(value, str) else value
        for key, text in fields.items():
            message = message.replace("{" + key + "}", text)
        return code, message

    @property
    def catalogue(self) -> dict[str, tuple[str, ...]]:
        """The base models of each customization type: the documented catalogue with ``base_models`` applied."""
        return catalogue.catalogue(self.base_models)

    @property
    def list_options(self) -> ListOptions:
        from pytest_bedrock_mock.fakes.simulator.listing import ListOptions

        return ListOptions(self.default_max_results, self.default_sort_order, self.name_contains_ignore_case,
                           vars(self)["_token_secret"])

    def replace(self, **changes: Any) -> SimulatorConfig:
        from dataclasses import replace

        return replace(self, **changes)


def _check_base_models(value: Mapping[str, Any] | None) -> None:
    """``base_models`` maps customization types the model lists to sequences of base-model ids."""
    if value is None:
        return
    from pytest_bedrock_mock.core import rules

    types = rules.creatable_types()
    for ctype, ids in value.items():
        if ctype not in types:
            raise ValueError(f"base_models: unknown customization type {ctype!r}; the types are: {', '.join(types)}")
        if isinstance(ids, str) or not all(isinstance(i, str) for i in ids):
            raise ValueError(f"base_models[{ctype!r}]: expected a sequence of base-model ids, got {ids!r}")
