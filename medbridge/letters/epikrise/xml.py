"""XDIS01 ``DischargeLetter`` version XD0133L (epikrise) ⇄ :class:`DischargeLetter`.

The element tree of ``xml-messages.md`` §4.1 as a table, in wire order. XDIS01's own names:
``CCReceiver``, ``Sender/Contact``, ``Patient/OccupancyText``, ``EpisodeOfCareStatusCode``, the
misspelt ``ReferalAdditional`` (one "r", sic), ``Diagnose`` and ``Text01``.
"""

from __future__ import annotations

from medbridge.codecs.xml.mapping import (
    Code,
    Formatted,
    Leaf,
    LetterMapping,
    MomentOf,
    struct,
)
from medbridge.letters.epikrise.versions import XD0133L
from medbridge.letters.shared.xml import (
    ENVELOPE,
    FULL_QUALIFIED_DIAGNOSE,
    MEDICAL_SPECIALITY,
    QUALIFIED_DIAGNOSE,
    RECEIVER,
    REFERENCE,
    SIMPLE_DIAGNOSE,
    address_lines,
    letter_header,
    organisation_lines,
    party,
    patient,
    relative,
    sender,
)
from medbridge.model.codes import EpisodeOfCareStatus
from medbridge.model.common import Contact, Referral
from medbridge.model.epikrise import ClinicalInformation, Diagnoses, DischargeLetter
from medbridge.xml.namespaces import MC2005

__all__ = ["MAPPING"]

DATETIME = MomentOf()

CONTACT = struct(Contact, *organisation_lines())

SENDER = sender(
    Leaf("MedicalSpecialityCode", "speciality", MEDICAL_SPECIALITY),
    Leaf("Contact", "contact", CONTACT),
)

CC_RECEIVER = party(ean=False)

PATIENT = patient(
    Leaf("OccupancyText", "occupation"),
    Leaf("EpisodeOfCareStatusCode", "status", Code(EpisodeOfCareStatus), required=True),
)

RELATIVE = relative(*address_lines())

REFERRAL = struct(
    Referral,
    Leaf("Identifier", "identifier"),
    Leaf("Received", "received", DATETIME),
    Leaf("Refer", "refer", QUALIFIED_DIAGNOSE),
    Leaf("ReferalAdditional", "additional", QUALIFIED_DIAGNOSE, many=True, max=5),  # sic
)

DIAGNOSES = struct(
    Diagnoses,
    Leaf("Main", "main", SIMPLE_DIAGNOSE),
    Leaf("MainAdditional", "main_additional", SIMPLE_DIAGNOSE, many=True, max=5),
    Leaf("Other", "other", FULL_QUALIFIED_DIAGNOSE, many=True, max=50),
)

CLINICAL_INFORMATION = struct(
    ClinicalInformation,
    Leaf("Signed", "signed", DATETIME),
    Leaf("Text01", "text", Formatted(), required=True),
)

LETTER = struct(
    DischargeLetter,
    Leaf("Letter", "header", letter_header(XD0133L), required=True),
    Leaf("Sender", "sender", SENDER, required=True),
    Leaf("Receiver", "receiver", RECEIVER, required=True),
    Leaf("CCReceiver", "cc_receiver", CC_RECEIVER),
    Leaf("Patient", "patient", PATIENT, required=True),
    Leaf("Relative", "relatives", RELATIVE, many=True, max=2),
    Leaf("Referral", "referral", REFERRAL),
    Leaf("Admission", "admission", DATETIME),
    Leaf("Discharge", "discharge", DATETIME),
    Leaf("Diagnose", "diagnoses", DIAGNOSES),
    Leaf("ClinicalInformation", "clinical_information", CLINICAL_INFORMATION, many=True, max=10),
    Leaf("Reference", "references", REFERENCE, many=True, max=10),
    elsewhere=("wire", "local_elements"),
)

MAPPING = LetterMapping(XD0133L, letter=LETTER, envelope=ENVELOPE, envelope_ns=MC2005)
