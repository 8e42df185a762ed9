"""Playback: a wire-level fake for :func:`pytest_bedrock_mock.fakes.intercept.activate`.

:class:`Player` answers at botocore's ``before-send`` (``answer_send``), after botocore
serialized and signed the request, with the recorded bytes as an ``AWSResponse`` — so
botocore's real rest-json parser (timestamps, errors, ``ResponseMetadata``) and its
retry handler (429/500) run as with the real service. Every answer is checked for
drift against the current model first, logged in :attr:`Player.calls` and published to
the interception's observers (``source="playback"``).

A request no recorded interaction matches raises :class:`CassetteMismatchError` with
the request, the closest recorded interaction and a field-by-field diff.

>>> from pytest_bedrock_mock import intercept
>>> with intercept.activate(Player(load("fixtures/cassettes/get/status-Completed.yaml"))):  # doctest: +SKIP
...     client.get_model_customization_job(jobIdentifier=...)

Public names: :class:`Player`, :class:`CassetteMismatchError`, :class:`CassetteDriftError`,
:class:`CassetteDriftWarning`, :func:`request_from_prepared`, :func:`describe_request`, :data:`DRIFT_ACTIONS`.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pytest_bedrock_mock.core import wire
from pytest_bedrock_mock.errors import CASSETTES_DOCS, CassetteDriftError, CassetteDriftWarning, CassetteMismatchError
from pytest_bedrock_mock.fakes import intercept
from pytest_bedrock_mock.fakes.base import Call, FakeBase
from pytest_bedrock_mock.fakes.cassettes.drift import Finding, check_interaction
from pytest_bedrock_mock.fakes.cassettes.format import Cassette, CassetteError, Interaction, Request
from pytest_bedrock_mock.fakes.cassettes.matching import DEFAULT_MATCH_ON, Matcher, describe_mismatch
from pytest_bedrock_mock.fakes.cassettes.options import DRIFT_ACTIONS
from pytest_bedrock_mock.fakes.cassettes.redaction import Redactor

__all__ = ["DRIFT_ACTIONS", "CassetteDriftError", "CassetteDriftWarning", "CassetteMismatchError", "Player", "describe_request", "request_from_prepared"]


def request_from_prepared(request: Any) -> Request:
    """The cassette form of a botocore ``AWSPreparedRequest`` (path as sent, body as JSON)."""
    parts = urlsplit(request.url)
    body: Any = request.body
    if hasattr(body, "read"):
        raise CassetteError("streaming request bodies cannot be recorded")
    if isinstance(body, (bytes, bytearray)):
        body = bytes(body).decode("utf-8", errors="replace")
    if body:
        try:
            body = json.loads(body)
        except ValueError:
            pass
    else:
        body = None
    return Request(str(request.method).upper(), parts.path or "/", {k: list(v) for k, v in parse_qs(parts.query, keep_blank_values=True).items()}, body)


def describe_request(operation: str, request: Request) -> str:
    """One line (two with a body) naming a request for error messages."""
    query = "&".join(f"{k}={v}" for k, vs in request.query.items() for v in vs)
    text = f"{operation}: {request.method} {request.path}" + (f"?{query}" if query else "")
    if request.body is not None:
        text += f"\n    body: {json.dumps(request.body, sort_keys=True)}"
    return text


class Player(FakeBase):
    """Answers bedrock requests from a cassette, in recorded order for identical requests."""

    source = "playback"

    def __init__(self, cassette: Cassette, *, name: str = "<cassette>", match_on: Sequence[str] = DEFAULT_MATCH_ON, ignore_params: Iterable[str] | None = None,
                 allow_playback_repeats: bool = False, on_drift: str = "error", redactor: Redactor | None = None) -> None:
        if on_drift not in DRIFT_ACTIONS:
            raise ValueError(f"on_drift must be one of {DRIFT_ACTIONS}, got {on_drift!r}")
        FakeBase.__init__(self)
        self.name = name
        self.cassette = cassette
        self.on_drift = on_drift
        self.redactor = redactor or Redactor()
        self.matcher = Matcher(match_on, ignore_params, allow_playback_repeats=allow_playback_repeats)
        for interaction in cassette.interactions:
            self.matcher.add(interaction)
        self.played: list[int] = []
        self._checked: dict[int, list[Finding]] = {}
        self._parsed: dict[int, dict[str, Any]] = {}

    # -- the Fake protocol -----------------------------------------------------------------
    def answer_send(self, operation: str, request: Any) -> Any:
        __tracebackhide__ = True
        live = self.redactor.redact_request(request_from_prepared(request), operation)
        index = self.matcher.find(operation, live)
        if index is None:
            return self.unmatched(operation, live, request)
        return self.play(index)

    # -- playback ------------------------------------------------------------------------------
    @property
    def unplayed(self) -> list[int]:
        """Indexes of recorded interactions never played."""
        return self.matcher.unplayed()

    def unmatched(self, operation: str, live: Request, request: Any) -> Any:
        raise self.mismatch_error(operation, live)

    def mismatch_error(self, operation: str, live: Request, mode: str = "none") -> CassetteMismatchError:
        recorded = self.matcher.interactions
        index, diff = describe_mismatch(operation, live, recorded, self.matcher.ignore)
        lines = [f"no interaction in {self.name} matches this bedrock request (record mode {mode!r}); it was not sent.", f"  request: {describe_request(operation, live)}"]
        if index is None:
            lines.append("  the cassette has no interactions.")
        else:
            lines.append(f"  closest recorded: interaction {index}: {describe_request(recorded[index].operation, recorded[index].request)}")
            if diff:
                lines += ["  differences (recorded vs requested):", *(f"    {d}" for d in diff)]
            else:
                lines.append(f"  interaction {index} matches but was already played; record the extra call or pass allow_playback_repeats=True.")
        lines.append(f"  compared: {', '.join(self.matcher.match_on)}; ignored params: {', '.join(sorted(self.matcher.ignore)) or 'none'}. {self.record_hint()}")
        return CassetteMismatchError("\n".join(lines))

    def record_hint(self) -> str:
        """The last sentence of a mismatch: how to get the request into the cassette."""
        return f"To record the request run with --bedrock-record-mode=new_episodes ({CASSETTES_DOCS})."

    def play(self, index: int) -> Any:
        __tracebackhide__ = True
        interaction = self.matcher.interactions[index]
        self._check_drift(index, interaction)
        self.played.append(index)
        return self.respond(interaction, index)

    def respond(self, interaction: Interaction, index: int | None = None) -> Any:
        """The ``AWSResponse`` for an interaction, logged (and published) with its parsed form."""
        resp = interaction.response
        parsed = self._parsed.get(index) if index is not None else None
        if parsed is None:  # the same recorded bytes always parse the same: parse once per recorded interaction
            parsed = wire.parse(interaction.operation, resp.status, resp.headers, resp.body)
            if index is not None:
                self._parsed[index] = parsed
        self.answered(Call(interaction.operation, intercept.caller_params(), dict(parsed), self.source))
        return wire.aws_response(resp.status, resp.headers, resp.body)

    def _check_drift(self, index: int, interaction: Interaction) -> None:
        __tracebackhide__ = True
        if self.on_drift == "ignore":
            return
        if index not in self._checked:
            self._checked[index] = [dataclasses.replace(f, file=self.name) for f in check_interaction(interaction, index)]
            for finding in self._checked[index]:
                if finding.kind != "drift" or self.on_drift == "warn":
                    warnings.warn(CassetteDriftWarning(str(finding)), stacklevel=2)
        drift = [f for f in self._checked[index] if f.kind == "drift"]
        if drift and self.on_drift == "error":
            raise CassetteDriftError(
                f"{self.name}: interaction {index} ({interaction.operation}) no longer fits botocore's bedrock model:\n"
                + "\n".join(f"  {f.message}" for f in drift)
                + f"\nRe-record it (--bedrock-record-mode=all) or fix the cassette; `bedrock-mock cassettes lint` lists all such problems ({CASSETTES_DOCS})."
            )
