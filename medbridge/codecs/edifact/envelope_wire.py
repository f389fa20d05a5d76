"""Envelope segments in ``wire``: UNB, UNT and UNZ as read, kept for EDIFACT round trips and
compared with MedCom's way of writing them for what XML cannot carry.

The codec writes the envelope itself (UNB from the model's envelope, UNT and UNZ computed), so
whatever an input's envelope holds beyond that would be dropped silently. One mechanism covers
every envelope segment instead (UNH belongs to the letter and is covered by the unit provenance
of :mod:`~medbridge.codecs.edifact.mapping`):

* :data:`_LAYOUTS` states, per segment, the positions (element, component) ISO 9735 defines,
  the ones the model holds or the writer computes (*carried*), and the value MedCom writes at the
  others (``UNOC``, ``3``, ``14``; nothing elsewhere).
* Reading keeps the raw segment: UNB always (``message.wire["edifact.unb.segment"]``, with the
  canonical UNB of that moment, see :mod:`~medbridge.codecs.edifact.codec`), a UNT or UNZ only
  when it
  is not exactly what the writer computes (:func:`record_trailer`: an extra element or
  component, a count with leading zeros) under ``letter.wire["edifact.wire.unt"]`` and
  ``message.wire["edifact.wire.unz"]``, in the wire segment form of
  :func:`~medbridge.codecs.edifact.mapping.segment_to_wire`.
* Writing (:func:`trailer`) uses a recorded UNT or UNZ while it still states the count and the
  reference being written, so EDIFACT → model → EDIFACT stays byte-identical; otherwise the
  computed one (the recorded values no longer describe the message).
* :func:`differences` lists, per segment, each carried-free position whose value differs from
  MedCom's and the values where the layout has no position at all (``UNOC:3:ZZZ`` in syntax
  version 3, a twelfth UNB element, a third UNT element). :func:`deviation_findings` reports them
  when reading (``edifact.mapping.deviation``, like any other deviation from MedCom's writing),
  :func:`envelope_losses` as ``convert.loss`` when writing XML, which has no place for them.
  Values outside the layout are reported together, one finding per segment, so the number of
  findings stays bounded whatever the input.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from medbridge.codecs.edifact.provenance import (
    WireSegment,
    segment_from_wire,
    segment_to_wire,
    shape,
)
from medbridge.edifact.groups import location_of
from medbridge.edifact.segment import Segment
from medbridge.findings import Finding, Location, Severity
from medbridge.model.message import Message
from medbridge.numbers import states_count

__all__ = [
    "UNB_CANONICAL_KEY",
    "UNB_KEY",
    "UNT_KEY",
    "UNZ_KEY",
    "Difference",
    "deviation_findings",
    "differences",
    "envelope_losses",
    "raw_unb",
    "record_trailer",
    "trailer",
]

UNB_KEY = "edifact.unb.segment"
"""``message.wire``: the UNB as read, ``[elements, layout]``."""
UNB_CANONICAL_KEY = "edifact.unb.canonical"
"""``message.wire``: the elements of the canonical UNB for the model as read."""
UNT_KEY = "edifact.wire.unt"
"""``letter.wire``: the letter's UNT as read, when it is not what the writer computes."""
UNZ_KEY = "edifact.wire.unz"
"""``message.wire``: the UNZ as read, when it is not what the writer computes."""

Position = tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Layout:
    """One envelope segment: names of the positions ISO 9735 defines (``since``: positions
    defined only from a later syntax version), those the model carries, MedCom's constants."""

    names: Mapping[Position, str]
    carried: frozenset[Position]
    expected: Mapping[Position, str] = field(default_factory=dict)
    since: Mapping[Position, str] = field(default_factory=dict)

    def name(self, position: Position, version: str) -> str | None:
        """The position's name, or None where this syntax version defines nothing."""
        needed = self.since.get(position)
        if needed is not None and version < needed:
            return None
        return self.names.get(position)


_LAYOUTS: dict[str, _Layout] = {
    "UNB": _Layout(
        names={
            (1, 1): "the syntax identifier",
            (1, 2): "the syntax version",
            (1, 3): "the service code list directory version",
            (1, 4): "the character encoding",
            (2, 1): "the sender",
            (2, 2): "the sender's id qualifier",
            (2, 3): "the sender's routing address",
            (2, 4): "the sender's internal sub-identification",
            (3, 1): "the recipient",
            (3, 2): "the recipient's id qualifier",
            (3, 3): "the recipient's routing address",
            (3, 4): "the recipient's internal sub-identification",
            (4, 1): "the date",
            (4, 2): "the time",
            (5, 1): "the interchange reference",
            (6, 1): "the recipient's password",
            (6, 2): "the recipient's password qualifier",
            (7, 1): "the application reference",
            (8, 1): "the processing priority",
            (9, 1): "the acknowledgement request",
            (10, 1): "the communications agreement id",
            (11, 1): "the test indicator",
        },
        # Envelope Sent, Identifier, AcknowledgementCode and the letters' EANs; E9 absent or
        # empty reads as minuspositivkvitt (normalisation M3).
        carried=frozenset({(2, 1), (3, 1), (4, 1), (4, 2), (5, 1), (9, 1)}),
        expected={(1, 1): "UNOC", (1, 2): "3", (2, 2): "14", (3, 2): "14"},
        since={(1, 3): "4", (1, 4): "4", (2, 4): "4", (3, 4): "4"},
    ),
    "UNT": _Layout(
        names={(1, 1): "the segment count", (2, 1): "the message reference"},
        carried=frozenset({(1, 1), (2, 1)}),
    ),
    "UNZ": _Layout(
        names={(1, 1): "the message count", (2, 1): "the interchange reference"},
        carried=frozenset({(1, 1), (2, 1)}),
    ),
}


@dataclass(frozen=True, slots=True)
class Difference:
    """A value XML cannot carry: at a named position (``name``) where MedCom writes
    ``expected``, or ``count`` values outside the layout, the first at ``position``."""

    position: Position
    found: str = ""
    expected: str = ""
    name: str | None = None
    count: int = 1


def differences(segment: Segment, version: str = "3") -> list[Difference]:
    """What ``segment`` (UNB, UNT or UNZ) holds beyond the model and MedCom's constants, in
    position order; values outside the layout last, as one :class:`Difference`."""
    layout = _LAYOUTS[segment.tag]
    named: list[Difference] = []
    extra: list[Position] = []
    for e_index, element in enumerate(segment.elements, start=1):
        for c_index, value in enumerate(element, start=1):
            position = (e_index, c_index)
            name = layout.name(position, version)
            if name is None:
                if value:
                    extra.append(position)
            elif position not in layout.carried:
                expected = layout.expected.get(position, "")
                if value != expected:
                    named.append(Difference(position, value, expected, name))
    for position, expected in layout.expected.items():
        e_index, c_index = position
        if c_index > len(segment.element(e_index)):  # absent, where MedCom writes a constant
            named.append(Difference(position, "", expected, layout.names[position]))
    named.sort(key=lambda d: d.position)
    if extra:
        named.append(Difference(extra[0], count=len(extra)))
    return named


def _shown(value: str) -> str:
    return repr(value if len(value) <= 20 else value[:19] + "…")


def _outside(segment: Segment, version: str, difference: Difference) -> str:
    element, component = difference.position
    values = "a value" if difference.count == 1 else f"{difference.count} values"
    return (
        f"{segment.tag} holds {values} where its layout (syntax version {version or '?'}) has "
        f"none, the first at element {element}, component {component}"
    )


def deviation_findings(
    segment: Segment, version: str = "3", *, skip: frozenset[Position] = frozenset()
) -> list[Finding]:
    """``edifact.mapping.deviation`` warnings for :func:`differences` of a segment as read
    (positions in ``skip`` have a finding of their own)."""
    findings: list[Finding] = []
    for difference in differences(segment, version):
        element, component = difference.position
        if difference.name is None:
            message = f"{_outside(segment, version, difference)}; kept for EDIFACT round trips"
        elif difference.position in skip:
            continue
        else:
            expected = _shown(difference.expected) if difference.expected else "nothing"
            message = (
                f"{segment.tag} element {element}, component {component} ({difference.name}) "
                f"holds {_shown(difference.found)} where MedCom writes {expected}; kept for "
                "EDIFACT round trips"
            )
        findings.append(
            Finding(
                "edifact.mapping.deviation",
                Severity.WARNING,
                message + ", XML cannot carry it.",
                location_of(segment, element, component),
            )
        )
    return findings


def _losses(segment: Segment, version: str, where: Location) -> Iterator[Finding]:
    for difference in differences(segment, version):
        element, component = difference.position
        if difference.name is None:
            message = f"{_outside(segment, version, difference)}; XML has no element for them"
        else:
            message = (
                f"{segment.tag} {difference.name} (element {element}.{component}) has no XML "
                "element"
            )
        yield Finding(
            "convert.loss",
            Severity.WARNING,
            message + "; it is not carried into XML.",
            Location(
                segment=where.segment,
                tag=segment.tag,
                element=element,
                component=component,
                offset=where.offset,
            ),
        )


def raw_unb(wire: Mapping[str, object]) -> Segment | None:
    """The UNB recorded in a message's wire, or None when there is none (or it is malformed)."""
    raw = wire.get(UNB_KEY)
    if not (isinstance(raw, (list, tuple)) and len(raw) == 2):
        return None
    elements = _elements(raw[0])
    return None if elements is None else Segment("UNB", elements, 1)


def _elements(raw: object) -> tuple[tuple[str, ...], ...] | None:
    if not isinstance(raw, (list, tuple)) or not all(
        isinstance(element, (list, tuple)) and all(isinstance(c, str) for c in element)
        for element in raw
    ):
        return None
    return tuple(tuple(element) for element in raw)


def envelope_losses(message: Message) -> list[Finding]:
    """``convert.loss`` warnings for every envelope value of ``message`` (read from EDIFACT,
    directly or through JSON) that XML has no element for: UNB, each letter's UNT, UNZ."""
    findings: list[Finding] = []
    unb = raw_unb(message.wire)
    version = "3" if unb is None else unb.value(1, 2)
    if unb is not None:
        findings.extend(_losses(unb, version, Location(segment=1)))
    for letter in message.letters:
        unt = _recorded(letter.wire.get(UNT_KEY), "UNT")
        if unt is not None:
            findings.extend(_losses(unt, version, location_of(unt)))
    unz = _recorded(message.wire.get(UNZ_KEY), "UNZ")
    if unz is not None:
        findings.extend(_losses(unz, version, location_of(unz)))
    return findings


def record_trailer(segment: Segment, count: int, reference: str) -> WireSegment | None:
    """The wire record of a UNT or UNZ as read, or None when it is exactly what the writer
    computes from ``count`` and ``reference`` (trailing empties aside, normalisation E2)."""
    if shape(segment) == shape(Segment(segment.tag, ((str(count),), (reference,)))):
        return None
    return segment_to_wire(segment)


def _recorded(record: object, tag: str) -> Segment | None:
    if not isinstance(record, (list, tuple)) or len(record) != 5 or record[0] != tag:
        return None
    if _elements(record[1]) is None or not isinstance(record[2], str):
        return None
    return segment_from_wire(record)


def trailer(tag: str, record: object, count: int, reference: str, layout: str) -> Segment:
    """The UNT or UNZ to write for ``count`` and ``reference``: the recorded one (wire) while it
    still states both, else the computed one."""
    recorded = _recorded(record, tag)
    if (
        recorded is not None
        and states_count(recorded.value(1), count)
        and recorded.value(2) == reference
    ):
        return Segment(tag, recorded.elements, layout=layout)
    return Segment(tag, ((str(count),), (reference,)), layout=layout)
