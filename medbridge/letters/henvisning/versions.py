"""The henvisning's versions: XREF01 XH0130R and MEDREF REF01 H0130R; XH0131R/H0131R are known,
not supported."""

from __future__ import annotations

from medbridge.letters.declaration import EdifactVersion, LetterKind, XmlVersion
from medbridge.xml.namespaces import MC2005

__all__ = ["H0130R", "KIND", "XH0130R"]

XH0130R = XmlVersion(
    "XH0130R",
    "HospitalReferral",
    type_code="XREF01",
    namespace=MC2005,
    mapping="medbridge.letters.henvisning.xml",
)
H0130R = EdifactVersion(
    "MEDREF", "H0130R", letter_type="REF01", mapping="medbridge.letters.henvisning.edifact"
)
KIND = LetterKind(
    "henvisning",
    supported=(XH0130R, H0130R),
    unsupported=(XmlVersion("XH0131R", "HospitalReferral"), EdifactVersion("MEDREF", "H0131R")),
)
