"""Worker processes for ``convert --jobs N`` that never outlive the run that started them.

A worker blocked on the task queue would otherwise live on after its parent was killed with
SIGKILL, holding the terminal or the pipe the caller reads from open. Each worker therefore

* asks Linux to kill it when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``), and
* everywhere, and also for the moment before that request took effect, watches its parent's
  sentinel (the pipe ``multiprocessing`` gives every child, which reads end-of-file when the
  parent is gone) from a daemon thread and ends itself then.

Workers ignore Ctrl-C: the parent handles the interrupt, cancels what has not started and exits
with 130. Results come back in input order, whatever the number of workers.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

__all__ = ["bind_to_parent", "run_in_order"]

T = TypeVar("T")
R = TypeVar("R")

#: ``PR_SET_PDEATHSIG`` from ``<linux/prctl.h>``.
_PR_SET_PDEATHSIG = 1


def run_in_order(
    function: Callable[[T], R], work: Sequence[T], jobs: int
) -> Generator[R, None, None]:
    """``function`` over ``work``, in order: in this process for one job (or one item), else in
    ``jobs`` worker processes bound to this one (:func:`bind_to_parent`)."""
    if jobs <= 1 or len(work) < 2:
        for item in work:
            yield function(item)
        return
    workers = min(jobs, len(work))
    pool = ProcessPoolExecutor(max_workers=workers, initializer=bind_to_parent)
    finished = False
    try:
        yield from pool.map(function, work, chunksize=max(1, len(work) // (workers * 8)))
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=not finished)


def bind_to_parent() -> None:
    """Make this (worker) process end when its parent does; ignore Ctrl-C (the parent's)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _request_death_signal()
    parent = multiprocessing.parent_process()
    if parent is not None:
        watcher = threading.Thread(
            target=_exit_with, args=(parent,), name="medbridge-parent-watch", daemon=True
        )
        watcher.start()


def _request_death_signal() -> bool:
    """Linux: SIGKILL this process when its parent dies. False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # returns when the parent's sentinel reads end-of-file: the parent is gone
    os._exit(1)
