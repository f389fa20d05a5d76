"""Writing MEDREF REF01 (edifact-messages.md §7.1, §7.3): every unit of a
:class:`HospitalReferral` in MedCom's order. The S12 FTX of all clinical texts, the e-mail and the
references form one list cut into groups of ten behind their own ``S12+12'`` (at most five).

:data:`NAMES` (UNH names), :data:`P` (model path → XML path, read off the XREF01 table) and
:data:`ROLES` name the letter for both directions; :mod:`~medbridge.letters.henvisning.edifact`
reads.
"""

from __future__ import annotations

from dataclasses import replace

from medbridge.codecs.edifact.mapping import Builder, fail
from medbridge.edifact.segment import Segment
from medbridge.letters.henvisning.versions import H0130R
from medbridge.letters.henvisning.xml import MAPPING
from medbridge.letters.shared.edifact import (
    MessageNames,
    adr,
    cin,
    dtm,
    header_segments,
    patient_pna,
    relative_pna,
    relative_rel,
    wire_code,
)
from medbridge.letters.shared.edifact_codes import (
    DIAGNOSIS_KIND,
    IDENTIFIER_TYPE,
    INFORMATION_CODE,
    LETTER_STATUS,
    PARTY_AGENCY,
    PRIORITY,
    REFERRAL_STATUS,
    TELEPHONE_KIND,
    TRANSPORT,
)
from medbridge.letters.shared.edifact_groups import party_group
from medbridge.letters.shared.edifact_references import reference_ftx
from medbridge.letters.shared.edifact_walk import PartyRole, XmlPaths
from medbridge.model.codes import CodeSystem, DiagnosisKind, StatusCode
from medbridge.model.common import Party, Patient
from medbridge.model.henvisning import AdditionalInformation, HospitalReferral
from medbridge.model.text import FormattedText

__all__ = ["CLINICAL_QUALIFIERS", "FTX_PER_S12", "MAX_S12", "NAMES", "ROLES", "P", "build_letter"]

P = XmlPaths(MAPPING)
"""Model path → XML path of XREF01 (``P["sender.referrer"]`` is ``/Sender/Referrer``)."""
NAMES = MessageNames(H0130R.message_type, H0130R.version, H0130R.letter_type, "HNV", P["header"])

FTX_PER_S12 = 10
MAX_S12 = 5
#: S12 FTX qualifiers of the clinical texts, in writing order, with their model field.
CLINICAL_QUALIFIERS = (
    ("NC", "anamnesis"),
    ("CF", "examination"),
    ("MT", "actual_medicine"),
    ("AL", "cave"),
)
#: The same with each field's XML path below RelevantClinicalInformation (``/Anamnesis``).
CLINICAL_ELEMENTS = tuple(
    (
        qualifier,
        name,
        P.name("relevant_clinical_information." + name, "relevant_clinical_information"),
    )
    for qualifier, name in CLINICAL_QUALIFIERS
)
ROLES = (
    PartyRole("PO", P["sender"], frozenset({"NAD", "ADR", "CON", "SEQ", "SPR"}), 1, unb=2),
    PartyRole("SSP", P["receiver"], frozenset({"NAD", "ADR", "SEQ"}), 2, unb=3),
    PartyRole("BV", P["sender.referrer"], frozenset({"NAD", "RFF", "SEQ"}), 3),
    PartyRole("PRH", P["answer_cc_receiver"], frozenset({"NAD", "ADR", "CON", "SEQ"}), 4),
)
"""The S01 roles. Note the swap against DIS01: ``PO`` is the sender (the GP), ``SSP`` the
receiver (the hospital); ``BV`` is the sender's referrer."""

_HEADER = P["header"]
_STREET_PLACEHOLDER = True  # REF01 writes "_" for a missing street
_EPISODE = P["header.episode_of_care_id"]
_REFERRER_ID, _REFERRER_ID_CODE, _REFERRER_TITLE, _REFERRER_NAME = (
    P.name("sender.referrer." + name, "sender.referrer")
    for name in ("identifier", "identifier_code", "person_title", "person_name")
)
_ADDITIONAL = P["referral.additional"]
_KIND = P.name("referral.additional.kind", "referral.additional")
_REASON = P["additional_information.clinical_reason"]
_SUPPLEMENTARY = P["additional_information.supplementary"]
_TITLE = P.name("patient.title", "patient")
_PHONE = P.name("patient.telephones", "patient")
_EMAIL = P["patient.email"]
_CLINICAL = P["relevant_clinical_information"]
_REFERENCE = P["references"]
_VISITATION = P["hospital_visitations"]
_INFORMATION_CODE = P.name("hospital_visitations.code", "hospital_visitations")
_INFORMATION = P.name("hospital_visitations.information", "hospital_visitations")


def _no_agency(_: CodeSystem | None) -> str:
    return ""


def build_letter(letter: HospitalReferral, b: Builder, base: str) -> None:
    """Every unit of ``letter`` in MedCom's order."""
    header_segments(b, letter.header, base, NAMES)
    sender_role, receiver_role, referrer_role, cc_role = ROLES
    sender = letter.sender
    party_group(b, sender_role, sender, base, NAMES.letter_type, _STREET_PLACEHOLDER)
    party_group(b, receiver_role, letter.receiver, base, NAMES.letter_type, _STREET_PLACEHOLDER)
    _referrer(b, sender, base + referrer_role.path)
    if letter.answer_cc_receiver is not None:
        party_group(
            b, cc_role, letter.answer_cc_receiver, base, NAMES.letter_type, _STREET_PLACEHOLDER
        )
    _s02(b, letter, base)
    b.add("S06", "S06", ("06",))
    b.add("S06/STS", "STS", ("",), ("NR",))
    _s07(b, letter.patient, base + P["patient"])
    _s10(b, letter, base)
    _s12(b, letter, base)
    _s18(b, letter, base)
    _s19(b, letter, base)
    if letter.local_elements is not None:
        b.unmapped(f"{base}/Local_Elements has no EDIFACT form.", base + "/Local_Elements", "-")


def _s10(b: Builder, letter: HospitalReferral, base: str) -> None:
    path = base + P["relatives"]
    if len(letter.relatives) > 1:
        b.unmapped("REF01 carries one relative.", f"{path}[2]", "-")
    for relative in letter.relatives[:1]:
        b.add("S10", "S10", ("10",))
        relative_rel(b, "S10/REL", relative, path)
        relative_pna(b, "S10/PNA", relative, path, cpr_suffix=True)
        if any(getattr(relative, name) is not None for name in _ADDRESS):
            b.unmapped(f"{path} address lines have no place in REF01.", path, "-")


_ADDRESS = ("street", "suburb", "district", "postcode")


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
                path + _REFERRER_ID_CODE,
            )
        agency = PARTY_AGENCY[IDENTIFIER_TYPE.decode(id_type)]  # type: ignore[index]
        ident = b.value(referrer.identifier, path + _REFERRER_ID, key + "/NAD", "NAD", 2)
        id_element = (ident, id_type, agency)
    elif referrer.identifier_code is not None:
        b.unmapped(
            "A referrer IdentifierCode without an Identifier has no EDIFACT form.",
            path + _REFERRER_ID_CODE,
            "-",
        )
    b.add(
        key + "/NAD",
        "NAD",
        ("BV",),
        id_element,
        ("",),
        (
            b.value(referrer.person_title, path + _REFERRER_TITLE, key + "/NAD", "NAD", 4, 1),
            b.value(referrer.person_name, path + _REFERRER_NAME, key + "/NAD", "NAD", 4, 2),
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
            base + P["header.status"],
            "S02/GIS",
            "GIS",
            1,
            lost=None,  # GIS+N is written in its place
        )
    elif header.status is None:
        raise fail("convert.missing-required", "A REF01 letter needs a StatusCode.", base + _HEADER)
    b.add("S02/GIS", "GIS", (LETTER_STATUS.encode(StatusCode.NEW) or "N",))
    episode = header.episode_of_care_id
    value = "_" if episode is None else b.value(episode, base + _EPISODE, "S02/RFF", "RFF", 1, 2)
    b.add("S02/RFF", "RFF", ("ROI", value or "_"))
    dtm(b, "S02/DTM", "4", header.authorisation, base + P["header.authorisation"])
    referral = letter.referral
    if referral is not None:
        if referral.refer is not None:
            cin(b, "S02/CIN.H", "H", referral.refer, base + P["referral.refer"], _no_agency)
        for index, diagnosis in enumerate(referral.additional, start=1):
            path = f"{base}{_ADDITIONAL}[{index}]"
            key = f"S02/CIN#{index}"
            if diagnosis.kind is DiagnosisKind.REFERRAL and b.unmapped(
                "A ReferralAdditional of kind henv_diagnose is written as CIN+H and reads "
                "back as a second referral diagnosis.",
                path + _KIND,
                key,
                "CIN",
                1,
                lost=path,  # the whole diagnosis is left out
            ):
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
        _text(b, "S02/FTX", "DI", info.clinical_reason, base + _REASON)


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
        b.unmapped("REF01 carries at most three patient phones.", path + _PHONE + "[4]", "-")
    for index, phone in enumerate(patient.telephones[:3], start=1):
        key = f"S07/CON#{index}"
        message = f"TelephoneSubscriberCode {str(phone.kind)[:20]!r} has no EDIFACT code."
        kind_path = f"{path}{_PHONE}[{index}]/TelephoneSubscriberCode"
        kind = wire_code(TELEPHONE_KIND, phone.kind, message, kind_path)
        number = b.value(
            phone.number,
            f"{path}{_PHONE}[{index}]/TelephoneSubscriberIdentifier",
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
            ("", "", "", b.value(patient.title, path + _TITLE, "S07/EMP", "EMP", 3, 4)),
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


def _s12_ftx(b: Builder, letter: HospitalReferral, base: str) -> list[Segment]:
    """The S12 FTX in writing order: the e-mail, the clinical texts, the references."""
    segments: list[Segment] = []
    email = letter.patient.email
    if email is not None:
        value = b.value(email, base + _EMAIL, "S12", "FTX", 4, 1)
        if value:
            segments.append(Segment("FTX", (("IN",), ("P00",), ("",), (value,))))
    clinical = letter.relevant_clinical_information
    for qualifier, field_name, element in CLINICAL_ELEMENTS if clinical is not None else ():
        text = getattr(clinical, field_name)
        if text is None:
            continue
        blocks = b.text_blocks(text, base + _CLINICAL + element, "S12")
        for block in blocks or ():
            segments.append(
                Segment("FTX", ((qualifier,), (block.format_code,), ("",), block.lines))
            )
    probe = Builder(lossy=b.lossy)
    for index, reference in enumerate(letter.references, start=1):
        reference_ftx(probe, "ref", reference, f"{base}{_REFERENCE}[{index}]")
    b.issues.extend(replace(issue, scope="S12") for issue in probe.issues)
    if "ref" in probe.units:
        segments.extend(probe.units["ref"].segments)
    return segments


def _s12(b: Builder, letter: HospitalReferral, base: str) -> None:
    segments = _s12_ftx(b, letter, base)
    if not segments:
        return
    if len(segments) > FTX_PER_S12 * MAX_S12 and b.over_limit(
        f"The referral needs {len(segments)} FTX in S12; REF01 carries at most "
        f"{FTX_PER_S12 * MAX_S12} (ten per S12, five S12). Left out, S12 takes with it the "
        "patient's e-mail, RelevantClinicalInformation and the references.",
        base + _CLINICAL,
        "S12",
        "FTX",
    ):
        return
    for start in range(0, len(segments), FTX_PER_S12):
        b.add("S12", "S12", ("12",))
        b.units["S12"].segments.extend(segments[start : start + FTX_PER_S12])


def _s18(b: Builder, letter: HospitalReferral, base: str) -> None:
    info = letter.additional_information or AdditionalInformation()
    b.add("S18", "S18", ("18",))
    b.add("S18/GIS", "GIS", ("N",))
    if info.priority is not None:
        b.add("S18/PTY", "PTY", ("PRI",), (PRIORITY.encode(info.priority) or "",))
    for index, visit in enumerate(letter.hospital_visitations, start=1):
        key = f"S18/FTX#{index}"
        vpath = f"{base}{_VISITATION}[{index}]"
        message = "Unknown InformationCode."
        code = wire_code(INFORMATION_CODE, visit.code, message, vpath + _INFORMATION_CODE)
        blocks = b.text_blocks(visit.information, vpath + _INFORMATION, key, lost=vpath)
        if (
            blocks is not None
            and len(blocks) > 1
            and b.unmapped(
                f"{vpath}{_INFORMATION} needs {len(blocks)} FTX; each HospitalVisitation is one "
                "FTX (at most five lines, one format code), or it reads back as several.",
                vpath + _INFORMATION,
                key,
                "FTX",
                lost=vpath,  # the whole visitation is left out
            )
        ):
            continue
        for block in blocks or ():
            b.add(key, "FTX", (code,), (block.format_code,), ("",), block.lines)
    if info.referral_status is not None:
        b.add("S18/PAS", "PAS", (REFERRAL_STATUS.encode(info.referral_status) or "",))


def _s19(b: Builder, letter: HospitalReferral, base: str) -> None:
    info = letter.additional_information or AdditionalInformation()
    b.add("S19", "S19", ("19",))
    b.add("S19/STS", "STS", ("",), ("NR",))
    if info.transport is not None:
        b.add("S19/TDT", "TDT", ("PHL",), ("",), (TRANSPORT.encode(info.transport) or "",))
    if info.supplementary is not None:
        _text(b, "S19/FTX", "COT", info.supplementary, base + _SUPPLEMENTARY)
