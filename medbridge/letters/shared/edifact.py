"""EDIFACT segment layouts shared by MEDDIS DIS01 and MEDREF REF01: NAD, ADR, PNA, CIN, DTM,
reference FTX, the letter header (UNH, BGM, DTM+137) and the S01 party group, each as a reader and
a builder. edifact-messages.md §5 describes the layouts; the per-letter tables are in
:mod:`~medbridge.letters.epikrise.edifact` and :mod:`~medbridge.letters.henvisning.edifact`.

Readers and builders take the same model ``path`` of what they read or write: builders name it in
their issues, readers record each value's source under it (``Reader.sources``), with the
``*_FIELDS`` tables below saying which component holds which value.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from medbridge.codecs.edifact.mapping import Builder, Reader, dtm_value, fail, opt
from medbridge.codecs.edifact.sources import WHOLE_SEGMENT, Fields
from medbridge.edifact.ftx import FtxBlock
from medbridge.edifact.groups import Group
from medbridge.edifact.segment import Segment
from medbridge.letters.shared.edifact_codes import (
    CODE_SYSTEM,
    DIAGNOSIS_KIND,
    IDENTIFIER_TYPE,
    OBJECT_CODE,
    OBJECT_EXTENSION,
    PARTY_AGENCY,
    SPECIALITY,
    TELEPHONE_KIND,
)
from medbridge.model.codes import CodeSystem
from medbridge.model.common import (
    BinaryObject,
    Diagnosis,
    LetterHeader,
    Moment,
    Party,
    PartyId,
    Patient,
    PatientId,
    PatientIdKind,
    Reference,
    Relative,
    Telephone,
)
from medbridge.model.epikrise import DischargeLetter
from medbridge.model.text import FormattedText
from medbridge.numbers import MAX_DIGITS, MAX_NATURAL, parse_natural

#: UNH S009 after the message type: version, release, agency.
S009_CONSTANT = ("D", "93A", "UN")
REFERENCE_QUALIFIERS = frozenset({"URL", "SUP", "BIN"})
URL_PIECE = 69
URL_PIECES = 4
MAX_CLINICAL_FTX = 9
MAX_REFS_PER_S14 = 9


# Source map rows (path suffix, element, component) of the layouts: the builders below write the
# same components.
NAD_PARTY_FIELDS: Fields = (
    ("", None, None),
    ("/Identifier", 2, 1),
    ("/IdentifierCode", 2, 2),
    ("/OrganisationName", 4, 1),
    ("/DepartmentName", 4, 2),
    ("/UnitName", 4, 3),
)
ADR_FIELDS: Fields = (
    ("/StreetName", 2, 2),
    ("/SuburbName", 2, 3),
    ("/DistrictName", 3, 1),
    ("/PostCodeIdentifier", 4, 1),
)
PNA_PATIENT_FIELDS: Fields = (
    ("", None, None),
    ("/CivilRegistrationNumber", 2, 1),
    ("/PersonSurnameName", 5, 2),
    ("/PersonGivenName", 6, 2),
)
PNA_RELATIVE_FIELDS: Fields = (
    ("", None, None),
    ("/PersonIdentifier", 2, 1),
    ("/PersonSurnameName", 5, 2),
    ("/PersonGivenName", 6, 2),
)
CON_PHONE_FIELDS: Fields = (
    ("", None, None),
    ("/TelephoneSubscriberIdentifier", 2, 1),
    ("/TelephoneSubscriberCode", 1, 1),
)
CIN_FIELDS: Fields = (
    ("", None, None),
    ("/DiagnoseCode", 2, 1),
    ("/DiagnoseTypeCode", 2, 2),
    ("/DiagnoseText", 2, 4),
)
CIN_KIND_FIELDS: Fields = (*CIN_FIELDS, ("/DiagnoseDescriptionCode", 1, 1))
REFERENCE_FIELDS: dict[str, Fields] = {
    "URL": (("", None, None), ("/RefDescription", 4, 1), ("/URL", 4, 2)),
    "SUP": (("", None, None), ("/RefDescription", 4, 1), ("/SUP", 1, 1)),
    "BIN": (
        ("", None, None),
        ("/RefDescription", 4, 1),
        ("/BIN/ObjectIdentifier", 4, 2),
        ("/BIN/ObjectCode", 4, 3),
        ("/BIN/ObjectExtensionCode", 4, 4),
        ("/BIN/OriginalObjectSize", 4, 5),
    ),
}
#: The letter element itself and what comes from UNH (StatisticalCode is derived from E3, M2).
UNH_FIELDS: Fields = (
    ("", None, None),
    ("/Letter/Identifier", 1, 1),
    ("/Letter/TypeCode", 3, 1),
    ("/Letter/VersionCode", 2, 5),
    ("/Letter/StatisticalCode", 3, 1),
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
    id_type = IDENTIFIER_TYPE.encode(identifier.code)
    if id_type is None:
        raise fail(
            "convert.unsupported-value",
            f"IdentifierCode {str(identifier.code)[:30]!r} has no EDIFACT id type.",
            path + "/IdentifierCode",
        )
    agency = PARTY_AGENCY[IDENTIFIER_TYPE.decode(id_type)]  # type: ignore[index]
    organisation, department, unit = names
    b.add(
        key,
        "NAD",
        (role,),
        (b.value(identifier.value, path + "/Identifier", key, "NAD", 2), id_type, agency),
        ("",),
        (
            b.value(organisation or "_", path + "/OrganisationName", key, "NAD", 4, 1),
            b.value(department, path + "/DepartmentName", key, "NAD", 4, 2),
            b.value(unit, path + "/UnitName", key, "NAD", 4, 3),
            "",
            "",
            "US",
        ),
    )


def read_adr(r: Reader, adr: Segment, path: str) -> dict[str, str | None]:
    """ADR E2.2 street, E2.3 suburb, E3.1 district, E4.1 postcode of the holder at ``path``."""
    r.sources.record(path, adr, ADR_FIELDS)
    return {
        "street": opt(adr.value(2, 2)),
        "suburb": opt(adr.value(2, 3)),
        "district": opt(adr.value(3, 1)),
        "postcode": opt(adr.value(4, 1)),
    }


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
            f"{path}/PostCodeIdentifier is present but empty; EDIFACT cannot tell empty from "
            "absent.",
            path + "/PostCodeIdentifier",
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
            b.value(street, path + "/StreetName", key, "ADR", 2, 2),
            b.value(suburb, path + "/SuburbName", key, "ADR", 2, 3),
        ),
        (b.value(district, path + "/DistrictName", key, "ADR", 3),),
        (b.value(postcode, path + "/PostCodeIdentifier", key, "ADR", 4),),
    )


def apply_address(target: Party | Patient | Relative, values: dict[str, str | None]) -> None:
    target.street = values["street"]
    target.suburb = values["suburb"]
    target.district = values["district"]
    target.postcode = values["postcode"]


def read_patient_pna(r: Reader, pna: Segment, rff: Segment | None, path: str) -> Patient | None:
    """S07 PNA (+ RFF): the patient's CPR or replacement id, surname and given names."""
    r.sources.record(path, pna, PNA_PATIENT_FIELDS)
    if rff is not None:
        r.sources.record_value(path + "/AlternativeIdentifier", rff, 1, 2)
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
    id_path = path + ("/CivilRegistrationNumber" if cpr else "/AlternativeIdentifier")
    value = b.value(ident.value, id_path, key + "/PNA" if cpr else key + "/RFF", "PNA", 2)
    b.add(
        key + "/PNA",
        "PNA",
        ("PAT",),
        (value, "", "", "CPR", "IM") if cpr else ("",),
        ("",),
        ("",),
        ("SU", b.value(patient.surname, path + "/PersonSurnameName", key + "/PNA", "PNA", 5, 2)),
        _given(b, patient.given_name, path, key + "/PNA"),
    )
    if not cpr:
        b.add(
            key + "/RFF", "RFF", ("XPI", b.value(ident.value, id_path, key + "/RFF", "RFF", 1, 2))
        )


def _given(b: Builder, given: str | None, path: str, key: str) -> tuple[str, ...]:
    if given is None:
        return ("",)
    return ("FO", b.value(given, path + "/PersonGivenName", key, "PNA", 6, 2))


def relative_pna(b: Builder, key: str, relative: Relative, path: str, *, cpr_suffix: bool) -> None:
    """``PNA+PAS+id[:::CPR:IM]+++SU:surname+FO:given`` (REF01 adds ``CPR:IM`` to an id)."""
    ident = b.value(relative.person_identifier, path + "/PersonIdentifier", key, "PNA", 2)
    id_element: tuple[str, ...] = (ident, "", "", "CPR", "IM") if ident and cpr_suffix else (ident,)
    b.add(
        key,
        "PNA",
        ("PAS",),
        id_element,
        ("",),
        ("",),
        ("SU", b.value(relative.surname, path + "/PersonSurnameName", key, "PNA", 5, 2)),
        _given(b, relative.given_name, path, key),
    )


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
    listed = CODE_SYSTEM.encode(code_system)
    if listed is None:
        raise fail(
            "convert.unsupported-value",
            f"DiagnoseTypeCode {str(code_system)[:30]!r} has no EDIFACT code list.",
            path + "/DiagnoseTypeCode",
        )
    b.add(
        key,
        "CIN",
        (qualifier,),
        (
            b.value(diagnosis.code, path + "/DiagnoseCode", key, "CIN", 2, 1),
            listed,
            agency(CODE_SYSTEM.decode(listed)),
            b.value(diagnosis.text, path + "/DiagnoseText", key, "CIN", 2, 4),
        ),
    )


def dis01_agency(system: CodeSystem | None) -> str:
    return "SST" if system is CodeSystem.SKS else ""


def read_reference(r: Reader, ftx: Segment, path: str) -> Reference | None:
    """A reference FTX (§9.7): ``URL``, ``SUP`` or ``BIN``, one FTX each."""
    qualifier = ftx.value(1)
    r.sources.record(path, ftx, REFERENCE_FIELDS.get(qualifier, WHOLE_SEGMENT))
    description = ftx.value(4, 1)
    if not description:
        r.missing("a reference description (FTX element 4, component 1)", ftx)
        return None
    if qualifier == "SUP":
        return Reference(description, supplementary=True)
    if qualifier == "URL":
        pieces = [ftx.value(4, i) for i in range(2, 6)]
        url = "".join("" if p == "." else (p[:-1] if p.endswith("\\") else p) for p in pieces)
        if not url:
            r.missing("the URL (FTX element 4, component 2)", ftx)
            return None
        return Reference(description, url=url)
    identifier = ftx.value(4, 2)
    object_code = r.code(OBJECT_CODE, ftx, 4, 3)
    extension = r.code(OBJECT_EXTENSION, ftx, 4, 4)
    size_text = ftx.value(4, 5)
    size = parse_natural(size_text)
    if size is None or size < 1:
        r.error(
            "edifact.mapping.value",
            f"The original size {size_text[:20]!r} is not a positive whole number of at most "
            f"{MAX_DIGITS} digits.",
            ftx,
            4,
            5,
        )
        return None
    if not identifier:
        r.missing("the binary object's identifier (FTX element 4, component 2)", ftx)
        return None
    if object_code is None or extension is None:
        return None
    return Reference(description, binary=BinaryObject(identifier, object_code, extension, size))


def url_pieces(url: str) -> list[str] | None:
    """The URL over E4.2–E4.5: 69 characters + ``\\`` per piece but the last; None when it
    does not fit (over 276 characters) or would not read back the same."""
    pieces = [url[i : i + URL_PIECE] for i in range(0, len(url), URL_PIECE)] or [""]
    if len(pieces) > URL_PIECES:
        return None
    written = [p + "\\" for p in pieces[:-1]] + [pieces[-1]]
    back = "".join("" if p == "." else (p[:-1] if p.endswith("\\") else p) for p in written)
    return written if back == url else None


def reference_ftx(b: Builder, key: str, reference: Reference, path: str) -> None:
    """One FTX per reference, E4.1 the description unwrapped (§9.7 [POL])."""
    description = b.value(reference.description, path + "/RefDescription", key, "FTX", 4, 1)
    if reference.url is not None:
        pieces = url_pieces(reference.url)
        if pieces is None:
            b.unmapped(
                f"{path}/URL has {len(reference.url)} characters; EDIFACT carries at most "
                f"{URL_PIECE * URL_PIECES} (FTX element 4, components 2–5).",
                path + "/URL",
                key,
                "FTX",
                4,
                lost=path,  # a reference needs its URL: the whole reference is left out
            )
            if b.lossy:
                return
            pieces = [reference.url]
        pieces = [
            b.value(p, path + "/URL", key, "FTX", 4, i, lost=path)
            for i, p in enumerate(pieces, start=2)
        ]
        if b.lossy and not all(pieces):
            return
        b.add(key, "FTX", ("URL",), ("P00",), ("",), (description, *pieces))
    elif reference.supplementary:
        b.add(key, "FTX", ("SUP",), ("P00",), ("",), (description,))
    elif reference.binary is not None:
        binary = reference.binary
        object_code = OBJECT_CODE.encode(binary.object_code)
        extension = OBJECT_EXTENSION.encode(binary.extension)
        if object_code is None or extension is None or not 1 <= binary.original_size <= MAX_NATURAL:
            raise fail(
                "convert.unsupported-value",
                f"{path}/BIN holds a code or size EDIFACT cannot carry.",
                path + "/BIN",
            )
        b.add(
            key,
            "FTX",
            ("BIN",),
            ("P00",),
            ("",),
            (
                description,
                b.value(binary.identifier, path + "/BIN/ObjectIdentifier", key, "FTX", 4, 2),
                object_code,
                extension,
                str(binary.original_size),
            ),
        )


def text_ftx(
    b: Builder, key: str, qualifier: str, text: FormattedText, path: str, scope: str
) -> list[FtxBlock] | None:
    """The FTX segments of one text field under unit ``key`` (qualifier, format, empty E3)."""
    blocks = b.text_blocks(text, path, scope)
    if blocks is None:
        return None
    for block in blocks:
        b.add(key, "FTX", (qualifier,), (block.format_code,), ("",), block.lines)
    return blocks


def header_segments(
    b: Builder,
    letter: DischargeLetter | object,
    header: LetterHeader,
    base: str,
    names: tuple[str, str, str, str],
) -> None:
    """UNH, BGM and DTM+137 (``names``: message type, version, letter type, document code)."""
    message_type, version, letter_type, document = names
    ident = b.value(header.identifier, base + "/Letter/Identifier", "UNH", "UNH", 1)
    if not header.identifier:
        raise fail("convert.missing-required", "The letter has no Identifier.", base + "/Letter")
    b.add("UNH", "UNH", (ident,), (message_type, *S009_CONSTANT, version), (letter_type,))
    if header.statistical_code != "X" + letter_type:
        b.unmapped(
            f"StatisticalCode {header.statistical_code[:20]!r} differs from the TypeCode "
            f"X{letter_type}; EDIFACT regenerates it from UNH element 3 (M2).",
            base + "/Letter/StatisticalCode",
            "-",
            lost=None,  # the TypeCode is written in its place
        )
    b.add("BGM", "BGM", (document,), ("",), ("9",), ("NA",))
    dtm(b, "DTM.137", "137", header.authorisation, base + "/Letter/Authorisation")


def read_header(
    r: Reader, ctx: LetterContext, top: list[Segment], letter_type: str
) -> LetterHeader | None:
    """The message-level segments: BGM (constant) and DTM+137. The letter's identifier and
    statistical code come from UNH (elements 1 and 3)."""
    r.sources.record("", ctx.unh, UNH_FIELDS)
    authorisation: Moment | None = None
    seen_bgm = False
    for segment in top:
        if segment.tag == "BGM" and not seen_bgm:
            seen_bgm = True
            r.claim("BGM", segment)
        elif segment.tag == "DTM" and segment.value(1) == "137" and "DTM.137" not in r.units:
            r.claim("DTM.137", segment)
            authorisation = r.moment(segment, "/Letter/Authorisation")
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
        statistical_code="X" + letter_type,
    )


# ---------------------------------------------------------------------------------------------
# reading DIS01 (§6.4)


def party_group(
    b: Builder,
    role: str,
    party: Party,
    path: str,
    seq: int,
    *,
    letter_type: str,
    phone_roles: tuple[str, ...],
    speciality_role: str,
    street_placeholder: bool,
) -> None:
    """One S01 party group (NAD, ADR, CON, SEQ, SPR), shared by DIS01 and REF01; the letters
    differ only in which roles carry a phone and the speciality, and REF01's `_` street."""
    key = "S01." + role
    b.add(key, "S01", ("01",))
    names = (party.organisation, party.department, party.unit)
    party_nad(b, key + "/NAD", role, party.identifier, names, path)
    adr(b, key + "/ADR", party, path, street_placeholder=street_placeholder)
    if party.telephone is not None:
        if role in phone_roles:
            number = b.value(
                party.telephone, path + "/TelephoneSubscriberIdentifier", key + "/CON", "CON", 2
            )
            b.add(key + "/CON", "CON", ("",), (number, "TE"))
        else:
            b.unmapped(
                f"{path}/TelephoneSubscriberIdentifier has no place in {letter_type}.",
                path + "/TelephoneSubscriberIdentifier",
                "-",
            )
    b.add(key + "/SEQ", "SEQ", ("",), (str(seq),))
    if role == speciality_role:
        speciality = ""
        if party.speciality is not None:
            found = SPECIALITY.encode(party.speciality)
            if found is None:
                raise fail(
                    "convert.unsupported-value",
                    f"MedicalSpecialityCode {str(party.speciality)[:30]!r} has no AFSSPEC code.",
                    path + "/MedicalSpecialityCode",
                )
            speciality = found
        b.add(
            key + "/SPR", "SPR", ("ORG",), (speciality, "SKS", "SST"), (letter_type, "SKS", "SST")
        )
    elif party.speciality is not None:
        b.unmapped(
            f"{path}/MedicalSpecialityCode has no place here in {letter_type}.",
            path + "/MedicalSpecialityCode",
            "-",
        )


def read_patient_group(r: Reader, group: Group, *, title_in_emp: bool, path: str) -> Patient | None:
    """The S07 patient group of DIS01 and REF01: PNA+PAT, an optional RFF (replacement id), ADR
    and EMP, each at most once. REF01 also has coded phones (CON, 0..3) and puts the patient's
    title in EMP, where DIS01 puts the occupation."""
    pna = rff = address_segment = emp = None
    phones: list[Telephone] = []
    for segment in group.segments:
        tag = segment.tag
        if tag == "CON" and title_in_emp:
            r.claim(f"S07/CON#{len(phones) + 1}", segment)
            phone_path = f"{path}/TelephoneSubscriber[{len(phones) + 1}]"
            r.sources.record(phone_path, segment, CON_PHONE_FIELDS)
            kind = r.code(TELEPHONE_KIND, segment, 1)
            if kind is not None:
                phones.append(Telephone(segment.value(2, 1), kind))
            continue
        if tag not in ("PNA", "RFF", "ADR", "EMP"):
            r.unknown(segment, "the S07 patient group")
            continue
        if not r.once(f"S07/{tag}", segment, f"{tag} in S07"):
            continue
        if tag == "PNA":
            pna = segment
        elif tag == "RFF":
            rff = segment
        elif tag == "ADR":
            address_segment = segment
        else:
            emp = segment
    if pna is None:
        r.missing("the patient (S07 PNA+PAT)", group.trigger)
        return None
    patient = read_patient_pna(r, pna, rff, path)
    if patient is None:
        return None
    if address_segment is not None:
        apply_address(patient, read_adr(r, address_segment, path))
    if emp is not None:
        r.sources.record_value(
            path + ("/PersonTitle" if title_in_emp else "/OccupancyText"), emp, 3, 4
        )
        if title_in_emp:
            patient.title = opt(emp.value(3, 4))
        else:
            patient.occupation = opt(emp.value(3, 4))
    if title_in_emp:
        patient.telephones = phones
    return patient


def claim_party_group(
    r: Reader, group: Group, seen: set[str], roles: Collection[str], letter_type: str
) -> tuple[str, str] | None:
    """Check and claim an S01 group by its NAD role (once per role): ``(unit key, role)``, or
    None after reporting a missing NAD, a role the letter does not use, or a repeated role."""
    nads = group.tagged("NAD")
    if not nads:
        r.missing("a NAD segment in an S01 group", group.trigger)
        return None
    role = nads[0].value(1)
    if role not in roles:
        r.error(
            "edifact.mapping.value",
            f"NAD role {role[:6]!r} is not used in {letter_type} ({', '.join(roles)}).",
            nads[0],
            1,
        )
        return None
    key = "S01." + role
    if key in seen:
        r.duplicate(group.trigger, f"S01 group for role {role}")
        return None
    seen.add(key)
    r.claim(key, group.trigger)
    return key, role
