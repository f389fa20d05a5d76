"""MEDDIS DIS01 Udskrivningsepikrise, version D0133L ⇄ :class:`DischargeLetter`.

edifact-messages.md §6 as two readable halves: :func:`read_letter` walks the groups (§6.4 rules)
and :func:`build_letter` writes them in MedCom's order (§6.1), with the constants and derived
values of §6.3. Segment layouts shared with REF01 (NAD, ADR, PNA, CIN, DTM, reference FTX) live
here too and are imported by :mod:`~medbridge.edifact.ref01`.

Unit keys (see :mod:`~medbridge.edifact.mapping`): ``UNH``, ``BGM``, ``DTM.137``, ``S01.<role>``,
``S02``, ``S05``, ``S07``, ``S09#n``, ``S11``, ``S14.diag#n``, ``S14.text#n``, ``S14.refs#n`` and
``ref#n`` (one per reference FTX), each with ``/<segment>`` children.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from medbridge.edifact.codes import (
    CODE_SYSTEM,
    DIAGNOSIS_KIND,
    EPISODE_STATUS,
    IDENTIFIER_TYPE,
    LETTER_STATUS,
    OBJECT_CODE,
    OBJECT_EXTENSION,
    PARTY_AGENCY,
    RELATION,
    SPECIALITY,
)
from medbridge.edifact.ftx import FtxBlock
from medbridge.edifact.groups import Group, GroupedBody
from medbridge.edifact.mapping import Builder, Reader, dtm_value, fail, opt
from medbridge.edifact.segment import Segment
from medbridge.model.codes import CodeSystem, EpisodeOfCareStatus, StatusCode
from medbridge.model.common import (
    BinaryObject,
    Contact,
    Diagnosis,
    LetterHeader,
    Moment,
    Party,
    PartyId,
    Patient,
    PatientId,
    PatientIdKind,
    Reference,
    Referral,
    Relative,
)
from medbridge.model.epikrise import ClinicalInformation, Diagnoses, DischargeLetter
from medbridge.model.text import FormattedText

__all__ = [
    "LETTER_TYPE",
    "MESSAGE_TYPE",
    "VERSION",
    "LetterContext",
    "build_letter",
    "party_group",
    "read_letter",
]

MESSAGE_TYPE = "MEDDIS"
VERSION = "D0133L"
LETTER_TYPE = "DIS01"
#: UNH S009 after the message type: version, release, agency.
S009_CONSTANT = ("D", "93A", "UN")
REFERENCE_QUALIFIERS = frozenset({"URL", "SUP", "BIN"})
URL_PIECE = 69
URL_PIECES = 4
MAX_CLINICAL_FTX = 9
MAX_REFS_PER_S14 = 9


@dataclass(frozen=True, slots=True)
class LetterContext:
    """What a letter takes from the envelope: UNH and the UNB EANs."""

    unh: Segment
    sender_ean: str
    recipient_ean: str


# ---------------------------------------------------------------------------------------------
# shared segment layouts (§5)


def read_party_nad(
    r: Reader, nad: Segment
) -> tuple[PartyId | None, str | None, str | None, str | None]:
    """NAD E2 (id, type, agency → PartyId) and E4.1–E4.3 (organisation, department, unit)."""
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


def read_adr(adr: Segment) -> dict[str, str | None]:
    """ADR E2.2 street, E2.3 suburb, E3.1 district, E4.1 postcode."""
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


def read_patient_pna(r: Reader, pna: Segment, rff: Segment | None) -> Patient | None:
    """S07 PNA (+ RFF): the patient's CPR or replacement id, surname and given names."""
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


def read_relative_pna(r: Reader, pna: Segment, relation: object) -> Relative | None:
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


def read_cin(r: Reader, cin: Segment, *, kind: bool) -> Diagnosis | None:
    """CIN E1.1 kind (when ``kind``), E2.1 code, E2.2 code list, E2.4 text (E2.3 ignored)."""
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


def read_reference(r: Reader, ftx: Segment) -> Reference | None:
    """A reference FTX (§9.7): ``URL``, ``SUP`` or ``BIN``, one FTX each."""
    qualifier = ftx.value(1)
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
    if not size_text.isascii() or not size_text.isdigit() or int(size_text) < 1:
        r.error(
            "edifact.mapping.value",
            f"The original size {size_text[:20]!r} is not a positive whole number.",
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
    return Reference(
        description, binary=BinaryObject(identifier, object_code, extension, int(size_text))
    )


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
            )
            if b.lossy:
                return
            pieces = [reference.url]
        pieces = [
            b.value(p, path + "/URL", key, "FTX", 4, i) for i, p in enumerate(pieces, start=2)
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
        if object_code is None or extension is None or binary.original_size < 1:
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
        )
    b.add("BGM", "BGM", (document,), ("",), ("9",), ("NA",))
    dtm(b, "DTM.137", "137", header.authorisation, base + "/Letter/Authorisation")


def read_header(
    r: Reader, ctx: LetterContext, top: list[Segment], letter_type: str
) -> LetterHeader | None:
    """The message-level segments: BGM (constant) and DTM+137."""
    authorisation: Moment | None = None
    seen_bgm = False
    for segment in top:
        if segment.tag == "BGM" and not seen_bgm:
            seen_bgm = True
            r.claim("BGM", segment)
        elif segment.tag == "DTM" and segment.value(1) == "137" and "DTM.137" not in r.units:
            r.claim("DTM.137", segment)
            authorisation = r.moment(segment)
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

_ROLES = {"SSP": "sender", "PO": "receiver", "CCR": "cc_receiver", "RSP": "contact"}
_S01_SEGMENTS = {
    "SSP": {"NAD", "ADR", "CON", "SEQ", "SPR"},
    "PO": {"NAD", "ADR", "SEQ"},
    "CCR": {"NAD", "ADR", "SEQ"},
    "RSP": {"NAD", "SEQ"},
}


def read_letter(grouped: GroupedBody, ctx: LetterContext, r: Reader) -> DischargeLetter | None:
    """Map one MEDDIS DIS01 message body; findings and units go to ``r``."""
    r.claim("UNH", ctx.unh)
    header = read_header(r, ctx, grouped.top, LETTER_TYPE)
    parties: dict[str, Party] = {}
    contact: Contact | None = None
    patient: Patient | None = None
    letter_status = None
    relatives: list[Relative] = []
    referral: Referral | None = None
    admission = discharge = None
    main: Diagnosis | None = None
    main_additional: list[Diagnosis] = []
    others: list[Diagnosis] = []
    texts: list[ClinicalInformation] = []
    references: list[Reference] = []
    seen: set[str] = set()
    patient_status = None
    episode_id: str | None = None
    counts = {"diag": 0, "text": 0, "refs": 0, "S09": 0}

    for group in grouped.groups:
        number = group.number
        if number == "01":
            nads = group.tagged("NAD")
            role = nads[0].value(1) if nads else ""
            if not nads:
                r.missing("a NAD segment in an S01 group", group.trigger)
                continue
            if role not in _ROLES:
                r.error(
                    "edifact.mapping.value",
                    f"NAD role {role[:6]!r} is not used in DIS01 (SSP, PO, CCR, RSP).",
                    nads[0],
                    1,
                )
                continue
            key = "S01." + role
            if key in seen:
                r.duplicate(group.trigger, f"S01 group for role {role}")
                continue
            seen.add(key)
            r.claim(key, group.trigger)
            party = _read_s01(r, group, key, role, ctx)
            if isinstance(party, Contact):
                contact = party
            elif party is not None:
                parties[role] = party
        elif number in ("02", "05", "07", "11"):
            key = "S" + number
            if key in seen:
                r.duplicate(group.trigger, f"S{number} group")
                continue
            seen.add(key)
            r.claim(key, group.trigger)
            if number == "02":
                letter_status = _read_s02(r, group)
            elif number == "05":
                referral = _read_s05(r, group)
            elif number == "07":
                patient = _read_s07(r, group)
            else:
                episode_id, admission, discharge, patient_status, main, main_additional = _read_s11(
                    r, group
                )
        elif number == "09":
            counts["S09"] += 1
            key = f"S09#{counts['S09']}"
            r.claim(key, group.trigger)
            relative = _read_s09(r, group, key)
            if relative is not None:
                relatives.append(relative)
        elif number == "14":
            _read_s14(r, group, counts, others, texts, references)
        else:
            r.unknown(group.trigger, "a DIS01 message (groups 01 02 05 07 09 11 14)")
            for segment in group.segments:
                r.claim(f"S{number}?", segment)

    for role, what in (("SSP", "the sender (S01 NAD+SSP)"), ("PO", "the receiver (S01 NAD+PO)")):
        if role not in parties and "S01." + role not in seen:
            r.missing(what, ctx.unh)
    for key, what in (
        ("S02", "the letter status group S02"),
        ("S07", "the patient group S07"),
        ("S11", "the episode group S11"),
    ):
        if key not in seen:
            r.missing(what, ctx.unh)
    if r.failed or header is None or patient is None or "SSP" not in parties or "PO" not in parties:
        return None
    if patient_status is None:
        return None
    header.status = letter_status
    header.episode_of_care_id = episode_id
    patient.status = patient_status
    sender = parties["SSP"]
    sender.contact = contact
    diagnoses = None
    if main is not None or main_additional or others:
        diagnoses = Diagnoses(main, main_additional, others)
    return DischargeLetter(
        header=header,
        sender=sender,
        receiver=parties["PO"],
        patient=patient,
        cc_receiver=parties.get("CCR"),
        relatives=relatives,
        referral=referral,
        admission=admission,
        discharge=discharge,
        diagnoses=diagnoses,
        clinical_information=texts,
        references=references,
    )


def _once(r: Reader, key: str, segment: Segment, what: str) -> bool:
    if key in r.units:
        r.duplicate(segment, what)
        return False
    r.claim(key, segment)
    return True


def _read_s01(
    r: Reader, group: Group, key: str, role: str, ctx: LetterContext
) -> Party | Contact | None:
    allowed = _S01_SEGMENTS[role]
    party_id = None
    names: tuple[str | None, str | None, str | None] = (None, None, None)
    address: dict[str, str | None] | None = None
    telephone = speciality = None
    for segment in group.segments:
        tag = segment.tag
        if tag not in allowed:
            r.unknown(segment, f"an S01 {role} group")
            continue
        if not _once(r, f"{key}/{tag}", segment, f"{tag} in the S01 {role} group"):
            continue
        if tag == "NAD":
            party_id, *rest = read_party_nad(r, segment)
            names = (rest[0], rest[1], rest[2])
        elif tag == "ADR":
            address = read_adr(segment)
        elif tag == "CON":
            telephone = opt(segment.value(2, 1))
        elif tag == "SPR":
            speciality = r.code(SPECIALITY, segment, 2, 1, allow_empty=True)
    if party_id is None:
        return None
    if role == "RSP":
        return Contact(party_id, *names)
    ean = {"SSP": ctx.sender_ean, "PO": ctx.recipient_ean}.get(role)
    party = Party(
        identifier=party_id,
        ean=ean,
        organisation=names[0],
        department=names[1],
        unit=names[2],
        telephone=telephone,
        speciality=speciality,
    )
    if address is not None:
        apply_address(party, address)
    return party


def _read_s02(r: Reader, group: Group) -> StatusCode | None:
    status: StatusCode | None = None
    for segment in group.segments:
        tag = segment.tag
        if tag not in ("GIS", "RFF", "DTM") or not _once(r, f"S02/{tag}", segment, f"{tag} in S02"):
            if tag not in ("GIS", "RFF", "DTM"):
                r.unknown(segment, "the S02 group")
            continue
        if tag == "GIS":
            status = r.code(LETTER_STATUS, segment, 1)
    if status is None and "S02/GIS" not in r.units:
        r.missing("the letter status (S02 GIS)", group.trigger)
    return status


def _read_s05(r: Reader, group: Group) -> Referral:
    referral = Referral()
    for segment in group.segments:
        tag, qualifier = segment.tag, segment.value(1)
        if tag == "GIS" and _once(r, "S05/GIS", segment, "GIS in S05"):
            continue
        if tag == "RFF" and _once(r, "S05/RFF", segment, "RFF in S05"):
            referral.identifier = opt(segment.value(1, 2))
        elif tag == "DTM" and qualifier == "8" and _once(r, "S05/DTM", segment, "DTM+8 in S05"):
            referral.received = r.moment(segment)
        elif tag == "CIN" and qualifier == "DI" and _once(r, "S05/CIN.DI", segment, "CIN+DI"):
            referral.refer = read_cin(r, segment, kind=False)
        elif tag == "CIN" and qualifier == "DM":
            r.claim(f"S05/CIN.DM#{len(referral.additional) + 1}", segment)
            diagnosis = read_cin(r, segment, kind=False)
            if diagnosis is not None:
                referral.additional.append(diagnosis)
        elif tag not in ("GIS", "RFF", "DTM", "CIN") or (
            tag in ("DTM", "CIN") and segment.value(1) not in ("8", "DI", "DM")
        ):
            r.unknown(segment, "the S05 group")
    return referral


def _read_s07(r: Reader, group: Group) -> Patient | None:
    pna = rff = address_segment = emp = None
    for segment in group.segments:
        tag = segment.tag
        if tag not in ("PNA", "RFF", "ADR", "EMP"):
            r.unknown(segment, "the S07 patient group")
            continue
        if not _once(r, f"S07/{tag}", segment, f"{tag} in S07"):
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
    patient = read_patient_pna(r, pna, rff)
    if patient is None:
        return None
    if address_segment is not None:
        apply_address(patient, read_adr(address_segment))
    if emp is not None:
        patient.occupation = opt(emp.value(3, 4))
    return patient


def _read_s09(r: Reader, group: Group, key: str) -> Relative | None:
    relation = pna = address_segment = None
    for segment in group.segments:
        tag = segment.tag
        if tag not in ("REL", "PNA", "ADR"):
            r.unknown(segment, "an S09 relative group")
            continue
        if not _once(r, f"{key}/{tag}", segment, f"{tag} in S09"):
            continue
        if tag == "REL":
            relation = r.code(RELATION, segment, 2)
        elif tag == "PNA":
            pna = segment
        else:
            address_segment = segment
    if pna is None or relation is None:
        if pna is None:
            r.missing("the relative's name (S09 PNA+PAS)", group.trigger)
        return None
    relative = read_relative_pna(r, pna, relation)
    if relative is not None and address_segment is not None:
        apply_address(relative, read_adr(address_segment))
    return relative


def _read_s11(
    r: Reader, group: Group
) -> tuple[
    str | None,
    Moment | None,
    Moment | None,
    EpisodeOfCareStatus | None,
    Diagnosis | None,
    list[Diagnosis],
]:
    episode_id: str | None = None
    admission: Moment | None = None
    discharge: Moment | None = None
    status: EpisodeOfCareStatus | None = None
    main: Diagnosis | None = None
    additional: list[Diagnosis] = []
    for segment in group.segments:
        tag, qualifier = segment.tag, segment.value(1)
        if tag == "GIS":
            _once(r, "S11/GIS", segment, "GIS in S11")
        elif tag == "SEQ":
            _once(r, "S11/SEQ", segment, "SEQ in S11")
        elif tag == "RFF" and qualifier in ("REI", "AHI"):
            if (
                _once(r, f"S11/RFF.{qualifier}", segment, f"RFF+{qualifier} in S11")
                and qualifier == "REI"
            ):
                episode_id = opt(segment.value(1, 2))
        elif tag == "DTM" and qualifier in ("90", "91"):
            if _once(r, f"S11/DTM.{qualifier}", segment, f"DTM+{qualifier} in S11"):
                if qualifier == "90":
                    admission = r.moment(segment)
                else:
                    discharge = r.moment(segment)
        elif tag == "PAS":
            if _once(r, "S11/PAS", segment, "PAS in S11"):
                status = r.code(EPISODE_STATUS, segment, 1)
        elif tag == "CIN" and qualifier == "A":
            if _once(r, "S11/CIN.A", segment, "CIN+A (main diagnosis)"):
                main = read_cin(r, segment, kind=False)
                if main is not None:
                    main.code_system = None
        elif tag == "CIN" and qualifier == "DM":
            r.claim(f"S11/CIN.DM#{len(additional) + 1}", segment)
            diagnosis = read_cin(r, segment, kind=False)
            if diagnosis is not None:
                diagnosis.code_system = None
                additional.append(diagnosis)
        else:
            r.unknown(segment, "the S11 episode group")
    if status is None and "S11/PAS" not in r.units:
        r.missing("the episode-of-care status (S11 PAS)", group.trigger)
    for diagnosis in ([main] if main else []) + additional:
        if not diagnosis.code:
            r.missing("a main diagnosis code (CIN element 2, component 1)", group.trigger)
    return episode_id, admission, discharge, status, main, additional


def _read_s14(
    r: Reader,
    group: Group,
    counts: dict[str, int],
    others: list[Diagnosis],
    texts: list[ClinicalInformation],
    references: list[Reference],
) -> None:
    segments = group.segments
    has_cin = any(s.tag == "CIN" for s in segments)
    clinical = [s for s in segments if s.tag == "FTX" and s.value(1) not in REFERENCE_QUALIFIERS]
    refs = [s for s in segments if s.tag == "FTX" and s.value(1) in REFERENCE_QUALIFIERS]
    if has_cin:
        counts["diag"] += 1
        key = f"S14.diag#{counts['diag']}"
    elif clinical:
        counts["text"] += 1
        key = f"S14.text#{counts['text']}"
    elif refs:
        counts["refs"] += 1
        key = f"S14.refs#{counts['refs']}"
    else:
        r.error(
            "edifact.mapping.missing",
            "An S14 group holds neither a diagnosis (CIN) nor text (FTX); MedCom rejects it.",
            group.trigger,
        )
        return
    r.claim(key, group.trigger)
    diagnosis: Diagnosis | None = None
    moment: Moment | None = None
    blocks: list[tuple[Segment, FtxBlock]] = []
    for segment in segments:
        tag, qualifier = segment.tag, segment.value(1)
        if tag == "FTX" and qualifier in REFERENCE_QUALIFIERS:
            r.claim(f"ref#{len(references) + 1}", segment)
            reference = read_reference(r, segment)
            if reference is not None:
                references.append(reference)
        elif has_cin and tag == "CIN":
            if _once(r, key + "/CIN", segment, "CIN in a diagnosis S14"):
                diagnosis = read_cin(r, segment, kind=True)
        elif has_cin and tag == "DTM" and qualifier == "CIS":
            if _once(r, key + "/DTM", segment, "DTM+CIS"):
                moment = r.moment(segment)
        elif not has_cin and clinical and tag == "DTM" and qualifier == "CIC":
            if _once(r, key + "/DTM", segment, "DTM+CIC"):
                moment = r.moment(segment)
        elif not has_cin and tag == "FTX":
            if qualifier != "NC":
                r.error(
                    "edifact.mapping.value",
                    f"Clinical text in DIS01 uses FTX qualifier NC, not {qualifier[:6]!r}.",
                    segment,
                    1,
                )
                continue
            r.claim(key + "/FTX", segment)
            blocks.append((segment, r.ftx_block(segment)))
        else:
            r.unknown(segment, "this S14 group")
    if has_cin and diagnosis is not None:
        diagnosis.moment = moment
        if diagnosis.kind is not None and diagnosis.code:
            others.append(diagnosis)
        elif not diagnosis.code:
            r.missing("a diagnosis code (CIN element 2, component 1)", group.trigger)
    elif blocks:
        if len(blocks) > MAX_CLINICAL_FTX:
            r.warn(
                "edifact.mapping.too-many",
                f"The clinical S14 holds {len(blocks)} FTX; MedCom's limit is {MAX_CLINICAL_FTX}.",
                group.trigger,
            )
        text = r.text(blocks)
        if text is not None:
            texts.append(ClinicalInformation(text, moment))


# ---------------------------------------------------------------------------------------------
# writing DIS01 (§6.1, §6.3)


def build_letter(letter: DischargeLetter, b: Builder, base: str) -> None:
    """Every unit of ``letter`` in MedCom's order."""
    header = letter.header
    header_segments(b, letter, header, base, (MESSAGE_TYPE, VERSION, LETTER_TYPE, "EPI"))
    sender, receiver = letter.sender, letter.receiver
    _s01(b, "SSP", sender, base + "/Sender", 1)
    _s01(b, "PO", receiver, base + "/Receiver", 2)
    if letter.cc_receiver is not None:
        _s01(b, "CCR", letter.cc_receiver, base + "/CCReceiver", 3)
    if sender.contact is not None:
        c = sender.contact
        key = "S01.RSP"
        b.add(key, "S01", ("01",))
        party_nad(
            b,
            key + "/NAD",
            "RSP",
            c.identifier,
            (c.organisation, c.department, c.unit),
            base + "/Sender/Contact",
        )
        b.add(key + "/SEQ", "SEQ", ("",), ("4" if letter.cc_receiver is not None else "3",))
    # S02
    if header.status is None:
        raise fail(
            "convert.missing-required", "A DIS01 letter needs a StatusCode.", base + "/Letter"
        )
    b.add("S02", "S02", ("02",))
    b.add("S02/GIS", "GIS", (LETTER_STATUS.encode(header.status) or "N",))
    b.add(
        "S02/RFF",
        "RFF",
        ("SRI", b.value(header.identifier, base + "/Letter/Identifier", "S02/RFF", "RFF", 1, 2)),
    )
    dtm(b, "S02/DTM", "182", header.authorisation, base + "/Letter/Authorisation")
    # S05
    if letter.referral is not None:
        _s05(b, letter.referral, base + "/Referral")
    # S07
    patient = letter.patient
    path = base + "/Patient"
    b.add("S07", "S07", ("07",))
    patient_pna(b, "S07", patient, path)
    adr(b, "S07/ADR", patient, path)
    if patient.occupation is not None:
        b.add(
            "S07/EMP",
            "EMP",
            ("1",),
            ("",),
            (
                "",
                "",
                "",
                b.value(patient.occupation, path + "/OccupancyText", "S07/EMP", "EMP", 3, 4),
            ),
        )
    for name, value in (("PersonTitle", patient.title), ("EmailIdentifier", patient.email)):
        if value is not None:
            b.unmapped(f"{path}/{name} has no place in DIS01.", f"{path}/{name}", "-")
    if patient.telephones:
        b.unmapped(
            f"{path}/TelephoneSubscriber has no place in DIS01.", path + "/TelephoneSubscriber", "-"
        )
    # S09
    for index, relative in enumerate(letter.relatives, start=1):
        key = f"S09#{index}"
        rpath = f"{base}/Relative[{index}]"
        code = RELATION.encode(relative.relation)
        if code is None:
            raise fail(
                "convert.unsupported-value",
                f"RelationCode {str(relative.relation)[:20]!r} has no EDIFACT code.",
                rpath + "/RelationCode",
            )
        b.add(key, "S09", ("09",))
        b.add(key + "/REL", "REL", ("PER",), (code,))
        relative_pna(b, key + "/PNA", relative, rpath, cpr_suffix=False)
        adr(b, key + "/ADR", relative, rpath)
    # S11
    _s11(b, letter, base)
    # S14
    diagnoses = letter.diagnoses
    for index, diagnosis in enumerate(diagnoses.other if diagnoses else [], start=1):
        key = f"S14.diag#{index}"
        dpath = f"{base}/Diagnose/Other[{index}]"
        qualifier = DIAGNOSIS_KIND.encode(diagnosis.kind) if diagnosis.kind is not None else None
        if qualifier is None:
            raise fail(
                "convert.missing-required", "Diagnose/Other needs a DiagnoseDescriptionCode.", dpath
            )
        b.add(key, "S14", ("14",))
        cin(b, key + "/CIN", qualifier, diagnosis, dpath, dis01_agency)
        if diagnosis.moment is not None:
            dtm(b, key + "/DTM", "CIS", diagnosis.moment, dpath + "/DiagnoseDateTime")
    for index, info in enumerate(letter.clinical_information, start=1):
        key = f"S14.text#{index}"
        tpath = f"{base}/ClinicalInformation[{index}]"
        probe = Builder(nonstandard=b.nonstandard)
        blocks = probe.text_blocks(info.text, tpath + "/Text01", key)
        if blocks is None:
            b.text_blocks(info.text, tpath + "/Text01", key)
            continue
        if len(blocks) > MAX_CLINICAL_FTX and b.over_limit(
            f"{tpath}/Text01 needs {len(blocks)} FTX; a clinical S14 holds at most "
            f"{MAX_CLINICAL_FTX} (edifact-messages.md §9.6).",
            tpath + "/Text01",
            key,
            "FTX",
        ):
            continue
        b.add(key, "S14", ("14",))
        if info.signed is not None:
            dtm(b, key + "/DTM", "CIC", info.signed, tpath + "/Signed")
        for block in blocks:
            b.add(key + "/FTX", "FTX", ("NC",), (block.format_code,), ("",), block.lines)
    for index, reference in enumerate(letter.references, start=1):
        if (index - 1) % MAX_REFS_PER_S14 == 0:
            group = (index - 1) // MAX_REFS_PER_S14 + 1
            b.add(f"S14.refs#{group}", "S14", ("14",))
        reference_ftx(b, f"ref#{index}", reference, f"{base}/Reference[{index}]")
    if letter.local_elements is not None:
        b.unmapped(f"{base}/Local_Elements has no EDIFACT form.", base + "/Local_Elements", "-")


def _s01(b: Builder, role: str, party: Party, path: str, seq: int) -> None:
    party_group(
        b,
        role,
        party,
        path,
        seq,
        letter_type=LETTER_TYPE,
        phone_roles=("SSP",),
        speciality_role="SSP",
        street_placeholder=False,
    )


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


def _s05(b: Builder, referral: Referral, path: str) -> None:
    b.add("S05", "S05", ("05",))
    b.add("S05/GIS", "GIS", ("N",))
    if referral.identifier is not None:
        b.add(
            "S05/RFF",
            "RFF",
            ("ROI", b.value(referral.identifier, path + "/Identifier", "S05/RFF", "RFF", 1, 2)),
        )
    if referral.received is not None:
        dtm(b, "S05/DTM", "8", referral.received, path + "/Received")
    if referral.refer is not None:
        cin(b, "S05/CIN.DI", "DI", referral.refer, path + "/Refer", dis01_agency)
    for index, diagnosis in enumerate(referral.additional, start=1):
        cin(
            b,
            f"S05/CIN.DM#{index}",
            "DM",
            diagnosis,
            f"{path}/ReferalAdditional[{index}]",
            dis01_agency,
        )


def _s11(b: Builder, letter: DischargeLetter, base: str) -> None:
    b.add("S11", "S11", ("11",))
    b.add("S11/GIS", "GIS", ("N",))
    episode = letter.header.episode_of_care_id
    if episode is not None:
        b.add(
            "S11/RFF.REI",
            "RFF",
            (
                "REI",
                b.value(
                    episode, base + "/Letter/EpisodeOfCareIdentifier", "S11/RFF.REI", "RFF", 1, 2
                ),
            ),
        )
    else:
        b.add("S11/RFF.AHI", "RFF", ("AHI", "1"))
    b.add("S11/SEQ", "SEQ", ("",), ("1",))
    if letter.admission is not None:
        dtm(b, "S11/DTM.90", "90", letter.admission, base + "/Admission")
    if letter.discharge is not None:
        dtm(b, "S11/DTM.91", "91", letter.discharge, base + "/Discharge")
    status = letter.patient.status
    code = EPISODE_STATUS.encode(status) if status is not None else None
    if code is None:
        raise fail(
            "convert.missing-required",
            "A DIS01 patient needs an EpisodeOfCareStatusCode.",
            base + "/Patient/EpisodeOfCareStatusCode",
        )
    b.add("S11/PAS", "PAS", (code,))
    diagnoses = letter.diagnoses
    if diagnoses is not None:
        if diagnoses.main is not None:
            cin(
                b,
                "S11/CIN.A",
                "A",
                diagnoses.main,
                base + "/Diagnose/Main",
                dis01_agency,
                system=CodeSystem.SKS,
            )
        for index, diagnosis in enumerate(diagnoses.main_additional, start=1):
            cin(
                b,
                f"S11/CIN.DM#{index}",
                "DM",
                diagnosis,
                f"{base}/Diagnose/MainAdditional[{index}]",
                dis01_agency,
                system=CodeSystem.SKS,
            )
