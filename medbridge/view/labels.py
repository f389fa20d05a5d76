"""Danish labels for the code values a reader sees (``tillaegsdiagnose`` → "Tillægsdiagnose").

The glosses are those of ``xml-messages.md`` §5. A value without a label (an unknown
municipality code kept as a string) is shown as it is, never hidden.
"""

from __future__ import annotations

import enum

from medbridge.model import (
    CodeSystem,
    DiagnosisKind,
    EpisodeOfCareStatus,
    IdentifierCode,
    InformationCode,
    MedicalSpeciality,
    ObjectCode,
    Priority,
    ReferralStatus,
    RelationCode,
    StatusCode,
    TelephoneCode,
    TelephoneKind,
    Transport,
)

__all__ = ["TITLES", "code_label"]

#: The letter kinds as the view names them.
TITLES = {
    "epikrise": "Epikrise (udskrivningsbrev)",
    "henvisning": "Henvisning",
    "plejeforloebsplan": "Plejeforløbsplan",
    "ambulant_epikrise": "Ambulant epikrise (efter ambulant forløb)",
}

_LABELS: dict[enum.StrEnum, str] = {
    StatusCode.NEW: "Nyt brev",
    StatusCode.CORRECTED: "Rettet brev (erstatter et tidligere brev)",
    IdentifierCode.SKS_DEPARTMENT: "SKS-afdelingskode",
    IdentifierCode.YDERNUMMER: "Ydernummer",
    IdentifierCode.GLN: "Lokationsnummer",
    IdentifierCode.KOMMUNENUMMER: "Kommunenummer",
    IdentifierCode.SOR: "SOR-kode",
    EpisodeOfCareStatus.INACTIVE: "Ingen aktiv kontakt",
    EpisodeOfCareStatus.INPATIENT: "Indlagt",
    EpisodeOfCareStatus.OUTPATIENT: "Ambulant",
    EpisodeOfCareStatus.DECEASED: "Død",
    EpisodeOfCareStatus.OUTPATIENT_RADIOLOGY: "Ambulant røntgen",
    RelationCode.UNSPECIFIED: "Pårørende",
    RelationCode.MOTHER: "Mor",
    RelationCode.FATHER: "Far",
    RelationCode.CHILD: "Barn",
    RelationCode.SPOUSE: "Ægtefælle",
    CodeSystem.SKS: "SKS",
    CodeSystem.UNSPECIFIED: "Uspecificeret kode",
    CodeSystem.ICPC: "ICPC",
    DiagnosisKind.UNSPECIFIED: "Diagnose",
    DiagnosisKind.REFERRAL: "Henvisningsdiagnose",
    DiagnosisKind.SECONDARY: "Bidiagnose",
    DiagnosisKind.SUPPLEMENTARY: "Tillægsdiagnose",
    DiagnosisKind.ACTION: "Aktionsdiagnose",
    DiagnosisKind.PROVISIONAL: "Midlertidig diagnose",
    DiagnosisKind.EPISODE: "Forløbsdiagnose",
    DiagnosisKind.OPERATION: "Operation / behandling",
    DiagnosisKind.RADIOLOGY: "Røntgenundersøgelse",
    DiagnosisKind.GRUNDMORBUS: "Grundmorbus",
    Priority.ELECTIVE: "Elektiv (planlagt)",
    Priority.ACUTE: "AKUT",
    Priority.SPECIAL: "Særlige forhold",
    ReferralStatus.OUTPATIENT: "Ambulant",
    ReferralStatus.ADMISSION: "Indlæggelse",
    Transport.NONE: "Ingen transport",
    Transport.LYING: "Liggende",
    Transport.SEATED: "Siddende",
    TelephoneKind.MOBILE: "Mobil",
    TelephoneKind.WORK: "Arbejde",
    TelephoneKind.LANDLINE: "Fastnet",
    TelephoneCode.PRIVATE: "Privat",
    TelephoneCode.WORK: "Arbejde",
    TelephoneCode.MOBILE: "Mobil",
    InformationCode.UNSTRUCTURED: "Ustruktureret oplysning",
    InformationCode.OWN_GP: "Egen læge",
    InformationCode.REFERRAL_RECEIVED: "Henvisning modtaget",
    InformationCode.TRIAGE: "Visitering",
    InformationCode.CALLED_IN: "Indkaldt",
    InformationCode.ADMITTED_TO: "Indlagt på",
    InformationCode.PAYMENT_GUARANTEE: "Udenamts kaution",
    ObjectCode.TEXT_FILE: "Tekstfil",
    ObjectCode.IMAGE: "Billede",
    ObjectCode.PROGRAM: "Program",
    ObjectCode.VECTOR_GRAPHICS: "Vektorgrafik",
    ObjectCode.BIOSIGNALS: "Biosignaler",
    ObjectCode.MULTIMEDIA: "Multimedie",
    ObjectCode.PROPRIETARY: "Proprietært indhold",
}

_SPECIALITY_WORDS = {
    "med": "medicinsk",
    "kir": "kirurgisk",
    "klin": "klinisk",
    "sygehus": "(sygehus)",
    "praksis": "(praksis)",
}


def code_label(value: enum.StrEnum | str) -> str:
    """The Danish label of a code value, or the value itself when it has none."""
    if isinstance(value, enum.StrEnum):
        label = _LABELS.get(value)
        if label is not None:
            return label
        if isinstance(value, MedicalSpeciality):
            return _speciality(value)
    return str(value)


def _speciality(value: MedicalSpeciality) -> str:
    words = [_SPECIALITY_WORDS.get(w, w) for w in value.value.strip().split("_")]
    text = " ".join(words)
    for plain, danish in (("ae", "æ"), ("oe", "ø"), ("aa", "å")):
        text = text.replace(plain, danish)
    return text[:1].upper() + text[1:]
