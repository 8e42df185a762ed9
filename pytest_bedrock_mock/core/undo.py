"""Changes to process-wide state that can be taken back.

A function that changes the kit's global state (:func:`~pytest_bedrock_mock.core.rules.register_status`,
:func:`~pytest_bedrock_mock.core.model.use_model`, :func:`~pytest_bedrock_mock.fakes.intercept.add_observer`)
makes the change at once and returns an :class:`Undo`. Ignore it for a change that lasts,
call :meth:`Undo.undo`, or use the call as a context manager, which restores the previous
state when the block ends (also on an exception)::

    with rules.register_status("Paused", terminal=True):
        ...  # Paused is terminal here, and unknown to the rules again after the block

Undo in the reverse order of the changes (nested ``with`` blocks do): each undo restores
the state as it was just before its own change.

Public names: :class:`Undo`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Undo"]

T = TypeVar("T")


class Undo(Generic[T]):
    """A change already made, and how to take it back (at most once).

    ``with`` gives ``value`` (what the change produced, e.g. the model now in use).
    """

    __slots__ = ("_restore", "_undone", "value")

    def __init__(self, restore: Callable[[], None], value: T) -> None:
        self._restore = restore
        self._undone = False
        self.value = value

    @property
    def undone(self) -> bool:
        return self._undone

    def undo(self) -> None:
        """Restore the state from before the change (a second call does nothing)."""
        if not self._undone:
            self._undone = True
            self._restore()

    def __enter__(self) -> T:
        return self.value

    def __exit__(self, *exc_info: object) -> None:
        self.undo()

    def __repr__(self) -> str:
        return f"<Undo {'done' if self._undone else 'pending'} {self.value!r}>"
