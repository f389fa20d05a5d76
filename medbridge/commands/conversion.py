"""The work of ``medbridge convert`` on each input: read it, convert it, write its output.

This runs where the conversion runs — in the command's own process for ``--jobs 1``, in the
worker processes otherwise, which then write their own outputs (through the run's
:class:`~medbridge.files.OutputWriter`) and send back only what happened to each input. Nothing
here raises for one input: every input ends as an :class:`Outcome`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import medbridge
from medbridge.commands.common import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_IO,
    EXIT_OK,
    EXIT_REFUSED,
    IO_FAILURES,
    internal_finding,
    located,
    read_input,
)
from medbridge.durable import Fsync, fsync_folder
from medbridge.errors import (
    InputError,
    InternalError,
    MedbridgeError,
    OutputError,
    OutputRefused,
)
from medbridge.files import OutputWriter
from medbridge.findings import Finding
from medbridge.inputs import InputFile, display_name
from medbridge.limits import Limits
from medbridge.validation.reporters import finding_json

__all__ = ["EXIT_BY_STATUS", "ConvertJob", "Outcome", "Task", "convert_chunk"]

#: The statuses an input can end with, and the exit code each contributes.
EXIT_BY_STATUS = {
    "ok": EXIT_OK,
    "invalid": EXIT_INVALID,
    "refused": EXIT_REFUSED,
    "io-error": EXIT_IO,
    "internal-error": EXIT_INTERNAL,
}


@dataclass(frozen=True, slots=True)
class ConvertJob:
    """What every conversion of one run shares; reaches each worker process once."""

    to: str
    allow_loss: bool
    allow_nonstandard: bool
    strict_encoding: bool
    limits: Limits
    writer: OutputWriter
    fsync: Fsync
    wrap: str | None = None  # "vans" or "sbdh": envelopes around each output


@dataclass(frozen=True, slots=True)
class Task:
    """One input to convert into ``dest`` (with the bytes read from standard input, which the
    workers cannot read)."""

    item: InputFile
    data: bytes | None
    dest: Path


@dataclass(slots=True)
class Outcome:
    """What happened to one input of a batch. ``written`` (the real path of the output) and
    ``folders`` (folders other than its own that the write changed, by creating folders: usually
    none) are for the end-of-run fsync, not reported."""

    path: str
    status: str  # a key of EXIT_BY_STATUS
    output: str | None = None
    findings: list[Finding] = field(default_factory=list)
    written: str | None = None
    folders: tuple[str, ...] = ()

    @property
    def lossy(self) -> bool:
        return any(f.code == "convert.loss" for f in self.findings)

    @property
    def exit_code(self) -> int:
        return EXIT_BY_STATUS[self.status]

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "output": self.output,
            "lossy": self.lossy,
            "findings": [finding_json(f) for f in self.findings],
        }


def convert_chunk(
    job: ConvertJob, tasks: Sequence[Task], stopping: Callable[[], bool]
) -> list[Outcome]:
    """Convert and write ``tasks`` in order until done or ``stopping()``. With ``--fsync always``
    the folders written into are fsynced before the outcomes are returned (and so reported)."""
    outcomes: list[Outcome] = []
    try:
        for task in tasks:
            if stopping():
                break
            outcomes.append(_convert_and_write(job, task))
    finally:
        changed = job.writer.changed_folders()
        if job.fsync is Fsync.ALWAYS:
            for folder in changed:
                fsync_folder(folder)
    return outcomes


def _convert_and_write(job: ConvertJob, task: Task) -> Outcome:
    outcome, data = _convert(job, task)
    if data is None:
        return outcome
    writer = job.writer
    try:
        outcome.written = writer.write(task.dest, data)
        outcome.output = display_name(task.dest)
    except OutputRefused as exc:
        outcome.status = "refused"
        outcome.findings.extend(exc.findings)
    except OutputError as exc:
        outcome.status = "io-error"
        outcome.findings.extend(exc.findings)
    if job.fsync is Fsync.END and outcome.written is not None:
        own = os.path.dirname(outcome.written)  # the command adds it for every written file
        outcome.folders = tuple(f for f in writer.changed_folders() if f != own)
    return outcome


def _convert(job: ConvertJob, task: Task) -> tuple[Outcome, bytes | None]:
    """Convert one input in memory; never raises except on Ctrl-C."""
    item = task.item
    name = item.display
    try:
        data = task.data if task.data is not None else read_input(item, job.limits)
        result = medbridge.convert(
            data,
            job.to,
            allow_loss=job.allow_loss,
            allow_nonstandard=job.allow_nonstandard,
            limits=job.limits,
            strict_encoding=job.strict_encoding,
            wrap=job.wrap,
        )
    except InputError as exc:
        io_error = any(f.code in IO_FAILURES for f in exc.findings)
        status = "io-error" if io_error else "invalid"
        return Outcome(name, status, findings=located(exc.findings, item)), None
    except InternalError as exc:
        return Outcome(name, "internal-error", findings=[internal_finding(name, exc)]), None
    except MedbridgeError as exc:  # ConversionError and the like
        return Outcome(name, "invalid", findings=located(exc.findings, item)), None
    except Exception as exc:  # a bug outside the library's guard: this input's result only
        return Outcome(name, "internal-error", findings=[internal_finding(name, exc)]), None
    return Outcome(name, "ok", findings=located(result.findings, item)), result.output
