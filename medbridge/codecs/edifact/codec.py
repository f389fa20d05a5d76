"""The EDIFACT codec: MEDDIS DIS01 / MEDREF REF01 interchanges ⇄ :class:`~medbridge.model.Message`.

* :func:`iter_interchange` streams an interchange (bytes, or the chunks of a file being read):
  one :class:`Message` per UNH…UNT, all sharing the envelope, with that message's findings.
  :func:`read_interchange` collects them into one Message. Bad input raises
  :class:`~medbridge.errors.EdifactInputError` with located findings. (Both live in
  :mod:`~medbridge.codecs.edifact.interchange` and are re-exported here.)
* :func:`write_interchange` writes a Message MedCom's way (§2, §3, §6, §7). What EDIFACT cannot
  carry is refused (strict, :class:`~medbridge.errors.ConversionError` with
  ``convert.unrepresentable`` / ``convert.unmapped``) or, with ``allow_loss``, left out whole and
  reported as ``convert.loss``.
* :func:`xml_losses` lists what a message read from EDIFACT holds that XML cannot (P6 "Into XML").

With ``sources=`` (an :class:`~medbridge.codecs.edifact.sources.InterchangeSources`), reading also
records where every model value came from, for the API layer to locate rule and identifier findings.

Provenance (P1) lives in ``Message.wire`` (UNA, layout, raw UNB) and each letter's ``wire`` (unit
provenance, see :mod:`~medbridge.codecs.edifact.mapping`), with ``edifact.`` keys, so an interchange
written MedCom's way comes back byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from medbridge.codecs.edifact.envelope_wire import (
    UNB_KEY,
    UNT_KEY,
    UNZ_KEY,
    envelope_losses,
    trailer,
)
from medbridge.codecs.edifact.interchange import (
    LAYOUTS_KEY,
    NEWLINE_KEY,
    UNA_KEY,
    UNA_LAYOUT_KEY,
    UNZ_LAYOUT_KEY,
    EdifactMapping,
    canonical_unb,
    element_name,
    envelope_of,
    iter_interchange,
    letter_mapping,
    read_interchange,
    read_message,
    xml_namespace,
)
from medbridge.codecs.edifact.issues import Issue, refuse, required_losses
from medbridge.codecs.edifact.mapping import (
    UNITS_KEY,
    Builder,
    Unit,
    assemble,
    deviations,
    fail,
    shape,
)
from medbridge.edifact.envelope import InterchangeHeader, check_unb_syntax
from medbridge.edifact.groups import location_of
from medbridge.edifact.segment import Segment, new_segment, trim_elements
from medbridge.edifact.serialize import encode_interchange
from medbridge.edifact.wirecheck import provenance_ignored, una_to_write, unb_to_write
from medbridge.errors import ConversionError, EdifactInputError, MedbridgeError
from medbridge.findings import Finding, Severity
from medbridge.model.codes import AcknowledgementCode
from medbridge.model.message import Letter, Message, letter_identifier, letter_parties
from medbridge.model.receipt import Receipt

__all__ = ["iter_interchange", "read_interchange", "write_interchange", "xml_losses"]


# ---------------------------------------------------------------------------------------------
# writing


def write_interchange(
    message: Message, *, allow_loss: bool = False, allow_nonstandard: bool = False
) -> tuple[bytes, list[Finding]]:
    """Write ``message`` as one UNOC interchange (one UNH…UNT per letter).

    Strict (default): a value EDIFACT cannot carry raises :class:`ConversionError` with
    ``convert.unrepresentable`` / ``convert.unmapped`` findings and nothing is written. With
    ``allow_loss`` those values are left out whole and returned as ``convert.loss`` warnings,
    except where that would leave out an element the letter requires: that is still a
    :class:`ConversionError` (``convert.required-lost``, see
    :mod:`~medbridge.codecs.edifact.issues`).
    ``allow_nonstandard`` writes texts over MedCom's FTX count limits (more than 9 FTX in a
    clinical S14, more than 50 in REF01 S12) as MedCom's writer does, with ``convert.nonstandard``
    warnings, instead of treating them as losses.
    """
    wire = message.wire
    many = len(message.letters) > 1
    letters, issues = _edifact_letters(message.letters, many)
    sender, recipient = _unb_parties(letters)
    kept = _one_pair_one_reference(letters, sender, recipient, issues)
    receipt = isinstance(kept[0][1], Receipt) if kept else False
    if receipt and message.envelope.acknowledgement is AcknowledgementCode.POSITIVE_WANTED:
        issues.append(
            Issue(
                "convert.unmapped",
                "A receipt's UNB never asks for a receipt (pluspositivkvitt has no place).",
                "/Emessage/Envelope/AcknowledgementCode",
                "-",
                "UNB",
                9,
                lost=None,
            )
        )
    unb, unb_layout, notes = unb_to_write(
        wire.get(UNB_KEY),
        canonical_unb(message.envelope, sender, recipient, receipt=receipt),
        partial(_read_back_unb, receipt=receipt),
    )
    plan = _Plan(allow_loss, allow_nonstandard, str(wire.get(NEWLINE_KEY, "")), unb, many)
    bodies = [_write_letter(*item, plan, issues, notes) for item in kept]
    if issues and not allow_loss:
        raise refuse(issues)
    if plan.required:  # allow-loss, but a letter would lack a required value
        raise ConversionError.from_findings(plan.required)
    if not bodies:
        raise refuse(issues)
    data = _encode(message, unb, unb_layout, bodies, notes)
    return data, [*notes, *(issue.finding(loss=True) for issue in issues)]


@dataclass(slots=True)
class _Plan:
    """How the letters of one interchange are written, and the required values lost so far."""

    allow_loss: bool
    allow_nonstandard: bool
    newline: str
    unb: Segment
    many: bool
    required: list[Finding] = field(default_factory=list)


def _edifact_letters(
    letters: list[Letter], many: bool
) -> tuple[list[tuple[int, Letter, EdifactMapping]], list[Issue]]:
    """The letters EDIFACT can carry (with their mapping), and an issue for each other one."""
    out: list[tuple[int, Letter, EdifactMapping]] = []
    issues: list[Issue] = []
    for index, letter in enumerate(letters, start=1):
        mapping = letter_mapping(letter)
        if mapping is not None:
            out.append((index, letter, mapping))
            continue
        issues.append(
            Issue(
                "convert.unmapped",
                f"Letter {index} is a care plan: the plejeforløbsplan has no EDIFACT form "
                "(convert it to xml or json).",
                f"/Emessage/{element_name(letter)}[{index}]"
                if many
                else f"/Emessage/{element_name(letter)}",
                "-",
            )
        )
    if not out:
        if issues:  # only care plans
            raise refuse(issues)
        raise fail("convert.missing-required", "No letter EDIFACT can carry.", "/Emessage")
    return out, issues


def _unb_parties(letters: list[tuple[int, Letter, EdifactMapping]]) -> tuple[str, str]:
    """The UNB sender and recipient: the first letter's Sender and Receiver EANs."""
    first = letters[0][1]
    sender, recipient = letter_parties(first)
    if not sender or not recipient:
        raise fail(
            "convert.missing-required",
            "The first letter needs Sender and Receiver EANIdentifier for the UNB.",
            "/Emessage/" + element_name(first),
        )
    return sender, recipient


def _one_pair_one_reference(
    letters: list[tuple[int, Letter, EdifactMapping]],
    sender: str,
    recipient: str,
    issues: list[Issue],
) -> list[tuple[int, Letter, EdifactMapping]]:
    """The letters one interchange can carry: the UNB's EAN pair, each with its own UNH
    reference; an issue for each other one."""
    kept: list[tuple[int, Letter, EdifactMapping]] = []
    references: dict[str, int] = {}
    for index, letter, mapping in letters:
        identifier = letter_identifier(letter)
        base = f"/Emessage/{element_name(letter)}[{index}]"
        if letter_parties(letter) != (sender, recipient):
            issues.append(
                Issue(
                    "convert.unmapped",
                    f"Letter {index} has other Sender/Receiver EANs than the first letter; one "
                    "interchange carries one pair (UNB).",
                    f"{base}/Sender/EANIdentifier",
                    "-",
                    "UNB",
                    lost=base,  # the whole letter
                )
            )
        elif identifier in references:
            issues.append(
                Issue(
                    "convert.unmapped",
                    f"Letter {index} has the Letter/Identifier of letter {references[identifier]}; "
                    "each message of an interchange needs its own reference (UNH element 1).",
                    f"{base}/Letter/Identifier",
                    "-",
                    "UNH",
                )
            )
        else:
            references[identifier] = index
            kept.append((index, letter, mapping))
    return kept


def _write_letter(
    index: int,
    letter: Letter,
    module: EdifactMapping,
    plan: _Plan,
    issues: list[Issue],
    notes: list[Finding],
) -> list[Segment]:
    """One letter's UNH … UNT, with its unit provenance where it still fits."""
    base = "/Emessage/" + element_name(letter) + (f"[{index}]" if plan.many else "")
    full = Builder(nonstandard=plan.allow_nonstandard)
    module.build_letter(letter, full, base)
    record = letter.wire.get(UNITS_KEY)
    segments, remaining = assemble(full.finish(), full.issues, record, allow_loss=False)
    if record is not None and not _provenance_fits(module, segments, full, plan.unb, base):
        notes.append(provenance_ignored(base))
        record = None
        segments, remaining = assemble(full.finish(), full.issues, None, allow_loss=False)
    if remaining and plan.allow_loss:
        lossy = Builder(lossy=True, nonstandard=plan.allow_nonstandard)
        module.build_letter(letter, lossy, base)
        segments, remaining = assemble(
            full.finish(), full.issues, record, allow_loss=True, lossy=lossy.finish()
        )
        plan.required.extend(required_losses(remaining, xml_namespace(letter)))
    issues.extend(remaining)
    notes.extend(full.notes)
    layouts = letter.wire.get(LAYOUTS_KEY)
    unt = trailer("UNT", letter.wire.get(UNT_KEY), len(segments) + 1, segments[0].value(1), "")
    out = [*segments, unt]
    if isinstance(layouts, list) and len(layouts) == len(out):
        return [_with_layout(s, str(layout)) for s, layout in zip(out, layouts, strict=True)]
    if plan.newline:  # built segments have no layout ("") yet
        return [s if s.layout else _with_layout(s, plan.newline) for s in out]
    return out


def _encode(
    message: Message,
    unb: Segment,
    unb_layout: str,
    bodies: list[list[Segment]],
    notes: list[Finding],
) -> bytes:
    """The interchange's bytes: UNA (as read, or MedCom's), UNB, the messages, UNZ."""
    wire = message.wire
    newline = str(wire.get(NEWLINE_KEY, ""))
    unz_layout = str(wire.get(UNZ_LAYOUT_KEY, newline))
    unz = trailer("UNZ", wire.get(UNZ_KEY), len(bodies), unb.value(5), unz_layout)
    all_segments = [_with_layout(unb, unb_layout or newline)]
    for body in bodies:
        all_segments.extend(body)
    all_segments.append(unz)
    una, chars, una_notes = una_to_write(wire, UNA_KEY)
    notes.extend(una_notes)
    return encode_interchange(
        all_segments,
        chars=chars,
        una=una is not None,
        una_layout=str(wire.get(UNA_LAYOUT_KEY, newline)) if una is not None else "",
    )


def _provenance_fits(
    module: EdifactMapping, segments: list[Segment], full: Builder, unb: Segment, base: str
) -> bool:
    """True when a letter assembled with its unit provenance reads back to what the model
    renders canonically: the stored segments say what the model says, only differently
    (edifact-messages.md §12 P2). A record from JSON or a hand-built model may say otherwise."""
    unh, body = segments[0], segments[1:]
    unt = Segment("UNT", ((str(len(segments) + 1),), (unh.value(1),)))
    try:
        back, _, _ = read_message(unh, body, unt, InterchangeHeader.from_segment(unb), "", unb)
        again = Builder(nonstandard=True)
        module.build_letter(back, again, base)
    except MedbridgeError:
        return False

    def shapes(units: list[Unit]) -> dict[str, list[Any]]:
        return {unit.key: [shape(segment) for segment in unit.segments] for unit in units}

    return shapes(again.finish()) == shapes(full.finish())


def _read_back_unb(unb: Segment, *, receipt: bool = False) -> Segment:
    """The canonical UNB of what reading ``unb`` gives (see :func:`unb_to_write`); a receipt's
    UNB with anything after element 5 reads as no receipt's."""
    header = InterchangeHeader.from_segment(unb)
    problem = check_unb_syntax(header, unb)
    if problem is not None:  # a reader would refuse the interchange
        raise EdifactInputError.of(problem)
    if receipt and len(trim_elements(unb.elements)) > 5:
        raise ValueError("a receipt's UNB ends after element 5")
    envelope = envelope_of(header, unb)
    return canonical_unb(envelope, header.sender_id, header.recipient_id, receipt=receipt)


def _with_layout(segment: Segment, layout: str) -> Segment:
    return new_segment(segment.tag, segment.elements, segment.number, segment.offset, layout)


# ---------------------------------------------------------------------------------------------
# EDIFACT → XML losses


def xml_losses(message: Message) -> list[Finding]:
    """The P6 "Into XML" losses of a message read from EDIFACT (directly or through JSON), as
    ``convert.loss`` warnings: every recorded deviation from MedCom's way of writing (NAD agency,
    AHI value, ADR E5/E6, NAD E4.4/E4.5, RFF qualifier other than XPI, a CON kind on a party,
    unusual constants, anything extra in UNH) and every envelope value XML has no element for
    (:func:`~medbridge.codecs.edifact.envelope_wire.envelope_losses`: UNB E2.2/E3.2 other than 14,
    routing addresses, E6–E8, E10, E11, a syntax identifier other than UNOC:3, and values where
    the UNB, UNT or UNZ layout has none)."""
    findings = envelope_losses(message)
    for letter in message.letters:
        for _key, original, _canonical in deviations(letter.wire.get(UNITS_KEY)):
            segment = original[0]
            findings.append(
                Finding(
                    "convert.loss",
                    Severity.WARNING,
                    f"Segment {segment.tag} deviates from MedCom's writing (a raw constant, "
                    "qualifier, agency or extra component); XML cannot carry the raw value.",
                    location_of(segment),
                )
            )
    return findings
