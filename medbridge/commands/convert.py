"""``medbridge convert``: convert a batch, mirroring the input tree under ``--out``.

Before anything is written every output path is planned; inputs that would share one output are
all refused (``io.output-collision``, exit 73), with or without ``--force``, and
``--keep-extension`` keeps them apart (``x.xml`` → ``x.xml.json``, ``x.edi`` → ``x.edi.json``).
The temporary files that killed runs left in the output folders are removed first. The inputs
are then converted and written in chunks (:mod:`medbridge.commands.conversion`): in this process
for ``--jobs 1``, else in worker processes that write their own outputs atomically and send back
only each input's outcome; this process collects the outcomes in input order, prints them and,
for ``--fsync end``, makes every written file durable before the summary, the report and the exit
code (:mod:`medbridge.durable`). Each input ends ``ok``, ``invalid``, ``refused``, ``io-error`` or
``internal-error``; one never stops the batch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import click

from medbridge.commands import common
from medbridge.commands.conversion import ConvertJob, Outcome, Task, convert_chunk
from medbridge.commands.progress import Progress
from medbridge.commands.tally import Tally
from medbridge.commands.workers import chunk_size, run_chunks
from medbridge.durable import DEFAULT_FSYNC, Fsync
from medbridge.errors import InputError
from medbridge.files import InputSet, OutputWriter, TemporarySweeper, output_path, plan_outputs
from medbridge.findings import Finding, Severity
from medbridge.inputs import STDIN, InputFile, display_name
from medbridge.limits import Limits
from medbridge.validation.reporters import json_document

__all__ = ["convert"]


@click.command()
@common.paths_argument
@common.patterns_option
@click.option(
    "--to",
    "to",
    type=click.Choice(["xml", "edifact", "json"]),
    required=True,
    help="Target format.",
)
@common.out_dir_option("Output folder; the input tree is mirrored below it.")
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
    help="Write, with a warning, what MedCom's limits refuse: EDIFACT texts over the FTX "
    "count limits (as MedCom does), XML values the schema does not allow.",
)
@click.option(
    "--wrap",
    type=click.Choice(["vans", "sbdh"]),
    default=None,
    help="Put each XML or EDIFACT output in a VANS envelope, or in an SBDH document around a "
    "VANS envelope; new envelope identifiers for every file and every run.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel processes (default: all cores).",
)
@click.option(
    "--fsync",
    "fsync",
    type=click.Choice([mode.value for mode in Fsync]),
    default=DEFAULT_FSYNC.value,
    show_default=True,
    help="When outputs reach the disk: 'end' fsyncs every written file and folder before the "
    "summary, report and exit code; 'always' fsyncs each file before it is renamed into place; "
    "'never' is for scratch runs.",
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
@common.batch_options(strict_encoding=True)
def convert(
    paths: tuple[Path, ...],
    patterns: tuple[str, ...],
    to: str,
    out_dir: Path,
    keep_extension: bool,
    force: bool,
    allow_loss: bool,
    allow_nonstandard: bool,
    wrap: str | None,
    jobs: int | None,
    fsync: str,
    report_file: Path | None,
    stdin_name: str | None,
    strict_encoding: bool,
    limits: Limits,
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
      medbridge convert inbox --to xml --wrap sbdh --out outbox

    Input in SBDH or VANS envelopes is unwrapped and its letter converted.
    """
    try:
        if wrap is not None and to == "json":
            raise click.UsageError("--wrap puts XML or EDIFACT in envelopes, not JSON.")
        _check_stdin_name(paths, stdin_name)
        inputs, notes = common.gather(paths, patterns)
        inputs = [_named_stdin(item, stdin_name) if item.stdin else item for item in inputs]
        _, collisions = plan_outputs(inputs, out_dir, to, keep_extension=keep_extension)
        dest = functools.partial(
            output_path, out_dir=out_dir, fmt=to, keep_extension=keep_extension
        )
        index_of_inputs = InputSet(inputs)
        mode = Fsync(fsync)
        writer = OutputWriter(index_of_inputs, force=force, sync=mode is Fsync.ALWAYS)
        job = ConvertJob(
            to, allow_loss, allow_nonstandard, strict_encoding, limits, writer, mode, wrap
        )
        sweeper = TemporarySweeper()
        swept = _sweep(sweeper, inputs, collisions, dest)
        work = _tasks(inputs, collisions, limits, dest)
        jobs = min(jobs or os.cpu_count() or 1, len(inputs) - len(collisions))
        size = chunk_size(len(inputs), jobs)
        results = run_chunks(convert_chunk, job, work, jobs=jobs, size=size)
        tally = Tally(keep=report_file is not None)
        if mode is Fsync.END:
            tally.remember_writes()
        progress = Progress.for_terminal("Converting", len(inputs), quiet=quiet)
        with contextlib.closing(results), progress:
            if not quiet:
                common.echo_notes(swept, lambda line: progress.echo(line, err=True))
            for index, item in enumerate(inputs):
                if index in collisions:
                    outcome = Outcome(item.display, "refused", findings=[collisions[index]])
                else:
                    outcome = next(results)
                _print_outcome(outcome, progress, quiet)
                tally.add(outcome)
                progress.advance()
            next(results, None)  # let the runner finish (and its workers end)
        if mode is Fsync.END:

            def describe(index: int) -> tuple[str, str]:
                return inputs[index].display, display_name(dest(inputs[index]))

            for outcome in tally.flush(describe):
                _print_outcome(outcome, progress, quiet)
        if not quiet:
            common.echo_notes(notes)
            click.echo(tally.summary())
        codes = [tally.exit_code()]
        if tally.outcomes is not None and report_file is not None:
            rows = [o.as_json() for o in tally.outcomes]
            body = json_document("convert", rows).encode("utf-8")
            codes.append(
                common.write_report(report_file, body, index_of_inputs, sweeper, quiet=quiet)
            )
        sys.exit(common.overall(codes))
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(common.EXIT_INTERRUPTED)


def _sweep(
    sweeper: TemporarySweeper,
    inputs: Sequence[InputFile],
    collisions: dict[int, Finding],
    dest: Callable[[InputFile], Path],
) -> list[Finding]:
    """Remove what killed runs left in the folders this run may write to (each folder once)."""
    notes: list[Finding] = []
    for index, item in enumerate(inputs):
        if index not in collisions:
            notes.extend(sweeper.sweep(dest(item).parent))
    return notes


def _tasks(
    inputs: Sequence[InputFile],
    collisions: dict[int, Finding],
    limits: Limits,
    dest: Callable[[InputFile], Path],
) -> Iterator[Task]:
    """The conversions to run, made as the runner asks for them."""
    for index, item in enumerate(inputs):
        if index not in collisions:
            yield Task(*_with_stdin(item, limits), dest(item))


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
    """Standard input is read here, in this process, as its task is made (workers cannot read
    it); if that fails, the input carries the problem instead."""
    if not item.stdin:
        return item, None
    try:
        return item, common.read_input(item, limits)
    except InputError as exc:
        return dataclasses.replace(item, problem=exc.findings[0]), None


def _print_outcome(outcome: Outcome, progress: Progress, quiet: bool) -> None:
    if outcome.status == "ok" and (
        quiet or all(f.severity is Severity.INFO for f in outcome.findings)
    ):
        return
    progress.echo(f"{outcome.path}: {outcome.status}", err=True)
    for finding in outcome.findings:
        if finding.severity is not Severity.INFO:
            progress.echo("  " + common.finding_line(finding, outcome.path), err=True)
