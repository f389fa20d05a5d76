"""Reading one EDIFACT letter body into model values: the findings with their EDIFACT
positions, the unit each input segment is filed under (see
:mod:`~medbridge.codecs.edifact.provenance`), and the source map.

**Sources.** The reader records where each model value came from (``Reader.sources``, a
:class:`~medbridge.codecs.edifact.sources.SourceMap`), under the model paths the builder names in
its issues, relative to the letter element (``/Sender/Identifier``); the API layer uses them to
give rule and identifier findings their EDIFACT position.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from collections.abc import Sequence
from typing import TypeVar

from medbridge.codecs.edifact.sources import Fields, SourceMap
from medbridge.codecs.edifact.text import read_text
from medbridge.edifact.ftx import FtxBlock, FtxError, text_lines
from medbridge.edifact.groups import location_of
from medbridge.edifact.segment import Segment
from medbridge.findings import Finding, Location, Severity
from medbridge.letters.shared.edifact_codes import CodeTable
from medbridge.model.common import Moment
from medbridge.model.text import FormattedText

__all__ = ["DTM_FIELDS", "FTX_TEXT_FIELDS", "Reader", "real_moment"]

E = TypeVar("E", bound=enum.Enum)

_DTM_VALUE = re.compile(r"[0-9]{12}")

#: Source map rows (:data:`~medbridge.codecs.edifact.sources.Fields`): a DateTime element and its
#: Date and Time are DTM element 1, component 2; a text starts in element 4 of its first FTX.
DTM_FIELDS: Fields = (("", 1, 2), ("/Date", 1, 2), ("/Time", 1, 2))
FTX_TEXT_FIELDS: Fields = (("", 4, None),)


class Reader:
    """Findings, the unit assignment and the source map of one letter being read."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.units: dict[str, list[Segment]] = {}
        self.sources = SourceMap()
        self.failed = False

    def claim(self, key: str, segment: Segment) -> None:
        """File ``segment`` under unit ``key`` (in document order)."""
        self.units.setdefault(key, []).append(segment)

    def once(self, key: str, segment: Segment, what: str) -> bool:
        """Claim a segment that may occur once under ``key``; a repeat is reported as a
        duplicate and not claimed."""
        if key in self.units:
            self.duplicate(segment, what)
            return False
        self.claim(key, segment)
        return True

    def report(
        self,
        severity: Severity,
        code: str,
        message: str,
        segment: Segment | None,
        element: int | None = None,
        component: int | None = None,
    ) -> None:
        where = location_of(segment, element, component) if segment is not None else Location()
        self.findings.append(Finding(code, severity, message, where))
        if severity is Severity.ERROR:
            self.failed = True

    def error(self, code: str, message: str, segment: Segment | None, *at: int) -> None:
        """:meth:`report` an error; ``at`` is the element (and component) in ``segment``."""
        self.report(Severity.ERROR, code, message, segment, *at)

    def warn(self, code: str, message: str, segment: Segment | None, *at: int) -> None:
        """:meth:`report` a warning, as :meth:`error`."""
        self.report(Severity.WARNING, code, message, segment, *at)

    def unknown(self, segment: Segment, where: str) -> None:
        self.error(
            "edifact.mapping.unknown-segment",
            f"Segment {segment.tag} has no place in {where}; medbridge never drops a segment "
            "silently (MedCom's reader ignores it).",
            segment,
        )

    def duplicate(self, segment: Segment, what: str) -> None:
        self.error(
            "edifact.mapping.duplicate",
            f"A second {what}; the letter holds only one.",
            segment,
        )

    def missing(self, what: str, segment: Segment | None) -> None:
        self.error("edifact.mapping.missing", f"The letter lacks {what}.", segment)

    def code(
        self,
        table: CodeTable[E],
        segment: Segment,
        element: int,
        component: int = 1,
        *,
        allow_empty: bool = False,
    ) -> E | None:
        """Decode a coded component with ``table``; unknown → ``edifact.mapping.value``."""
        raw = segment.value(element, component)
        if not raw and allow_empty:
            return None
        member = table.decode(raw)
        if member is None:
            known = ", ".join(table.wire_codes()[:12])
            self.error(
                "edifact.mapping.value",
                f"{raw[:12]!r} is not a {table.name} code in this position (known: {known}"
                f"{', …' if len(table.wire_codes()) > 12 else ''}).",
                segment,
                element,
                component,
            )
            return None
        if table.is_read_only(raw):
            self.warn(
                "edifact.mapping.deviation",
                f"{raw!r} is read as {member.value!r} (listed by MedCom as not approved); "
                "it is kept for EDIFACT round trips.",
                segment,
                element,
                component,
            )
        return member

    def moment(self, segment: Segment, path: str) -> Moment | None:
        """A DTM segment's value: format 203 only, a real date, hour 00–23, minute 00–59. The
        model's ``path`` and its ``Date`` and ``Time`` come from element 1, component 2."""
        self.sources.record(path, segment, DTM_FIELDS)
        value, fmt = segment.value(1, 2), segment.value(1, 3)
        if fmt != "203":
            self.error(
                "edifact.mapping.value",
                f"DTM format {fmt[:6]!r} is not allowed here; DIS01/REF01 use only 203 "
                "(CCYYMMDDHHMM).",
                segment,
                1,
                3,
            )
            return None
        if _DTM_VALUE.fullmatch(value) is None or not real_moment(value):
            self.error(
                "edifact.mapping.value",
                f"DTM value {value[:14]!r} is not a real date and time CCYYMMDDHHMM.",
                segment,
                1,
                2,
            )
            return None
        return Moment(f"{value[:4]}-{value[4:6]}-{value[6:8]}", f"{value[8:10]}:{value[10:12]}")

    def text(self, blocks: Sequence[tuple[Segment, FtxBlock]], path: str) -> FormattedText | None:
        """Read one field's FTX blocks (§9.2) with located findings; the text at ``path``
        starts in element 4 of the first FTX."""
        if blocks:
            self.sources.record(path, blocks[0][0], FTX_TEXT_FIELDS)
        try:
            return read_text([block for _, block in blocks])
        except FtxError as exc:
            segment = blocks[exc.block][0] if exc.block is not None else blocks[0][0]
            element = 2 if exc.code == "edifact.mapping.format-code" else 4
            self.error(exc.code, exc.message, segment, element)
            return None

    def ftx_block(self, segment: Segment) -> FtxBlock:
        """An FTX's format code and text lines; reports a non-empty E3 or E5 (§9.1)."""
        for position in (3, 5):
            if any(segment.element(position)):
                self.warn(
                    "edifact.mapping.deviation",
                    f"FTX element {position} is not used by MedCom letters; it is kept for "
                    "EDIFACT round trips but XML cannot carry it.",
                    segment,
                    position,
                )
        return FtxBlock(segment.value(2), text_lines(segment.element(4)))


def real_moment(value: str) -> bool:
    """True when ``CCYYMMDDHHMM`` names a real date, hour 00–23 and minute 00–59."""
    try:
        _dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return False
    return int(value[8:10]) <= 23 and int(value[10:12]) <= 59
