"""Record modes and cassette options, resolved once, in one place.

Record modes (as in vcrpy / pytest-recording):

* ``none`` — play back only; a request no interaction matches fails. Default when the
  ``CI`` environment variable is set (to anything but ``""``, ``0``, ``false``, ``no``).
* ``once`` — play back an existing cassette as ``none`` does; with no cassette file yet,
  record everything and write it. Default otherwise.
* ``new_episodes`` — play back what matches; record (and append) what does not.
* ``all`` — record everything, never play back; the cassette is rewritten.

Precedence of the record mode, highest first: ``--bedrock-record-mode`` on the command
line, the ``record_mode=`` of the test's ``bedrock_cassette`` marker (the closest
marker wins), ``record_mode`` in the ``bedrock_cassette_config`` fixture, the
``bedrock_record_mode`` ini option, the ``CI`` default. Every other option: marker,
then ``bedrock_cassette_config``, then the default. :func:`resolve_options` implements
exactly that and nothing else does.

Public names: :data:`RECORD_MODES`, :data:`OPTION_NAMES`, :class:`CassetteOptions`,
:class:`CassetteConfigError`, :func:`default_record_mode`, :func:`resolve_options`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pytest_bedrock_mock.errors import CassetteConfigError
from pytest_bedrock_mock.fakes.cassettes.format import README_LINK
from pytest_bedrock_mock.fakes.cassettes.matching import DEFAULT_MATCH_ON, MATCH_FIELDS
from pytest_bedrock_mock.fakes.cassettes.player import DRIFT_ACTIONS
from pytest_bedrock_mock.fakes.cassettes.redaction import PLACEHOLDER_ACCOUNT, RedactionRule

__all__ = ["OPTION_NAMES", "RECORD_MODES", "CassetteConfigError", "CassetteOptions", "default_record_mode", "resolve_options"]

#: The record modes, in order from most to least offline (feeds ``choices=`` and the tests).
RECORD_MODES: tuple[str, ...] = ("none", "once", "new_episodes", "all")


@dataclass(frozen=True)
class CassetteOptions:
    """Everything one cassette session needs, already validated."""

    path: Path
    record_mode: str
    match_on: tuple[str, ...] = DEFAULT_MATCH_ON
    ignore_params: tuple[str, ...] | None = None
    redact: tuple[RedactionRule, ...] = ()
    placeholder_account: str = PLACEHOLDER_ACCOUNT
    allow_playback_repeats: bool = False
    on_drift: str = "error"
    save_on_failure: bool = False
    golden: str | None = None


#: The option names a marker or ``bedrock_cassette_config`` may set.
OPTION_NAMES: tuple[str, ...] = tuple(f.name for f in fields(CassetteOptions))


def default_record_mode(env: Mapping[str, str] | None = None) -> str:
    """``none`` when ``CI`` is set, else ``once``."""
    ci = (os.environ if env is None else env).get("CI", "")
    return "none" if ci.strip().lower() not in ("", "0", "false", "no") else "once"


def _check_mode(mode: Any, where: str) -> str:
    if mode not in RECORD_MODES:
        raise CassetteConfigError(f"{where}: record mode {mode!r} is not one of {', '.join(RECORD_MODES)} ({README_LINK})")
    return str(mode)


def _rules(value: Any, where: str) -> tuple[RedactionRule, ...]:
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
            raise CassetteConfigError(f"{where}: redact takes patterns, (pattern, replacement) pairs or RedactionRule objects, got {item!r}")
        try:
            re.compile(rule.pattern)
        except re.error as exc:
            raise CassetteConfigError(f"{where}: redact pattern {rule.pattern!r} is not a regular expression: {exc}") from None
        rules.append(rule)
    return tuple(rules)


def _validate(merged: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = sorted(set(merged) - set(OPTION_NAMES))
    if unknown:
        raise CassetteConfigError(f"{where}: unknown option(s) {', '.join(unknown)}; valid options: {', '.join(OPTION_NAMES)}")
    out = dict(merged)
    if "match_on" in out:
        out["match_on"] = tuple(out["match_on"])
        bad = sorted(set(out["match_on"]) - set(MATCH_FIELDS))
        if bad:
            raise CassetteConfigError(f"{where}: match_on {bad} unknown; choose from {', '.join(MATCH_FIELDS)}")
    if out.get("ignore_params") is not None:
        out["ignore_params"] = tuple(out["ignore_params"])
    if "redact" in out:
        out["redact"] = _rules(out["redact"], where)
    if out.get("on_drift", "error") not in DRIFT_ACTIONS:
        raise CassetteConfigError(f"{where}: on_drift must be one of {', '.join(DRIFT_ACTIONS)}, got {out['on_drift']!r}")
    if not re.fullmatch(r"\d{12}", str(out.get("placeholder_account", PLACEHOLDER_ACCOUNT))):
        raise CassetteConfigError(f"{where}: placeholder_account must be 12 digits, got {out['placeholder_account']!r}")
    return out


def resolve_options(*, default_path: Path, cassette_dir: Path, cli_mode: str | None = None, marker_args: Iterable[Any] = (), marker_kwargs: Mapping[str, Any] | None = None,
                    config: Mapping[str, Any] | None = None, ini_mode: str | None = None, env: Mapping[str, str] | None = None) -> CassetteOptions:
    """The options of one test's cassette, by the documented precedence (module docstring)."""
    marker = dict(marker_kwargs or {})
    args = list(marker_args)
    if len(args) > 1:
        raise CassetteConfigError(f"bedrock_cassette marker: takes at most one positional argument (the cassette path), got {args!r}")
    if args:
        if "path" in marker:
            raise CassetteConfigError("bedrock_cassette marker: the path is given both positionally and as path=")
        marker["path"] = args[0]
    fixture = _validate(dict(config or {}), "bedrock_cassette_config fixture")
    marker = _validate(marker, "bedrock_cassette marker")
    merged = {**fixture, **marker}
    if cli_mode:
        mode = _check_mode(cli_mode, "--bedrock-record-mode")
    elif "record_mode" in marker:
        mode = _check_mode(marker["record_mode"], "bedrock_cassette marker")
    elif "record_mode" in fixture:
        mode = _check_mode(fixture["record_mode"], "bedrock_cassette_config fixture")
    elif ini_mode:
        mode = _check_mode(ini_mode, "ini option bedrock_record_mode")
    else:
        mode = default_record_mode(env)
    path = Path(merged.pop("path", None) or default_path)
    if not path.is_absolute():
        path = cassette_dir / path
    if path.suffix not in (".yaml", ".yml", ".json"):
        path = path.with_name(path.name + ".yaml")
    merged["record_mode"] = "none" if merged.get("golden") else mode
    return CassetteOptions(path=path, **merged)
