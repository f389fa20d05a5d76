"""``medbridge acknowledge``: write the receipts owed for received messages.

For each input :func:`medbridge.acknowledge` decides the receipts (none, one or two); each is
written in the input's own format, atomically, under ``--out`` at the input's place below its
root, named after the input with the receipt kind in the name: ``x.edi`` → ``x.ctl02.edi``
(negative) and ``x.ctl03.edi`` (positive), ``x.xml`` → ``x.ctl02.xml``. A receipt naming more
than 99 letters is split, the further parts numbered (``x.ctl02-2.edi``). An input is never
overwritten, an existing receipt only with ``--force``, and two inputs that would write the same
receipt are not both written (``io.output-collision``).

Each input ends ``acknowledged`` (its receipts written), ``none-owed`` (no receipt owed: a valid
message without a receipt request, or itself a receipt), ``unanswerable`` (nothing to name a
receipt after), ``unwritable`` (the receipt writer refuses a receipt, e.g. for a version code that
names no EDIFACT message type), ``refused``, ``io-error`` or ``internal-error``. Exit codes as for
every command (``safety-and-validation.md`` §7): 0 when every owed receipt was written, negative
ones included; 1 for an unanswerable or unwritable input, and with ``--fail-on-negative`` for a
written negative receipt; 73
output refused; 74 I/O failure; 70 a bug.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

import medbridge
from medbridge.commands import common
from medbridge.errors import InputError, MedbridgeError, OutputError, OutputRefused
from medbridge.files import EXTENSIONS, InputSet, OutputWriter
from medbridge.findings import Finding, Location, Report, Severity
from medbridge.inputs import InputFile, display_name
from medbridge.letters.declaration import EdifactVersion
from medbridge.limits import Limits
from medbridge.model.message import Message
from medbridge.model.receipt import Receipt, ReceiptVariant
from medbridge.registry import EDIFACT, REGISTRY
from medbridge.validation.reporters import finding_json, json_document

__all__ = ["acknowledge", "receipt_kind", "receipt_name"]

#: What standard input's receipts are named after (``stdin.ctl02.edi``).
STDIN_NAME = "stdin"
_EXIT = {
    "refused": common.EXIT_REFUSED,
    "io-error": common.EXIT_IO,
    "internal-error": common.EXIT_INTERNAL,
}


@dataclass(slots=True)
class _Written:
    variant: ReceiptVariant
    path: str
    receipt: Receipt


@dataclass(slots=True)
class _Result:
    path: str
    status: str
    format: str | None = None
    written: list[_Written] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def exit_code(self, fail_on_negative: bool) -> int:
        if self.status in _EXIT:
            return _EXIT[self.status]
        if self.status in ("unanswerable", "unwritable"):
            return common.EXIT_INVALID
        negative = any(w.variant is not ReceiptVariant.POSITIVE for w in self.written)
        return common.EXIT_INVALID if fail_on_negative and negative else common.EXIT_OK

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "format": self.format,
            "receipts": [_receipt_json(w) for w in self.written],
            "findings": [finding_json(f) for f in self.findings],
        }


def receipt_kind(receipt: Receipt) -> str:
    """The receipt's name in output names and reports: its EDIFACT letter type as declared
    (``ctl02``), whatever format it is written in."""
    version = REGISTRY.version_for(receipt, EDIFACT)
    assert isinstance(version, EdifactVersion)
    return version.letter_type.lower()


def receipt_name(relative: Path, receipt: Receipt, fmt: str, part: int = 1) -> Path:
    """``x.edi`` → ``x.ctl02.edi`` (``x.ctl02-2.edi`` for a second part)."""
    suffix = f".{receipt_kind(receipt)}" + (f"-{part}" if part > 1 else "")
    return relative.with_name(relative.stem + suffix + EXTENSIONS[fmt])


@click.command()
@common.paths_argument
@common.patterns_option
@common.out_dir_option("Output folder for the receipts; the input tree is mirrored below it.")
@click.option(
    "--own-gln",
    "own_glns",
    multiple=True,
    metavar="GLN",
    help="The receiver's own GLN (repeatable): a message addressed to any other is refused "
    "(refuse code MID).",
)
@click.option(
    "--fail-on-negative",
    is_flag=True,
    help="Exit 1 when a negative receipt was written.",
)
@click.option("--force", is_flag=True, help="Replace receipts that already exist.")
@common.format_option(["text", "json"], "text lines, or a JSON report of every input on stdout.")
@common.batch_options()
def acknowledge(
    paths: tuple[Path, ...],
    patterns: tuple[str, ...],
    out_dir: Path,
    own_glns: tuple[str, ...],
    fail_on_negative: bool,
    force: bool,
    fmt: str,
    limits: Limits,
    quiet: bool,
) -> None:
    """Write the receipts (CTL02/CTL03, XCTL02/XCTL03) owed for received messages.

    PATH is a file, a folder (walked) or - for standard input (its receipts are
    named stdin.ctl02.edi …). A negative receipt lists the
    rejected letters with MedCom's refuse code and a short reason; a positive receipt, when the
    sender asked for one, the accepted letters. Receipts are written in the input's format,
    named after it: x.edi -> x.ctl02.edi, x.ctl03.edi. Writing a negative receipt is a success
    (exit 0) unless --fail-on-negative is given.

    \b
    Examples:
      medbridge acknowledge inbox --out receipts --own-gln 5799999000027
      medbridge acknowledge letter.edi --out receipts --format json
    """
    inputs, notes = common.gather(paths, patterns)
    writer = OutputWriter(InputSet(inputs), force=force, sync=True)
    own = list(own_glns) or None
    planned: set[Path] = set()
    results = [_one(item, limits, own, out_dir, writer, planned) for item in inputs]
    if fmt == "json":
        click.echo(json_document("acknowledge", [r.as_json() for r in results]), nl=False)
    else:
        for result in results:
            _print(result, quiet)
    if not quiet:
        common.echo_notes(notes)
        if fmt == "text":
            click.echo(_summary(results))
    sys.exit(common.overall([r.exit_code(fail_on_negative) for r in results]))


def _one(
    item: InputFile,
    limits: Limits,
    own: list[str] | None,
    out_dir: Path,
    writer: OutputWriter,
    planned: set[Path],
) -> _Result:
    result = _Result(item.display, "none-owed")
    try:
        data = common.read_input(item, limits)
        report = Report()
        messages = medbridge.acknowledge(data, report=report, own_identifiers=own)
        result.format = report.format
        result.findings = common.located(report.findings, item)
        if "receipt.unanswerable" in report.codes():
            result.status = "unanswerable"
        if not messages:
            return result
        _write_all(result, item, messages, out_dir, writer, planned)
    except InputError as exc:
        result.status = "io-error" if _io(exc.findings) else "unanswerable"
        result.findings = common.located(exc.findings, item)
    except (OutputRefused, OutputError) as exc:
        result.status = "refused" if isinstance(exc, OutputRefused) else "io-error"
        result.findings.extend(common.located(exc.findings, item))
    except MedbridgeError as exc:  # a receipt the writer refuses (an unmappable version code)
        result.status = "unwritable"
        result.findings.extend(common.located(exc.findings, item))
    except Exception as exc:  # a bug: this input's result, not the run's
        result.status = "internal-error"
        result.findings.append(common.internal_finding(item.display, exc))
    return result


def _write_all(
    result: _Result,
    item: InputFile,
    messages: list[Message],
    out_dir: Path,
    writer: OutputWriter,
    planned: set[Path],
) -> None:
    assert result.format is not None
    parts: dict[ReceiptVariant, int] = {}
    relative = Path(STDIN_NAME) if item.stdin else item.relative
    for message in messages:
        receipt = message.letter
        assert isinstance(receipt, Receipt)
        parts[receipt.variant] = parts.get(receipt.variant, 0) + 1
        dest = out_dir / receipt_name(relative, receipt, result.format, parts[receipt.variant])
        if dest in planned:
            raise OutputRefused.from_findings([_collision(item, dest)])
        planned.add(dest)
        writer.write(dest, medbridge.write(message, result.format))
        result.written.append(_Written(receipt.variant, display_name(dest), receipt))
        result.status = "acknowledged"


def _collision(item: InputFile, dest: Path) -> Finding:
    return Finding(
        "io.output-collision",
        Severity.ERROR,
        f"Another input already wrote {display_name(dest)} in this run; this receipt is not "
        "written.",
        Location(file=item.display),
    )


def _io(findings: list[Finding]) -> bool:
    return any(f.code in common.IO_FAILURES for f in findings)


def _receipt_json(written: _Written) -> dict[str, Any]:
    receipt = written.receipt
    return {
        "kind": receipt_kind(receipt),
        "variant": written.variant.value,
        "path": written.path,
        "identifier": receipt.identifier,
        "refuse_code": _code(receipt.refusal),
        "letters": [
            {
                "identifier": letter.identifier,
                "version": letter.version_code,
                "refuse_code": _code(letter.refusal),
            }
            for letter in receipt.letters
        ],
    }


def _code(refusal: Any) -> str | None:
    if refusal is None or refusal.code is None:
        return None
    return str(refusal.code)


def _print(result: _Result, quiet: bool) -> None:
    for written in result.written:
        if not quiet or written.variant is not ReceiptVariant.POSITIVE:
            what = _describe(written.receipt)
            kind = receipt_kind(written.receipt)
            click.echo(f"{result.path}: {kind} {written.path} ({what})")
    if result.status != "acknowledged" and not (quiet and result.status == "none-owed"):
        click.echo(f"{result.path}: {result.status}", err=result.status != "none-owed")
    for finding in result.findings:
        if finding.is_error and result.status != "acknowledged":
            click.echo("  " + common.finding_line(finding, result.path), err=True)


def _describe(receipt: Receipt) -> str:
    count = len(receipt.letters)
    letters = f"{count} letter" + ("" if count == 1 else "s")
    if receipt.variant is ReceiptVariant.POSITIVE:
        return f"{letters} acknowledged"
    if receipt.refusal is not None:
        return f"interchange refused ({_code(receipt.refusal)}), {letters} named"
    return f"{letters} refused"


def _summary(results: list[_Result]) -> str:
    negative = sum(
        1 for r in results for w in r.written if w.variant is not ReceiptVariant.POSITIVE
    )
    positive = sum(1 for r in results for w in r.written if w.variant is ReceiptVariant.POSITIVE)
    none = sum(1 for r in results if r.status == "none-owed")
    failed = sum(1 for r in results if r.status not in ("acknowledged", "none-owed"))
    return (
        f"{len(results)} input{'s' if len(results) != 1 else ''}: {negative} negative and "
        f"{positive} positive receipts written, {none} without receipt, {failed} failed"
    )
