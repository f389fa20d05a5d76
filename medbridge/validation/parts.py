"""Rules over the parts the letter kinds share: parties, the patient, relatives, telephones,
diagnoses, the referral block and references.

Each check covers one model class in every letter version, so the XML names come from the tables
of all three kinds (:func:`medbridge.letters.fields.names`): a field one version lacks (a model
read from EDIFACT may still hold it) is named as the version that has it names it. The code
subsets come from the same tables (:func:`medbridge.letters.fields.codes`), or, for the
municipality letter whose lists are open, from the model's enumerations.
"""

from __future__ import annotations

from collections.abc import Sequence

from medbridge.findings import Location, Severity
from medbridge.letters.epikrise import xml as epikrise
from medbridge.letters.fields import FieldTable, codes, indexed, names, text_rows
from medbridge.letters.henvisning import xml as henvisning
from medbridge.letters.plejeforloebsplan import xml as plejeforloebsplan
from medbridge.letters.shared import xml as shared
from medbridge.model.codes import IdentifierCode, TelephoneCode
from medbridge.model.common import (
    Diagnosis,
    Party,
    PartyId,
    Patient,
    Reference,
    Referral,
    Relative,
    Telephone,
)
from medbridge.numbers import MAX_DIGITS, MAX_NATURAL
from medbridge.validation.checks import Checker, Point
from medbridge.validation.identifiers import (
    check_cpr,
    check_gln,
    check_party_identifier,
    check_patient_identifier,
)

__all__ = [
    "check_diagnosis",
    "check_party",
    "check_party_id",
    "check_patient",
    "check_references",
    "check_referral",
    "check_relatives",
]

_PARTIES = tuple(map(FieldTable, (epikrise.SENDER, henvisning.SENDER, plejeforloebsplan.SENDER)))
_PATIENTS = tuple(
    map(FieldTable, (epikrise.PATIENT, henvisning.PATIENT, plejeforloebsplan.PATIENT))
)
_RELATIVES = tuple(
    map(FieldTable, (epikrise.RELATIVE, henvisning.RELATIVE, plejeforloebsplan.RELATIVE))
)
_PARTY_ID = (FieldTable(shared.PARTY_ID),)
_DIAGNOSIS = (FieldTable(shared.FULL_QUALIFIED_DIAGNOSE),)
_REFERRAL = (FieldTable(epikrise.REFERRAL),)
_REFERENCE = (FieldTable(shared.REFERENCE),)

_ID, _ID_CODE = names(_PARTY_ID, "value", "code")
_EAN, _SPECIALITY, _CONTACT, _REFERRER, _SIGNED_BY, _CONTACT_INFORMATION = names(
    _PARTIES, "ean", "speciality", "contact", "referrer", "signed_by", "contact_information"
)
_PARTY_TEXTS = text_rows(
    _PARTIES,
    *("organisation", "department", "unit", "street", "suburb", "district", "postcode"),
    "telephone",
)
_CONTACT_TEXTS = text_rows(_PARTIES, "organisation", "department", "unit", under="contact")
_REFERRER_TEXTS = text_rows(_PARTIES, "person_name", "person_title", under="referrer")
_SIGNED_BY_TEXTS = text_rows(_PARTIES, "given_name", "surname", "title", under="signed_by")
_CONTACT_INFORMATION_TEXTS = text_rows(_PARTIES, "name", "telephone", under="contact_information")
_CPR, _ALTERNATIVE = (row.xml for row in _PATIENTS[0].options("identifier"))
_PATIENT_TEXTS = text_rows(
    _PATIENTS,
    *("surname", "given_name", "title", "street", "suburb", "district", "postcode", "email"),
)
_PATIENT_TELEPHONE, _PATIENT_PHONES = names(_PATIENTS, "telephone", "telephones")
_PATIENT_PHONE_NUMBER, _PATIENT_PHONE_KIND = names(_PATIENTS, "number", "kind", under="telephones")
_RELATION, _PERSON_IDENTIFIER, _RELATIVE_PHONES = names(
    _RELATIVES, "relation", "person_identifier", "telephones"
)
_RELATIVE_PHONE_NUMBER, _RELATIVE_PHONE_CODE = names(
    _RELATIVES, "number", "kind", under="telephones"
)
_RELATIVE_TEXTS = text_rows(
    _RELATIVES, "surname", "given_name", "street", "suburb", "district", "postcode"
)
_DIAGNOSIS_TEXTS = text_rows(_DIAGNOSIS, "code", "text")
_DIAGNOSIS_KIND, _DIAGNOSIS_MOMENT = names(_DIAGNOSIS, "kind", "moment")
_REFERRAL_ID, _RECEIVED, _REFER = names(_REFERRAL, "identifier", "received", "refer")
_REFERENCE_TEXTS = text_rows(_REFERENCE, "description", "url")
_BINARY_ID, _BINARY_SIZE = names(_REFERENCE, "binary.identifier", "binary.original_size")

#: The code subsets the 2005 tables state, and the full lists of the municipality letter's open
#: codes (whose values are only partly known).
IDENTIFIER_CODES = codes(_PARTY_ID[0], "code")
TELEPHONE_KINDS = codes(_PATIENTS[1], "telephones.kind")
TELEPHONE_CODES = frozenset(c.value for c in TelephoneCode)
DIAGNOSIS_KINDS = codes(_DIAGNOSIS[0], "kind")


# -- parties -------------------------------------------------------------------------------


def check_party_id(c: Checker, party_id: PartyId, path: str, *, municipality: bool) -> None:
    """A party's Identifier by its IdentifierCode (``path`` is the element holding both)."""
    where = Location(path=f"{path}/{_ID}")
    c.extend(check_party_identifier(party_id.value, party_id.code, where))
    c.coded(
        party_id.code, f"{path}/{_ID_CODE}", _ID_CODE, IDENTIFIER_CODES, municipality=municipality
    )


def _loose_id(
    c: Checker, value: str | None, code: IdentifierCode | str | None, path: str, municipality: bool
) -> None:
    """An optional Identifier + optional IdentifierCode pair (Referrer, SignedBy)."""
    if value is not None:
        c.extend(check_party_identifier(value, code, Location(path=f"{path}/{_ID}")))
    c.coded(code, f"{path}/{_ID_CODE}", _ID_CODE, IDENTIFIER_CODES, municipality=municipality)


def check_party(
    c: Checker,
    party: Party,
    path: str,
    specialities: frozenset[str],
    *,
    municipality: bool,
    has_ean: bool,
) -> None:
    """A Sender, Receiver or copy receiver at ``path``."""
    if has_ean:
        if party.ean is None:
            c.add(
                "rule.party.missing-ean",
                Severity.ERROR,
                "The party has no EANIdentifier (GLN); senders and receivers are addressed by it.",
                f"{path}/{_EAN}",
            )
        else:
            c.extend(check_gln(party.ean, Location(path=f"{path}/{_EAN}")))
    check_party_id(c, party.identifier, path, municipality=municipality)
    c.texts(party, _PARTY_TEXTS, path)
    c.coded(
        party.speciality,
        f"{path}/{_SPECIALITY}",
        _SPECIALITY,
        specialities,
        municipality=municipality,
    )
    _people(c, party, path)


def _people(c: Checker, party: Party, path: str) -> None:
    """The people and contacts of a party: Contact, Referrer, SignedBy, ContactInformation."""
    if party.contact is not None:
        contact = party.contact
        check_party_id(c, contact.identifier, f"{path}/{_CONTACT}", municipality=False)
        c.texts(contact, _CONTACT_TEXTS, path, _CONTACT)
    if party.referrer is not None:
        referrer = party.referrer
        where = f"{path}/{_REFERRER}"
        _loose_id(c, referrer.identifier, referrer.identifier_code, where, False)
        c.texts(referrer, _REFERRER_TEXTS, path, _REFERRER)
    if party.signed_by is not None:
        signed = party.signed_by
        _loose_id(c, signed.identifier, signed.identifier_code, f"{path}/{_SIGNED_BY}", True)
        c.texts(signed, _SIGNED_BY_TEXTS, path, _SIGNED_BY)
    count = len(party.contact_information)
    for i, info in enumerate(party.contact_information):
        c.texts(
            info, _CONTACT_INFORMATION_TEXTS, f"{path}/{indexed(_CONTACT_INFORMATION, i, count)}"
        )


# -- people --------------------------------------------------------------------------------


def check_patient(c: Checker, patient: Patient, path: str, occupation: str) -> None:
    """The Patient at ``path``; ``occupation`` is the letter version's element for it."""
    identifier = patient.identifier
    where = Location(path=f"{path}/{_CPR if identifier.is_cpr else _ALTERNATIVE}")
    found = check_patient_identifier(identifier, where)
    c.extend(found)
    if identifier.is_cpr and not any(f.is_error for f in found):
        c.born_by(identifier.value, where)
    c.texts(patient, _PATIENT_TEXTS, path)
    c.text(patient.occupation, path, occupation)
    c.text(patient.telephone, path, _PATIENT_TELEPHONE)
    _telephones(
        c,
        patient.telephones,
        (path, _PATIENT_PHONES, _PATIENT_PHONE_NUMBER, _PATIENT_PHONE_KIND),
        TELEPHONE_KINDS,
        municipality=False,
    )


def _telephones(
    c: Checker,
    telephones: Sequence[Telephone],
    names: tuple[str, str, str, str],
    allowed: frozenset[str],
    *,
    municipality: bool,
) -> None:
    """Numbers and codes; ``names`` is the parent path, the telephone element and its number
    and code elements."""
    parent, element, number, code = names
    count = len(telephones)
    for i, phone in enumerate(telephones):
        path = f"{parent}/{indexed(element, i, count)}"
        c.text(phone.number, path, number)
        c.coded(phone.kind, f"{path}/{code}", code, allowed, municipality=municipality)


def check_relatives(
    c: Checker,
    relatives: Sequence[Relative],
    base: str,
    element: str,
    relations: frozenset[str],
    *,
    municipality: bool,
) -> None:
    """Each Relative (``element``) under ``base``, its RelationCode from ``relations``."""
    count = len(relatives)
    for i, relative in enumerate(relatives):
        path = f"{base}/{indexed(element, i, count)}"
        c.coded(
            relative.relation,
            f"{path}/{_RELATION}",
            _RELATION,
            relations,
            municipality=municipality,
        )
        identifier = relative.person_identifier
        if identifier is not None:
            if len(identifier) == 10 and identifier.isascii() and identifier.isdigit():
                where = Location(path=f"{path}/{_PERSON_IDENTIFIER}")
                found = check_cpr(identifier, where)
                c.extend(found)
                if not any(f.is_error for f in found):
                    c.born_by(identifier, where)
            else:
                c.text(identifier, path, _PERSON_IDENTIFIER)
        c.texts(relative, _RELATIVE_TEXTS, path)
        _telephones(
            c,
            relative.telephones,
            (path, _RELATIVE_PHONES, _RELATIVE_PHONE_NUMBER, _RELATIVE_PHONE_CODE),
            TELEPHONE_CODES,
            municipality=municipality,
        )


# -- clinical parts ------------------------------------------------------------------------


def check_diagnosis(c: Checker, diagnosis: Diagnosis, path: str) -> Point | None:
    """A diagnosis at ``path``; its checked moment, if any."""
    c.texts(diagnosis, _DIAGNOSIS_TEXTS, path)
    c.coded(
        diagnosis.kind,
        f"{path}/{_DIAGNOSIS_KIND}",
        _DIAGNOSIS_KIND,
        DIAGNOSIS_KINDS,
        municipality=False,
    )
    return c.moment(diagnosis.moment, path, _DIAGNOSIS_MOMENT)


def check_referral(
    c: Checker, referral: Referral, path: str, additional_element: str
) -> Point | None:
    """The Referral block at ``path``; the checked Received moment, if any."""
    c.text(referral.identifier, path, _REFERRAL_ID)
    point = c.moment(referral.received, path, _RECEIVED)
    if referral.refer is not None:
        check_diagnosis(c, referral.refer, f"{path}/{_REFER}")
    count = len(referral.additional)
    for i, diagnosis in enumerate(referral.additional):
        check_diagnosis(c, diagnosis, f"{path}/{indexed(additional_element, i, count)}")
    return point


def check_references(c: Checker, references: Sequence[Reference], base: str, element: str) -> None:
    """Each Reference (``element``) under ``base``."""
    count = len(references)
    for i, reference in enumerate(references):
        path = f"{base}/{indexed(element, i, count)}"
        c.texts(reference, _REFERENCE_TEXTS, path)
        binary = reference.binary
        if binary is not None:
            c.text(binary.identifier, path, _BINARY_ID)
            size = binary.original_size
            if not 1 <= size <= MAX_NATURAL:
                shown = str(size) if size < 1 else f"over {MAX_DIGITS} digits long"
                c.add(
                    "rule.reference.size",
                    Severity.ERROR,
                    f"OriginalObjectSize is {shown}; the size of a binary attachment is a "
                    f"whole number of bytes, at least 1 and at most {MAX_DIGITS} digits.",
                    f"{path}/{_BINARY_SIZE}",
                )
