"""A cross-process lock on one cassette file, so parallel workers never lose each other's recording.

:func:`cassette_lock` takes an exclusive OS lock (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on
Windows) on ``<cassette>.lock`` beside the cassette, for the few milliseconds a recording needs
to re-read the file, merge and write it. The lock file holds the owner's process id (for the
message when the lock cannot be had) and is removed on release; a lock whose owner died is
released by the operating system, so a left-over file never blocks anybody.

Waiting longer than ``timeout`` seconds raises :class:`~pytest_bedrock_mock.errors.CassetteError`
naming the lock file, its owner and the fix.

Public names: :func:`cassette_lock`, :func:`lock_path`, :data:`LOCK_TIMEOUT`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from pytest_bedrock_mock.errors import CASSETTES_DOCS, CassetteError

__all__ = ["LOCK_TIMEOUT", "cassette_lock", "lock_path"]

#: Seconds to wait for another worker to finish writing the same cassette.
LOCK_TIMEOUT = 60.0
_POLL = 0.02


def lock_path(cassette: Path) -> Path:
    """The lock file of ``cassette`` (``<name>.lock`` beside it)."""
    return cassette.with_name(cassette.name + ".lock")


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _owner(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return "another process"
    return f"process {pid}" if pid.isdigit() else "another process"


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file ``fd`` locked (a releasing owner removes it)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _acquire(path: Path, deadline: float, timeout: float) -> int:
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise CassetteError(f"cannot create the lock file {path}: {exc.strerror}; make its folder writable or choose another folder "
                                f"(ini bedrock_cassette_dir) ({CASSETTES_DOCS}#locking)") from None
        if _try_lock(fd):
            if sys.platform == "win32" or _same_file(fd, path):
                return fd
            _unlock(fd)  # the owner removed the file while we waited: lock the new one
        os.close(fd)
        if time.monotonic() >= deadline:
            raise CassetteError(
                f"could not lock {path} within {timeout:g} s: {_owner(path)} is writing the same cassette. "
                f"Let it finish, or give parallel tests their own cassettes ({CASSETTES_DOCS}#locking)."
            )
        time.sleep(_POLL)


@contextlib.contextmanager
def cassette_lock(cassette: str | os.PathLike[str], *, timeout: float = LOCK_TIMEOUT) -> Iterator[Path]:
    """Hold the exclusive lock of ``cassette`` (its folder is created); yields the lock file's path."""
    target = Path(cassette)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        in_the_way = next((p for p in reversed(target.parents) if p.exists() and not p.is_dir()), None)
        if in_the_way is not None:
            raise CassetteError(f"cannot write the cassette {target}: {in_the_way} is a file, not a folder; remove it or choose another folder "
                                f"(ini bedrock_cassette_dir) ({CASSETTES_DOCS}#folder)") from None
        raise CassetteError(f"cannot write the cassette {target}: cannot create its folder {target.parent} ({exc.strerror}); make it writable "
                            f"or choose another folder (ini bedrock_cassette_dir) ({CASSETTES_DOCS}#folder)") from None
    path = lock_path(target)
    fd = _acquire(path, time.monotonic() + timeout, timeout)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        yield path
    finally:
        if sys.platform != "win32":
            with contextlib.suppress(OSError):
                os.unlink(path)  # while still locked: a waiter then sees a new file (see _same_file)
        _unlock(fd)
        os.close(fd)
