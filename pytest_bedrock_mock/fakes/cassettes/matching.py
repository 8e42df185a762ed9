"""Request matching on top of the ``responses`` library's registry and matchers.

botocore sends through urllib3, not ``requests``, so ``responses``' transport patch
does not apply; its matching pieces do. Every recorded interaction becomes a
``responses.Response`` with matchers (``header_matcher`` for the operation,
``query_param_matcher``, ``json_params_matcher``), registered in a
``responses.registries.FirstMatchRegistry``; each live request is turned into a
``requests.PreparedRequest`` and looked up there. The registry's own rule gives the
ordered playback of repeated identical calls: while several recorded interactions
match, the first is removed and returned (a poll loop gets InProgress, InProgress,
Completed in recorded order); the last one stays and, with ``allow_playback_repeats``,
answers again.

What is compared is configurable (``match_on``, a subset of :data:`MATCH_FIELDS`); by
default operation, method, path, query and body, minus ``ignore_params`` — by default
the members the model marks as idempotency tokens (botocore fills
``clientRequestToken`` with a fresh UUID on every call).

Public names: :data:`MATCH_FIELDS`, :data:`DEFAULT_MATCH_ON`, :func:`idempotency_params`,
:class:`Matcher`, :func:`describe_mismatch`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

import requests
import responses
from responses import matchers
from responses.registries import FirstMatchRegistry

from pytest_bedrock_mock.core.model import get_model
from pytest_bedrock_mock.fakes.cassettes.format import Interaction, Request
from pytest_bedrock_mock.fakes.cassettes.options import DEFAULT_MATCH_ON, MATCH_FIELDS

__all__ = ["DEFAULT_MATCH_ON", "MATCH_FIELDS", "Matcher", "canonical_path", "describe_mismatch", "idempotency_params"]

_BASE = "https://bedrock.cassette.invalid"
_OP_HEADER = "X-Bedrock-Mock-Operation"
_ANY_URL = re.compile(".*")


def idempotency_params(operations: Iterable[str] | None = None) -> tuple[str, ...]:
    """The wire names of the members the model marks ``idempotencyToken`` (volatile per call)."""
    model = get_model()
    names: dict[str, None] = {}
    for op in operations or model.operations:
        for name, member in model.input_shape(op).members.items():
            if member.metadata.get("idempotencyToken"):
                names[member.serialization.get("name", name)] = None
    return tuple(names)


def canonical_path(path: str) -> str:
    """``path`` with needless percent-escapes decoded (``%3A`` and ``:`` are the same path); ``%2F`` stays."""

    def decode(match: re.Match[str]) -> str:
        code = match.group(1).upper()
        char = chr(int(code, 16))
        return f"%{code}" if code in ("2F", "25", "3F", "23") or not (char.isalnum() or char in ":@!$&'()*+,;=-._~") else char

    return re.sub(r"%([0-9A-Fa-f]{2})", decode, path)


def _strip(value: Any, ignore: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v, ignore) for k, v in value.items() if k not in ignore}
    return value


def _query_params(query: dict[str, list[str]], ignore: frozenset[str]) -> dict[str, Any]:
    return {k: (v[0] if len(v) == 1 else list(v)) for k, v in query.items() if k not in ignore}


class Matcher:
    """Recorded interactions in a ``responses`` registry, looked up with live requests."""

    def __init__(self, match_on: Sequence[str] = DEFAULT_MATCH_ON, ignore_params: Iterable[str] | None = None, *, allow_playback_repeats: bool = False) -> None:
        unknown = sorted(set(match_on) - set(MATCH_FIELDS))
        if unknown:
            raise ValueError(f"unknown match_on field(s) {unknown}; choose from {list(MATCH_FIELDS)}")
        self.match_on = tuple(match_on)
        self.ignore = frozenset(idempotency_params() if ignore_params is None else ignore_params)
        self.allow_playback_repeats = allow_playback_repeats
        self.registry = FirstMatchRegistry()
        self.interactions: list[Interaction] = []
        self._index: dict[int, int] = {}

    def add(self, interaction: Interaction) -> None:
        """Register one recorded interaction (playback order is the order of adding)."""
        req = interaction.request
        # a compiled pattern: responses then matches with one regex instead of parsing both URLs
        url = re.compile(re.escape(_BASE + canonical_path(req.path)) + r"(?:\?|$)") if "path" in self.match_on else _ANY_URL
        match: list[Any] = []
        if "operation" in self.match_on:
            match.append(matchers.header_matcher({_OP_HEADER: interaction.operation}))
        if "query" in self.match_on:
            match.append(matchers.query_param_matcher(_query_params(req.query, self.ignore)))
        if "body" in self.match_on:
            match.append(matchers.json_params_matcher(_strip(req.body, self.ignore) if req.body is not None else None))
        method = req.method if "method" in self.match_on else responses.GET
        entry = responses.Response(method, url, match=match)
        self._index[id(entry)] = len(self.interactions)
        self.interactions.append(interaction)
        self.registry.add(entry)

    def prepared(self, operation: str, request: Request) -> requests.PreparedRequest:
        """The live request as the ``requests.PreparedRequest`` the matchers read."""
        params = _query_params(request.query, self.ignore)
        query = urlencode(params, doseq=True)
        prepared = requests.PreparedRequest()
        prepared.method = request.method if "method" in self.match_on else responses.GET
        prepared.url = _BASE + (canonical_path(request.path) if "path" in self.match_on else "/") + (f"?{query}" if query else "")
        prepared.headers = requests.structures.CaseInsensitiveDict({_OP_HEADER: operation})  # type: ignore[assignment]
        body = _strip(request.body, self.ignore)
        prepared.body = json.dumps(body) if body is not None else None
        prepared.params = params  # type: ignore[attr-defined]  # what responses' query matcher reads
        return prepared

    def find(self, operation: str, request: Request) -> int | None:
        """The index of the recorded interaction answering ``request`` (consumed), or None."""
        prepared = self.prepared(operation, request)
        found, _reasons = self.registry.find(prepared)
        if found is None:
            return None
        if found.call_count > 0 and not self.allow_playback_repeats:
            return None  # the last matching answer was already played
        found.calls.add(prepared, None)
        return self._index[id(found)]

    def unplayed(self) -> list[int]:
        return [self._index[id(r)] for r in self.registry.registered if r.call_count == 0]


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> dict[str, Any]:
    if isinstance(value, dict) and value:
        for k, v in value.items():
            _flatten(v, f"{prefix}.{k}" if prefix else k, out)
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}[{i}]", out)
    else:
        out[prefix] = value
    return out


def _fields(operation: str, request: Request, ignore: frozenset[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {"operation": operation, "method": request.method, "path": canonical_path(request.path)}
    fields.update(_flatten(_query_params(request.query, ignore), "query", {}) if request.query else {})
    body = _strip(request.body, ignore)
    fields.update(_flatten(body, "body", {}) if body else {})
    return fields


def describe_mismatch(operation: str, request: Request, recorded: Sequence[Interaction], ignore: Iterable[str] = ()) -> tuple[int | None, list[str]]:
    """The closest recorded interaction (index) and a field-by-field diff against it."""
    ignored = frozenset(ignore)
    live = _fields(operation, request, ignored)
    best: tuple[int, int] | None = None
    diffs: dict[int, list[str]] = {}
    for index, item in enumerate(recorded):
        rec = _fields(item.operation, item.request, ignored)
        lines = []
        for key in dict.fromkeys([*rec, *live]):
            if rec.get(key, _MISSING) != live.get(key, _MISSING):
                lines.append(f"{key}: recorded {_show(rec.get(key, _MISSING))}, requested {_show(live.get(key, _MISSING))}")
        score = len(lines) * 10 + (0 if item.operation == operation else 1000)
        diffs[index] = lines
        if best is None or score <= best[0]:  # ties: the latest, i.e. the one played last
            best = (score, index)
    if best is None:
        return None, []
    return best[1], diffs[best[1]]


class _Missing:
    def __repr__(self) -> str:
        return "(absent)"


_MISSING = _Missing()


def _show(value: Any) -> str:
    return repr(value) if value is not _MISSING else "(absent)"
