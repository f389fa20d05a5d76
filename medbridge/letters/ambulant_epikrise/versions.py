"""The ambulant epikrise's versions: XDIS02 ``OutPatientDischargeLetter`` XD0233L and MEDDIS
DIS02 D0233L (``exchange-messages.md`` §C.1). The current XD0234L/D0234L are refused: their
differences are unknown (§C.1, "What we do not know" 10)."""

from medbridge.letters.declaration import LetterKind, paired
from medbridge.xml.namespaces import MC2005

__all__ = ["D0233L", "KIND", "XD0233L"]

XD0233L, D0233L = paired(
    "OutPatientDischargeLetter", "MEDDIS", "D0233L", "DIS02", namespace=MC2005, package=__package__
)
NEWER = paired("OutPatientDischargeLetter", "MEDDIS", "D0234L")
KIND = LetterKind(
    "ambulant_epikrise",
    supported=(XD0233L, D0233L),
    unsupported=NEWER,
    rules=f"{__package__}.rules",
)
