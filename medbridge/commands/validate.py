"""``medbridge validate``: every input's findings as text, JSON, JUnit XML or SARIF.

An input never stops the batch: one that cannot be read is reported with its I/O finding (exit
74), and an unexpected exception while validating one (a bug) becomes that input's
``internal.error`` finding (exit 70) while every other input is still validated and reported, in
every format.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import click

import medbridge
from medbridge.commands import common
from medbridge.commands.progress import Progress
from medbridge.findings import Finding, Report, Severity
from medbridge.inputs import InputFile
from medbridge.limits import Limits
from medbridge.validation import reporters

__all__ = ["validate"]

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


@dataclass(slots=True)
class _Result:
    """One input's report and its verdict."""

    item: InputFile
    report: Report
    failed: bool

    @property
    def status(self) -> str:
        codes = set(self.report.codes())
        if common.INTERNAL in codes:
            return "INTERNAL ERROR"
        if codes & common.IO_FAILURES:
            return "UNREADABLE"
        return "INVALID" if self.failed else "ok"

    @property
    def exit_code(self) -> int:
        return common.exit_for(self.report.findings, self.failed)


@click.command()
@common.paths_argument
@common.patterns_option
@common.format_option(
    ["text", "json", "junit", "sarif"],
    "Report format: text for people; json, junit (JUnit XML) or sarif (SARIF 2.1.0).",
)
@common.output_option(
    "Write the report to this file instead of standard output (atomically; an existing "
    "report is replaced)."
)
@click.option(
    "--warnings-as-errors", is_flag=True, help="A file with a warning fails (INVALID, exit 1)."
)
@common.batch_options(strict_encoding=True)
def validate(
    paths: tuple[Path, ...],
    patterns: tuple[str, ...],
    fmt: str,
    output: Path | None,
    warnings_as_errors: bool,
    strict_encoding: bool,
    limits: Limits,
    quiet: bool,
) -> None:
    """Validate messages: schema, identifiers and semantic rules.

    PATH is a file, a folder (walked) or - for standard input.

    \b
    Examples:
      medbridge validate fixtures/valid
      medbridge validate inbox --format junit --output report.xml
      medbridge validate inbox --format sarif --output medbridge.sarif
      cat letter.edi | medbridge validate -
    """
    try:
        inputs, notes = common.gather(paths, patterns)
        streaming = fmt == "text" and output is None
        colour = streaming and sys.stdout.isatty()
        results: list[_Result] = []
        with Progress.for_terminal("Validating", len(inputs), quiet=quiet) as progress:
            for item in inputs:
                report = _validate_one(item, limits, strict_encoding)
                failed = any(_fails(f, warnings_as_errors) for f in report.findings)
                result = _Result(item, report, failed)
                results.append(result)
                if streaming and (result.status != "ok" or not quiet):
                    for line in _lines(result, colour):
                        progress.echo(line)
                progress.advance()
        if not quiet:
            common.echo_notes(notes)
        codes = [result.exit_code for result in results]
        if streaming:
            if not quiet:
                click.echo(_summary(results))
            sys.exit(common.overall(codes))
        named = [(str(result.item.path), result.report) for result in results]
        if fmt == "text":
            text = [line for result in results for line in _lines(result, False)]
            body = "\n".join([*text, _summary(results)]).encode("utf-8") + b"\n"
        elif fmt == "json":
            body = reporters.to_json(named, warnings_as_errors=warnings_as_errors).encode("utf-8")
        elif fmt == "junit":
            body = reporters.to_junit(named, warnings_as_errors=warnings_as_errors)
        else:
            body = reporters.to_sarif(named, version=medbridge.__version__).encode("utf-8")
        if output is None:
            click.echo(body.decode("utf-8"), nl=False)
        else:
            readable = [i.path for i in inputs if i.problem is None and not i.stdin]
            codes.append(common.write_report(output, body, readable))
        sys.exit(common.overall(codes))
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(common.EXIT_INTERRUPTED)


def _validate_one(item: InputFile, limits: Limits, strict_encoding: bool) -> Report:
    """One input's report; never raises (except on Ctrl-C)."""
    work = partial(medbridge.validate, limits=limits, strict_encoding=strict_encoding)
    return common.run_on_input(item, limits, work, Report)


def _fails(finding: Finding, warnings_as_errors: bool) -> bool:
    return finding.is_error or (warnings_as_errors and finding.severity is Severity.WARNING)


def _lines(result: _Result, colour: bool) -> list[str]:
    report = result.report
    what = " ".join(x for x in (report.format, report.kind, report.version) if x)
    head = f"{result.item.display}: {result.status}" + (f" ({what})" if what else "")
    lines = [click.style(head, fg="green" if result.status == "ok" else "red", bold=True)]
    if not colour:
        lines = [head]
    for finding in report.findings:
        line = "  " + common.finding_line(finding, result.item.display)
        lines.append(click.style(line, fg=_COLOURS[finding.severity]) if colour else line)
    return lines


def _summary(results: list[_Result]) -> str:
    counts = {"ok": 0, "INVALID": 0, "UNREADABLE": 0, "INTERNAL ERROR": 0}
    for result in results:
        counts[result.status] += 1
    text = f"{len(results)} file(s): {counts['ok']} valid, {counts['INVALID']} invalid"
    if counts["UNREADABLE"]:
        text += f", {counts['UNREADABLE']} unreadable"
    if counts["INTERNAL ERROR"]:
        text += f", {counts['INTERNAL ERROR']} internal error"
    return text
