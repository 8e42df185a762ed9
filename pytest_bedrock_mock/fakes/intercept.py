"""One interception mechanism: every bedrock client, created anywhere, answered by the active fake.

:func:`install` (run on import) puts three handlers into botocore's handler registry,
``botocore.handlers.BUILTIN_HANDLERS``, which every ``botocore.session.Session`` registers when it
is constructed — aiobotocore's ``AioSession`` (so aioboto3's too) and boto3's sessions included —
so every bedrock client of such a session, sync or async, in any thread, carries them:

* ``before-parameter-build``: keeps a copy of the caller's parameters for the fake;
* ``before-call``: asks the active fake for a *parsed* answer (Stubber level), after
  botocore's own parameter validation and serialization ran;
* ``before-send``: asks the active fake for a *wire* answer (an ``AWSResponse``), after
  botocore serialized and signed the request, so its real parser and retry handler run. An
  async client gets the answer as :func:`pytest_bedrock_mock.fakes.aio.for_async` of it, which
  its endpoint can await. While the fake answers, :func:`current_client` numbers the client
  that sent the request (the simulator keeps one fault schedule per client) and
  :func:`caller_params` gives the caller's parameters.

What existed before the install is routed too: ``create_client`` of ``Session`` and of every
subclass that overrides it (found among the loaded classes and, through
``botocore.register_initializer``, on each new session) registers the handlers on its session's
emitter first, so a session made earlier gains them; and bedrock clients that already exist are
found once and :func:`attach`-ed. Registration is idempotent: each handler is on an emitter once.

While interception is *armed* (the pytest plugin arms it for the whole session, a fake
arms it while active) a bedrock client gets dummy credentials and a default region
unless the caller passed its own, so real credentials are never read, signed with or
sent, and a call that no fake answers raises :class:`BedrockNotMockedError` instead of
reaching the network. Clients of other services are untouched.

Fakes implement :class:`~pytest_bedrock_mock.fakes.base.Fake` (either method may return
``None`` to pass). One fake is active at a time: :func:`activate` while another is active
raises :class:`~pytest_bedrock_mock.fakes.base.FakeConflictError` naming both. Whatever a
fake serves is published to the observers registered with :func:`add_observer` (the plugin
registers the coverage tracker); each fake :func:`activate` makes active is handed to the
listeners registered with :func:`on_activate` (the plugin gives a recording fake the real credentials).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gc
import inspect
import itertools
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import botocore
import botocore.client
import botocore.handlers
import botocore.session

from pytest_bedrock_mock.core.copying import copy_params
from pytest_bedrock_mock.errors import BedrockNotMockedError
from pytest_bedrock_mock.fakes import isolation
from pytest_bedrock_mock.fakes.aio import for_async
from pytest_bedrock_mock.fakes.base import Fake, FakeConflictError, add_observer, publish, remove_observer

__all__ = [
    "Armed",
    "BedrockNotMockedError",
    "activate",
    "active_fake",
    "add_observer",
    "attach",
    "caller_params",
    "current_client",
    "install",
    "on_activate",
    "publish",
    "remove_observer",
    "set_armed",
]

SERVICE = "bedrock"
DUMMY_CREDENTIALS = isolation.FAKE_CREDENTIALS

_lock = threading.RLock()
_active: Fake | None = None
_owner = ""
_armed_by_config = False
_default_region = "us-east-1"
_installed = False
_client_numbers = itertools.count(1)
#: Per client (keyed by its request signer, one per client): its number and whether it is async.
_clients: weakref.WeakKeyDictionary[Any, tuple[int, bool]] = weakref.WeakKeyDictionary()
_PARAMS, _RAW = "bedrock_mock.params", "bedrock_mock.raw"
_WRAPPED = "__bedrock_mock_wrapped__"
_routed: weakref.WeakSet[Any] = weakref.WeakSet()  # emitters (of sessions and clients) that carry the handlers
_listeners: list[Callable[[Fake], None]] = []


class _Call(NamedTuple):
    """The bedrock call being made in this thread or task (set at ``before-call``, read at ``before-send``)."""

    client: int | None
    is_async: bool
    params: dict[str, Any]


# A context variable, not the request: older botocore (1.40) gives the sent request no context, and
# each thread and each asyncio task has its own value, so concurrent calls never see each other's.
_call: contextvars.ContextVar[_Call | None] = contextvars.ContextVar("bedrock_mock_call", default=None)
_sending: contextvars.ContextVar[_Call | None] = contextvars.ContextVar("bedrock_mock_sending", default=None)


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
        for listener in tuple(_listeners):
            listener(fake)
        yield fake
    finally:
        with _lock:
            _active, _owner = None, ""


def on_activate(listener: Callable[[Fake], None]) -> Callable[[], None]:
    """Call ``listener(fake)`` each time :func:`activate` makes a fake active; returns the function that removes it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def _describe(fake: Fake) -> str:
    return f"a {type(fake).__name__}"


def caller_params() -> dict[str, Any]:
    """The parameters the caller passed to the bedrock call a fake is answering on the wire (else ``{}``)."""
    sending = _sending.get()
    return sending.params if sending is not None else {}


def _on_parameter_build(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
    context[_PARAMS] = copy_params(model.name, params)  # what the caller passed, before token injection
    context[_RAW] = params  # the same dict, completed in place by botocore


def _not_mocked(operation: str, params: Any) -> BedrockNotMockedError:
    return BedrockNotMockedError(
        f"bedrock {operation} was called with {params!r}, but no pytest-bedrock-mock fake is active, so the call "
        "was not sent. Use the bedrock_stubber, bedrock_fake or bedrock_cassette fixture in this test "
        "(docs/interception.md), or set bedrock_allow_network = true in the ini file to let real calls through."
    )


def _identify(request_signer: Any) -> tuple[int | None, bool]:
    """The client's number (from its request signer, one per client) and whether it is async (aiobotocore)."""
    if request_signer is None:
        return None, False
    known = _clients.get(request_signer)  # a client seen before (each call after its first): no lock
    if known is not None:
        return known
    with _lock:
        known = _clients.get(request_signer)
        if known is None:
            known = _clients[request_signer] = (next(_client_numbers), inspect.iscoroutinefunction(request_signer.sign))
    return known


def _on_before_call(model: Any, params: Any, context: dict[str, Any], request_signer: Any = None, **_: Any) -> Any:
    caller = context.get(_PARAMS)
    fake = _active
    if fake is not None:
        answer = fake.answer_call(model.name, {} if caller is None else caller, context.get(_RAW, {}), context)
        if answer is not None:
            return answer  # answered here: no request is built or sent, so before-send needs nothing
    _call.set(_Call(*_identify(request_signer), caller or {}))  # for before-send, in this thread or task
    if fake is None and _armed_by_config and not isolation.another_mock_answers():  # moto's mock_aws answers it instead
        raise _not_mocked(model.name, params if caller is None else caller)
    return None


def current_client() -> int | None:
    """The number of the client whose request a fake is answering on the wire (unique per client), else None."""
    sending = _sending.get()
    return sending.client if sending is not None else None


def _on_before_send(request: Any, event_name: str = "", **_: Any) -> Any:
    fake = _active
    operation = event_name.rsplit(".", 1)[-1]
    call = _call.get() or _Call(None, False, {})
    if fake is not None:
        sending = _sending.set(call)
        try:
            answer = fake.answer_send(operation, request)
        finally:
            _sending.reset(sending)
        if answer is not None:
            return for_async(answer) if call.is_async else answer
    if _armed() and not isolation.another_mock_answers():  # moto's handler comes after this more specific one
        raise BedrockNotMockedError(
            f"bedrock request {request.method} {request.url} reached the wire but no fake answered it; it was not sent "
            "(docs/interception.md)."
        )
    return None


#: (event, handler, registered first?) — the one list both the registry and :func:`attach` use.
_ROUTES: tuple[tuple[str, Callable[..., Any], bool], ...] = (
    (f"before-parameter-build.{SERVICE}", _on_parameter_build, True),
    (f"before-call.{SERVICE}", _on_before_call, False),
    (f"before-send.{SERVICE}", _on_before_send, False),
)


def _route(events: Any) -> None:
    """Put each handler on ``events`` (a session's or a client's emitter) exactly once; then leave it alone.

    An emitter is changed at most once (by a new session's initializer, while no other thread holds
    it yet, or on first sight of an older one), so no thread copies one half-routed.
    """
    with _lock:
        if events in _routed:
            return
        for event, handler, first in _ROUTES:
            events.unregister(event, handler)  # the copy a session took from the registry, if any
            (events.register_first if first else events.register_last)(event, handler)
        _routed.add(events)


def attach(client: Any) -> Any:
    """Route an existing bedrock client through the interception (done automatically for other clients)."""
    _route(client.meta.events)
    return client


_POSITIONAL = ("region_name", "api_version", "use_ssl", "verify", "endpoint_url", "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "config", "aws_account_id")


def _client_defaults(session: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """``create_client``'s arguments with dummy credentials and the default region where the caller gave none."""
    kwargs = {**dict(zip(_POSITIONAL, args)), **kwargs}
    if kwargs.get("aws_access_key_id") is None or kwargs.get("aws_secret_access_key") is None:
        kwargs.update(DUMMY_CREDENTIALS)
    if kwargs.get("region_name") is None and session.get_config_variable("region") is None:
        kwargs["region_name"] = _default_region
    return kwargs


def _wrap_create_client(session_class: type) -> None:
    """Wrap the ``create_client`` that ``session_class`` uses (its own or inherited), once per defining class."""
    owner = next((c for c in session_class.__mro__ if "create_client" in vars(c)), None)
    if owner is None or getattr(vars(owner)["create_client"], _WRAPPED, False):
        return
    original = vars(owner)["create_client"]

    @functools.wraps(original)
    def create_client(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        if service_name != SERVICE:
            return original(self, service_name, *args, **kwargs)
        _route(self.get_component("event_emitter"))  # a session made before install() gains the handlers (once)
        # A recording session lets a client created during it use the caller's real credentials.
        if _armed() and not getattr(_active, "records", False):
            args, kwargs = (), _client_defaults(self, args, kwargs)
        return original(self, service_name, *args, **kwargs)  # an async session returns its context manager

    setattr(create_client, _WRAPPED, True)
    with _lock:
        if not getattr(vars(owner)["create_client"], _WRAPPED, False):
            owner.create_client = create_client  # type: ignore[attr-defined]


def _session_classes(root: type[Any] = botocore.session.Session) -> Iterator[type[Any]]:
    yield root
    for sub in root.__subclasses__():
        yield from _session_classes(sub)


def _on_new_session(session: Any) -> None:
    _route(session.get_component("event_emitter"))  # once, now, with or without botocore's builtin handlers
    _wrap_create_client(type(session))  # e.g. aiobotocore's AioSession, imported after install()


def _attach_existing_clients() -> None:
    for obj in gc.get_objects():  # type(), not isinstance(): no proxy's __class__ is consulted
        if issubclass(type(obj), botocore.client.BaseClient) and getattr(obj.meta, "service_model", None) is not None \
                and obj.meta.service_model.service_name == SERVICE:
            attach(obj)


def install() -> None:
    """Register the handlers in botocore's registry and route what already exists (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
        for event, handler, first in _ROUTES:
            position = botocore.handlers.REGISTER_FIRST if first else botocore.handlers.REGISTER_LAST
            botocore.handlers.BUILTIN_HANDLERS.append((event, handler, position))
        for session_class in _session_classes():
            _wrap_create_client(session_class)
        botocore.register_initializer(_on_new_session)
        _attach_existing_clients()


# Installed on import, so that every bedrock client can be answered by a fake later on.
# Until a fake is active or the plugin arms interception, the handlers pass every call through unchanged.
install()
