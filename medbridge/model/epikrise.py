"""The epikrise (discharge letter): XDIS01 ``DischargeLetter``, version XD0133L.

Element tree: ``xml-messages.md`` §4.1. Narrative lives only in ``clinical_information`` (Text01):
XD0133L has no structured anamnesis, medication or follow-up, so a resuscitation decision can only
be in that text.
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

__all__ = ["ClinicalInformation", "Diagnoses", "DischargeLetter"]


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
