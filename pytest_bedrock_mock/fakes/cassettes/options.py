"""Record modes and the options of one cassette session, with the checks of each value.

Record modes (as in vcrpy / pytest-recording):

* ``none`` (the default) — play back only; a request no interaction matches fails, and so
  does any request when the cassette file does not exist (the error names the file and
  ``--bedrock-record-mode``). Nothing is recorded unless a mode that records is asked for.
* ``once`` — play back an existing cassette as ``none`` does; with no cassette file yet,
  record everything and write it.
* ``new_episodes`` — play back what matches; record (and append) what does not.
* ``all`` — record everything, never play back; the cassette is rewritten.

Where each option comes from (marker, fixture, command line, ini, ``CI``) and which wins is
decided in one place, the plugin's options table (:mod:`pytest_bedrock_mock.plugin.options`);
this module only says what a valid value is. Each ``check_*`` function returns the value in
its normal form or raises :class:`CassetteConfigError`.

Public names: :data:`RECORD_MODES`, :class:`CassetteOptions`, :class:`CassetteConfigError`,
:func:`check_record_mode`, :func:`check_match_on`, :func:`check_ignore_params`,
:func:`check_redact`, :func:`check_placeholder_account`, :func:`check_on_drift`,
:func:`cassette_path`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_bedrock_mock.errors import CASSETTES_DOCS, CassetteConfigError

__all__ = [
    "DEFAULT_MATCH_ON",
    "DRIFT_ACTIONS",
    "MATCH_FIELDS",
    "PLACEHOLDER_ACCOUNT",
    "RECORD_MODES",
    "CassetteConfigError",
    "CassetteOptions",
    "RedactionRule",
    "cassette_path",
    "check_ignore_params",
    "check_match_on",
    "check_on_drift",
    "check_placeholder_account",
    "check_record_mode",
    "check_redact",
]

#: The record modes, in order from most to least offline (feeds ``choices=`` and the tests).
RECORD_MODES: tuple[str, ...] = ("none", "once", "new_episodes", "all")
# The values below are defined here, not beside the code that uses them (matching, player,
# redaction, which import them from here), so that the options (and the pytest plugin's help)
# load neither responses, requests, jsonschema nor botocore.
#: What a request can be matched on (:mod:`.matching`); the default is all of them.
MATCH_FIELDS: tuple[str, ...] = ("operation", "method", "path", "query", "body")
DEFAULT_MATCH_ON: tuple[str, ...] = MATCH_FIELDS
#: What playback does with a recorded answer the model no longer accepts (:mod:`.player`).
DRIFT_ACTIONS: tuple[str, ...] = ("error", "warn", "ignore")
#: The account id that replaces real ones in recordings (:mod:`.redaction`).
PLACEHOLDER_ACCOUNT = "123456789012"


@dataclass(frozen=True)
class RedactionRule:
    """A user redaction: every match of ``pattern`` (a regular expression) becomes ``replacement``."""

    pattern: str
    replacement: str = "<redacted>"

    def apply(self, text: str) -> str:
        return re.sub(self.pattern, self.replacement, text)


@dataclass(frozen=True)
class CassetteOptions:
    """Everything one cassette session needs, already checked."""

    path: Path
    record_mode: str = "none"
    match_on: tuple[str, ...] = DEFAULT_MATCH_ON
    ignore_params: tuple[str, ...] | None = None
    redact: tuple[RedactionRule, ...] = ()
    placeholder_account: str = PLACEHOLDER_ACCOUNT
    allow_playback_repeats: bool = False
    on_drift: str = "error"
    save_on_failure: bool = False
    golden: str | None = None


def check_record_mode(mode: Any) -> str:
    if mode not in RECORD_MODES:
        raise CassetteConfigError(f"record mode {mode!r} is not one of {', '.join(RECORD_MODES)} ({CASSETTES_DOCS})")
    return str(mode)


def check_match_on(value: Any) -> tuple[str, ...]:
    fields = (value,) if isinstance(value, str) else tuple(value)
    bad = sorted(set(fields) - set(MATCH_FIELDS))
    if bad:
        raise CassetteConfigError(f"match_on {bad} unknown; choose from {', '.join(MATCH_FIELDS)}")
    return fields


def check_ignore_params(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def check_redact(value: Any) -> tuple[RedactionRule, ...]:
    items = [value] if isinstance(value, (str, RedactionRule)) else list(value or ())
    rules = []
    for item in items:
        if isinstance(item, RedactionRule):
            rule = item
        elif isinstance(item, str):
            rule = RedactionRule(item)
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            rule = RedactionRule(str(item[0]), str(item[1]))
        else:
            raise CassetteConfigError(f"redact takes patterns, (pattern, replacement) pairs or RedactionRule objects, got {item!r}")
        try:
            re.compile(rule.pattern)
        except re.error as exc:
            raise CassetteConfigError(f"redact pattern {rule.pattern!r} is not a regular expression: {exc}") from None
        rules.append(rule)
    return tuple(rules)


def check_placeholder_account(value: Any) -> str:
    if not re.fullmatch(r"\d{12}", str(value)):
        raise CassetteConfigError(f"placeholder_account must be 12 digits, got {value!r}")
    return str(value)


def check_on_drift(value: Any) -> str:
    if value not in DRIFT_ACTIONS:
        raise CassetteConfigError(f"on_drift must be one of {', '.join(DRIFT_ACTIONS)}, got {value!r}")
    return str(value)


def cassette_path(path: str | Path | None, cassette_dir: Path, default: Path) -> Path:
    """The cassette file: ``path`` (relative to ``cassette_dir``) or ``default``, with a ``.yaml`` suffix if it has none."""
    chosen = Path(path) if path else default
    if not chosen.is_absolute():
        chosen = cassette_dir / chosen
    if chosen.suffix not in (".yaml", ".yml", ".json"):
        chosen = chosen.with_name(chosen.name + ".yaml")
    return chosen
