"""MEDDIS DIS01 Udskrivningsepikrise, version D0133L ⇄ :class:`DischargeLetter`: the shared
epikrise tables (:mod:`~medbridge.letters.shared.discharge_edifact`) with DIS01's names."""

from __future__ import annotations

from medbridge.letters.epikrise.edifact_write import DIS01, build_letter
from medbridge.letters.shared.discharge_edifact import LetterContext, epikrise_table

__all__ = [
    "LETTER_TYPE",
    "MESSAGE_TYPE",
    "TABLE",
    "VERSION",
    "LetterContext",
    "build_letter",
    "read_letter",
]

MESSAGE_TYPE = DIS01.names.message_type
VERSION = DIS01.names.version
LETTER_TYPE = DIS01.names.letter_type

TABLE = epikrise_table(DIS01)
"""How a DIS01 body is read: S01 roles, groups by number, the units a letter must hold."""

read_letter = TABLE.read
"""Map one message body (findings and units go to the reader); None when it holds no letter."""
