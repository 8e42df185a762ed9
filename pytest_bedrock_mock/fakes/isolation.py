"""Keeping a test that uses the kit apart from real AWS: credentials, child processes, other mocks.

* :func:`isolate` replaces every AWS credential source botocore's chain reads — the environment,
  the shared credentials and config files (every profile keeps its name and region, with fake
  keys), the legacy boto config, web identity, the container endpoint and the instance metadata
  service — with obviously fake values, forgets boto3's cached default session, and points
  ``AWS_ENDPOINT_URL_BEDROCK`` at the kit's server (:func:`serve_children`) or, when none runs,
  at :func:`refusing_endpoint`. Child processes (a subprocess, the AWS CLI, a ``multiprocessing``
  child) inherit that environment, so their bedrock calls never reach AWS either. Undoing it
  restores the environment exactly.
* :func:`refusing_endpoint` is a loopback HTTP listener, started on first use (one per process,
  one daemon thread, a read timeout per connection), that answers any request at once with a
  rest-json error whose message names the fix.
* :func:`another_mock_answers` says whether moto's ``mock_aws`` is on: the interception then lets
  moto answer the bedrock calls no kit fake answers, instead of refusing them. (An active kit fake
  still answers first: its handlers are on ``*.bedrock`` events, which botocore runs before moto's
  handler on every service.) moto is never imported here, only looked up in ``sys.modules``.

Public names: :data:`FAKE_CREDENTIALS`, :data:`ENDPOINT_VARIABLE`, :data:`REFUSED_CODE`,
:data:`DOCS`, :class:`Isolation`, :func:`isolate`, :func:`serve_children`,
:func:`refusing_endpoint`, :func:`refusal_message`, :func:`another_mock_answers`.
"""

from __future__ import annotations

import atexit
import configparser
import hashlib
import json
import os
import shutil
import socketserver
import sys
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from pytest_bedrock_mock.core.undo import Undo

__all__ = [
    "DOCS",
    "ENDPOINT_VARIABLE",
    "FAKE_CREDENTIALS",
    "REFUSED_CODE",
    "Isolation",
    "another_mock_answers",
    "isolate",
    "refusal_message",
    "refusing_endpoint",
    "serve_children",
]

#: The credentials every client of an isolated test is signed with (also the bedrock clients' dummy ones).
FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "aws_session_token": "testing"}
#: Where a bedrock client (in-process or in a child process) finds its endpoint first.
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_BEDROCK"
#: The error code (``x-amzn-ErrorType``) of the refusing endpoint's answers.
REFUSED_CODE = "BedrockNotMockedError"
DOCS = "docs/interception.md#credentials-and-child-processes"

_KEYS = {"AWS_ACCESS_KEY_ID": "aws_access_key_id", "AWS_SECRET_ACCESS_KEY": "aws_secret_access_key", "AWS_SESSION_TOKEN": "aws_session_token"}
#: Credential sources that are removed outright (the fake keys above and files replace the rest).
_REMOVED = (
    "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_ACCOUNT_ID", "AWS_CREDENTIAL_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_LOGIN_CACHE_DIRECTORY",
)
_REMOVED_PREFIXES = ("AWS_CONTAINER_", "AWS_BEARER_TOKEN_")
_PROFILE_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")

_lock = threading.RLock()
_isolations: list[Isolation] = []  # innermost last
_server_urls: list[str] = []  # the kit servers children should reach, innermost last


@dataclass
class Isolation:
    """What :func:`isolate` changed: ``saved`` holds each variable's value before (None: it was unset)."""

    env: dict[str, str]
    saved: dict[str, str | None]
    boto3_session: Any = None
    undone: bool = field(default=False)


# -- credentials -----------------------------------------------------------------------------------

def _profiles(environ: Mapping[str, str]) -> dict[str, str | None]:
    """``{profile name: its region}`` of the real config and credentials files, and of ``AWS_PROFILE`` (names and regions only)."""
    found: dict[str, str | None] = {"default": None}
    home = Path(os.path.expanduser("~"))
    for variable, default, is_config in (("AWS_CONFIG_FILE", home / ".aws" / "config", True),
                                         ("AWS_SHARED_CREDENTIALS_FILE", home / ".aws" / "credentials", False)):
        for name, region in _sections(os.path.expanduser(environ.get(variable) or str(default)), is_config):
            found[name] = region or found.get(name)
    for variable in _PROFILE_VARIABLES:
        if environ.get(variable):
            found.setdefault(environ[variable], None)
    return found


def _sections(path: str, is_config: bool) -> tuple[tuple[str, str | None], ...]:
    """``(profile name, region)`` per profile of one real file; read again only when the file changed (each test asks)."""
    try:
        status = os.stat(path)
        stamp: tuple[int, int, int] | None = (status.st_mtime_ns, status.st_size, status.st_ino)
    except OSError:
        stamp = None
    known = _read.get((path, is_config))
    if known is not None and known[0] == stamp:
        return known[1]
    found: list[tuple[str, str | None]] = []
    if stamp is not None:
        parser = configparser.RawConfigParser()
        try:
            parser.read(path)
        except (configparser.Error, OSError, UnicodeDecodeError):
            parser = configparser.RawConfigParser()
        for section in parser.sections():
            if is_config and section.startswith(("sso-session ", "services ")):
                continue
            name = section[len("profile "):].strip() if is_config and section.startswith("profile ") else section.strip()
            found.append((name, parser.get(section, "region", fallback=None) if is_config else None))
    _read[(path, is_config)] = (stamp, tuple(found))
    return tuple(found)


#: (path, is config) -> (the file's mtime, size and inode when read, its profiles)
_read: dict[tuple[str, bool], tuple[tuple[int, int, int] | None, tuple[tuple[str, str | None], ...]]] = {}

_files: dict[str, tuple[Path, Path]] = {}  # content digest -> the fake credentials and config files


def _profile_files(profiles: Mapping[str, str | None], region: str | None) -> tuple[Path, Path]:
    """A credentials file with fake keys for every profile, and a config file keeping only their regions (else ``region``).

    Written once per content into one folder per process (removed when the process exits).
    """
    keys = "".join(f"{name} = {value}\n" for name, value in FAKE_CREDENTIALS.items())
    credentials = "".join(f"[{name}]\n{keys}" for name in profiles)
    config = "".join(("[default]\n" if name == "default" else f"[profile {name}]\n") + (f"region = {own or region}\n" if own or region else "")
                     for name, own in profiles.items())
    digest = hashlib.sha256(f"{credentials}\0{config}".encode()).hexdigest()[:16]
    if digest not in _files or not _files[digest][0].exists():
        folder = _folder()
        paths = folder / f"credentials-{digest}", folder / f"config-{digest}"
        paths[0].write_text(credentials, encoding="utf-8")
        paths[1].write_text(config, encoding="utf-8")
        _files[digest] = paths
    return _files[digest]


_folders: dict[int, Path] = {}


def _folder() -> Path:
    pid = os.getpid()
    if pid not in _folders or not _folders[pid].is_dir():
        _folders[pid] = Path(tempfile.mkdtemp(prefix="bedrock-mock-aws-"))
        atexit.register(shutil.rmtree, _folders[pid], True)
    return _folders[pid]


def _fake_environment(environ: Mapping[str, str], region: str | None) -> tuple[dict[str, str], list[str]]:
    """The variables to set and the ones to remove."""
    credentials, config = _profile_files(_profiles(environ), region)
    env = {name: FAKE_CREDENTIALS[key] for name, key in _KEYS.items()}
    env.update(AWS_SHARED_CREDENTIALS_FILE=str(credentials), AWS_CONFIG_FILE=str(config), AWS_EC2_METADATA_DISABLED="true", BOTO_CONFIG=os.devnull)
    removed = [name for name in environ if name in _REMOVED or name.startswith(_REMOVED_PREFIXES)]
    return env, removed


def _set(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def _children_endpoint() -> str:
    return _server_urls[-1] if _server_urls else refusing_endpoint()


def isolate(region: str | None = None) -> Undo[Isolation]:
    """Replace every real credential source with fake ones and point child processes' bedrock at the kit.

    Every profile keeps its region; ``region`` is the region of those that had none (the region
    variables are left alone). Undo restores the environment and boto3's default session.
    """
    with _lock:
        env, removed = _fake_environment(os.environ, region)
        env[ENDPOINT_VARIABLE] = _children_endpoint()
        saved = {name: os.environ.get(name) for name in (*env, *removed)}
        for name in removed:
            os.environ.pop(name, None)
        os.environ.update(env)
        boto3: Any = sys.modules.get("boto3")
        state = Isolation(env, saved, boto3_session=getattr(boto3, "DEFAULT_SESSION", None))
        if boto3 is not None:
            boto3.DEFAULT_SESSION = None  # its cached credentials may be real ones
        _isolations.append(state)
    return Undo(lambda: _restore(state), state)


def _restore(state: Isolation) -> None:
    with _lock:
        state.undone = True
        if state in _isolations:
            _isolations.remove(state)
        for name, value in state.saved.items():
            _set(name, value)
        boto3: Any = sys.modules.get("boto3")
        if boto3 is not None:
            boto3.DEFAULT_SESSION = state.boto3_session


def serve_children(url: str) -> Undo[str]:
    """Send child processes' bedrock calls to the kit server at ``url`` (while an isolation is on, and until undone)."""
    with _lock:
        _server_urls.append(url)
        _render_endpoint()

    def restore() -> None:
        with _lock:
            if url in _server_urls:
                del _server_urls[len(_server_urls) - 1 - _server_urls[::-1].index(url)]  # its innermost use
            _render_endpoint()

    return Undo(restore, url)


def _render_endpoint() -> None:
    if _isolations:  # otherwise the variable is the user's: left as it is
        value = _children_endpoint()
        os.environ[ENDPOINT_VARIABLE] = value
        _isolations[-1].env[ENDPOINT_VARIABLE] = value


# -- the refusing endpoint -------------------------------------------------------------------------

def refusal_message(method: str = "", path: str = "") -> str:
    """The message of the refusing endpoint's answers."""
    request = f"{method} {path} " if method else ""
    return (
        f"pytest-bedrock-mock refused the bedrock request {request}sent to {ENDPOINT_VARIABLE}: a test that uses the kit points bedrock "
        "there so that nothing it starts (a subprocess, the AWS CLI, a multiprocessing child) reaches real AWS, and no kit server is "
        "running to answer. Use the bedrock_server fixture in this test (child processes then reach its simulator), or run "
        f"`bedrock-mock serve` and set {ENDPOINT_VARIABLE} to its URL for the child ({DOCS})."
    )


class _Refuse(BaseHTTPRequestHandler):
    timeout = 2.0  # per connection: a client that connects and sends nothing is dropped
    protocol_version = "HTTP/1.1"
    server_version = "pytest-bedrock-mock-refusing-endpoint"
    _MAX_DRAIN = 1 << 20

    def handle_one_request(self) -> None:
        self.close_connection = True
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline or not self.parse_request():
                return
            self._drain()
            self._answer(403, refusal_message(self.command, self.path))
        except OSError:  # a reset: nobody to answer
            return

    def _drain(self) -> None:
        """Read a small body so the client sees the answer, not a reset; a large or missing one is not waited for."""
        length = self.headers.get("Content-Length", "0").strip()
        if length.isdigit() and 0 < int(length) <= self._MAX_DRAIN:
            try:
                self.rfile.read(int(length))
            except OSError:  # the read timed out: answer anyway
                pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        self._answer(400, f"{message or 'bad request'}. " + refusal_message())

    def _answer(self, status: int, message: str) -> None:
        self.request_version = "HTTP/1.1"  # a garbled request line still gets a status line and headers
        body = json.dumps({"message": message}).encode("utf-8")
        self.send_response_only(status)
        for name, value in (("Content-Type", "application/json"), ("x-amzn-ErrorType", REFUSED_CODE), ("x-amzn-RequestId", "bedrock-mock-refused"),
                            ("Content-Length", str(len(body))), ("Connection", "close")):
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


class _Server(HTTPServer):
    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # without HTTPServer's reverse DNS lookup of the host
        self.server_name, self.server_port = "127.0.0.1", int(self.server_address[1])


_refuser: tuple[int, HTTPServer, str] | None = None  # (pid, server, url)


def refusing_endpoint() -> str:
    """The URL of this process's refusing endpoint, started on first use (a daemon thread; ends with the process)."""
    global _refuser
    with _lock:
        if _refuser is None or _refuser[0] != os.getpid():
            server = _Server(("127.0.0.1", 0), _Refuse)
            server.timeout = 0.5
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.5}, name="bedrock-mock-refusing-endpoint", daemon=True)
            thread.start()
            _refuser = (os.getpid(), server, f"http://127.0.0.1:{server.server_address[1]}")
        return _refuser[2]


# -- other mocks -----------------------------------------------------------------------------------

def _moto_stubber() -> Any:
    models = sys.modules.get("moto.core.models")  # moto registers it in botocore's BUILTIN_HANDLERS
    return getattr(models, "botocore_stubber", None)


def another_mock_answers() -> bool:
    """True while moto's ``mock_aws`` is on: it answers the bedrock calls no kit fake answers."""
    return bool(getattr(_moto_stubber(), "enabled", False))
