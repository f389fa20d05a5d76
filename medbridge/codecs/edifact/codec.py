"""The EDIFACT codec: MEDDIS DIS01 / MEDREF REF01 interchanges ⇄ :class:`~medbridge.model.Message`.

* :func:`iter_interchange` streams an interchange (bytes, or the chunks of a file being read):
  one :class:`Message` per UNH…UNT, all sharing the envelope, with that message's findings.
  :func:`read_interchange` collects them into one Message. Bad input raises
  :class:`~medbridge.errors.EdifactInputError` with located findings.
* :func:`write_interchange` writes a Message MedCom's way (§2, §3, §6, §7). What EDIFACT cannot
  carry is refused (strict, :class:`~medbridge.errors.ConversionError` with
  ``convert.unrepresentable`` / ``convert.unmapped``) or, with ``allow_loss``, left out whole and
  reported as ``convert.loss``.
* :func:`xml_losses` lists what a message read from EDIFACT holds that XML cannot (P6 "Into XML").

With ``sources=`` (an :class:`~medbridge.codecs.edifact.sources.InterchangeSources`), reading also
records
where every model value came from, for the API layer to locate rule and identifier findings.

Provenance (P1) lives in ``Message.wire`` (UNA, layout, raw UNB) and each letter's ``wire`` (unit
provenance, see :mod:`~medbridge.codecs.edifact.mapping`), with ``edifact.`` keys, so an interchange
written MedCom's way comes back byte for byte.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from medbridge.codecs.edifact.envelope_wire import (
    UNB_CANONICAL_KEY,
    UNB_KEY,
    UNT_KEY,
    UNZ_KEY,
    deviation_findings,
    envelope_losses,
    record_trailer,
    trailer,
)
from medbridge.codecs.edifact.issues import Issue, refuse, required_losses
from medbridge.codecs.edifact.mapping import (
    UNITS_KEY,
    Builder,
    Reader,
    Unit,
    assemble,
    deviations,
    fail,
    record_provenance,
    shape,
)
from medbridge.codecs.edifact.sources import Fields, InterchangeSources, SourceMap
from medbridge.edifact.envelope import InterchangeHeader, InterchangeReader, unb_full_date
from medbridge.edifact.groups import location_of, split_groups
from medbridge.edifact.segment import Segment, new_segment
from medbridge.edifact.serialize import encode_interchange
from medbridge.edifact.syntax import DEFAULT_CHARS, Tokenizer
from medbridge.edifact.wirecheck import provenance_ignored, una_to_write, unb_to_write
from medbridge.errors import ConversionError, EdifactInputError, MedbridgeError
from medbridge.findings import Finding, Location, Severity
from medbridge.letters.epikrise import edifact as dis01
from medbridge.letters.epikrise.edifact import LetterContext
from medbridge.letters.henvisning import edifact as ref01
from medbridge.letters.shared.edifact_codes import ACKNOWLEDGEMENT
from medbridge.limits import DEFAULT_LIMITS, Limits
from medbridge.model.codes import AcknowledgementCode
from medbridge.model.common import Envelope, Moment
from medbridge.model.epikrise import DischargeLetter
from medbridge.model.henvisning import HospitalReferral
from medbridge.model.message import Letter, Message

__all__ = ["iter_interchange", "read_interchange", "write_interchange", "xml_losses"]

#: (UNH E2.1, E2.5) → mapping module.
_MAPPINGS: dict[tuple[str, str], Any] = {
    (dis01.MESSAGE_TYPE, dis01.VERSION): dis01,
    (ref01.MESSAGE_TYPE, ref01.VERSION): ref01,
}
_KNOWN_UNSUPPORTED = {("MEDDIS", "D0134L"), ("MEDREF", "H0131R")}

UNA_KEY = "edifact.wire.una"
UNA_LAYOUT_KEY = "edifact.wire.una-layout"
NEWLINE_KEY = "edifact.wire.newline"
UNB_SENDER_KEY = "edifact.unb.sender"
UNB_RECIPIENT_KEY = "edifact.unb.recipient"
UNZ_LAYOUT_KEY = "edifact.wire.unz-layout"
LAYOUTS_KEY = "edifact.wire.layouts"


def _wire_elements(segment: Segment) -> list[list[str]]:
    return [list(element) for element in segment.elements]


def _elements(raw: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(map(str, element)) for element in raw)


# ---------------------------------------------------------------------------------------------
# reading


def _acknowledgement(header: InterchangeHeader, unb: Segment) -> AcknowledgementCode:
    raw = header.acknowledgement
    if raw in (None, ""):
        return AcknowledgementCode.NO_POSITIVE
    found = ACKNOWLEDGEMENT.decode(raw)
    if found is None:
        finding = Finding(
            "edifact.mapping.value",
            Severity.ERROR,
            f"UNB acknowledgement request {raw[:4]!r} must be 0 or 1.",
            location_of(unb, 9),
        )
        raise EdifactInputError(finding.format(), [finding])
    return found


def _envelope(header: InterchangeHeader, unb: Segment) -> Envelope:
    day = unb_full_date(header)
    time = f"{header.time[:2]}:{header.time[2:]}"
    return Envelope(Moment(day.isoformat(), time), header.reference, _acknowledgement(header, unb))


#: Where the envelope's values come from in UNB (source map rows, paths below ``/Emessage``).
_ENVELOPE_FIELDS: Fields = (
    ("", None, None),
    ("/Identifier", 5, 1),
    ("/Sent", 4, None),
    ("/Sent/Date", 4, 1),
    ("/Sent/Time", 4, 2),
    ("/AcknowledgementCode", 9, 1),
)


def _canonical_unb(envelope: Envelope, sender: str, recipient: str) -> Segment:
    sent = envelope.sent
    year = sent.date[:4]
    if not (year.isdigit() and 1970 <= int(year) <= 2069) or sent.time is None:
        raise fail(
            "convert.unsupported-value",
            f"The envelope's Sent {str(sent)[:20]!r} needs a year 1970–2069 and a time to be "
            "written as a UNB YYMMDD:HHMM.",
            "/Emessage/Envelope/Sent",
        )
    date = year[2:] + sent.date[5:7] + sent.date[8:10]
    ack = ACKNOWLEDGEMENT.encode(envelope.acknowledgement) or "0"
    return Segment(
        "UNB",
        (
            ("UNOC", "3"),
            (sender, "14"),
            (recipient, "14"),
            (date, sent.time.replace(":", "")),
            (envelope.identifier,),
            ("",),
            ("",),
            ("",),
            (ack,),
        ),
    )


def _message_findings(
    tokenizer: Tokenizer, header: InterchangeHeader, unb: Segment
) -> list[Finding]:
    findings: list[Finding] = []
    if tokenizer.una is None:
        findings.append(
            Finding(
                "edifact.mapping.no-una",
                Severity.INFO,
                "The interchange has no UNA; the default service characters apply (MedCom's "
                "reader warns, its writer always writes UNA:+.? ').",
                Location(segment=1, tag="UNB", offset=0),
            )
        )
    elif tokenizer.chars != DEFAULT_CHARS:
        findings.append(
            Finding(
                "edifact.mapping.custom-una",
                Severity.WARNING,
                f"The UNA announces non-default service characters ({tokenizer.una[3:]!r}); "
                "medbridge honours them, MedCom's reader would misparse the file.",
                Location(tag="UNA", offset=0),
            )
        )
    if (header.syntax_identifier, header.syntax_version) != ("UNOC", "3"):
        findings.append(
            Finding(
                "edifact.mapping.charset",
                Severity.WARNING,
                f"UNB declares {header.syntax_identifier}:{header.syntax_version}; MedCom "
                "letters always use UNOC:3 (not MedCom's character set).",
                location_of(unb, 1),
            )
        )
    findings += deviation_findings(unb, header.syntax_version, skip=_CHARSET_POSITIONS)
    return findings


#: UNB S001, reported by ``edifact.mapping.charset`` rather than as a deviation.
_CHARSET_POSITIONS = frozenset({(1, 1), (1, 2)})


def _dominant_layout(segments: list[Segment]) -> str:
    counts = Counter(segment.layout for segment in segments)
    return counts.most_common(1)[0][0] if counts else ""


def iter_interchange(
    data: bytes | Iterable[bytes],
    *,
    limits: Limits = DEFAULT_LIMITS,
    sources: InterchangeSources | None = None,
) -> Iterator[tuple[Message, list[Finding]]]:
    """Yield ``(message, findings)`` for each UNH…UNT of the interchange in ``data``, streaming.

    ``data`` is the whole input (``bytes``) or its consecutive chunks (e.g. a file read a chunk
    at a time), which are then read only as far as the messages yielded so far (and the next
    one) need. Every message shares the envelope (and the ``edifact.`` wire facts of UNA, UNB
    and layout). Raises :class:`EdifactInputError` at the first message (or envelope) that
    cannot be read; a message is yielded once the next one has been read (UNZ errors therefore
    come before the last message). Exceptions raised by the chunks pass through.
    ``sources``, when given, receives the envelope's source map and one per letter read.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        tokenizer = Tokenizer(data, limits=limits)
    else:
        tokenizer = Tokenizer.from_chunks(data, limits=limits)
    try:
        reader = InterchangeReader(tokenizer)
        header, unb = reader.header, reader.unb
        envelope = _envelope(header, unb)
        if sources is not None:
            sources.envelope.record("/Envelope", unb, _ENVELOPE_FIELDS)
        shared: dict[str, Any] = {
            UNA_KEY: tokenizer.una,
            UNA_LAYOUT_KEY: tokenizer.una_layout,
            UNB_KEY: [_wire_elements(unb), unb.layout],
            UNB_SENDER_KEY: header.sender_id,
            UNB_RECIPIENT_KEY: header.recipient_id,
        }
        canonical_unb = _canonical_unb(envelope, header.sender_id, header.recipient_id)
        shared[UNB_CANONICAL_KEY] = _wire_elements(canonical_unb)
        first = True
        count = 0
        pending: list[tuple[Message, list[Finding]]] = []
        for unh, body, unt in reader.messages():
            count += 1
            findings = _message_findings(tokenizer, header, unb) if first else []
            first = False
            layout = _dominant_layout([unb, unh, *body, unt])
            message = Message(envelope, [], dict(shared))
            message.wire[NEWLINE_KEY] = layout
            letter, letter_findings, letter_sources = _read_message(
                unh, body, unt, header, layout, unb
            )
            unt_record = record_trailer(unt, len(body) + 2, unh.value(1))
            if unt_record is not None:
                letter.wire[UNT_KEY] = unt_record
                letter_findings += deviation_findings(unt, header.syntax_version)
            if sources is not None:
                sources.letters.append((_element_name(letter), letter_sources))
            message.letters.append(letter)
            findings = [*tokenizer.findings, *findings, *letter_findings]
            tokenizer.findings.clear()
            if pending:
                yield pending.pop()
            pending.append((message, findings))
        unz = reader.unz
        for item in pending:
            if unz is not None:
                item[0].wire[UNZ_LAYOUT_KEY] = unz.layout
                unz_record = record_trailer(unz, count, header.reference)
                if unz_record is not None:
                    item[0].wire[UNZ_KEY] = unz_record
                    item[1].extend(deviation_findings(unz, header.syntax_version))
            yield item
    except EdifactInputError as exc:
        known = {id(f) for f in exc.findings}
        extra = [f for f in tokenizer.findings if id(f) not in known]
        raise EdifactInputError(str(exc), [*extra, *exc.findings]) from None


def _read_message(
    unh: Segment,
    body: list[Segment],
    unt: Segment,
    header: InterchangeHeader,
    layout: str,
    unb: Segment,
) -> tuple[Letter, list[Finding], SourceMap]:
    message_type, version, letter_type = unh.value(2, 1), unh.value(2, 5), unh.value(3)
    module = _MAPPINGS.get((message_type, version))
    if module is None:
        if (message_type, version) in _KNOWN_UNSUPPORTED:
            code, text = (
                "edifact.mapping.unsupported-version",
                f"{message_type} version {version} is a known MedCom version that medbridge does "
                "not support yet; it is never read with the D0133L/H0130R mapping.",
            )
        else:
            code, text = (
                "edifact.mapping.unsupported-letter",
                f"Message {message_type[:8]}:{version[:8]} is not a supported letter; medbridge "
                "reads MEDDIS D0133L (DIS01) and MEDREF H0130R (REF01).",
            )
        finding = Finding(code, Severity.ERROR, text, location_of(unh, 2))
        raise EdifactInputError(finding.format(), [finding])
    if letter_type != module.LETTER_TYPE:
        finding = Finding(
            "edifact.mapping.letter-type",
            Severity.ERROR,
            f"UNH element 3 says {letter_type[:8]!r}, but {message_type} {version} is "
            f"{module.LETTER_TYPE}.",
            location_of(unh, 3),
        )
        raise EdifactInputError(finding.format(), [finding])
    grouped = split_groups(body)
    reader = Reader()
    context = LetterContext(unh, header.sender_id, header.recipient_id, unb)
    letter = module.read_letter(grouped, context, reader)
    findings = [*grouped.findings, *reader.findings]
    if letter is None or reader.failed:
        if not any(f.is_error for f in findings):  # pragma: no cover - defensive
            findings.append(
                Finding(
                    "edifact.mapping.missing",
                    Severity.ERROR,
                    "The letter is incomplete.",
                    location_of(unh),
                )
            )
        raise EdifactInputError.from_findings(findings)  # type: ignore[misc]
    builder = Builder(nonstandard=True)
    module.build_letter(letter, builder, "/Emessage/" + _element_name(letter))
    record, deviation_findings = record_provenance(
        reader.units, builder.finish(), builder.over_limit_scopes
    )
    findings.extend(deviation_findings)
    if record is not None:
        letter.wire[UNITS_KEY] = record
    layouts = [unh.layout, *(s.layout for s in body), unt.layout]
    if any(item != layout for item in layouts):
        letter.wire[LAYOUTS_KEY] = layouts
    return letter, findings, reader.sources


def _element_name(letter: Letter) -> str:
    return "DischargeLetter" if isinstance(letter, DischargeLetter) else "HospitalReferral"


def read_interchange(
    data: bytes,
    *,
    limits: Limits = DEFAULT_LIMITS,
    sources: InterchangeSources | None = None,
) -> tuple[Message, list[Finding]]:
    """Read a whole interchange: one Message holding every letter, and all findings
    (``sources`` as for :func:`iter_interchange`)."""
    message: Message | None = None
    findings: list[Finding] = []
    for item, item_findings in iter_interchange(data, limits=limits, sources=sources):
        findings.extend(item_findings)
        if message is None:
            message = item
        else:
            message.letters.extend(item.letters)
            message.wire.update(
                {k: v for k, v in item.wire.items() if k in (UNZ_LAYOUT_KEY, UNZ_KEY)}
            )
    if message is None:
        finding = Finding(
            "edifact.mapping.missing",
            Severity.ERROR,
            "The interchange holds no message (UNH … UNT).",
            Location(tag="UNZ"),
        )
        raise EdifactInputError(finding.format(), [finding])
    return message, findings


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
    issues: list[Issue] = []
    letters: list[tuple[int, DischargeLetter | HospitalReferral]] = []
    many = len(message.letters) > 1
    for index, letter in enumerate(message.letters, start=1):
        if isinstance(letter, (DischargeLetter, HospitalReferral)):
            letters.append((index, letter))
        else:
            issues.append(
                Issue(
                    "convert.unmapped",
                    f"Letter {index} is a care plan: the plejeforløbsplan has no EDIFACT form "
                    "(convert it to xml or json).",
                    f"/Emessage/ProgressOfCarePlan[{index}]"
                    if many
                    else "/Emessage/ProgressOfCarePlan",
                    "-",
                )
            )
    if not letters:
        if issues:  # only care plans
            raise refuse(issues)
        raise fail("convert.missing-required", "No letter EDIFACT can carry.", "/Emessage")
    first = letters[0][1]
    sender, recipient = first.sender.ean, first.receiver.ean
    if not sender or not recipient:
        raise fail(
            "convert.missing-required",
            "The first letter needs Sender and Receiver EANIdentifier for the UNB.",
            "/Emessage/" + _element_name(first),
        )
    kept: list[tuple[int, DischargeLetter | HospitalReferral]] = []
    references: dict[str, int] = {}
    for index, letter in letters:
        identifier = letter.header.identifier
        if (letter.sender.ean, letter.receiver.ean) != (sender, recipient):
            issues.append(
                Issue(
                    "convert.unmapped",
                    f"Letter {index} has other Sender/Receiver EANs than the first letter; one "
                    "interchange carries one pair (UNB).",
                    f"/Emessage/{_element_name(letter)}[{index}]/Sender/EANIdentifier",
                    "-",
                    "UNB",
                    lost=f"/Emessage/{_element_name(letter)}[{index}]",  # the whole letter
                )
            )
        elif identifier in references:
            issues.append(
                Issue(
                    "convert.unmapped",
                    f"Letter {index} has the Letter/Identifier of letter {references[identifier]}; "
                    "each message of an interchange needs its own reference (UNH element 1).",
                    f"/Emessage/{_element_name(letter)}[{index}]/Letter/Identifier",
                    "-",
                    "UNH",
                )
            )
        else:
            references[identifier] = index
            kept.append((index, letter))
    unb, unb_layout, notes = unb_to_write(
        wire.get(UNB_KEY), _canonical_unb(message.envelope, sender, recipient), _read_back_unb
    )
    newline = str(wire.get(NEWLINE_KEY, ""))
    bodies: list[list[Segment]] = []
    required: list[Finding] = []
    for index, letter in kept:
        base = "/Emessage/" + _element_name(letter) + (f"[{index}]" if many else "")
        module = dis01 if isinstance(letter, DischargeLetter) else ref01
        full = Builder(nonstandard=allow_nonstandard)
        module.build_letter(letter, full, base)
        lossy: Builder | None = None
        record = letter.wire.get(UNITS_KEY)
        segments, remaining = assemble(full.finish(), full.issues, record, allow_loss=False)
        if record is not None and not _provenance_fits(module, segments, full, unb, base):
            notes.append(provenance_ignored(base))
            record = None
            segments, remaining = assemble(full.finish(), full.issues, None, allow_loss=False)
        if remaining and allow_loss:
            lossy = Builder(lossy=True, nonstandard=allow_nonstandard)
            module.build_letter(letter, lossy, base)
            segments, remaining = assemble(
                full.finish(), full.issues, record, allow_loss=True, lossy=lossy.finish()
            )
            required.extend(required_losses(remaining))
        issues.extend(remaining)
        notes.extend(full.notes)
        layouts = letter.wire.get(LAYOUTS_KEY)
        unt = trailer("UNT", letter.wire.get(UNT_KEY), len(segments) + 1, segments[0].value(1), "")
        out = [*segments, unt]
        if isinstance(layouts, list) and len(layouts) == len(out):
            out = [_with_layout(s, str(layout)) for s, layout in zip(out, layouts, strict=True)]
        elif newline:  # built segments have no layout ("") yet
            out = [s if s.layout else _with_layout(s, newline) for s in out]
        bodies.append(out)
    if issues and not allow_loss:
        raise refuse(issues)
    if required:  # allow-loss, but a letter would lack a required value
        raise ConversionError.from_findings(required)
    if not bodies:
        raise refuse(issues)
    unz_layout = str(wire.get(UNZ_LAYOUT_KEY, newline))
    unz = trailer("UNZ", wire.get(UNZ_KEY), len(bodies), unb.value(5), unz_layout)
    all_segments = [_with_layout(unb, unb_layout or newline)]
    for body in bodies:
        all_segments.extend(body)
    all_segments.append(unz)
    una, chars, una_notes = una_to_write(wire, UNA_KEY)
    notes.extend(una_notes)
    try:
        data = encode_interchange(
            all_segments,
            chars=chars,
            una=una is not None,
            una_layout=str(wire.get(UNA_LAYOUT_KEY, newline)) if una is not None else "",
        )
    except ConversionError:
        raise
    return data, [*notes, *(issue.finding(loss=True) for issue in issues)]


def _provenance_fits(
    module: Any, segments: list[Segment], full: Builder, unb: Segment, base: str
) -> bool:
    """True when a letter assembled with its unit provenance reads back to what the model
    renders canonically: the stored segments say what the model says, only differently
    (edifact-messages.md §12 P2). A record from JSON or a hand-built model may say otherwise."""
    unh, body = segments[0], segments[1:]
    unt = Segment("UNT", ((str(len(segments) + 1),), (unh.value(1),)))
    try:
        back, _, _ = _read_message(unh, body, unt, InterchangeHeader.from_segment(unb), "", unb)
        again = Builder(nonstandard=True)
        module.build_letter(back, again, base)
    except MedbridgeError:
        return False

    def shapes(units: list[Unit]) -> dict[str, list[Any]]:
        return {unit.key: [shape(segment) for segment in unit.segments] for unit in units}

    return shapes(again.finish()) == shapes(full.finish())


def _read_back_unb(unb: Segment) -> Segment:
    """The canonical UNB of what reading ``unb`` gives (see :func:`unb_to_write`)."""
    header = InterchangeHeader.from_segment(unb)
    return _canonical_unb(_envelope(header, unb), header.sender_id, header.recipient_id)


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
