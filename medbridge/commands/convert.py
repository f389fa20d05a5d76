"""``medbridge convert``: convert a batch, mirroring the input tree under ``--out``.

Before anything is written every output path is planned; inputs that would share one output are
all refused (``io.output-collision``, exit 73), with or without ``--force``, and
``--keep-extension`` keeps them apart (``x.xml`` → ``x.xml.json``, ``x.edi`` → ``x.edi.json``).
Conversions run in memory (in ``--jobs`` worker processes that end with this one); this process
writes each output atomically, in input order, removing first the temporary files that killed
runs left in that folder. Each input ends ``ok``, ``invalid``, ``refused``, ``io-error`` or
``internal-error``; one never stops the batch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

import medbridge
from medbridge.commands.common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_IO,
    EXIT_OK,
    EXIT_REFUSED,
    IO_FAILURES,
    echo_notes,
    finding_line,
    gather,
    internal_finding,
    limits_for,
    located,
    max_size_option,
    overall,
    paths_argument,
    patterns_option,
    quiet_option,
    read_input,
    write_report,
)
from medbridge.commands.progress import Progress
from medbridge.commands.workers import run_in_order
from medbridge.errors import (
    InputError,
    InternalError,
    MedbridgeError,
    OutputError,
    OutputRefused,
)
from medbridge.files import (
    InputSet,
    TemporarySweeper,
    atomic_write,
    check_destination,
    plan_outputs,
)
from medbridge.findings import Finding, Severity
from medbridge.inputs import STDIN, InputFile, display_name
from medbridge.limits import Limits
from medbridge.validate.reporters import finding_json, json_document

__all__ = ["convert"]

_EXIT = {
    "ok": EXIT_OK,
    "invalid": EXIT_INVALID,
    "refused": EXIT_REFUSED,
    "io-error": EXIT_IO,
    "internal-error": EXIT_INTERNAL,
}


@dataclass(slots=True)
class _Outcome:
    """What happened to one input of a batch."""

    path: str
    status: str  # ok | invalid | refused | io-error | internal-error
    output: str | None = None
    findings: list[Finding] = field(default_factory=list)
    data: bytes | None = None

    @property
    def lossy(self) -> bool:
        return any(f.code == "convert.loss" for f in self.findings)

    @property
    def exit_code(self) -> int:
        return _EXIT[self.status]

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "output": self.output,
            "lossy": self.lossy,
            "findings": [finding_json(f) for f in self.findings],
        }


@dataclass(frozen=True, slots=True)
class _Task:
    """One conversion for a worker: the input (or the bytes read from standard input)."""

    item: InputFile
    data: bytes | None
    to: str
    allow_loss: bool
    allow_nonstandard: bool
    strict_encoding: bool
    limits: Limits


def _convert_one(task: _Task) -> _Outcome:
    """Convert one input in memory (runs in worker processes; writes nothing, never raises
    except on Ctrl-C)."""
    item = task.item
    name = item.display
    try:
        data = task.data if task.data is not None else read_input(item, task.limits)
        result = medbridge.convert(
            data,
            task.to,
            allow_loss=task.allow_loss,
            allow_nonstandard=task.allow_nonstandard,
            limits=task.limits,
            strict_encoding=task.strict_encoding,
        )
    except InputError as exc:
        io_error = any(f.code in IO_FAILURES for f in exc.findings)
        return _Outcome(
            name, "io-error" if io_error else "invalid", findings=located(exc.findings, item)
        )
    except InternalError as exc:
        return _Outcome(name, "internal-error", findings=[internal_finding(name, exc)])
    except MedbridgeError as exc:  # ConversionError and the like
        return _Outcome(name, "invalid", findings=located(exc.findings, item))
    except Exception as exc:  # a bug outside the library's guard: this input's result only
        return _Outcome(name, "internal-error", findings=[internal_finding(name, exc)])
    return _Outcome(name, "ok", findings=located(result.findings, item), data=result.output)


@click.command()
@paths_argument
@patterns_option
@click.option(
    "--to",
    "to",
    type=click.Choice(["xml", "edifact", "json"]),
    required=True,
    help="Target format.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Output folder; the input tree is mirrored below it.",
)
@click.option(
    "--keep-extension",
    is_flag=True,
    help="Keep the input's extension in the output name (x.xml -> x.xml.json, x.edi -> "
    "x.edi.json), so files that differ only in extension get one output each.",
)
@click.option("--force", is_flag=True, help="Replace converted files that already exist.")
@click.option(
    "--allow-loss",
    is_flag=True,
    help="Write even when the target cannot carry some values; report each loss.",
)
@click.option(
    "--allow-nonstandard",
    is_flag=True,
    help="EDIFACT: write texts over MedCom's FTX count limits (as MedCom does), with a warning.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel processes (default: all cores).",
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JSON report of every file, including losses (an existing report is replaced).",
)
@click.option(
    "--name",
    "stdin_name",
    metavar="NAME",
    help="With - (standard input): the file name it stands for, which names its output "
    "(NAME with the target's extension).",
)
@click.option("--strict-encoding", is_flag=True, help="An undeclared Latin-1 file is an error.")
@max_size_option
@quiet_option
def convert(
    paths: tuple[Path, ...],
    patterns: tuple[str, ...],
    to: str,
    out_dir: Path,
    keep_extension: bool,
    force: bool,
    allow_loss: bool,
    allow_nonstandard: bool,
    jobs: int | None,
    report_file: Path | None,
    stdin_name: str | None,
    strict_encoding: bool,
    max_size: int | None,
    quiet: bool,
) -> None:
    """Convert messages to another format, mirroring the input tree under --out.

    PATH is a file, a folder (walked) or - for standard input (with --name). Writes are
    atomic; inputs are never overwritten, existing outputs only with --force; two inputs that
    would write the same output are both refused (see --keep-extension); a bad file is reported
    and the batch goes on.

    \b
    Examples:
      medbridge convert fixtures/valid --to json --out out --keep-extension
      medbridge convert inbox --to edifact --out outbox --report report.json
      cat letter.edi | medbridge convert - --name letter.edi --to xml --out outbox
    """
    try:
        _check_stdin_name(paths, stdin_name)
        inputs, notes = gather(paths, patterns)
        limits = limits_for(max_size)
        inputs = [_named_stdin(item, stdin_name) if item.stdin else item for item in inputs]
        outputs, collisions = plan_outputs(inputs, out_dir, to, keep_extension=keep_extension)
        tasks = [
            _Task(
                *_with_stdin(item, limits),
                to,
                allow_loss,
                allow_nonstandard,
                strict_encoding,
                limits,
            )
            for index, item in enumerate(inputs)
            if index not in collisions
        ]
        index_of_inputs = InputSet([i.path for i in inputs if i.problem is None and not i.stdin])
        sweeper = TemporarySweeper()
        results = run_in_order(_convert_one, tasks, jobs or os.cpu_count() or 1)
        outcomes: list[_Outcome] = []
        progress = Progress.for_terminal("Converting", len(inputs), quiet=quiet)
        with contextlib.closing(results), progress:
            for index, item in enumerate(inputs):
                if index in collisions:
                    outcome = _Outcome(item.display, "refused", findings=[collisions[index]])
                else:
                    outcome = next(results)
                if outcome.status == "ok" and outcome.data is not None:
                    for note in sweeper.sweep(outputs[index].parent):
                        if not quiet:
                            progress.echo(note.format(), err=True)
                    _write(outcome, outputs[index], index_of_inputs, force)
                outcome.data = None
                outcomes.append(outcome)
                _print_outcome(outcome, progress, quiet)
                progress.advance()
        if not quiet:
            echo_notes(notes)
            click.echo(_summary(outcomes))
        codes = [o.exit_code for o in outcomes]
        if report_file is not None:
            body = json_document("convert", [o.as_json() for o in outcomes]).encode("utf-8")
            codes.append(write_report(report_file, body, index_of_inputs, sweeper, quiet=quiet))
        sys.exit(overall(codes))
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)


def _check_stdin_name(paths: tuple[Path, ...], stdin_name: str | None) -> None:
    reads_stdin = any(str(path) == STDIN for path in paths)
    if reads_stdin and stdin_name is None:
        raise click.UsageError("reading standard input (-) needs --name for the output's name.")
    if stdin_name is not None and not reads_stdin:
        raise click.UsageError("--name names standard input; give - as a PATH too.")
    if stdin_name is not None and (
        stdin_name in ("", ".", "..") or "/" in stdin_name or os.sep in stdin_name
    ):
        raise click.BadParameter("a file name without folders", param_hint="--name")


def _named_stdin(item: InputFile, stdin_name: str | None) -> InputFile:
    return dataclasses.replace(item, relative=Path(stdin_name or STDIN))


def _with_stdin(item: InputFile, limits: Limits) -> tuple[InputFile, bytes | None]:
    """Standard input is read here, once, before the workers start (they cannot read it); if
    that fails, the input carries the problem instead."""
    if not item.stdin:
        return item, None
    try:
        return item, read_input(item, limits)
    except InputError as exc:
        return dataclasses.replace(item, problem=exc.findings[0]), None


def _write(outcome: _Outcome, dest: Path, inputs: InputSet, force: bool) -> None:
    assert outcome.data is not None
    try:
        check_destination(dest, inputs, force=force)
        atomic_write(dest, outcome.data)
        outcome.output = display_name(dest)
    except OutputRefused as exc:
        outcome.status = "refused"
        outcome.findings.extend(exc.findings)
    except OutputError as exc:
        outcome.status = "io-error"
        outcome.findings.extend(exc.findings)


def _print_outcome(outcome: _Outcome, progress: Progress, quiet: bool) -> None:
    if outcome.status == "ok" and (
        quiet or all(f.severity is Severity.INFO for f in outcome.findings)
    ):
        return
    progress.echo(f"{outcome.path}: {outcome.status}", err=True)
    for finding in outcome.findings:
        if finding.severity is not Severity.INFO:
            progress.echo("  " + finding_line(finding, outcome.path), err=True)


def _summary(outcomes: list[_Outcome]) -> str:
    counts = dict.fromkeys(_EXIT, 0)
    for o in outcomes:
        counts[o.status] += 1
    lossy = sum(1 for o in outcomes if o.lossy and o.status == "ok")
    failed = counts["refused"] + counts["io-error"] + counts["internal-error"]
    return (
        f"{len(outcomes)} file(s): {counts['ok']} converted, {counts['invalid']} invalid, "
        f"{lossy} lossy, {failed} failed"
    )
