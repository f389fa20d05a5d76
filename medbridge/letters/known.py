"""MedCom letters medbridge knows by name but does not map: out of scope, never read as a letter
it supports and never reported as a schema error, but named — "known MedCom letter, not
supported" — by ``detect``, ``validate`` and ``read``.

Each is a :class:`~medbridge.letters.declaration.LetterKind` with no supported version, named by
its MedCom letter type, its ``title`` the XML letter element where the specs give it. The codes
are those of MedCom's receipt table (exchange-messages.md §A.6.2) and the neighbours named in
xml-messages.md §1 and edifact-messages.md §1; the XML VersionCode is ``X`` + the EDIFACT one
(edifact-messages.md §1), except XDIS18's XD1834C. Letter types other than those named in the
specs are read off the version code (``D1730C`` → DIS17) [INF]. Newer versions of the kinds
medbridge maps are declared by those kinds (``unsupported``), not here.
"""

from __future__ import annotations

from medbridge.letters.declaration import EdifactVersion, LetterKind, XmlVersion

__all__ = ["NO_RECEIPT_REQUEST", "OTHER_LETTERS"]


def _letter(letter_type: str, message_type: str, codes: str, element: str = "") -> LetterKind:
    """A known letter: its EDIFACT versions (``codes``, space-separated) and, where its XML
    element is known, the same versions in XML (``X`` + code)."""
    versions = tuple(EdifactVersion(message_type, code) for code in codes.split())
    xml = tuple(XmlVersion("X" + v.version, element) for v in versions) if element else ()
    return LetterKind(letter_type, supported=(), unsupported=(*versions, *xml), title=element)


OTHER_LETTERS: tuple[LetterKind, ...] = (
    _letter("DIS03", "MEDDIS", "D0333L"),
    _letter("DIS05", "MEDDIS", "D0533L"),
    _letter("DIS06", "MEDDIS", "D0633L"),
    _letter("DIS07", "MEDDIS", "D0733L"),
    _letter("DIS08", "MEDDIS", "D0833L"),
    _letter("DIS13", "MEDDIS", "D1333L"),
    _letter("DIS14", "MEDDIS", "D1430C D1431C", "AnswerOfAdmission"),
    _letter("DIS17", "MEDDIS", "D1730C", "NotificationOfDischarge"),
    LetterKind(
        "DIS18",
        supported=(),
        unsupported=(
            EdifactVersion("MEDDIS", "D1830C"),
            XmlVersion("XD1830C", "ReportOfDischarge"),
            XmlVersion("XD1834C", "ReportOfDischarge"),
        ),
        title="ReportOfDischarge",
    ),
    _letter("DIS19", "MEDDIS", "D1930C"),
    _letter("DIS20", "MEDDIS", "D2030C"),
    _letter("DIS91", "MEDDIS", "D9133L D9134L", "ClinicalEmail"),
    _letter("REF02", "MEDREF", "H0230R"),
    _letter("REF06", "MEDREF", "H0630R"),
)
"""Every known MedCom letter outside medbridge's kinds, in the order they are listed."""

#: The letter types that may not ask for a positive receipt (exchange-messages.md §A.7 R6).
_NO_RECEIPT_REQUEST_TYPES = ("DIS14", "DIS17", "DIS20")
#: Their EDIFACT version codes (an XML code is ``X`` + one of these).
NO_RECEIPT_REQUEST: frozenset[str] = frozenset(
    version.version
    for kind in OTHER_LETTERS
    if kind.name in _NO_RECEIPT_REQUEST_TYPES
    for version in kind.unsupported
    if isinstance(version, EdifactVersion)
)
