"""EDIFACT segment layouts shared by MEDDIS DIS01 and MEDREF REF01: NAD, ADR, PNA, CIN, DTM and
the letter header (UNH, BGM, DTM+137), each as a reader and a builder. edifact-messages.md §5
describes the layouts; the groups built from them are in
:mod:`~medbridge.letters.shared.edifact_groups`, references in
:mod:`~medbridge.letters.shared.edifact_references`, and the per-letter tables in
:mod:`~medbridge.letters.epikrise.edifact` and :mod:`~medbridge.letters.henvisning.edifact`.

Readers and builders take the same model ``path`` of what they read or write: builders name it in
their issues, readers record each value's source under it (``Reader.sources``), with the
``*_FIELDS`` tables below saying which component holds which value. The XML element names in
those rows are read off the shared XML tables (:mod:`medbridge.letters.shared.xml`), where each
is stated once; the EDIFACT places (element, component) are stated here.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from medbridge.codecs.edifact.mapping import Builder, Reader, dtm_value, fail, opt
from medbridge.codecs.edifact.sources import Fields
from medbridge.codecs.xml.mapping import Struct
from medbridge.edifact.segment import Segment
from medbridge.letters.declaration import XmlVersion
from medbridge.letters.fields import xml_name
from medbridge.letters.shared import xml
from medbridge.letters.shared.edifact_codes import (
    CODE_SYSTEM,
    DIAGNOSIS_KIND,
    IDENTIFIER_TYPE,
    PARTY_AGENCY,
    RELATION,
    CodeTable,
)
from medbridge.model.codes import CodeSystem
from medbridge.model.common import (
    Diagnosis,
    LetterHeader,
    Moment,
    Party,
    PartyId,
    Patient,
    PatientId,
    PatientIdKind,
    Relative,
)

#: UNH S009 after the message type: version, release, agency.
S009_CONSTANT = ("D", "93A", "UN")
MAX_CLINICAL_FTX = 9
MAX_REFS_PER_S14 = 9

Row = tuple[str, int | None, int | None]
E = TypeVar("E", bound=enum.Enum)


def source_rows(struct: Struct, *rows: Row) -> Fields:
    """Source map rows ``(path suffix, element, component)`` from ``(field, element,
    component)`` rows: each field's XML element name is read off ``struct`` ("" is the recorded
    path itself)."""
    return tuple(
        ("/" + xml_name(struct, attr) if attr else "", element, component)
        for attr, element, component in rows
    )


_CPR, _ALTERNATIVE = (name for name, _, _ in xml.PATIENT_ID.options)
_PATIENT, _RELATIVE = xml.patient(), xml.relative()
_SURNAME, _GIVEN = ("/" + xml_name(_PATIENT, attr) for attr in ("surname", "given_name"))
_PERSON_ID, _RELATION = ("/" + xml_name(_RELATIVE, a) for a in ("person_identifier", "relation"))
#: Path suffixes of a party's phone and speciality (a Sender's, in each kind's table).
PARTY_PHONE = "/" + xml_name(xml.sender(), "telephone")
PARTY_SPECIALITY = "/" + xml.SPECIALITY.name

# Source map rows of the layouts: the builders below write the same components.
NAD_PARTY_FIELDS: Fields = source_rows(
    xml.RECEIVER,
    ("", None, None),
    ("value", 2, 1),
    ("code", 2, 2),
    ("organisation", 4, 1),
    ("department", 4, 2),
    ("unit", 4, 3),
)
_ADDRESS_ROWS: tuple[Row, ...] = (
    ("street", 2, 2),
    ("suburb", 2, 3),
    ("district", 3, 1),
    ("postcode", 4, 1),
)
ADR_FIELDS: Fields = source_rows(xml.RECEIVER, *_ADDRESS_ROWS)
_STREET, _SUBURB, _DISTRICT, _POSTCODE = (suffix for suffix, _, _ in ADR_FIELDS)
_ID, _ID_CODE, _ORGANISATION, _DEPARTMENT, _UNIT = (suffix for suffix, _, _ in NAD_PARTY_FIELDS[1:])


def _pna_fields(identifier: str) -> Fields:
    """A PNA's rows: the person's ``identifier`` in E2.1, surname E5.2, given name E6.2."""
    return (("", None, None), (identifier, 2, 1), (_SURNAME, 5, 2), (_GIVEN, 6, 2))


PNA_PATIENT_FIELDS: Fields = _pna_fields("/" + _CPR)
PNA_RELATIVE_FIELDS: Fields = _pna_fields(_PERSON_ID)
CON_PHONE_FIELDS: Fields = source_rows(
    xml.TELEPHONE, ("", None, None), ("number", 2, 1), ("kind", 1, 1)
)
CIN_FIELDS: Fields = source_rows(
    xml.FULL_QUALIFIED_DIAGNOSE,
    ("", None, None),
    ("code", 2, 1),
    ("code_system", 2, 2),
    ("text", 2, 4),
)
CIN_KIND_FIELDS: Fields = (*CIN_FIELDS, *source_rows(xml.FULL_QUALIFIED_DIAGNOSE, ("kind", 1, 1)))
_CODE, _CODE_SYSTEM, _TEXT = (suffix for suffix, _, _ in CIN_FIELDS[1:])
_HEADER = xml.letter_header(XmlVersion("", ""))
_IDENTIFIER, _AUTHORISATION, _STATISTICAL = (
    "/" + xml_name(_HEADER, name) for name in ("identifier", "authorisation", "statistical_code")
)


@functools.cache
def unh_fields(header: str) -> Fields:
    """The letter element itself and what comes from UNH, the header at path ``header``
    (``/Letter``; StatisticalCode is derived from E3, M2). VersionCode and TypeCode are fixed in
    the XML tables, so they have no field row to name them."""
    return (
        ("", None, None),
        (header + _IDENTIFIER, 1, 1),
        (header + "/TypeCode", 3, 1),
        (header + "/VersionCode", 2, 5),
        (header + _STATISTICAL, 3, 1),
    )


@dataclass(frozen=True, slots=True)
class LetterContext:
    """What a letter takes from the envelope: UNH and the UNB EANs (S002, S003 of ``unb``)."""

    unh: Segment
    sender_ean: str
    recipient_ean: str
    unb: Segment


# ---------------------------------------------------------------------------------------------
# shared segment layouts (§5)


def wire_code(table: CodeTable[E], value: object, message: str, path: str) -> str:
    """The wire code of ``value`` in ``table``; a value with none is refused
    (``convert.unsupported-value`` with ``message``, at ``path``): the writer never guesses a
    code."""
    code = table.encode(value)
    if code is None:
        raise fail("convert.unsupported-value", message, path)
    return code


def read_party_nad(
    r: Reader, nad: Segment, path: str
) -> tuple[PartyId | None, str | None, str | None, str | None]:
    """NAD E2 (id, type, agency → PartyId) and E4.1–E4.3 (organisation, department, unit) of the
    party at ``path``."""
    r.sources.record(path, nad, NAD_PARTY_FIELDS)
    ident = nad.value(2, 1)
    party_id: PartyId | None = None
    if not ident:
        r.error(
            "edifact.mapping.missing", "The party has no identifier (NAD element 2).", nad, 2, 1
        )
    else:
        code = r.code(IDENTIFIER_TYPE, nad, 2, 2)
        if code is not None:
            party_id = PartyId(ident, code)
    return party_id, opt(nad.value(4, 1)), opt(nad.value(4, 2)), opt(nad.value(4, 3))


def party_nad(
    b: Builder,
    key: str,
    role: str,
    identifier: PartyId,
    names: tuple[str | None, str | None, str | None],
    path: str,
) -> None:
    """``NAD+role+id:type:agency++org:dep:unit:::US`` (``_`` for a missing organisation, M1)."""
    message = f"IdentifierCode {str(identifier.code)[:30]!r} has no EDIFACT id type."
    id_type = wire_code(IDENTIFIER_TYPE, identifier.code, message, path + _ID_CODE)
    agency = PARTY_AGENCY[IDENTIFIER_TYPE.decode(id_type)]  # type: ignore[index]
    organisation, department, unit = names
    b.add(
        key,
        "NAD",
        (role,),
        (b.value(identifier.value, path + _ID, key, "NAD", 2), id_type, agency),
        ("",),
        (
            b.value(organisation or "_", path + _ORGANISATION, key, "NAD", 4, 1),
            b.value(department, path + _DEPARTMENT, key, "NAD", 4, 2),
            b.value(unit, path + _UNIT, key, "NAD", 4, 3),
            "",
            "",
            "US",
        ),
    )


#: The four address lines of an ADR: street, suburb, district, postcode.
Address = tuple[str | None, str | None, str | None, str | None]


def read_adr(r: Reader, adr: Segment, path: str) -> Address:
    """ADR E2.2 street, E2.3 suburb, E3.1 district, E4.1 postcode of the holder at ``path``."""
    r.sources.record(path, adr, ADR_FIELDS)
    return opt(adr.value(2, 2)), opt(adr.value(2, 3)), opt(adr.value(3, 1)), opt(adr.value(4, 1))


def adr(
    b: Builder,
    key: str,
    holder: Party | Patient | Relative,
    path: str,
    *,
    street_placeholder: bool = False,
) -> None:
    """``ADR++US:street:suburb+district+postcode`` when any part exists. An empty
    PostCodeIdentifier has no EDIFACT form (a loss); REF01 writes ``_`` for a missing street."""
    street, suburb, district, postcode = (
        holder.street,
        holder.suburb,
        holder.district,
        holder.postcode,
    )
    if postcode == "":
        b.unmapped(
            f"{path}{_POSTCODE} is present but empty; EDIFACT cannot tell empty from absent.",
            path + _POSTCODE,
            "-",
            "ADR",
            4,
        )
        postcode = None
    if street is None and suburb is None and district is None and postcode is None:
        return
    if street is None and street_placeholder:
        street = "_"
    b.add(
        key,
        "ADR",
        ("",),
        (
            "US",
            b.value(street, path + _STREET, key, "ADR", 2, 2),
            b.value(suburb, path + _SUBURB, key, "ADR", 2, 3),
        ),
        (b.value(district, path + _DISTRICT, key, "ADR", 3),),
        (b.value(postcode, path + _POSTCODE, key, "ADR", 4),),
    )


def apply_address(target: Party | Patient | Relative, address: Address) -> None:
    target.street, target.suburb, target.district, target.postcode = address


def read_patient_pna(r: Reader, pna: Segment, rff: Segment | None, path: str) -> Patient | None:
    """S07 PNA (+ RFF): the patient's CPR or replacement id, surname and given names."""
    r.sources.record(path, pna, PNA_PATIENT_FIELDS)
    if rff is not None:
        r.sources.record_value(path + "/" + _ALTERNATIVE, rff, 1, 2)
    cpr = pna.value(2, 1)
    if cpr and rff is not None:
        r.error(
            "edifact.mapping.duplicate",
            "S07 holds both a CPR number (PNA element 2) and an alternative id (RFF); MedCom "
            "letters carry exactly one.",
            rff,
        )
        return None
    if cpr:
        identifier = PatientId(cpr, PatientIdKind.CPR)
    elif rff is not None and rff.value(1, 2):
        identifier = PatientId(rff.value(1, 2), PatientIdKind.ALTERNATIVE)
    else:
        r.missing("the patient's CPR number (PNA element 2) or alternative id (RFF)", pna)
        return None
    surname = pna.value(5, 2)
    if not surname:
        r.missing("the patient's surname (PNA element 5)", pna)
        return None
    return Patient(identifier=identifier, surname=surname, given_name=opt(pna.value(6, 2)))


def patient_pna(b: Builder, key: str, patient: Patient, path: str) -> None:
    """``PNA+PAT+cpr:::CPR:IM+++SU:surname+FO:given`` and ``RFF+XPI:id`` for a replacement id."""
    ident = patient.identifier
    cpr = ident.kind is PatientIdKind.CPR
    id_path = path + "/" + (_CPR if cpr else _ALTERNATIVE)
    value = b.value(ident.value, id_path, key + "/PNA" if cpr else key + "/RFF", "PNA", 2)
    b.add(
        key + "/PNA",
        "PNA",
        ("PAT",),
        (value, "", "", "CPR", "IM") if cpr else ("",),
        ("",),
        ("",),
        ("SU", b.value(patient.surname, path + _SURNAME, key + "/PNA", "PNA", 5, 2)),
        _given(b, patient.given_name, path, key + "/PNA"),
    )
    if not cpr:
        b.add(
            key + "/RFF", "RFF", ("XPI", b.value(ident.value, id_path, key + "/RFF", "RFF", 1, 2))
        )


def _given(b: Builder, given: str | None, path: str, key: str) -> tuple[str, ...]:
    if given is None:
        return ("",)
    return ("FO", b.value(given, path + _GIVEN, key, "PNA", 6, 2))


def relative_pna(b: Builder, key: str, relative: Relative, path: str, *, cpr_suffix: bool) -> None:
    """``PNA+PAS+id[:::CPR:IM]+++SU:surname+FO:given`` (REF01 adds ``CPR:IM`` to an id)."""
    ident = b.value(relative.person_identifier, path + _PERSON_ID, key, "PNA", 2)
    id_element: tuple[str, ...] = (ident, "", "", "CPR", "IM") if ident and cpr_suffix else (ident,)
    b.add(
        key,
        "PNA",
        ("PAS",),
        id_element,
        ("",),
        ("",),
        ("SU", b.value(relative.surname, path + _SURNAME, key, "PNA", 5, 2)),
        _given(b, relative.given_name, path, key),
    )


def relative_rel(b: Builder, key: str, relative: Relative, path: str) -> None:
    """``REL+PER+code``: the relation of the relative at ``path``."""
    message = f"RelationCode {str(relative.relation)[:20]!r} has no EDIFACT code."
    code = wire_code(RELATION, relative.relation, message, path + _RELATION)
    b.add(key, "REL", ("PER",), (code,))


def read_relative_pna(r: Reader, pna: Segment, relation: object, path: str) -> Relative | None:
    """PNA+PAS: the relative at ``path`` (its RelationCode comes from REL, read by the caller)."""
    r.sources.record(path, pna, PNA_RELATIVE_FIELDS)
    surname = pna.value(5, 2)
    if not surname:
        r.missing("the relative's surname (PNA element 5)", pna)
        return None
    return Relative(
        relation=relation,  # type: ignore[arg-type]
        surname=surname,
        person_identifier=opt(pna.value(2, 1)),
        given_name=opt(pna.value(6, 2)),
    )


def dtm(b: Builder, key: str, qualifier: str, moment: Moment, path: str) -> None:
    """``DTM+qualifier:CCYYMMDDHHMM:203``."""
    value = dtm_value(moment)
    if value is None:
        raise fail(
            "convert.unsupported-value",
            f"{path} must be a real date (YYYY-MM-DD) with a time (hh:mm) to be written as DTM "
            "format 203.",
            path,
        )
    b.add(key, "DTM", (qualifier, value, "203"))


def read_cin(r: Reader, cin: Segment, *, kind: bool, path: str) -> Diagnosis | None:
    """CIN E1.1 kind (when ``kind``), E2.1 code, E2.2 code list, E2.4 text (E2.3 ignored) of the
    diagnosis at ``path``."""
    r.sources.record(path, cin, CIN_KIND_FIELDS if kind else CIN_FIELDS)
    text = cin.value(2, 4)
    if not text:
        r.missing("a diagnosis text (CIN element 2, component 4)", cin)
        return None
    system = r.code(CODE_SYSTEM, cin, 2, 2, allow_empty=not kind and False)
    diagnosis = Diagnosis(text=text, code=opt(cin.value(2, 1)), code_system=system)
    if kind:
        diagnosis.kind = r.code(DIAGNOSIS_KIND, cin, 1)
    return diagnosis


def read_repeated_cin(
    r: Reader, cin: Segment, key: str, path: str, into: list[Diagnosis], *, kind: bool
) -> Diagnosis | None:
    """One of a repeated CIN: claimed as unit ``key#n`` and read as ``path[n]`` (n counts the
    diagnoses already in ``into``); appended to ``into`` when it reads."""
    index = len(into) + 1
    r.claim(f"{key}#{index}", cin)
    diagnosis = read_cin(r, cin, kind=kind, path=f"{path}[{index}]")
    if diagnosis is not None:
        into.append(diagnosis)
    return diagnosis


def cin(
    b: Builder,
    key: str,
    qualifier: str,
    diagnosis: Diagnosis,
    path: str,
    agency: Callable[[CodeSystem | None], str],
    *,
    system: CodeSystem | str | None = "model",
) -> None:
    """``CIN+qualifier+code:list:agency:text``."""
    code_system = diagnosis.code_system if system == "model" else system
    if code_system is None:
        code_system = CodeSystem.SKS
    message = f"DiagnoseTypeCode {str(code_system)[:30]!r} has no EDIFACT code list."
    listed = wire_code(CODE_SYSTEM, code_system, message, path + _CODE_SYSTEM)
    b.add(
        key,
        "CIN",
        (qualifier,),
        (
            b.value(diagnosis.code, path + _CODE, key, "CIN", 2, 1),
            listed,
            agency(CODE_SYSTEM.decode(listed)),
            b.value(diagnosis.text, path + _TEXT, key, "CIN", 2, 4),
        ),
    )


def dis01_agency(system: CodeSystem | None) -> str:
    return "SST" if system is CodeSystem.SKS else ""


class MessageNames(NamedTuple):
    """What names one EDIFACT letter version: the UNH message type and version, the letter type
    (UNH element 3), the BGM document code, and the XML path of the letter header
    (``/Letter``, read off the kind's XML table)."""

    message_type: str
    version: str
    letter_type: str
    document: str
    header: str


def header_segments(b: Builder, header: LetterHeader, base: str, names: MessageNames) -> None:
    """UNH, BGM and DTM+137."""
    path = base + names.header
    letter_type = names.letter_type
    ident = b.value(header.identifier, path + _IDENTIFIER, "UNH", "UNH", 1)
    if not header.identifier:
        raise fail("convert.missing-required", "The letter has no Identifier.", path)
    b.add(
        "UNH", "UNH", (ident,), (names.message_type, *S009_CONSTANT, names.version), (letter_type,)
    )
    if header.statistical_code != "X" + letter_type:
        b.unmapped(
            f"StatisticalCode {header.statistical_code[:20]!r} differs from the TypeCode "
            f"X{letter_type}; EDIFACT regenerates it from UNH element 3 (M2).",
            path + _STATISTICAL,
            "-",
            lost=None,  # the TypeCode is written in its place
        )
    b.add("BGM", "BGM", (names.document,), ("",), ("9",), ("NA",))
    dtm(b, "DTM.137", "137", header.authorisation, path + _AUTHORISATION)


def read_header(
    r: Reader, ctx: LetterContext, top: list[Segment], names: MessageNames
) -> LetterHeader | None:
    """The message-level segments: BGM (constant) and DTM+137. The letter's identifier and
    statistical code come from UNH (elements 1 and 3)."""
    r.sources.record("", ctx.unh, unh_fields(names.header))
    authorisation: Moment | None = None
    seen_bgm = False
    for segment in top:
        if segment.tag == "BGM" and not seen_bgm:
            seen_bgm = True
            r.claim("BGM", segment)
        elif segment.tag == "DTM" and segment.value(1) == "137" and "DTM.137" not in r.units:
            r.claim("DTM.137", segment)
            authorisation = r.moment(segment, names.header + _AUTHORISATION)
        else:
            r.unknown(segment, "the message level (before the first group)")
    if not seen_bgm:
        r.warn("edifact.mapping.deviation", "The message has no BGM segment.", ctx.unh)
    if authorisation is None:
        if "DTM.137" not in r.units:
            r.missing("the authorisation time (DTM+137)", ctx.unh)
        return None
    return LetterHeader(
        identifier=ctx.unh.value(1),
        authorisation=authorisation,
        statistical_code="X" + names.letter_type,
    )
