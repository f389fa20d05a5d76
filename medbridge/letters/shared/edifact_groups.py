"""The two groups DIS01 and REF01 share: the S01 party group and the S07 patient group, each as
a reader and a builder. The letters differ only in data: which roles a kind has and which
segments each role's group holds (its :class:`~medbridge.letters.shared.edifact_walk.PartyRole`
rows), which roles carry a phone and the speciality, REF01's ``_`` street, and what EMP holds
(DIS01 the occupation, REF01 the patient's title).
"""

from __future__ import annotations

from medbridge.codecs.edifact.mapping import Builder, Reader, opt
from medbridge.edifact.groups import Group
from medbridge.edifact.segment import Segment
from medbridge.letters.fields import xml_name
from medbridge.letters.shared import xml
from medbridge.letters.shared.edifact import (
    CON_PHONE_FIELDS,
    PARTY_PHONE,
    PARTY_SPECIALITY,
    Address,
    LetterContext,
    adr,
    apply_address,
    party_nad,
    read_adr,
    read_party_nad,
    read_patient_pna,
    wire_code,
)
from medbridge.letters.shared.edifact_codes import SPECIALITY, TELEPHONE_KIND
from medbridge.letters.shared.edifact_walk import PartyRole
from medbridge.model.codes import MedicalSpeciality
from medbridge.model.common import Party, PartyId, Patient, Telephone

__all__ = ["PartyParts", "party_group", "party_of", "read_party_parts", "read_patient_group"]

_EAN = "/" + xml_name(xml.RECEIVER, "ean")  # the UNB party ids become the EANIdentifier


class PartyParts:
    """What one S01 group held: its NAD (and, once read, the party id and names), address,
    phone and speciality."""

    __slots__ = ("address", "identifier", "nad", "names", "read", "speciality", "telephone")

    def __init__(self) -> None:
        self.nad: Segment | None = None
        self.read = False
        self.identifier: PartyId | None = None
        self.names: tuple[str | None, str | None, str | None] = (None, None, None)
        self.address: Address | None = None
        self.telephone: str | None = None
        self.speciality: MedicalSpeciality | None = None

    def read_nad(self, r: Reader, path: str) -> None:
        if self.nad is not None and not self.read:
            self.read = True
            self.identifier, *names = read_party_nad(r, self.nad, path)
            self.names = (names[0], names[1], names[2])


def read_party_parts(r: Reader, group: Group, role: PartyRole, *, nad_now: bool) -> PartyParts:
    """The segments of an S01 group, each at most once and only those of ``role``; the NAD is
    read where it stands when ``nad_now`` (DIS01), else left to the caller (REF01)."""
    parts = PartyParts()
    key, path = "S01." + role.code, role.path
    for segment in group.segments:
        tag = segment.tag
        if tag not in role.segments:
            r.unknown(segment, f"an S01 {role.code} group")
            continue
        if not r.once(f"{key}/{tag}", segment, f"{tag} in the S01 {role.code} group"):
            continue
        if tag == "NAD":
            parts.nad = segment
            if nad_now:
                parts.read_nad(r, path)
        elif tag == "ADR":
            parts.address = read_adr(r, segment, path)
        elif tag == "CON":
            r.sources.record_value(path + PARTY_PHONE, segment, 2, 1)
            parts.telephone = opt(segment.value(2, 1))
        elif tag == "SPR":
            r.sources.record_value(path + PARTY_SPECIALITY, segment, 2, 1)
            parts.speciality = r.code(SPECIALITY, segment, 2, 1, allow_empty=True)
    return parts


def party_of(r: Reader, parts: PartyParts, role: PartyRole, ctx: LetterContext) -> Party | None:
    """The party of an S01 group (None when its NAD gave no identifier); a sender's or
    receiver's EAN comes from UNB (S002 or S003)."""
    parts.read_nad(r, role.path)
    if parts.identifier is None:
        return None
    ean = None
    if role.unb is not None:  # the UNB sender (S002) or recipient (S003) identification
        ean = ctx.sender_ean if role.unb == 2 else ctx.recipient_ean
        r.sources.record_value(role.path + _EAN, ctx.unb, role.unb, 1)
    organisation, department, unit = parts.names
    party = Party(
        identifier=parts.identifier,
        ean=ean,
        organisation=organisation,
        department=department,
        unit=unit,
        telephone=parts.telephone,
        speciality=parts.speciality,
    )
    if parts.address is not None:
        apply_address(party, parts.address)
    return party


def party_group(
    b: Builder, role: PartyRole, party: Party, base: str, letter_type: str, street_placeholder: bool
) -> None:
    """One S01 party group (NAD, ADR, CON, SEQ, SPR) of ``role``; a phone or speciality the
    role does not carry in this letter is unmapped. ``street_placeholder``: REF01's ``_`` for a
    missing street."""
    key, path = "S01." + role.code, base + role.path
    b.add(key, "S01", ("01",))
    names = (party.organisation, party.department, party.unit)
    party_nad(b, key + "/NAD", role.code, party.identifier, names, path)
    adr(b, key + "/ADR", party, path, street_placeholder=street_placeholder)
    if party.telephone is not None:
        if role.phone:
            number = b.value(party.telephone, path + PARTY_PHONE, key + "/CON", "CON", 2)
            b.add(key + "/CON", "CON", ("",), (number, "TE"))
        else:
            b.unmapped(
                f"{path}{PARTY_PHONE} has no place in {letter_type}.", path + PARTY_PHONE, "-"
            )
    b.add(key + "/SEQ", "SEQ", ("",), (str(role.seq),))
    if role.speciality:
        code = _speciality_code(party.speciality, path)
        b.add(key + "/SPR", "SPR", ("ORG",), (code, "SKS", "SST"), (letter_type, "SKS", "SST"))
    elif party.speciality is not None:
        b.unmapped(
            f"{path}{PARTY_SPECIALITY} has no place here in {letter_type}.",
            path + PARTY_SPECIALITY,
            "-",
        )


def _speciality_code(speciality: MedicalSpeciality | str | None, path: str) -> str:
    if speciality is None:
        return ""
    message = f"MedicalSpecialityCode {str(speciality)[:30]!r} has no AFSSPEC code."
    return wire_code(SPECIALITY, speciality, message, path + PARTY_SPECIALITY)


_S07_ONCE = ("PNA", "RFF", "ADR", "EMP")


def _patient_parts(
    r: Reader, group: Group, *, phones: bool, path: str
) -> tuple[dict[str, Segment], list[Telephone]]:
    """The S07 segments that occur once, by tag, and the coded phones (REF01)."""
    found: dict[str, Segment] = {}
    telephones: list[Telephone] = []
    for segment in group.segments:
        tag = segment.tag
        if tag == "CON" and phones:
            index = len(telephones) + 1
            r.claim(f"S07/CON#{index}", segment)
            r.sources.record(f"{path}/TelephoneSubscriber[{index}]", segment, CON_PHONE_FIELDS)
            kind = r.code(TELEPHONE_KIND, segment, 1)
            if kind is not None:
                telephones.append(Telephone(segment.value(2, 1), kind))
        elif tag not in _S07_ONCE:
            r.unknown(segment, "the S07 patient group")
        elif r.once(f"S07/{tag}", segment, f"{tag} in S07"):
            found[tag] = segment
    return found, telephones


def read_patient_group(r: Reader, group: Group, *, title_in_emp: bool, path: str) -> Patient | None:
    """The S07 patient group of DIS01 and REF01: PNA+PAT, an optional RFF (replacement id), ADR
    and EMP, each at most once. REF01 also has coded phones (CON, 0..3) and puts the patient's
    title in EMP, where DIS01 puts the occupation."""
    found, telephones = _patient_parts(r, group, phones=title_in_emp, path=path)
    pna = found.get("PNA")
    if pna is None:
        r.missing("the patient (S07 PNA+PAT)", group.trigger)
        return None
    patient = read_patient_pna(r, pna, found.get("RFF"), path)
    if patient is None:
        return None
    address = found.get("ADR")
    if address is not None:
        apply_address(patient, read_adr(r, address, path))
    emp = found.get("EMP")
    if emp is not None:
        r.sources.record_value(
            path + ("/PersonTitle" if title_in_emp else "/OccupancyText"), emp, 3, 4
        )
        if title_in_emp:
            patient.title = opt(emp.value(3, 4))
        else:
            patient.occupation = opt(emp.value(3, 4))
    if title_in_emp:
        patient.telephones = telephones
    return patient
