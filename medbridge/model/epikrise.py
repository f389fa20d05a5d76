"""The epikrise (discharge letter): XDIS01 ``DischargeLetter``, version XD0133L, and the
ambulant epikrise: XDIS02 ``OutPatientDischargeLetter``, version XD0233L.

Element tree: ``xml-messages.md`` §4.1; the ambulant one is the same tree with the two visit
elements renamed (``exchange-messages.md`` §C.2). Both letters share every block (parties,
referral, :class:`Diagnoses`, :class:`ClinicalInformation`, references); only the visit fields
differ: ``admission``/``discharge`` of a stay, ``first_visit``/``last_visit`` of an out-patient
course. Narrative lives only in ``clinical_information`` (Text01): neither version has a
structured anamnesis, medication or follow-up, so a resuscitation decision can only be in that
text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from medbridge.model.common import (
    BaseLetter,
    Diagnosis,
    LocalElements,
    Moment,
    Party,
    Reference,
    Referral,
    Relative,
)
from medbridge.model.text import FormattedText

__all__ = [
    "EPIKRISE_CLASSES",
    "ClinicalInformation",
    "Diagnoses",
    "DischargeLetter",
    "OutpatientDischargeLetter",
]


@dataclass(slots=True)
class Diagnoses:
    """``Diagnose``: the main diagnosis (implicitly SKS), its additions, and other diagnoses and
    treatments (operations, radiology) with their kind."""

    main: Diagnosis | None = None
    main_additional: list[Diagnosis] = field(default_factory=list)
    other: list[Diagnosis] = field(default_factory=list)


@dataclass(slots=True)
class ClinicalInformation:
    """One block of clinical narrative (``Text01``), optionally with when it was signed."""

    text: FormattedText
    signed: Moment | None = None


@dataclass(slots=True)
class DischargeLetter(BaseLetter):
    """Udskrivningsepikrise: a discharge letter from hospital to GP and other carers."""

    kind = "epikrise"

    cc_receiver: Party | None = None
    relatives: list[Relative] = field(default_factory=list)
    referral: Referral | None = None
    admission: Moment | None = None
    discharge: Moment | None = None
    diagnoses: Diagnoses | None = None
    clinical_information: list[ClinicalInformation] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    local_elements: LocalElements | None = None
    wire: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(slots=True)
class OutpatientDischargeLetter(BaseLetter):
    """Ambulantepikrise: the epikrise after an out-patient course, from hospital to GP. The
    discharge letter's blocks, with the first and last out-patient visit in place of the
    admission and discharge (not convertible to or from a :class:`DischargeLetter`)."""

    kind = "ambulant_epikrise"

    cc_receiver: Party | None = None
    relatives: list[Relative] = field(default_factory=list)
    referral: Referral | None = None
    first_visit: Moment | None = None
    last_visit: Moment | None = None
    diagnoses: Diagnoses | None = None
    clinical_information: list[ClinicalInformation] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    local_elements: LocalElements | None = None
    wire: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


#: The two epikriser: the same blocks, different visit fields.
EPIKRISE_CLASSES = (DischargeLetter, OutpatientDischargeLetter)
