"""Pausing Python's cyclic garbage collector while a large input is read, and only then.

Reading a whole EDIFACT interchange allocates many objects that all stay alive (the messages
being built). CPython's cyclic collector runs again and again as they pile up and each full
collection walks every one of them, so without a pause the cost per message grows with the
interchange: about 1.5 ms per message at 10,000 messages against 1.0 ms with the collector
paused (``benchmarks/run.py``). Reading creates no reference cycles (a test checks that a
paused read leaves nothing for the collector), so pausing frees nothing later than it would be.

:func:`gc_paused` is the only way medbridge touches the collector: it disables it for the
``with`` block and restores the state it found when the outermost block ends, also when the
block raises. Pauses nest and may overlap across threads: one process-wide counter under a lock
(owned by a cached object, not a module global) remembers whether the collector was enabled
before the first pause and re-enables it only after the last one ends. The collector's
thresholds and frozen objects are never changed.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

__all__ = ["gc_paused"]


class _Pauses:
    """How many ``gc_paused`` blocks are open, and the collector state before the first."""

    __slots__ = ("_depth", "_lock", "_was_enabled")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = False

    def enter(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1

    def leave(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._was_enabled:
                gc.enable()


@cache
def _pauses() -> _Pauses:
    return _Pauses()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the ``with`` block with the cyclic garbage collector disabled; restore it after."""
    pauses = _pauses()
    pauses.enter()
    try:
        yield
    finally:
        pauses.leave()
