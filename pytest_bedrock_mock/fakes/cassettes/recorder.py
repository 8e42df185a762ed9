"""Recording: a cassette session that plays back or records according to the record mode.

:class:`CassetteSession` is the fake the ``bedrock_cassette`` fixture activates. When the
mode lets a request through, the session sends the already serialized and signed
request itself with botocore's ``URLLib3Session`` — to ``request.url``, i.e. only ever
to the endpoint the client was configured with — and hands botocore the answer, so
the interception's blocking stays armed for everything else. Each attempt (botocore
retries included) becomes one interaction, redacted before it is kept.

:meth:`CassetteSession.save` replaces the cassette only when asked (the plugin asks when the
test's recording completed): under the cassette's cross-process lock (:mod:`.lock`) it re-reads
the file, keeps what another worker wrote there meanwhile (its interactions first, this
session's after them: nothing is lost), and writes atomically. It refuses
(:class:`CredentialLeakError`, naming the interaction) to write a cassette whose text still
contains a credential pattern. :meth:`CassetteSession.save_partial` keeps an unfinished
recording beside the cassette as ``<name>.partial`` and never touches the cassette itself.

With record mode ``none`` and no cassette file, the first request is one
:class:`CassetteMismatchError` naming the file and the option that records it. A session
playing a golden cassette (``options.golden``) never records, and its mismatches name that
golden cassette and say so.

What is recorded of a response is what the service said: headers naming the software that
answered or relayed it (:data:`TRANSPORT_HEADERS`: ``Server``, ``Via``, ``X-Powered-By``), which
Bedrock does not send and a local server (moto, a test server) does, are left out, so a
cassette recorded against such a server reads as one from the service. ``Date``,
``Connection`` and ``x-amzn-RequestId``, which the service sends, are kept as received.

Public names: :class:`CassetteSession`, :func:`urllib3_transport`, :func:`partial_path`, :data:`Transport`,
:data:`TRANSPORT_HEADERS`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_bedrock_mock.errors import CASSETTES_DOCS, CassetteMismatchError
from pytest_bedrock_mock.fakes.cassettes.format import Cassette, Interaction, Request, Response
from pytest_bedrock_mock.fakes.cassettes.lock import LOCK_TIMEOUT, cassette_lock
from pytest_bedrock_mock.fakes.cassettes.options import CassetteOptions
from pytest_bedrock_mock.fakes.cassettes.player import Player, describe_request, request_from_prepared
from pytest_bedrock_mock.fakes.cassettes.redaction import CredentialLeakError, Redactor, find_credentials
from pytest_bedrock_mock.fakes.cassettes.storage import MAX_BYTES, dumps, load, save

__all__ = ["TRANSPORT_HEADERS", "CassetteSession", "Transport", "partial_path", "urllib3_transport"]

#: Sends a prepared botocore request, returns ``(status, headers, body)``.
Transport = Callable[[Any], "tuple[int, dict[str, str], bytes]"]
#: Response headers (lower case) naming the software that answered or relayed a request, not the service's: never recorded.
TRANSPORT_HEADERS = frozenset({"server", "via", "x-powered-by"})


def urllib3_transport(*, timeout: float = 60.0, verify: bool | str = True) -> Transport:
    """A transport over botocore's own ``URLLib3Session`` (the real urllib3 stack)."""
    from botocore.httpsession import URLLib3Session

    session = URLLib3Session(verify=verify, timeout=timeout)

    def send(request: Any) -> tuple[int, dict[str, str], bytes]:
        response = session.send(request)
        return response.status_code, dict(response.headers.items()), response.content

    return send


def partial_path(cassette: Path) -> Path:
    """Where an unfinished recording of ``cassette`` is kept (``<name>.partial``; lint does not read it)."""
    return cassette.with_name(cassette.name + ".partial")


def _digest(path: Path) -> str | None:
    """A fingerprint of the file's bytes (None when it is not a readable regular file: never block on a pipe)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode) or os.stat(path).st_size > MAX_BYTES:
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class CassetteSession(Player):
    """Play back and/or record one cassette file according to ``options.record_mode``."""

    def __init__(self, options: CassetteOptions, *, transport: Transport | None = None, cassette: Cassette | None = None,
                 lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.options = options
        self.path: Path = options.path
        self.mode = options.record_mode
        self.lock_timeout = lock_timeout
        self.existed = cassette is not None or os.path.lexists(self.path)  # a broken link "exists": loading it names the problem
        self._snapshot = _digest(self.path)  # what the file held when the test began
        if cassette is None:
            cassette = load(self.path) if self.existed and self.mode != "all" else Cassette()
        super().__init__(
            cassette, name=f"the golden cassette {options.golden!r}" if options.golden else str(self.path), match_on=options.match_on, ignore_params=options.ignore_params, allow_playback_repeats=options.allow_playback_repeats,
            on_drift=options.on_drift, redactor=Redactor(options.redact, placeholder_account=options.placeholder_account),
        )
        self.recorded: list[Interaction] = []
        self.merged = 0  # interactions another process wrote meanwhile, kept by the last save
        self._transport = transport

    @property
    def records(self) -> bool:
        """True when this session may send requests (mode ``all``, ``new_episodes``, or ``once`` with no file yet)."""
        if self.options.golden:
            return False  # a golden cassette is built by the kit, never recorded
        return self.mode in ("all", "new_episodes") or (self.mode == "once" and not self.existed)

    @property
    def needs_real_credentials(self) -> bool:
        """True when this session records through the network (not an in-process transport such as the golden
        builder's): the requests it sends are signed with the real environment's credentials."""
        return self.records and self._transport is None

    def record_hint(self) -> str:
        if self.options.golden:
            return (f"Golden cassettes are built by the kit (pytest_bedrock_mock.fakes.cassettes.golden.build({self.options.golden!r})) and never recorded: "
                    f"make the test send what {self.options.golden!r} holds, choose another golden cassette, or drop golden= and record a cassette "
                    f"of your own with record_mode='once' ({CASSETTES_DOCS}#golden-cassettes).")
        return super().record_hint()

    def answer_send(self, operation: str, request: Any) -> Any:
        __tracebackhide__ = True
        live = self.redactor.redact_request(request_from_prepared(request), operation)
        if self.mode != "all":
            index = self.matcher.find(operation, live)
            if index is not None:
                return self.play(index)
        if not self.records:
            if not self.existed:
                raise self.missing_error(operation, live)
            raise self.mismatch_error(operation, live, self.mode)
        return self.record(operation, request)

    def missing_error(self, operation: str, live: Request) -> CassetteMismatchError:
        return CassetteMismatchError(
            f"{self.path}: no such cassette, and the record mode is {self.mode!r}, so this bedrock request was neither played back nor sent.\n"
            f"  request: {describe_request(operation, live)}\n"
            "  Record the cassette: run the test once with --bedrock-record-mode=once (or ini bedrock_record_mode = once, or "
            f"@pytest.mark.bedrock_cassette(record_mode='once')) and commit the file ({CASSETTES_DOCS}#record-modes)."
        )

    def record(self, operation: str, request: Any) -> Any:
        """Send ``request`` for real, keep the redacted exchange, answer with the real bytes."""
        if self._transport is None:
            self._transport = urllib3_transport()
        status, headers, body = self._transport(request)
        raw = Interaction(operation, request_from_prepared(request), Response(status, headers, body))
        kept = {k: v for k, v in headers.items() if k.lower() not in TRANSPORT_HEADERS}
        self.recorded.append(self.redactor.redact(Interaction(operation, raw.request, Response(status, kept, body))))
        return self.respond(raw)

    # -- writing -----------------------------------------------------------------------------
    def result(self) -> Cassette:
        """The cassette this session would write."""
        if self.mode == "new_episodes":
            return Cassette([*self.cassette.interactions, *self.recorded])
        return Cassette(list(self.recorded))

    def _checked_text(self, cassette: Cassette, path: Path) -> str:
        text = dumps(cassette)
        leaks = find_credentials(text)
        if leaks:
            where = [f"interaction {i} ({', '.join(found)})" for i, item in enumerate(cassette.interactions) if (found := find_credentials(dumps(Cassette([item]))))]
            raise CredentialLeakError(
                f"refusing to write {path}: it would still contain {', '.join(leaks)} in {'; '.join(where) or 'the file'} after redaction. "
                f"Add a redaction rule (bedrock_cassette(redact=[...])) for that value; nothing was written ({CASSETTES_DOCS})."
            )
        return text

    def _merged(self) -> Cassette:
        """:meth:`result`, on top of what another process wrote to the file since this session began."""
        if self._snapshot != _digest(self.path) and os.path.lexists(self.path):
            self.merged = len((theirs := load(self.path)).interactions)
            return Cassette([*theirs.interactions, *self.recorded])
        return self.result()

    def save(self) -> Path | None:
        """Replace the cassette with this recording (under its lock, merged, atomically); None when nothing was recorded."""
        if not self.recorded:
            return None
        with cassette_lock(self.path, timeout=self.lock_timeout):
            cassette = self._merged()
            path = save(cassette, self.path, text=self._checked_text(cassette, self.path))
            self._snapshot = _digest(self.path)
        with contextlib.suppress(OSError):
            partial_path(self.path).unlink()  # a completed recording supersedes an unfinished one
        return path

    def save_partial(self) -> Path | None:
        """Keep an unfinished recording as ``<name>.partial`` beside the cassette, which stays untouched; None when nothing was recorded."""
        if not self.recorded:
            return None
        target = partial_path(self.path)
        cassette = self.result()
        return save(cassette, target, text=self._checked_text(cassette, target))
