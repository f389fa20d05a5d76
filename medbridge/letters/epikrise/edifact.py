"""MEDDIS DIS01 Udskrivningsepikrise, version D0133L ⇄ :class:`DischargeLetter`.

edifact-messages.md §6 as two readable halves: :func:`read_letter` walks the groups (§6.4 rules)
and :func:`build_letter` writes them in MedCom's order (§6.1), with the constants and derived
values of §6.3. Segment layouts shared with REF01 are in :mod:`~medbridge.letters.shared.edifact`.

Unit keys (see :mod:`~medbridge.codecs.edifact.mapping`): ``UNH``, ``BGM``, ``DTM.137``,
``S01.<role>``,
``S02``, ``S05``, ``S07``, ``S09#n``, ``S11``, ``S14.diag#n``, ``S14.text#n``, ``S14.refs#n`` and
``ref#n`` (one per reference FTX), each with ``/<segment>`` children.
"""

from __future__ import annotations

from medbridge.codecs.edifact.mapping import Builder, Reader, fail, opt
from medbridge.edifact.ftx import FtxBlock
from medbridge.edifact.groups import Group, GroupedBody
from medbridge.edifact.segment import Segment
from medbridge.letters.epikrise.versions import D0133L
from medbridge.letters.shared.edifact import (
    MAX_CLINICAL_FTX,
    MAX_REFS_PER_S14,
    REFERENCE_QUALIFIERS,
    LetterContext,
    adr,
    apply_address,
    cin,
    claim_party_group,
    dis01_agency,
    dtm,
    header_segments,
    party_group,
    party_nad,
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
    EPISODE_STATUS,
    LETTER_STATUS,
    RELATION,
    SPECIALITY,
)
from medbridge.model.codes import CodeSystem, EpisodeOfCareStatus, StatusCode
from medbridge.model.common import (
    Contact,
    Diagnosis,
    Moment,
    Party,
    Patient,
    Reference,
    Referral,
    Relative,
)
from medbridge.model.epikrise import ClinicalInformation, Diagnoses, DischargeLetter

__all__ = [
    "LETTER_TYPE",
    "MESSAGE_TYPE",
    "VERSION",
    "LetterContext",
    "build_letter",
    "read_letter",
]

MESSAGE_TYPE, VERSION, LETTER_TYPE = D0133L.message_type, D0133L.version, D0133L.letter_type
_ROLES = {"SSP": "sender", "PO": "receiver", "CCR": "cc_receiver", "RSP": "contact"}
#: The model path (relative to the letter) of each S01 role's party.
_PATHS = {"SSP": "/Sender", "PO": "/Receiver", "CCR": "/CCReceiver", "RSP": "/Sender/Contact"}
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
            claimed = claim_party_group(r, group, seen, _ROLES, LETTER_TYPE)
            if claimed is None:
                continue
            key, role = claimed
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
                patient = read_patient_group(r, group, title_in_emp=False, path="/Patient")
            else:
                episode_id, admission, discharge, patient_status, main, main_additional = _read_s11(
                    r, group
                )
        elif number == "09":
            counts["S09"] += 1
            key = f"S09#{counts['S09']}"
            r.claim(key, group.trigger)
            relative = _read_s09(r, group, key, f"/Relative[{counts['S09']}]")
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


def _read_s01(
    r: Reader, group: Group, key: str, role: str, ctx: LetterContext
) -> Party | Contact | None:
    allowed = _S01_SEGMENTS[role]
    path = _PATHS[role]
    party_id = None
    names: tuple[str | None, str | None, str | None] = (None, None, None)
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
            party_id, *rest = read_party_nad(r, segment, path)
            names = (rest[0], rest[1], rest[2])
        elif tag == "ADR":
            address = read_adr(r, segment, path)
        elif tag == "CON":
            r.sources.record_value(path + "/TelephoneSubscriberIdentifier", segment, 2, 1)
            telephone = opt(segment.value(2, 1))
        elif tag == "SPR":
            r.sources.record_value(path + "/MedicalSpecialityCode", segment, 2, 1)
            speciality = r.code(SPECIALITY, segment, 2, 1, allow_empty=True)
    if party_id is None:
        return None
    if role == "RSP":
        return Contact(party_id, *names)
    ean = {"SSP": ctx.sender_ean, "PO": ctx.recipient_ean}.get(role)
    if ean is not None:  # the UNB sender (S002) or recipient (S003) identification
        r.sources.record_value(path + "/EANIdentifier", ctx.unb, 2 if role == "SSP" else 3, 1)
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
        if tag not in ("GIS", "RFF", "DTM") or not r.once(f"S02/{tag}", segment, f"{tag} in S02"):
            if tag not in ("GIS", "RFF", "DTM"):
                r.unknown(segment, "the S02 group")
            continue
        if tag == "GIS":
            r.sources.record_value("/Letter/StatusCode", segment, 1, 1)
            status = r.code(LETTER_STATUS, segment, 1)
    if status is None and "S02/GIS" not in r.units:
        r.missing("the letter status (S02 GIS)", group.trigger)
    return status


def _read_s05(r: Reader, group: Group) -> Referral:
    referral = Referral()
    path = "/Referral"
    r.sources.record(path, group.trigger)
    for segment in group.segments:
        tag, qualifier = segment.tag, segment.value(1)
        if tag == "GIS" and r.once("S05/GIS", segment, "GIS in S05"):
            continue
        if tag == "RFF" and r.once("S05/RFF", segment, "RFF in S05"):
            r.sources.record_value(path + "/Identifier", segment, 1, 2)
            referral.identifier = opt(segment.value(1, 2))
        elif tag == "DTM" and qualifier == "8" and r.once("S05/DTM", segment, "DTM+8 in S05"):
            referral.received = r.moment(segment, path + "/Received")
        elif tag == "CIN" and qualifier == "DI" and r.once("S05/CIN.DI", segment, "CIN+DI"):
            referral.refer = read_cin(r, segment, kind=False, path=path + "/Refer")
        elif tag == "CIN" and qualifier == "DM":
            index = len(referral.additional) + 1
            r.claim(f"S05/CIN.DM#{index}", segment)
            diagnosis = read_cin(r, segment, kind=False, path=f"{path}/ReferalAdditional[{index}]")
            if diagnosis is not None:
                referral.additional.append(diagnosis)
        elif tag not in ("GIS", "RFF", "DTM", "CIN") or (
            tag in ("DTM", "CIN") and segment.value(1) not in ("8", "DI", "DM")
        ):
            r.unknown(segment, "the S05 group")
    return referral


def _read_s09(r: Reader, group: Group, key: str, path: str) -> Relative | None:
    relation = pna = address_segment = None
    for segment in group.segments:
        tag = segment.tag
        if tag not in ("REL", "PNA", "ADR"):
            r.unknown(segment, "an S09 relative group")
            continue
        if not r.once(f"{key}/{tag}", segment, f"{tag} in S09"):
            continue
        if tag == "REL":
            r.sources.record_value(path + "/RelationCode", segment, 2, 1)
            relation = r.code(RELATION, segment, 2)
        elif tag == "PNA":
            pna = segment
        else:
            address_segment = segment
    if pna is None or relation is None:
        if pna is None:
            r.missing("the relative's name (S09 PNA+PAS)", group.trigger)
        return None
    relative = read_relative_pna(r, pna, relation, path)
    if relative is not None and address_segment is not None:
        apply_address(relative, read_adr(r, address_segment, path))
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
            r.once("S11/GIS", segment, "GIS in S11")
        elif tag == "SEQ":
            r.once("S11/SEQ", segment, "SEQ in S11")
        elif tag == "RFF" and qualifier in ("REI", "AHI"):
            if (
                r.once(f"S11/RFF.{qualifier}", segment, f"RFF+{qualifier} in S11")
                and qualifier == "REI"
            ):
                r.sources.record_value("/Letter/EpisodeOfCareIdentifier", segment, 1, 2)
                episode_id = opt(segment.value(1, 2))
        elif tag == "DTM" and qualifier in ("90", "91"):
            if r.once(f"S11/DTM.{qualifier}", segment, f"DTM+{qualifier} in S11"):
                if qualifier == "90":
                    admission = r.moment(segment, "/Admission")
                else:
                    discharge = r.moment(segment, "/Discharge")
        elif tag == "PAS":
            if r.once("S11/PAS", segment, "PAS in S11"):
                r.sources.record_value("/Patient/EpisodeOfCareStatusCode", segment, 1, 1)
                status = r.code(EPISODE_STATUS, segment, 1)
        elif tag == "CIN" and qualifier == "A":
            if r.once("S11/CIN.A", segment, "CIN+A (main diagnosis)"):
                main = read_cin(r, segment, kind=False, path="/Diagnose/Main")
                if main is not None:
                    main.code_system = None
        elif tag == "CIN" and qualifier == "DM":
            index = len(additional) + 1
            r.claim(f"S11/CIN.DM#{index}", segment)
            diagnosis = read_cin(r, segment, kind=False, path=f"/Diagnose/MainAdditional[{index}]")
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
        path = f"/Diagnose/Other[{counts['diag']}]"
    elif clinical:
        counts["text"] += 1
        key = f"S14.text#{counts['text']}"
        path = f"/ClinicalInformation[{counts['text']}]"
    elif refs:
        counts["refs"] += 1
        key = f"S14.refs#{counts['refs']}"
        path = ""  # each reference FTX has its own path
    else:
        r.error(
            "edifact.mapping.missing",
            "An S14 group holds neither a diagnosis (CIN) nor text (FTX); MedCom rejects it.",
            group.trigger,
        )
        return
    r.claim(key, group.trigger)
    if path:
        r.sources.record(path, group.trigger)
    diagnosis: Diagnosis | None = None
    moment: Moment | None = None
    blocks: list[tuple[Segment, FtxBlock]] = []
    for segment in segments:
        tag, qualifier = segment.tag, segment.value(1)
        if tag == "FTX" and qualifier in REFERENCE_QUALIFIERS:
            r.claim(f"ref#{len(references) + 1}", segment)
            reference = read_reference(r, segment, f"/Reference[{len(references) + 1}]")
            if reference is not None:
                references.append(reference)
        elif has_cin and tag == "CIN":
            if r.once(key + "/CIN", segment, "CIN in a diagnosis S14"):
                diagnosis = read_cin(r, segment, kind=True, path=path)
        elif has_cin and tag == "DTM" and qualifier == "CIS":
            if r.once(key + "/DTM", segment, "DTM+CIS"):
                moment = r.moment(segment, path + "/DiagnoseDateTime")
        elif not has_cin and clinical and tag == "DTM" and qualifier == "CIC":
            if r.once(key + "/DTM", segment, "DTM+CIC"):
                moment = r.moment(segment, path + "/Signed")
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
        text = r.text(blocks, path + "/Text01")
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
        if blocks is None:  # the whole S14 group (text and signing time) is left out
            b.text_blocks(info.text, tpath + "/Text01", key, lost=tpath)
            continue
        if len(blocks) > MAX_CLINICAL_FTX and b.over_limit(
            f"{tpath}/Text01 needs {len(blocks)} FTX; a clinical S14 holds at most "
            f"{MAX_CLINICAL_FTX} in MedCom's EDIFACT.",
            tpath + "/Text01",
            key,
            "FTX",
            lost=tpath,
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
