"""What a received interchange or Emessage *holds*, read even when its letters do not read.

A receipt copies the original's envelope identifier, sender and receiver and, per letter, its
identifier and version code (``exchange-messages.md`` §A.5). Those values must be known for a
letter that fails validation too, so this module scans the headers only, at the syntax level,
with the same hardened readers everything else uses: the EDIFACT :class:`Tokenizer` (UNB, each
UNH … UNT) and :func:`~medbridge.xml.parse.parse_xml` (``Envelope`` and each letter's ``Letter``,
``Sender`` and ``Receiver``). No mapping runs here and nothing is guessed.

:func:`scan` returns a :class:`ReceivedInterchange`: ``None`` values where a header cannot be
read, ``complete`` False when the structure broke off (the tokenizer failed, a UNH without UNT,
no UNZ), and per letter the span that locates its findings (EDIFACT segment numbers and byte
offsets; the XML letter element).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from medbridge.edifact.envelope import InterchangeHeader
from medbridge.edifact.segment import Segment
from medbridge.edifact.syntax import Tokenizer
from medbridge.errors import MedbridgeError
from medbridge.letters.declaration import EdifactVersion, XmlVersion
from medbridge.letters.receipt.versions import KIND as RECEIPT
from medbridge.limits import DEFAULT_LIMITS, Limits
from medbridge.model.codes import AcknowledgementCode
from medbridge.registry import EDIFACT, XML, sniff_format
from medbridge.xml.parse import parse_xml
from medbridge.xml.paths import local_name

__all__ = ["RECEIPT_ELEMENTS", "LetterHead", "ReceivedInterchange", "scan"]

#: The XML letter elements of the three receipts (§A.1), from their declarations.
RECEIPT_ELEMENTS = frozenset(v.element for v in RECEIPT.supported if isinstance(v, XmlVersion))
#: The EDIFACT message type of a receipt (UNH E2.1: CONTRL), from the same declarations.
_RECEIPT_TYPES = frozenset(
    v.message_type for v in RECEIPT.supported if isinstance(v, EdifactVersion)
)


@dataclass(slots=True)
class LetterHead:
    """One received letter as far as its header tells.

    ``identifier`` (UNH E1 / ``Letter/Identifier``) and ``version_code`` (UNH E2.5 /
    ``Letter/VersionCode``, as received: ``D0133L`` or ``XD0133L``) are ``""`` when absent.
    ``message_type`` is UNH E2.1 (``MEDDIS``); for XML it is ``None``. ``first``/``last`` are the
    UNH and UNT segment numbers and ``start``/``end`` the byte span (EDIFACT); ``element`` and
    ``index`` name the letter element and its position among same-named siblings (XML, 1-based).
    """

    identifier: str
    version_code: str
    message_type: str | None = None
    letter_type: str = ""
    first: int = 0
    last: int = 0
    start: int = 0
    end: int = 0
    element: str = ""
    index: int = 0
    sender: str | None = None
    receiver: str | None = None
    node: Any = field(default=None, repr=False, compare=False)

    @property
    def is_receipt(self) -> bool:
        return self.message_type in _RECEIPT_TYPES or self.element in RECEIPT_ELEMENTS


@dataclass(slots=True)
class ReceivedInterchange:
    """The headers of one received message; see the module docstring."""

    format: str | None
    identifier: str | None = None
    sender: str | None = None
    receiver: str | None = None
    ack_requested: bool = False
    letters: list[LetterHead] = field(default_factory=list)
    complete: bool = False
    #: A VANS envelope that holds an envelope-level receipt, not a message (also never answered).
    vans_receipt: bool = False
    header: InterchangeHeader | None = None
    tokenizer: Tokenizer | None = field(default=None, repr=False)
    root: Any = field(default=None, repr=False)

    @property
    def answerable(self) -> bool:
        """Whether a receipt can name this interchange: its reference, sender and receiver."""
        return bool(self.identifier and self.sender and self.receiver)

    @property
    def is_receipt(self) -> bool:
        """A received receipt is never answered (R5); MedCom decides by the first letter."""
        return self.vans_receipt or (bool(self.letters) and self.letters[0].is_receipt)


def scan(data: bytes, limits: Limits = DEFAULT_LIMITS) -> ReceivedInterchange:
    """The headers of ``data`` (XML or EDIFACT; anything else reads as nothing)."""
    fmt = sniff_format(data)
    if fmt == EDIFACT:
        return _scan_edifact(data, limits)
    if fmt == XML:
        return _scan_xml(data, limits)
    return ReceivedInterchange(fmt)


# -- EDIFACT ------------------------------------------------------------------------------


def _scan_edifact(data: bytes, limits: Limits) -> ReceivedInterchange:
    tokenizer = Tokenizer(data, limits=limits)
    found = ReceivedInterchange(EDIFACT, tokenizer=tokenizer)
    try:
        _walk_segments(iter(tokenizer), found)
    except MedbridgeError:
        found.complete = False
    return found


def _walk_segments(segments: Any, found: ReceivedInterchange) -> None:
    first: Segment | None = next(segments, None)
    if first is None or first.tag != "UNB":
        return
    header = InterchangeHeader.from_segment(first)
    found.header = header
    found.identifier = header.reference or None
    found.sender = header.sender_id or None
    found.receiver = header.recipient_id or None
    found.ack_requested = header.acknowledgement == "1"
    open_letter: LetterHead | None = None
    closed: LetterHead | None = None
    for segment in segments:
        if closed is not None:
            closed.end, closed = segment.offset, None
        if segment.tag == "UNH":
            if open_letter is not None:
                return  # a UNH inside a message: the structure is broken
            open_letter = _letter_of(segment)
            found.letters.append(open_letter)
        elif segment.tag == "UNT":
            if open_letter is None:
                return
            open_letter.last = segment.number
            closed, open_letter = open_letter, None
        elif segment.tag == "UNZ":
            found.complete = open_letter is None and bool(found.letters)
            return
        elif open_letter is None:
            return  # a segment outside every message


def _letter_of(unh: Segment) -> LetterHead:
    return LetterHead(
        identifier=unh.value(1),
        version_code=unh.value(2, 5),
        message_type=unh.value(2, 1),
        letter_type=unh.value(3),
        first=unh.number,
        start=unh.offset,
    )


# -- XML ----------------------------------------------------------------------------------


def _scan_xml(data: bytes, limits: Limits) -> ReceivedInterchange:
    found = ReceivedInterchange(XML)
    try:
        parsed = parse_xml(data, limits=limits)
    except MedbridgeError:
        return found
    root = parsed.root
    found.root = root
    if local_name(root) != "Emessage":
        return found
    counts: dict[str, int] = {}
    for child in root:
        if not isinstance(child.tag, str):
            continue
        name = local_name(child)
        if name == "Envelope":
            found.identifier = _text(child, "Identifier")
            code = _text(child, "AcknowledgementCode")
            found.ack_requested = code == AcknowledgementCode.POSITIVE_WANTED.value
        elif name != "Local_Elements":
            counts[name] = counts.get(name, 0) + 1
            found.letters.append(_xml_letter(child, name, counts[name]))
    first = next((head for head in found.letters if head.sender and head.receiver), None)
    if first is not None:
        found.sender, found.receiver = first.sender, first.receiver
    found.complete = bool(found.letters)
    return found


def _xml_letter(element: Any, name: str, index: int) -> LetterHead:
    letter = _child(element, "Letter")
    return LetterHead(
        identifier=_text(letter, "Identifier") or "",
        version_code=_text(letter, "VersionCode") or "",
        letter_type=_text(letter, "StatisticalCode") or "",
        element=name,
        index=index,
        sender=_ean(_child(element, "Sender")),
        receiver=_ean(_child(element, "Receiver")),
        first=element.sourceline or 0,
        node=element,
    )


def _child(element: Any, name: str) -> Any:
    if element is None:
        return None
    for child in element:
        if isinstance(child.tag, str) and local_name(child) == name:
            return child
    return None


def _text(element: Any, name: str) -> str | None:
    child = _child(element, name)
    if child is None or child.text is None:
        return None
    return str(child.text).strip() or None


def _ean(party: Any) -> str | None:
    """The party's ``EANIdentifier``, directly below it or one level down."""
    direct = _text(party, "EANIdentifier")
    if direct is not None or party is None:
        return direct
    for child in party:
        if isinstance(child.tag, str):
            nested = _text(child, "EANIdentifier")
            if nested is not None:
                return nested
    return None
