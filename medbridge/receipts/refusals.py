"""From validation findings to a refusal: MedCom's refuse code and a short refuse text.

The code follows the medbridge policy of ``exchange-messages.md`` §A.7, stated once here in
:data:`REFUSE_CODES` and :data:`REFUSE_PREFIXES`:

========================================  ==========================  ==========
finding                                   meaning                     RefuseCode
========================================  ==========================  ==========
``receipt.unknown-receiver``              not addressed to us         ``MID``
``*.mapping.unsupported-letter/-version`` kind or version we lack     ``VER``
``xml.*``, ``edifact.*``, ``input.*``,    syntax, schema, envelope    ``SYN``
``rule.envelope.*``
anything else (``id.*``, ``rule.*``)      content                     ``NC``
========================================  ==========================  ==========

When several errors apply, the first code of ``MID``, ``VER``, ``SYN``, ``NC`` wins: it names what
the sender must change first. Only error findings refuse; warnings never do.

The text (§A.8) is Danish like MedCom's examples: one line saying what is refused and why, then
the first findings, each as "where: message" (the finding's own message, which is English and
already masks CPR-shaped values). At most five lines of at most 70 characters, ISO 8859-1 only
(UNOC), so it fits one FTX without loss; what does not fit is cut with ``...``.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from types import MappingProxyType

from medbridge.findings import Finding, Location
from medbridge.model.receipt import Refusal, RefuseCode
from medbridge.model.text import FormattedText
from medbridge.receipts.outcome import UNKNOWN_RECEIVER

__all__ = [
    "MAX_LINES",
    "MAX_LINE_LENGTH",
    "REFUSE_CODES",
    "REFUSE_PREFIXES",
    "refusal_for",
    "refuse_code",
]

MAX_LINES = 5
MAX_LINE_LENGTH = 70
#: Findings quoted in a refuse text; the rest are counted.
_QUOTED = 3
#: A finding message longer than this is quoted up to its first clause.
_LONG = 120
_CLAUSE_END = re.compile(r"[.;] ")

#: Finding codes with a refuse code of their own.
REFUSE_CODES: MappingProxyType[str, RefuseCode] = MappingProxyType(
    {
        UNKNOWN_RECEIVER: RefuseCode.RECEIVER_ID,
        "xml.mapping.unsupported-letter": RefuseCode.VERSION,
        "xml.mapping.unsupported-version": RefuseCode.VERSION,
        "edifact.mapping.unsupported-letter": RefuseCode.VERSION,
        "edifact.mapping.unsupported-version": RefuseCode.VERSION,
    }
)
#: Finding code prefixes that mean a syntax, schema or envelope error.
REFUSE_PREFIXES: tuple[tuple[str, RefuseCode], ...] = (
    ("xml.", RefuseCode.SYNTAX),
    ("edifact.", RefuseCode.SYNTAX),
    ("input.", RefuseCode.SYNTAX),
    ("rule.envelope.", RefuseCode.SYNTAX),
)
_PRECEDENCE = (
    RefuseCode.RECEIVER_ID,
    RefuseCode.VERSION,
    RefuseCode.SYNTAX,
    RefuseCode.UNSPECIFIED,
)
_REASONS = MappingProxyType(
    {
        RefuseCode.RECEIVER_ID: "modtageren er ukendt her",
        RefuseCode.VERSION: "brevtype/version kan ikke modtages",
        RefuseCode.SYNTAX: "syntaksfejl",
        RefuseCode.UNSPECIFIED: "fejl i indholdet",
        RefuseCode.UNKNOWN_LOCATION: "ukendt lokationsnummer",
    }
)
_LATIN1_STANDINS = str.maketrans(
    {"…": "...", "‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "→": "->"}
)


def code_of(finding: Finding) -> RefuseCode:
    """The refuse code one finding stands for."""
    exact = REFUSE_CODES.get(finding.code)
    if exact is not None:
        return exact
    for prefix, code in REFUSE_PREFIXES:
        if finding.code.startswith(prefix):
            return code
    return RefuseCode.UNSPECIFIED


def refuse_code(findings: Sequence[Finding]) -> RefuseCode | None:
    """The refuse code of the errors among ``findings``; None when there is none."""
    codes = {code_of(f) for f in findings if f.is_error}
    return next((code for code in _PRECEDENCE if code in codes), None)


def refusal_for(subject: str, findings: Sequence[Finding]) -> Refusal | None:
    """The refusal of ``subject`` (``Brev EPI0000042``, ``Forsendelse ENV0000042``) for its
    errors, or None when ``findings`` hold no error."""
    errors = [f for f in findings if f.is_error]
    code = refuse_code(errors)
    if code is None:
        return None
    return Refusal(code, FormattedText.of(*refuse_lines(subject, code, errors)))


def refuse_lines(subject: str, code: RefuseCode, errors: Sequence[Finding]) -> list[str]:
    """At most five lines of at most 70 ISO 8859-1 characters, no CPR numbers."""
    ordered = sorted(errors, key=lambda f: _PRECEDENCE.index(code_of(f)))
    paragraphs = [f"{subject} er afvist: {_REASONS[code]}."]
    paragraphs += [_describe(f) for f in ordered[:_QUOTED]]
    if len(ordered) > _QUOTED:
        paragraphs.append(f"Og {len(ordered) - _QUOTED} fejl mere.")
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += textwrap.wrap(_latin1(paragraph), MAX_LINE_LENGTH, break_on_hyphens=False)
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: MAX_LINE_LENGTH - 3].rstrip() + "..."
    return lines


def _describe(finding: Finding) -> str:
    """The finding as "where: message"; its message already masks CPR-shaped values. A long
    message is cut to its first clause."""
    message = finding.message  # masked when the finding was made
    if len(message) > _LONG:
        clause = _CLAUSE_END.search(message)
        if clause is not None:
            message = message[: clause.start()] + "."
    where = _where(finding.location)
    return f"{where}: {message}" if where else message


def _where(location: Location) -> str:
    if location.segment is not None:
        return f"Segment {location.segment} {location.tag or ''}".rstrip()
    if location.path is not None:
        last = location.path.rstrip("/").rsplit("/", 1)[-1].split("[", 1)[0]
        return f"{last} (linje {location.line})" if location.line else last
    if location.line is not None:
        return f"Linje {location.line}"
    return ""


def _latin1(text: str) -> str:
    """``text`` with printable ISO 8859-1 characters only."""
    text = text.translate(_LATIN1_STANDINS)
    return "".join(ch if " " <= ch <= "~" or "\xa0" <= ch <= "\xff" else "?" for ch in text)
