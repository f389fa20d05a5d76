"""Writing MEDDIS DIS01 (edifact-messages.md §6.1, §6.3): the shared epikrise writer
(:mod:`~medbridge.letters.shared.discharge_edifact_write`) with DIS01's names and DTM+90/91 as
the admission and discharge."""

from __future__ import annotations

from medbridge.codecs.edifact.mapping import Builder
from medbridge.letters.epikrise.versions import D0133L
from medbridge.letters.epikrise.xml import MAPPING
from medbridge.letters.shared.discharge_edifact_write import build_epikrise, epikrise_version
from medbridge.model.epikrise import DischargeLetter

__all__ = ["DIS01", "NAMES", "build_letter"]

DIS01 = epikrise_version(D0133L, MAPPING, DischargeLetter, ("admission", "discharge"))
NAMES = DIS01.names


def build_letter(letter: DischargeLetter, b: Builder, base: str) -> None:
    """Every unit of ``letter`` in MedCom's order."""
    build_epikrise(DIS01, letter, b, base)
