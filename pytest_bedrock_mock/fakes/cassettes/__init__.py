"""Recorded-response playback at the HTTP level: record once, replay through botocore's real stack.

Cassettes (:mod:`.format`, :mod:`.storage`) keep each exchange as it was on the wire;
a :class:`Player` / :class:`CassetteSession` answers at botocore's ``before-send`` so
the real serializer, signer, retry handler and parser run; :mod:`.redaction` keeps
credentials and account ids out of files; :mod:`.drift` and :mod:`.lint` check
recordings against the current model; :mod:`.golden` builds the kit's golden set.

This package never imports pytest; the pytest side is
:mod:`pytest_bedrock_mock.plugin.cassette`.

Each public name is imported on first use (a module-level ``__getattr__``), so the record modes
and options (:mod:`.options`) load neither jsonschema, yaml, responses nor botocore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_bedrock_mock.core.lazy import lazy_exports

if TYPE_CHECKING:
    from pytest_bedrock_mock.fakes.cassettes.drift import FINDING_KINDS, Finding, check_interaction
    from pytest_bedrock_mock.fakes.cassettes.format import (
        FORMAT_VERSION,
        SCHEMA,
        Cassette,
        CassetteError,
        CassetteFormatError,
        Interaction,
        Request,
        Response,
    )
    from pytest_bedrock_mock.fakes.cassettes.lint import lint_file, lint_paths
    from pytest_bedrock_mock.fakes.cassettes.options import (
        DEFAULT_MATCH_ON,
        MATCH_FIELDS,
        PLACEHOLDER_ACCOUNT,
        RECORD_MODES,
        CassetteConfigError,
        CassetteOptions,
        RedactionRule,
    )
    from pytest_bedrock_mock.fakes.cassettes.player import CassetteDriftError, CassetteDriftWarning, CassetteMismatchError, Player
    from pytest_bedrock_mock.fakes.cassettes.recorder import CassetteSession, urllib3_transport
    from pytest_bedrock_mock.fakes.cassettes.redaction import CredentialLeakError, Redactor, find_credentials
    from pytest_bedrock_mock.fakes.cassettes.storage import dumps, load, loads, save

#: Public name -> the module that defines it, imported on first access.
_EXPORTS: dict[str, str] = {
    "FINDING_KINDS": "pytest_bedrock_mock.fakes.cassettes.drift",
    "Finding": "pytest_bedrock_mock.fakes.cassettes.drift",
    "check_interaction": "pytest_bedrock_mock.fakes.cassettes.drift",
    "FORMAT_VERSION": "pytest_bedrock_mock.fakes.cassettes.format",
    "SCHEMA": "pytest_bedrock_mock.fakes.cassettes.format",
    "Cassette": "pytest_bedrock_mock.fakes.cassettes.format",
    "CassetteError": "pytest_bedrock_mock.fakes.cassettes.format",
    "CassetteFormatError": "pytest_bedrock_mock.fakes.cassettes.format",
    "Interaction": "pytest_bedrock_mock.fakes.cassettes.format",
    "Request": "pytest_bedrock_mock.fakes.cassettes.format",
    "Response": "pytest_bedrock_mock.fakes.cassettes.format",
    "lint_file": "pytest_bedrock_mock.fakes.cassettes.lint",
    "lint_paths": "pytest_bedrock_mock.fakes.cassettes.lint",
    "DEFAULT_MATCH_ON": "pytest_bedrock_mock.fakes.cassettes.options",
    "MATCH_FIELDS": "pytest_bedrock_mock.fakes.cassettes.options",
    "RECORD_MODES": "pytest_bedrock_mock.fakes.cassettes.options",
    "CassetteConfigError": "pytest_bedrock_mock.fakes.cassettes.options",
    "CassetteOptions": "pytest_bedrock_mock.fakes.cassettes.options",
    "CassetteDriftError": "pytest_bedrock_mock.fakes.cassettes.player",
    "CassetteDriftWarning": "pytest_bedrock_mock.fakes.cassettes.player",
    "CassetteMismatchError": "pytest_bedrock_mock.fakes.cassettes.player",
    "Player": "pytest_bedrock_mock.fakes.cassettes.player",
    "CassetteSession": "pytest_bedrock_mock.fakes.cassettes.recorder",
    "urllib3_transport": "pytest_bedrock_mock.fakes.cassettes.recorder",
    "PLACEHOLDER_ACCOUNT": "pytest_bedrock_mock.fakes.cassettes.options",
    "CredentialLeakError": "pytest_bedrock_mock.fakes.cassettes.redaction",
    "RedactionRule": "pytest_bedrock_mock.fakes.cassettes.options",
    "Redactor": "pytest_bedrock_mock.fakes.cassettes.redaction",
    "find_credentials": "pytest_bedrock_mock.fakes.cassettes.redaction",
    "dumps": "pytest_bedrock_mock.fakes.cassettes.storage",
    "load": "pytest_bedrock_mock.fakes.cassettes.storage",
    "loads": "pytest_bedrock_mock.fakes.cassettes.storage",
    "save": "pytest_bedrock_mock.fakes.cassettes.storage",
}

__all__ = [
    "DEFAULT_MATCH_ON",
    "FINDING_KINDS",
    "FORMAT_VERSION",
    "MATCH_FIELDS",
    "PLACEHOLDER_ACCOUNT",
    "RECORD_MODES",
    "SCHEMA",
    "Cassette",
    "CassetteConfigError",
    "CassetteDriftError",
    "CassetteDriftWarning",
    "CassetteError",
    "CassetteFormatError",
    "CassetteMismatchError",
    "CassetteOptions",
    "CassetteSession",
    "CredentialLeakError",
    "Finding",
    "Interaction",
    "Player",
    "RedactionRule",
    "Redactor",
    "Request",
    "Response",
    "check_interaction",
    "dumps",
    "find_credentials",
    "lint_file",
    "lint_paths",
    "load",
    "loads",
    "save",
    "urllib3_transport",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
