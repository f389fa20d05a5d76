"""``medbridge detect``: what each input is (format, kind, version, encoding, identifier).

Like ``validate``, it reports an input it cannot read (exit 74) or a bug while detecting one
(exit 70) for that input and goes on with the rest.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Any

import click

import medbridge
from medbridge.commands import common
from medbridge.findings import Finding
from medbridge.inputs import InputFile
from medbridge.limits import Limits
from medbridge.registry import Detection
from medbridge.validation.reporters import finding_json, json_document

__all__ = ["detect"]

_FIELDS = ("format", "kind", "version", "encoding", "identifier")


@click.command()
@common.paths_argument
@common.patterns_option
@common.format_option(["text", "json"])
@common.max_size_option
def detect(paths: tuple[Path, ...], patterns: tuple[str, ...], fmt: str, limits: Limits) -> None:
    """Say what each file is: format, kind, version, encoding, letter identifier.

    PATH is a file, a folder (walked) or - for standard input.

    \b
    Example:
      medbridge detect fixtures/valid/epikrise
    """
    inputs, notes = common.gather(paths, patterns)
    rows: list[dict[str, Any]] = []
    findings: dict[InputFile, list[Finding]] = {}
    codes: list[int] = []
    for item in inputs:
        det = _detect_one(item, limits)
        findings[item] = det.findings
        rows.append(
            {
                "path": item.display,
                **det.as_dict(),
                "findings": [finding_json(f) for f in det.findings],
            }
        )
        bad = det.format is None or any(f.is_error for f in det.findings)
        codes.append(common.exit_for(det.findings, bad))
    if fmt == "json":
        click.echo(json_document("detect", rows), nl=False)
    else:
        for item, row in zip(inputs, rows, strict=True):
            line = f"{row['path']}: " + " ".join(str(row[k] or "-") for k in _FIELDS)
            if row.get("layers"):
                line += " in " + " > ".join(_layer_text(layer) for layer in row["layers"])
            click.echo(line)
            for finding in findings[item]:
                if finding.is_error:
                    click.echo("  " + common.finding_line(finding, item.display))
    common.echo_notes(notes)
    sys.exit(common.overall(codes))


def _layer_text(layer: dict[str, Any]) -> str:
    """``VANS 3f2c…`` / ``SBDH 5799999000027:KVB0000053``: a layer and its envelope id."""
    return f"{str(layer['kind']).upper()} {layer.get('envelope_id') or '-'}"


def _detect_one(item: InputFile, limits: Limits) -> Detection:
    work = partial(medbridge.detect, limits=limits)
    return common.run_on_input(item, limits, work, lambda findings: Detection(findings=findings))
