"""Reading the two MEDDIS epikriser: DIS01 Udskrivningsepikrise (D0133L) ⇄
:class:`DischargeLetter` and DIS02 Ambulantepikrise (D0233L) ⇄ :class:`OutpatientDischargeLetter`.

edifact-messages.md §6 (and exchange-messages.md §C.3, the same groups) as two readable halves:
:func:`epikrise_table` says how the groups of one version are read (§6.4 rules; the walk itself
is :func:`~medbridge.letters.shared.edifact_walk.read_body`) and
:func:`~medbridge.letters.shared.discharge_edifact_write.build_epikrise` writes them in MedCom's
order (§6.1), with the constants and derived values of §6.3. The versions differ only in their
UNH names and in the model fields DTM+90/91 carry (an
:class:`~medbridge.letters.shared.discharge_edifact_write.EpikriseVersion`). Segment layouts
shared with REF01 are in :mod:`~medbridge.letters.shared.edifact`; XML element names come from
the shared epikrise table (:mod:`~medbridge.letters.shared.discharge_xml`).

Unit keys (see :mod:`~medbridge.codecs.edifact.provenance`): ``UNH``, ``BGM``, ``DTM.137``,
``S01.<role>``, ``S02``, ``S05``, ``S07``, ``S09#n``, ``S11``, ``S14.diag#n``, ``S14.text#n``,
``S14.refs#n`` and ``ref#n`` (one per reference FTX), each with ``/<segment>`` children.
"""

from __future__ import annotations

import functools

from medbridge.codecs.edifact.mapping import Reader
from medbridge.edifact.ftx import FtxBlock
from medbridge.edifact.groups import Group
from medbridge.edifact.segment import Segment
from medbridge.letters.shared.discharge_edifact_write import ROLES, Epikrise, EpikriseVersion, P
from medbridge.letters.shared.edifact import (
    MAX_CLINICAL_FTX,
    LetterContext,
    apply_address,
    read_adr,
    read_cin,
    read_relative_pna,
    read_repeated_cin,
)
from medbridge.letters.shared.edifact_codes import EPISODE_STATUS, LETTER_STATUS, RELATION
from medbridge.letters.shared.edifact_groups import party_of, read_party_parts, read_patient_group
from medbridge.letters.shared.edifact_references import REFERENCE_QUALIFIERS, read_reference
from medbridge.letters.shared.edifact_walk import (
    ANY,
    LetterDraft,
    LetterTable,
    PartyRole,
    SegmentReader,
    SegmentTable,
    claim_once,
    code_once,
    moment_once,
    reference_once,
)
from medbridge.model.codes import EpisodeOfCareStatus, StatusCode
from medbridge.model.common import (
    Contact,
    Diagnosis,
    LetterHeader,
    Moment,
    Referral,
)
from medbridge.model.epikrise import ClinicalInformation, Diagnoses

__all__ = ["LetterContext", "epikrise_table"]


class _Draft(LetterDraft):
    """What the groups of one DIS01 or DIS02 hold, collected while they are read."""

    __slots__ = (
        "contact",
        "counts",
        "first",
        "last",
        "main",
        "main_additional",
        "others",
        "patient_status",
        "referral",
        "s11",
        "status",
        "texts",
        "version",
    )

    def __init__(self, version: EpikriseVersion, s11: SegmentTable[_Draft]) -> None:
        super().__init__()
        self.version = version
        self.s11 = s11
        self.contact: Contact | None = None
        self.status: StatusCode | None = None
        self.referral: Referral | None = None
        self.first: Moment | None = None  # DTM+90: admission, or the first out-patient visit
        self.last: Moment | None = None  # DTM+91: discharge, or the last out-patient visit
        self.patient_status: EpisodeOfCareStatus | None = None
        self.main: Diagnosis | None = None
        self.main_additional: list[Diagnosis] = []
        self.others: list[Diagnosis] = []
        self.texts: list[ClinicalInformation] = []
        self.counts: dict[str, int] = {"diag": 0, "text": 0, "refs": 0, "S09": 0}

    def letter(self, header: LetterHeader) -> Epikrise | None:
        core = self.core(header, "SSP", "PO")
        if core is None or self.patient_status is None:
            return None
        header.status = self.status
        core["patient"].status = self.patient_status
        core["sender"].contact = self.contact
        diagnoses = None
        if self.main is not None or self.main_additional or self.others:
            diagnoses = Diagnoses(self.main, self.main_additional, self.others)
        return self.version.make(
            (self.first, self.last),
            **core,
            cc_receiver=self.parties.get("CCR"),
            referral=self.referral,
            diagnoses=diagnoses,
            clinical_information=self.texts,
        )


# ---------------------------------------------------------------------------------------------
# S01 parties, S02 letter status, S05 referral, S07 patient, S09 relatives


def _s01(r: Reader, group: Group, role: PartyRole, ctx: LetterContext, d: _Draft) -> None:
    parts = read_party_parts(r, group, role, nad_now=True)
    if role.code != "RSP":
        party = party_of(r, parts, role, ctx)
        if party is not None:
            d.parties[role.code] = party
    elif parts.identifier is not None:
        d.contact = Contact(parts.identifier, *parts.names)


_S02: SegmentTable[_Draft] = SegmentTable(
    {
        ("GIS", ANY): code_once(
            "S02/GIS", "GIS in S02", P["header.status"], LETTER_STATUS, 1, "status"
        ),
        ("RFF", ANY): claim_once("S02/RFF", "RFF in S02"),
        ("DTM", ANY): claim_once("S02/DTM", "DTM in S02"),
    }
)


def _s02(r: Reader, group: Group, d: _Draft) -> None:
    _S02.read(r, group.segments, d, "the S02 group")
    if d.status is None and "S02/GIS" not in r.units:
        r.missing("the letter status (S02 GIS)", group.trigger)


_REFERRAL = P["referral"]


def _refer(r: Reader, segment: Segment, referral: Referral) -> None:
    if r.once("S05/CIN.DI", segment, "CIN+DI"):
        referral.refer = read_cin(r, segment, kind=False, path=P["referral.refer"])


def _referral_additional(r: Reader, segment: Segment, referral: Referral) -> None:
    path = P["referral.additional"]
    read_repeated_cin(r, segment, "S05/CIN.DM", path, referral.additional, kind=False)


_S05: SegmentTable[Referral] = SegmentTable(
    {
        ("GIS", ANY): claim_once("S05/GIS", "GIS in S05"),
        ("RFF", ANY): reference_once(
            "S05/RFF", "RFF in S05", P["referral.identifier"], "identifier"
        ),
        ("DTM", "8"): moment_once("S05/DTM", "DTM+8 in S05", P["referral.received"], "received"),
        ("CIN", "DI"): _refer,
        ("CIN", "DM"): _referral_additional,
    }
)


def _s05(r: Reader, group: Group, d: _Draft) -> None:
    d.referral = referral = Referral()
    r.sources.record(_REFERRAL, group.trigger)
    _S05.read(r, group.segments, referral, "the S05 group")


def _s07(r: Reader, group: Group, d: _Draft) -> None:
    d.patient = read_patient_group(r, group, title_in_emp=False, path=P["patient"])


_RELATION = P.name("relatives.relation", "relatives")


def _s09(r: Reader, group: Group, d: _Draft) -> None:
    d.counts["S09"] += 1
    index = d.counts["S09"]
    key, path = f"S09#{index}", f"{P['relatives']}[{index}]"
    r.claim(key, group.trigger)
    relation = pna = address = None
    for segment in group.segments:
        tag = segment.tag
        if tag not in ("REL", "PNA", "ADR"):
            r.unknown(segment, "an S09 relative group")
        elif not r.once(f"{key}/{tag}", segment, f"{tag} in S09"):
            continue
        elif tag == "REL":
            r.sources.record_value(path + _RELATION, segment, 2, 1)
            relation = r.code(RELATION, segment, 2)
        elif tag == "PNA":
            pna = segment
        else:
            address = segment
    if pna is None:
        r.missing("the relative's name (S09 PNA+PAS)", group.trigger)
        return
    if relation is None:
        return
    relative = read_relative_pna(r, pna, relation, path)
    if relative is not None:
        if address is not None:
            apply_address(relative, read_adr(r, address, path))
        d.relatives.append(relative)


# ---------------------------------------------------------------------------------------------
# S11 episode: values for four XML parents (Letter, Patient, the visits, Diagnose)


def _main(r: Reader, segment: Segment, d: _Draft) -> None:
    if r.once("S11/CIN.A", segment, "CIN+A (main diagnosis)"):
        d.main = read_cin(r, segment, kind=False, path=P["diagnoses.main"])
        if d.main is not None:
            d.main.code_system = None


def _main_additional(r: Reader, segment: Segment, d: _Draft) -> None:
    path = P["diagnoses.main_additional"]
    diagnosis = read_repeated_cin(r, segment, "S11/CIN.DM", path, d.main_additional, kind=False)
    if diagnosis is not None:
        diagnosis.code_system = None


def _s11_table(version: EpikriseVersion) -> SegmentTable[_Draft]:
    """The S11 segments of a version: DTM+90/91 carry its own two visit fields."""
    return SegmentTable(
        {
            **_S11_SHARED,
            ("DTM", "90"): moment_once("S11/DTM.90", "DTM+90 in S11", version.first_path, "first"),
            ("DTM", "91"): moment_once("S11/DTM.91", "DTM+91 in S11", version.last_path, "last"),
        }
    )


_S11_SHARED: dict[tuple[str, str], SegmentReader[_Draft]] = {
    ("GIS", ANY): claim_once("S11/GIS", "GIS in S11"),
    ("SEQ", ANY): claim_once("S11/SEQ", "SEQ in S11"),
    ("RFF", "REI"): reference_once(
        "S11/RFF.REI", "RFF+REI in S11", P["header.episode_of_care_id"], "episode_id"
    ),
    ("RFF", "AHI"): claim_once("S11/RFF.AHI", "RFF+AHI in S11"),
    ("PAS", ANY): code_once(
        "S11/PAS", "PAS in S11", P["patient.status"], EPISODE_STATUS, 1, "patient_status"
    ),
    ("CIN", "A"): _main,
    ("CIN", "DM"): _main_additional,
}


def _s11(r: Reader, group: Group, d: _Draft) -> None:
    d.s11.read(r, group.segments, d, "the S11 episode group")
    if d.patient_status is None and "S11/PAS" not in r.units:
        r.missing("the episode-of-care status (S11 PAS)", group.trigger)
    for diagnosis in ([d.main] if d.main else []) + d.main_additional:
        if not diagnosis.code:
            r.missing("a main diagnosis code (CIN element 2, component 1)", group.trigger)


# ---------------------------------------------------------------------------------------------
# S14: a diagnosis (CIN), a clinical text (FTX+NC) or references (FTX+URL/SUP/BIN)


class _S14:
    """One S14 group being read: its unit key and path, and what it holds."""

    __slots__ = (
        "blocks",
        "diagnosis",
        "key",
        "letter",
        "moment",
        "path",
    )

    def __init__(self, key: str, path: str, letter: _Draft) -> None:
        self.key = key
        self.path = path
        self.letter = letter
        self.diagnosis: Diagnosis | None = None
        self.moment: Moment | None = None
        self.blocks: list[tuple[Segment, FtxBlock]] = []


def _reference(r: Reader, segment: Segment, g: _S14) -> None:
    references = g.letter.references
    r.claim(f"ref#{len(references) + 1}", segment)
    reference = read_reference(r, segment, f"{P['references']}[{len(references) + 1}]")
    if reference is not None:
        references.append(reference)


def _diagnosis(r: Reader, segment: Segment, g: _S14) -> None:
    if r.once(g.key + "/CIN", segment, "CIN in a diagnosis S14"):
        g.diagnosis = read_cin(r, segment, kind=True, path=g.path)


def _diagnosed(r: Reader, segment: Segment, g: _S14) -> None:
    if r.once(g.key + "/DTM", segment, "DTM+CIS"):
        g.moment = r.moment(segment, g.path + _DIAGNOSED)


def _signed(r: Reader, segment: Segment, g: _S14) -> None:
    if r.once(g.key + "/DTM", segment, "DTM+CIC"):
        g.moment = r.moment(segment, g.path + _SIGNED)


def _text(r: Reader, segment: Segment, g: _S14) -> None:
    qualifier = segment.value(1)
    if qualifier != "NC":
        r.error(
            "edifact.mapping.value",
            f"Clinical text in {g.letter.version.names.letter_type} uses FTX qualifier NC, "
            f"not {qualifier[:6]!r}.",
            segment,
            1,
        )
        return
    r.claim(g.key + "/FTX", segment)
    g.blocks.append((segment, r.ftx_block(segment)))


_DIAGNOSED = P.name("diagnoses.other.moment", "diagnoses.other")
_SIGNED = P.name("clinical_information.signed", "clinical_information")
_TEXT01 = P.name("clinical_information.text", "clinical_information")
_REFERENCES: dict[tuple[str, str], SegmentReader[_S14]] = {
    ("FTX", qualifier): _reference for qualifier in sorted(REFERENCE_QUALIFIERS)
}
_S14_READERS: dict[str, SegmentTable[_S14]] = {
    "diag": SegmentTable({**_REFERENCES, ("CIN", ANY): _diagnosis, ("DTM", "CIS"): _diagnosed}),
    "text": SegmentTable({**_REFERENCES, ("DTM", "CIC"): _signed, ("FTX", ANY): _text}),
    "refs": SegmentTable(_REFERENCES),
}
_S14_PATHS = {"diag": P["diagnoses.other"], "text": P["clinical_information"], "refs": ""}


def _s14_kind(segments: list[Segment]) -> str | None:
    """What an S14 group holds: a diagnosis (any CIN), a clinical text (an FTX that is not a
    reference), references only, or nothing MedCom accepts (None)."""
    if any(s.tag == "CIN" for s in segments):
        return "diag"
    ftx = [s.value(1) in REFERENCE_QUALIFIERS for s in segments if s.tag == "FTX"]
    if not ftx:
        return None
    return "refs" if all(ftx) else "text"


def _s14(r: Reader, group: Group, d: _Draft) -> None:
    kind = _s14_kind(group.segments)
    if kind is None:
        r.error(
            "edifact.mapping.missing",
            "An S14 group holds neither a diagnosis (CIN) nor text (FTX); MedCom rejects it.",
            group.trigger,
        )
        return
    d.counts[kind] += 1
    index = d.counts[kind]
    g = _S14(f"S14.{kind}#{index}", "", d)
    r.claim(g.key, group.trigger)
    if kind != "refs":  # each reference FTX has its own path
        g.path = f"{_S14_PATHS[kind]}[{index}]"
        r.sources.record(g.path, group.trigger)
    _S14_READERS[kind].read(r, group.segments, g, "this S14 group")
    if kind == "diag":
        _finish_diagnosis(r, group, g)
    elif g.blocks:
        _finish_text(r, group, g)


def _finish_diagnosis(r: Reader, group: Group, g: _S14) -> None:
    diagnosis = g.diagnosis
    if diagnosis is None:
        return
    diagnosis.moment = g.moment
    if diagnosis.kind is not None and diagnosis.code:
        g.letter.others.append(diagnosis)
    elif not diagnosis.code:
        r.missing("a diagnosis code (CIN element 2, component 1)", group.trigger)


def _finish_text(r: Reader, group: Group, g: _S14) -> None:
    if len(g.blocks) > MAX_CLINICAL_FTX:
        version = g.letter.version  # MedCom's DIS02 reader refuses the letter (§C.4)
        enforced = f" MedCom's own {version.names.letter_type} reader refuses more."
        r.warn(
            "edifact.mapping.too-many",
            f"The clinical S14 holds {len(g.blocks)} FTX; MedCom's limit is {MAX_CLINICAL_FTX}."
            + (enforced if version.nine_ftx_enforced else ""),
            group.trigger,
        )
    text = r.text(g.blocks, g.path + _TEXT01)
    if text is not None:
        g.letter.texts.append(ClinicalInformation(text, g.moment))


# ---------------------------------------------------------------------------------------------
# the table


def epikrise_table(version: EpikriseVersion) -> LetterTable[_Draft, Epikrise]:
    """How the body of one epikrise version is read: S01 roles, groups by number, the units a
    letter must hold."""
    return LetterTable(
        names=version.names,
        draft=functools.partial(_Draft, version, _s11_table(version)),
        letter=_Draft.letter,
        parties=ROLES,
        party=_s01,
        once={"02": _s02, "05": _s05, "07": _s07, "11": _s11},
        repeated={"09": _s09, "14": _s14},
        required=(
            ("S01.SSP", "the sender (S01 NAD+SSP)"),
            ("S01.PO", "the receiver (S01 NAD+PO)"),
            ("S02", "the letter status group S02"),
            ("S07", "the patient group S07"),
            ("S11", "the episode group S11"),
        ),
        claim_unknown=True,
    )
