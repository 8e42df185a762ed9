"""A test-local network guard, in the manner of pytest-socket: nothing may leave the machine.

``socket_guard`` (import the fixture into a test module) patches ``socket.socket.connect`` and
``connect_ex``, ``socket.create_connection`` and ``socket.getaddrinfo`` for the test: loopback
addresses and Unix sockets pass, anything else is refused with :class:`SocketBlocked` (a
``ConnectionRefusedError``, so code under test meets a network that is not there) and recorded
in the list the fixture returns. A test asserts that list is empty.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

__all__ = ["SocketBlocked", "is_loopback", "socket_guard"]


class SocketBlocked(ConnectionRefusedError):
    """A connection to a non-loopback address was attempted while the guard was on."""


def is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def socket_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    attempts: list[str] = []
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
    create_connection, getaddrinfo = socket.create_connection, socket.getaddrinfo

    def refuse(what: str) -> SocketBlocked:
        attempts.append(what)
        return SocketBlocked(f"socket_guard: {what} would leave the machine")

    def allowed(sock: socket.socket, address: Any) -> bool:
        return sock.family == getattr(socket, "AF_UNIX", None) or (isinstance(address, tuple) and is_loopback(address[0]))

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if not allowed(self, address):
            raise refuse(f"connect to {address!r}")
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
        if not allowed(self, address):
            raise refuse(f"connect_ex to {address!r}")
        return connect_ex(self, address)

    def guarded_create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback(address[0]):
            raise refuse(f"create_connection to {address!r}")
        return create_connection(address, *args, **kwargs)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not is_loopback(host):
            raise refuse(f"getaddrinfo of {host!r}")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield attempts
