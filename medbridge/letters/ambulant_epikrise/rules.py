"""The ambulant epikrise's own rules (XDIS02 / DIS02): the epikrise rules
(:mod:`medbridge.letters.shared.discharge_rules`) with the first and last out-patient visit, and
the warnings of exchange-messages.md §C.2 and §C.6: the last visit before the first, an
episode-of-care status other than ``ambulant``/``ambulant_roentgen``."""

from __future__ import annotations

from medbridge.letters.ambulant_epikrise.xml import MAPPING
from medbridge.letters.shared.discharge_rules import Visits, epikrise_rules
from medbridge.model.codes import EpisodeOfCareStatus

__all__ = ["RULES"]

RULES = epikrise_rules(
    MAPPING,
    Visits(
        "first_visit",
        "last_visit",
        "first out-patient visit",
        "last out-patient visit",
        "ambulant epikrise",
        frozenset({EpisodeOfCareStatus.OUTPATIENT, EpisodeOfCareStatus.OUTPATIENT_RADIOLOGY}),
        "out-patient course",
    ),
)
