"""MEDDIS DIS01 Udskrivningsepikrise, version D0133L ⇄ :class:`DischargeLetter`: the shared
epikrise mapping (:mod:`~medbridge.letters.shared.discharge_edifact` reads,
:mod:`~medbridge.letters.shared.discharge_edifact_write` writes) with DIS01's names and DTM+90/91
as the admission and discharge."""

from __future__ import annotations

from functools import partial

from medbridge.letters.epikrise.versions import D0133L
from medbridge.letters.epikrise.xml import MAPPING
from medbridge.letters.shared.discharge_edifact import LetterContext, epikrise_table
from medbridge.letters.shared.discharge_edifact_write import build_epikrise, epikrise_version
from medbridge.model.epikrise import DischargeLetter

__all__ = ["DIS01", "TABLE", "LetterContext", "build_letter", "read_letter"]

DIS01 = epikrise_version(D0133L, MAPPING, DischargeLetter, ("admission", "discharge"))
MESSAGE_TYPE, VERSION, LETTER_TYPE = DIS01.names[:3]
TABLE = epikrise_table(DIS01)
"""How a DIS01 body is read: S01 roles, groups by number, the units a letter must hold."""
read_letter = TABLE.read
"""Map one message body (findings and units go to the reader); None when it holds no letter."""
build_letter = partial(build_epikrise, DIS01)
"""Every unit of a :class:`DischargeLetter` in MedCom's order: ``build_letter(letter, b, base)``."""
