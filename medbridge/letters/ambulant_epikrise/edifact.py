"""MEDDIS DIS02 Ambulantepikrise, version D0233L ⇄ :class:`OutpatientDischargeLetter`: the shared
epikrise tables (:mod:`~medbridge.letters.shared.discharge_edifact`) with DIS02's names."""

from __future__ import annotations

from medbridge.letters.ambulant_epikrise.edifact_write import DIS02, build_letter
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

MESSAGE_TYPE = DIS02.names.message_type
VERSION = DIS02.names.version
LETTER_TYPE = DIS02.names.letter_type

TABLE = epikrise_table(DIS02)
"""How a DIS02 body is read: S01 roles, groups by number, the units a letter must hold."""

read_letter = TABLE.read
"""Map one message body (findings and units go to the reader); None when it holds no letter."""
