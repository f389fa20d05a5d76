"""Tables shared by the two 2005/08/07 letters, XDIS01 and XREF01 (``xml-messages.md`` §2–§3).

Envelope, Letter header, Receiver, party identifiers, diagnosis shapes, Reference and the code
converters. Every element is in the 2005 namespace, so no entry names a namespace. What differs
between the two letters (Sender, Patient, Relative, Referral …) is in ``xdis01`` and ``xref01``.

Codes are closed and written strictly: a model value outside the 2005 list (a municipality-only
``aegtefaelle``, the EDIFACT-only ``grundmorbus`` and ``paediatri_sygehus``, an unknown string) is
refused with ``convert.unsupported-value``.
"""

from __future__ import annotations

from typing import Any

from medbridge.codecs.xml.mapping import (
    POSITIVE_INT,
    SUP_TRUE,
    TEXT,
    Choice,
    Code,
    Converter,
    Entry,
    Fixed,
    Flat,
    Leaf,
    LetterMapping,
    MomentOf,
    Struct,
    struct,
)
from medbridge.letters.declaration import XmlVersion
from medbridge.model import codes
from medbridge.model.common import (
    BinaryObject,
    Diagnosis,
    Envelope,
    LetterHeader,
    Party,
    PartyId,
    Patient,
    PatientId,
    PatientIdKind,
    Reference,
    Relative,
    Telephone,
)
from medbridge.xml.namespaces import MC2005

__all__ = [
    "ACKNOWLEDGEMENT",
    "DIAGNOSIS_KIND",
    "ENVELOPE",
    "FULL_QUALIFIED_DIAGNOSE",
    "IDENTIFIER_CODE",
    "MEDICAL_SPECIALITY",
    "PARTY_ID",
    "PATIENT_ID",
    "PHONE",
    "QUALIFIED_DIAGNOSE",
    "RECEIVER",
    "REFERENCE",
    "RELATION",
    "SIMPLE_DIAGNOSE",
    "SPECIALITY",
    "TELEPHONE",
    "address_lines",
    "letter_head",
    "letter_header",
    "letter_mapping",
    "organisation_lines",
    "party",
    "party_id",
    "patient",
    "relative",
    "sender",
]

ACKNOWLEDGEMENT = Code(codes.AcknowledgementCode)
IDENTIFIER_CODE = Code(codes.IdentifierCode)
MEDICAL_SPECIALITY = Code(
    codes.MedicalSpeciality, exclude=(codes.MedicalSpeciality.PAEDIATRI_SYGEHUS.value,)
)
RELATION = Code(codes.RelationCode, exclude=(codes.RelationCode.SPOUSE.value,))
DIAGNOSIS_KIND = Code(codes.DiagnosisKind, exclude=(codes.DiagnosisKind.GRUNDMORBUS.value,))
CODE_SYSTEM = Code(codes.CodeSystem)
DATETIME = MomentOf()

#: The 2005 senders' MedicalSpecialityCode (each kind places it in its own Sender tail).
SPECIALITY = Leaf("MedicalSpecialityCode", "speciality", MEDICAL_SPECIALITY)
#: An uncoded phone number (a 2005 party's TelephoneSubscriberIdentifier).
PHONE = Leaf("TelephoneSubscriberIdentifier", "telephone")
#: A coded phone number (XREF01 ``Patient/TelephoneSubscriber``).
TELEPHONE = struct(
    Telephone,
    Leaf("TelephoneSubscriberIdentifier", "number", required=True),
    Leaf("TelephoneSubscriberCode", "kind", Code(codes.TelephoneKind), required=True),
)

ENVELOPE = struct(
    Envelope,
    Leaf("Sent", "sent", DATETIME, required=True),
    Leaf("Identifier", "identifier", required=True),
    Leaf("AcknowledgementCode", "acknowledgement", ACKNOWLEDGEMENT, required=True),
)


def party_id(identifier_code: Converter) -> Struct:
    """``Identifier`` + ``IdentifierCode`` of a party, with the kind's IdentifierCode list."""
    return struct(
        PartyId,
        Leaf("Identifier", "value", required=True),
        Leaf("IdentifierCode", "code", identifier_code, required=True),
    )


PARTY_ID = party_id(IDENTIFIER_CODE)


def letter_mapping(version: XmlVersion, letter: type, *entries: Entry) -> LetterMapping:
    """The mapping of a 2005 letter: ``letter`` (the model class) as the element ``version``
    names, its ``entries`` in wire order, in an ``Emessage`` with the 2005 ``Envelope``; its
    ``Local_Elements`` and wire facts are kept beside the table."""
    table = struct(letter, *entries, elsewhere=("wire", "local_elements"))
    return LetterMapping(version, letter=table, envelope=ENVELOPE, envelope_ns=MC2005)


def letter_header(version: XmlVersion) -> Struct:
    """The ``Letter`` block of a 2005 letter with the VersionCode and TypeCode its declaration
    pins."""
    version_code, type_code = version.version, version.type_code
    return struct(
        LetterHeader,
        Leaf("Identifier", "identifier", required=True),
        Fixed("VersionCode", version_code),
        Leaf("StatisticalCode", "statistical_code", required=True),
        Leaf("Authorisation", "authorisation", DATETIME, required=True),
        Fixed("TypeCode", type_code),
        Leaf("StatusCode", "status", Code(codes.StatusCode), required=True),
        Leaf("EpisodeOfCareIdentifier", "episode_of_care_id"),
    )


def letter_head(
    version: XmlVersion,
    sender_table: Struct,
    cc_receiver: Leaf,
    patient_table: Struct,
    relative_table: Struct,
    *,
    relatives: int,
) -> tuple[Leaf, ...]:
    """The leaves a 2005 letter starts with, in wire order: the ``Letter`` header of ``version``,
    ``Sender``, ``Receiver``, the kind's copy receiver (``cc_receiver``), ``Patient`` and at most
    ``relatives`` ``Relative``, each with the kind's own table."""
    return (
        Leaf("Letter", "header", letter_header(version), required=True),
        Leaf("Sender", "sender", sender_table, required=True),
        Leaf("Receiver", "receiver", RECEIVER, required=True),
        cc_receiver,
        Leaf("Patient", "patient", patient_table, required=True),
        Leaf("Relative", "relatives", relative_table, many=True, max=relatives),
    )


def address_lines() -> tuple[Leaf, ...]:
    """StreetName, SuburbName, DistrictName, PostCodeIdentifier (may be empty)."""
    return (
        Leaf("StreetName", "street"),
        Leaf("SuburbName", "suburb"),
        Leaf("DistrictName", "district"),
        Leaf("PostCodeIdentifier", "postcode"),
    )


def organisation_lines(
    *, party_id: Struct = PARTY_ID, organisation_required: bool = False
) -> tuple[Entry, ...]:
    """The party identifier, OrganisationName, DepartmentName and UnitName of a 2005 party."""
    return (
        Flat("identifier", party_id),
        Leaf("OrganisationName", "organisation", required=organisation_required),
        Leaf("DepartmentName", "department"),
        Leaf("UnitName", "unit"),
    )


def party(*tail: Entry, ean: bool = True, party_id: Struct = PARTY_ID) -> Struct:
    """A receiver-like :class:`Party`: EANIdentifier (required; left out when ``ean`` is false),
    the organisation lines, the address lines, then the kind's own ``tail`` entries."""
    head: tuple[Entry, ...] = (Leaf("EANIdentifier", "ean", required=True),) if ean else ()
    return struct(Party, *head, *organisation_lines(party_id=party_id), *address_lines(), *tail)


def sender(*tail: Entry, party_id: Struct = PARTY_ID) -> Struct:
    """A ``Sender`` :class:`Party`: EANIdentifier and OrganisationName required, the address
    lines and TelephoneSubscriberIdentifier, then the kind's own ``tail`` entries."""
    return struct(
        Party,
        Leaf("EANIdentifier", "ean", required=True),
        *organisation_lines(party_id=party_id, organisation_required=True),
        *address_lines(),
        PHONE,
        *tail,
    )


RECEIVER = party()


#: A 2005 patient's or relative's name: surname (required) and given name.
_PERSON_NAME = (
    Leaf("PersonSurnameName", "surname", required=True),
    Leaf("PersonGivenName", "given_name"),
)


def patient(*tail: Entry, title: bool = False) -> Struct:
    """A :class:`Patient`: the CPR/alternative identifier, surname (required), given name, the
    PersonTitle when ``title``, the address lines, then the kind's own ``tail`` entries."""
    titled: tuple[Entry, ...] = (Leaf("PersonTitle", "title"),) if title else ()
    return struct(
        Patient,
        PATIENT_ID,
        *_PERSON_NAME,
        *titled,
        *address_lines(),
        *tail,
    )


def relative(*tail: Entry) -> Struct:
    """A 2005 :class:`Relative`: relation code, person identifier, names, then ``tail``."""
    return struct(
        Relative,
        Leaf("RelationCode", "relation", RELATION, required=True),
        Leaf("PersonIdentifier", "person_identifier"),
        *_PERSON_NAME,
        *tail,
    )


def _patient_id(kind: PatientIdKind) -> tuple[str, Converter, Any]:
    class _Id:
        def absent(self, value: Any) -> bool:
            return value is None

        def read(self, element: Any, ctx: Any) -> Any:
            text = TEXT.read(element, ctx)
            return None if text is None else PatientId(text, kind)

        def write(self, element: Any, value: Any, ctx: Any) -> None:
            TEXT.write(element, value.value, ctx)

    name = "CivilRegistrationNumber" if kind is PatientIdKind.CPR else "AlternativeIdentifier"
    return (name, _Id(), lambda value: isinstance(value, PatientId) and value.kind is kind)


PATIENT_ID = Choice(
    "identifier", (_patient_id(PatientIdKind.CPR), _patient_id(PatientIdKind.ALTERNATIVE))
)

# The five diagnosis shapes of §3.7 (XQualifiedDiagnose and QualifiedDiagnoseOrTreatment are
# XREF01's and live there).
SIMPLE_DIAGNOSE = struct(
    Diagnosis,
    Leaf("DiagnoseCode", "code", required=True),
    Leaf("DiagnoseText", "text", required=True),
)
QUALIFIED_DIAGNOSE = struct(
    Diagnosis,
    Leaf("DiagnoseCode", "code", required=True),
    Leaf("DiagnoseTypeCode", "code_system", CODE_SYSTEM, required=True),
    Leaf("DiagnoseText", "text", required=True),
)
FULL_QUALIFIED_DIAGNOSE = struct(
    Diagnosis,
    Leaf("DiagnoseDescriptionCode", "kind", DIAGNOSIS_KIND, required=True),
    Leaf("DiagnoseCode", "code", required=True),
    Leaf("DiagnoseTypeCode", "code_system", CODE_SYSTEM, required=True),
    Leaf("DiagnoseText", "text", required=True),
    Leaf("DiagnoseDateTime", "moment", DATETIME),
)

BINARY = struct(
    BinaryObject,
    Leaf("ObjectIdentifier", "identifier", required=True),
    Leaf("ObjectCode", "object_code", Code(codes.ObjectCode), required=True),
    Leaf("ObjectExtensionCode", "extension", Code(codes.ObjectExtension), required=True),
    Leaf("OriginalObjectSize", "original_size", POSITIVE_INT, required=True),
)
# URL | SUP | BIN is a choice on the wire; the model allows exactly one, so three optional
# entries in choice order read and write it exactly.
REFERENCE = struct(
    Reference,
    Leaf("RefDescription", "description", required=True),
    Leaf("URL", "url"),
    Leaf("SUP", "supplementary", SUP_TRUE),
    Leaf("BIN", "binary", BINARY),
)
