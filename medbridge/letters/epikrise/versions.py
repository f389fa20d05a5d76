"""The epikrise's versions: XDIS01 XD0133L and MEDDIS DIS01 D0133L (XD0134L, D0134L refused)."""

from medbridge.letters.declaration import EdifactVersion, LetterKind, XmlVersion
from medbridge.xml.namespaces import MC2005

__all__ = ["D0133L", "KIND", "XD0133L"]

XD0133L = XmlVersion("XD0133L", "DischargeLetter", "XDIS01", MC2005, f"{__package__}.xml")
D0133L = EdifactVersion("MEDDIS", "D0133L", "DIS01", f"{__package__}.edifact")
NEWER = (XmlVersion("XD0134L", "DischargeLetter"), EdifactVersion("MEDDIS", "D0134L"))
KIND = LetterKind(
    "epikrise", supported=(XD0133L, D0133L), unsupported=NEWER, rules=f"{__package__}.rules"
)
