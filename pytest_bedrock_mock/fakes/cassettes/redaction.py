"""Redaction, always on, by place rather than by look: no credential and no real account id reaches a cassette.

What is replaced, and where:

* **Credential headers**: request headers are never recorded (``Authorization``,
  ``X-Amz-Security-Token`` and ``X-Amz-Date`` live there); response headers in
  :data:`DROPPED_HEADERS` are dropped, and a header whose name says key/secret/token/password
  keeps its name with the value :data:`REDACTED`.
* **Signed query parameters** (:data:`SIGNED_PARAMS`: ``X-Amz-Signature``, ``X-Amz-Credential``,
  ``X-Amz-Security-Token``...), in the request's query and in any URL inside a value.
* **Members the model marks** ``sensitive`` (found with the one shape visitor,
  :class:`pytest_bedrock_mock.core.shapes.ShapeVisitor`, over the operation's input shape for a
  request body and output shape for a success body), and **members or map keys whose name says**
  key/secret/token/password (``apiKey``, ``sessionToken``, ``clientSecret``, ``password``; a bare
  ``key``, as in a tag, is a name, not a credential), modelled or not. The model's idempotency and
  pagination tokens (``clientRequestToken``, ``nextToken``) are not credentials and are kept.
  String values there become :data:`REDACTED`, which fits the model's patterns, so a redacted
  answer still passes the drift check.
* **Values shaped like access key ids** (``AKIA``/``ASIA``... + 16) and AWS session tokens,
  anywhere.
* **Account ids** in ARNs (also percent-encoded ones in paths) are replaced everywhere in the
  interaction by a consistent placeholder: the first account becomes ``123456789012``
  (configurable), further accounts ``000000000001``, ``000000000002``...
* User rules (:class:`RedactionRule`: a regular expression and its replacement) run last.

Nothing else is touched: a 40-character job name stays a job name. Redaction is idempotent
and applied to a live request before it is matched, so what was recorded matches on replay.

:func:`find_credentials` is the safety net run over the final text before a cassette is
written: recording refuses to write a cassette in which it still finds anything.

Public names: :data:`PLACEHOLDER_ACCOUNT`, :data:`DROPPED_HEADERS`, :data:`SIGNED_PARAMS`,
:data:`REDACTED`, :class:`RedactionRule`, :class:`Redactor`, :func:`find_credentials`,
:func:`is_credential_name`, :class:`CredentialLeakError`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from pytest_bedrock_mock.core.model import UnknownNameError, get_model
from pytest_bedrock_mock.core.shapes import Node, ShapeVisitor
from pytest_bedrock_mock.errors import CredentialLeakError
from pytest_bedrock_mock.fakes.cassettes.format import Interaction, Request, Response, encode_body
from pytest_bedrock_mock.fakes.cassettes.options import PLACEHOLDER_ACCOUNT, RedactionRule

__all__ = [
    "DROPPED_HEADERS",
    "PLACEHOLDER_ACCOUNT",
    "REDACTED",
    "SIGNED_PARAMS",
    "CredentialLeakError",
    "RedactionRule",
    "Redactor",
    "find_credentials",
    "is_credential_name",
]

#: What a value at a credential place becomes (letters only: it fits the model's string patterns).
REDACTED = "REDACTED"
#: Header names (lower case) never written to a cassette, request or response.
DROPPED_HEADERS = frozenset({"authorization", "x-amz-security-token", "x-amz-date", "x-amz-content-sha256", "cookie", "set-cookie", "proxy-authorization"})
#: Query parameters (lower case) of a signed (pre-signed) URL whose values are redacted.
SIGNED_PARAMS = frozenset({"x-amz-signature", "x-amz-credential", "x-amz-security-token", "signature", "awsaccesskeyid"})

_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}(?![A-Z0-9])")
_SESSION_TOKEN = re.compile(r"(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|AQoDYXdz)[A-Za-z0-9/+=]{16,}")
_SIGNED_IN_URL = re.compile(r"(?i)([?&](?:" + "|".join(re.escape(p) for p in sorted(SIGNED_PARAMS)) + r")=)[^&\s\"'#]+")
_SEP = r"(?::|%3[Aa])"
_ARN_ACCOUNT = re.compile(rf"(arn{_SEP}aws[a-z-]*{_SEP}[A-Za-z0-9-]*{_SEP}[a-z0-9-]*{_SEP})(\d{{12}})(?={_SEP}|/|$)")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_SECRET_WORDS = frozenset({"secret", "password", "passwd", "passphrase", "credential", "credentials"})
_LAST_WORDS = frozenset({"key", "token"})

REDACTED_KEY_ID = "<redacted-access-key-id>"
REDACTED_TOKEN = "<redacted-session-token>"


def is_credential_name(name: str) -> bool:
    """Whether a member, map key, header or parameter name says it holds a credential.

    ``apiKey``, ``secret_access_key``, ``X-Api-Token``, ``password``: yes. A bare ``key`` or
    ``token`` word is not enough for a two-word-free name like ``key`` (a tag's key), nor is
    ``inferenceMaxTokens`` (a count).
    """
    words = [w.lower() for w in _WORDS.findall(name)]
    if not words:
        return False
    return bool(_SECRET_WORDS.intersection(words)) or words == ["token"] or (len(words) > 1 and words[-1] in _LAST_WORDS)


@functools.cache
def _model_tokens() -> frozenset[str]:
    """Wire names of the model's idempotency tokens and paginators' tokens: opaque, but not credentials."""
    import botocore.session

    from pytest_bedrock_mock.fakes.cassettes.matching import idempotency_params

    names = set(idempotency_params())
    paginators = botocore.session.get_session().get_paginator_model("bedrock")
    for op in get_model().operations:
        try:
            config = paginators.get_paginator(op)
        except ValueError:
            continue
        for key in ("input_token", "output_token"):
            value = config.get(key, ())
            names.update([value] if isinstance(value, str) else value)
    return frozenset(names)


def _at_credential_place(name: str) -> bool:
    return is_credential_name(name) and name not in _model_tokens()


def find_credentials(text: str) -> list[str]:
    """Descriptions of the credential-shaped values in ``text`` (also percent-decoded): access key ids, session tokens."""
    found: list[str] = []
    for variant in dict.fromkeys((text, unquote(text))):
        found += [f"an access key id ({m.group()[:4]}...)" for m in _KEY_ID.finditer(variant)]
        found += [f"a session token ({m.group()[:8]}...)" for m in _SESSION_TOKEN.finditer(variant)]
    return list(dict.fromkeys(found))


def _blank(value: Any) -> Any:
    """``value`` with every string in it replaced by :data:`REDACTED` (keys, numbers and shape kept)."""
    if isinstance(value, str):
        return REDACTED
    if isinstance(value, dict):
        return {k: _blank(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank(v) for v in value]
    return value


def _by_name(value: Any) -> Any:
    """Redact the values under credential names in a value the model does not describe."""
    if isinstance(value, dict):
        return {k: _blank(v) if _at_credential_place(str(k)) else _by_name(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_by_name(v) for v in value]
    return value


class _Places(ShapeVisitor[Any]):
    """The value walked along its shape, with sensitive members and credential names blanked."""

    def visit_structure(self, node: Node) -> Any:
        if not isinstance(node.value, dict):
            return _by_name(node.value)
        out = {}
        for name, item, child in node.members(wire=True):
            if _at_credential_place(name) or (child is not None and child.shape.metadata.get("sensitive")):
                out[name] = _blank(item)
            else:
                out[name] = _by_name(item) if child is None or item is None else self.visit(child)
        return out

    def visit_list(self, node: Node) -> Any:
        if not isinstance(node.value, list):
            return _by_name(node.value)
        return [_blank(c.value) if c.shape.metadata.get("sensitive") else self.visit(c) if c.value is not None else None for c in node.items()]

    def visit_map(self, node: Node) -> Any:
        if not isinstance(node.value, dict):
            return _by_name(node.value)
        sensitive = node.shape.value.metadata.get("sensitive")  # type: ignore[attr-defined]
        return {key.value: _blank(val.value) if sensitive or _at_credential_place(str(key.value)) else self.visit(val) if val.value is not None else None
                for key, val in node.entries()}

    def visit_scalar(self, node: Node) -> Any:
        return node.value

    def visit_other(self, node: Node) -> Any:
        return node.value


def _shape(operation: str | None, output: bool) -> Any:
    if not operation:
        return None
    model = get_model()
    try:
        return model.output_shape(operation) if output else model.input_shape(operation)
    except (UnknownNameError, KeyError):
        return None


def _places(value: Any, operation: str | None, *, output: bool) -> Any:
    shape = _shape(operation, output)
    return _by_name(value) if shape is None else _Places().walk(shape, value)


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
        """``text`` with access key ids, session tokens, signed URL parameters, account ids (learnt from ARNs) and user rules applied."""
        self.learn([text])
        text = _KEY_ID.sub(REDACTED_KEY_ID, text)
        text = _SESSION_TOKEN.sub(REDACTED_TOKEN, text)
        text = _SIGNED_IN_URL.sub(lambda m: m.group(1) + REDACTED, text)
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

    def _redact_body(self, body: bytes, operation: str | None, *, success: bool) -> bytes:
        encoding, value = encode_body(body)
        if encoding == "json":
            redacted = self.redact_value(_places(value, operation if success else None, output=True))
            return body if redacted == value else json.dumps(redacted, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        if encoding == "text":
            return self.redact_text(value).encode("utf-8")
        return body

    # -- interactions ------------------------------------------------------------------
    def redact_request(self, request: Request, operation: str | None = None) -> Request:
        """``request`` redacted; ``operation`` names the input shape whose sensitive members are blanked."""
        self.learn([request.path, *_strings(request.query), *_strings(request.body)])
        query = {k: [REDACTED if k.lower() in SIGNED_PARAMS or _at_credential_place(k) else v for v in vs] for k, vs in request.query.items()}
        body = _places(request.body, operation, output=False) if isinstance(request.body, (dict, list)) else request.body
        return Request(
            request.method,
            self.redact_text(request.path),
            {self.redact_text(k): [self.redact_text(v) for v in vs] for k, vs in query.items()},
            self.redact_value(body),
        )

    def redact_response(self, response: Response, operation: str | None = None) -> Response:
        """``response`` redacted; for a success, ``operation`` names the output shape whose sensitive members are blanked."""
        self.learn([*response.headers.values(), *_strings(encode_body(response.body)[1])])
        body = self._redact_body(response.body, operation, success=200 <= response.status < 300)
        headers = {k: REDACTED if _at_credential_place(k) else self.redact_text(v) for k, v in response.headers.items() if k.lower() not in DROPPED_HEADERS}
        for name in headers:
            if name.lower() == "content-length":
                headers[name] = str(len(body))
        return Response(response.status, headers, body)

    def redact(self, interaction: Interaction) -> Interaction:
        self.learn(_strings(encode_body(interaction.response.body)[1]))
        return replace(interaction, request=self.redact_request(interaction.request, interaction.operation),
                       response=self.redact_response(interaction.response, interaction.operation))
