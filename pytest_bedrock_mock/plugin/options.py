"""The one table of the plugin's options: every ini key, command-line flag, marker argument,
fixture override and environment variable, declared once with its type, default and help.

One precedence for every option, highest first::

    marker  >  fixture override  >  command line  >  ini file  >  default (and the environment)

* **marker** — the keyword (or positional) argument of the option's marker; markers merge
  from the broadest (module, class) to the narrowest (function), the narrowest winning.
* **fixture override** — ``bedrock_mock_options``, a fixture users override in a
  ``conftest.py`` returning ``{"stubber.unordered": True, "cassette.record_mode": "none", ...}``
  (keys are the table's option names); for the simulator and cassettes also the older
  ``bedrock_fake_options`` / ``bedrock_cassette_config`` (their keys without the group prefix),
  which win over ``bedrock_mock_options``.
* The **offline guarantee**: when the command line or the ini file sets the record mode
  ``none``, or the ``CI`` environment variable is set, neither a marker nor a fixture override
  can make a test record; they may only make it more offline. (The default mode is ``none``
  too; with nothing set, a marker or fixture override may ask for a recording mode.)

:data:`OPTIONS` is the table; :func:`options_markdown` renders it for the docs;
:mod:`pytest_bedrock_mock.plugin.resolve` resolves it, once per session and once per test.

Public names: :class:`Option`, :data:`OPTIONS`, :data:`MARKERS`, :data:`FIXTURE`,
:data:`GROUP_FIXTURES`, :data:`OptionsError`, :func:`option`, :func:`marker_options`,
:func:`marker_lines`, :func:`register`, :func:`options_markdown`.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

# Both modules only declare (record modes, levels, fields and defaults): importing them loads neither
# botocore's model nor jsonschema, yaml or responses, so building the table costs pytest's start-up nothing.
from pytest_bedrock_mock.fakes.cassettes import options as cassette
from pytest_bedrock_mock.fakes.simulator.config import LEVELS, SimulatorConfig
from pytest_bedrock_mock.plugin.checks import boolean, choice, dimensions, integer, integer_or_none, same, selectors, string, string_or_none

__all__ = [
    "FIXTURE",
    "GROUP_FIXTURES",
    "MARKERS",
    "OPTIONS",
    "Later",
    "Option",
    "OptionsError",
    "marker_lines",
    "marker_options",
    "option",
    "options_markdown",
    "ini_value",
    "register",
]

#: The fixture override users redefine in a conftest.py (a dict keyed by option name).
FIXTURE = "bedrock_mock_options"
#: Older per-group fixture overrides (keys without the group prefix); they win over :data:`FIXTURE`.
GROUP_FIXTURES = {"cassette": "bedrock_cassette_config", "fake": "bedrock_fake_options"}
COVERAGE_MODES = ("off", "summary", "report", "fail")


#: What a misspelt option, a value of the wrong kind, or a marker argument the marker does not take raises.
OptionsError = pytest.UsageError


_TRUTH = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False, "0": False}


def ini_value(o: Option, text: Any) -> Any:
    """An ini file's text as the option's value: ``true``/``false`` (and yes/no, on/off, 1/0) for a bool option."""
    if o.type != "bool" or not isinstance(text, str):
        return text
    try:
        return _TRUTH[text.strip().lower()]
    except KeyError:
        raise ValueError(f"expected true or false, got {text!r}") from None


class Later:
    """A default computed when read: one that needs a heavy import (the simulator's ``AfterGets()``
    policy, its ``default_region``), which pytest's start-up must not pay for. Not kept: a fresh
    value each time, of the classes imported now (an inner pytester run may import them anew)."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._compute = compute

    def get(self) -> Any:
        return self._compute()

    def __repr__(self) -> str:
        return f"Later({self._compute.__qualname__})"


@dataclass(frozen=True)
class Option:
    """One row of the table. ``key`` is ``group.name`` (``stubber.unordered``) or a bare session name.
    ``initial`` is the default, or a :class:`Later` computing it on first use; read it as :attr:`default`."""

    key: str
    type: str
    initial: Any
    help: str
    ini: str | None = None
    cli: str | None = None
    marker: str | None = None
    positional: str = ""  # "?": the marker's one positional argument; "*": all of them
    flag: tuple[str, Any] | None = None  # a marker without arguments that sets the option: (name, value)
    fixture: bool = False  # settable by the fixture override(s)
    env: str | None = None
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    check: Callable[[Any], Any] = same
    shown_default: str | None = None  # the default as the docs show it, when it is not a plain value

    @property
    def default(self) -> Any:
        return self.initial.get() if isinstance(self.initial, Later) else self.initial

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0] if "." in self.key else "session"

    @property
    def name(self) -> str:
        return self.key.rsplit(".", 1)[-1]

    @property
    def dest(self) -> str:
        return (self.cli or "").lstrip("-").replace("-", "_")

    @property
    def per_test(self) -> bool:
        return bool(self.marker or self.flag or self.fixture)

    def shown(self) -> str:
        return self.shown_default if self.shown_default is not None else repr(self.default)


def _fake_rows() -> list[Option]:
    """The simulator's options: names, types and defaults from :class:`SimulatorConfig` (their one home)."""
    helps = {
        "account": "account id in the ARNs the simulator makes",
        "policy": "how jobs move through their statuses: `AfterGets(n)`, `AfterDuration(seconds)`, `Manual()` (docs/simulator.md#lifecycle)",
        "faults": "injected throttling, internal errors and latency: `Faults(...)` (docs/simulator.md#faults)",
        "duplicate_name_error": "error for a reused job name: a code or (code, message); None accepts duplicates "
                                "(docs/undocumented-behaviour.md#the-simulator)",
        "duplicate_model_name_error": "error for a customModelName that a Completed job's model has or a running job reserves: a code or "
                                      "(code, message); None accepts duplicates (undocumented)",
        "token_mismatch_error": "error for a reused clientRequestToken with a different request: a code or (code, message); None returns "
                                "the first job (the documented behaviour)",
        "stop_inactive_error": "error for stopping a job that is not InProgress: a code or (code, message); None makes such a Stop a no-op "
                               "(the code is undocumented)",
        "default_max_results": "List page size without maxResults (undocumented)",
        "default_sort_order": "List order without sortOrder (undocumented)",
        "name_contains_ignore_case": "whether nameContains ignores case (undocumented)",
        "level": "where bedrock_fake answers: auto (parsed level unless faults are set), parsed, or wire (botocore's serializer and parser on every call)",
        "strict": "check every answer the simulator serves against the contract",
        "seed": "seeds job ids (and the key that signs nextToken)",
        "base_models": "the base-model catalogue per customization type, overriding the documented one type by type "
                       "(docs/undocumented-behaviour.md#the-base-model-catalogue)",
        "strict_base_models": "answer ValidationException for a base model the catalogue does not list for the job's customization type",
    }
    fields = dataclasses.fields(SimulatorConfig)
    assert {f.name for f in fields} == set(helps), "every SimulatorConfig field needs a row (and help) in the options table"
    more: dict[str, dict[str, Any]] = {
        "faults": {"shown_default": "Faults() (none)"},
        "base_models": {"shown_default": "None (the documented catalogue)"},
        "level": {"cli": "--bedrock-fake-level", "choices": LEVELS, "check": choice(LEVELS)},
    }
    rows = [_fake(f.name, str(f.type), _field_default(f), helps[f.name], **{"check": _config_field(f.name), **more.get(f.name, {})})
            for f in fields]
    rows.append(_fake("clock", "str | Clock", "real", "'real', 'virtual' (time.sleep advances a virtual clock) or a Clock object"))
    rows.append(_fake("default_region", "str", Later(_simulator_region), "region of jobs when the client's region is unknown"))
    return rows


def _field_default(f: dataclasses.Field[Any]) -> Any:
    """A field's default; a ``default_factory`` is called on first use (it may import the model's users)."""
    if f.default_factory is not dataclasses.MISSING:
        return Later(f.default_factory)
    return f.default


def _simulator_region() -> str:
    from pytest_bedrock_mock.fakes.simulator import BedrockSimulator

    return str(inspect.signature(BedrockSimulator).parameters["default_region"].default)


def _config_field(name: str) -> Callable[[Any], Any]:
    """Checks one simulator option by the rules of :class:`SimulatorConfig` (their one home)."""
    def check(value: Any) -> Any:
        try:
            SimulatorConfig(**{name: value})
        except ValueError as exc:
            raise ValueError(str(exc).removeprefix(f"{name}: ")) from None
        return value

    return check


def _fake(name: str, kind: str, default: Any, text: str, **more: Any) -> Option:
    return Option(f"fake.{name}", kind, default, text, marker="bedrock_fake", fixture=True, **more)


def _cassette(name: str, kind: str, default: Any, text: str, check: Callable[[Any], Any], **more: Any) -> Option:
    return Option(f"cassette.{name}", kind, default, text, marker="bedrock_cassette", fixture=True, check=check, **more)


def _cassette_rows() -> list[Option]:
    """The cassette options: defaults from :class:`CassetteOptions` (their one home)."""
    d = {f.name: f.default for f in dataclasses.fields(cassette.CassetteOptions)}
    return [
        _cassette("path", "str | None", None, "the cassette file, relative to the cassette directory (also the marker's positional argument)",
                  string_or_none, positional="?", shown_default="<test name>.yaml"),
        _cassette("record_mode", "str", d["record_mode"], "cassette record mode: none (play back only; a missing cassette is an error), once, "
                  "new_episodes, all (docs/cassettes.md#record-modes); with CI set or none given on the command line or in the ini file, "
                  "markers and fixtures cannot make a test record", cassette.check_record_mode,
                  ini="bedrock_record_mode", cli="--bedrock-record-mode", env="CI", choices=cassette.RECORD_MODES),
        _cassette("match_on", "tuple[str, ...]", d["match_on"], "what a request is matched on", cassette.check_match_on),
        _cassette("ignore_params", "tuple[str, ...] | None", d["ignore_params"], "parameters left out of matching; None: the idempotency tokens",
                  cassette.check_ignore_params),
        _cassette("redact", "list of patterns or (pattern, replacement)", d["redact"], "extra redaction rules (credentials are always redacted)",
                  cassette.check_redact),
        _cassette("placeholder_account", "str", d["placeholder_account"], "account id that replaces real ones in recordings", cassette.check_placeholder_account),
        _cassette("allow_playback_repeats", "bool", d["allow_playback_repeats"], "let one recorded interaction answer several requests", boolean),
        _cassette("on_drift", "str", d["on_drift"], "a recorded answer the model no longer accepts: error, warn or ignore", cassette.check_on_drift),
        _cassette("save_on_failure", "bool", d["save_on_failure"], "write the recording even when the test fails", boolean),
        _cassette("golden", "str | None", d["golden"], "play back one of the kit's golden cassettes (e.g. 'get/status-Failed'); implies record mode none",
                  string_or_none),
    ]


#: The table. Order: session options, then one group per fixture or marker.
OPTIONS: tuple[Option, ...] = (
    Option("region", "str", "us-east-1", "region of bedrock_client and of bedrock clients created without one", ini="bedrock_region", cli="--bedrock-region",
           metavar="REGION", check=string),
    Option("allow_network", "bool", False, "let bedrock calls that no fake answers go to the network (off: they fail loudly); the marker opts one test out "
           "of the kit: its calls are not refused and its credentials are not replaced (docs/interception.md)", ini="bedrock_allow_network",
           flag=("bedrock_allow_network", True), check=boolean),
    Option("cassette_dir", "str", "", "directory of the cassettes, relative to the ini file (one folder per test module); override the bedrock_cassette_dir fixture "
           "for more", ini="bedrock_cassette_dir", check=string, shown_default="cassettes/bedrock/<module> beside each test module"),
    Option("coverage.mode", "str", "summary", "variant coverage of the answers served: off; summary (one line, none under -q, the table under -v); "
           "report (the table); or fail the session (and show the table) when a variant of the selected dimensions was never served", ini="bedrock_coverage", cli="--bedrock-coverage", choices=COVERAGE_MODES, check=choice(COVERAGE_MODES)),
    Option("coverage.dimensions", "str", "all", "comma-separated dimensions to report and gate; all is every dimension except forward_compat",
           ini="bedrock_coverage_dimensions", cli="--bedrock-coverage-dimensions", metavar="DIMS", check=dimensions),
    Option("coverage.report", "str | None", None, "write the coverage as JSON to this path", ini="bedrock_coverage_report", cli="--bedrock-coverage-report",
           metavar="PATH", check=string_or_none),
    Option("coverage.strategies", "bool", True, "count responses drawn from the kit's strategies (job_descriptions, job_lifecycles, list_job_pages, "
           "client_errors) as served: they are handed to the code under test", ini="bedrock_coverage_strategies", check=boolean),
    Option("stubber.validate_requests", "bool", True, "check every bedrock request against the service contract and answer ValidationException when invalid",
           ini="bedrock_validate_requests", marker="bedrock_stubber", flag=("bedrock_no_validation", False), fixture=True, check=boolean),
    Option("stubber.unordered", "bool", False, "match queued stubber answers by operation and parameters instead of by position", ini="bedrock_unordered",
           marker="bedrock_stubber", fixture=True, check=boolean),
    Option("stubber.allow_unused", "bool", False, "no teardown failure for queued answers never requested, or for a stubber never called",
           marker="bedrock_stubber", flag=("bedrock_allow_unused", True), fixture=True, check=boolean),
    Option("stubber.seed", "int | None", None, "seeds the ids and names of the jobs the helpers build", marker="bedrock_stubber", fixture=True, check=integer_or_none),
    *_fake_rows(),
    *_cassette_rows(),
    Option("variants.dimensions", "str, ...", (), "the variants to run the test with: dimensions ('status') or single variants ('status: Stopped')",
           marker="bedrock_variants", positional="*", check=selectors, shown_default="every dimension"),
    Option("variants.operation", "str | None", None, "only the variants of this operation", marker="bedrock_variants", check=string_or_none),
    Option("variants.forward_compat", "bool", False, "include the forward-compatibility variants", marker="bedrock_variants", check=boolean),
    Option("variants.serve", "bool", True, "serve the variant with a fake unless the test uses a fake fixture of its own", marker="bedrock_variants", fixture=True,
           check=boolean),
    Option("variants.seed", "int", 0, "seeds the variant's answers", marker="bedrock_variants", fixture=True, check=integer),
)

_BY_KEY = {o.key: o for o in OPTIONS}
assert len(_BY_KEY) == len(OPTIONS), "option keys are unique"

#: Every marker of the plugin: name -> (signature, what it does). Argument lists come from the table.
MARKERS: dict[str, tuple[str | None, str]] = {
    "bedrock_stubber": (None, "options of the bedrock_stubber fixture for this test"),
    "bedrock_allow_unused": ("", "do not fail this test for queued bedrock answers that were never requested, or for a stubber never called"),
    "bedrock_allow_network": ("", "opt this test out of pytest-bedrock-mock: bedrock calls no fake answers are not refused, and AWS credentials "
                              "and AWS_ENDPOINT_URL_BEDROCK are left as they are (docs/interception.md)"),
    "bedrock_no_validation": ("", "do not check this test's bedrock requests against the service contract"),
    "bedrock_fake": ("**options", "options of the bedrock_fake simulator -- policy=, faults=, clock='virtual', level=, duplicate_name_error=, ... "
                     "(docs/simulator.md)"),
    "bedrock_cassette": (None, "play back (or record) the bedrock traffic of this test from a cassette at the HTTP level; record modes: "
                         + ", ".join(cassette.RECORD_MODES) + " (docs/cassettes.md)."),
    "bedrock_variants": (None, "run the test once per variant of the named dimensions ('status', 'error', 'status: Stopped', ...) with the "
                         "bedrock_variant fixture serving that variant (docs/variants.md)."),
}


def option(key: str) -> Option:
    """The row of ``key`` (``KeyError`` naming the valid keys otherwise)."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"no option {key!r}; the options are: {', '.join(_BY_KEY)}") from None


def marker_options(marker: str) -> list[Option]:
    """The options a marker sets with its (keyword or positional) arguments, in table order."""
    return [o for o in OPTIONS if o.marker == marker]


def _signature(marker: str) -> str:
    signature, _ = MARKERS[marker]
    if signature is not None:
        return f"({signature})" if signature else ""
    rows = marker_options(marker)
    parts = [f"*{o.name}" if o.positional == "*" else f"{o.name}={o.default!r}" for o in rows if o.positional]
    if parts and parts[-1][0] != "*":
        parts.append("*")
    marker_default = {"cassette.record_mode": None}  # computed defaults show as None: "not given"
    parts += [f"{o.name}={marker_default.get(o.key, o.default)!r}" for o in rows if not o.positional]
    return f"({', '.join(parts)})"


def marker_lines() -> list[str]:
    """The ``markers`` ini lines (``name(signature): help``) of every marker."""
    return [f"{name}{_signature(name)}: {text}" for name, (_, text) in MARKERS.items()]


def register(parser: pytest.Parser) -> None:
    """Declare every command-line flag (group ``bedrock-mock``) and ini key of the table."""
    group = parser.getgroup("bedrock-mock", "pytest-bedrock-mock (fake Amazon Bedrock model-customization jobs)")
    for o in OPTIONS:
        sources = ", ".join(s for s in (o.ini and f"ini: {o.ini}", o.marker and f"marker: {o.marker}") if s)
        if o.cli:
            group.addoption(o.cli, dest=o.dest, default=None, choices=o.choices or None, metavar=o.metavar,
                            help=f"{o.help} (default: {o.shown()}; {sources})" if sources else f"{o.help} (default: {o.shown()})")
        if o.ini:  # read as text and checked by the table, so a bad value names its ini key
            parser.addini(o.ini, f"{o.help} (default: {o.shown()})", type="string", default=None)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _sources(o: Option) -> list[str]:
    marker = ""
    if o.marker:
        args = [f"*{o.name}"] if o.positional == "*" else [o.name, f"{o.name}="] if o.positional else [f"{o.name}="]
        marker = ", ".join(f"`@pytest.mark.{o.marker}({arg})`" for arg in args)
    if o.flag:
        marker += (", " if marker else "") + f"`@pytest.mark.{o.flag[0]}`"
    fixtures = [f"`{FIXTURE}[\"{o.key}\"]`"] if o.fixture else []
    if o.fixture and o.group in GROUP_FIXTURES:
        fixtures.append(f"`{GROUP_FIXTURES[o.group]}[\"{o.name}\"]`")
    return [f"`{o.ini}`" if o.ini else "", f"`{o.cli}`" if o.cli else "", marker, ", ".join(fixtures), f"`{o.env}`" if o.env else ""]


def options_markdown() -> str:
    """The options table as a Markdown table (the docs embed it): one row per option."""
    head = ["option", "type", "default", "ini", "command line", "marker", "fixture override", "environment", "what"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for o in OPTIONS:
        cells = [f"`{o.key}`", f"`{o.type}`", f"`{o.shown()}`", *_sources(o), o.help]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
