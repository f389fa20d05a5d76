"""MEDDIS DIS02 Ambulantepikrise, version D0233L ⇄ :class:`OutpatientDischargeLetter`
(exchange-messages.md §C.3): the shared epikrise mapping
(:mod:`~medbridge.letters.shared.discharge_edifact` reads,
:mod:`~medbridge.letters.shared.discharge_edifact_write` writes) with DIS02's names and DTM+90/91
as the first and last out-patient visit. MedCom enforces the 9-FTX limit of a clinical S14 for
DIS02 (§C.4); medbridge applies it to both versions, and says so when ``allow_nonstandard``
writes more."""

from __future__ import annotations

from functools import partial

from medbridge.letters.ambulant_epikrise.versions import D0233L
from medbridge.letters.ambulant_epikrise.xml import MAPPING
from medbridge.letters.shared.discharge_edifact import LetterContext, epikrise_table
from medbridge.letters.shared.discharge_edifact_write import build_epikrise, epikrise_version
from medbridge.model.epikrise import OutpatientDischargeLetter

__all__ = ["DIS02", "TABLE", "LetterContext", "build_letter", "read_letter"]

DIS02 = epikrise_version(
    D0233L,
    MAPPING,
    OutpatientDischargeLetter,
    ("first_visit", "last_visit"),
    nine_ftx_enforced=True,
)
MESSAGE_TYPE, VERSION, LETTER_TYPE = DIS02.names[:3]
TABLE = epikrise_table(DIS02)
read_letter = TABLE.read
build_letter = partial(build_epikrise, DIS02)
