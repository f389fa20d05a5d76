"""The ``medbridge`` command line: a thin click shell over the library.

It parses arguments, walks paths, prints, writes files through :mod:`medbridge.files` and sets
the exit code. No MedCom knowledge lives here.

Exit codes (``safety-and-validation.md`` §7): 0 all good, 1 any invalid input, 2 usage error,
70 internal error, 73 output refused, 74 I/O failure, 130 interrupted. With several outcomes in
one run, the first of 70, 74, 73, 1, 0 wins.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

import medbridge
from medbridge.errors import (
    ConversionError,
    InputError,
    InternalError,
    MedbridgeError,
    OutputError,
    OutputRefused,
)
from medbridge.files import (
    DEFAULT_PATTERNS,
    InputFile,
    InputSet,
    atomic_write,
    check_destination,
    collect_inputs,
    output_path,
)
from medbridge.findings import Finding, Report, Severity
from medbridge.validate.reporters import finding_json

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_REFUSED = 73
EXIT_IO = 74
EXIT_INTERRUPTED = 130

_PRECEDENCE = (EXIT_INTERNAL, EXIT_IO, EXIT_REFUSED, EXIT_INVALID)


def _overall(codes: Sequence[int]) -> int:
    for code in _PRECEDENCE:
        if code in codes:
            return code
    return EXIT_OK


_PATHS = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
_GLOB = click.option(
    "--glob",
    "patterns",
    multiple=True,
    help="File name pattern for walked folders (repeatable; default: *.xml *.edi *.edifact).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(medbridge.__version__, prog_name="medbridge")
def main() -> None:
    """Read, validate and convert Danish MedCom messages (epikrise, henvisning,
    plejeforløbsplan) in OIOXML and EDIFACT.

    \b
    Examples:
      medbridge validate fixtures/valid
      medbridge detect letter.xml
      medbridge convert inbox --to edifact --out outbox
    """


def _inputs(
    paths: Sequence[Path], patterns: Sequence[str]
) -> tuple[list[InputFile], list[Finding]]:
    return collect_inputs(paths, tuple(patterns) or DEFAULT_PATTERNS)


# ---------------------------------------------------------------------------------------------
# validate


@main.command()
@_PATHS
@_GLOB
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit", "sarif"]),
    default="text",
    show_default=True,
    help="Report format: text for people; json, junit (JUnit XML) or sarif (SARIF 2.1.0).",
)
@click.option(
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (atomically) instead of standard output.",
)
@click.option("--warnings-as-errors", is_flag=True, help="Treat warnings as errors.")
@click.option("--strict-encoding", is_flag=True, help="An undeclared Latin-1 file is an error.")
def validate(
    paths: tuple[Path, ...],
    patterns: tuple[str, ...],
    fmt: str,
    output: Path | None,
    warnings_as_errors: bool,
    strict_encoding: bool,
) -> None:
    """Validate messages: schema, identifiers and semantic rules.

    \b
    Examples:
      medbridge validate fixtures/valid
      medbridge validate inbox --format junit --output report.xml
      medbridge validate inbox --format sarif --output medbridge.sarif
    """
    from medbridge.validate import reporters

    try:
        inputs, notes = _inputs(paths, patterns)
        results: list[tuple[InputFile, Report]] = []
        codes: list[int] = []
        for item in _progress(inputs, "Validating"):
            report = medbridge.validate(item.path, strict_encoding=strict_encoding)
            results.append((item, report))
            codes.append(_report_exit(report, warnings_as_errors))
        named = [(str(item.path), report) for item, report in results]
        if fmt == "text":
            if output is None:
                _print_reports(results, notes)
                sys.exit(_overall(codes))
            body = _reports_text(results).encode("utf-8")
        elif fmt == "json":
            body = reporters.to_json(named).encode("utf-8")
        elif fmt == "junit":
            body = reporters.to_junit(named, warnings_as_errors=warnings_as_errors)
        else:
            body = reporters.to_sarif(named, version=medbridge.__version__).encode("utf-8")
        if output is None:
            click.echo(body.decode("utf-8"), nl=False)
        else:
            codes.append(_write_report(output, body, [item.path for item in inputs]))
        sys.exit(_overall(codes))
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)


def _write_report(output: Path, body: bytes, inputs: list[Path] | InputSet) -> int:
    """Write a report file atomically; the exit code it contributes."""
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


def _report_exit(report: Report, warnings_as_errors: bool) -> int:
    if any(f.code == "io.unreadable" for f in report.findings):
        return EXIT_IO
    if not report.ok:
        return EXIT_INVALID
    if warnings_as_errors and report.warnings:
        return EXIT_INVALID
    return EXIT_OK


def _reports_text(results: list[tuple[InputFile, Report]]) -> str:
    lines: list[str] = []
    for item, report in results:
        what = " ".join(x for x in (report.format, report.kind, report.version) if x)
        status = "ok" if report.ok else "INVALID"
        lines.append(f"{item.path}: {status}" + (f" ({what})" if what else ""))
        lines += ["  " + _finding_line(f) for f in report.findings]
    valid = sum(1 for _, report in results if report.ok)
    lines.append(f"{len(results)} file(s): {valid} valid, {len(results) - valid} invalid")
    return "\n".join(lines) + "\n"


def _print_reports(results: list[tuple[InputFile, Report]], notes: list[Finding]) -> None:
    colour = sys.stdout.isatty()
    valid = 0
    for item, report in results:
        status = "ok" if report.ok else "INVALID"
        if report.ok:
            valid += 1
        what = " ".join(x for x in (report.format, report.kind, report.version) if x)
        head = f"{item.path}: {status}" + (f" ({what})" if what else "")
        click.echo(
            click.style(head, fg="green" if report.ok else "red", bold=True) if colour else head
        )
        for finding in report.findings:
            line = "  " + _finding_line(finding)
            if colour:
                line = click.style(line, fg=_COLOURS[finding.severity])
            click.echo(line)
    for note in notes:
        click.echo(note.format(), err=True)
    click.echo(f"{len(results)} file(s): {valid} valid, {len(results) - valid} invalid")


_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def _finding_line(finding: Finding) -> str:
    text = finding.format()
    file = finding.location.file
    if file and text.startswith(file):
        text = text[len(file) :].lstrip(":").lstrip()
        if text and text[0].isdigit():
            text = "line " + text
    return text


# ---------------------------------------------------------------------------------------------
# detect


@main.command()
@_PATHS
@_GLOB
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def detect(paths: tuple[Path, ...], patterns: tuple[str, ...], fmt: str) -> None:
    """Say what each file is: format, kind, version, encoding, letter identifier.

    \b
    Example:
      medbridge detect fixtures/valid/epikrise
    """
    inputs, _ = _inputs(paths, patterns)
    rows = []
    codes: list[int] = []
    for item in inputs:
        det = medbridge.detect(item.path)
        rows.append(
            {
                "path": str(item.path),
                **det.as_dict(),
                "findings": [finding_json(f) for f in det.findings],
            }
        )
        bad = det.format is None or any(f.is_error for f in det.findings)
        codes.append(EXIT_INVALID if bad else EXIT_OK)
    if fmt == "json":
        click.echo(json.dumps({"files": rows}, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            fields = [
                str(row[k] or "-") for k in ("format", "kind", "version", "encoding", "identifier")
            ]
            click.echo(f"{row['path']}: " + " ".join(fields))
    sys.exit(_overall(codes))


# ---------------------------------------------------------------------------------------------
# convert


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
        return {
            "ok": EXIT_OK,
            "invalid": EXIT_INVALID,
            "refused": EXIT_REFUSED,
            "io-error": EXIT_IO,
            "internal-error": EXIT_INTERNAL,
        }[self.status]

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "output": self.output,
            "lossy": self.lossy,
            "findings": [finding_json(f) for f in self.findings],
        }


def _convert_one(args: tuple[str, str, bool, bool, bool]) -> _Outcome:
    """Convert one file in memory (runs in worker processes; writes nothing)."""
    path, to, allow_loss, allow_nonstandard, strict_encoding = args
    try:
        result = medbridge.convert(
            Path(path),
            to,
            allow_loss=allow_loss,
            allow_nonstandard=allow_nonstandard,
            strict_encoding=strict_encoding,
        )
    except InputError as exc:
        status = "io-error" if any(f.code == "io.unreadable" for f in exc.findings) else "invalid"
        return _Outcome(path, status, findings=_file(exc.findings, path))
    except ConversionError as exc:
        return _Outcome(path, "invalid", findings=_file(exc.findings, path))
    except InternalError as exc:
        return _Outcome(path, "internal-error", findings=[_internal(path, exc)])
    except MedbridgeError as exc:
        return _Outcome(path, "invalid", findings=_file(exc.findings, path))
    return _Outcome(path, "ok", findings=_file(result.findings, path), data=result.output)


def _file(findings: list[Finding], path: str) -> list[Finding]:
    return [f if f.location.file else f.with_file(path) for f in findings]


def _internal(path: str, exc: BaseException) -> Finding:
    from medbridge.findings import Location

    return Finding(
        "internal.error",
        Severity.ERROR,
        f"medbridge failed unexpectedly ({type(exc).__name__}); this is a bug, please report it.",
        Location(file=path),
    )


@main.command()
@_PATHS
@_GLOB
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
@click.option("--force", is_flag=True, help="Replace outputs that already exist.")
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
    help="Write a JSON report of every file, including losses.",
)
@click.option("--strict-encoding", is_flag=True, help="An undeclared Latin-1 file is an error.")
def convert(
    paths: tuple[Path, ...],
    patterns: tuple[str, ...],
    to: str,
    out_dir: Path,
    force: bool,
    allow_loss: bool,
    allow_nonstandard: bool,
    jobs: int | None,
    report_file: Path | None,
    strict_encoding: bool,
) -> None:
    """Convert messages to another format, mirroring the input tree under --out.

    Writes are atomic; inputs and existing outputs are never overwritten (unless --force for
    outputs); a bad file is reported and the batch goes on.

    \b
    Example:
      medbridge convert fixtures/valid --to json --out out
    """
    try:
        inputs, notes = _inputs(paths, patterns)
        input_paths = InputSet([item.path for item in inputs])
        work = [
            (str(item.path), to, allow_loss, allow_nonstandard, strict_encoding) for item in inputs
        ]
        outcomes: list[_Outcome] = []
        for item, outcome in zip(
            inputs, _progress(_run(work, jobs), "Converting", len(work)), strict=True
        ):
            if outcome.status == "ok" and outcome.data is not None:
                dest = output_path(item, out_dir, to)
                try:
                    check_destination(dest, input_paths, force=force)
                    atomic_write(dest, outcome.data)
                    outcome.output = str(dest)
                except OutputRefused as exc:
                    outcome.status = "refused"
                    outcome.findings.extend(exc.findings)
                except OutputError as exc:
                    outcome.status = "io-error"
                    outcome.findings.extend(exc.findings)
            outcome.data = None
            outcomes.append(outcome)
            _print_outcome(outcome)
        for note in notes:
            click.echo(note.format(), err=True)
        _print_summary(outcomes)
        codes = [o.exit_code for o in outcomes]
        if report_file is not None:
            body = json.dumps(
                {"files": [o.as_json() for o in outcomes]}, ensure_ascii=False, indent=2
            )
            codes.append(_write_report(report_file, body.encode("utf-8") + b"\n", input_paths))
        sys.exit(_overall(codes))
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)


def _run(work: list[tuple[str, str, bool, bool, bool]], jobs: int | None) -> Iterator[_Outcome]:
    workers = jobs or os.cpu_count() or 1
    if workers == 1 or len(work) < 2:
        for args in work:
            yield _convert_one(args)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(work))) as pool:
        yield from pool.map(_convert_one, work, chunksize=max(1, len(work) // (workers * 8)))


def _print_outcome(outcome: _Outcome) -> None:
    if outcome.status == "ok" and not any(
        f.severity is not Severity.INFO for f in outcome.findings
    ):
        return
    click.echo(f"{outcome.path}: {outcome.status}", err=True)
    for finding in outcome.findings:
        if finding.severity is not Severity.INFO:
            click.echo("  " + _finding_line(finding), err=True)


def _print_summary(outcomes: list[_Outcome]) -> None:
    counts = {s: 0 for s in ("ok", "invalid", "refused", "io-error", "internal-error")}
    for o in outcomes:
        counts[o.status] += 1
    lossy = sum(1 for o in outcomes if o.lossy and o.status == "ok")
    failed = counts["refused"] + counts["io-error"] + counts["internal-error"]
    click.echo(
        f"{len(outcomes)} file(s): {counts['ok']} converted, {counts['invalid']} invalid, "
        f"{lossy} lossy, {failed} failed"
    )


def _progress(items: Any, label: str, length: int | None = None) -> Any:
    """A progress bar on a terminal (stderr), nothing when not interactive."""
    if not sys.stderr.isatty():
        return items
    return _bar(items, label, length)


def _bar(items: Any, label: str, length: int | None) -> Iterator[Any]:
    with click.progressbar(items, label=label, length=length, file=sys.stderr) as bar:
        yield from bar


# ---------------------------------------------------------------------------------------------
# show


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "html", "json"]),
    default="text",
    show_default=True,
    help="text for a terminal, a self-contained HTML page, or the view model as JSON.",
)
@click.option(
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (atomically) instead of standard output.",
)
@click.option("--force", is_flag=True, help="Replace --output if it exists.")
@click.option("--no-pager", is_flag=True, help="Never page the text view on a terminal.")
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
        terminal = output is None and sys.stdout.isatty()
        if fmt == "html":
            rendered = render_html(message)
        elif fmt == "json":
            rendered = view_json(message)
        else:
            width = shutil.get_terminal_size().columns if terminal else 80
            rendered = render_text(message, ansi=terminal, width=width)
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
