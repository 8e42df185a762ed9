"""Recording: a cassette session that plays back or records according to the record mode.

:class:`CassetteSession` is the fake the ``bedrock_cassette`` fixture activates. When the
mode lets a request through, the session sends the already serialized and signed
request itself with botocore's ``URLLib3Session`` — to ``request.url``, i.e. only ever
to the endpoint the client was configured with — and hands botocore the answer, so
the interception's blocking stays armed for everything else. Each attempt (botocore
retries included) becomes one interaction, redacted before it is kept.

:meth:`CassetteSession.save` writes atomically and refuses (:class:`CredentialLeakError`,
naming the interaction) to write a cassette whose text still contains a credential
pattern.

Public names: :class:`CassetteSession`, :func:`urllib3_transport`, :data:`Transport`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_bedrock_mock.fakes.cassettes.format import Cassette, Interaction, Response
from pytest_bedrock_mock.fakes.cassettes.options import CassetteOptions
from pytest_bedrock_mock.fakes.cassettes.player import Player, request_from_prepared
from pytest_bedrock_mock.fakes.cassettes.redaction import CredentialLeakError, Redactor, find_credentials
from pytest_bedrock_mock.fakes.cassettes.storage import dumps, load, save

__all__ = ["CassetteSession", "Transport", "urllib3_transport"]

#: Sends a prepared botocore request, returns ``(status, headers, body)``.
Transport = Callable[[Any], "tuple[int, dict[str, str], bytes]"]


def urllib3_transport(*, timeout: float = 60.0, verify: bool | str = True) -> Transport:
    """A transport over botocore's own ``URLLib3Session`` (the real urllib3 stack)."""
    from botocore.httpsession import URLLib3Session

    session = URLLib3Session(verify=verify, timeout=timeout)

    def send(request: Any) -> tuple[int, dict[str, str], bytes]:
        response = session.send(request)
        return response.status_code, dict(response.headers.items()), response.content

    return send


class CassetteSession(Player):
    """Play back and/or record one cassette file according to ``options.record_mode``."""

    def __init__(self, options: CassetteOptions, *, transport: Transport | None = None, cassette: Cassette | None = None) -> None:
        self.options = options
        self.path: Path = options.path
        self.mode = options.record_mode
        self.existed = cassette is not None or self.path.exists()
        if cassette is None:
            cassette = load(self.path) if self.existed and self.mode != "all" else Cassette()
        super().__init__(
            cassette, name=str(self.path), match_on=options.match_on, ignore_params=options.ignore_params, allow_playback_repeats=options.allow_playback_repeats,
            on_drift=options.on_drift, redactor=Redactor(options.redact, placeholder_account=options.placeholder_account),
        )
        self.recorded: list[Interaction] = []
        self._transport = transport

    @property
    def records(self) -> bool:
        """True when this session may send requests (mode ``all``, ``new_episodes``, or ``once`` with no file yet)."""
        return self.mode in ("all", "new_episodes") or (self.mode == "once" and not self.existed)

    def answer_send(self, operation: str, request: Any) -> Any:
        __tracebackhide__ = True
        live = self.redactor.redact_request(request_from_prepared(request))
        if self.mode != "all":
            index = self.matcher.find(operation, live)
            if index is not None:
                return self.play(index)
        if not self.records:
            raise self.mismatch_error(operation, live, self.mode)
        return self.record(operation, request)

    def record(self, operation: str, request: Any) -> Any:
        """Send ``request`` for real, keep the redacted exchange, answer with the real bytes."""
        if self._transport is None:
            self._transport = urllib3_transport()
        status, headers, body = self._transport(request)
        raw = Interaction(operation, request_from_prepared(request), Response(status, headers, body))
        self.recorded.append(self.redactor.redact(raw))
        return self.respond(raw)

    # -- writing -----------------------------------------------------------------------------
    def result(self) -> Cassette:
        """The cassette this session would write."""
        if self.mode == "new_episodes":
            return Cassette([*self.cassette.interactions, *self.recorded])
        return Cassette(list(self.recorded))

    def save(self) -> Path | None:
        """Write the cassette atomically if anything was recorded; refuse on credential patterns."""
        if not self.recorded:
            return None
        cassette = self.result()
        text = dumps(cassette)
        leaks = find_credentials(text)
        if leaks:
            where = [f"interaction {i} ({', '.join(found)})" for i, item in enumerate(cassette.interactions) if (found := find_credentials(dumps(Cassette([item]))))]
            raise CredentialLeakError(
                f"refusing to write {self.path}: it would still contain {', '.join(leaks)} in {'; '.join(where) or 'the file'} after redaction. "
                "Add a redaction rule (bedrock_cassette(redact=[...])) for that value; nothing was written (docs/cassettes.md)."
            )
        return save(cassette, self.path, text=text)
