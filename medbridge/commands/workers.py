"""Running batch work in chunks, in worker processes that never outlive the run that started them.

:func:`run_chunks` hands the work out in chunks (one task per chunk, never one per file) and keeps
only a few chunks in flight, so a run over 100,000 inputs holds a bounded amount of pending work
whatever the number of workers; results come back in input order. A run's ``context`` (options,
what the workers need to write their outputs) reaches each worker once, when it starts, not with
every chunk.

A worker blocked on the task queue would otherwise live on after its parent was killed with
SIGKILL, holding the terminal or the pipe the caller reads from open. Each worker therefore

* asks Linux to kill it when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``), and
* everywhere, and also for the moment before that request took effect, watches its parent's
  sentinel (the pipe ``multiprocessing`` gives every child, which reads end-of-file when the
  parent is gone) from a daemon thread and ends itself then.

Workers ignore Ctrl-C: the parent handles the interrupt, sets the run's stop flag (a worker stops
at the next item of its chunk, so nothing is left half-written) and waits for them to end.
"""

from __future__ import annotations

import ctypes
import itertools
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.synchronize import Event

__all__ = ["ChunkFunction", "bind_to_parent", "chunk_size", "run_chunks"]

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

#: ``function(context, chunk, stopping)``: the results of a chunk, in order; it may return fewer
#: than the chunk's items (only) once ``stopping()`` is true.
ChunkFunction = Callable[[C, Sequence[T], Callable[[], bool]], list[R]]

#: ``PR_SET_PDEATHSIG`` from ``<linux/prctl.h>``.
_PR_SET_PDEATHSIG = 1
#: The largest chunk: big enough that a task's round trip (about 0.1 ms) is noise per item.
MAX_CHUNK = 64
#: Chunks handed out per worker over a run (for even load), and kept in flight per worker.
_CHUNKS_PER_WORKER = 8
_IN_FLIGHT_PER_WORKER = 2


def chunk_size(items: int, jobs: int) -> int:
    """Items per task for ``items`` inputs on ``jobs`` workers: about eight chunks per worker,
    at most :data:`MAX_CHUNK`."""
    return max(1, min(MAX_CHUNK, items // (max(jobs, 1) * _CHUNKS_PER_WORKER)))


def run_chunks(
    function: ChunkFunction[C, T, R],
    context: C,
    work: Iterable[T],
    *,
    jobs: int,
    size: int,
) -> Generator[R, None, None]:
    """``function`` over ``work`` in chunks of ``size``, results in order: in this process for
    one job, else in ``jobs`` worker processes bound to this one (:func:`bind_to_parent`), with
    at most two chunks per worker submitted and not yet collected. ``work`` is read lazily."""
    chunks = _chunked(work, size)
    if jobs <= 1:
        for chunk in chunks:
            yield from function(context, chunk, _never)
        return
    yield from _in_workers(function, context, chunks, jobs)


def _never() -> bool:
    return False


def _chunked(work: Iterable[T], size: int) -> Generator[list[T], None, None]:
    iterator = iter(work)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _in_workers(
    function: ChunkFunction[C, T, R],
    context: C,
    chunks: Iterable[list[T]],
    jobs: int,
) -> Generator[R, None, None]:
    from concurrent.futures import ProcessPoolExecutor  # only runs with workers need it

    mp = multiprocessing.get_context()
    stop = mp.Event()
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=mp, initializer=_start_worker, initargs=(context, stop)
    )
    pending: deque[Future[list[R]]] = deque()
    finished = False
    try:
        for chunk in chunks:
            pending.append(pool.submit(_run_chunk, function, chunk))
            if len(pending) >= jobs * _IN_FLIGHT_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
        finished = True
    finally:
        if not finished:  # interrupted: workers finish the item at hand and stop
            stop.set()
            for future in pending:
                future.cancel()
        pool.shutdown(wait=True, cancel_futures=not finished)


class _Worker:
    """What a worker process was started with, set once by the pool's initializer: a worker
    serves exactly one run, so this per-process value is never shared between runs."""

    context: ClassVar[Any] = None
    stop: ClassVar[Event | None] = None


def _start_worker(context: object, stop: Event) -> None:
    bind_to_parent()
    _Worker.context = context
    _Worker.stop = stop


def _run_chunk(function: ChunkFunction[Any, T, R], chunk: Sequence[T]) -> list[R]:
    stop = _Worker.stop
    return function(_Worker.context, chunk, _never if stop is None else stop.is_set)


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
