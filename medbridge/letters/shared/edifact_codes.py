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

from medbridge.model import codes

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
    "table",
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


def table(
    name: str, members: type[E], rows: str, read_only: Mapping[str, E] | None = None
) -> CodeTable[E]:
    """A :class:`CodeTable` from ``rows``: one pair a line, the wire code then the member name,
    as the tables of §8 print them."""
    pairs = tuple(
        (wire, members[member])
        for wire, member in (row.split() for row in rows.strip().splitlines())
    )
    return CodeTable(name, pairs, MappingProxyType(dict(read_only or {})))


# §8.1 IdentifierCode ⇄ NAD E2.2 (id type). The writer's agency (E2.3) is PARTY_AGENCY.
IDENTIFIER_TYPE: CodeTable[codes.IdentifierCode] = CodeTable(
    "IdentifierCode",
    (
        ("SKS", codes.IdentifierCode.SKS_DEPARTMENT),
        ("YNR", codes.IdentifierCode.YDERNUMMER),
        ("SOR", codes.IdentifierCode.SOR),
        ("KOM", codes.IdentifierCode.KOMMUNENUMMER),
        ("", codes.IdentifierCode.GLN),
    ),
    MappingProxyType({"EAN": codes.IdentifierCode.GLN}),
)
#: NAD E2.3, the agency MedCom writes for each id type (``lokationsnummer``: empty type, ``9``).
PARTY_AGENCY: Mapping[codes.IdentifierCode, str] = MappingProxyType(
    {
        codes.IdentifierCode.SKS_DEPARTMENT: "SST",
        codes.IdentifierCode.YDERNUMMER: "SFU",
        codes.IdentifierCode.SOR: "SST",
        codes.IdentifierCode.KOMMUNENUMMER: "IM",
        codes.IdentifierCode.GLN: "9",
    }
)

# §8.2 MedicalSpecialityCode ⇄ SPR E2.1 (AFSSPEC), all 73 pairs; 2504 written for
# dermato_venerologi_praksis [POL].
SPECIALITY: CodeTable[codes.MedicalSpeciality] = table(
    "MedicalSpecialityCode",
    codes.MedicalSpeciality,
    """
99    IKKEKLASSIFICERET
1     INTERN_MEDICIN_SYGEHUS
2     GERIATRI
3     HEPATOLOGI
4     HAEMATOLOGI
5     INFEKTIONSMEDICIN
6     KARDIOLOGI
7     MED_ALLERGOLOGI
8     MED_ENDOKRINOLOGI
9     MED_GASTROENTEROLOGI
10    MED_LUNGESYGDOMME
11    NEFROLOGI
12    REUMATOLOGI
18    DERMATO_VENEROLOGI_SYGEHUS
20    NEUROLOGI
22    ONKOLOGI
30    KIRURGI_SYGEHUS
31    KARKIRURGI
32    KIR_GASTROENTEROLOGI
33    PLASTIKKIRURGI
34    THORAXKIRURGI
35    UROLOGI
38    GYNAEKOLOGI_OBSTETRIK_SYGEHUS
40    NEUROKIRURGI
42    ORTOPAEDISK_KIRURGI_SYGEHUS
44    OFTALMOLOGI
46    OTO_RHINO_LARYNGOLOGI
48    HOSPITALSODONTOLOGI
50    PSYKIATRI_SYGEHUS
52    BOERNE_UNGDOMSPSYKIATRI
60    KLIN_BIOKEMI
61    KLIN_FYS_NUKLEARMEDICIN
62    KLIN_IMMUNOLOGI
63    KLIN_MIKROBIOLOGI
64    KLIN_NEUROFYSIOLOGI
65    PATOLOGISK_ANATOMI
66    DIAGNOSTISK_RADIOLOGI
67    KLIN_FARMAKOLOGI
68    KLIN_GENETIK
80    PAEDIATRI_SYGEHUS
84    ANAESTESIOLOGI_SYGEHUS
86    ARBEJDSMEDICIN
90    ALMEN_MEDICIN
91    SAMFUNDSMEDICIN
580   ALMENLAEGE_LAEGEVAGT
1519  OEJENLAEGE
2021  OERE_NAESE_HALSLAEGE
2501  ANAESTESIOLOGI_PRAKSIS
2503  ROENTGEN_KBH
2504  DERMATO_VENEROLOGI_PRAKSIS
2505  ROENTGEN
2506  REUMATOLOGI_FYSIURGI
2507  GYNAEKOLOGI_OBSTETRIK_PRAKSIS
2508  INTERN_MEDICIN_PRAKSIS
2509  KIRURGI_PRAKSIS
2511  KLINISK_KEMI
2518  NEUROMEDICIN
2520  ORTOPAEDISK_KIRURGI_PRAKSIS
2522  PATOLOGI
2523  PLASTKIRURGI
2524  PSYKIATRI_PRAKSIS
2525  PAEDIATRI
2526  BOERNEPSYKIATRI
2528  TROPEMEDICIN
4050  TANDLAEGE
4551  FYSIOTERAPI
5053  KIROPRAKTOR
5552  BRILLER
6054  FODTERAPI
6055  FODBEHANDLING
7045  MED_LABORATORIER
7046  OMEGNSLABORATORIER
9463  PSYKOLOG
""",
)

# §8.3 DiagnoseDescriptionCode ⇄ CIN E1.1.
DIAGNOSIS_KIND: CodeTable[codes.DiagnosisKind] = table(
    "DiagnoseDescriptionCode",
    codes.DiagnosisKind,
    """
DI  UNSPECIFIED
H   REFERRAL
B   SECONDARY
DM  SUPPLEMENTARY
A   ACTION
G   GRUNDMORBUS
M   PROVISIONAL
S   EPISODE
TR  OPERATION
IN  RADIOLOGY
""",
)

# §8.4 DiagnoseTypeCode ⇄ CIN E2.2. The agency (E2.3) depends on the letter, see the mappings.
CODE_SYSTEM: CodeTable[codes.CodeSystem] = CodeTable(
    "DiagnoseTypeCode",
    (
        ("SKS", codes.CodeSystem.SKS),
        ("USP", codes.CodeSystem.UNSPECIFIED),
        ("ICP", codes.CodeSystem.ICPC),
    ),
)

# §8.5 EpisodeOfCareStatusCode ⇄ PAS E1.1 (DIS01 S11).
EPISODE_STATUS: CodeTable[codes.EpisodeOfCareStatus] = table(
    "EpisodeOfCareStatusCode",
    codes.EpisodeOfCareStatus,
    """
POT  INACTIVE
HS   INPATIENT
HA   OUTPATIENT
DA   DECEASED
REQ  OUTPATIENT_RADIOLOGY
""",
)

# §8.6 RelationCode ⇄ REL E2.1.
RELATION: CodeTable[codes.RelationCode] = table(
    "RelationCode",
    codes.RelationCode,
    """
GU  UNSPECIFIED
MO  MOTHER
FA  FATHER
SD  CHILD
""",
)

# §8.7 StatusCode ⇄ S02 GIS E1.1 (REF01 accepts only N; the mapping enforces that).
LETTER_STATUS: CodeTable[codes.StatusCode] = CodeTable(
    "StatusCode", (("N", codes.StatusCode.NEW), ("M", codes.StatusCode.CORRECTED))
)

# §8.8–§8.10 REF01 logistics.
PRIORITY: CodeTable[codes.Priority] = CodeTable(
    "Priority",
    (("WA", codes.Priority.ELECTIVE), ("AC", codes.Priority.ACUTE), ("SA", codes.Priority.SPECIAL)),
)
REFERRAL_STATUS: CodeTable[codes.ReferralStatus] = CodeTable(
    "ReferralStatus",
    (("HA", codes.ReferralStatus.OUTPATIENT), ("HS", codes.ReferralStatus.ADMISSION)),
)
TRANSPORT: CodeTable[codes.Transport] = CodeTable(
    "Transport",
    (("TX", codes.Transport.NONE), ("ST", codes.Transport.LYING), ("SI", codes.Transport.SEATED)),
)

# §8.11 HospitalVisitation InformationCode ⇄ S18 FTX E1.1.
INFORMATION_CODE: CodeTable[codes.InformationCode] = table(
    "InformationCode",
    codes.InformationCode,
    """
US  UNSTRUCTURED
EL  OWN_GP
HV  REFERRAL_RECEIVED
VI  TRIAGE
IK  CALLED_IN
AF  ADMITTED_TO
UA  PAYMENT_GUARANTEE
""",
)

# §8.12 Patient TelephoneSubscriberCode ⇄ CON E1.1 (REF01 S07).
TELEPHONE_KIND: CodeTable[codes.TelephoneKind] = CodeTable(
    "TelephoneSubscriberCode",
    (
        ("HO", codes.TelephoneKind.LANDLINE),
        ("CE", codes.TelephoneKind.MOBILE),
        ("WO", codes.TelephoneKind.WORK),
    ),
)

# §8.14 AcknowledgementCode ⇄ UNB E9 (empty or absent also reads as minuspositivkvitt).
ACKNOWLEDGEMENT: CodeTable[codes.AcknowledgementCode] = CodeTable(
    "AcknowledgementCode",
    (
        ("0", codes.AcknowledgementCode.NO_POSITIVE),
        ("1", codes.AcknowledgementCode.POSITIVE_WANTED),
    ),
)

# §8.15 Reference codes: ObjectCode (FTX E4.3) with SND read as multimedie ("not approved").
OBJECT_CODE: CodeTable[codes.ObjectCode] = table(
    "ObjectCode",
    codes.ObjectCode,
    """
TXT  TEXT_FILE
IMG  IMAGE
PRG  PROGRAM
VGR  VECTOR_GRAPHICS
BSG  BIOSIGNALS
MUL  MULTIMEDIA
PRP  PROPRIETARY
""",
    {"SND": codes.ObjectCode.MULTIMEDIA},
)

# ObjectExtensionCode (FTX E4.4): upper case of the XML value, except TIF and JPG.
_EXTENSION_WIRE = {codes.ObjectExtension.TIFF: "TIF", codes.ObjectExtension.JPEG: "JPG"}
OBJECT_EXTENSION: CodeTable[codes.ObjectExtension] = CodeTable(
    "ObjectExtensionCode",
    tuple((_EXTENSION_WIRE.get(ext, ext.value.upper()), ext) for ext in codes.ObjectExtension),
)
