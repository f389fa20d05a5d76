"""The ambulant epikrise's versions: XDIS02 ``OutPatientDischargeLetter`` XD0233L and MEDDIS
DIS02 D0233L (``exchange-messages.md`` §C.1). The current XD0234L/D0234L are refused: their
differences are unknown (§C.1, "What we do not know" 10)."""

from medbridge.letters.declaration import medcom_2005_kind

__all__ = ["D0233L", "KIND", "XD0233L"]

XD0233L, D0233L, KIND = medcom_2005_kind(
    __package__,
    "ambulant_epikrise",
    "OutPatientDischargeLetter",
    "MEDDIS",
    "D0233L",
    "DIS02",
    newer="D0234L",
)
