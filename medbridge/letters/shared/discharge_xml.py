"""The one field table of the two epikriser: XDIS01 ``DischargeLetter`` (XD0133L) and XDIS02
``OutPatientDischargeLetter`` (XD0233L), ``exchange-messages.md`` §C.6.

The element tree of ``xml-messages.md`` §4.1 as a table, in wire order. XDIS01's own names:
``CCReceiver``, ``Sender/Contact``, ``Patient/OccupancyText``, ``EpisodeOfCareStatusCode``, the
misspelt ``ReferalAdditional`` (one "r", sic), ``Diagnose`` and ``Text01``. XDIS02 is the same
sequence with the two visit elements renamed (§C.2): :func:`epikrise_mapping` makes either
version's table from its declaration, its model class and its two visit elements.
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
from medbridge.letters.declaration import XmlVersion
from medbridge.letters.shared.xml import (
    FULL_QUALIFIED_DIAGNOSE,
    QUALIFIED_DIAGNOSE,
    REFERENCE,
    SIMPLE_DIAGNOSE,
    SPECIALITY,
    address_lines,
    letter_head,
    letter_mapping,
    organisation_lines,
    party,
    patient,
    relative,
    sender,
)
from medbridge.model.codes import EpisodeOfCareStatus
from medbridge.model.common import Contact, Referral
from medbridge.model.epikrise import ClinicalInformation, Diagnoses, DischargeLetter

__all__ = [
    "CC_RECEIVER",
    "COMMON",
    "PATIENT",
    "REFERRAL",
    "RELATIVE",
    "SENDER",
    "epikrise_mapping",
]

DATETIME = MomentOf()

CONTACT = struct(Contact, *organisation_lines())

SENDER = sender(
    SPECIALITY,
    Leaf("Contact", "contact", CONTACT),
)

CC_RECEIVER = Leaf("CCReceiver", "cc_receiver", party(ean=False))

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


def epikrise_mapping(
    version: XmlVersion, letter: type, first: tuple[str, str], last: tuple[str, str]
) -> LetterMapping:
    """The table of one epikrise version: ``letter`` (the model class) as the element its
    declaration names, with the visit elements ``first`` and ``last`` (element, model field)
    between ``Referral`` and ``Diagnose`` — ``Admission``/``Discharge`` in XDIS01,
    ``OutPatientFirstVisit``/``OutPatientLastVisit`` in XDIS02."""
    return letter_mapping(
        version,
        letter,
        *letter_head(version, SENDER, CC_RECEIVER, PATIENT, RELATIVE, relatives=2),
        Leaf("Referral", "referral", REFERRAL),
        Leaf(*first, DATETIME),
        Leaf(*last, DATETIME),
        Leaf("Diagnose", "diagnoses", DIAGNOSES),
        Leaf(
            "ClinicalInformation", "clinical_information", CLINICAL_INFORMATION, many=True, max=10
        ),
        Leaf("Reference", "references", REFERENCE, many=True, max=10),
    )


COMMON = epikrise_mapping(
    XmlVersion("", "DischargeLetter"),
    DischargeLetter,
    ("Admission", "admission"),
    ("Discharge", "discharge"),
)
"""The shared table on its own, undeclared: where the EDIFACT mapping of both versions finds the
XML path of every field they share (each version's visit fields are its own)."""
