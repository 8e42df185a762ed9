"""The simulator's options, resolved once into one frozen, keyword-only object.

Every behaviour the service does not document is an option here, with the default
we chose and why (docs/undocumented-behaviour.md#the-simulator):

==========================  =====================  ==============================================
option                      default                what the docs say
==========================  =====================  ==============================================
``duplicate_name_error``    ``ConflictException``  nothing; None accepts duplicate names
``token_mismatch_error``    None                   "If this token matches a previous request,
                                                   Amazon Bedrock ignores the request, but does
                                                   not return an error" -- so a reused token
                                                   returns the first job even if the rest of the
                                                   request differs, unless you name an error code
``stop_inactive_error``     ``ConflictException``  "You can only stop a job if its status is
                                                   IN_PROGRESS"; the error code is not documented
``default_max_results``     100                    nothing
``default_sort_order``      ``Descending``         nothing
``name_contains_ignore_case`` False                nothing
==========================  =====================  ==============================================

A misspelt option is a ``TypeError`` at once (``SimulatorConfig`` is keyword-only).

Public names: :class:`SimulatorConfig`, :data:`LEVELS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from pytest_bedrock_mock.core import values

# What a config *checks* needs the model; what it *declares* (fields, defaults, LEVELS) does not, so
# the pytest plugin reads it at start-up without loading botocore: the rest is imported on first use.
if TYPE_CHECKING:
    from pytest_bedrock_mock.fakes.simulator.faults import Faults
    from pytest_bedrock_mock.fakes.simulator.listing import ListOptions
    from pytest_bedrock_mock.fakes.simulator.policies import Policy

__all__ = ["LEVELS", "SimulatorConfig"]

#: Where answers are served: ``auto`` = parsed level (fast) unless faults are configured,
#: then wire level; ``parsed`` / ``wire`` force one (``wire`` exercises botocore's parser on every call).
LEVELS = ("auto", "parsed", "wire")
PARSED_FAULTS = ("faults are served on the wire so that botocore retries them, but level='parsed' answers before the wire; "
                 "use level='auto' (the default) or 'wire'")


def _kinds(annotation: str) -> tuple[type, ...]:
    """The classes an annotation of this module names (``str | None`` -> ``(str, NoneType)``)."""
    from pytest_bedrock_mock.fakes.simulator.faults import Faults

    names = {"str": str, "int": int, "bool": bool, "None": type(None), "Faults": Faults}
    return tuple(names[part.strip()] for part in annotation.split("|") if part.strip() in names)


def _check_types(config: SimulatorConfig) -> None:
    """Each field has the type it is declared with (a marker's ``seed="x"`` fails here, naming the option)."""
    for f in fields(config):
        value = getattr(config, f.name)
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
    duplicate_name_error: str | None = "ConflictException"
    token_mismatch_error: str | None = None
    stop_inactive_error: str = "ConflictException"
    default_max_results: int = 100
    default_sort_order: str = "Descending"
    name_contains_ignore_case: bool = False
    level: str = "auto"
    strict: bool = False
    seed: int | None = None

    def __post_init__(self) -> None:
        from pytest_bedrock_mock.core.model import get_model

        _check_types(self)
        model = get_model()
        if self.duplicate_name_error is not None:
            model.error("CreateModelCustomizationJob", self.duplicate_name_error)
        if self.token_mismatch_error is not None:
            model.error("CreateModelCustomizationJob", self.token_mismatch_error)
        model.error("StopModelCustomizationJob", self.stop_inactive_error)
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

    @property
    def list_options(self) -> ListOptions:
        from pytest_bedrock_mock.fakes.simulator.listing import ListOptions

        return ListOptions(self.default_max_results, self.default_sort_order, self.name_contains_ignore_case)

    def replace(self, **changes: Any) -> SimulatorConfig:
        from dataclasses import replace

        return replace(self, **changes)
