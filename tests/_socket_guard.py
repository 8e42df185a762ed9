"""A test-local network guard, like pytest-socket: nothing may leave the machine.

``blocked_network()`` patches ``socket.socket.connect``/``connect_ex``, ``socket.create_connection``
and ``socket.getaddrinfo`` (which asyncio's resolver, aiohttp, urllib3 and botocore's credential
fetchers all go through) so that any address other than loopback or a Unix socket is refused with
:class:`NetworkBlocked` — a ``ConnectionRefusedError``, so the code under test meets a network that
is not there — and recorded in the returned list. Loopback stays open for the kit's own server.
The fixture ``no_network`` wraps it for one test; a test asserts ``no_network == []`` at the end, so
an attempt that some library swallowed (a credential fetcher's retry) still fails the test.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

__all__ = ["NetworkBlocked", "blocked_network", "is_loopback", "no_network"]

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NetworkBlocked(ConnectionRefusedError):
    """A connection or name lookup that would have left the machine while the guard was on."""


def is_loopback(host: Any) -> bool:
    """``localhost`` names and loopback addresses (``None``, getaddrinfo's local wildcard, too)."""
    if host is None:
        return True
    name = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
    if name.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@contextlib.contextmanager
def blocked_network() -> Iterator[list[str]]:
    """Refuse (and record) every non-loopback connection and name lookup until the block ends."""
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_create_connection, real_getaddrinfo = socket.create_connection, socket.getaddrinfo

    def refuse(what: str) -> NetworkBlocked:
        attempts.append(what)
        return NetworkBlocked(f"the test tried to reach {what}; sockets are blocked (tests/_socket_guard.py)")

    def allowed(sock: socket.socket, address: Any) -> bool:
        return sock.family == getattr(socket, "AF_UNIX", None) or isinstance(address, (str, bytes)) or is_loopback(address[0])

    def connect(self: socket.socket, address: Any) -> Any:
        if allowed(self, address):
            return real_connect(self, address)
        raise refuse(f"connect {address!r}")

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if allowed(self, address):
            return real_connect_ex(self, address)
        raise refuse(f"connect_ex {address!r}")

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        if is_loopback(address[0]):
            return real_create_connection(address, *args, **kwargs)
        raise refuse(f"create_connection {address!r}")

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if is_loopback(host):
            return real_getaddrinfo(host, *args, **kwargs)
        raise refuse(f"getaddrinfo {host!r}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", connect)
        patch.setattr(socket.socket, "connect_ex", connect_ex)
        patch.setattr(socket, "create_connection", create_connection)
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield attempts


@pytest.fixture
def no_network() -> Iterator[list[str]]:
    """Sockets blocked for this test; the list of attempts it made (assert it stays empty)."""
    with blocked_network() as attempts:
        yield attempts
