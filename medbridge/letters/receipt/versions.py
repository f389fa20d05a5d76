"""The receipt's versions (``exchange-messages.md`` §A.1) and the UCM message type table (§A.6.2).

Three receipts, one model class (:class:`~medbridge.model.receipt.Receipt`), told apart by its
``variant``: each is its own XML element (``NegativeVansReceipt`` XC0130Q, ``NegativeReceipt``
XC0230Q, ``PositiveReceipt`` XC0330Q) and its own EDIFACT version (``CONTRL`` C0130Q CTL01,
C0230Q CTL02, C0330Q CTL03). A receipt has no ``TypeCode``; its XML ``StatisticalCode`` is
``XCTL0x`` (:data:`STATISTICAL_CODES`). Its UNH S009 is ``D:93A:ZZ`` (the letters use ``UN``).
"""

from __future__ import annotations

from medbridge.letters.declaration import EdifactVersion, LetterKind, XmlVersion
from medbridge.model.receipt import ReceiptVariant
from medbridge.xml.namespaces import MC2005

__all__ = [
    "ACTION_CODES",
    "C0130Q",
    "C0230Q",
    "C0330Q",
    "KIND",
    "ORIGINAL_MESSAGE_TYPES",
    "STATISTICAL_CODES",
    "XC0130Q",
    "XC0230Q",
    "XC0330Q",
    "message_type_of",
]

_XML = f"{__package__}.xml"
_EDIFACT = f"{__package__}.edifact"
_VANS, _NEGATIVE, _POSITIVE = (
    ReceiptVariant.NEGATIVE_VANS,
    ReceiptVariant.NEGATIVE,
    ReceiptVariant.POSITIVE,
)

XC0130Q = XmlVersion("XC0130Q", "NegativeVansReceipt", "", MC2005, f"{_XML}:NEGATIVE_VANS", _VANS)
XC0230Q = XmlVersion("XC0230Q", "NegativeReceipt", "", MC2005, f"{_XML}:NEGATIVE", _NEGATIVE)
XC0330Q = XmlVersion("XC0330Q", "PositiveReceipt", "", MC2005, f"{_XML}:POSITIVE", _POSITIVE)
C0130Q = EdifactVersion("CONTRL", "C0130Q", "CTL01", _EDIFACT, _VANS)
C0230Q = EdifactVersion("CONTRL", "C0230Q", "CTL02", _EDIFACT, _NEGATIVE)
C0330Q = EdifactVersion("CONTRL", "C0330Q", "CTL03", _EDIFACT, _POSITIVE)

KIND = LetterKind(
    "kvittering",
    supported=(XC0130Q, XC0230Q, XC0330Q, C0130Q, C0230Q, C0330Q),
    rules=f"{__package__}.rules",
)

#: The XML ``StatisticalCode`` of each receipt (``X`` + the EDIFACT letter type, §A.1).
STATISTICAL_CODES: dict[ReceiptVariant, str] = {
    version.variant: "X" + version.letter_type  # type: ignore[misc]
    for version in (C0130Q, C0230Q, C0330Q)
}
#: ``Receipt.wire`` key of a receipt built from a received interchange: per answered letter, the
#: UNH E2.1 its original carried (or None), which the EDIFACT writer copies into UCM E2.1 before
#: deriving a type from the version code (§A.6.2 medbridge rule 1, then rule 2).
ORIGINAL_MESSAGE_TYPES = "receipt.original_message_types"
#: UCI E4 / UCM E3, the action code of each receipt (§A.4): 4 rejected, 7 acknowledged.
ACTION_CODES: dict[ReceiptVariant, str] = {_VANS: "4", _NEGATIVE: "4", _POSITIVE: "7"}

#: §A.6.2 rule 2 [INF]: the message type by the family letter of an EDIFACT version code. Every
#: entry of MedCom's own ``VersionCodeToType`` table (D…→MEDDIS, H…→MEDREF, R…→MEDRPT,
#: Q…→MEDREQ, A0130Z→PRODAT) follows this rule, so the table needs no copy of its own; its
#: ``????`` and ``Ukendt`` are never written.
_FAMILIES: dict[str, str] = {
    "D": "MEDDIS",
    "H": "MEDREF",
    "R": "MEDRPT",
    "Q": "MEDREQ",
    "B": "MEDBIN",
    "A": "PRODAT",
}


def message_type_of(version_code: str) -> str | None:
    """The UCM E2.1 message type of an answered letter's version code (§A.6.2, medbridge rule
    2): the family letter of the code, which MedCom's table follows too (``D`` → ``MEDDIS``, ``H`` →
    ``MEDREF``, ``R`` → ``MEDRPT``, ``Q`` → ``MEDREQ``, ``B`` → ``MEDBIN``, ``A`` → ``PRODAT``);
    an XML code (leading ``X``) gives ``X`` + the type. None when nothing fits (medbridge never
    writes MedCom's ``Ukendt`` or ``????``).

    >>> message_type_of("D0133L"), message_type_of("XD0133L"), message_type_of("H0131R")
    ('MEDDIS', 'XMEDDIS', 'MEDREF')
    >>> message_type_of("U0130U") is None
    True
    """
    prefix, code = ("X", version_code[1:]) if version_code.startswith("X") else ("", version_code)
    found = None
    if len(code) == 6 and code[1:5].isdigit() and code[5].isalpha():
        found = _FAMILIES.get(code[0])
    return prefix + found if found is not None else None
