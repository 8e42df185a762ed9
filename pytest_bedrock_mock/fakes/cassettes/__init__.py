"""Recorded-response playback at the HTTP level: record once, replay through botocore's real stack.

Cassettes (:mod:`.format`, :mod:`.storage`) keep each exchange as it was on the wire;
a :class:`Player` / :class:`CassetteSession` answers at botocore's ``before-send`` so
the real serializer, signer, retry handler and parser run; :mod:`.redaction` keeps
credentials and account ids out of files; :mod:`.drift` and :mod:`.lint` check
recordings against the current model; :mod:`.golden` builds the kit's golden set.

This package never imports pytest; the pytest side is
:mod:`pytest_bedrock_mock.plugin.cassette`.
"""

from __future__ import annotations

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
from pytest_bedrock_mock.fakes.cassettes.matching import DEFAULT_MATCH_ON, MATCH_FIELDS
from pytest_bedrock_mock.fakes.cassettes.options import RECORD_MODES, CassetteConfigError, CassetteOptions
from pytest_bedrock_mock.fakes.cassettes.player import CassetteDriftError, CassetteDriftWarning, CassetteMismatchError, Player
from pytest_bedrock_mock.fakes.cassettes.recorder import CassetteSession, urllib3_transport
from pytest_bedrock_mock.fakes.cassettes.redaction import (
    PLACEHOLDER_ACCOUNT,
    CredentialLeakError,
    RedactionRule,
    Redactor,
    find_credentials,
)
from pytest_bedrock_mock.fakes.cassettes.storage import dumps, load, loads, save

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
