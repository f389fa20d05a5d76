"""The henvisning (hospital referral): XREF01 ``HospitalReferral``, version XH0130R.

Element tree: ``xml-messages.md`` §4.2. CAVE (allergies) is ``relevant_clinical_information.cave``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from medbridge.model.codes import InformationCode, Priority, ReferralStatus, Transport
from medbridge.model.common import (
    BaseLetter,
    LocalElements,
    Party,
    Reference,
    Referral,
    Relative,
)
from medbridge.model.text import FormattedText

__all__ = [
    "AdditionalInformation",
    "HospitalReferral",
    "HospitalVisitation",
    "RelevantClinicalInformation",
]


@dataclass(slots=True)
class AdditionalInformation:
    """Referral logistics: priority, out-patient or admission, transport, remarks, reason."""

    priority: Priority | None = None
    referral_status: ReferralStatus | None = None
    transport: Transport | None = None
    supplementary: FormattedText | None = None
    clinical_reason: FormattedText | None = None


@dataclass(slots=True)
class RelevantClinicalInformation:
    """CAVE, anamnesis, examination findings and current medication."""

    cave: FormattedText | None = None
    anamnesis: FormattedText | None = None
    examination: FormattedText | None = None
    actual_medicine: FormattedText | None = None


@dataclass(slots=True)
class HospitalVisitation:
    """A note added during hospital triage or forwarding."""

    code: InformationCode
    information: FormattedText


@dataclass(slots=True)
class HospitalReferral(BaseLetter):
    """Sygehushenvisning: a referral from a GP or specialist to a hospital."""

    kind = "henvisning"

    answer_cc_receiver: Party | None = None
    relatives: list[Relative] = field(default_factory=list)
    additional_information: AdditionalInformation | None = None
    referral: Referral | None = None
    relevant_clinical_information: RelevantClinicalInformation | None = None
    references: list[Reference] = field(default_factory=list)
    hospital_visitations: list[HospitalVisitation] = field(default_factory=list)
    local_elements: LocalElements | None = None
    wire: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
