"""The henvisning's versions: XREF01 XH0130R and MEDREF REF01 H0130R (XH0131R, H0131R refused)."""

from medbridge.letters.declaration import LetterKind, paired
from medbridge.xml.namespaces import MC2005

__all__ = ["H0130R", "KIND", "XH0130R"]

XH0130R, H0130R = paired(
    "HospitalReferral", "MEDREF", "H0130R", "REF01", namespace=MC2005, package=__package__
)
NEWER = paired("HospitalReferral", "MEDREF", "H0131R")
KIND = LetterKind(
    "henvisning", supported=(XH0130R, H0130R), unsupported=NEWER, rules=f"{__package__}.rules"
)
