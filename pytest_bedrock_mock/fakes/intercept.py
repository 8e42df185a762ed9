"""One interception mechanism: every bedrock client, created anywhere, answered by the active fake.

:func:`install` wraps ``botocore.session.Session.create_client`` once per process
(boto3's ``client()``/``Session().client()`` go through it). Every bedrock client it
creates — at import time, in a fixture, in any thread — gets three handlers:

* ``before-parameter-build``: keeps a copy of the caller's parameters for the fake;
* ``before-call``: asks the active fake for a *parsed* answer (Stubber level), after
  botocore's own parameter validation and serialization ran;
* ``before-send``: asks the active fake for a *wire* answer (an ``AWSResponse``), after
  botocore serialized and signed the request, so its real parser and retry handler run.
  While the fake answers, :func:`current_client` names the client that sent the request
  (the simulator keeps one fault schedule per client).

While interception is *armed* (the pytest plugin arms it for the whole session, a fake
arms it while active) a bedrock client gets dummy credentials and a default region
unless the caller passed its own, so real credentials are never read, signed with or
sent, and a call that no fake answers raises :class:`BedrockNotMockedError` instead of
reaching the network. Clients of other services are untouched.

Fakes implement :class:`~pytest_bedrock_mock.fakes.base.Fake` (either method may return
``None`` to pass). One fake is active at a time: :func:`activate` while another is active
raises :class:`~pytest_bedrock_mock.fakes.base.FakeConflictError` naming both. Whatever a
fake serves is published to the observers registered with :func:`add_observer` (the plugin
registers the coverage tracker). :func:`caller_params` gives a wire-level fake the caller's
parameters of the call it is answering.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import itertools
import threading
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import botocore.session

from pytest_bedrock_mock.errors import BedrockNotMockedError
from pytest_bedrock_mock.fakes import isolation
from pytest_bedrock_mock.fakes.base import Fake, FakeConflictError, add_observer, publish, remove_observer

__all__ = [
    "Armed",
    "BedrockNotMockedError",
    "activate",
    "active_fake",
    "add_observer",
    "attach",
    "caller_params",
    "copy_value",
    "current_client",
    "install",
    "publish",
    "remove_observer",
    "set_armed",
]

SERVICE = "bedrock"
DUMMY_CREDENTIALS = isolation.FAKE_CREDENTIALS

#: The former name of :class:`~pytest_bedrock_mock.core.calls.Call` (kept for existing imports).




_lock = threading.RLock()
_active: Fake | None = None
_owner = ""
_armed_by_config = False
_default_region = "us-east-1"
_original_create_client: Callable[..., Any] | None = None
_local = threading.local()
_client_numbers = itertools.count(1)
_sending_client: contextvars.ContextVar[int | None] = contextvars.ContextVar("bedrock_mock_sending_client", default=None)


class Armed(NamedTuple):
    """The ``(armed, region)`` before a :func:`set_armed` call; as a context manager, restores it on exit."""

    armed: bool
    region: str

    def __enter__(self) -> Armed:
        return self

    def __exit__(self, *exc_info: object) -> None:
        set_armed(self.armed, region=self.region)


def set_armed(armed: bool, *, region: str | None = None) -> Armed:
    """Arm interception for a whole session (the plugin does this) and set the default region.

    Returns the previous ``(armed, region)`` so a nested session (pytester) can restore it;
    ``with set_armed(False): ...`` restores it when the block ends.
    """
    global _armed_by_config, _default_region
    previous = Armed(_armed_by_config, _default_region)
    _armed_by_config = armed
    if region:
        _default_region = region
    return previous


def _armed() -> bool:
    return _armed_by_config or _active is not None


def active_fake() -> Fake | None:
    """The fake answering bedrock calls now, if any."""
    return _active


@contextlib.contextmanager
def activate(fake: Fake, owner: str | None = None) -> Iterator[Fake]:
    """Make ``fake`` answer every bedrock call until the block ends.

    ``owner`` names what activated it in error messages (``"the bedrock_stubber fixture"``).
    Activating a fake while another one is active raises
    :class:`~pytest_bedrock_mock.fakes.base.FakeConflictError`: one fake answers at a time.
    """
    global _active, _owner
    install()
    name = owner or _describe(fake)
    with _lock:
        if _active is not None:
            raise FakeConflictError(
                f"{name} cannot answer bedrock calls: {_owner} is already active, and one fake answers at a time. "
                "Use one of them (docs/interception.md)."
            )
        _active, _owner = fake, name
    try:
        yield fake
    finally:
        with _lock:
            _active, _owner = None, ""


def _describe(fake: Fake) -> str:
    return f"a {type(fake).__name__}"


def caller_params() -> dict[str, Any]:
    """The parameters the caller passed to the bedrock call this thread is making (for wire-level fakes)."""
    return getattr(_local, "params", None) or {}


_CONTAINERS = (dict, list, tuple)


def copy_value(value: Any) -> Any:
    """A copy of nested dicts and lists (tuples become lists); leaves are shared. Faster than deepcopy."""
    kind = type(value)
    if kind is dict:
        return {k: (copy_value(v) if type(v) in _CONTAINERS else v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [(copy_value(v) if type(v) in _CONTAINERS else v) for v in value]
    if isinstance(value, dict):  # a dict subclass (e.g. an OrderedDict)
        return {k: copy_value(v) for k, v in value.items()}
    return value


def _on_parameter_build(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    copied = copy_value(params)  # what the caller passed, before token injection
    context["bedrock_mock.params"] = copied
    context["bedrock_mock.raw"] = params  # the same dict, completed in place by botocore
    _local.params = copied


def _not_mocked(operation: str, params: Any) -> BedrockNotMockedError:
    return BedrockNotMockedError(
        f"bedrock {operation} was called with {params!r}, but no pytest-bedrock-mock fake is active, so the call "
        "was not sent. Use the bedrock_stubber, bedrock_fake or bedrock_cassette fixture in this test "
        "(docs/interception.md), or set bedrock_allow_network = true in the ini file to let real calls through."
    )


def _on_before_call(model: Any, params: Any, context: dict[str, Any], **_: Any) -> Any:
    fake = _active
    if fake is None:
        if _armed_by_config and not isolation.another_mock_answers():  # moto's mock_aws answers it instead
            raise _not_mocked(model.name, context.get("bedrock_mock.params", params))
        return None
    return fake.answer_call(model.name, context.get("bedrock_mock.params", {}), context.get("bedrock_mock.raw", {}), context)


def current_client() -> int | None:
    """The number of the client whose request a fake is answering on the wire (unique per client), else None."""
    return _sending_client.get()


def _on_before_send(request: Any, event_name: str = "", client_number: int | None = None, **_: Any) -> Any:
    fake = _active
    operation = event_name.rsplit(".", 1)[-1]
    if fake is not None:
        sending = _sending_client.set(client_number)
        try:
            answer = fake.answer_send(operation, request)
        finally:
            _sending_client.reset(sending)
        if answer is not None:
            return answer
    if _armed() and not isolation.another_mock_answers():  # moto's handler comes after this more specific one
        raise BedrockNotMockedError(
            f"bedrock request {request.method} {request.url} reached the wire but no fake answered it; it was not sent "
            "(docs/interception.md)."
        )
    return None


def attach(client: Any) -> Any:
    """Route an existing bedrock client through the interception (done automatically for new clients)."""
    events = client.meta.events
    events.register_first(f"before-parameter-build.{SERVICE}", _on_parameter_build, unique_id="bedrock_mock.params")
    events.register_last(f"before-call.{SERVICE}", _on_before_call, unique_id="bedrock_mock.call")
    send = functools.partial(_on_before_send, client_number=next(_client_numbers))
    events.register_last(f"before-send.{SERVICE}", send, unique_id="bedrock_mock.send")
    return client


def _create_client(self: botocore.session.Session, service_name: str, *args: Any, **kwargs: Any) -> Any:
    assert _original_create_client is not None
    # A recording session lets a client created during it use the caller's real credentials.
    if service_name != SERVICE or not _armed() or getattr(_active, "records", False):
        client = _original_create_client(self, service_name, *args, **kwargs)
        return attach(client) if service_name == SERVICE else client
    if args:  # positional region_name, api_version, use_ssl, verify, endpoint_url, key id, secret, token
        names = ("region_name", "api_version", "use_ssl", "verify", "endpoint_url", "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "config")
        kwargs.update(zip(names, args))
    if kwargs.get("aws_access_key_id") is None or kwargs.get("aws_secret_access_key") is None:
        kwargs.update(DUMMY_CREDENTIALS)
    if kwargs.get("region_name") is None and self.get_config_variable("region") is None:
        kwargs["region_name"] = _default_region
    return attach(_original_create_client(self, service_name, **kwargs))


def install() -> None:
    """Wrap ``Session.create_client`` (idempotent)."""
    global _original_create_client
    with _lock:
        if _original_create_client is None:
            _original_create_client = botocore.session.Session.create_client
            botocore.session.Session.create_client = _create_client  # type: ignore[method-assign]


# Installed on import, so that every bedrock client created after ``import pytest_bedrock_mock``
# can be answered by a fake later on. Until a fake is active or the plugin arms interception,
# the handlers pass every call through unchanged.
install()
