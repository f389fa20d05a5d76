"""Reading EDIFACT interchanges: MEDDIS DIS01 / MEDREF REF01 → :class:`~medbridge.model.Message`.

:func:`iter_interchange` streams an interchange (bytes, or the chunks of a file being read): one
:class:`Message` per UNH…UNT, all sharing the envelope, with that message's findings;
:func:`read_interchange` collects them into one Message. Bad input raises
:class:`~medbridge.errors.EdifactInputError` with located findings. Each UNH is looked up in the
registry (:data:`medbridge.registry.REGISTRY`): a declared version is read with the mapping module
its declaration names; a known newer version is refused. The ``edifact.`` wire keys recorded
here are listed in :mod:`medbridge.codecs.edifact.codec`, which re-exports this module's API.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, cast

from medbridge.codecs.edifact.envelope_wire import (
    UNB_CANONICAL_KEY,
    UNB_KEY,
    UNT_KEY,
    UNZ_KEY,
    deviation_findings,
    record_trailer,
)
from medbridge.codecs.edifact.mapping import (
    UNITS_KEY,
    Builder,
    Reader,
    fail,
    record_provenance,
)
from medbridge.codecs.edifact.sources import Fields, InterchangeSources, SourceMap
from medbridge.edifact.envelope import InterchangeHeader, InterchangeReader, unb_full_date
from medbridge.edifact.groups import GroupedBody, location_of, split_groups
from medbridge.edifact.segment import Segment
from medbridge.edifact.syntax import DEFAULT_CHARS, Tokenizer
from medbridge.errors import EdifactInputError
from medbridge.findings import Finding, Location, Severity
from medbridge.letters.declaration import EdifactVersion, XmlVersion
from medbridge.letters.shared.edifact import LetterContext
from medbridge.letters.shared.edifact_codes import ACKNOWLEDGEMENT
from medbridge.limits import DEFAULT_LIMITS, Limits
from medbridge.model.codes import AcknowledgementCode
from medbridge.model.common import Envelope, Moment
from medbridge.model.message import Letter, Message
from medbridge.registry import EDIFACT, REGISTRY, XML, mapping_module, other_letter_message

__all__ = [
    "LAYOUTS_KEY",
    "NEWLINE_KEY",
    "UNA_KEY",
    "UNA_LAYOUT_KEY",
    "UNB_RECIPIENT_KEY",
    "UNB_SENDER_KEY",
    "UNZ_LAYOUT_KEY",
    "EdifactMapping",
    "canonical_unb",
    "element_name",
    "envelope_of",
    "iter_interchange",
    "letter_mapping",
    "read_interchange",
    "read_message",
    "xml_namespace",
]

UNA_KEY = "edifact.wire.una"
UNA_LAYOUT_KEY = "edifact.wire.una-layout"
NEWLINE_KEY = "edifact.wire.newline"
UNB_SENDER_KEY = "edifact.unb.sender"
UNB_RECIPIENT_KEY = "edifact.unb.recipient"
UNZ_LAYOUT_KEY = "edifact.wire.unz-layout"
#: The receipt kind: its UNB ends after element 5.
_RECEIPT_KIND = "kvittering"
LAYOUTS_KEY = "edifact.wire.layouts"


def _wire_elements(segment: Segment) -> list[list[str]]:
    return [list(element) for element in segment.elements]


# ---------------------------------------------------------------------------------------------
# reading


def _acknowledgement(header: InterchangeHeader, unb: Segment) -> AcknowledgementCode:
    raw = header.acknowledgement
    if raw in (None, ""):
        return AcknowledgementCode.NO_POSITIVE
    found = ACKNOWLEDGEMENT.decode(raw)
    if found is None:
        raise EdifactInputError.error(
            "edifact.mapping.value",
            f"UNB acknowledgement request {raw[:4]!r} must be 0 or 1.",
            location_of(unb, 9),
        )
    return found


def envelope_of(header: InterchangeHeader, unb: Segment) -> Envelope:
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


def canonical_unb(
    envelope: Envelope, sender: str, recipient: str, *, receipt: bool = False
) -> Segment:
    """MedCom's UNB for an envelope and its parties; a ``receipt``'s ends after element 5 (a
    receipt never asks for one, ``exchange-messages.md`` §A.3.1)."""
    sent = envelope.sent
    year = sent.date[:4]
    if not (year.isdigit() and 1970 <= int(year) <= 2069) or sent.time is None:
        raise fail(
            "convert.unsupported-value",
            f"The envelope's Sent {str(sent)[:20]!r} needs a year 1970–2069 and a time to be "
            "written as a UNB YYMMDD:HHMM.",
            "/Emessage/Envelope/Sent",
        )
    if not envelope.identifier:  # UNB 0020 is mandatory: no reader takes a UNB without it
        raise fail(
            "convert.missing-required",
            "The envelope has no Identifier, the UNB interchange reference.",
            "/Emessage/Envelope/Identifier",
        )
    date = year[2:] + sent.date[5:7] + sent.date[8:10]
    ack = ACKNOWLEDGEMENT.encode(envelope.acknowledgement) or "0"
    head = (
        ("UNOC", "3"),
        (sender, "14"),
        (recipient, "14"),
        (date, sent.time.replace(":", "")),
        (envelope.identifier,),
    )
    return Segment("UNB", head if receipt else (*head, ("",), ("",), ("",), (ack,)))


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
        envelope = envelope_of(header, unb)
        if sources is not None:
            sources.envelope.record("/Envelope", unb, _ENVELOPE_FIELDS)
        shared: dict[str, Any] = {
            UNA_KEY: tokenizer.una,
            UNA_LAYOUT_KEY: tokenizer.una_layout,
            UNB_KEY: [_wire_elements(unb), unb.layout],
            UNB_SENDER_KEY: header.sender_id,
            UNB_RECIPIENT_KEY: header.recipient_id,
        }
        canonical = canonical_unb(envelope, header.sender_id, header.recipient_id)
        shared[UNB_CANONICAL_KEY] = _wire_elements(canonical)
        first = first_letter = True
        count = 0
        pending: list[tuple[Message, list[Finding]]] = []
        for unh, body, unt in reader.messages():
            count += 1
            findings = _message_findings(tokenizer, header, unb) if first else []
            first = False
            layout = _dominant_layout([unb, unh, *body, unt])
            message = Message(envelope, [], dict(shared))
            message.wire[NEWLINE_KEY] = layout
            letter, letter_findings, letter_sources = read_message(
                unh, body, unt, header, layout, unb
            )
            unt_record = record_trailer(unt, len(body) + 2, unh.value(1))
            if unt_record is not None:
                letter.wire[UNT_KEY] = unt_record
                letter_findings += deviation_findings(unt, header.syntax_version)
            if first_letter and getattr(letter, "kind", "") == _RECEIPT_KIND:
                canonical = canonical_unb(
                    envelope, header.sender_id, header.recipient_id, receipt=True
                )
                shared[UNB_CANONICAL_KEY] = message.wire[UNB_CANONICAL_KEY] = _wire_elements(
                    canonical
                )
            first_letter = False
            if sources is not None:
                sources.letters.append((element_name(letter), letter_sources))
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
    other = REGISTRY.other_letter(EDIFACT, f"{message_type}:{version}")
    if other is not None:
        code, text = "edifact.mapping.unsupported-letter", other_letter_message(other, version)
    elif REGISTRY.edifact_unsupported(message_type, version):
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
    return EdifactInputError.error(code, text, location_of(unh, 2))


def read_message(
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
        raise EdifactInputError.error(
            "edifact.mapping.letter-type",
            f"UNH element 3 says {letter_type[:8]!r}, but {message_type} {version} is "
            f"{declared.letter_type}.",
            location_of(unh, 3),
        )
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
    module.build_letter(letter, builder, "/Emessage/" + element_name(letter))
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


def element_name(letter: Letter) -> str:
    """The letter's XML element name, which the model paths of findings start with."""
    return REGISTRY.element_for(letter)


def xml_namespace(letter: Letter) -> str:
    """The namespace of ``letter``'s XML version (whose XSD says what the letter requires)."""
    declared = REGISTRY.version_for(letter, XML)
    return declared.namespace if isinstance(declared, XmlVersion) else ""


def letter_mapping(letter: Letter) -> EdifactMapping | None:
    """The EDIFACT mapping that writes ``letter`` (its kind's first declared version, or its
    variant's)."""
    declared = REGISTRY.version_for(letter, EDIFACT)
    if not isinstance(declared, EdifactVersion):
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
        raise EdifactInputError.error(
            "edifact.mapping.missing",
            "The interchange holds no message (UNH … UNT).",
            Location(tag="UNZ"),
        )
    return message, findings
