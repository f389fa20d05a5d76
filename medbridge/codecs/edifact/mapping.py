"""Building an EDIFACT letter body from the model, and the machinery the two EDIFACT letter
mappings share (:mod:`~medbridge.letters.epikrise.edifact`,
:mod:`~medbridge.letters.henvisning.edifact`).

Reading is :class:`~medbridge.codecs.edifact.reader.Reader` (located findings, units, the
source map); unit keys and provenance are :mod:`~medbridge.codecs.edifact.provenance`. Both are
re-exported here, the engine's one import place.

**Losses.** The builder never alters a value. A value the target cannot carry (a character outside
ISO 8859-1 or CR/LF/TAB, a field with no slot) becomes an :class:`Issue` scoped to the units it
affects; run with ``lossy=True`` the builder leaves exactly those values out. The codec decides:
strict refuses, allow-loss writes the lossy units and reports each issue as ``convert.loss``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from medbridge.codecs.edifact.issues import SAME, Issue
from medbridge.codecs.edifact.provenance import (
    UNITS_KEY,
    Unit,
    assemble,
    deviations,
    in_scope,
    record_provenance,
    segment_from_wire,
    segment_to_wire,
    shape,
)
from medbridge.codecs.edifact.reader import Reader, real_moment
from medbridge.codecs.edifact.text import write_text
from medbridge.edifact.charset import describe_char
from medbridge.edifact.ftx import FtxBlock, FtxError
from medbridge.edifact.segment import new_segment
from medbridge.errors import ConversionError
from medbridge.findings import Finding, Location, Severity
from medbridge.model.common import Moment
from medbridge.model.text import FormattedText

__all__ = [
    "UNITS_KEY",
    "Builder",
    "Issue",
    "Reader",
    "Unit",
    "assemble",
    "deviations",
    "dtm_value",
    "fail",
    "in_scope",
    "opt",
    "record_provenance",
    "segment_from_wire",
    "segment_to_wire",
    "shape",
]

_UNWRITABLE = re.compile("[^\x20-\x7e\xa0-\xff]")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}")


# ---------------------------------------------------------------------------------------------
# writing


def dtm_value(moment: Moment) -> str | None:
    """``CCYYMMDDHHMM`` for a well-formed moment with a time, else None."""
    if moment.time is None or _DATE.fullmatch(moment.date) is None:
        return None
    if _TIME.fullmatch(moment.time) is None:
        return None
    value = moment.date.replace("-", "") + moment.time.replace(":", "")
    return value if real_moment(value) else None


class Builder:
    """Builds a letter's units canonically (§6.1/§7.1 order, §9.4 text, §2 syntax).

    ``lossy=True`` leaves out every value that produced an :class:`Issue`.
    """

    def __init__(self, *, lossy: bool = False, nonstandard: bool = False) -> None:
        self.lossy = lossy
        self.nonstandard = nonstandard
        self.units: dict[str, Unit] = {}
        self.issues: list[Issue] = []
        self.notes: list[Finding] = []
        self.over_limit_scopes: list[str] = []

    def over_limit(
        self,
        message: str,
        path: str,
        scope: str,
        tag: str | None = None,
        *,
        lost: str = SAME,
        anyway: str = "Written anyway, as MedCom's writer does; receivers may reject it.",
    ) -> bool:
        """A MedCom count limit exceeded: an issue, or (``nonstandard``) a warning that ends
        with ``anyway``. Returns True when the value (and ``lost``, see :class:`Issue`) must be
        left out (lossy rendering of an issue)."""
        if self.nonstandard:
            self.over_limit_scopes.append(scope)
            self.notes.append(
                Finding(
                    "convert.nonstandard",
                    Severity.WARNING,
                    f"{message} {anyway}",
                    Location(path=path, tag=tag),
                )
            )
            return False
        self.unmapped(message, path, scope, tag, lost=lost)
        return self.lossy

    def add(self, key: str, tag: str, *elements: Sequence[str]) -> None:
        """Append a segment to unit ``key``."""
        unit = self.units.get(key)
        if unit is None:
            unit = self.units[key] = Unit(key)
        unit.segments.append(new_segment(tag, tuple(map(tuple, elements)), 0, 0, ""))

    def issue(
        self,
        code: str,
        message: str,
        path: str,
        scope: str,
        tag: str | None = None,
        element: int | None = None,
        component: int | None = None,
        *,
        lost: str | None = SAME,
        refusal: str = "",
    ) -> None:
        self.issues.append(
            Issue(code, message, path, scope, tag, element, component, lost, refusal)
        )

    def unmapped(
        self,
        message: str,
        path: str,
        scope: str,
        tag: str | None = None,
        element: int | None = None,
        *,
        lost: str | None = SAME,
    ) -> bool:
        """An issue for a value with no EDIFACT form; ``lost`` as for :class:`Issue`. Returns
        True when the value (and ``lost``) is left out (lossy rendering), as :meth:`over_limit`."""
        self.issue("convert.unmapped", message, path, scope, tag, element, lost=lost)
        return self.lossy

    def value(
        self,
        value: str | None,
        path: str,
        scope: str,
        tag: str,
        element: int,
        component: int = 1,
        *,
        lost: str = SAME,
    ) -> str:
        """``value`` for one component ("" for None); a character UNOC cannot carry is an issue
        and, in lossy mode, leaves the whole value out (and ``lost``, when the caller then
        leaves out an enclosing element)."""
        if value is None:
            return ""
        bad = _UNWRITABLE.search(value)
        if bad is None:
            return value
        self.issue(
            "convert.unrepresentable",
            f"{describe_char(bad.group())} in {path} cannot be written in EDIFACT UNOC "
            f"({tag} element {element}, component {component}).",
            path,
            scope,
            tag,
            element,
            component,
            lost=lost,
            refusal="it is never replaced, transliterated or dropped.",
        )
        return "" if self.lossy else value

    def text_blocks(
        self, text: FormattedText, path: str, scope: str, tag: str = "FTX", *, lost: str = SAME
    ) -> list[FtxBlock] | None:
        """The FTX blocks of a FormattedText, or None (with an issue) when FTX cannot carry it:
        characters outside ISO 8859-1 or CR/LF/TAB, an empty text, a forbidden nesting.
        ``lost`` names the enclosing element the caller then leaves out, if any."""
        if text.is_empty():
            self.unmapped(
                f"{path} is empty; an empty FormattedText has no EDIFACT form (no FTX).",
                path,
                scope,
                tag,
                lost=lost,
            )
            return None
        bad = _UNWRITABLE.search(text.plain().replace("\n", " "))
        if bad is not None:
            self.issue(
                "convert.unrepresentable",
                f"{describe_char(bad.group())} in {path} cannot be written in EDIFACT UNOC (FTX "
                "element 4).",
                path,
                scope,
                tag,
                4,
                lost=lost,
                refusal="the text is never altered.",
            )
            return None
        try:
            blocks = write_text(text)
        except FtxError as exc:
            self.issue(
                "convert.unrepresentable", f"{path}: {exc.message}", path, scope, tag, 4, lost=lost
            )
            return None
        if not blocks:  # only empty style elements: nothing FTX can carry
            self.unmapped(
                f"{path} holds only empty style elements; it has no EDIFACT form (no FTX).",
                path,
                scope,
                tag,
                lost=lost,
            )
            return None
        return blocks

    def finish(self) -> list[Unit]:
        return list(self.units.values())


# ---------------------------------------------------------------------------------------------
# helpers of the letter mappings


def fail(code: str, message: str, path: str) -> ConversionError:
    """A model the writer cannot render at all (a required value missing, a malformed value)."""
    finding = Finding(code, Severity.ERROR, message, Location(path=path))
    error = ConversionError.from_findings([finding])
    assert isinstance(error, ConversionError)
    return error


def opt(value: str) -> str | None:
    """An optional component: empty means absent."""
    return value or None
