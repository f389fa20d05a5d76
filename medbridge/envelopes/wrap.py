"""Writing transport envelopes around a payload (spec B.6).

:func:`wrap_vans` writes a VANSEnvelope 1.0.4 and :func:`wrap_sbdh` an SBDH document (MedCom's
2021 schema) around bytes; :func:`wrap_message` puts ``vans`` or ``sbdh`` (an SBDH around a VANS
envelope around the payload, as regional traffic does, B.4 D1) around a written message, taking
the document values from the message. Envelopes are UTF-8 with a declaration; identifiers are
new lowercase UUIDs on every call unless given (a resend must get a new envelope identifier,
B.2.2); ``SentDateTime``/``CreationDateAndTime`` carry a UTC offset; ``Data`` and
``BinaryContent`` are standard base64 with padding, 76 characters a line. ``BinaryContent``
says ``application/xml`` for an Emessage or a VANS envelope, and its ``encoding`` is the
payload's real charset, never a label copied from the input (left out when that charset is
neither of the schema's two, UTF-8 and ISO-8859-1: windows-1252, say).
:func:`medbridge.unwrap` returns the payload of each byte for byte.

The SBDH header values for OIOXML follow what Region H sent (B.3.2), since MedCom has not
published them; for EDIFACT payloads (unknown, B "What we do not know" 7, 8) the same shape is
used with the EDIFACT message type and version.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from medbridge.envelopes.labels import charset_of, content_kind
from medbridge.letters.declaration import EdifactVersion, XmlVersion
from medbridge.model.message import Message, letter_identifier, letter_parties
from medbridge.registry import EDIFACT, REGISTRY

__all__ = ["WRAPS", "DocumentInfo", "EnvelopeIds", "wrap_message", "wrap_sbdh", "wrap_vans"]

#: The values of ``write(..., wrap=...)`` and ``convert --wrap``.
WRAPS = ("vans", "sbdh")
_OIOXML = "urn:dk:healthcare:medcom:oioxml:schema:xsd"
_MESSAGING = "urn:dk:healthcare:medcom:messaging:oioxml"
_PROCESS = "urn:www.digst.dk:profile:sdn-emergence"


@dataclass(frozen=True, slots=True)
class EnvelopeIds:
    """Identifiers and time for the envelopes of one write. Each left None is made new:
    a UUID4, and the current time in UTC."""

    envelope_id: str | None = None
    message_id: str | None = None
    sent: datetime | None = None

    def resolved(self) -> tuple[str, str, str]:
        """(envelope id, message id, sent as xs:dateTime with offset)."""
        sent = self.sent or datetime.now(UTC).replace(microsecond=0)
        if sent.tzinfo is None:
            sent = sent.replace(tzinfo=UTC)
        return (
            self.envelope_id or str(uuid.uuid4()),
            self.message_id or str(uuid.uuid4()),
            sent.isoformat(),
        )


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What an envelope says about its payload: parties (GLN), format (``XML``, ``EDIFACT``),
    name (TypeCode / message type), version, the letter number and the OIOXML root element."""

    sender: str
    receiver: str
    format: str
    name: str
    version: str
    letter_id: str
    root: str


def _base64_lines(payload: bytes) -> str:
    return base64.encodebytes(payload).decode("ascii").rstrip("\n")


def _x(value: str) -> str:
    """``value`` as XML text or attribute content (``xml.sax.saxutils.escape`` would import
    ``urllib.request`` and ``http.client`` into every process that imports medbridge)."""
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def wrap_vans(payload: bytes, info: DocumentInfo, ids: EnvelopeIds | None = None) -> bytes:
    """A VANSEnvelope 1.0.4 around ``payload`` (reliable transport, ``TransformMessage``
    false)."""
    envelope_id, message_id, sent = (ids or EnvelopeIds()).resolved()
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<VANSEnvelope xmlns="urn:oio:medcom:vans-envelope:1.0.4">\n'
        f'  <SenderID EndPointType="EAN">{_x(info.sender)}</SenderID>\n'
        f'  <ReceiverID EndPointType="EAN">{_x(info.receiver)}</ReceiverID>\n'
        f"  <EnvelopeIdentifier>{_x(envelope_id)}</EnvelopeIdentifier>\n"
        f"  <SentDateTime>{sent}</SentDateTime>\n"
        "  <Message>\n"
        "    <MetaInformation>\n"
        f"      <Identifier>{_x(message_id)}</Identifier>\n"
        "      <Document>\n"
        f"        <Format>{_x(info.format)}</Format>\n"
        f"        <Name>{_x(info.name)}</Name>\n"
        f"        <Version>{_x(info.version)}</Version>\n"
        f"        <SizeInBytes>{len(payload)}</SizeInBytes>\n"
        "      </Document>\n"
        "      <Transport>\n"
        "        <Type>reliable</Type>\n"
        "        <TransformMessage>false</TransformMessage>\n"
        "      </Transport>\n"
        "    </MetaInformation>\n"
        f"    <Data>{_base64_lines(payload)}</Data>\n"
        "  </Message>\n"
        "</VANSEnvelope>\n"
    )
    return text.encode("utf-8")


def _mime_type(inner: bytes) -> str:
    """The label of what ``inner`` is: MedCom's values for XML and FHIR; RFC 1767's
    ``application/EDIFACT`` for an interchange straight in the SBDH (MedCom has none)."""
    return {
        "fhir-xml": "application/fhir+xml",
        "fhir-json": "application/fhir+json",
        "edifact": "application/EDIFACT",
    }.get(content_kind(inner), "application/xml")


def wrap_sbdh(inner: bytes, info: DocumentInfo, ids: EnvelopeIds | None = None) -> bytes:
    """An SBDH document (MedCom 2021 schema) around ``inner`` (a VANS envelope or a payload),
    with the header values Region H used for OIOXML (B.3.2)."""
    _, _, sent = (ids or EnvelopeIds()).resolved()
    instance = f"{info.sender}:{info.letter_id}"
    document_id = (
        f"{_OIOXML}:{info.root}##{_MESSAGING}:schema:xsd:{info.root}/{info.name}"
        f"::{info.root}/{info.version}"
    )
    scopes = (
        ("DOCUMENTID", document_id, _MESSAGING),
        ("PROCESSID", _PROCESS, "dk-messaging-procid"),
        ("STATISTICALCODE", info.name, "dk-medcom-messaging"),
        ("MESSAGEIDENTIFIER", instance, "dk-medcom-messaging"),
    )
    scope_xml = "".join(
        f"      <Scope><Type>{t}</Type><InstanceIdentifier>{_x(v)}</InstanceIdentifier>"
        f"<Identifier>{i}</Identifier></Scope>\n"
        for t, v, i in scopes
    )
    charset = charset_of(inner)
    encoding = {"utf-8": "UTF-8", "iso-8859-1": "ISO-8859-1", "us-ascii": "UTF-8"}.get(
        charset or ""
    )
    encoding_attribute = f' encoding="{encoding}"' if encoding else ""
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<StandardBusinessDocument "
        'xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">\n'
        "  <StandardBusinessDocumentHeader>\n"
        "    <HeaderVersion>1.0</HeaderVersion>\n"
        '    <Sender><Identifier Authority="iso6523-actorid-upis">'
        f"0088:{_x(info.sender)}</Identifier></Sender>\n"
        '    <Receiver><Identifier Authority="iso6523-actorid-upis">'
        f"0088:{_x(info.receiver)}</Identifier></Receiver>\n"
        "    <DocumentIdentification>\n"
        f"      <Standard>{_OIOXML}:{_x(info.root)}</Standard>\n"
        f"      <TypeVersion>{_x(info.version)}</TypeVersion>\n"
        f"      <InstanceIdentifier>{_x(instance)}</InstanceIdentifier>\n"
        f"      <Type>{_x(info.name)}</Type>\n"
        "      <MultipleType>false</MultipleType>\n"
        f"      <CreationDateAndTime>{sent}</CreationDateAndTime>\n"
        "    </DocumentIdentification>\n"
        "    <BusinessScope>\n"
        f"{scope_xml}"
        "    </BusinessScope>\n"
        "  </StandardBusinessDocumentHeader>\n"
        f'  <BinaryContent mimeType="{_mime_type(inner)}"{encoding_attribute}>'
        f"{_base64_lines(inner)}</BinaryContent>\n"
        "</StandardBusinessDocument>\n"
    )
    return text.encode("utf-8")


def document_info(message: Message, fmt: str) -> DocumentInfo:
    """The envelope values of ``message`` written as ``fmt`` (its first letter's)."""
    letter = message.letter
    sender, receiver = (gln or "" for gln in letter_parties(letter))
    number = letter_identifier(letter) or message.envelope.identifier
    declared = REGISTRY.version_for(letter, fmt)  # by kind, and variant (the receipts)
    if isinstance(declared, EdifactVersion):
        return DocumentInfo(
            sender,
            receiver,
            "EDIFACT",
            declared.letter_type,
            declared.version,
            number,
            declared.message_type,
        )
    if isinstance(declared, XmlVersion):
        name = REGISTRY.document_name(letter.kind, declared)
        return DocumentInfo(
            sender, receiver, "XML", name, declared.version, number, declared.element
        )
    return DocumentInfo(
        sender, receiver, "EDIFACT" if fmt == EDIFACT else "XML", "", "", number, ""
    )


def wrap_message(
    payload: bytes, message: Message, fmt: str, how: str, ids: EnvelopeIds | None = None
) -> bytes:
    """``payload`` (``message`` written as ``fmt``) in a ``vans`` envelope, or an ``sbdh``
    document around a VANS envelope around it."""
    if how not in WRAPS:
        raise ValueError(f"unknown wrap {how!r}; choose one of {', '.join(WRAPS)}")
    info = document_info(message, fmt)
    ids = ids or EnvelopeIds()
    if ids.sent is None:  # one time for both layers
        now = datetime.now(UTC).replace(microsecond=0)
        ids = EnvelopeIds(ids.envelope_id, ids.message_id, now)
    vans = wrap_vans(payload, info, ids)
    return vans if how == "vans" else wrap_sbdh(vans, info, ids)
