"""The exception family: everything medbridge raises for bad input is a :class:`MedbridgeError`.

Branches follow ``safety-and-validation.md`` §4.4. Exceptions carry findings, never message content.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from medbridge.findings import Finding, Location, Severity

__all__ = [
    "ConversionError",
    "EdifactInputError",
    "InputError",
    "InternalError",
    "MedbridgeError",
    "OutputError",
    "OutputRefused",
    "XmlInputError",
]


class MedbridgeError(Exception):
    """Root of every medbridge exception. ``findings`` says what and where."""

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.findings: list[Finding] = list(findings)

    @classmethod
    def of(cls, finding: Finding) -> Self:
        """The error carrying the one ``finding``, which also gives its text."""
        return cls(finding.format(), [finding])

    @classmethod
    def error(cls, code: str, message: str, location: Location) -> Self:
        """The error carrying one error finding made of ``code``, ``message`` and ``location``."""
        return cls.of(Finding(code, Severity.ERROR, message, location))

    @classmethod
    def from_findings(cls, findings: Sequence[Finding]) -> MedbridgeError:
        errors = [f for f in findings if f.is_error] or list(findings)
        first = errors[0].format() if errors else "no details"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return cls(first + more, findings)


class InputError(MedbridgeError):
    """The input is not a readable, valid message. ``findings`` holds at least one error."""


class XmlInputError(InputError):
    """Bad XML input."""


class EdifactInputError(InputError):
    """Bad EDIFACT input."""


class ConversionError(MedbridgeError):
    """The message cannot be written to the target format without loss."""


class OutputError(MedbridgeError):
    """Reading or writing a file failed."""


class OutputRefused(OutputError):
    """An output was refused: it exists, is an input, or is a symlink."""


class InternalError(MedbridgeError):
    """A bug in medbridge. Wraps the cause; holds no input content."""
