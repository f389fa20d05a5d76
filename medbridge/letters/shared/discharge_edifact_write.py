"""Writing the two MEDDIS epikriser, DIS01 and DIS02 (edifact-messages.md §6.1, §6.3;
exchange-messages.md §C.3): every unit of a :class:`DischargeLetter` or an
:class:`OutpatientDischargeLetter` in MedCom's order, with the constants and derived values of
§6.3.

The two differ only in their UNH names and in which model fields DTM+90 and DTM+91 carry; an
:class:`EpikriseVersion` states that per version (``letters/<kind>/edifact.py``).
:data:`P` (model path → XML path, read off the shared epikrise table) names every other place for
both versions and both directions; :mod:`~medbridge.letters.shared.discharge_edifact` reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medbridge.codecs.edifact.mapping import Builder, fail
from medbridge.codecs.xml.mapping import LetterMapping
from medbridge.letters.declaration import EdifactVersion
from medbridge.letters.shared.discharge_xml import COMMON
from medbridge.letters.shared.edifact import (
    MAX_CLINICAL_FTX,
    MAX_REFS_PER_S14,
    MessageNames,
    adr,
    cin,
    dis01_agency,
    dtm,
    header_segments,
    party_nad,
    patient_pna,
    relative_pna,
    relative_rel,
)
from medbridge.letters.shared.edifact_codes import (
    DIAGNOSIS_KIND,
    EPISODE_STATUS,
    LETTER_STATUS,
)
from medbridge.letters.shared.edifact_groups import party_group
from medbridge.letters.shared.edifact_references import reference_ftx
from medbridge.letters.shared.edifact_walk import PartyRole, XmlPaths
from medbridge.model.codes import CodeSystem
from medbridge.model.common import Moment, Patient, Referral
from medbridge.model.epikrise import DischargeLetter, OutpatientDischargeLetter

__all__ = ["ROLES", "EpikriseVersion", "P", "build_epikrise", "epikrise_version"]

#: Either epikrise.
Epikrise = DischargeLetter | OutpatientDischargeLetter

P = XmlPaths(COMMON)
"""Model path → XML path of every field the epikriser share (``P["sender.contact"]`` is
``/Sender/Contact``); the visit fields' paths are each version's own."""


@dataclass(frozen=True, slots=True)
class EpikriseVersion:
    """What tells one epikrise version apart in EDIFACT: its UNH names, its model class, and the
    model fields DTM+90 and DTM+91 carry (``first``, ``last``) with their XML paths."""

    names: MessageNames
    letter: type[Epikrise]
    first: str
    last: str
    first_path: str
    last_path: str
    #: True when MedCom's own tools refuse a clinical S14 of more than 9 FTX (DIS02, §C.4);
    #: DIS01's writer writes more. medbridge holds both to 9; this only changes what it says.
    nine_ftx_enforced: bool = False

    @property
    def over_nine(self) -> str:
        """How the warning ends when ``allow_nonstandard`` writes more than 9 FTX in one S14."""
        if self.nine_ftx_enforced:
            return (
                f"Written anyway; MedCom's own {self.names.letter_type} reader and writer refuse "
                "more than 9, so receivers built on them will reject it."
            )
        return "Written anyway, as MedCom's writer does; receivers may reject it."

    def visits(self, letter: Epikrise) -> tuple[Moment | None, Moment | None]:
        """The letter's DTM+90 and DTM+91 moments."""
        first: Moment | None = getattr(letter, self.first)
        last: Moment | None = getattr(letter, self.last)
        return first, last

    def make(self, visits: tuple[Moment | None, Moment | None], **fields: Any) -> Epikrise:
        """A letter of this version with the two visit moments and the other ``fields``."""
        fields[self.first], fields[self.last] = visits
        return self.letter(**fields)


def epikrise_version(
    declared: EdifactVersion,
    mapping: LetterMapping,
    letter: type[Epikrise],
    visits: tuple[str, str],
    *,
    nine_ftx_enforced: bool = False,
) -> EpikriseVersion:
    """The :class:`EpikriseVersion` of a declaration, its XML table, its model class and its
    two visit fields."""
    paths = XmlPaths(mapping)
    names = MessageNames(
        declared.message_type, declared.version, declared.letter_type, "EPI", paths["header"]
    )
    first, last = visits
    return EpikriseVersion(names, letter, first, last, paths[first], paths[last], nine_ftx_enforced)


_S01_SEGMENTS = frozenset({"NAD", "ADR", "CON", "SEQ", "SPR"})
_ADDRESSED = frozenset({"NAD", "ADR", "SEQ"})
ROLES = (
    PartyRole("SSP", P["sender"], _S01_SEGMENTS, 1, unb=2),
    PartyRole("PO", P["receiver"], _ADDRESSED, 2, unb=3),
    PartyRole("CCR", P["cc_receiver"], _ADDRESSED, 3),
    PartyRole("RSP", P["sender.contact"], frozenset({"NAD", "SEQ"}), 3),  # SEQ 4 after a CCR
)
"""The S01 roles: NAD qualifier, party, the segments of its group, SEQ, the UNB element of its
EAN. Note DIS01's ``SSP`` is the sender (REF01 swaps the roles)."""

_HEADER = P["header"]
_STREET_PLACEHOLDER = False  # DIS01 leaves a missing street empty
_PATIENT = P["patient"]
_OCCUPATION = P.name("patient.occupation", "patient")
_RELATION = P.name("relatives.relation", "relatives")
_OTHER = P["diagnoses.other"]
_DIAGNOSED = P.name("diagnoses.other.moment", "diagnoses.other")
_CLINICAL = P["clinical_information"]
_TEXT01 = P.name("clinical_information.text", "clinical_information")
_SIGNED = P.name("clinical_information.signed", "clinical_information")
_REFERRAL_ID, _RECEIVED, _REFER, _ADDITIONAL = (
    P.name("referral." + name, "referral")
    for name in ("identifier", "received", "refer", "additional")
)


def build_epikrise(v: EpikriseVersion, letter: Epikrise, b: Builder, base: str) -> None:
    """Every unit of ``letter`` (of version ``v``) in MedCom's order."""
    header_segments(b, letter.header, base, v.names)
    _s01(b, letter, base, v.names.letter_type)
    _s02(b, letter, base, v.names.letter_type)
    if letter.referral is not None:
        _s05(b, letter.referral, base + P["referral"])
    _s07(b, letter.patient, base + _PATIENT)
    _s09(b, letter, base)
    _s11(b, letter, base, v)
    _s14_diagnoses(b, letter, base)
    _s14_texts(b, letter, base, v.over_nine)
    for index, reference in enumerate(letter.references, start=1):
        if (index - 1) % MAX_REFS_PER_S14 == 0:
            group = (index - 1) // MAX_REFS_PER_S14 + 1
            b.add(f"S14.refs#{group}", "S14", ("14",))
        reference_ftx(b, f"ref#{index}", reference, f"{base}{P['references']}[{index}]")
    if letter.local_elements is not None:
        b.unmapped(f"{base}/Local_Elements has no EDIFACT form.", base + "/Local_Elements", "-")


def _s01(b: Builder, letter: Epikrise, base: str, letter_type: str) -> None:
    sender_role, receiver_role, cc_role, contact_role = ROLES
    sender = letter.sender
    party_group(b, sender_role, sender, base, letter_type, _STREET_PLACEHOLDER)
    party_group(b, receiver_role, letter.receiver, base, letter_type, _STREET_PLACEHOLDER)
    if letter.cc_receiver is not None:
        party_group(b, cc_role, letter.cc_receiver, base, letter_type, _STREET_PLACEHOLDER)
    contact = sender.contact
    if contact is not None:
        key = "S01." + contact_role.code
        b.add(key, "S01", ("01",))
        names = (contact.organisation, contact.department, contact.unit)
        path = base + contact_role.path
        party_nad(b, key + "/NAD", contact_role.code, contact.identifier, names, path)
        b.add(key + "/SEQ", "SEQ", ("",), ("4" if letter.cc_receiver is not None else "3",))


def _s02(b: Builder, letter: Epikrise, base: str, letter_type: str) -> None:
    header = letter.header
    if header.status is None:
        raise fail(
            "convert.missing-required",
            f"A {letter_type} letter needs a StatusCode.",
            base + _HEADER,
        )
    b.add("S02", "S02", ("02",))
    b.add("S02/GIS", "GIS", (LETTER_STATUS.encode(header.status) or "N",))
    ident = b.value(header.identifier, base + P["header.identifier"], "S02/RFF", "RFF", 1, 2)
    b.add("S02/RFF", "RFF", ("SRI", ident))
    dtm(b, "S02/DTM", "182", header.authorisation, base + P["header.authorisation"])


def _s05(b: Builder, referral: Referral, path: str) -> None:
    b.add("S05", "S05", ("05",))
    b.add("S05/GIS", "GIS", ("N",))
    if referral.identifier is not None:
        ident = b.value(referral.identifier, path + _REFERRAL_ID, "S05/RFF", "RFF", 1, 2)
        b.add("S05/RFF", "RFF", ("ROI", ident))
    if referral.received is not None:
        dtm(b, "S05/DTM", "8", referral.received, path + _RECEIVED)
    if referral.refer is not None:
        cin(b, "S05/CIN.DI", "DI", referral.refer, path + _REFER, dis01_agency)
    additional = path + _ADDITIONAL
    for index, diagnosis in enumerate(referral.additional, start=1):
        key = f"S05/CIN.DM#{index}"
        cin(b, key, "DM", diagnosis, f"{additional}[{index}]", dis01_agency)


def _s07(b: Builder, patient: Patient, path: str) -> None:
    b.add("S07", "S07", ("07",))
    patient_pna(b, "S07", patient, path)
    adr(b, "S07/ADR", patient, path)
    if patient.occupation is not None:
        occupation = b.value(patient.occupation, path + _OCCUPATION, "S07/EMP", "EMP", 3, 4)
        b.add("S07/EMP", "EMP", ("1",), ("",), ("", "", "", occupation))
    for name, value in (("PersonTitle", patient.title), ("EmailIdentifier", patient.email)):
        if value is not None:
            b.unmapped(f"{path}/{name} has no place in DIS01.", f"{path}/{name}", "-")
    if patient.telephones:
        b.unmapped(
            f"{path}/TelephoneSubscriber has no place in DIS01.", path + "/TelephoneSubscriber", "-"
        )


def _s09(b: Builder, letter: Epikrise, base: str) -> None:
    for index, relative in enumerate(letter.relatives, start=1):
        key = f"S09#{index}"
        path = f"{base}{P['relatives']}[{index}]"
        b.add(key, "S09", ("09",))
        relative_rel(b, key + "/REL", relative, path)
        relative_pna(b, key + "/PNA", relative, path, cpr_suffix=False)
        adr(b, key + "/ADR", relative, path)


def _s11(b: Builder, letter: Epikrise, base: str, v: EpikriseVersion) -> None:
    b.add("S11", "S11", ("11",))
    b.add("S11/GIS", "GIS", ("N",))
    episode = letter.header.episode_of_care_id
    if episode is not None:
        path = base + P["header.episode_of_care_id"]
        b.add("S11/RFF.REI", "RFF", ("REI", b.value(episode, path, "S11/RFF.REI", "RFF", 1, 2)))
    else:
        b.add("S11/RFF.AHI", "RFF", ("AHI", "1"))
    b.add("S11/SEQ", "SEQ", ("",), ("1",))
    first, last = v.visits(letter)
    if first is not None:
        dtm(b, "S11/DTM.90", "90", first, base + v.first_path)
    if last is not None:
        dtm(b, "S11/DTM.91", "91", last, base + v.last_path)
    status = letter.patient.status
    code = EPISODE_STATUS.encode(status) if status is not None else None
    if code is None:
        raise fail(
            "convert.missing-required",
            f"A {v.names.letter_type} patient needs an EpisodeOfCareStatusCode.",
            base + P["patient.status"],
        )
    b.add("S11/PAS", "PAS", (code,))
    diagnoses = letter.diagnoses
    if diagnoses is None:
        return
    if diagnoses.main is not None:
        path = base + P["diagnoses.main"]
        cin(b, "S11/CIN.A", "A", diagnoses.main, path, dis01_agency, system=CodeSystem.SKS)
    additional = base + P["diagnoses.main_additional"]
    for index, diagnosis in enumerate(diagnoses.main_additional, start=1):
        key, path = f"S11/CIN.DM#{index}", f"{additional}[{index}]"
        cin(b, key, "DM", diagnosis, path, dis01_agency, system=CodeSystem.SKS)


def _s14_diagnoses(b: Builder, letter: Epikrise, base: str) -> None:
    diagnoses = letter.diagnoses
    for index, diagnosis in enumerate(diagnoses.other if diagnoses else [], start=1):
        key = f"S14.diag#{index}"
        path = f"{base}{_OTHER}[{index}]"
        qualifier = DIAGNOSIS_KIND.encode(diagnosis.kind) if diagnosis.kind is not None else None
        if qualifier is None:
            raise fail(
                "convert.missing-required", "Diagnose/Other needs a DiagnoseDescriptionCode.", path
            )
        b.add(key, "S14", ("14",))
        cin(b, key + "/CIN", qualifier, diagnosis, path, dis01_agency)
        if diagnosis.moment is not None:
            dtm(b, key + "/DTM", "CIS", diagnosis.moment, path + _DIAGNOSED)


def _s14_texts(b: Builder, letter: Epikrise, base: str, over_nine: str) -> None:
    for index, info in enumerate(letter.clinical_information, start=1):
        key = f"S14.text#{index}"
        path = f"{base}{_CLINICAL}[{index}]"
        text_path = path + _TEXT01
        probe = Builder(nonstandard=b.nonstandard)
        blocks = probe.text_blocks(info.text, text_path, key)
        if blocks is None:  # the whole S14 group (text and signing time) is left out
            b.text_blocks(info.text, text_path, key, lost=path)
            continue
        if len(blocks) > MAX_CLINICAL_FTX and b.over_limit(
            f"{text_path} needs {len(blocks)} FTX; a clinical S14 holds at most "
            f"{MAX_CLINICAL_FTX} in MedCom's EDIFACT.",
            text_path,
            key,
            "FTX",
            lost=path,
            anyway=over_nine,
        ):
            continue
        b.add(key, "S14", ("14",))
        if info.signed is not None:
            dtm(b, key + "/DTM", "CIC", info.signed, path + _SIGNED)
        for block in blocks:
            b.add(key + "/FTX", "FTX", ("NC",), (block.format_code,), ("",), block.lines)
