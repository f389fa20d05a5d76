"""What the batch commands share: exit codes, options, gathering inputs, per-input errors.

Exit codes (``safety-and-validation.md`` §7): 0 all good, 1 any invalid input, 2 usage error
(also: no input file at all after walking), 70 internal error, 73 output refused, 74 I/O failure
(an input that cannot be read, a folder that cannot be listed, an output that cannot be
written), 130 interrupted. With several outcomes in one run the first of 70, 74, 73, 1, 0 wins.

One rule for files every command writes: a report or rendering named by ``--output`` or
``--report`` is always replaced (a CI job reruns into the same file); converted files under
``--out`` are replaced only with ``--force``. Neither ever replaces an input or writes through a
symlink.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click

from medbridge.errors import InputError, OutputError, OutputRefused
from medbridge.files import InputSet, TemporarySweeper, atomic_write, check_destination
from medbridge.findings import Finding, Location, Severity
from medbridge.inputs import DEFAULT_PATTERNS, InputFile, collect_inputs, display_name, load_input
from medbridge.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_IO",
    "EXIT_OK",
    "EXIT_REFUSED",
    "batch_options",
    "exit_for",
    "finding_line",
    "gather",
    "internal_finding",
    "located",
    "max_size_option",
    "out_dir_option",
    "overall",
    "paths_argument",
    "patterns_option",
    "quiet_option",
    "read_input",
    "run_on_input",
    "strict_encoding_option",
    "write_report",
]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_INTERNAL = 70
EXIT_REFUSED = 73
EXIT_IO = 74
EXIT_INTERRUPTED = 130

_PRECEDENCE = (EXIT_INTERNAL, EXIT_IO, EXIT_REFUSED, EXIT_INVALID)
#: Finding codes that make an input an I/O failure (exit 74) rather than an invalid one (1).
IO_FAILURES = frozenset({"io.unreadable", "io.not-regular-file"})
INTERNAL = "internal.error"

F = TypeVar("F", bound=Callable[..., Any])


class _WithFindings(Protocol):
    findings: list[Finding]


R = TypeVar("R", bound=_WithFindings)


def overall(codes: Sequence[int]) -> int:
    """The exit code of a run from the codes of its parts (first of 70, 74, 73, 1, else 0)."""
    for code in _PRECEDENCE:
        if code in codes:
            return code
    return EXIT_OK


def exit_for(findings: Sequence[Finding], failed: bool) -> int:
    """The exit code one input contributes: 70 for a bug, 74 when it could not be read, 1 when
    ``failed`` (its verdict), else 0."""
    codes = {f.code for f in findings}
    if INTERNAL in codes:
        return EXIT_INTERNAL
    if codes & IO_FAILURES:
        return EXIT_IO
    return EXIT_INVALID if failed else EXIT_OK


paths_argument = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(allow_dash=True, path_type=Path)
)


def patterns_option(func: F) -> F:
    return click.option(
        "--glob",
        "patterns",
        multiple=True,
        help="File name pattern for walked folders (repeatable; default: "
        + " ".join(DEFAULT_PATTERNS)
        + ").",
    )(func)


def quiet_option(func: F) -> F:
    return click.option(
        "--quiet",
        "-q",
        is_flag=True,
        help="No progress bar, no summary, no notes: only the files that need attention.",
    )(func)


def strict_encoding_option(func: F) -> F:
    return click.option(
        "--strict-encoding", is_flag=True, help="An undeclared Latin-1 file is an error."
    )(func)


def max_size_option(func: F) -> F:
    """``--max-size BYTES``, given to the command as ``limits`` (the default limits without it)."""
    return click.option(
        "--max-size",
        "limits",
        type=click.IntRange(min=1),
        default=None,
        metavar="BYTES",
        callback=_limits_for,
        help=f"Largest input read (default: {DEFAULT_LIMITS.max_input_bytes} bytes).",
    )(func)


def batch_options(*, strict_encoding: bool = False) -> Callable[[F], F]:
    """The options a batch command's list ends with: ``--strict-encoding`` (only where asked
    for: the commands that decode their inputs), ``--max-size`` and ``--quiet``. Put it right
    above the function so that they come last in ``--help``."""

    def decorate(func: F) -> F:
        func = max_size_option(quiet_option(func))
        return strict_encoding_option(func) if strict_encoding else func

    return decorate


def format_option(choices: Sequence[str], help: str | None = None) -> Callable[[F], F]:
    """``--format`` (as ``fmt``): one of ``choices``, the first by default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


def output_option(help: str) -> Callable[[F], F]:
    """``--output``: a file written atomically instead of standard output."""
    return click.option(
        "--output", "output", type=click.Path(dir_okay=False, path_type=Path), help=help
    )


def out_dir_option(help: str) -> Callable[[F], F]:
    """``--out`` (as ``out_dir``): the required output folder of a batch command."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        required=True,
        help=help,
    )


def _limits_for(_ctx: click.Context, _param: click.Parameter, max_size: int | None) -> Limits:
    return DEFAULT_LIMITS if max_size is None else Limits(max_input_bytes=max_size)


def gather(paths: Sequence[Path], patterns: Sequence[str]) -> tuple[list[InputFile], list[Finding]]:
    """The inputs below ``paths`` and notes on skipped links. No input at all is a usage error
    (exit 2) with a hint about ``--glob``; an input that cannot be read is an input like any
    other, reported with its problem."""
    chosen = tuple(patterns) or DEFAULT_PATTERNS
    inputs, notes = collect_inputs(paths, chosen)
    if not inputs:
        named = ", ".join(display_name(path) for path in paths)
        raise click.UsageError(
            f"no input file found in {named}: walked folders are searched for "
            f"{' '.join(chosen)}; choose other names with --glob."
        )
    return inputs, notes


def read_input(item: InputFile, limits: Limits) -> bytes:
    """The bytes of one input (standard input for ``-``); see
    :func:`medbridge.inputs.load_input`."""
    stdin = sys.stdin.buffer if item.stdin else None
    return load_input(item, limits, stdin)


def located(findings: Sequence[Finding], item: InputFile) -> list[Finding]:
    """``findings`` about ``item`` with its display name where they name no file."""
    return [f if f.location.file else f.with_file(item.display) for f in findings]


def run_on_input(
    item: InputFile,
    limits: Limits,
    work: Callable[[bytes], R],
    failed: Callable[[list[Finding]], R],
) -> R:
    """``work`` on the bytes of ``item``, its findings located in ``item``. Never raises (but
    on Ctrl-C): an unreadable input, or a bug in ``work``, is ``failed`` with the findings."""
    try:
        data = read_input(item, limits)
    except InputError as exc:
        return failed(located(exc.findings, item))
    try:
        result = work(data)
    except Exception as exc:  # a bug (InternalError or worse): this input's result, not the run's
        return failed([internal_finding(item.display, exc)])
    result.findings = located(result.findings, item)
    return result


def internal_finding(file: str, exc: BaseException) -> Finding:
    """An unexpected exception while handling ``file``, as that file's result."""
    return Finding(
        INTERNAL,
        Severity.ERROR,
        f"medbridge failed unexpectedly ({type(exc).__name__}); this is a bug, please report it.",
        Location(file=file),
    )


def finding_line(finding: Finding, file: str | None = None) -> str:
    """A finding listed under its file's heading: without the file when it is ``file``."""
    text = finding.format()
    own = finding.location.file
    if own and own == file and text.startswith(own):
        text = text[len(own) :].lstrip(":").lstrip()
        if text and text[0].isdigit():
            text = "line " + text
    return text


def write_report(
    output: Path,
    body: bytes,
    inputs: Sequence[object] | InputSet,
    sweeper: TemporarySweeper | None = None,
    *,
    quiet: bool = False,
) -> int:
    """Write a report file atomically, replacing it if it exists (never an input or through a
    symlink); the exit code it contributes. Problems (and, unless ``quiet``, notes on stale
    temporary files removed) go to standard error."""
    if sweeper is not None:
        notes = sweeper.sweep(output.parent)
        if not quiet:
            echo_notes(notes)
    try:
        check_destination(output, inputs, force=True)
        atomic_write(output, body)
    except OutputRefused as exc:
        click.echo(exc.findings[0].format(), err=True)
        return EXIT_REFUSED
    except OutputError as exc:
        click.echo(exc.findings[0].format(), err=True)
        return EXIT_IO
    return EXIT_OK


def echo_notes(notes: Sequence[Finding], echo: Callable[[str], None] | None = None) -> None:
    """Print notes (``info`` findings about the walk) on standard error."""
    for note in notes:
        line = note.format()
        if echo is None:
            click.echo(line, err=True)
        else:
            echo(line)
