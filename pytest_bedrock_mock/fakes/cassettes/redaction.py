"""Redaction, always on: no credential and no real account id reaches a cassette.

* Request headers are never recorded (``Authorization``, ``X-Amz-Security-Token`` and
  ``X-Amz-Date`` live there); response headers in :data:`DROPPED_HEADERS` are dropped.
* Credential-looking values anywhere (path, query, bodies, header values) are replaced:
  access key ids (``AKIA``/``ASIA`` + 16), 40-character secret keys, session tokens.
* Account ids found in ARNs (also percent-encoded ones in paths) are replaced everywhere
  in the interaction by a consistent placeholder: the first account becomes
  ``123456789012`` (configurable), further accounts ``000000000001``, ``000000000002``...
* User rules (:class:`RedactionRule`: a regular expression and its replacement) run last.

:func:`find_credentials` is the safety net run over the final text before a cassette is
written: recording refuses to write a cassette in which it still finds anything.

Public names: :data:`PLACEHOLDER_ACCOUNT`, :data:`DROPPED_HEADERS`, :class:`RedactionRule`,
:class:`Redactor`, :func:`find_credentials`, :class:`CredentialLeakError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

from pytest_bedrock_mock.errors import CredentialLeakError
from pytest_bedrock_mock.fakes.cassettes.format import Interaction, Request, Response, encode_body

__all__ = ["DROPPED_HEADERS", "PLACEHOLDER_ACCOUNT", "CredentialLeakError", "RedactionRule", "Redactor", "find_credentials"]

PLACEHOLDER_ACCOUNT = "123456789012"
#: Header names (lower case) never written to a cassette, request or response.
DROPPED_HEADERS = frozenset({"authorization", "x-amz-security-token", "x-amz-date", "x-amz-content-sha256", "cookie", "set-cookie", "proxy-authorization"})

_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}(?![A-Z0-9])")
_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_SESSION_TOKEN = re.compile(r"(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|AQoDYXdz)[A-Za-z0-9/+=]{16,}")
_SEP = r"(?::|%3[Aa])"
_ARN_ACCOUNT = re.compile(rf"(arn{_SEP}aws[a-z-]*{_SEP}[A-Za-z0-9-]*{_SEP}[a-z0-9-]*{_SEP})(\d{{12}})(?={_SEP}|/|$)")

REDACTED_KEY_ID = "<redacted-access-key-id>"
REDACTED_SECRET = "<redacted-secret>"
REDACTED_TOKEN = "<redacted-session-token>"


def _is_secret(candidate: str) -> bool:
    return any(c.isupper() for c in candidate) and any(c.islower() for c in candidate) and any(c.isdigit() for c in candidate)


def find_credentials(text: str) -> list[str]:
    """Descriptions of the credential-looking values in ``text`` (also percent-decoded)."""
    found: list[str] = []
    for variant in dict.fromkeys((text, unquote(text))):
        found += [f"an access key id ({m.group()[:4]}...)" for m in _KEY_ID.finditer(variant)]
        found += [f"a session token ({m.group()[:8]}...)" for m in _SESSION_TOKEN.finditer(variant)]
        found += ["a 40-character secret key" for m in _SECRET.finditer(variant) if _is_secret(m.group())]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class RedactionRule:
    """A user redaction: every match of ``pattern`` (a regular expression) becomes ``replacement``."""

    pattern: str
    replacement: str = "<redacted>"

    def apply(self, text: str) -> str:
        return re.sub(self.pattern, self.replacement, text)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


class Redactor:
    """Redacts interactions; keeps the account placeholders consistent for its lifetime."""

    def __init__(self, rules: Iterable[RedactionRule] = (), *, placeholder_account: str = PLACEHOLDER_ACCOUNT) -> None:
        if not re.fullmatch(r"\d{12}", placeholder_account):
            raise ValueError(f"placeholder_account must be 12 digits, got {placeholder_account!r}")
        self.rules = tuple(rules)
        self.placeholder_account = placeholder_account
        self.accounts: dict[str, str] = {placeholder_account: placeholder_account}

    # -- accounts ------------------------------------------------------------------
    def learn(self, texts: Iterable[str]) -> None:
        for text in texts:
            for match in _ARN_ACCOUNT.finditer(text):
                account = match.group(2)
                if account not in self.accounts:
                    self.accounts[account] = self.placeholder_account if len(self.accounts) == 1 and self._placeholder_free() else f"{len(self.accounts):012d}"

    def _placeholder_free(self) -> bool:
        return list(self.accounts.values()).count(self.placeholder_account) == 1

    # -- text and values -------------------------------------------------------------
    def redact_text(self, text: str) -> str:
        """``text`` with credentials, account ids (learnt from ARNs so far and in ``text``) and user rules applied."""
        self.learn([text])
        text = _KEY_ID.sub(REDACTED_KEY_ID, text)
        text = _SESSION_TOKEN.sub(REDACTED_TOKEN, text)
        text = _SECRET.sub(lambda m: REDACTED_SECRET if _is_secret(m.group()) else m.group(), text)
        for account, placeholder in self.accounts.items():
            if account != placeholder and account in text:
                text = re.sub(rf"(?<!\d){account}(?!\d)", placeholder, text)
        for rule in self.rules:
            text = rule.apply(text)
        return text

    def redact_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redact_text(value)
        if isinstance(value, dict):
            return {self.redact_text(str(k)): self.redact_value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.redact_value(v) for v in value]
        return value

    def _redact_body(self, body: bytes) -> bytes:
        encoding, value = encode_body(body)
        if encoding == "json":
            redacted = self.redact_value(value)
            return body if redacted == value else json.dumps(redacted, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        if encoding == "text":
            return self.redact_text(value).encode("utf-8")
        return body

    # -- interactions ------------------------------------------------------------------
    def redact_request(self, request: Request) -> Request:
        self.learn([request.path, *_strings(request.query), *_strings(request.body)])
        return Request(
            request.method,
            self.redact_text(request.path),
            {self.redact_text(k): [self.redact_text(v) for v in vs] for k, vs in request.query.items()},
            self.redact_value(request.body),
        )

    def redact_response(self, response: Response) -> Response:
        self.learn([*response.headers.values(), *_strings(encode_body(response.body)[1])])
        body = self._redact_body(response.body)
        headers = {k: self.redact_text(v) for k, v in response.headers.items() if k.lower() not in DROPPED_HEADERS}
        for name in headers:
            if name.lower() == "content-length":
                headers[name] = str(len(body))
        return Response(response.status, headers, body)

    def redact(self, interaction: Interaction) -> Interaction:
        self.learn(_strings(encode_body(interaction.response.body)[1]))
        return replace(interaction, request=self.redact_request(interaction.request), response=self.redact_response(interaction.response))
