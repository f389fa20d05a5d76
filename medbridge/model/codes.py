"""MedCom code lists as enumerations.

Member names are English (or a transliteration where English has no word); values are MedCom's
exact wire values, case-sensitive and untrimmed (``xml-messages.md`` §5). Standard misspellings
(``fodbehandlking``, ``patologi `` with a trailing space) are values, never "fixed".

Two members exist only because MedCom's EDIFACT converter uses them although the 2005 XSD does not:
``MedicalSpeciality.PAEDIATRI_SYGEHUS`` (AFSSPEC 80) and ``DiagnosisKind.GRUNDMORBUS`` (CIN ``G``).
The model can hold them so an EDIFACT round trip keeps them; the XML writer refuses them.
"""

from __future__ import annotations

import enum

__all__ = [
    "EDIFACT_ONLY_CODES",
    "AcknowledgementCode",
    "CodeSystem",
    "DiagnosisKind",
    "EpisodeOfCareStatus",
    "IdentifierCode",
    "InformationCode",
    "MedicalSpeciality",
    "ObjectCode",
    "ObjectExtension",
    "Priority",
    "ReferralStatus",
    "RelationCode",
    "StatusCode",
    "TelephoneCode",
    "TelephoneKind",
    "Transport",
]


class AcknowledgementCode(enum.StrEnum):
    """Envelope/AcknowledgementCode (§5.8)."""

    POSITIVE_WANTED = "pluspositivkvitt"
    NO_POSITIVE = "minuspositivkvitt"


class StatusCode(enum.StrEnum):
    """Letter/StatusCode (§5.7)."""

    NEW = "nytbrev"
    CORRECTED = "rettetbrev"


class IdentifierCode(enum.StrEnum):
    """Party IdentifierCode: how to read a party's Identifier (§5.1)."""

    SKS_DEPARTMENT = "sygehusafdelingsnummer"
    YDERNUMMER = "ydernummer"
    GLN = "lokationsnummer"
    KOMMUNENUMMER = "kommunenummer"
    SOR = "sorkode"


class EpisodeOfCareStatus(enum.StrEnum):
    """Patient/EpisodeOfCareStatusCode, the XDIS01 subset (§5.2)."""

    INACTIVE = "inaktiv"
    INPATIENT = "indlagt"
    OUTPATIENT = "ambulant"
    DECEASED = "doed"
    OUTPATIENT_RADIOLOGY = "ambulant_roentgen"


class RelationCode(enum.StrEnum):
    """Relative/RelationCode (§5.3). ``aegtefaelle`` is municipality-only."""

    UNSPECIFIED = "uspec_paaroerende"
    MOTHER = "mor"
    FATHER = "far"
    CHILD = "barn"
    SPOUSE = "aegtefaelle"


class CodeSystem(enum.StrEnum):
    """DiagnoseTypeCode: the code system of a diagnosis code (§5.4)."""

    SKS = "SKSdiagnosekode"
    UNSPECIFIED = "uspecificeretkode"
    ICPC = "ICPCkode"


class DiagnosisKind(enum.StrEnum):
    """DiagnoseDescriptionCode (§5.5), plus ``grundmorbus`` from MedCom's EDIFACT tables."""

    UNSPECIFIED = "uspec_diagnose"
    REFERRAL = "henv_diagnose"
    SECONDARY = "bidiagnose"
    SUPPLEMENTARY = "tillaegsdiagnose"
    ACTION = "aktionsdiagnose"
    PROVISIONAL = "midlertidig_diagnose"
    EPISODE = "forloebsdiagnose"
    OPERATION = "operation"
    RADIOLOGY = "roentgenundersoegelse"
    GRUNDMORBUS = "grundmorbus"  # EDIFACT only; not in the 2005 XSD


class MedicalSpeciality(enum.StrEnum):
    """MedicalSpecialityCode, the 72 values of the 2005 list in schema order (§5.6)."""

    IKKEKLASSIFICERET = "ikkeklassificeret"
    INTERN_MEDICIN_SYGEHUS = "intern_medicin_sygehus"
    GERIATRI = "geriatri"
    HEPATOLOGI = "hepatologi"
    HAEMATOLOGI = "haematologi"
    INFEKTIONSMEDICIN = "infektionsmedicin"
    KARDIOLOGI = "kardiologi"
    MED_ALLERGOLOGI = "med_allergologi"
    MED_ENDOKRINOLOGI = "med_endokrinologi"
    MED_GASTROENTEROLOGI = "med_gastroenterologi"
    MED_LUNGESYGDOMME = "med_lungesygdomme"
    NEFROLOGI = "nefrologi"
    REUMATOLOGI = "reumatologi"
    DERMATO_VENEROLOGI_SYGEHUS = "dermato_venerologi_sygehus"
    NEUROLOGI = "neurologi"
    ONKOLOGI = "onkologi"
    KIRURGI_SYGEHUS = "kirurgi_sygehus"
    KARKIRURGI = "karkirurgi"
    KIR_GASTROENTEROLOGI = "kir_gastroenterologi"
    PLASTIKKIRURGI = "plastikkirurgi"
    THORAXKIRURGI = "thoraxkirurgi"
    UROLOGI = "urologi"
    GYNAEKOLOGI_OBSTETRIK_SYGEHUS = "gynaekologi_obstetrik_sygehus"
    NEUROKIRURGI = "neurokirurgi"
    ORTOPAEDISK_KIRURGI_SYGEHUS = "ortopaedisk_kirurgi_sygehus"
    OFTALMOLOGI = "oftalmologi"
    OTO_RHINO_LARYNGOLOGI = "oto_rhino_laryngologi"
    HOSPITALSODONTOLOGI = "hospitalsodontologi"
    PSYKIATRI_SYGEHUS = "psykiatri_sygehus"
    BOERNE_UNGDOMSPSYKIATRI = "boerne_ungdomspsykiatri"
    KLIN_BIOKEMI = "klin_biokemi"
    KLIN_FYS_NUKLEARMEDICIN = "klin_fys_nuklearmedicin"
    KLIN_IMMUNOLOGI = "klin_immunologi"
    KLIN_MIKROBIOLOGI = "klin_mikrobiologi"
    KLIN_NEUROFYSIOLOGI = "klin_neurofysiologi"
    PATOLOGISK_ANATOMI = "patologisk_anatomi"
    DIAGNOSTISK_RADIOLOGI = "diagnostisk_radiologi"
    KLIN_FARMAKOLOGI = "klin_farmakologi"
    KLIN_GENETIK = "klin_genetik"
    ANAESTESIOLOGI_SYGEHUS = "anaestesiologi_sygehus"
    ARBEJDSMEDICIN = "arbejdsmedicin"
    ALMEN_MEDICIN = "almen_medicin"
    SAMFUNDSMEDICIN = "samfundsmedicin"
    ALMENLAEGE_LAEGEVAGT = "almenlaege_laegevagt"
    OEJENLAEGE = "oejenlaege"
    OERE_NAESE_HALSLAEGE = "oere_naese_halslaege"
    ANAESTESIOLOGI_PRAKSIS = "anaestesiologi_praksis"
    ROENTGEN_KBH = "roentgen_kbh"
    DERMATO_VENEROLOGI_PRAKSIS = "dermato_venerologi_praksis"
    ROENTGEN = "roentgen"
    REUMATOLOGI_FYSIURGI = "reumatologi_fysiurgi"
    GYNAEKOLOGI_OBSTETRIK_PRAKSIS = "gynaekologi_obstetrik_praksis"
    INTERN_MEDICIN_PRAKSIS = "intern_medicin_praksis"
    KIRURGI_PRAKSIS = "kirurgi_praksis"
    KLINISK_KEMI = "klinisk_kemi"
    NEUROMEDICIN = "neuromedicin"
    ORTOPAEDISK_KIRURGI_PRAKSIS = "ortopaedisk_kirurgi_praksis"
    PATOLOGI = "patologi "  # sic: trailing space is part of the standard
    PLASTKIRURGI = "plastkirurgi"
    PSYKIATRI_PRAKSIS = "psykiatri_praksis"
    PAEDIATRI = "paediatri"
    BOERNEPSYKIATRI = "boernepsykiatri"
    TROPEMEDICIN = "tropemedicin"
    TANDLAEGE = "tandlaege"
    FYSIOTERAPI = "fysioterapi"
    KIROPRAKTOR = "kiropraktor"
    BRILLER = "briller"
    FODTERAPI = "fodterapi"
    FODBEHANDLING = "fodbehandlking"  # sic
    MED_LABORATORIER = "med_laboratorier"
    OMEGNSLABORATORIER = "omegnslaboratorier"
    PSYKOLOG = "psykolog"
    PAEDIATRI_SYGEHUS = "paediatri_sygehus"  # EDIFACT (AFSSPEC 80) only; not in the 2005 XSD


class Priority(enum.StrEnum):
    """AdditionalInformation/Priority (§5.9)."""

    ELECTIVE = "elektiv"
    ACUTE = "akut"
    SPECIAL = "saerlige_forhold"


class ReferralStatus(enum.StrEnum):
    """AdditionalInformation/ReferralStatus (§5.10)."""

    OUTPATIENT = "ambulant"
    ADMISSION = "indlaeggelse"


class Transport(enum.StrEnum):
    """AdditionalInformation/Transport (§5.11)."""

    NONE = "ingen"
    LYING = "liggende"
    SEATED = "siddende"


class TelephoneKind(enum.StrEnum):
    """TelephoneSubscriberCode of a XREF01 patient phone (§5.12)."""

    MOBILE = "mobil"
    WORK = "arbejde"
    LANDLINE = "fastnet"


class TelephoneCode(enum.StrEnum):
    """TelephoneCode (§5.13), used by municipality relatives."""

    PRIVATE = "privat"
    WORK = "arbejde"
    MOBILE = "mobil"


class InformationCode(enum.StrEnum):
    """HospitalVisitation/InformationCode (§5.14)."""

    UNSTRUCTURED = "ustruktureret"
    OWN_GP = "egen_laege"
    REFERRAL_RECEIVED = "henvisning_modtaget"
    TRIAGE = "visitering"
    CALLED_IN = "indkaldt"
    ADMITTED_TO = "indlagt_paa"
    PAYMENT_GUARANTEE = "udenamts_kaution"


class ObjectCode(enum.StrEnum):
    """Reference/BIN/ObjectCode (§5.15)."""

    TEXT_FILE = "tekstfil"
    IMAGE = "billede"
    PROGRAM = "program"
    VECTOR_GRAPHICS = "vektor_grafik"
    BIOSIGNALS = "biosignaler"
    MULTIMEDIA = "multimedie"
    PROPRIETARY = "proprietaert_indhold"


class ObjectExtension(enum.StrEnum):
    """Reference/BIN/ObjectExtensionCode (§5.16), in schema order."""

    PCX = "pcx"
    TIFF = "tiff"
    JPEG = "jpeg"
    GIF = "gif"
    BMP = "bmp"
    PNG = "png"
    MPG = "mpg"
    DCM = "dcm"
    SCP = "scp"
    TXT = "txt"
    RTF = "rtf"
    DOC = "doc"
    XLS = "xls"
    WPD = "wpd"
    EXE = "exe"
    PDF = "pdf"
    WAV = "wav"
    AVI = "avi"
    MID = "mid"
    RMI = "rmi"
    COM = "com"
    ZIP = "zip"
    BIN = "bin"
    INH = "inh"
    PLO = "plo"


#: The values that exist only in MedCom's EDIFACT tables, not in the 2005 XML lists: the XML
#: tables exclude them and the rules report them as ``rule.code.edifact-only``.
EDIFACT_ONLY_CODES = frozenset(
    {MedicalSpeciality.PAEDIATRI_SYGEHUS.value, DiagnosisKind.GRUNDMORBUS.value}
)
