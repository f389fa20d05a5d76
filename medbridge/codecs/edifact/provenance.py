"""Unit provenance of an EDIFACT letter (edifact-messages.md §12 P1/P2): the record of where a
letter read from EDIFACT differs from MedCom's way of writing it, and the assembly of the body
to write from that record.

**Units.** Both directions name every piece of a letter body with a stable *unit key* (``"S01.SSP/
NAD"``, ``"S14.text#2/FTX"``): one segment, or all FTX of one text field. A key's scope is itself
plus every key below it (``"S14.text#2"`` covers the trigger, the DTM and the FTX of that group).

After reading a letter the codec builds it again canonically and compares unit by unit
(:func:`record_provenance`). Where the input differs (a NAD agency, ``RFF+AHI:2``, a CON kind on a
party, an unusual group order, a missing constant segment …) the original segments and the
canonical rendering *at read time* are kept in ``letter.wire["edifact.wire.units"]``, and each
difference is an ``edifact.mapping.deviation`` warning. :func:`assemble` writes a unit from its
original segments while the model still renders to the recorded canonical form, so EDIFACT →
model → EDIFACT is byte-identical; a changed field drops its provenance.

A record comes back from ``letter.wire``, which may have been through JSON or been edited, so
the readers here take it as ``object`` and look at it defensively.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from medbridge.codecs.edifact.issues import Issue
from medbridge.edifact.groups import location_of
from medbridge.edifact.segment import Segment, trim_elements
from medbridge.findings import Finding, Location, Severity

__all__ = [
    "UNITS_KEY",
    "ProvenanceRecord",
    "Unit",
    "UnitRecord",
    "WireSegment",
    "assemble",
    "deviations",
    "in_scope",
    "record_provenance",
    "segment_from_wire",
    "segment_to_wire",
    "shape",
]

UNITS_KEY = "edifact.wire.units"
"""``letter.wire`` key of the unit provenance record."""

Elements = tuple[tuple[str, ...], ...]
#: A segment in its JSON-friendly wire form ``[tag, elements, layout, number, offset]``.
WireSegment = list[object]


class UnitRecord(TypedDict):
    """One unit of a provenance record: the input segments and the canonical rendering at read
    time (None: MedCom writes nothing there)."""

    original: list[WireSegment]
    canonical: list[WireSegment] | None


class ProvenanceRecord(TypedDict):
    """``letter.wire["edifact.wire.units"]``: the input's unit order, the canonical unit keys,
    and the units that differ (or are kept on purpose)."""

    order: list[str]
    keys: list[str]
    units: dict[str, UnitRecord]


@dataclass(slots=True)
class Unit:
    """One unit of a letter body: its key and segments."""

    key: str
    segments: list[Segment] = field(default_factory=list)


def shape(segment: Segment) -> tuple[str, Elements]:
    """What a segment says, ignoring position and layout and trailing empties (E2)."""
    return segment.tag, trim_elements(segment.elements)


def segment_to_wire(segment: Segment) -> WireSegment:
    """A segment in its JSON-friendly wire form ``[tag, elements, layout, number, offset]``."""
    return [
        segment.tag,
        [list(element) for element in segment.elements],
        segment.layout,
        segment.number,
        segment.offset,
    ]


def segment_from_wire(raw: Sequence[object]) -> Segment:
    """The segment of a :func:`segment_to_wire` record (a position that is not a whole number
    counts as unknown, 0)."""
    tag, elements, layout, *position = raw
    number, offset = position if len(position) == 2 else (0, 0)
    assert isinstance(elements, Iterable)
    return Segment(
        str(tag),
        tuple(tuple(str(c) for c in element) for element in elements),
        _whole(number),
        _whole(offset),
        str(layout),
    )


def _whole(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def in_scope(key: str, scope: str) -> bool:
    """True when unit ``key`` lies in ``scope`` (the scope itself or a key below it)."""
    return key == scope or key.startswith(scope + "/")


def _shapes(segments: Iterable[Segment]) -> list[tuple[str, Elements]]:
    return [shape(segment) for segment in segments]


def _wire(segments: Iterable[Segment]) -> list[WireSegment]:
    return [segment_to_wire(segment) for segment in segments]


def _from_wire(raw: object) -> list[Segment]:
    return [segment_from_wire(s) for s in raw or ()]  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# recording


def _component_difference(
    seg: Segment, a: Elements, b: Elements
) -> tuple[Segment, int | None, int | None, str, str] | None:
    for e_index in range(max(len(a), len(b))):
        ea = a[e_index] if e_index < len(a) else ()
        eb = b[e_index] if e_index < len(b) else ()
        for c_index in range(max(len(ea), len(eb))):
            ca = ea[c_index] if c_index < len(ea) else ""
            cb = eb[c_index] if c_index < len(eb) else ""
            if ca != cb:
                return seg, e_index + 1, c_index + 1, repr(ca[:20]), repr(cb[:20])
    return None


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
        if a[0] != b[0]:
            return original[index], None, None, a[0], b[0]
        found = _component_difference(original[index], a[1], b[1])
        if found is not None:
            return found
    return None, None, None, "", ""  # pragma: no cover - only called for differing units


def _deviation(message: str, where: Location) -> Finding:
    return Finding("edifact.mapping.deviation", Severity.WARNING, message, where)


def _changed_unit(segments: Sequence[Segment], expected: Sequence[Segment] | None) -> Finding:
    if expected is None:
        return _deviation(
            f"Segment {segments[0].tag} is not written by MedCom here; it is kept for "
            "EDIFACT round trips, XML cannot carry it.",
            location_of(segments[0]),
        )
    seg, element, component, found, wanted = _first_difference(segments, expected)
    return _deviation(
        f"Found {found} where MedCom writes {wanted}; the value is kept for EDIFACT "
        "round trips, XML cannot carry it.",
        location_of(seg, element, component) if seg is not None else Location(),
    )


def record_provenance(
    original: dict[str, list[Segment]],
    canonical: Sequence[Unit],
    keep: Sequence[str] = (),
) -> tuple[ProvenanceRecord | None, list[Finding]]:
    """Compare a letter's input units with their canonical rendering.

    Units in the ``keep`` scopes are recorded even when equal (texts over MedCom's FTX count
    limits: their provenance lets a strict writer reproduce them unchanged).

    Returns the provenance record (None when the input is exactly MedCom's way) and one
    ``edifact.mapping.deviation`` warning per differing unit (``edifact.mapping.group-order``
    once when only the order differs).
    """
    canon = {unit.key: unit.segments for unit in canonical}
    findings: list[Finding] = []
    units: dict[str, UnitRecord] = {}
    for key, segments in original.items():
        expected = canon.get(key)
        if expected is not None and _shapes(segments) == _shapes(expected):
            if any(in_scope(key, scope) for scope in keep):
                units[key] = {"original": _wire(segments), "canonical": _wire(expected)}
            continue
        units[key] = {
            "original": _wire(segments),
            "canonical": None if expected is None else _wire(expected),
        }
        findings.append(_changed_unit(segments, expected))
    for key, segments in canon.items():
        if key not in original:
            units[key] = {"original": [], "canonical": _wire(segments)}
            findings.append(
                _deviation(
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


def _units_of(record: object) -> Mapping[str, Mapping[str, object]]:
    """The ``units`` of a record read back from ``letter.wire`` ({} when it is not a record)."""
    if not isinstance(record, dict):
        return {}
    units: Mapping[str, Mapping[str, object]] = record.get("units", {})
    return units


def deviations(record: object) -> list[tuple[str, list[Segment], list[Segment] | None]]:
    """(key, original, canonical) for every unit of a record whose input differs from MedCom's
    writing (extra or changed segments; missing constant segments are not listed)."""
    out: list[tuple[str, list[Segment], list[Segment] | None]] = []
    for key, unit in _units_of(record).items():
        original = _from_wire(unit.get("original"))
        raw = unit.get("canonical")
        canonical = None if raw is None else _from_wire(raw)
        if original and (canonical is None or _shapes(original) != _shapes(canonical)):
            out.append((key, original, canonical))
    return out


# ---------------------------------------------------------------------------------------------
# assembling


class _Recorded:
    """The units of a provenance record, answering "write this unit from its original?"."""

    __slots__ = ("units",)

    def __init__(self, record: object) -> None:
        self.units = _units_of(record)

    def original_of(self, key: str, segments: Sequence[Segment] | None) -> list[Segment] | None:
        """The original segments of unit ``key`` when the record holds it and ``segments`` (the
        current rendering) still equals the recorded canonical one; an extra unit (canonical
        None) always."""
        unit = self.units.get(key)
        if unit is None:
            return None
        canonical = unit.get("canonical")
        if canonical is None:
            return _from_wire(unit.get("original"))
        if segments is not None and _shapes(segments) == _shapes(_from_wire(canonical)):
            return _from_wire(unit.get("original"))
        return None


def _remaining(
    full_keys: Sequence[str], resolved: Mapping[str, object], issues: Sequence[Issue]
) -> list[Issue]:
    """The issues not settled by provenance (every unit in their scope written from it)."""

    def settled(issue: Issue) -> bool:
        keys = [key for key in full_keys if in_scope(key, issue.scope)]
        return bool(keys) and all(key in resolved for key in keys)

    return [issue for issue in issues if not settled(issue)]


def _chosen(
    full: Sequence[Unit],
    resolved: dict[str, list[Segment]],
    affected: set[str],
    lossy: Sequence[Unit] | None,
    recorded: _Recorded,
    *,
    allow_loss: bool,
) -> dict[str, list[Segment]]:
    """Each unit's segments: from provenance, the lossy rendering, or the full one."""
    lossy_units = {unit.key: unit.segments for unit in lossy or ()}
    chosen: dict[str, list[Segment]] = {}
    for unit in full:
        if unit.key in resolved:
            chosen[unit.key] = resolved[unit.key]
        elif unit.key in affected and allow_loss:
            if unit.key in lossy_units:
                kept = recorded.original_of(unit.key, lossy_units[unit.key])
                chosen[unit.key] = kept if kept is not None else lossy_units[unit.key]
        else:
            chosen[unit.key] = unit.segments
    return chosen


def _order(
    full_keys: list[str],
    record: object,
    recorded: _Recorded,
    chosen: dict[str, list[Segment]],
) -> list[str]:
    """The recorded input order when the record covers the same units (adding its extra units
    to ``chosen``), else MedCom's."""
    if not (isinstance(record, dict) and set(record.get("keys", ())) == set(full_keys)):
        return full_keys
    recorded_order = [str(key) for key in record.get("order", ())]
    for key, unit_record in recorded.units.items():
        if unit_record.get("canonical") is None:
            chosen[key] = recorded.original_of(key, None) or []
    leftover = [key for key in full_keys if key not in recorded_order and chosen.get(key)]
    if leftover:
        return full_keys
    return [key for key in recorded_order if key in chosen]


def assemble(
    full: Sequence[Unit],
    issues: Sequence[Issue],
    record: object,
    *,
    allow_loss: bool,
    lossy: Sequence[Unit] | None = None,
) -> tuple[list[Segment], list[Issue]]:
    """The body segments to write and the issues that remain.

    Units still rendering to their recorded canonical form are written from the original
    segments (their issues vanish). With issues left: strict raises nothing here (the caller
    refuses); with ``allow_loss`` the ``lossy`` rendering replaces every affected unit.
    """
    recorded = _Recorded(record)
    resolved: dict[str, list[Segment]] = {}
    for unit in full:
        kept = recorded.original_of(unit.key, unit.segments)
        if kept is not None:
            resolved[unit.key] = kept
    full_keys = [unit.key for unit in full]
    remaining = _remaining(full_keys, resolved, issues)
    affected: set[str] = set()
    if remaining:  # (no issues, the usual case: no scope test per key)
        affected = {key for key in full_keys if any(in_scope(key, i.scope) for i in remaining)}
    chosen = _chosen(full, resolved, affected, lossy, recorded, allow_loss=allow_loss)
    segments: list[Segment] = []
    for key in _order(full_keys, record, recorded, chosen):
        segments.extend(chosen.get(key, ()))
    return segments, remaining
