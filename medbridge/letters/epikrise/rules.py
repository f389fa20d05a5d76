"""The discharge letter's own rules (XDIS01 / DIS01): the epikrise rules
(:mod:`medbridge.letters.shared.discharge_rules`) with the admission and discharge."""

from __future__ import annotations

from medbridge.letters.epikrise.xml import MAPPING
from medbridge.letters.shared.discharge_rules import Visits, epikrise_rules

__all__ = ["RULES"]

RULES = epikrise_rules(
    MAPPING, Visits("admission", "discharge", "admission", "discharge", "discharge letter")
)
