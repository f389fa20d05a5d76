"""One letter in, one result out: never-raising conversion for batch and distributed work.

:func:`convert_item` runs :func:`medbridge.convert` on one named input and returns an
:class:`ItemResult` instead of raising, so that one bad letter in a batch (a folder, a Spark
partition, a queue) is a row of the report and never stops the others. The statuses:

- ``converted``: written, nothing left out (warnings and infos may be in ``findings``);
- ``lossy``: written *without* some values, each reported in ``losses`` (``convert.loss``
  warnings). Only possible with ``allow_loss=True``;
- ``invalid``: nothing written, and the reason is the input or the target: the input is not a
  readable, valid, supported message (``InputError``), or the conversion was refused
  (``ConversionError``): in strict mode (the default) a value the target cannot carry refuses
  the conversion, and the refusal is an error finding (``convert.unmapped``,
  ``convert.unrepresentable``, ``convert.too-many`` …), *not* a loss: nothing was lost, because
  nothing was written. These are the CLI's "invalid" and "lossy" counts, too;
- ``failed``: nothing written because medbridge itself failed (an ``InternalError``, a bug); the
  result carries one ``internal.error`` finding naming the exception type, never input content.

Every finding is located in the input named ``name`` (``Finding.location.file``). ``format``,
``kind`` and ``version`` are what the same parse detected of the input, as far as it got.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Unpack

from medbridge.api import Conversion, ConvertOptions, convert_detected
from medbridge.errors import InternalError, MedbridgeError
from medbridge.findings import Finding, Location, Severity

__all__ = ["ItemResult", "ItemStatus", "convert_item", "findings_json", "internal_finding"]

LOSS = "convert.loss"


class ItemStatus(enum.StrEnum):
    """What happened to one input (see the module docstring)."""

    CONVERTED = "converted"
    LOSSY = "lossy"
    INVALID = "invalid"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The outcome of converting one input: never an exception."""

    name: str
    status: ItemStatus
    output: bytes | None = None  # the converted bytes; None unless converted or lossy
    findings: list[Finding] = field(default_factory=list)  # every finding, losses included
    format: str | None = None  # detected format of the input
    kind: str | None = None
    version: str | None = None

    @property
    def ok(self) -> bool:
        """True when an output was written (``converted`` or ``lossy``)."""
        return self.output is not None

    @property
    def losses(self) -> list[Finding]:
        """The values left out of ``output`` (``convert.loss`` warnings); empty unless lossy."""
        return [f for f in self.findings if f.code == LOSS]


def convert_item(
    name: str,
    data: bytes | bytearray | memoryview,
    *,
    to: str,
    **options: Unpack[ConvertOptions],
) -> ItemResult:
    """Convert the input ``data`` (called ``name`` in findings) to ``to``; never raises for
    anything in ``data``. The options are :func:`medbridge.convert`'s. A ``str`` for ``data``
    is a ``TypeError`` and an unknown ``to`` a ``ValueError``: caller bugs, not inputs.
    """
    if isinstance(data, str):
        raise TypeError("pass bytes: the input's own declaration decides its encoding")
    detection, result = convert_detected(bytes(data), to, **options)
    detected = {"format": detection.format, "kind": detection.kind, "version": detection.version}
    if isinstance(result, Conversion):
        findings = _located(result.findings, name)
        lossy = any(f.code == LOSS for f in findings)
        status = ItemStatus.LOSSY if lossy else ItemStatus.CONVERTED
        return ItemResult(name, status, result.output, findings, **detected)
    if isinstance(result, InternalError):
        findings = _located(result.findings, name) or [internal_finding(result, name)]
        return ItemResult(name, ItemStatus.FAILED, None, findings, **detected)
    assert isinstance(result, MedbridgeError)
    return ItemResult(name, ItemStatus.INVALID, None, _located(result.findings, name), **detected)


def internal_finding(exc: BaseException, name: str | None = None) -> Finding:
    """The ``internal.error`` finding for a bug met while handling the input ``name``."""
    cause = exc.__cause__ if isinstance(exc, InternalError) and exc.__cause__ else exc
    return Finding(
        "internal.error",
        Severity.ERROR,
        f"medbridge failed unexpectedly ({type(cause).__name__}); this is a bug, please report it.",
        Location(file=name),
    )


def _located(findings: list[Finding], name: str) -> list[Finding]:
    return [f if f.location.file else f.with_file(name) for f in findings]


def findings_json(findings: list[Finding]) -> str:
    """Findings as a JSON array, each as in the CLI's JSON reports (location without the file,
    which is the row's ``path``)."""
    from medbridge.validation.reporters import finding_json

    return json.dumps([finding_json(f) for f in findings], ensure_ascii=False)
