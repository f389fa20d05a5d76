"""MEDREF REF01 Sygehushenvisning, version H0130R ⇄ :class:`HospitalReferral`.

edifact-messages.md §7: :func:`read_letter` walks the groups (§7.4) and :func:`build_letter`
writes them in MedCom's order (§7.1). Note the role swap against DIS01: ``PO`` is the sender (the
GP), ``SSP`` the receiver (the hospital). The S12 FTX of all clinical texts, the e-mail and the
references form one list cut into groups of ten behind their own ``S12+12'`` (at most five); the
reader collects them by qualifier across all S12 groups. ``AdditionalInformation`` is always
present when read from EDIFACT (M2).

Unit keys: as DIS01 (``UNH``, ``BGM``, ``DTM.137``, ``S01.<role>``, ``S02``, ``S07``) plus
``S06``, ``S10``, ``S12`` (the whole packed S12 block is one unit), ``S18`` with ``S18/FTX#n``
per HospitalVisitation, and ``S19``.
"""

from __future__ import annotations

from dataclasses import replace

from medbridge.codecs.edifact.mapping import Builder, Reader, fail, opt
from medbridge.codecs.edifact.sources import Fields
from medbridge.edifact.ftx import FtxBlock
from medbridge.edifact.groups import Group, GroupedBody
from medbridge.edifact.segment import Segment
from medbridge.letters.henvisning.versions import H0130R
from medbridge.letters.shared.edifact import (
    REFERENCE_QUALIFIERS,
    LetterContext,
    adr,
    apply_address,
    cin,
    claim_party_group,
    dtm,
    header_segments,
    party_group,
    patient_pna,
    read_adr,
    read_cin,
    read_header,
    read_party_nad,
    read_patient_group,
    read_reference,
    read_relative_pna,
    reference_ftx,
    relative_pna,
)
from medbridge.letters.shared.edifact_codes import (
    DIAGNOSIS_KIND,
    IDENTIFIER_TYPE,
    INFORMATION_CODE,
    LETTER_STATUS,
    PARTY_AGENCY,
    PRIORITY,
    REFERRAL_STATUS,
    RELATION,
    SPECIALITY,
    TELEPHONE_KIND,
    TRANSPORT,
)
from medbridge.model.codes import CodeSystem, DiagnosisKind, StatusCode
from medbridge.model.common import (
    Party,
    Patient,
    Reference,
    Referral,
    Referrer,
    Relative,
)
from medbridge.model.henvisning import (
    AdditionalInformation,
    HospitalReferral,
    HospitalVisitation,
    RelevantClinicalInformation,
)
from medbridge.model.text import FormattedText

__all__ = ["LETTER_TYPE", "MESSAGE_TYPE", "VERSION", "build_letter", "read_letter"]

MESSAGE_TYPE, VERSION, LETTER_TYPE = H0130R.message_type, H0130R.version, H0130R.letter_type
FTX_PER_S12 = 10
MAX_S12 = 5
#: S12 FTX qualifiers of the clinical texts, in writing order, with their model field.
CLINICAL_QUALIFIERS = (
    ("NC", "anamnesis", "Anamnesis"),
    ("CF", "examination", "Examination"),
    ("MT", "actual_medicine", "ActualMedicine"),
    ("AL", "cave", "Cave"),
)
_ROLES = {"PO": "sender", "SSP": "receiver", "BV": "referrer", "PRH": "answer_cc_receiver"}
#: The model path (relative to the letter) of each S01 role's party.
_PATHS = {
    "PO": "/Sender",
    "SSP": "/Receiver",
    "BV": "/Sender/Referrer",
    "PRH": "/AnswerCCReceiver",
}
#: Source map rows (path suffix, element, component) of NAD+BV and of an S18 FTX.
_NAD_REFERRER_FIELDS: Fields = (
    ("", None, None),
    ("/Identifier", 2, 1),
    ("/IdentifierCode", 2, 2),
    ("/PersonTitle", 4, 1),
    ("/PersonName", 4, 2),
)
_VISITATION_FIELDS: Fields = (("", None, None), ("/InformationCode", 1, 1))
_S01_SEGMENTS = {
    "PO": {"NAD", "ADR", "CON", "SEQ", "SPR"},
    "SSP": {"NAD", "ADR", "SEQ"},
    "BV": {"NAD", "RFF", "SEQ"},
    "PRH": {"NAD", "ADR", "CON", "SEQ"},
}


def _no_agency(_: CodeSystem | None) -> str:
    return ""


# ---------------------------------------------------------------------------------------------
# reading


def read_letter(grouped: GroupedBody, ctx: LetterContext, r: Reader) -> HospitalReferral | None:
    """Map one MEDREF REF01 message body; findings and units go to ``r``."""
    r.claim("UNH", ctx.unh)
    header = read_header(r, ctx, grouped.top, LETTER_TYPE)
    parties: dict[str, Party] = {}
    referrer: Referrer | None = None
    patient: Patient | None = None
    relatives: list[Relative] = []
    referral = Referral()
    additional = AdditionalInformation()
    episode_id: str | None = None
    s12: list[Segment] = []
    visitations: list[HospitalVisitation] = []
    seen: set[str] = set()
    reason: list[tuple[Segment, FtxBlock]] = []
    remarks: list[tuple[Segment, FtxBlock]] = []

    for group in grouped.groups:
        number = group.number
        if number == "01":
            claimed = claim_party_group(r, group, seen, _ROLES, LETTER_TYPE)
            if claimed is None:
                continue
            key, role = claimed
            found = _read_s01(r, group, key, role, ctx)
            if isinstance(found, Referrer):
                referrer = found
            elif found is not None:
                parties[role] = found
        elif number == "12":
            r.claim("S12", group.trigger)
            for segment in group.segments:
                r.claim("S12", segment)
                s12.append(segment)
        elif number in ("02", "06", "07", "10", "18", "19"):
            key = "S" + number
            if key in seen:
                r.duplicate(group.trigger, f"S{number} group")
                continue
            seen.add(key)
            r.claim(key, group.trigger)
            if number == "02":
                episode_id = _read_s02(r, group, referral, reason)
            elif number in ("06",):
                _read_sts(r, group, key)
            elif number == "07":
                patient = read_patient_group(r, group, title_in_emp=True, path="/Patient")
            elif number == "10":
                relative = _read_s10(r, group)
                if relative is not None:
                    relatives.append(relative)
            elif number == "18":
                _read_s18(r, group, additional, visitations)
            else:
                _read_s19(r, group, additional, remarks)
        else:
            r.unknown(group.trigger, "a REF01 message (groups 01 02 06 07 10 12 18 19)")

    clinical, references, email = _read_s12(r, s12)
    if reason:
        additional.clinical_reason = r.text(reason, "/AdditionalInformation/ClinicalReason")
    if remarks:
        additional.supplementary = r.text(remarks, "/AdditionalInformation/Supplementary")
    for role, what in (("PO", "the sender (S01 NAD+PO)"), ("SSP", "the receiver (S01 NAD+SSP)")):
        if role not in parties and "S01." + role not in seen:
            r.missing(what, ctx.unh)
    if referrer is None and "S01.BV" not in seen:
        r.missing("the referrer (S01 NAD+BV)", ctx.unh)
    for key, what in (("S02", "the letter group S02"), ("S07", "the patient group S07")):
        if key not in seen:
            r.missing(what, ctx.unh)
    if (
        r.failed
        or header is None
        or patient is None
        or referrer is None
        or "PO" not in parties
        or "SSP" not in parties
    ):
        return None
    header.status = StatusCode.NEW
    header.episode_of_care_id = episode_id
    patient.email = email
    sender = parties["PO"]
    sender.referrer = referrer
    has_referral = referral.refer is not None or bool(referral.additional)
    return HospitalReferral(
        header=header,
        sender=sender,
        receiver=parties["SSP"],
        patient=patient,
        answer_cc_receiver=parties.get("PRH"),
        relatives=relatives,
        additional_information=additional,
        referral=referral if has_referral else None,
        relevant_clinical_information=clinical,
        references=references,
        hospital_visitations=visitations,
    )


def _read_s01(
    r: Reader, group: Group, key: str, role: str, ctx: LetterContext
) -> Party | Referrer | None:
    allowed = _S01_SEGMENTS[role]
    path = _PATHS[role]
    nad: Segment | None = None
    address: dict[str, str | None] | None = None
    telephone = speciality = None
    for segment in group.segments:
        tag = segment.tag
        if tag not in allowed:
            r.unknown(segment, f"an S01 {role} group")
            continue
        if not r.once(f"{key}/{tag}", segment, f"{tag} in the S01 {role} group"):
            continue
        if tag == "NAD":
            nad = segment
        elif tag == "ADR":
            address = read_adr(r, segment, path)
        elif tag == "CON":
            r.sources.record_value(path + "/TelephoneSubscriberIdentifier", segment, 2, 1)
            telephone = opt(segment.value(2, 1))
        elif tag == "SPR":
            r.sources.record_value(path + "/MedicalSpecialityCode", segment, 2, 1)
            speciality = r.code(SPECIALITY, segment, 2, 1, allow_empty=True)
    if nad is None:
        return None
    if role == "BV":
        r.sources.record(path, nad, _NAD_REFERRER_FIELDS)
        name = nad.value(4, 2)
        if not name:
            r.missing("the referrer's name (NAD+BV element 4, component 2)", nad)
            return None
        ident = opt(nad.value(2, 1))
        code = r.code(IDENTIFIER_TYPE, nad, 2, 2) if ident else None
        return Referrer(
            person_name=name,
            identifier=ident,
            identifier_code=code,
            person_title=opt(nad.value(4, 1)),
        )
    party_id, organisation, department, unit = read_party_nad(r, nad, path)
    if party_id is None:
        return None
    ean = {"PO": ctx.sender_ean, "SSP": ctx.recipient_ean}.get(role)
    if ean is not None:  # the UNB sender (S002) or recipient (S003) identification
        r.sources.record_value(path + "/EANIdentifier", ctx.unb, 2 if role == "PO" else 3, 1)
    party = Party(
        identifier=party_id,
        ean=ean,
        organisation=organisation,
        department=department,
        unit=unit,
        telephone=telephone,
        speciality=speciality,
    )
    if address is not None:
        apply_address(party, address)
    return party


def _read_s02(
    r: Reader, group: Group, referral: Referral, reason: list[tuple[Segment, FtxBlock]]
) -> str | None:
    episode: str | None = None
    for segment in group.segments:
        tag, qualifier = segment.tag, segment.value(1)
        if tag == "GIS":
            if r.once("S02/GIS", segment, "GIS in S02") and qualifier != "N":
                r.error(
                    "edifact.mapping.value",
                    f"REF01 status must be N (nytbrev), not {qualifier[:6]!r}; a corrected "
                    "REF01 has no EDIFACT form (MedCom rejects M).",
                    segment,
                    1,
                )
        elif tag == "RFF" and qualifier == "ROI":
            if r.once("S02/RFF", segment, "RFF+ROI in S02"):
                r.sources.record_value("/Letter/EpisodeOfCareIdentifier", segment, 1, 2)
                value = segment.value(1, 2)
                episode = None if value in ("", "_") else value
        elif tag == "DTM" and qualifier == "4":
            r.once("S02/DTM", segment, "DTM+4 in S02")
        elif tag == "CIN" and qualifier == "H":
            if r.once("S02/CIN.H", segment, "CIN+H (referral diagnosis)"):
                referral.refer = read_cin(r, segment, kind=False, path="/Referral/Refer")
        elif tag == "CIN":
            index = len(referral.additional) + 1
            r.claim(f"S02/CIN#{index}", segment)
            diagnosis = read_cin(
                r, segment, kind=True, path=f"/Referral/ReferralAdditional[{index}]"
            )
            if diagnosis is not None:
                referral.additional.append(diagnosis)
        elif tag == "FTX" and qualifier == "DI":
            r.claim("S02/FTX", segment)
            reason.append((segment, r.ftx_block(segment)))
        else:
            r.unknown(segment, "the S02 group")
    return episode


def _read_sts(r: Reader, group: Group, key: str) -> None:
    for segment in group.segments:
        if segment.tag != "STS":
            r.unknown(segment, f"the {key} group")
        else:
            r.once(key + "/STS", segment, f"STS in {key}")


def _read_s10(r: Reader, group: Group) -> Relative | None:
    relation = pna = None
    for segment in group.segments:
        tag = segment.tag
        if tag not in ("REL", "PNA"):
            r.unknown(segment, "the S10 relative group")
            continue
        if not r.once(f"S10/{tag}", segment, f"{tag} in S10"):
            continue
        if tag == "REL":
            r.sources.record_value("/Relative/RelationCode", segment, 2, 1)
            relation = r.code(RELATION, segment, 2)
        else:
            pna = segment
    if pna is None:
        r.missing("the relative's name (S10 PNA+PAS)", group.trigger)
        return None
    if relation is None:
        return None
    return read_relative_pna(r, pna, relation, "/Relative")


def _read_s12(
    r: Reader, segments: list[Segment]
) -> tuple[RelevantClinicalInformation | None, list[Reference], str | None]:
    texts: dict[str, list[tuple[Segment, FtxBlock]]] = {q: [] for q, _, _ in CLINICAL_QUALIFIERS}
    references: list[Reference] = []
    email: str | None = None
    ftx_count = 0
    for segment in segments:
        qualifier = segment.value(1)
        if segment.tag != "FTX":
            r.unknown(segment, "an S12 group")
            continue
        ftx_count += 1
        if qualifier == "IN":
            if email is not None:
                r.duplicate(segment, "patient e-mail (FTX+IN)")
            r.sources.record_value("/Patient/EmailIdentifier", segment, 4, 1)
            email = segment.value(4, 1) or None
        elif qualifier in texts:
            texts[qualifier].append((segment, r.ftx_block(segment)))
        elif qualifier in REFERENCE_QUALIFIERS:
            reference = read_reference(r, segment, f"/Reference[{len(references) + 1}]")
            if reference is not None:
                references.append(reference)
        elif qualifier == "PR":
            r.error(
                "edifact.mapping.unknown-segment",
                "FTX+PR (pregnancy) is not allowed in REF01 (MedCom's reader rejects it).",
                segment,
                1,
            )
        else:
            r.error(
                "edifact.mapping.value",
                f"FTX qualifier {qualifier[:6]!r} is not used in S12 (IN, NC, CF, MT, AL, BIN, "
                "URL, SUP).",
                segment,
                1,
            )
    if ftx_count > FTX_PER_S12 * MAX_S12 and segments:
        r.warn(
            "edifact.mapping.too-many",
            f"S12 holds {ftx_count} FTX; MedCom allows at most {FTX_PER_S12 * MAX_S12}.",
            segments[0],
        )
    clinical: RelevantClinicalInformation | None = None
    for qualifier, field_name, element in CLINICAL_QUALIFIERS:
        if texts[qualifier]:
            text = r.text(texts[qualifier], f"/RelevantClinicalInformation/{element}")
            if text is not None:
                clinical = clinical or RelevantClinicalInformation()
                setattr(clinical, field_name, text)
    return clinical, references, email


def _read_s18(
    r: Reader,
    group: Group,
    additional: AdditionalInformation,
    visitations: list[HospitalVisitation],
) -> None:
    for segment in group.segments:
        tag = segment.tag
        if tag == "GIS":
            r.once("S18/GIS", segment, "GIS in S18")
        elif tag == "PTY":
            if r.once("S18/PTY", segment, "PTY in S18"):
                r.sources.record_value("/AdditionalInformation/Priority", segment, 2, 1)
                additional.priority = r.code(PRIORITY, segment, 2)
        elif tag == "PAS":
            if r.once("S18/PAS", segment, "PAS in S18"):
                r.sources.record_value("/AdditionalInformation/ReferralStatus", segment, 1, 1)
                additional.referral_status = r.code(REFERRAL_STATUS, segment, 1)
        elif tag == "FTX":
            path = f"/HospitalVisitation[{len(visitations) + 1}]"
            r.claim(f"S18/FTX#{len(visitations) + 1}", segment)
            r.sources.record(path, segment, _VISITATION_FIELDS)
            code = r.code(INFORMATION_CODE, segment, 1)
            text = r.text([(segment, r.ftx_block(segment))], path + "/Information")
            if code is not None and text is not None:
                visitations.append(HospitalVisitation(code, text))
        else:
            r.unknown(segment, "the S18 group")


def _read_s19(
    r: Reader,
    group: Group,
    additional: AdditionalInformation,
    remarks: list[tuple[Segment, FtxBlock]],
) -> None:
    for segment in group.segments:
        tag = segment.tag
        if tag == "STS":
            r.once("S19/STS", segment, "STS in S19")
        elif tag == "TDT":
            if r.once("S19/TDT", segment, "TDT in S19"):
                r.sources.record_value("/AdditionalInformation/Transport", segment, 3, 1)
                additional.transport = r.code(TRANSPORT, segment, 3)
        elif tag == "FTX" and segment.value(1) == "COT":
            r.claim("S19/FTX", segment)
            remarks.append((segment, r.ftx_block(segment)))
        else:
            r.unknown(segment, "the S19 group")


# ---------------------------------------------------------------------------------------------
# writing (§7.1, §7.3)


def build_letter(letter: HospitalReferral, b: Builder, base: str) -> None:
    """Every unit of ``letter`` in MedCom's order."""
    header = letter.header
    header_segments(b, letter, header, base, (MESSAGE_TYPE, VERSION, LETTER_TYPE, "HNV"))
    sender = letter.sender
    _party(b, "PO", sender, base + "/Sender", 1)
    _party(b, "SSP", letter.receiver, base + "/Receiver", 2)
    _referrer(b, sender, base + "/Sender/Referrer")
    if letter.answer_cc_receiver is not None:
        _party(b, "PRH", letter.answer_cc_receiver, base + "/AnswerCCReceiver", 4)
    _s02(b, letter, base)
    b.add("S06", "S06", ("06",))
    b.add("S06/STS", "STS", ("",), ("NR",))
    _s07(b, letter.patient, base + "/Patient")
    if len(letter.relatives) > 1:
        b.unmapped("REF01 carries one relative.", f"{base}/Relative[2]", "-")
    for relative in letter.relatives[:1]:
        path = base + "/Relative"
        code = RELATION.encode(relative.relation)
        if code is None:
            raise fail(
                "convert.unsupported-value",
                f"RelationCode {str(relative.relation)[:20]!r} has no EDIFACT code.",
                path + "/RelationCode",
            )
        b.add("S10", "S10", ("10",))
        b.add("S10/REL", "REL", ("PER",), (code,))
        relative_pna(b, "S10/PNA", relative, path, cpr_suffix=True)
        for name in ("street", "suburb", "district", "postcode"):
            if getattr(relative, name) is not None:
                b.unmapped(f"{path} address lines have no place in REF01.", path, "-")
                break
    _s12(b, letter, base)
    _s18(b, letter, base)
    _s19(b, letter, base)
    if letter.local_elements is not None:
        b.unmapped(f"{base}/Local_Elements has no EDIFACT form.", base + "/Local_Elements", "-")


def _party(b: Builder, role: str, party: Party, path: str, seq: int) -> None:
    party_group(
        b,
        role,
        party,
        path,
        seq,
        letter_type=LETTER_TYPE,
        phone_roles=("PO", "PRH"),
        speciality_role="PO",
        street_placeholder=True,
    )


def _referrer(b: Builder, sender: Party, path: str) -> None:
    referrer = sender.referrer
    if referrer is None:
        raise fail("convert.missing-required", "A REF01 sender needs a Referrer.", path)
    key = "S01.BV"
    b.add(key, "S01", ("01",))
    id_element: tuple[str, ...] = ("",)
    if referrer.identifier is not None:
        code = referrer.identifier_code
        id_type = IDENTIFIER_TYPE.encode(code) if code is not None else None
        if id_type is None:
            raise fail(
                "convert.unsupported-value",
                "The referrer's Identifier needs a known IdentifierCode.",
                path + "/IdentifierCode",
            )
        agency = PARTY_AGENCY[IDENTIFIER_TYPE.decode(id_type)]  # type: ignore[index]
        ident = b.value(referrer.identifier, path + "/Identifier", key + "/NAD", "NAD", 2)
        id_element = (ident, id_type, agency)
    elif referrer.identifier_code is not None:
        b.unmapped(
            "A referrer IdentifierCode without an Identifier has no EDIFACT form.",
            path + "/IdentifierCode",
            "-",
        )
    b.add(
        key + "/NAD",
        "NAD",
        ("BV",),
        id_element,
        ("",),
        (
            b.value(referrer.person_title, path + "/PersonTitle", key + "/NAD", "NAD", 4, 1),
            b.value(referrer.person_name, path + "/PersonName", key + "/NAD", "NAD", 4, 2),
            "",
            "",
            "",
            "US",
        ),
    )
    b.add(key + "/RFF", "RFF", ("AHL", "1"))
    b.add(key + "/SEQ", "SEQ", ("",), ("3",))


def _s02(b: Builder, letter: HospitalReferral, base: str) -> None:
    header = letter.header
    b.add("S02", "S02", ("02",))
    if header.status is StatusCode.CORRECTED:
        b.unmapped(
            "A REF01 rettetbrev has no EDIFACT form (MedCom writes GIS+N, which says "
            "nytbrev); the status would be lost.",
            base + "/Letter/StatusCode",
            "S02/GIS",
            "GIS",
            1,
            lost=None,  # GIS+N is written in its place
        )
    elif header.status is None:
        raise fail(
            "convert.missing-required", "A REF01 letter needs a StatusCode.", base + "/Letter"
        )
    b.add("S02/GIS", "GIS", (LETTER_STATUS.encode(StatusCode.NEW) or "N",))
    episode = header.episode_of_care_id
    value = (
        "_"
        if episode is None
        else b.value(episode, base + "/Letter/EpisodeOfCareIdentifier", "S02/RFF", "RFF", 1, 2)
    )
    b.add("S02/RFF", "RFF", ("ROI", value or "_"))
    dtm(b, "S02/DTM", "4", header.authorisation, base + "/Letter/Authorisation")
    referral = letter.referral
    if referral is not None:
        if referral.refer is not None:
            cin(b, "S02/CIN.H", "H", referral.refer, base + "/Referral/Refer", _no_agency)
        for index, diagnosis in enumerate(referral.additional, start=1):
            path = f"{base}/Referral/ReferralAdditional[{index}]"
            key = f"S02/CIN#{index}"
            if diagnosis.kind is DiagnosisKind.REFERRAL:
                b.unmapped(
                    "A ReferralAdditional of kind henv_diagnose is written as CIN+H and reads "
                    "back as a second referral diagnosis.",
                    path + "/DiagnoseDescriptionCode",
                    key,
                    "CIN",
                    1,
                    lost=path,  # the whole diagnosis is left out
                )
                if b.lossy:
                    continue
            qualifier = DIAGNOSIS_KIND.encode(diagnosis.kind) if diagnosis.kind else None
            if qualifier is None:
                raise fail(
                    "convert.missing-required",
                    "ReferralAdditional needs a DiagnoseDescriptionCode.",
                    path,
                )
            cin(b, key, qualifier, diagnosis, path, _no_agency)
    info = letter.additional_information
    if info is not None and info.clinical_reason is not None:
        _text(
            b, "S02/FTX", "DI", info.clinical_reason, base + "/AdditionalInformation/ClinicalReason"
        )


def _text(b: Builder, key: str, qualifier: str, text: FormattedText, path: str) -> None:
    blocks = b.text_blocks(text, path, key)
    if blocks is None:
        return
    for block in blocks:
        b.add(key, "FTX", (qualifier,), (block.format_code,), ("",), block.lines)


def _s07(b: Builder, patient: Patient, path: str) -> None:
    b.add("S07", "S07", ("07",))
    patient_pna(b, "S07", patient, path)
    adr(b, "S07/ADR", patient, path, street_placeholder=True)
    if len(patient.telephones) > 3:
        b.unmapped(
            "REF01 carries at most three patient phones.", path + "/TelephoneSubscriber[4]", "-"
        )
    for index, phone in enumerate(patient.telephones[:3], start=1):
        key = f"S07/CON#{index}"
        kind = TELEPHONE_KIND.encode(phone.kind)
        if kind is None:
            raise fail(
                "convert.unsupported-value",
                f"TelephoneSubscriberCode {str(phone.kind)[:20]!r} has no EDIFACT code.",
                f"{path}/TelephoneSubscriber[{index}]/TelephoneSubscriberCode",
            )
        number = b.value(
            phone.number,
            f"{path}/TelephoneSubscriber[{index}]/TelephoneSubscriberIdentifier",
            key,
            "CON",
            2,
        )
        b.add(key, "CON", (kind,), (number, "TE"))
    if patient.title is not None:
        b.add(
            "S07/EMP",
            "EMP",
            ("1",),
            ("",),
            ("", "", "", b.value(patient.title, path + "/PersonTitle", "S07/EMP", "EMP", 3, 4)),
        )
    for name, value in (
        ("OccupancyText", patient.occupation),
        ("TelephoneSubscriberIdentifier", patient.telephone),
    ):
        if value is not None:
            b.unmapped(f"{path}/{name} has no place in REF01.", f"{path}/{name}", "-")
    if patient.status is not None:
        b.unmapped(
            f"{path}/EpisodeOfCareStatusCode has no place in REF01.",
            path + "/EpisodeOfCareStatusCode",
            "-",
        )


def _s12(b: Builder, letter: HospitalReferral, base: str) -> None:
    segments: list[Segment] = []
    email = letter.patient.email
    if email is not None:
        value = b.value(email, base + "/Patient/EmailIdentifier", "S12", "FTX", 4, 1)
        if value:
            segments.append(Segment("FTX", (("IN",), ("P00",), ("",), (value,))))
    clinical = letter.relevant_clinical_information
    if clinical is not None:
        for qualifier, field_name, element in CLINICAL_QUALIFIERS:
            text = getattr(clinical, field_name)
            if text is None:
                continue
            path = f"{base}/RelevantClinicalInformation/{element}"
            blocks = b.text_blocks(text, path, "S12")
            for block in blocks or ():
                segments.append(
                    Segment("FTX", ((qualifier,), (block.format_code,), ("",), block.lines))
                )
    probe = Builder(lossy=b.lossy)
    for index, reference in enumerate(letter.references, start=1):
        reference_ftx(probe, "ref", reference, f"{base}/Reference[{index}]")
    b.issues.extend(replace(issue, scope="S12") for issue in probe.issues)
    if "ref" in probe.units:
        segments.extend(probe.units["ref"].segments)
    if not segments:
        return
    if len(segments) > FTX_PER_S12 * MAX_S12 and b.over_limit(
        f"The referral needs {len(segments)} FTX in S12; REF01 carries at most "
        f"{FTX_PER_S12 * MAX_S12} (ten per S12, five S12). Left out, S12 takes with it the "
        "patient's e-mail, RelevantClinicalInformation and the references.",
        base + "/RelevantClinicalInformation",
        "S12",
        "FTX",
    ):
        return
    for start in range(0, len(segments), FTX_PER_S12):
        b.add("S12", "S12", ("12",))
        for segment in segments[start : start + FTX_PER_S12]:
            b.units["S12"].segments.append(segment)


def _s18(b: Builder, letter: HospitalReferral, base: str) -> None:
    info = letter.additional_information or AdditionalInformation()
    path = base + "/AdditionalInformation"
    b.add("S18", "S18", ("18",))
    b.add("S18/GIS", "GIS", ("N",))
    if info.priority is not None:
        b.add("S18/PTY", "PTY", ("PRI",), (PRIORITY.encode(info.priority) or "",))
    for index, visit in enumerate(letter.hospital_visitations, start=1):
        key = f"S18/FTX#{index}"
        vpath = f"{base}/HospitalVisitation[{index}]"
        code = INFORMATION_CODE.encode(visit.code)
        if code is None:
            raise fail(
                "convert.unsupported-value", "Unknown InformationCode.", vpath + "/InformationCode"
            )
        blocks = b.text_blocks(visit.information, vpath + "/Information", key, lost=vpath)
        if blocks is not None and len(blocks) > 1:
            b.unmapped(
                f"{vpath}/Information needs {len(blocks)} FTX; each HospitalVisitation is one "
                "FTX (at most five lines, one format code), or it reads back as several.",
                vpath + "/Information",
                key,
                "FTX",
                lost=vpath,  # the whole visitation is left out
            )
            if b.lossy:
                continue
        for block in blocks or ():
            b.add(key, "FTX", (code,), (block.format_code,), ("",), block.lines)
    if info.referral_status is not None:
        b.add("S18/PAS", "PAS", (REFERRAL_STATUS.encode(info.referral_status) or "",))
    _ = path


def _s19(b: Builder, letter: HospitalReferral, base: str) -> None:
    info = letter.additional_information or AdditionalInformation()
    b.add("S19", "S19", ("19",))
    b.add("S19/STS", "STS", ("",), ("NR",))
    if info.transport is not None:
        b.add("S19/TDT", "TDT", ("PHL",), ("",), (TRANSPORT.encode(info.transport) or "",))
    if info.supplementary is not None:
        _text(
            b, "S19/FTX", "COT", info.supplementary, base + "/AdditionalInformation/Supplementary"
        )
