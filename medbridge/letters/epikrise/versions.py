"""The epikrise's versions: XDIS01 XD0133L and MEDDIS DIS01 D0133L; XD0134L/D0134L are known,
not supported."""

from __future__ import annotations

from medbridge.letters.declaration import EdifactVersion, LetterKind, XmlVersion
from medbridge.xml.namespaces import MC2005

__all__ = ["D0133L", "KIND", "XD0133L"]

XD0133L = XmlVersion(
    "XD0133L",
    "DischargeLetter",
    type_code="XDIS01",
    namespace=MC2005,
    mapping="medbridge.letters.epikrise.xml",
)
D0133L = EdifactVersion(
    "MEDDIS", "D0133L", letter_type="DIS01", mapping="medbridge.letters.epikrise.edifact"
)
KIND = LetterKind(
    "epikrise",
    supported=(XD0133L, D0133L),
    unsupported=(XmlVersion("XD0134L", "DischargeLetter"), EdifactVersion("MEDDIS", "D0134L")),
)
