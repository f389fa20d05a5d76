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
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

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
from medbridge.edifact.groups import GroupedBody, location_of, split_groups
from medbridge.edifact.issues import Issue, refuse, required_losses
from medbridge.edifact.segment import Segment, new_segment
from medbridge.edifact.serialize import encode_interchange
from medbridge.edifact.syntax import DEFAULT_CHARS, Tokenizer
from medbridge.edifact.wirecheck import provenance_ignored, una_to_write, unb_to_write
from medbridge.errors import ConversionError, EdifactInputError, MedbridgeError
from medbridge.findings import Finding, Location, Severity
from medbridge.letters.declaration import EdifactVersion
from medbridge.letters.shared.edifact import LetterContext
from medbridge.letters.shared.edifact_codes import ACKNOWLEDGEMENT
from medbridge.limits import DEFAULT_LIMITS, Limits
from medbridge.model.codes import AcknowledgementCode
from medbridge.model.common import Envelope, Moment
from medbridge.model.message import Letter, Message
from medbridge.registry import REGISTRY, mapping_module

__all__ = ["iter_interchange", "read_interchange", "write_interchange", "xml_losses"]

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


class EdifactMapping(Protocol):
    """What a letter version's EDIFACT mapping module provides (``letters/<kind>/edifact.py``)."""

    def read_letter(self, grouped: GroupedBody, ctx: LetterContext, r: Reader) -> Any: ...

    def build_letter(self, letter: Any, b: Builder, base: str) -> None: ...


def _mapping(message_type: str, version: str) -> tuple[EdifactVersion, EdifactMapping] | None:
    declared = REGISTRY.edifact(message_type, version)
    if declared is None:
        return None
    return declared, cast(EdifactMapping, mapping_module(declared.mapping))


def _unsupported(unh: Segment, message_type: str, version: str) -> EdifactInputError:
    if REGISTRY.edifact_unsupported(message_type, version):
        code, text = (
            "edifact.mapping.unsupported-version",
            f"{message_type} version {version} is a known MedCom version that medbridge does "
            f"not support yet; it is never read with the {REGISTRY.edifact_version_codes()} "
            "mapping.",
        )
    else:
        code, text = (
            "edifact.mapping.unsupported-letter",
            f"Message {message_type[:8]}:{version[:8]} is not a supported letter; medbridge "
            f"reads {REGISTRY.describe_edifact()}.",
        )
    finding = Finding(code, Severity.ERROR, text, location_of(unh, 2))
    return EdifactInputError(finding.format(), [finding])


def _read_message(
    unh: Segment,
    body: list[Segment],
    unt: Segment,
    header: InterchangeHeader,
    layout: str,
    unb: Segment,
) -> tuple[Letter, list[Finding], SourceMap]:
    message_type, version, letter_type = unh.value(2, 1), unh.value(2, 5), unh.value(3)
    found = _mapping(message_type, version)
    if found is None:
        raise _unsupported(unh, message_type, version)
    declared, module = found
    if letter_type != declared.letter_type:
        finding = Finding(
            "edifact.mapping.letter-type",
            Severity.ERROR,
            f"UNH element 3 says {letter_type[:8]!r}, but {message_type} {version} is "
            f"{declared.letter_type}.",
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
    """The letter's XML element name, which the model paths of findings start with."""
    return REGISTRY.element_of(getattr(letter, "kind", ""))


def _letter_mapping(letter: Letter) -> EdifactMapping | None:
    """The EDIFACT mapping that writes ``letter`` (its kind's first declared version)."""
    declared = REGISTRY.edifact_of(getattr(letter, "kind", ""))
    if declared is None:
        return None
    return cast(EdifactMapping, mapping_module(declared.mapping))


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
    :class:`ConversionError` (``convert.required-lost``, see :mod:`~medbridge.edifact.issues`).
    ``allow_nonstandard`` writes texts over MedCom's FTX count limits (more than 9 FTX in a
    clinical S14, more than 50 in REF01 S12) as MedCom's writer does, with ``convert.nonstandard``
    warnings, instead of treating them as losses.
    """
    wire = message.wire
    many = len(message.letters) > 1
    letters, issues = _edifact_letters(message.letters, many)
    sender, recipient = _unb_parties(letters)
    kept = _one_pair_one_reference(letters, sender, recipient, issues)
    unb, unb_layout, notes = unb_to_write(
        wire.get(UNB_KEY), _canonical_unb(message.envelope, sender, recipient), _read_back_unb
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
        mapping = _letter_mapping(letter)
        if mapping is not None:
            out.append((index, letter, mapping))
            continue
        issues.append(
            Issue(
                "convert.unmapped",
                f"Letter {index} is a care plan: the plejeforløbsplan has no EDIFACT form "
                "(convert it to xml or json).",
                f"/Emessage/{_element_name(letter)}[{index}]"
                if many
                else f"/Emessage/{_element_name(letter)}",
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
    sender, recipient = first.sender.ean, first.receiver.ean
    if not sender or not recipient:
        raise fail(
            "convert.missing-required",
            "The first letter needs Sender and Receiver EANIdentifier for the UNB.",
            "/Emessage/" + _element_name(first),
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
        identifier = letter.header.identifier
        base = f"/Emessage/{_element_name(letter)}[{index}]"
        if (letter.sender.ean, letter.receiver.ean) != (sender, recipient):
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
    base = "/Emessage/" + _element_name(letter) + (f"[{index}]" if plan.many else "")
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
        plan.required.extend(required_losses(remaining))
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
