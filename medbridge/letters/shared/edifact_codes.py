"""The code tables of MEDDIS DIS01 and MEDREF REF01 (edifact-messages.md §8), as data.

Each table pairs a wire code with a model enumeration member. Codes are compared exactly:
case-sensitive, untrimmed, no numeric normalisation (``030`` is not ``30``). A
:class:`CodeTable` decodes (wire → member, ``None`` when unknown) and encodes (member → wire,
``None`` when the member has no wire code). Codes accepted on reading only (``SND``) are listed
separately, so that the writer never produces them.

The MedCom defects of §8 are corrected here [POL]: ``dermato_venerologi_praksis`` is written as
AFSSPEC ``2504`` (MedCom writes ``2511``, which reads back as ``klinisk_kemi``), and ``xls`` and
``plo`` are written as ``XLS`` and ``PLO``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Generic, TypeVar, cast

from medbridge.model.codes import (
    AcknowledgementCode,
    CodeSystem,
    DiagnosisKind,
    EpisodeOfCareStatus,
    IdentifierCode,
    InformationCode,
    MedicalSpeciality,
    ObjectCode,
    ObjectExtension,
    Priority,
    ReferralStatus,
    RelationCode,
    StatusCode,
    TelephoneKind,
    Transport,
)

__all__ = [
    "ACKNOWLEDGEMENT",
    "CODE_SYSTEM",
    "DIAGNOSIS_KIND",
    "EPISODE_STATUS",
    "IDENTIFIER_TYPE",
    "INFORMATION_CODE",
    "LETTER_STATUS",
    "OBJECT_CODE",
    "OBJECT_EXTENSION",
    "PARTY_AGENCY",
    "PRIORITY",
    "REFERRAL_STATUS",
    "RELATION",
    "SPECIALITY",
    "TELEPHONE_KIND",
    "TRANSPORT",
    "CodeTable",
]

E = TypeVar("E", bound=enum.Enum)


@dataclass(frozen=True, slots=True)
class CodeTable(Generic[E]):
    """A two-way table between wire codes and one enumeration.

    ``pairs`` are written and read; ``read_only`` codes are accepted on reading (usually with a
    warning from the mapping) and never written.
    """

    name: str
    pairs: tuple[tuple[str, E], ...]
    read_only: Mapping[str, E] = field(default_factory=lambda: MappingProxyType({}))
    _by_wire: Mapping[str, E] = field(init=False, repr=False, compare=False)
    _by_value: Mapping[E, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_wire: dict[str, E] = {}
        by_value: dict[E, str] = {}
        for wire, member in self.pairs:
            if wire in by_wire or member in by_value:
                raise ValueError(f"{self.name}: duplicate pair {wire!r} ⇄ {member!r}")
            by_wire[wire] = member
            by_value[member] = wire
        object.__setattr__(self, "_by_wire", MappingProxyType(by_wire))
        object.__setattr__(self, "_by_value", MappingProxyType(by_value))

    def decode(self, wire: str) -> E | None:
        """The member for ``wire`` (read-only codes included), or None when unknown."""
        found = self._by_wire.get(wire)
        if found is None:
            found = self.read_only.get(wire)
        return found

    def encode(self, value: object) -> str | None:
        """The wire code for ``value`` (a member or its value string), or None."""
        if isinstance(value, enum.Enum):
            return self._by_value.get(cast(E, value))
        for member, wire in self._by_value.items():
            if member.value == value:
                return wire
        return None

    def is_read_only(self, wire: str) -> bool:
        return wire not in self._by_wire and wire in self.read_only

    def wire_codes(self) -> tuple[str, ...]:
        return tuple(wire for wire, _ in self.pairs)


# §8.1 IdentifierCode ⇄ NAD E2.2 (id type). The writer's agency (E2.3) is PARTY_AGENCY.
IDENTIFIER_TYPE: CodeTable[IdentifierCode] = CodeTable(
    "IdentifierCode",
    (
        ("SKS", IdentifierCode.SKS_DEPARTMENT),
        ("YNR", IdentifierCode.YDERNUMMER),
        ("SOR", IdentifierCode.SOR),
        ("KOM", IdentifierCode.KOMMUNENUMMER),
        ("", IdentifierCode.GLN),
    ),
    MappingProxyType({"EAN": IdentifierCode.GLN}),
)
#: NAD E2.3, the agency MedCom writes for each id type (``lokationsnummer``: empty type, ``9``).
PARTY_AGENCY: Mapping[IdentifierCode, str] = MappingProxyType(
    {
        IdentifierCode.SKS_DEPARTMENT: "SST",
        IdentifierCode.YDERNUMMER: "SFU",
        IdentifierCode.SOR: "SST",
        IdentifierCode.KOMMUNENUMMER: "IM",
        IdentifierCode.GLN: "9",
    }
)

# §8.2 MedicalSpecialityCode ⇄ SPR E2.1 (AFSSPEC), all 73 pairs; 2504 written for
# dermato_venerologi_praksis [POL].
_M = MedicalSpeciality
SPECIALITY: CodeTable[MedicalSpeciality] = CodeTable(
    "MedicalSpecialityCode",
    (
        ("99", _M.IKKEKLASSIFICERET),
        ("1", _M.INTERN_MEDICIN_SYGEHUS),
        ("2", _M.GERIATRI),
        ("3", _M.HEPATOLOGI),
        ("4", _M.HAEMATOLOGI),
        ("5", _M.INFEKTIONSMEDICIN),
        ("6", _M.KARDIOLOGI),
        ("7", _M.MED_ALLERGOLOGI),
        ("8", _M.MED_ENDOKRINOLOGI),
        ("9", _M.MED_GASTROENTEROLOGI),
        ("10", _M.MED_LUNGESYGDOMME),
        ("11", _M.NEFROLOGI),
        ("12", _M.REUMATOLOGI),
        ("18", _M.DERMATO_VENEROLOGI_SYGEHUS),
        ("20", _M.NEUROLOGI),
        ("22", _M.ONKOLOGI),
        ("30", _M.KIRURGI_SYGEHUS),
        ("31", _M.KARKIRURGI),
        ("32", _M.KIR_GASTROENTEROLOGI),
        ("33", _M.PLASTIKKIRURGI),
        ("34", _M.THORAXKIRURGI),
        ("35", _M.UROLOGI),
        ("38", _M.GYNAEKOLOGI_OBSTETRIK_SYGEHUS),
        ("40", _M.NEUROKIRURGI),
        ("42", _M.ORTOPAEDISK_KIRURGI_SYGEHUS),
        ("44", _M.OFTALMOLOGI),
        ("46", _M.OTO_RHINO_LARYNGOLOGI),
        ("48", _M.HOSPITALSODONTOLOGI),
        ("50", _M.PSYKIATRI_SYGEHUS),
        ("52", _M.BOERNE_UNGDOMSPSYKIATRI),
        ("60", _M.KLIN_BIOKEMI),
        ("61", _M.KLIN_FYS_NUKLEARMEDICIN),
        ("62", _M.KLIN_IMMUNOLOGI),
        ("63", _M.KLIN_MIKROBIOLOGI),
        ("64", _M.KLIN_NEUROFYSIOLOGI),
        ("65", _M.PATOLOGISK_ANATOMI),
        ("66", _M.DIAGNOSTISK_RADIOLOGI),
        ("67", _M.KLIN_FARMAKOLOGI),
        ("68", _M.KLIN_GENETIK),
        ("80", _M.PAEDIATRI_SYGEHUS),
        ("84", _M.ANAESTESIOLOGI_SYGEHUS),
        ("86", _M.ARBEJDSMEDICIN),
        ("90", _M.ALMEN_MEDICIN),
        ("91", _M.SAMFUNDSMEDICIN),
        ("580", _M.ALMENLAEGE_LAEGEVAGT),
        ("1519", _M.OEJENLAEGE),
        ("2021", _M.OERE_NAESE_HALSLAEGE),
        ("2501", _M.ANAESTESIOLOGI_PRAKSIS),
        ("2503", _M.ROENTGEN_KBH),
        ("2504", _M.DERMATO_VENEROLOGI_PRAKSIS),
        ("2505", _M.ROENTGEN),
        ("2506", _M.REUMATOLOGI_FYSIURGI),
        ("2507", _M.GYNAEKOLOGI_OBSTETRIK_PRAKSIS),
        ("2508", _M.INTERN_MEDICIN_PRAKSIS),
        ("2509", _M.KIRURGI_PRAKSIS),
        ("2511", _M.KLINISK_KEMI),
        ("2518", _M.NEUROMEDICIN),
        ("2520", _M.ORTOPAEDISK_KIRURGI_PRAKSIS),
        ("2522", _M.PATOLOGI),
        ("2523", _M.PLASTKIRURGI),
        ("2524", _M.PSYKIATRI_PRAKSIS),
        ("2525", _M.PAEDIATRI),
        ("2526", _M.BOERNEPSYKIATRI),
        ("2528", _M.TROPEMEDICIN),
        ("4050", _M.TANDLAEGE),
        ("4551", _M.FYSIOTERAPI),
        ("5053", _M.KIROPRAKTOR),
        ("5552", _M.BRILLER),
        ("6054", _M.FODTERAPI),
        ("6055", _M.FODBEHANDLING),
        ("7045", _M.MED_LABORATORIER),
        ("7046", _M.OMEGNSLABORATORIER),
        ("9463", _M.PSYKOLOG),
    ),
)

# §8.3 DiagnoseDescriptionCode ⇄ CIN E1.1.
DIAGNOSIS_KIND: CodeTable[DiagnosisKind] = CodeTable(
    "DiagnoseDescriptionCode",
    (
        ("DI", DiagnosisKind.UNSPECIFIED),
        ("H", DiagnosisKind.REFERRAL),
        ("B", DiagnosisKind.SECONDARY),
        ("DM", DiagnosisKind.SUPPLEMENTARY),
        ("A", DiagnosisKind.ACTION),
        ("G", DiagnosisKind.GRUNDMORBUS),
        ("M", DiagnosisKind.PROVISIONAL),
        ("S", DiagnosisKind.EPISODE),
        ("TR", DiagnosisKind.OPERATION),
        ("IN", DiagnosisKind.RADIOLOGY),
    ),
)

# §8.4 DiagnoseTypeCode ⇄ CIN E2.2. The agency (E2.3) depends on the letter, see the mappings.
CODE_SYSTEM: CodeTable[CodeSystem] = CodeTable(
    "DiagnoseTypeCode",
    (("SKS", CodeSystem.SKS), ("USP", CodeSystem.UNSPECIFIED), ("ICP", CodeSystem.ICPC)),
)

# §8.5 EpisodeOfCareStatusCode ⇄ PAS E1.1 (DIS01 S11).
EPISODE_STATUS: CodeTable[EpisodeOfCareStatus] = CodeTable(
    "EpisodeOfCareStatusCode",
    (
        ("POT", EpisodeOfCareStatus.INACTIVE),
        ("HS", EpisodeOfCareStatus.INPATIENT),
        ("HA", EpisodeOfCareStatus.OUTPATIENT),
        ("DA", EpisodeOfCareStatus.DECEASED),
        ("REQ", EpisodeOfCareStatus.OUTPATIENT_RADIOLOGY),
    ),
)

# §8.6 RelationCode ⇄ REL E2.1.
RELATION: CodeTable[RelationCode] = CodeTable(
    "RelationCode",
    (
        ("GU", RelationCode.UNSPECIFIED),
        ("MO", RelationCode.MOTHER),
        ("FA", RelationCode.FATHER),
        ("SD", RelationCode.CHILD),
    ),
)

# §8.7 StatusCode ⇄ S02 GIS E1.1 (REF01 accepts only N; the mapping enforces that).
LETTER_STATUS: CodeTable[StatusCode] = CodeTable(
    "StatusCode", (("N", StatusCode.NEW), ("M", StatusCode.CORRECTED))
)

# §8.8–§8.10 REF01 logistics.
PRIORITY: CodeTable[Priority] = CodeTable(
    "Priority",
    (("WA", Priority.ELECTIVE), ("AC", Priority.ACUTE), ("SA", Priority.SPECIAL)),
)
REFERRAL_STATUS: CodeTable[ReferralStatus] = CodeTable(
    "ReferralStatus", (("HA", ReferralStatus.OUTPATIENT), ("HS", ReferralStatus.ADMISSION))
)
TRANSPORT: CodeTable[Transport] = CodeTable(
    "Transport",
    (("TX", Transport.NONE), ("ST", Transport.LYING), ("SI", Transport.SEATED)),
)

# §8.11 HospitalVisitation InformationCode ⇄ S18 FTX E1.1.
INFORMATION_CODE: CodeTable[InformationCode] = CodeTable(
    "InformationCode",
    (
        ("US", InformationCode.UNSTRUCTURED),
        ("EL", InformationCode.OWN_GP),
        ("HV", InformationCode.REFERRAL_RECEIVED),
        ("VI", InformationCode.TRIAGE),
        ("IK", InformationCode.CALLED_IN),
        ("AF", InformationCode.ADMITTED_TO),
        ("UA", InformationCode.PAYMENT_GUARANTEE),
    ),
)

# §8.12 Patient TelephoneSubscriberCode ⇄ CON E1.1 (REF01 S07).
TELEPHONE_KIND: CodeTable[TelephoneKind] = CodeTable(
    "TelephoneSubscriberCode",
    (("HO", TelephoneKind.LANDLINE), ("CE", TelephoneKind.MOBILE), ("WO", TelephoneKind.WORK)),
)

# §8.14 AcknowledgementCode ⇄ UNB E9 (empty or absent also reads as minuspositivkvitt).
ACKNOWLEDGEMENT: CodeTable[AcknowledgementCode] = CodeTable(
    "AcknowledgementCode",
    (("0", AcknowledgementCode.NO_POSITIVE), ("1", AcknowledgementCode.POSITIVE_WANTED)),
)

# §8.15 Reference codes: ObjectCode (FTX E4.3) with SND read as multimedie ("not approved").
OBJECT_CODE: CodeTable[ObjectCode] = CodeTable(
    "ObjectCode",
    (
        ("TXT", ObjectCode.TEXT_FILE),
        ("IMG", ObjectCode.IMAGE),
        ("PRG", ObjectCode.PROGRAM),
        ("VGR", ObjectCode.VECTOR_GRAPHICS),
        ("BSG", ObjectCode.BIOSIGNALS),
        ("MUL", ObjectCode.MULTIMEDIA),
        ("PRP", ObjectCode.PROPRIETARY),
    ),
    MappingProxyType({"SND": ObjectCode.MULTIMEDIA}),
)

# ObjectExtensionCode (FTX E4.4): upper case of the XML value, except TIF and JPG.
_EXTENSION_WIRE = {ObjectExtension.TIFF: "TIF", ObjectExtension.JPEG: "JPG"}
OBJECT_EXTENSION: CodeTable[ObjectExtension] = CodeTable(
    "ObjectExtensionCode",
    tuple((_EXTENSION_WIRE.get(ext, ext.value.upper()), ext) for ext in ObjectExtension),
)
