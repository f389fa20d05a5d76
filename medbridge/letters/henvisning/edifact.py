"""MEDREF REF01 Sygehushenvisning, version H0130R ⇄ :class:`HospitalReferral`.

edifact-messages.md §7: :data:`TABLE` says how the groups are read (§7.4; the walk itself is
:func:`~medbridge.letters.shared.edifact_walk.read_body`) and :func:`build_letter`
(:mod:`~medbridge.letters.henvisning.edifact_write`) writes them in MedCom's order (§7.1). Note the
role swap against DIS01: ``PO`` is the sender (the GP), ``SSP`` the receiver (the hospital). The
S12 FTX of all clinical texts, the e-mail and the references are collected by qualifier across
all S12 groups and read once the walk is done. ``AdditionalInformation`` is always present when
read from EDIFACT (M2).

Unit keys: as DIS01 (``UNH``, ``BGM``, ``DTM.137``, ``S01.<role>``, ``S02``, ``S07``) plus
``S06``, ``S10``, ``S12`` (the whole packed S12 block is one unit), ``S18`` with ``S18/FTX#n``
per HospitalVisitation, and ``S19``.
"""

from __future__ import annotations

from medbridge.codecs.edifact.mapping import Reader, opt
from medbridge.codecs.edifact.sources import Fields
from medbridge.edifact.ftx import FtxBlock
from medbridge.edifact.groups import Group
from medbridge.edifact.segment import Segment
from medbridge.letters.henvisning.edifact_write import (
    CLINICAL_ELEMENTS,
    CLINICAL_QUALIFIERS,
    FTX_PER_S12,
    MAX_S12,
    NAMES,
    ROLES,
    P,
    build_letter,
)
from medbridge.letters.shared.edifact import (
    LetterContext,
    read_cin,
    read_relative_pna,
    read_repeated_cin,
)
from medbridge.letters.shared.edifact_codes import (
    IDENTIFIER_TYPE,
    INFORMATION_CODE,
    PRIORITY,
    REFERRAL_STATUS,
    RELATION,
    TRANSPORT,
)
from medbridge.letters.shared.edifact_groups import party_of, read_party_parts, read_patient_group
from medbridge.letters.shared.edifact_references import REFERENCE_QUALIFIERS, read_reference
from medbridge.letters.shared.edifact_walk import (
    ANY,
    LetterDraft,
    LetterTable,
    PartyRole,
    SegmentTable,
    claim_once,
    code_once,
)
from medbridge.model.codes import StatusCode
from medbridge.model.common import (
    LetterHeader,
    Reference,
    Referral,
    Referrer,
)
from medbridge.model.henvisning import (
    AdditionalInformation,
    HospitalReferral,
    HospitalVisitation,
    RelevantClinicalInformation,
)

__all__ = [
    "LETTER_TYPE",
    "MESSAGE_TYPE",
    "TABLE",
    "VERSION",
    "build_letter",
    "read_letter",
]

MESSAGE_TYPE = NAMES.message_type
VERSION = NAMES.version
LETTER_TYPE = NAMES.letter_type


_REFERRER = P["sender.referrer"]
#: Source map rows (path suffix, element, component) of NAD+BV and of an S18 FTX.
_NAD_REFERRER_FIELDS: Fields = (
    ("", None, None),
    *(
        (P.name("sender.referrer." + name, "sender.referrer"), element, component)
        for name, element, component in (
            ("identifier", 2, 1),
            ("identifier_code", 2, 2),
            ("person_title", 4, 1),
            ("person_name", 4, 2),
        )
    ),
)
_VISITATION = P["hospital_visitations"]
_VISITATION_FIELDS: Fields = (
    ("", None, None),
    (P.name("hospital_visitations.code", "hospital_visitations"), 1, 1),
)
_INFORMATION = P.name("hospital_visitations.information", "hospital_visitations")


class _Draft(LetterDraft):
    """What the groups of one REF01 hold, collected while they are read."""

    __slots__ = (
        "additional",
        "reason",
        "referral",
        "referrer",
        "remarks",
        "s12",
        "s12_texts",
        "visitations",
    )

    def __init__(self) -> None:
        super().__init__()
        self.referrer: Referrer | None = None
        self.referral: Referral = Referral()
        self.additional: AdditionalInformation = AdditionalInformation()
        self.s12: list[Segment] = []
        self.visitations: list[HospitalVisitation] = []
        self.reason: list[tuple[Segment, FtxBlock]] = []
        self.remarks: list[tuple[Segment, FtxBlock]] = []
        self.s12_texts: _S12 | None = None

    def finish(self, r: Reader) -> None:
        """S12 (collected across its groups) and the texts of S02 and S19."""
        self.s12_texts = _read_s12(r, self.s12)
        self.references = self.s12_texts.references
        if self.reason:
            path = P["additional_information.clinical_reason"]
            self.additional.clinical_reason = r.text(self.reason, path)
        if self.remarks:
            path = P["additional_information.supplementary"]
            self.additional.supplementary = r.text(self.remarks, path)

    def letter(self, header: LetterHeader) -> HospitalReferral | None:
        core, referrer, s12 = self.core(header, "PO", "SSP"), self.referrer, self.s12_texts
        if core is None or referrer is None:
            return None
        assert s12 is not None  # finish() ran
        header.status = StatusCode.NEW
        core["patient"].email = s12.email
        core["sender"].referrer = referrer
        referral = self.referral
        has_referral = referral.refer is not None or bool(referral.additional)
        return HospitalReferral(
            **core,
            answer_cc_receiver=self.parties.get("PRH"),
            additional_information=self.additional,
            referral=referral if has_referral else None,
            relevant_clinical_information=s12.clinical,
            hospital_visitations=self.visitations,
        )


# ---------------------------------------------------------------------------------------------
# S01 parties, S02 letter and referral, S06, S07 patient, S10 relative


def _s01(r: Reader, group: Group, role: PartyRole, ctx: LetterContext, d: _Draft) -> None:
    parts = read_party_parts(r, group, role, nad_now=False)
    if parts.nad is None:
        return
    if role.code == "BV":
        d.referrer = _referrer(r, parts.nad)
        return
    party = party_of(r, parts, role, ctx)
    if party is not None:
        d.parties[role.code] = party


def _referrer(r: Reader, nad: Segment) -> Referrer | None:
    r.sources.record(_REFERRER, nad, _NAD_REFERRER_FIELDS)
    name = nad.value(4, 2)
    if not name:
        r.missing("the referrer's name (NAD+BV element 4, component 2)", nad)
        return None
    ident = opt(nad.value(2, 1))
    code = r.code(IDENTIFIER_TYPE, nad, 2, 2) if ident else None
    return Referrer(
        person_name=name, identifier=ident, identifier_code=code, person_title=opt(nad.value(4, 1))
    )


def _status(r: Reader, segment: Segment, d: _Draft) -> None:
    qualifier = segment.value(1)
    if r.once("S02/GIS", segment, "GIS in S02") and qualifier != "N":
        r.error(
            "edifact.mapping.value",
            f"REF01 status must be N (nytbrev), not {qualifier[:6]!r}; a corrected "
            "REF01 has no EDIFACT form (MedCom rejects M).",
            segment,
            1,
        )


def _episode(r: Reader, segment: Segment, d: _Draft) -> None:
    if r.once("S02/RFF", segment, "RFF+ROI in S02"):
        r.sources.record_value(P["header.episode_of_care_id"], segment, 1, 2)
        value = segment.value(1, 2)
        d.episode_id = None if value in ("", "_") else value


def _refer(r: Reader, segment: Segment, d: _Draft) -> None:
    if r.once("S02/CIN.H", segment, "CIN+H (referral diagnosis)"):
        d.referral.refer = read_cin(r, segment, kind=False, path=P["referral.refer"])


def _referral_additional(r: Reader, segment: Segment, d: _Draft) -> None:
    additional = d.referral.additional
    read_repeated_cin(r, segment, "S02/CIN", P["referral.additional"], additional, kind=True)


def _reason(r: Reader, segment: Segment, d: _Draft) -> None:
    r.claim("S02/FTX", segment)
    d.reason.append((segment, r.ftx_block(segment)))


_S02: SegmentTable[_Draft] = SegmentTable(
    {
        ("GIS", ANY): _status,
        ("RFF", "ROI"): _episode,
        ("DTM", "4"): claim_once("S02/DTM", "DTM+4 in S02"),
        ("CIN", "H"): _refer,
        ("CIN", ANY): _referral_additional,
        ("FTX", "DI"): _reason,
    }
)


def _s02(r: Reader, group: Group, d: _Draft) -> None:
    _S02.read(r, group.segments, d, "the S02 group")


_S06: SegmentTable[_Draft] = SegmentTable({("STS", ANY): claim_once("S06/STS", "STS in S06")})


def _s06(r: Reader, group: Group, d: _Draft) -> None:
    _S06.read(r, group.segments, d, "the S06 group")


def _s07(r: Reader, group: Group, d: _Draft) -> None:
    d.patient = read_patient_group(r, group, title_in_emp=True, path=P["patient"])


def _s10(r: Reader, group: Group, d: _Draft) -> None:
    relation = pna = None
    for segment in group.segments:
        tag = segment.tag
        if tag not in ("REL", "PNA"):
            r.unknown(segment, "the S10 relative group")
        elif not r.once(f"S10/{tag}", segment, f"{tag} in S10"):
            continue
        elif tag == "REL":
            r.sources.record_value(P["relatives.relation"], segment, 2, 1)
            relation = r.code(RELATION, segment, 2)
        else:
            pna = segment
    if pna is None:
        r.missing("the relative's name (S10 PNA+PAS)", group.trigger)
        return
    if relation is not None:
        relative = read_relative_pna(r, pna, relation, P["relatives"])
        if relative is not None:
            d.relatives.append(relative)


# ---------------------------------------------------------------------------------------------
# S12: clinical texts, the patient's e-mail and references, across all S12 groups


def _s12(r: Reader, group: Group, d: _Draft) -> None:
    r.claim("S12", group.trigger)
    for segment in group.segments:
        r.claim("S12", segment)
        d.s12.append(segment)


class _S12:
    """What the S12 FTX held, by qualifier."""

    __slots__ = (
        "clinical",
        "email",
        "references",
        "texts",
    )

    def __init__(self) -> None:
        self.texts: dict[str, list[tuple[Segment, FtxBlock]]] = {
            qualifier: [] for qualifier, _ in CLINICAL_QUALIFIERS
        }
        self.references: list[Reference] = []
        self.email: str | None = None
        self.clinical: RelevantClinicalInformation | None = None

    def read_texts(self, r: Reader) -> None:
        """The clinical texts, each from all FTX of its qualifier."""
        for qualifier, field_name, element in CLINICAL_ELEMENTS:
            if self.texts[qualifier]:
                text = r.text(self.texts[qualifier], _CLINICAL + element)
                if text is not None:
                    self.clinical = self.clinical or RelevantClinicalInformation()
                    setattr(self.clinical, field_name, text)


_CLINICAL = P["relevant_clinical_information"]


def _email(r: Reader, segment: Segment, s12: _S12) -> None:
    if s12.email is not None:
        r.duplicate(segment, "patient e-mail (FTX+IN)")
    r.sources.record_value(P["patient.email"], segment, 4, 1)
    s12.email = segment.value(4, 1) or None


def _clinical_text(r: Reader, segment: Segment, s12: _S12) -> None:
    s12.texts[segment.value(1)].append((segment, r.ftx_block(segment)))


def _reference(r: Reader, segment: Segment, s12: _S12) -> None:
    path = f"{P['references']}[{len(s12.references) + 1}]"
    reference = read_reference(r, segment, path)
    if reference is not None:
        s12.references.append(reference)


def _pregnancy(r: Reader, segment: Segment, s12: _S12) -> None:
    r.error(
        "edifact.mapping.unknown-segment",
        "FTX+PR (pregnancy) is not allowed in REF01 (MedCom's reader rejects it).",
        segment,
        1,
    )


def _other_qualifier(r: Reader, segment: Segment, s12: _S12) -> None:
    r.error(
        "edifact.mapping.value",
        f"FTX qualifier {segment.value(1)[:6]!r} is not used in S12 (IN, NC, CF, MT, AL, BIN, "
        "URL, SUP).",
        segment,
        1,
    )


_S12_TABLE: SegmentTable[_S12] = SegmentTable(
    {
        ("FTX", "IN"): _email,
        **{("FTX", qualifier): _clinical_text for qualifier, _ in CLINICAL_QUALIFIERS},
        **{("FTX", qualifier): _reference for qualifier in sorted(REFERENCE_QUALIFIERS)},
        ("FTX", "PR"): _pregnancy,
        ("FTX", ANY): _other_qualifier,
    }
)


def _read_s12(r: Reader, segments: list[Segment]) -> _S12:
    s12 = _S12()
    _S12_TABLE.read(r, segments, s12, "an S12 group")
    ftx_count = sum(1 for segment in segments if segment.tag == "FTX")
    if ftx_count > FTX_PER_S12 * MAX_S12 and segments:
        r.warn(
            "edifact.mapping.too-many",
            f"S12 holds {ftx_count} FTX; MedCom allows at most {FTX_PER_S12 * MAX_S12}.",
            segments[0],
        )
    s12.read_texts(r)
    return s12


# ---------------------------------------------------------------------------------------------
# S18 priority, referral status and hospital visitations; S19 transport and remarks

_PRIORITY = P["additional_information.priority"]
_STATUS = P["additional_information.referral_status"]
_TRANSPORT = P["additional_information.transport"]


def _visitation(r: Reader, segment: Segment, d: _Draft) -> None:
    index = len(d.visitations) + 1
    path = f"{_VISITATION}[{index}]"
    r.claim(f"S18/FTX#{index}", segment)
    r.sources.record(path, segment, _VISITATION_FIELDS)
    code = r.code(INFORMATION_CODE, segment, 1)
    text = r.text([(segment, r.ftx_block(segment))], path + _INFORMATION)
    if code is not None and text is not None:
        d.visitations.append(HospitalVisitation(code, text))


_S18: SegmentTable[_Draft] = SegmentTable(
    {
        ("GIS", ANY): claim_once("S18/GIS", "GIS in S18"),
        ("PTY", ANY): code_once(
            "S18/PTY", "PTY in S18", _PRIORITY, PRIORITY, 2, "additional.priority"
        ),
        ("PAS", ANY): code_once(
            "S18/PAS", "PAS in S18", _STATUS, REFERRAL_STATUS, 1, "additional.referral_status"
        ),
        ("FTX", ANY): _visitation,
    }
)


def _s18(r: Reader, group: Group, d: _Draft) -> None:
    _S18.read(r, group.segments, d, "the S18 group")


def _remark(r: Reader, segment: Segment, d: _Draft) -> None:
    r.claim("S19/FTX", segment)
    d.remarks.append((segment, r.ftx_block(segment)))


_S19: SegmentTable[_Draft] = SegmentTable(
    {
        ("STS", ANY): claim_once("S19/STS", "STS in S19"),
        ("TDT", ANY): code_once(
            "S19/TDT", "TDT in S19", _TRANSPORT, TRANSPORT, 3, "additional.transport"
        ),
        ("FTX", "COT"): _remark,
    }
)


def _s19(r: Reader, group: Group, d: _Draft) -> None:
    _S19.read(r, group.segments, d, "the S19 group")


# ---------------------------------------------------------------------------------------------
# the table


TABLE: LetterTable[_Draft, HospitalReferral] = LetterTable(
    names=NAMES,
    draft=_Draft,
    letter=_Draft.letter,
    parties=ROLES,
    party=_s01,
    once={"02": _s02, "06": _s06, "07": _s07, "10": _s10, "18": _s18, "19": _s19},
    repeated={"12": _s12},
    required=(
        ("S01.PO", "the sender (S01 NAD+PO)"),
        ("S01.SSP", "the receiver (S01 NAD+SSP)"),
        ("S01.BV", "the referrer (S01 NAD+BV)"),
        ("S02", "the letter group S02"),
        ("S07", "the patient group S07"),
    ),
)
"""How a REF01 body is read: S01 roles, groups by number, the units a letter must hold."""

read_letter = TABLE.read
"""Map one message body (findings and units go to the reader); None when it holds no letter."""
