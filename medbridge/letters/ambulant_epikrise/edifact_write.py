"""Writing MEDDIS DIS02 (edifact-messages.md §6.1, §6.3; exchange-messages.md §C.3): the shared
epikrise writer (:mod:`~medbridge.letters.shared.discharge_edifact_write`) with DIS02's names and
DTM+90/91 as the first and last out-patient visit. MedCom enforces the 9-FTX limit of a clinical
S14 for DIS02 (§C.4); medbridge applies it to both versions, and says so when
``allow_nonstandard`` writes more."""

from __future__ import annotations

from medbridge.codecs.edifact.mapping import Builder
from medbridge.letters.ambulant_epikrise.versions import D0233L
from medbridge.letters.ambulant_epikrise.xml import MAPPING
from medbridge.letters.shared.discharge_edifact_write import build_epikrise, epikrise_version
from medbridge.model.epikrise import OutpatientDischargeLetter

__all__ = ["DIS02", "NAMES", "build_letter"]

DIS02 = epikrise_version(
    D0233L,
    MAPPING,
    OutpatientDischargeLetter,
    ("first_visit", "last_visit"),
    over_nine="Written anyway; MedCom's own DIS02 reader and writer refuse more than 9, so "
    "receivers built on them will reject it.",
)
NAMES = DIS02.names


def build_letter(letter: OutpatientDischargeLetter, b: Builder, base: str) -> None:
    """Every unit of ``letter`` in MedCom's order."""
    build_epikrise(DIS02, letter, b, base)
