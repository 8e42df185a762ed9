"""Recorded-response playback at the HTTP level: record once, replay through botocore's real stack.

Cassettes (:mod:`.format`, :mod:`.storage`) keep each exchange as it was on the wire;
a :class:`Player` / :class:`CassetteSession` answers at botocore's ``before-send`` so
the real serializer, signer, retry handler and parser run; :mod:`.redaction` keeps
credentials and account ids out of files; :mod:`.drift` and :mod:`.lint` check
recordings against the current model; :mod:`.golden` builds the kit's golden set.

This package never imports pytest; the pytest side is
:mod:`pytest_bedrock_mock._plugin_cassette`.
"""

from __future__ import annotations

from .drift import FINDING_KINDS, Finding, check_interaction
from .format import FORMAT_VERSION, SCHEMA, Cassette, CassetteError, CassetteFormatError, Interaction, Request, Response
from .lint import lint_file, lint_paths
from .matching import DEFAULT_MATCH_ON, MATCH_FIELDS
from .options import RECORD_MODES, CassetteConfigError, CassetteOptions, default_record_mode, resolve_options
from .player import CassetteDriftError, CassetteDriftWarning, CassetteMismatchError, Player
from .recorder import CassetteSession, urllib3_transport
from .redaction import PLACEHOLDER_ACCOUNT, CredentialLeakError, RedactionRule, Redactor, find_credentials
from .storage import dumps, load, loads, save

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
    "default_record_mode",
    "dumps",
    "find_credentials",
    "lint_file",
    "lint_paths",
    "load",
    "loads",
    "resolve_options",
    "save",
    "urllib3_transport",
]
