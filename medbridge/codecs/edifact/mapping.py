"""The machinery the two EDIFACT letter mappings share (:mod:`~medbridge.letters.epikrise.edifact`,
:mod:`~medbridge.letters.henvisning.edifact`): reading segments into model values with located
findings,
building segments from the model with a record of what cannot be carried, and provenance.

**Units.** Both directions name every piece of a letter body with a stable *unit key* (``"S01.SSP/
NAD"``, ``"S14.text#2/FTX"``): one segment, or all FTX of one text field. The reader files every
input segment under its key; the writer (:class:`Builder`) produces its segments under the same
keys. A key's scope is itself plus every key below it (``"S14.text#2"`` covers the trigger, the DTM
and the FTX of that group).

**Provenance (edifact-messages.md §12 P1/P2).** After reading a letter the codec builds it again
canonically and compares unit by unit (:func:`record_provenance`). Where the input differs from
MedCom's way of writing the same model values (a NAD agency, ``RFF+AHI:2``, a CON kind on a party,
an unusual group order, a missing constant segment …) the original segments and the canonical
rendering *at read time* are kept in ``letter.wire["edifact.wire.units"]``, and each difference is
an ``edifact.mapping.deviation`` warning. :func:`assemble` writes a unit from its original segments
while the model still renders to the recorded canonical form ("a field whose model value still
equals what its provenance decodes to is written from the provenance"), so EDIFACT → model →
EDIFACT is byte-identical; a changed field drops its provenance.

**Sources.** The reader also records where each model value came from (``Reader.sources``, a
:class:`~medbridge.codecs.edifact.sources.SourceMap`), under the same model paths the builder
names in
its issues, relative to the letter element (``/Sender/Identifier``); the API layer uses them to
give rule and identifier findings their EDIFACT position.

**Losses.** The builder never alters a value. A value the target cannot carry (a character outside
ISO 8859-1 or CR/LF/TAB, a field with no slot) becomes an :class:`Issue` scoped to the units it
affects; run with ``lossy=True`` the builder leaves exactly those values out. The codec decides:
strict refuses, allow-loss writes the lossy units and reports each issue as ``convert.loss``.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from medbridge.codecs.edifact.sources import Fields, SourceMap
from medbridge.edifact.charset import describe_char
from medbridge.edifact.ftx import FtxBlock, FtxError, read_text, write_text
from medbridge.edifact.groups import location_of
from medbridge.edifact.issues import SAME, Issue
from medbridge.edifact.segment import Segment, new_segment, trim_elements
from medbridge.errors import ConversionError
from medbridge.findings import Finding, Location, Severity
from medbridge.letters.shared.edifact_codes import CodeTable
from medbridge.model.common import Moment
from medbridge.model.text import FormattedText

__all__ = [
    "UNITS_KEY",
    "Builder",
    "Issue",
    "Reader",
    "Unit",
    "assemble",
    "dtm_value",
    "record_provenance",
    "segment_from_wire",
    "segment_to_wire",
    "shape",
]

UNITS_KEY = "edifact.wire.units"
"""``letter.wire`` key of the unit provenance record."""

Elements = tuple[tuple[str, ...], ...]
E = TypeVar("E")

_UNWRITABLE = re.compile("[^\x20-\x7e\xa0-\xff]")
_DTM_VALUE = re.compile(r"[0-9]{12}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}")

#: Source map rows (:data:`~medbridge.codecs.edifact.sources.Fields`): a DateTime element and its
#: Date
#: and Time are DTM element 1, component 2; a text starts in element 4 of its first FTX.
DTM_FIELDS: Fields = (("", 1, 2), ("/Date", 1, 2), ("/Time", 1, 2))
FTX_TEXT_FIELDS: Fields = (("", 4, None),)


def shape(segment: Segment) -> tuple[str, Elements]:
    """What a segment says, ignoring position and layout and trailing empties (E2)."""
    return segment.tag, trim_elements(segment.elements)


def segment_to_wire(segment: Segment) -> list[Any]:
    """A segment in its JSON-friendly wire form ``[tag, elements, layout, number, offset]``."""
    return [
        segment.tag,
        [list(element) for element in segment.elements],
        segment.layout,
        segment.number,
        segment.offset,
    ]


def segment_from_wire(raw: Any) -> Segment:
    """The segment of a :func:`segment_to_wire` record (a position that is not a whole number
    counts as unknown, 0)."""
    tag, elements, layout, *position = raw
    number, offset = position if len(position) == 2 else (0, 0)
    return Segment(
        str(tag),
        tuple(tuple(str(c) for c in element) for element in elements),
        _whole(number),
        _whole(offset),
        str(layout),
    )


def _whole(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def in_scope(key: str, scope: str) -> bool:
    """True when unit ``key`` lies in ``scope`` (the scope itself or a key below it)."""
    return key == scope or key.startswith(scope + "/")


# ---------------------------------------------------------------------------------------------
# reading


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

    def error(
        self,
        code: str,
        message: str,
        segment: Segment | None,
        element: int | None = None,
        component: int | None = None,
    ) -> None:
        self.report(Severity.ERROR, code, message, segment, element, component)

    def warn(
        self,
        code: str,
        message: str,
        segment: Segment | None,
        element: int | None = None,
        component: int | None = None,
    ) -> None:
        self.report(Severity.WARNING, code, message, segment, element, component)

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
        table: CodeTable[E],  # type: ignore[type-var]
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
                f"{raw!r} is read as {member.value!r} (listed by MedCom as not approved); "  # type: ignore[attr-defined]
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
        if _DTM_VALUE.fullmatch(value) is None or not _real(value):
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
        return FtxBlock(segment.value(2), tuple(segment.element(4)))


def _real(value: str) -> bool:
    try:
        _dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return False
    return int(value[8:10]) <= 23 and int(value[10:12]) <= 59


# ---------------------------------------------------------------------------------------------
# writing


@dataclass(slots=True)
class Unit:
    """One unit of a letter body: its key and segments."""

    key: str
    segments: list[Segment] = field(default_factory=list)


def dtm_value(moment: Moment) -> str | None:
    """``CCYYMMDDHHMM`` for a well-formed moment with a time, else None."""
    if moment.time is None or _DATE.fullmatch(moment.date) is None:
        return None
    if _TIME.fullmatch(moment.time) is None:
        return None
    value = moment.date.replace("-", "") + moment.time.replace(":", "")
    return value if _real(value) else None


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
        self, message: str, path: str, scope: str, tag: str | None = None, *, lost: str = SAME
    ) -> bool:
        """A MedCom count limit exceeded: an issue, or (``nonstandard``) a warning.
        Returns True when the value (and ``lost``, see :class:`Issue`) must be left out (lossy
        rendering of an issue)."""
        if self.nonstandard:
            self.over_limit_scopes.append(scope)
            self.notes.append(
                Finding(
                    "convert.nonstandard",
                    Severity.WARNING,
                    f"{message} Written anyway, as MedCom's writer does; receivers may reject it.",
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
    ) -> None:
        """An issue for a value with no EDIFACT form; ``lost`` as for :class:`Issue`."""
        self.issue("convert.unmapped", message, path, scope, tag, element, lost=lost)

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
        bad = _UNWRITABLE.search(text.plain().replace("\n", " ")) if _has_bad(text) else None
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


def _has_bad(text: FormattedText) -> bool:
    return _UNWRITABLE.search(text.plain().replace("\n", " ")) is not None


# ---------------------------------------------------------------------------------------------
# provenance


def _shapes(segments: Iterable[Segment]) -> list[tuple[str, Elements]]:
    return [shape(segment) for segment in segments]


def _first_difference(
    original: Sequence[Segment], canonical: Sequence[Segment]
) -> tuple[Segment | None, int | None, int | None, str, str]:
    """The first (segment, element, component, found, expected) where two units differ."""
    for index in range(max(len(original), len(canonical))):
        if index >= len(original):
            return (original[-1] if original else None), None, None, "nothing", canonical[index].tag
        if index >= len(canonical):
            return original[index], None, None, original[index].tag, "nothing"
        a, b = shape(original[index]), shape(canonical[index])
        if a == b:
            continue
        seg = original[index]
        if a[0] != b[0]:
            return seg, None, None, a[0], b[0]
        for e_index in range(max(len(a[1]), len(b[1]))):
            ea = a[1][e_index] if e_index < len(a[1]) else ()
            eb = b[1][e_index] if e_index < len(b[1]) else ()
            for c_index in range(max(len(ea), len(eb))):
                ca = ea[c_index] if c_index < len(ea) else ""
                cb = eb[c_index] if c_index < len(eb) else ""
                if ca != cb:
                    return seg, e_index + 1, c_index + 1, repr(ca[:20]), repr(cb[:20])
    return None, None, None, "", ""  # pragma: no cover - only called for differing units


def record_provenance(
    original: dict[str, list[Segment]],
    canonical: Sequence[Unit],
    keep: Sequence[str] = (),
) -> tuple[dict[str, Any] | None, list[Finding]]:
    """Compare a letter's input units with their canonical rendering.

    Units in the ``keep`` scopes are recorded even when equal (texts over MedCom's FTX count
    limits: their provenance lets a strict writer reproduce them unchanged).

    Returns the provenance record (None when the input is exactly MedCom's way) and one
    ``edifact.mapping.deviation`` warning per differing unit (``edifact.mapping.group-order``
    once when only the order differs).
    """
    canon = {unit.key: unit.segments for unit in canonical}
    findings: list[Finding] = []
    units: dict[str, Any] = {}
    for key, segments in original.items():
        expected = canon.get(key)
        if expected is not None and _shapes(segments) == _shapes(expected):
            if any(in_scope(key, scope) for scope in keep):
                units[key] = {
                    "original": [segment_to_wire(s) for s in segments],
                    "canonical": [segment_to_wire(s) for s in expected],
                }
            continue
        units[key] = {
            "original": [segment_to_wire(s) for s in segments],
            "canonical": None if expected is None else [segment_to_wire(s) for s in expected],
        }
        if expected is None:
            findings.append(
                Finding(
                    "edifact.mapping.deviation",
                    Severity.WARNING,
                    f"Segment {segments[0].tag} is not written by MedCom here; it is kept for "
                    "EDIFACT round trips, XML cannot carry it.",
                    location_of(segments[0]),
                )
            )
            continue
        seg, element, component, found, wanted = _first_difference(segments, expected)
        findings.append(
            Finding(
                "edifact.mapping.deviation",
                Severity.WARNING,
                f"Found {found} where MedCom writes {wanted}; the value is kept for EDIFACT "
                "round trips, XML cannot carry it.",
                location_of(seg, element, component) if seg is not None else Location(),
            )
        )
    for key, segments in canon.items():
        if key not in original:
            units[key] = {"original": [], "canonical": [segment_to_wire(s) for s in segments]}
            findings.append(
                Finding(
                    "edifact.mapping.deviation",
                    Severity.WARNING,
                    f"Segment {segments[0].tag} (always written by MedCom) is missing; "
                    "it stays missing in an EDIFACT round trip.",
                    Location(tag=segments[0].tag),
                )
            )
    order = list(original)
    canonical_order = [unit.key for unit in canonical if unit.key in original]
    same_order = [key for key in order if key in canon] == canonical_order
    if not same_order:
        first = next(iter(original.values()))[0]
        findings.append(
            Finding(
                "edifact.mapping.group-order",
                Severity.WARNING,
                "The segments or groups are not in MedCom's writing order; the order is kept for "
                "EDIFACT round trips.",
                location_of(first),
            )
        )
    if not units and same_order:
        return None, findings
    return {"order": order, "keys": list(canon), "units": units}, findings


def deviations(record: Any) -> list[tuple[str, list[Segment], list[Segment] | None]]:
    """(key, original, canonical) for every unit of a record whose input differs from MedCom's
    writing (extra or changed segments; missing constant segments are not listed)."""
    out: list[tuple[str, list[Segment], list[Segment] | None]] = []
    if not isinstance(record, dict):
        return out
    for key, unit in record.get("units", {}).items():
        original = [segment_from_wire(s) for s in unit.get("original") or []]
        raw = unit.get("canonical")
        canonical = None if raw is None else [segment_from_wire(s) for s in raw]
        if original and (canonical is None or _shapes(original) != _shapes(canonical)):
            out.append((key, original, canonical))
    return out


def assemble(
    full: Sequence[Unit],
    issues: Sequence[Issue],
    record: Any,
    *,
    allow_loss: bool,
    lossy: Sequence[Unit] | None = None,
) -> tuple[list[Segment], list[Issue]]:
    """The body segments to write and the issues that remain.

    Units still rendering to their recorded canonical form are written from the original
    segments (their issues vanish). With issues left: strict raises nothing here (the caller
    refuses); with ``allow_loss`` the ``lossy`` rendering replaces every affected unit.
    """
    recorded: dict[str, Any] = record.get("units", {}) if isinstance(record, dict) else {}

    def original_of(key: str, segments: Sequence[Segment] | None) -> list[Segment] | None:
        unit = recorded.get(key)
        if unit is None:
            return None
        canonical = unit.get("canonical")
        if canonical is None:
            return [segment_from_wire(s) for s in unit.get("original") or []]
        if segments is not None and _shapes(segments) == _shapes(
            segment_from_wire(s) for s in canonical
        ):
            return [segment_from_wire(s) for s in unit.get("original") or []]
        return None

    resolved: dict[str, list[Segment]] = {}
    for unit in full:
        kept = original_of(unit.key, unit.segments)
        if kept is not None:
            resolved[unit.key] = kept
    full_keys = _keys(full)

    def settled(issue: Issue) -> bool:
        keys = [key for key in full_keys if in_scope(key, issue.scope)]
        return bool(keys) and all(key in resolved for key in keys)

    remaining = [issue for issue in issues if not settled(issue)]
    affected: set[str] = set()
    if remaining:  # (no issues, the usual case: no scope test per key)
        affected = {key for key in full_keys if any(in_scope(key, i.scope) for i in remaining)}
    lossy_units = {unit.key: unit.segments for unit in lossy or ()}
    chosen: dict[str, list[Segment]] = {}
    for unit in full:
        if unit.key in resolved:
            chosen[unit.key] = resolved[unit.key]
        elif unit.key in affected and allow_loss:
            if unit.key in lossy_units:
                kept = original_of(unit.key, lossy_units[unit.key])
                chosen[unit.key] = kept if kept is not None else lossy_units[unit.key]
        else:
            chosen[unit.key] = unit.segments
    order = list(full_keys)
    if isinstance(record, dict) and set(record.get("keys", ())) == set(full_keys):
        recorded_order = [str(key) for key in record.get("order", ())]
        for key, unit_record in recorded.items():
            if unit_record.get("canonical") is None:
                chosen[key] = original_of(key, None) or []
        leftover = [key for key in full_keys if key not in recorded_order and chosen.get(key)]
        if not leftover:
            order = [key for key in recorded_order if key in chosen]
    segments: list[Segment] = []
    for key in order:
        segments.extend(chosen.get(key, ()))
    return segments, remaining


def _keys(units: Sequence[Unit]) -> list[str]:
    return [unit.key for unit in units]


# ---------------------------------------------------------------------------------------------
# segment layouts shared by DIS01 and REF01 (edifact-messages.md §5)


def fail(code: str, message: str, path: str) -> ConversionError:
    """A model the writer cannot render at all (a required value missing, a malformed value)."""
    finding = Finding(code, Severity.ERROR, message, Location(path=path))
    error = ConversionError.from_findings([finding])
    assert isinstance(error, ConversionError)
    return error


def opt(value: str) -> str | None:
    """An optional component: empty means absent."""
    return value or None
