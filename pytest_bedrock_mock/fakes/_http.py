"""The server's HTTP/1.1 front: bounded threads, read timeouts, size limits, and no answer it did not choose.

One event-loop thread accepts connections and waits (``selectors``, epoll on Linux) until a
connection has sent a whole header block; only then does one of ``workers`` threads take it.
An idle or half-open connection therefore costs a file descriptor, never a thread, and is
closed after ``read_timeout`` seconds. The worker refuses a ``Content-Length`` over
``max_body`` before reading the body, reads the body under the same timeout, and hands a
:class:`Request` to the application, whose ``(status, headers, body)`` it writes back. A
keep-alive connection goes back to the loop between requests.

Every answer this module makes itself (a request it cannot parse, a body too large or cut
short, an exception in the application) comes from the ``reject`` callable the server gives
it, so all of them are the service's rest-json errors: never HTML, never a traceback.
Tracebacks go to the ``pytest_bedrock_mock.server`` logger.

Public names: :class:`HttpFront`, :class:`Request`, :data:`Reply`, :data:`MAX_HEADER_BYTES`.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pytest_bedrock_mock.errors import ApiError

__all__ = ["MAX_HEADER_BYTES", "HttpFront", "Reply", "Request"]

log = logging.getLogger("pytest_bedrock_mock.server")

#: ``(status, headers, body)``
Reply = tuple[int, dict[str, str], bytes]
#: A request line and headers larger than this are refused (the AWS CLI sends about 1 KiB).
MAX_HEADER_BYTES = 64 * 1024
_REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
            413: "Payload Too Large", 429: "Too Many Requests", 500: "Internal Server Error"}
_LINGER = 1.0  #: after refusing a body, how long (seconds) its rest is drained so the client reads the answer


@dataclass
class Request:
    """One parsed request: ``target`` is the raw request target (percent-encoding kept)."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""
    host: str = ""

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


@dataclass(eq=False)
class _Conn:
    sock: socket.socket
    buffer: bytes = b""
    deadline: float = 0.0
    served: int = field(default=0)


class HttpFront:
    """Serve ``app`` on ``(host, port)``; ``reject(code, message)`` makes the answers the front makes itself."""

    def __init__(self, host: str, port: int, app: Callable[[Request], Reply], reject: Callable[[str, str], Reply], *,
                 workers: int, read_timeout: float, max_body: int) -> None:
        self.app, self.reject = app, reject
        self.workers, self.read_timeout, self.max_body = workers, read_timeout, max_body
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        self.listener = socket.create_server(info[4][:2], family=info[0], backlog=4096)
        self.listener.setblocking(False)
        self.host, self.port = host, int(self.listener.getsockname()[1])
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._returned: queue.SimpleQueue[_Conn] = queue.SimpleQueue()
        self._jobs: queue.SimpleQueue[_Conn | None] = queue.SimpleQueue()
        self._active: set[_Conn] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._work, name=f"bedrock-mock-worker-{self.port}-{i}", daemon=True) for i in range(workers)]
        self._loop = threading.Thread(target=self._serve, name=f"bedrock-mock-server-{self.port}", daemon=True)

    # -- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> None:
        for thread in self._threads:
            thread.start()
        self._loop.start()

    def stop(self, grace: float = 1.0) -> None:
        """Stop accepting, close idle connections, give requests in progress ``grace`` seconds, then cut them."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._wake()
        self._loop.join(timeout=2)
        for _ in self._threads:
            self._jobs.put(None)
        deadline = time.monotonic() + grace
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        with self._lock:
            for conn in list(self._active):
                with contextlib.suppress(OSError):
                    conn.sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=0.5)
        self._wake_r.close()
        self._wake_w.close()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")

    # -- the event loop: accept, wait for whole header blocks, expire idle connections -------------------------
    def _serve(self) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self.listener, selectors.EVENT_READ)
        sel.register(self._wake_r, selectors.EVENT_READ)
        waiting: dict[socket.socket, _Conn] = {}
        paused_until = 0.0
        next_sweep = time.monotonic() + 0.25
        try:
            while not self._stopping.is_set():
                now = time.monotonic()
                if paused_until and now >= paused_until:
                    sel.register(self.listener, selectors.EVENT_READ)
                    paused_until = 0.0
                for key, _ in sel.select(timeout=0.25):
                    if key.fileobj is self.listener:
                        if not self._accept(sel, waiting):
                            sel.unregister(self.listener)  # out of file descriptors: pause accepting for a moment
                            paused_until = time.monotonic() + 0.1
                    elif key.fileobj is self._wake_r:
                        with contextlib.suppress(OSError):
                            self._wake_r.recv(4096)
                    else:
                        self._readable(sel, waiting, waiting[key.fileobj])  # type: ignore[index]
                while True:
                    try:
                        conn = self._returned.get_nowait()
                    except queue.Empty:
                        break
                    self._wait_for_headers(sel, waiting, conn)
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + 0.25
                    self._expire(sel, waiting)
        finally:
            for conn in waiting.values():
                conn.sock.close()
            while True:
                try:
                    self._returned.get_nowait().sock.close()
                except queue.Empty:
                    break
            sel.close()
            self.listener.close()

    def _accept(self, sel: selectors.BaseSelector, waiting: dict[socket.socket, _Conn]) -> bool:
        for _ in range(256):
            try:
                sock, _addr = self.listener.accept()
            except BlockingIOError:
                return True
            except OSError as exc:
                log.warning("bedrock-mock server: cannot accept a connection: %s", exc)
                return False
            self._wait_for_headers(sel, waiting, _Conn(sock))
        return True

    def _wait_for_headers(self, sel: selectors.BaseSelector, waiting: dict[socket.socket, _Conn], conn: _Conn) -> None:
        conn.sock.setblocking(False)
        conn.deadline = time.monotonic() + self.read_timeout
        if b"\r\n\r\n" in conn.buffer:  # a pipelined request already arrived
            self._jobs.put(conn)
            return
        waiting[conn.sock] = conn
        sel.register(conn.sock, selectors.EVENT_READ)

    def _readable(self, sel: selectors.BaseSelector, waiting: dict[socket.socket, _Conn], conn: _Conn) -> None:
        try:
            data = conn.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._drop(sel, waiting, conn)
            return
        conn.buffer += data
        if b"\r\n\r\n" in conn.buffer or len(conn.buffer) > MAX_HEADER_BYTES:
            sel.unregister(conn.sock)
            del waiting[conn.sock]
            self._jobs.put(conn)

    def _expire(self, sel: selectors.BaseSelector, waiting: dict[socket.socket, _Conn]) -> None:
        now = time.monotonic()
        for conn in [c for c in waiting.values() if c.deadline <= now]:
            if conn.buffer.strip():  # part of a request, then silence: say why before closing
                status, headers, body = self.reject("SerializationException", f"the request headers did not arrive within "
                                                    f"the read timeout ({self.read_timeout:g} s); send the whole request at once")
                with contextlib.suppress(OSError):
                    conn.sock.send(_head(status, headers, body, close=True) + body)
            self._drop(sel, waiting, conn)

    @staticmethod
    def _drop(sel: selectors.BaseSelector, waiting: dict[socket.socket, _Conn], conn: _Conn) -> None:
        sel.unregister(conn.sock)
        del waiting[conn.sock]
        conn.sock.close()

    # -- workers: one request each, then the connection goes back to the loop ----------------------------------
    def _work(self) -> None:
        while True:
            conn = self._jobs.get()
            if conn is None or self._stopping.is_set():
                if conn is not None:
                    conn.sock.close()
                return
            with self._lock:
                self._active.add(conn)
            try:
                keep = self._answer(conn)
            except Exception:  # the socket went away mid-answer; nothing left to tell the client
                log.debug("bedrock-mock server: connection lost", exc_info=True)
                keep = False
            finally:
                with self._lock:
                    self._active.discard(conn)
            if keep and not self._stopping.is_set():
                self._returned.put(conn)
                self._wake()
            else:
                conn.sock.close()

    def _answer(self, conn: _Conn) -> bool:
        """Answer one request on ``conn``; True to keep the connection open for the next one."""
        sock = conn.sock
        sock.setblocking(True)
        sock.settimeout(self.read_timeout)
        refused = None
        try:
            request, close = self._read(conn)
            reply = self._call(request)
            if request.method == "HEAD":
                reply = (reply[0], reply[1], b"")
        except ApiError as exc:  # answered by the front itself; the connection is closed after
            refused, close = exc, True
            reply = self.reject(exc.code, exc.message)
        status, headers, body = reply
        sock.sendall(_head(status, headers, body, close=close) + body)
        if refused is not None:
            _linger(sock)  # the client may still be sending what we did not read
        conn.served += 1
        return not close

    def _call(self, request: Request) -> Reply:
        try:
            return self.app(request)
        except Exception as exc:
            log.exception("bedrock-mock server: internal error answering %s %s", request.method, request.target)
            return self.reject("InternalServerException", f"the server failed answering {request.method} {request.path}: "
                               f"{type(exc).__name__} (the traceback is in the server's log)")

    def _read(self, conn: _Conn) -> tuple[Request, bool]:
        head, sep, rest = conn.buffer.partition(b"\r\n\r\n")
        if not sep or len(head) > MAX_HEADER_BYTES:
            raise ApiError("SerializationException", f"the request line and headers are longer than {MAX_HEADER_BYTES} bytes")
        request, close = _parse_head(head)
        length = _content_length(request, self.max_body)
        body, conn.buffer = rest[:length], rest[length:]
        if len(body) < length:
            body = self._read_body(conn.sock, body, length)
        request.body = body
        return request, close

    def _read_body(self, sock: socket.socket, start: bytes, length: int) -> bytes:
        chunks, got = [start], len(start)
        deadline = time.monotonic() + self.read_timeout
        while got < length:
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise TimeoutError
                sock.settimeout(remaining)
                data = sock.recv(min(length - got, 1 << 20))
            except TimeoutError:
                raise ApiError("SerializationException", f"the request body stopped after {got} of the {length} bytes its "
                               f"Content-Length announced (read timeout {self.read_timeout:g} s); send the whole body") from None
            if not data:
                raise ApiError("SerializationException", f"the request body ended after {got} of the {length} bytes its "
                               "Content-Length announced; send a Content-Length that matches the body") from None
            chunks.append(data)
            got += len(data)
        return b"".join(chunks)


def _parse_head(head: bytes) -> tuple[Request, bool]:
    """The request line and headers; raises :class:`ApiError` for anything that is not HTTP/1.x."""
    lines = head.decode("latin-1").split("\r\n")
    while lines and not lines[0]:  # tolerate blank lines before a request line (RFC 9112, 2.2)
        lines.pop(0)
    parts = lines[0].split(" ") if lines else []
    if len(parts) != 3 or not parts[0].isalpha() or not parts[0].isupper() or parts[2] not in ("HTTP/1.1", "HTTP/1.0") or not parts[1]:
        shown = (lines[0] if lines else "")[:80]
        raise ApiError("SerializationException", f"not an HTTP/1.1 request line: {shown!r}; expected 'METHOD /path HTTP/1.1'")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip() or any(c in name for c in " \t"):
            raise ApiError("SerializationException", f"malformed header line {line[:80]!r}; expected 'Name: value'")
        key = next((k for k in headers if k.lower() == name.lower()), name)
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    request = Request(parts[0], parts[1], headers)
    request.host = request.header("Host") or ""
    connection = (request.header("Connection") or "").lower()
    close = "close" in connection or (parts[2] == "HTTP/1.0" and "keep-alive" not in connection)
    return request, close


def _content_length(request: Request, max_body: int) -> int:
    if request.header("Transfer-Encoding") is not None:
        raise ApiError("SerializationException", "chunked request bodies (Transfer-Encoding) are not accepted; send a Content-Length")
    text = request.header("Content-Length")
    if text is None:
        return 0
    if not text.isdigit() or not text.isascii():
        raise ApiError("SerializationException", f"Content-Length must be a number of bytes, got {text[:40]!r}")
    length = int(text)
    if length > max_body:
        raise ApiError("RequestEntityTooLargeException", f"the request body ({length} bytes) is larger than the server's limit of "
                       f"{max_body} bytes; raise it with --max-body (start_server(max_body=...))")
    return length


def _head(status: int, headers: dict[str, str], body: bytes, *, close: bool) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Error' if status >= 400 else 'OK')}"]
    lines += [f"{k}: {v}" for k, v in headers.items() if k.lower() not in ("content-length", "connection")]
    lines += [f"Content-Length: {len(body)}", "Connection: close" if close else "Connection: keep-alive", "", ""]
    return "\r\n".join(lines).encode("latin-1", "replace")


def _linger(sock: socket.socket) -> None:
    """Half-close, then drain what the client still sends for a moment, so it reads the answer instead of a reset."""
    sink = bytearray(1 << 16)  # drained into one buffer: no allocation per read
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + _LINGER
        while (remaining := deadline - time.monotonic()) > 0:
            sock.settimeout(remaining)
            if not sock.recv_into(sink):
                break
