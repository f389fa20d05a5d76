"""XDIS02 ``OutPatientDischargeLetter`` version XD0233L (ambulant epikrise) ⇄
:class:`OutpatientDischargeLetter`.

The table is the epikrise field table (:mod:`medbridge.letters.shared.discharge_xml`) with the
course's two dates, ``OutPatientFirstVisit`` and ``OutPatientLastVisit`` (§C.2).
"""

from __future__ import annotations

from medbridge.letters.ambulant_epikrise.versions import XD0233L
from medbridge.letters.shared.discharge_xml import epikrise_mapping
from medbridge.model.epikrise import OutpatientDischargeLetter

__all__ = ["MAPPING"]

MAPPING = epikrise_mapping(
    XD0233L,
    OutpatientDischargeLetter,
    ("OutPatientFirstVisit", "first_visit"),
    ("OutPatientLastVisit", "last_visit"),
)
