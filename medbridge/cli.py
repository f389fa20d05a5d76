"""The ``medbridge`` command line: a thin click shell over the library.

It parses arguments, walks paths, prints, writes files through :mod:`medbridge.files` and sets
the exit code. No MedCom knowledge lives here. This module is the entry point: the ``main``
group and the ``show`` command; ``validate``, ``detect`` and ``convert`` and what they share
(exit codes, options, input handling) live in :mod:`medbridge.commands`.

Exit codes (``safety-and-validation.md`` §7): 0 all good, 1 any invalid input, 2 usage error,
70 internal error, 73 output refused, 74 I/O failure, 130 interrupted. With several outcomes in
one run, the first of 70, 74, 73, 1, 0 wins.
"""

from __future__ import annotations

import functools
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

import medbridge
from medbridge.commands.acknowledge import acknowledge
from medbridge.commands.common import (
    EXIT_INTERNAL,
    EXIT_IO,
    EXIT_REFUSED,
    exit_for,
    format_option,
    internal_finding,
    output_option,
    read_input,
)
from medbridge.commands.convert import convert
from medbridge.commands.detect import detect
from medbridge.commands.validate import validate
from medbridge.errors import InputError, InternalError, OutputError, OutputRefused
from medbridge.files import atomic_write, check_destination
from medbridge.findings import Finding
from medbridge.inputs import STDIN, InputFile, collect_inputs
from medbridge.limits import DEFAULT_LIMITS

F = TypeVar("F", bound=Callable[..., Any])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(medbridge.__version__, prog_name="medbridge")
def main() -> None:
    """Read, validate and convert Danish MedCom messages (epikrise, ambulant epikrise,
    henvisning, plejeforløbsplan) in OIOXML and EDIFACT.

    \b
    Examples:
      medbridge validate fixtures/valid
      medbridge detect letter.xml
      medbridge convert inbox --to edifact --out outbox
      medbridge acknowledge inbox --out receipts
    """


main.add_command(validate)
main.add_command(detect)
main.add_command(convert)
main.add_command(acknowledge)


def _file(findings: Sequence[Finding], path: str) -> list[Finding]:
    return [f if f.location.file else f.with_file(path) for f in findings]


_internal = internal_finding


# ---------------------------------------------------------------------------------------------
# show


class StandardInput(bytes):
    """The bytes read from standard input; named ``-`` (what ``str()`` gives) in findings."""

    def __str__(self) -> str:
        return STDIN


def _one_input(command: F) -> F:
    """What ``show`` shares with the batch commands, before it runs: ``-`` becomes the bytes of
    standard input; a FIFO, device or socket is refused (``io.not-regular-file``, exit 74)
    without being opened; and ``--output`` is always replaced (``--force`` is still accepted)."""

    @functools.wraps(command)
    def run(**kwargs: Any) -> Any:
        path = kwargs["path"]
        if str(path) == STDIN:
            item = InputFile(Path(STDIN), Path(STDIN), named=True)
            try:
                kwargs["path"] = StandardInput(read_input(item, DEFAULT_LIMITS))
            except InputError as exc:
                for finding in exc.findings:
                    click.echo(finding.format(), err=True)
                sys.exit(exit_for(exc.findings, True))
        else:
            (item,), _ = collect_inputs([path])
            if item.problem is not None and item.problem.code == "io.not-regular-file":
                click.echo(item.problem.format(), err=True)
                sys.exit(EXIT_IO)
        kwargs["force"] = True
        return command(**kwargs)

    return run  # type: ignore[return-value]


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@format_option(
    ["text", "html", "json"],
    "text for a terminal, a self-contained HTML page, or the view model as JSON.",
)
@output_option("Write to this file (atomically) instead of standard output.")
@click.option("--force", is_flag=True, hidden=True, help="Accepted; --output is always replaced.")
@click.option("--no-pager", is_flag=True, help="Never page the text view on a terminal.")
@_one_input
def show(path: Path, fmt: str, output: Path | None, force: bool, no_pager: bool) -> None:
    """Show a letter as a person reads it, critical facts first.

    A box comes first with every statement about resuscitation or treatment
    level, CAVE/allergies and contagion, each quoted whole; a kind with none
    says so. Then the header, follow-up statements and the whole letter. The
    view shows the patient's full CPR number. Colour only on a terminal; a
    pager when the text is taller than the screen.

    \b
    Example:
      medbridge show fixtures/valid/epikrise/some-letter.xml
      medbridge show letter.edi --format html --output letter.html
      medbridge show letter.xml --format json
    """
    from medbridge.view.html import render_html
    from medbridge.view.model import view_json
    from medbridge.view.text import render_text

    try:
        message = medbridge.read(path)
        # a wrapped letter's view shows its envelopes and their wrapper.* warnings
        found = list(medbridge.validate(path)) if message.transport else []
        terminal = output is None and sys.stdout.isatty()
        if fmt == "html":
            rendered = render_html(message, found)
        elif fmt == "json":
            rendered = view_json(message, found)
        else:
            width = shutil.get_terminal_size().columns if terminal else 80
            rendered = render_text(message, ansi=terminal, width=width, findings=found)
    except InputError as exc:
        for finding in _file(exc.findings, str(path)):
            click.echo(finding.format(), err=True)
        status = EXIT_IO if any(f.code == "io.unreadable" for f in exc.findings) else 1
        sys.exit(status)
    except InternalError as exc:
        click.echo(_internal(str(path), exc).format(), err=True)
        sys.exit(EXIT_INTERNAL)
    if output is None:
        tall = rendered.count("\n") > shutil.get_terminal_size().lines
        if fmt == "text" and terminal and tall and not no_pager:
            click.echo_via_pager(rendered, color=True)
        else:
            click.echo(rendered, nl=False)
        return
    try:
        check_destination(output, [path], force=force)
        atomic_write(output, rendered.encode("utf-8"))
    except OutputRefused as exc:
        click.echo(exc.findings[0].format(), err=True)
        sys.exit(EXIT_REFUSED)
    except OutputError as exc:
        click.echo(exc.findings[0].format(), err=True)
        sys.exit(EXIT_IO)
