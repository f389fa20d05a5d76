"""The henvisning's versions: XREF01 XH0130R and MEDREF REF01 H0130R (XH0131R, H0131R refused)."""

from medbridge.letters.declaration import EdifactVersion, LetterKind, XmlVersion
from medbridge.xml.namespaces import MC2005

__all__ = ["H0130R", "KIND", "XH0130R"]

XH0130R = XmlVersion("XH0130R", "HospitalReferral", "XREF01", MC2005, f"{__package__}.xml")
H0130R = EdifactVersion("MEDREF", "H0130R", "REF01", f"{__package__}.edifact")
NEWER = (XmlVersion("XH0131R", "HospitalReferral"), EdifactVersion("MEDREF", "H0131R"))
KIND = LetterKind(
    "henvisning", supported=(XH0130R, H0130R), unsupported=NEWER, rules=f"{__package__}.rules"
)
