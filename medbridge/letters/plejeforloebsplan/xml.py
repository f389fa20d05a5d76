"""XDIS21 ``ProgressOfCarePlan`` version XD2134C (plejeforløbsplan) ⇄ :class:`CarePlan`.

The observed element tree of ``xml-messages.md`` §4.3.2 as a table, in wire order, with the
namespace split of §4.3.1: children live in their parent's namespace unless an entry names
another one. ``Emessage``, the letter and the plan-specific parts are 1.0.3; the envelope, the
parties, the patient, ``Admission``/``AgreedDischarge`` and the free texts ``CauseOfAdmission``,
``ExpectedCourseOfAdmission`` and ``RiskOfContagion`` are 1.0.0; ``ExpectedEndOfTreatment`` and
``AgreedDischargeComment`` are 1.0.2. Inline text elements (``Break`` …) are 1.0.0 everywhere.

XDIS21's own names: ``Occupation`` (not ``OccupancyText``), ``SignedBy``, ``ContactInformation``,
``Practitioner``, the ``Relatives`` wrapper, ``CodedTelephoneSubscriberIdentifier`` and
``ScheduleAuxilaries`` (sic). The ``Letter`` has no ``StatusCode``. Code lists are only partly
known here, so codes are open: unknown values are kept as strings (validation warns).
"""

from __future__ import annotations

from medbridge.codecs.xml.mapping import (
    Code,
    Fixed,
    Flag01,
    Flat,
    Formatted,
    Leaf,
    LetterMapping,
    MomentOf,
    Wrap,
    struct,
)
from medbridge.letters.plejeforloebsplan.versions import XD2134C
from medbridge.letters.shared.xml import (
    ENVELOPE,
    party,
    party_id,
    patient,
    sender,
)
from medbridge.model.codes import (
    IdentifierCode,
    MedicalSpeciality,
    RelationCode,
    TelephoneCode,
)
from medbridge.model.common import (
    ContactInformation,
    LetterHeader,
    Relative,
    SignedBy,
    Telephone,
)
from medbridge.model.plejeforloebsplan import (
    AbilityToFunction,
    AbilityToFunctionElement,
    CarePlan,
    Diet,
    DischargeConference,
    FurtherCoordination,
    NursingProblemArea,
    Practitioner,
    Relatives,
    Terminology,
)
from medbridge.xml.namespaces import M100, M102

__all__ = ["MAPPING"]

TEXT = Formatted(M100)
DATETIME = MomentOf()
FLAG = Flag01()
IDENTIFIER_CODE = Code(IdentifierCode, open=True, strict=False)

LETTER_HEADER = struct(
    LetterHeader,
    Leaf("Identifier", "identifier", required=True),
    Fixed("VersionCode", "XD2134C"),
    Leaf("StatisticalCode", "statistical_code", required=True),
    Leaf("Authorisation", "authorisation", MomentOf(M100), required=True),
    Fixed("TypeCode", "XDIS21"),
    Leaf("EpisodeOfCareIdentifier", "episode_of_care_id"),
)

PARTY_ID = party_id(IDENTIFIER_CODE)

SIGNED_BY = struct(
    SignedBy,
    Leaf("Identifier", "identifier"),
    Leaf("IdentifierCode", "identifier_code", IDENTIFIER_CODE),
    Leaf("PersonGivenName", "given_name"),
    Leaf("PersonSurnameName", "surname"),
    Leaf("PersonTitle", "title"),
)

CONTACT_INFORMATION = struct(
    ContactInformation,
    Leaf("ContactName", "name"),
    Leaf("TelephoneSubscriberIdentifier", "telephone"),
)


SENDER = sender(
    Leaf("SignedBy", "signed_by", SIGNED_BY),
    Leaf("MedicalSpecialityCode", "speciality", Code(MedicalSpeciality, open=True, strict=False)),
    Leaf("ContactInformation", "contact_information", CONTACT_INFORMATION, many=True),
    party_id=PARTY_ID,
)

RECEIVER = party(party_id=PARTY_ID)

PRACTITIONER = struct(
    Practitioner,
    Flat("identifier", PARTY_ID),
    Leaf("PersonName", "person_name"),
    Leaf("TelephoneSubscriberIdentifier", "telephone"),
)

PATIENT = patient(
    Leaf("Occupation", "occupation"),
    Leaf("TelephoneSubscriberIdentifier", "telephone"),
)

CODED_TELEPHONE = struct(
    Telephone,
    Leaf("TelephoneCode", "kind", Code(TelephoneCode, open=True, strict=False), required=True),
    Leaf("TelephoneSubscriberIdentifier", "number", required=True),
)

RELATIVE = struct(
    Relative,
    Leaf("RelationCode", "relation", Code(RelationCode, open=True, strict=False), required=True),
    Leaf("PersonSurnameName", "surname", ns=M100),
    Leaf("PersonGivenName", "given_name", ns=M100),
    Leaf("CodedTelephoneSubscriberIdentifier", "telephones", CODED_TELEPHONE, ns=M100, many=True),
    Leaf("InformedRelative", "informed", FLAG),
)

RELATIVES = struct(
    Relatives,
    Leaf("Relative", "relatives", RELATIVE, many=True),
    Leaf("Comment", "comment", TEXT),
)

DIET = struct(
    Diet,
    Leaf("LunchBox", "lunch_box", FLAG),
    Leaf("ShoppingAtDischarge", "shopping_at_discharge", FLAG),
)

DISCHARGE_CONFERENCE = struct(
    DischargeConference,
    Leaf("DischargeDateCode", "date_code"),
    Leaf("Date", "date"),
    Leaf("Time", "time"),
    Leaf("VideoConference", "video_conference", FLAG),
    Leaf("Comment", "comment", TEXT),
)


def _item(name: str, attr: str) -> Leaf:
    """A FurtherCoordination item: an element holding its one ``Comment``."""
    return Leaf(name, attr, Wrap(Leaf("Comment", "", TEXT, required=True)))


FURTHER_COORDINATION = struct(
    FurtherCoordination,
    _item("HomeChanges", "home_changes"),
    _item("ScheduleAuxilaries", "schedule_auxiliaries"),  # sic
    _item("RehabilitationNeeds", "rehabilitation_needs"),
    _item("HomeCareNeeds", "home_care_needs"),
    _item("MedicineAdministrationHelp", "medicine_administration_help"),
    _item("MedicineConsumptionHelp", "medicine_consumption_help"),
    Leaf("DischargeConference", "discharge_conference", DISCHARGE_CONFERENCE),
    _item("OtherMunicipalWorkNeeded", "other_municipal_work_needed"),
)

TERMINOLOGY = struct(
    Terminology,
    Leaf("Code", "code", required=True),
    Leaf("CodeSystem", "code_system", required=True),
    Leaf("CodeDescription", "description"),
)

ABILITY_TO_FUNCTION_ELEMENT = struct(
    AbilityToFunctionElement,
    Leaf("Terminology", "terminology", TERMINOLOGY, required=True),
    Leaf("Score", "score"),
    Leaf("Comment", "comment", TEXT),
)

ABILITY_TO_FUNCTION = struct(
    AbilityToFunction,
    Leaf("LastModifiedDate", "last_modified"),
    Leaf(
        "AbilityToFunctionElements",
        "elements",
        Wrap(Leaf("AbilityToFunctionElement", "", ABILITY_TO_FUNCTION_ELEMENT, many=True)),
    ),
)

NURSING_PROBLEM_AREA = struct(
    NursingProblemArea,
    Leaf("Terminology", "terminology", TERMINOLOGY, required=True),
    Leaf("ProblemArea", "problem_area", TEXT),
)

LETTER = struct(
    CarePlan,
    Leaf("Letter", "header", LETTER_HEADER, required=True),
    Leaf("Sender", "sender", SENDER, ns=M100, required=True),
    Leaf("Receiver", "receiver", RECEIVER, ns=M100, required=True),
    Leaf("Practitioner", "practitioner", PRACTITIONER, ns=M100),
    Leaf("Patient", "patient", PATIENT, ns=M100, required=True),
    Leaf("Relatives", "relatives", RELATIVES),
    Leaf("Admission", "admission", DATETIME, ns=M100),
    Leaf("ExpectedEndOfTreatment", "expected_end_of_treatment", DATETIME, ns=M102),
    Leaf("AgreedDischarge", "agreed_discharge", DATETIME, ns=M100),
    Leaf("AgreedDischargeComment", "agreed_discharge_comment", TEXT, ns=M102),
    Leaf("CauseOfAdmission", "cause_of_admission", TEXT, ns=M100),
    Leaf("ExpectedCourseOfAdmission", "expected_course_of_admission", TEXT, ns=M100),
    Leaf("RiskOfContagion", "risk_of_contagion", TEXT, ns=M100),
    Leaf("DietFirst24Hours", "diet", DIET),
    Leaf("FurtherCoordination", "further_coordination", FURTHER_COORDINATION),
    Leaf("ExpectedAbilityToFunctionAtDischarge", "ability_to_function", ABILITY_TO_FUNCTION),
    Leaf(
        "NursingProblemAreas",
        "nursing_problem_areas",
        Wrap(Leaf("NursingProblemArea", "", NURSING_PROBLEM_AREA, many=True, max=11)),
    ),
    elsewhere=("wire", "local_elements"),
)

MAPPING = LetterMapping(XD2134C, letter=LETTER, envelope=ENVELOPE, envelope_ns=M100)
