"""The epikrise's versions: XDIS01 XD0133L and MEDDIS DIS01 D0133L (XD0134L, D0134L refused)."""

from medbridge.letters.declaration import medcom_2005_kind

__all__ = ["D0133L", "KIND", "XD0133L"]

XD0133L, D0133L, KIND = medcom_2005_kind(
    __package__, "epikrise", "DischargeLetter", "MEDDIS", "D0133L", "DIS01", newer="D0134L"
)
