"""The epikrise's versions: XDIS01 XD0133L and MEDDIS DIS01 D0133L (XD0134L, D0134L refused)."""

from medbridge.letters.declaration import LetterKind, paired
from medbridge.xml.namespaces import MC2005

__all__ = ["D0133L", "KIND", "XD0133L"]

XD0133L, D0133L = paired(
    "DischargeLetter", "MEDDIS", "D0133L", "DIS01", namespace=MC2005, package=__package__
)
NEWER = paired("DischargeLetter", "MEDDIS", "D0134L")
KIND = LetterKind(
    "epikrise", supported=(XD0133L, D0133L), unsupported=NEWER, rules=f"{__package__}.rules"
)
