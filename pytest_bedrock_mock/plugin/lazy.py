"""Run plugin set-up that needs botocore when botocore is used, not when pytest starts.

Interception is armed for the whole session, and the coverage tracker observes every fake; both
hook into botocore. A run that never imports botocore (a project that does not use the kit) should
not pay for importing it (about 0.1-0.2 s), so :func:`when_botocore_imported` runs its callback at
once when botocore is already imported, and otherwise when the first botocore ``Session`` is made
(every client, boto3's and aiobotocore's included, comes from one), or when
:mod:`pytest_bedrock_mock.fakes.intercept` is imported, whichever comes first: a finder on
``sys.meta_path`` waits for botocore's own ``__init__`` to have run and registers one session
initializer (``botocore.register_initializer``), and runs the callbacks once interception's
module has run. So the callbacks run before the first client exists and before any code can arm
or disarm interception itself; never while a module importing botocore (ours too) is half made.

Public names: :func:`when_botocore_imported`, :func:`cancel`.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

__all__ = ["cancel", "when_botocore_imported"]

_MODULE = "botocore"
_INTERCEPT = "pytest_bedrock_mock.fakes.intercept"
_lock = threading.RLock()
_pending: list[Callable[[], None]] = []


def _imported() -> bool:
    return _INTERCEPT in sys.modules or _MODULE in sys.modules and not getattr(getattr(sys.modules[_MODULE], "__spec__", None), "_initializing", False)


def when_botocore_imported(callback: Callable[[], None]) -> None:
    """Call ``callback`` now if botocore is imported, else before its first session is made (in the order given)."""
    with _lock:
        if not _imported() or _pending:  # callbacks still waiting: no session (so no client) exists yet; keep the order
            _pending.append(callback)
            if not any(isinstance(f, _Finder) for f in sys.meta_path):
                sys.meta_path.insert(0, _Finder())
            return
    callback()


def cancel(callback: Callable[[], None]) -> None:
    """Forget ``callback`` if it has not run yet (the session ended without importing botocore)."""
    with _lock:
        if callback in _pending:
            _pending.remove(callback)
        if not _pending:
            _remove_finder()


def _remove_finder() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _Finder)]


def _botocore_imported() -> None:
    """Right after botocore's ``__init__``: wait for its first session (once per process)."""
    global _initializer_registered
    with _lock:
        if _initializer_registered:
            return
        _initializer_registered = True
    import botocore

    botocore.register_initializer(_on_session)  # stays registered (removing it while botocore iterates would skip another)


_initializer_registered = False


def _on_session(session: Any) -> None:
    _run_pending()


def _run_pending() -> None:
    with _lock:
        callbacks = list(_pending)
        _pending.clear()
        _remove_finder()
    for callback in callbacks:
        callback()


class _Finder(importlib.abc.MetaPathFinder):
    """Finds botocore with the other finders and wraps its loader, so :func:`_run_pending` runs after it."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in (_MODULE, _INTERCEPT):
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec: importlib.machinery.ModuleSpec | None = find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader, _botocore_imported if fullname == _MODULE else _run_pending)
                return spec
        return None


class _Loader(importlib.abc.Loader):
    def __init__(self, loader: Any, then: Callable[[], None]) -> None:
        self._loader = loader
        self._then = then

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self._loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self._loader  # botocore sees its own loader, as if nothing had been in between
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        self._then()
