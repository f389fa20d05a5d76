"""Semantic rules over the model (medbridge.validation.rules), cascade suppression
(medbridge.validation.cascade) and the findings catalogue in docs/findings.md."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medbridge.findings import MAX_FINDINGS, Finding, Location, Severity
from medbridge.model import (
    AbilityToFunction,
    AbilityToFunctionElement,
    AdditionalInformation,
    BinaryObject,
    CarePlan,
    ClinicalInformation,
    Contact,
    ContactInformation,
    Diagnoses,
    Diagnosis,
    DiagnosisKind,
    DischargeConference,
    DischargeLetter,
    Envelope,
    EpisodeOfCareStatus,
    FormattedText,
    FurtherCoordination,
    HospitalReferral,
    IdentifierCode,
    LetterHeader,
    MedicalSpeciality,
    Message,
    Moment,
    NursingProblemArea,
    ObjectCode,
    ObjectExtension,
    Party,
    PartyId,
    Patient,
    PatientId,
    Practitioner,
    Reference,
    Referral,
    Referrer,
    RelationCode,
    Relative,
    Relatives,
    SignedBy,
    StatusCode,
    Telephone,
    TelephoneCode,
    TelephoneKind,
    Terminology,
)
from medbridge.validation.cascade import suppress_cascades
from medbridge.validation.rules import UNB_RECIPIENT_KEY, UNB_SENDER_KEY, check_message

ROOT = Path(__file__).resolve().parent.parent
SENDER_GLN = "5790000123452"
RECEIVER_GLN = "5799999000010"
EPI = "/Emessage/DischargeLetter"
REF = "/Emessage/HospitalReferral"
PLAN = "/Emessage/ProgressOfCarePlan"


# --- builders: one valid message of each kind -----------------------------------------------


def epikrise() -> DischargeLetter:
    return DischargeLetter(
        header=LetterHeader("EPI1", Moment("2024-03-05", "14:05"), "XDIS01", StatusCode.NEW),
        sender=Party(
            PartyId("1301011", IdentifierCode.SKS_DEPARTMENT),
            ean=SENDER_GLN,
            organisation="Testsygehus",
            department="Medicinsk afdeling",
            speciality=MedicalSpeciality.INTERN_MEDICIN_SYGEHUS,
            contact=Contact(PartyId("1301011", IdentifierCode.SKS_DEPARTMENT), unit="M3"),
        ),
        receiver=Party(PartyId("012345", IdentifierCode.YDERNUMMER), ean=RECEIVER_GLN),
        patient=Patient(
            PatientId.cpr("0707614285"),
            "Jensen",
            given_name="Hans",
            postcode="",
            status=EpisodeOfCareStatus.INPATIENT,
        ),
        cc_receiver=Party(PartyId("123456789012345", IdentifierCode.SOR), organisation="_"),
        relatives=[Relative(RelationCode.CHILD, "Jensen", person_identifier="0707614285")],
        referral=Referral("REF77", Moment("2024-02-27", "00:00")),
        admission=Moment("2024-03-01", "08:00"),
        discharge=Moment("2024-03-05", "10:00"),
        diagnoses=Diagnoses(
            main=Diagnosis("Pneumoni", "DJ189"),
            other=[
                Diagnosis(
                    "Røntgen af thorax",
                    "UXRC00",
                    kind=DiagnosisKind.RADIOLOGY,
                    moment=Moment("2024-03-01", "09:30"),
                )
            ],
        ),
        clinical_information=[
            ClinicalInformation(
                FormattedText.of("Patienten udskrives."), signed=Moment("2024-03-05", "13:00")
            )
        ],
        references=[
            Reference(
                "Røntgenbillede",
                binary=BinaryObject("IMG1", ObjectCode.IMAGE, ObjectExtension.JPEG, 2048),
            )
        ],
    )


def henvisning() -> HospitalReferral:
    return HospitalReferral(
        header=LetterHeader("HENV1", Moment("2024-04-02", "09:00"), "XREF01", StatusCode.NEW),
        sender=Party(
            PartyId("012345", IdentifierCode.YDERNUMMER),
            ean=RECEIVER_GLN,
            organisation="Lægerne i Byen",
            referrer=Referrer("Karen Hansen", "012345", IdentifierCode.YDERNUMMER),
        ),
        receiver=Party(PartyId("1301011", IdentifierCode.SKS_DEPARTMENT), ean=SENDER_GLN),
        patient=Patient(
            PatientId.alternative("0203291WQ3"),
            "Olsen",
            telephones=[Telephone("12345678", TelephoneKind.MOBILE)],
        ),
        additional_information=AdditionalInformation(
            clinical_reason=FormattedText(["Vedvarende hoste."])
        ),
    )


def careplan() -> CarePlan:
    return CarePlan(
        header=LetterHeader(
            "ABCD1234567890",
            Moment("2024-05-02", "10:35"),
            "XDIS21",
            episode_of_care_id="0123456789ABCDEF0123456789ABCDEF",
        ),
        sender=Party(
            PartyId("1301011", IdentifierCode.SKS_DEPARTMENT),
            ean=SENDER_GLN,
            organisation="Testsygehus",
            signed_by=SignedBy("1301011", IdentifierCode.SKS_DEPARTMENT, "Eva", "Berg"),
            contact_information=[ContactInformation("Afsnit M3", "12345678")],
        ),
        receiver=Party(PartyId("101", IdentifierCode.KOMMUNENUMMER), ean=RECEIVER_GLN),
        patient=Patient(PatientId.cpr("0707614285"), "Jensen", occupation="Pensionist"),
        practitioner=Practitioner(PartyId("012345", IdentifierCode.YDERNUMMER), "Lægerne"),
        relatives=Relatives(
            [
                Relative(
                    RelationCode.SPOUSE,
                    "Jensen",
                    telephones=[Telephone("87654321", TelephoneCode.MOBILE)],
                    informed=True,
                )
            ]
        ),
        admission=Moment("2024-04-28", "22:10"),
        expected_end_of_treatment=Moment("2024-05-06", "12:00"),
        agreed_discharge=Moment("2024-05-07", "10:00"),
        further_coordination=FurtherCoordination(
            discharge_conference=DischargeConference("forslag", "2024-05-06", "13:00")
        ),
        ability_to_function=AbilityToFunction(
            "2024-05-01",
            [AbilityToFunctionElement(Terminology("FA420", "icf", "Forflytte sig"), "svaere")],
        ),
        nursing_problem_areas=[
            NursingProblemArea(
                Terminology("A-12345", "medcom", "Bevægeapparat"),
                FormattedText(["Går med rollator"]),
            )
        ],
    )


def message(*letters: DischargeLetter | HospitalReferral | CarePlan) -> Message:
    return Message(Envelope(Moment("2024-05-02", "10:40"), "ENV1"), list(letters))


def epi_message(letter: DischargeLetter | None = None) -> Message:
    return Message(Envelope(Moment("2024-03-05", "14:20"), "ENV1"), [letter or epikrise()])


def ref_message(letter: HospitalReferral | None = None) -> Message:
    return Message(Envelope(Moment("2024-04-02", "09:10"), "ENV2"), [letter or henvisning()])


def codes_at(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(f.code, f.location.path) for f in findings]


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


# --- valid messages ------------------------------------------------------------------------


def test_valid_messages_have_no_findings() -> None:
    assert check_message(epi_message()) == []
    assert check_message(ref_message()) == []
    assert check_message(message(careplan())) == []


def test_check_message_is_deterministic_and_pure() -> None:
    msg = epi_message()
    msg.letter.patient.identifier = PatientId.cpr("3213651234")
    before = copy.deepcopy(msg)
    assert check_message(msg) == check_message(msg)
    assert msg == before


# --- identifiers by their carrier ---------------------------------------------------------


def test_patient_cpr_checked_at_its_path() -> None:
    letter = epikrise()
    letter.patient.identifier = PatientId.cpr("3213651234")
    assert codes_at(check_message(epi_message(letter))) == [
        ("id.cpr.date", f"{EPI}/Patient/CivilRegistrationNumber")
    ]


def test_patient_alternative_identifier_must_be_ecpr() -> None:
    letter = henvisning()
    letter.patient.identifier = PatientId.alternative("0203291wq3")
    assert codes_at(check_message(ref_message(letter))) == [
        ("id.ecpr.format", f"{REF}/Patient/AlternativeIdentifier")
    ]


def test_party_identifiers_by_identifier_code() -> None:
    letter = epikrise()
    letter.sender.identifier = PartyId("13010111", IdentifierCode.SKS_DEPARTMENT)
    letter.receiver.identifier = PartyId("12345", IdentifierCode.YDERNUMMER)
    letter.cc_receiver = Party(PartyId("12345", IdentifierCode.SOR))
    assert letter.sender.contact is not None
    letter.sender.contact.identifier = PartyId("5790000123456", IdentifierCode.GLN)
    assert codes_at(check_message(epi_message(letter))) == [
        ("id.sks-department.format", f"{EPI}/Sender/Identifier"),
        ("id.gln.check-digit", f"{EPI}/Sender/Contact/Identifier"),
        ("id.ydernummer.format", f"{EPI}/Receiver/Identifier"),
        ("id.sor.format", f"{EPI}/CCReceiver/Identifier"),
    ]


def test_ean_identifiers_are_glns() -> None:
    letter = epikrise()
    letter.sender.ean = "5790000123456"
    letter.receiver.ean = "57900001234A2"
    findings = check_message(epi_message(letter))
    assert codes_at(findings) == [
        ("id.gln.check-digit", f"{EPI}/Sender/EANIdentifier"),
        ("id.gln.format", f"{EPI}/Receiver/EANIdentifier"),
    ]
    assert "is 2" in findings[0].message


def test_missing_ean_is_an_error() -> None:
    letter = henvisning()
    letter.receiver.ean = None
    assert codes_at(check_message(ref_message(letter))) == [
        ("rule.party.missing-ean", f"{REF}/Receiver/EANIdentifier")
    ]


def test_referrer_signedby_practitioner_identifiers() -> None:
    ref = henvisning()
    assert ref.sender.referrer is not None
    ref.sender.referrer.identifier = "12345"
    assert codes_at(check_message(ref_message(ref))) == [
        ("id.ydernummer.format", f"{REF}/Sender/Referrer/Identifier")
    ]
    plan = careplan()
    assert plan.sender.signed_by is not None and plan.practitioner is not None
    plan.sender.signed_by.identifier = "13-01"
    plan.practitioner.identifier = PartyId("1234567", IdentifierCode.YDERNUMMER)
    assert codes_at(check_message(message(plan))) == [
        ("id.sks-department.format", f"{PLAN}/Sender/SignedBy/Identifier"),
        ("id.ydernummer.format", f"{PLAN}/Practitioner/Identifier"),
    ]


def test_relative_person_identifier_checked_only_when_ten_digits() -> None:
    letter = epikrise()
    letter.relatives = [
        Relative(RelationCode.MOTHER, "Jensen", person_identifier="3213651234"),
        Relative(RelationCode.FATHER, "Jensen", person_identifier="J-123"),
    ]
    assert codes_at(check_message(epi_message(letter))) == [
        ("id.cpr.date", f"{EPI}/Relative[1]/PersonIdentifier")
    ]


def test_cpr_mod11_is_a_warning_only() -> None:
    letter = epikrise()
    letter.patient.identifier = PatientId.cpr("0101651234")
    findings = check_message(epi_message(letter))
    assert codes(findings) == ["id.cpr.mod11"]
    assert findings[0].severity is Severity.WARNING


def test_findings_never_quote_a_cpr() -> None:
    letter = epikrise()
    letter.patient.identifier = PatientId.cpr("0101651234")
    letter.relatives = [Relative(RelationCode.MOTHER, "Jensen", person_identifier="3213651234")]
    for finding in check_message(epi_message(letter)):
        assert "1234" not in finding.message
        assert finding.excerpt is None or "1234" not in finding.excerpt


# --- envelope -------------------------------------------------------------------------------


def test_unb_sender_and_recipient_must_match_every_letter() -> None:
    msg = epi_message()
    msg.wire[UNB_SENDER_KEY] = SENDER_GLN
    msg.wire[UNB_RECIPIENT_KEY] = (RECEIVER_GLN, "14")
    assert check_message(msg) == []
    msg.wire[UNB_SENDER_KEY] = "5799999000027"
    msg.wire[UNB_RECIPIENT_KEY] = ["5790000123452", "14"]
    findings = check_message(msg)
    assert codes_at(findings) == [
        ("rule.envelope.sender-mismatch", f"{EPI}/Sender/EANIdentifier"),
        ("rule.envelope.recipient-mismatch", f"{EPI}/Receiver/EANIdentifier"),
    ]
    assert all(f.severity is Severity.ERROR for f in findings)
    assert "5799999000027" in findings[0].message and SENDER_GLN in findings[0].message


def test_wire_keys_are_the_agreed_names() -> None:
    assert UNB_SENDER_KEY == "edifact.unb.sender"
    assert UNB_RECIPIENT_KEY == "edifact.unb.recipient"


def test_no_letters() -> None:
    msg = Message(Envelope(Moment("2024-03-05", "14:20"), "ENV1"), [])
    assert codes_at(check_message(msg)) == [("rule.message.no-letters", "/Emessage")]


def test_repeated_letters_get_indexed_paths() -> None:
    first, second = epikrise(), epikrise()
    second.patient.identifier = PatientId.cpr("3213651234")
    msg = epi_message(first)
    msg.letters.append(second)
    msg.letters.append(henvisning())
    findings = check_message(msg)
    assert ("id.cpr.date", "/Emessage/DischargeLetter[2]/Patient/CivilRegistrationNumber") in (
        codes_at(findings)
    )
    # the single HospitalReferral keeps an unindexed path
    assert all("HospitalReferral[" not in (f.location.path or "") for f in findings)


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2024-03-01Z", "rule.date.time-zone"),
        ("2024-03-01+01:00", "rule.date.time-zone"),
        ("-2024-03-01", "rule.date.year-range"),
        ("12024-03-01", "rule.date.year-range"),
        ("0000-03-01", "rule.date.year-range"),
        ("2024-02-30", "rule.date.invalid"),
        ("2024-3-1", "rule.date.invalid"),
        ("01-03-2024", "rule.date.invalid"),
        ("", "rule.date.invalid"),
    ],
)
def test_bad_dates(text: str, code: str) -> None:
    letter = epikrise()
    letter.admission = Moment(text, "08:00")
    findings = check_message(epi_message(letter))
    assert (code, f"{EPI}/Admission/Date") in codes_at(findings)
    assert all(f.severity is Severity.ERROR for f in findings if f.code == code)


@pytest.mark.parametrize("text", ["24:00", "08:05:00", "8:05", "08:60", "0805"])
def test_bad_times(text: str) -> None:
    letter = epikrise()
    letter.header.authorisation = Moment("2024-03-05", text)
    assert ("rule.time.invalid", f"{EPI}/Letter/Authorisation/Time") in codes_at(
        check_message(epi_message(letter))
    )


def test_admission_discharge_authorisation_order() -> None:
    letter = epikrise()
    letter.admission = Moment("2024-03-04", "08:00")
    letter.discharge = Moment("2024-03-03", "10:00")
    assert codes_at(check_message(epi_message(letter))) == [
        ("rule.date.before-admission", f"{EPI}/Discharge")
    ]
    letter = epikrise()
    letter.discharge = Moment("2024-03-05", "15:00")  # after authorisation at 14:05
    findings = check_message(epi_message(letter))
    assert codes_at(findings) == [("rule.date.after-authorisation", f"{EPI}/Discharge")]
    assert findings[0].severity is Severity.WARNING


def test_midnight_means_time_unknown() -> None:
    letter = epikrise()
    letter.discharge = Moment("2024-03-05", "00:00")
    letter.header.authorisation = Moment("2024-03-05", "00:00")
    letter.clinical_information[0].signed = None
    assert check_message(epi_message(letter)) == []
    letter.discharge = Moment("2024-03-06", "00:00")
    assert codes(check_message(epi_message(letter))) == ["rule.date.after-authorisation"]


def test_events_after_authorisation() -> None:
    letter = epikrise()
    assert letter.referral is not None and letter.diagnoses is not None
    letter.referral.received = Moment("2024-03-06", "09:00")
    letter.diagnoses.other[0].moment = Moment("2024-03-05", "18:00")
    letter.clinical_information[0].signed = Moment("2024-03-05", "14:06")
    msg = epi_message(letter)
    msg.envelope.sent = Moment("2024-03-06", "10:00")
    assert codes_at(check_message(msg)) == [
        ("rule.date.after-authorisation", f"{EPI}/Referral/Received"),
        ("rule.date.after-authorisation", f"{EPI}/Diagnose/Other/DiagnoseDateTime"),
        ("rule.date.after-authorisation", f"{EPI}/ClinicalInformation/Signed"),
    ]


def test_recorded_dates_not_after_sent_with_one_day_slack() -> None:
    msg = epi_message()
    msg.envelope.sent = Moment("2024-03-04", "14:06")  # authorisation 2024-03-05 14:05
    assert check_message(msg) == []
    msg.envelope.sent = Moment("2024-03-04", "14:00")
    assert codes_at(check_message(msg)) == [("rule.date.after-sent", f"{EPI}/Letter/Authorisation")]
    letter = epikrise()
    letter.header.authorisation = Moment("2034-03-05", "14:05")
    assert codes_at(check_message(epi_message(letter))) == [
        ("rule.date.after-sent", f"{EPI}/Letter/Authorisation")
    ]


def test_rules_never_read_the_clock() -> None:
    # a message from the far future is judged against its own Sent date only
    letter = epikrise()
    for moment in (letter.header.authorisation, letter.admission, letter.discharge):
        assert moment is not None
    msg = epi_message(letter)
    shifted = copy.deepcopy(msg)
    shifted.wire.clear()

    def shift(m: Moment | None) -> Moment | None:
        return None if m is None else Moment("2999" + m.date[4:], m.time)

    shifted.envelope.sent = shift(shifted.envelope.sent)  # type: ignore[assignment]
    one = shifted.letters[0]
    assert isinstance(one, DischargeLetter) and one.referral is not None
    one.header.authorisation = shift(one.header.authorisation)  # type: ignore[assignment]
    one.admission, one.discharge = shift(one.admission), shift(one.discharge)
    one.referral.received = shift(one.referral.received)
    one.clinical_information[0].signed = shift(one.clinical_information[0].signed)
    assert one.diagnoses is not None
    one.diagnoses.other[0].moment = shift(one.diagnoses.other[0].moment)
    assert check_message(shifted) == []


def test_care_plan_dates() -> None:
    plan = careplan()
    plan.expected_end_of_treatment = Moment("2025-06-01", "12:00")
    plan.agreed_discharge = Moment("2024-04-27", "10:00")
    assert plan.further_coordination is not None
    assert plan.further_coordination.discharge_conference is not None
    plan.further_coordination.discharge_conference.time = "25:00"
    assert codes_at(check_message(message(plan))) == [
        ("rule.date.far-future", f"{PLAN}/ExpectedEndOfTreatment"),
        ("rule.date.before-admission", f"{PLAN}/AgreedDischarge"),
        ("rule.time.invalid", f"{PLAN}/FurtherCoordination/DischargeConference/Time"),
    ]
    plan = careplan()
    plan.admission = Moment("2024-05-02", "11:00")  # after authorisation 10:35
    assert plan.ability_to_function is not None
    plan.ability_to_function.last_modified = "2024-05-09"
    assert codes_at(check_message(message(plan))) == [
        ("rule.date.after-authorisation", f"{PLAN}/Admission"),
        ("rule.date.after-sent", f"{PLAN}/ExpectedAbilityToFunctionAtDischarge/LastModifiedDate"),
    ]


# --- values ---------------------------------------------------------------------------------


def test_whitespace_only_values() -> None:
    letter = epikrise()
    letter.patient.surname = "   "
    letter.sender.organisation = "\t"
    letter.patient.postcode = ""  # PostCodeIdentifier may be empty
    letter.receiver.postcode = " "
    findings = check_message(epi_message(letter))
    assert codes_at(findings) == [
        ("rule.value.blank", f"{EPI}/Sender/OrganisationName"),
        ("rule.value.blank", f"{EPI}/Receiver/PostCodeIdentifier"),
        ("rule.value.blank", f"{EPI}/Patient/PersonSurnameName"),
    ]
    assert all(f.severity is Severity.WARNING for f in findings)


def test_lone_underscore_is_fine() -> None:
    letter = epikrise()
    letter.sender.organisation = "_"
    letter.patient.given_name = "_"
    assert check_message(epi_message(letter)) == []


def test_probably_truncated_names() -> None:
    plan = careplan()
    plan.sender.unit = "A" * 34 + "*"
    plan.patient.surname = "B" * 69 + "*"
    plan.receiver.organisation = "C" * 33 + "*"  # 34 characters: not at the limit
    findings = check_message(message(plan))
    assert codes_at(findings) == [
        ("rule.value.truncated", f"{PLAN}/Sender/UnitName"),
        ("rule.value.truncated", f"{PLAN}/Patient/PersonSurnameName"),
    ]
    assert all(f.severity is Severity.INFO for f in findings)


def test_statistical_code_differs_from_type_code() -> None:
    letter = epikrise()
    letter.header.statistical_code = "EPI"
    findings = check_message(epi_message(letter))
    assert codes_at(findings) == [("rule.letter.statistical-code", f"{EPI}/Letter/StatisticalCode")]
    assert findings[0].severity is Severity.INFO


@pytest.mark.parametrize(
    "episode", ["0123456789abcdef0123456789abcdef", "0123456789ABCDEF0123456789ABCDEF"]
)
def test_episode_id_hex_is_fine(episode: str) -> None:
    plan = careplan()
    plan.header.episode_of_care_id = episode
    assert check_message(message(plan)) == []


@pytest.mark.parametrize(
    "episode",
    ["01234567-89AB-CDEF-0123-456789ABCDEF", "EPISODE1", "0123456789ABCDEF0123456789ABCDEG"],
)
def test_episode_id_other_shapes_are_info(episode: str) -> None:
    plan = careplan()
    plan.header.episode_of_care_id = episode
    findings = check_message(message(plan))
    assert codes_at(findings) == [
        ("rule.letter.episode-id", f"{PLAN}/Letter/EpisodeOfCareIdentifier")
    ]
    assert findings[0].severity is Severity.INFO
    # not a rule for the 2005 letters
    letter = epikrise()
    letter.header.episode_of_care_id = episode
    assert check_message(epi_message(letter)) == []


def test_binary_reference_size() -> None:
    letter = epikrise()
    letter.references = [
        Reference("Billede", binary=BinaryObject("IMG1", ObjectCode.IMAGE, ObjectExtension.PNG, 0)),
        Reference("Link", url="https://example.invalid/x"),
    ]
    findings = check_message(epi_message(letter))
    assert codes_at(findings) == [
        ("rule.reference.size", f"{EPI}/Reference[1]/BIN/OriginalObjectSize")
    ]
    assert findings[0].severity is Severity.ERROR


# --- code lists -----------------------------------------------------------------------------


def test_edifact_only_values_warn_in_2005_letters() -> None:
    letter = epikrise()
    letter.sender.speciality = MedicalSpeciality.PAEDIATRI_SYGEHUS
    assert letter.diagnoses is not None
    letter.diagnoses.other[0].kind = DiagnosisKind.GRUNDMORBUS
    findings = check_message(epi_message(letter))
    assert codes_at(findings) == [
        ("rule.code.edifact-only", f"{EPI}/Sender/MedicalSpecialityCode"),
        ("rule.code.edifact-only", f"{EPI}/Diagnose/Other/DiagnoseDescriptionCode"),
    ]
    assert all(f.severity is Severity.WARNING for f in findings)
    assert "not valid in the XML" in findings[0].message


def test_paediatri_sygehus_is_fine_in_the_municipality_letter() -> None:
    plan = careplan()
    plan.sender.speciality = MedicalSpeciality.PAEDIATRI_SYGEHUS
    assert check_message(message(plan)) == []


def test_unknown_codes_in_2005_letters_are_errors() -> None:
    letter = epikrise()
    letter.sender.speciality = "hjertemedicin"
    letter.receiver.identifier = PartyId("012345", "ydernr")
    letter.relatives = [Relative(RelationCode.SPOUSE, "Jensen")]
    findings = check_message(epi_message(letter))
    assert codes_at(findings) == [
        ("rule.code.invalid", f"{EPI}/Sender/MedicalSpecialityCode"),
        ("rule.code.invalid", f"{EPI}/Receiver/IdentifierCode"),
        ("rule.code.invalid", f"{EPI}/Relative/RelationCode"),
    ]
    assert all(f.severity is Severity.ERROR for f in findings)


def test_referral_phone_kinds() -> None:
    letter = henvisning()
    letter.patient.telephones = [
        Telephone("12345678", TelephoneKind.LANDLINE),
        Telephone("87654321", TelephoneCode.PRIVATE),
    ]
    assert codes_at(check_message(ref_message(letter))) == [
        ("rule.code.invalid", f"{REF}/Patient/TelephoneSubscriber[2]/TelephoneSubscriberCode")
    ]


def test_unseen_municipality_values_are_warnings() -> None:
    plan = careplan()
    plan.receiver.identifier = PartyId("101", "kommunekode")
    assert plan.relatives is not None
    plan.relatives.relatives[0].relation = "samlever"
    plan.relatives.relatives[0].telephones[0].kind = "fax"
    assert plan.further_coordination is not None
    assert plan.further_coordination.discharge_conference is not None
    plan.further_coordination.discharge_conference.date_code = "aftalt"
    assert plan.ability_to_function is not None and plan.ability_to_function.elements
    plan.ability_to_function.elements[0].score = "meget"
    plan.ability_to_function.elements[0].terminology.code_system = "ICF"
    assert plan.nursing_problem_areas
    plan.nursing_problem_areas[0].terminology.code = "L-12345"
    findings = check_message(message(plan))
    function = (
        f"{PLAN}/ExpectedAbilityToFunctionAtDischarge/AbilityToFunctionElements/"
        "AbilityToFunctionElement"
    )
    assert codes_at(findings) == [
        ("rule.code.unseen", f"{PLAN}/Receiver/IdentifierCode"),
        ("rule.code.unseen", f"{PLAN}/Relatives/Relative/RelationCode"),
        (
            "rule.code.unseen",
            f"{PLAN}/Relatives/Relative/CodedTelephoneSubscriberIdentifier/TelephoneCode",
        ),
        ("rule.code.unseen", f"{PLAN}/FurtherCoordination/DischargeConference/DischargeDateCode"),
        ("rule.code.unseen", f"{function}/Terminology/CodeSystem"),
        ("rule.code.unseen", f"{function}/Score"),
        ("rule.code.unseen", f"{PLAN}/NursingProblemAreas/NursingProblemArea/Terminology/Code"),
    ]
    assert all(f.severity is Severity.WARNING for f in findings)


# --- required content -----------------------------------------------------------------------


def test_epikrise_without_clinical_text() -> None:
    letter = epikrise()
    letter.clinical_information = []
    assert codes_at(check_message(epi_message(letter))) == [("rule.content.no-clinical-text", EPI)]
    letter.clinical_information = [ClinicalInformation(FormattedText([" "]))]
    findings = check_message(epi_message(letter))
    assert codes(findings) == ["rule.content.no-clinical-text"]
    assert findings[0].severity is Severity.WARNING


def test_henvisning_needs_reason_or_diagnosis() -> None:
    letter = henvisning()
    letter.additional_information = AdditionalInformation(clinical_reason=FormattedText())
    assert codes_at(check_message(ref_message(letter))) == [
        ("rule.content.no-referral-reason", REF)
    ]
    letter.referral = Referral(refer=Diagnosis("Hoste", code_system=None))
    assert check_message(ref_message(letter)) == []


def test_care_plan_without_nursing_problem_areas() -> None:
    plan = careplan()
    plan.nursing_problem_areas = None
    findings = check_message(message(plan))
    assert codes_at(findings) == [("rule.content.no-nursing-problems", PLAN)]
    assert findings[0].severity is Severity.INFO


# --- cascade --------------------------------------------------------------------------------


def f(code: str, path: str | None = None, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(code, severity, f"message for {code}", Location(path=path))


def test_namespace_suppresses_other_schema_findings() -> None:
    findings = [
        f("xml.encoding.undeclared-latin1", severity=Severity.WARNING),
        f("xml.schema.namespace", "/Emessage"),
        f("xml.schema.unexpected-element", "/Emessage/Envelope"),
        f("xml.schema.namespace", "/Emessage/X"),
        f("xml.schema.missing-element", "/Emessage"),
    ]
    assert codes(suppress_cascades(findings)) == [
        "xml.encoding.undeclared-latin1",
        "xml.schema.namespace",
    ]


def test_syntax_error_suppresses_schema_findings() -> None:
    findings = [f("xml.syntax.truncated"), f("xml.schema.missing-element", "/Emessage")]
    assert codes(suppress_cascades(findings)) == ["xml.syntax.truncated"]


def test_identifier_format_suppresses_same_location_only() -> None:
    a, b = (
        "/Emessage/DischargeLetter/Patient/CivilRegistrationNumber",
        "/Emessage/X/PersonIdentifier",
    )
    findings = [
        f("id.cpr.format", a),
        f("id.cpr.date", a),
        f("id.cpr.mod11", a, Severity.WARNING),
        f("id.cpr.date", b),
        f("id.ecpr.century", "/c"),
        f("id.ecpr.date", "/c"),
        f("id.gln.format", "/g"),
        f("id.gln.foreign-prefix", "/g", Severity.INFO),
        f("rule.value.blank", a, Severity.WARNING),
    ]
    assert codes_at(suppress_cascades(findings)) == [
        ("id.cpr.format", a),
        ("id.cpr.date", b),
        ("id.ecpr.century", "/c"),
        ("id.gln.format", "/g"),
        ("rule.value.blank", a),
    ]


def test_counts_after_edifact_syntax_error_are_dropped() -> None:
    findings = [f("edifact.syntax.empty-segment"), f("edifact.envelope.unt-count")]
    assert codes(suppress_cascades(findings)) == ["edifact.syntax.empty-segment"]
    assert codes(suppress_cascades([f("edifact.envelope.unt-count")])) == [
        "edifact.envelope.unt-count"
    ]


def test_exact_duplicates_are_kept_once() -> None:
    findings = [
        f("rule.value.blank", "/a"),
        f("rule.value.blank", "/a"),
        f("rule.value.blank", "/b"),
    ]
    assert codes_at(suppress_cascades(findings)) == [
        ("rule.value.blank", "/a"),
        ("rule.value.blank", "/b"),
    ]


def test_cap_keeps_errors_and_order() -> None:
    findings = [f("rule.value.blank", f"/w{i}", Severity.WARNING) for i in range(150)]
    findings.insert(120, f("id.cpr.date", "/late-error"))
    out = suppress_cascades(findings)
    assert len(out) == MAX_FINDINGS + 1
    assert out[-1].code == "report.truncated"
    assert out[-1].severity is Severity.INFO
    assert "51" in out[-1].message
    assert ("id.cpr.date", "/late-error") in codes_at(out)
    assert out[-2].code == "id.cpr.date"  # original order kept
    assert suppress_cascades(out) == out


_CODES = st.sampled_from(
    [
        "xml.schema.namespace",
        "xml.schema.missing-element",
        "xml.syntax.truncated",
        "id.cpr.format",
        "id.cpr.date",
        "id.cpr.mod11",
        "id.ecpr.century",
        "id.ecpr.date",
        "edifact.syntax.bad-tag",
        "edifact.envelope.unz-count",
        "rule.value.blank",
    ]
)
_FINDINGS = st.lists(
    st.builds(f, _CODES, st.sampled_from(["/a", "/b", None]), st.sampled_from(list(Severity))),
    max_size=130,
)


@given(_FINDINGS)
def test_cascade_properties(findings: list[Finding]) -> None:
    out = suppress_cascades(findings)
    assert suppress_cascades(out) == out
    assert len(out) <= MAX_FINDINGS + 1
    assert all(x in findings or x.code == "report.truncated" for x in out)
    # suppression never turns an invalid input into a valid one
    assert any(x.is_error for x in out) == any(x.is_error for x in findings)
    assert sum(x.code == "xml.schema.namespace" and x.is_error for x in out) <= 1


# --- docs/findings.md -----------------------------------------------------------------------

_CODE_LITERAL = re.compile(r'"((?:id|rule|report)\.[a-z0-9-]+(?:\.[a-z0-9-]+)*)"')
_DOC_ROW = re.compile(r"^\| `([a-z0-9.-]+)` \| (error|warning|info) \|", re.MULTILINE)


def _emitted_codes() -> set[str]:
    found: set[str] = set()
    for name in ("identifiers.py", "rules.py", "cascade.py"):
        source = (ROOT / "medbridge" / "validation" / name).read_text(encoding="utf-8")
        found |= set(_CODE_LITERAL.findall(source))
    source = (ROOT / "medbridge" / "validation" / "rules.py").read_text(encoding="utf-8")
    for role in re.findall(r'\(UNB_\w+_KEY, letter\.\w+, "\w+", "(\w+)"\)', source):
        found.add(f"rule.envelope.{role}-mismatch")
    return found


def test_every_emitted_code_is_documented() -> None:
    documented = dict(_DOC_ROW.findall((ROOT / "docs" / "findings.md").read_text("utf-8")))
    emitted = _emitted_codes()
    assert "rule.envelope.sender-mismatch" in emitted
    assert "id.cpr.mod11" in emitted
    missing = sorted(emitted - documented.keys())
    assert missing == []


def test_documented_severities_match_what_is_emitted() -> None:
    documented = dict(_DOC_ROW.findall((ROOT / "docs" / "findings.md").read_text("utf-8")))
    letter = epikrise()
    letter.patient.identifier = PatientId.cpr("0101651234")
    letter.sender.ean = "4012345000009"
    letter.sender.speciality = MedicalSpeciality.PAEDIATRI_SYGEHUS
    letter.header.statistical_code = "X"
    letter.admission = Moment("2024-03-06Z", "08:00")
    letter.clinical_information = []
    msg = epi_message(letter)
    msg.wire[UNB_SENDER_KEY] = "5799999000027"
    plan = careplan()
    plan.nursing_problem_areas = []
    plan.sender.unit = "U" * 34 + "*"
    findings = check_message(msg) + check_message(message(plan))
    assert len({x.code for x in findings}) >= 8
    for finding in findings:
        assert documented[finding.code] == finding.severity.value, finding.code


# --- robustness -----------------------------------------------------------------------------

_ANY_TEXT = st.one_of(
    st.sampled_from(["", " ", "_", "0000-01-01", "9999-12-31", "0001-01-01", "23:59", "00:00"]),
    st.text(max_size=20),
    st.from_regex(r"-?[0-9]{4,6}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?", fullmatch=True),
)


@given(
    sent=_ANY_TEXT,
    event=_ANY_TEXT,
    time=_ANY_TEXT,
    identifier=_ANY_TEXT,
    code=_ANY_TEXT,
    alternative=st.booleans(),
)
def test_rules_never_raise_on_odd_values(
    sent: str, event: str, time: str, identifier: str, code: str, alternative: bool
) -> None:
    letter = epikrise()
    letter.admission = Moment(event, time)
    letter.discharge = Moment("9999-12-31", "23:59")
    letter.patient.identifier = (
        PatientId.alternative(identifier) if alternative else PatientId.cpr(identifier)
    )
    letter.receiver.identifier = PartyId(identifier, code)
    letter.relatives = [Relative(code, identifier, person_identifier=identifier)]
    msg = epi_message(letter)
    msg.envelope.sent = Moment(sent, time)
    msg.wire[UNB_SENDER_KEY] = identifier
    plan = careplan()
    plan.expected_end_of_treatment = Moment(event, None)
    plan.header.authorisation = Moment(sent, "00:00")
    assert plan.ability_to_function is not None
    plan.ability_to_function.last_modified = event
    for findings in (check_message(msg), check_message(message(plan))):
        for finding in findings:
            assert finding.code.startswith(("id.", "rule."))
            assert "{" not in finding.message or "{" in identifier + code + event + time + sent


def test_every_kind_has_rules_named_from_its_own_table() -> None:
    from medbridge.letters.epikrise.xml import MAPPING as XDIS01
    from medbridge.letters.fields import field_table
    from medbridge.letters.henvisning.xml import MAPPING as XREF01
    from medbridge.letters.plejeforloebsplan.xml import MAPPING as XDIS21
    from medbridge.validation.rules import kind_rules

    by_class = kind_rules()
    for mapping in (XDIS01, XREF01, XDIS21):
        kind = by_class[mapping.letter.cls]
        assert kind.element == mapping.version.element
        assert kind.xml("header.identifier") == "Letter/Identifier"
        assert kind.xml("sender.ean") == field_table(mapping).xml("sender.ean")
    # the 2005 letters' subsets are their tables' (EDIFACT-only and municipality values left out)
    assert (
        by_class[XDIS01.letter.cls].relations == field_table(XDIS01).row("relatives.relation").codes
    )
    assert "aegtefaelle" not in by_class[XREF01.letter.cls].relations
    assert "paediatri_sygehus" not in by_class[XDIS01.letter.cls].specialities
    assert "paediatri_sygehus" in by_class[XDIS21.letter.cls].specialities


def test_field_table_options_and_wrapped_lists() -> None:
    from medbridge.letters.epikrise.xml import MAPPING as XDIS01
    from medbridge.letters.fields import field_table, names
    from medbridge.letters.plejeforloebsplan.xml import MAPPING as XDIS21

    options = field_table(XDIS01).options("patient.identifier")
    assert [row.xml for row in options] == [
        "Patient/CivilRegistrationNumber",
        "Patient/AlternativeIdentifier",
    ]
    assert field_table(XDIS01).row("patient.identifier") is options[0]
    plan = (field_table(XDIS21),)
    # a wrapped list is named by its repeated element, and paths under it start there
    assert names(plan, "nursing_problem_areas") == ("NursingProblemAreas/NursingProblemArea",)
    assert names(plan, "terminology", under="nursing_problem_areas") == ("Terminology",)
    with pytest.raises(KeyError):
        names(plan, "no_such_field")
