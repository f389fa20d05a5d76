"""XDIS01 ``DischargeLetter`` version XD0133L (epikrise) ⇄ :class:`DischargeLetter`.

The table is the epikrise field table (:mod:`medbridge.letters.shared.discharge_xml`) with the
stay's two dates, ``Admission`` and ``Discharge``.
"""

from __future__ import annotations

from medbridge.letters.epikrise.versions import XD0133L
from medbridge.letters.shared.discharge_xml import (
    PATIENT,
    REFERRAL,
    RELATIVE,
    SENDER,
    epikrise_mapping,
)
from medbridge.model.epikrise import DischargeLetter

__all__ = ["MAPPING", "PATIENT", "REFERRAL", "RELATIVE", "SENDER"]

MAPPING = epikrise_mapping(
    XD0133L, DischargeLetter, ("Admission", "admission"), ("Discharge", "discharge")
)
