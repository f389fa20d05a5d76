"""Golden tests: the complete invented examples of edifact-messages.md §6.5 (DIS01) and §7.5
(REF01), produced by MedCom's converter, read into the expected model and written back byte for
byte, with and without provenance."""

from __future__ import annotations

import copy
from pathlib import Path

from medbridge.codecs.edifact.codec import read_interchange, write_interchange, xml_losses
from medbridge.model import (
    AcknowledgementCode,
    Break,
    CodeSystem,
    DiagnosisKind,
    DischargeLetter,
    EpisodeOfCareStatus,
    HospitalReferral,
    IdentifierCode,
    MedicalSpeciality,
    Message,
    Moment,
    PatientIdKind,
    Priority,
    ReferralStatus,
    RelationCode,
    StatusCode,
    TelephoneKind,
    Transport,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "valid"
DIS01 = FIXTURES / "epikrise" / "medcom-example-6-5.edi"
REF01 = FIXTURES / "henvisning" / "medcom-example-7-5.edi"


def _without_wire(message: Message) -> Message:
    """The same model with every codec fact forgotten (as if built by hand)."""
    bare = copy.deepcopy(message)
    bare.wire.clear()
    for letter in bare.letters:
        letter.wire.clear()
    if isinstance(bare.letters[0], DischargeLetter):
        for info in bare.letters[0].clinical_information:
            info.text.wire.clear()
    return bare


def test_dis01_example_reads_into_the_expected_model() -> None:
    message, findings = read_interchange(DIS01.read_bytes())
    assert findings == []
    assert message.envelope.sent == Moment("2024-03-05", "14:20")
    assert message.envelope.identifier == "ENV0000042"
    assert message.envelope.acknowledgement is AcknowledgementCode.POSITIVE_WANTED
    (letter,) = message.letters
    assert isinstance(letter, DischargeLetter)
    assert letter.header.identifier == "EPI0000042"
    assert letter.header.statistical_code == "XDIS01"
    assert letter.header.status is StatusCode.NEW
    assert letter.header.episode_of_care_id is None  # RFF+AHI:1
    assert letter.header.authorisation == Moment("2024-03-05", "14:05")
    sender = letter.sender
    assert sender.ean == "5799999000010"
    assert sender.identifier.value == "9999011"
    assert sender.identifier.code is IdentifierCode.SKS_DEPARTMENT
    assert (sender.organisation, sender.department) == ("Eksempel Sygehus", "Medicinsk Afdeling M")
    assert (sender.street, sender.district, sender.postcode) == ("Prøvevej 1", "Prøveby", "9999")
    assert sender.telephone == "99990000"
    assert sender.speciality is MedicalSpeciality.INTERN_MEDICIN_SYGEHUS
    assert letter.receiver.ean == "5799999000027"
    assert letter.receiver.identifier.code is IdentifierCode.YDERNUMMER
    assert letter.cc_receiver is not None
    assert letter.cc_receiver.organisation == "_"  # M1: kept verbatim
    assert letter.cc_receiver.unit == "Ida Eksempel"
    assert letter.cc_receiver.ean is None
    referral = letter.referral
    assert referral is not None and referral.identifier == "HEN0000007"
    assert referral.received == Moment("2024-02-27", "00:00")
    assert referral.refer is not None and referral.refer.code == "DR509"
    assert referral.refer.code_system is CodeSystem.SKS
    patient = letter.patient
    assert patient.identifier.value == "0101011234"
    assert patient.identifier.kind is PatientIdKind.CPR
    assert (patient.surname, patient.given_name) == ("Testesen", "Tove")
    assert (patient.street, patient.district, patient.postcode) == ("Byvej 2", None, "9999")
    assert patient.status is EpisodeOfCareStatus.INPATIENT
    (relative,) = letter.relatives
    assert relative.relation is RelationCode.CHILD
    assert (relative.surname, relative.given_name, relative.person_identifier) == (
        "Testesen",
        "Bo",
        None,
    )
    assert letter.admission == Moment("2024-02-27", "10:30")
    assert letter.discharge == Moment("2024-03-05", "12:00")
    assert letter.diagnoses is not None and letter.diagnoses.main is not None
    assert letter.diagnoses.main.code == "DJ189"
    assert letter.diagnoses.main.code_system is None
    (other,) = letter.diagnoses.other
    assert other.kind is DiagnosisKind.RADIOLOGY
    assert other.moment == Moment("2024-02-27", "11:15")
    (info,) = letter.clinical_information
    assert info.signed == Moment("2024-03-05", "14:00")
    assert info.text.content == [
        "Indlagt med feber og hoste. Røntgen af thorax viste infiltrat i højre underlap, "
        "behandlet med penicillin i 7 dage.",
        Break(),
        Break(),
        "Kontrol hos egen læge om 4 uger.",
        Break(),
    ]
    (reference,) = letter.references
    assert reference.description == "Røntgenbeskrivelse"
    assert reference.url == "https://eksempel.invalid/r/123"


def test_ref01_example_reads_into_the_expected_model() -> None:
    message, findings = read_interchange(REF01.read_bytes())
    assert findings == []
    assert message.envelope.acknowledgement is AcknowledgementCode.NO_POSITIVE
    (letter,) = message.letters
    assert isinstance(letter, HospitalReferral)
    # The role swap: PO is the sender (the GP), SSP the receiver (the hospital).
    assert letter.sender.identifier.code is IdentifierCode.YDERNUMMER
    assert letter.sender.ean == "5799999000027"
    assert letter.sender.speciality is MedicalSpeciality.ALMEN_MEDICIN
    assert letter.sender.telephone == "99991111"
    assert letter.receiver.identifier.value == "9999011"
    referrer = letter.sender.referrer
    assert referrer is not None
    assert (referrer.person_title, referrer.person_name) == ("Praktiserende læge", "Lene Lægesen")
    assert referrer.identifier is None
    assert letter.header.episode_of_care_id is None  # RFF+ROI:_
    assert letter.referral is not None and letter.referral.refer is not None
    assert letter.referral.refer.text == "Hoste"
    (additional,) = letter.referral.additional
    assert additional.kind is DiagnosisKind.SECONDARY
    patient = letter.patient
    assert [(t.number, t.kind) for t in patient.telephones] == [("99992222", TelephoneKind.MOBILE)]
    assert patient.email == "per@eksempel.invalid"
    info = letter.additional_information
    assert info is not None
    assert info.priority is Priority.ELECTIVE
    assert info.referral_status is ReferralStatus.OUTPATIENT
    assert info.transport is Transport.NONE
    assert info.clinical_reason is not None
    assert info.clinical_reason.plain() == "Udredning af langvarig hoste + dyspnø.\n"
    assert info.supplementary is not None
    assert info.supplementary.plain() == "Kan ikke møde om mandagen.\n"
    clinical = letter.relevant_clinical_information
    assert clinical is not None and clinical.anamnesis is not None and clinical.cave is not None
    assert clinical.anamnesis.plain() == "Hoste i 3 måneder, ikke-ryger.\n"
    assert clinical.cave.plain() == "Penicillin (udslæt 2019)\n"
    assert clinical.examination is None


def test_examples_write_back_byte_for_byte() -> None:
    for path in (DIS01, REF01):
        data = path.read_bytes()
        message, _ = read_interchange(data)
        written, findings = write_interchange(message)
        assert written == data
        assert findings == []
        assert xml_losses(message) == []


def test_canonical_writer_equals_medcoms_output_without_provenance() -> None:
    for path in (DIS01, REF01):
        data = path.read_bytes()
        message, _ = read_interchange(data)
        bare = _without_wire(message)
        written, _ = write_interchange(bare)
        # A fresh interchange is written on one line (MedCom's default layout).
        assert written == data.replace(b"'\n", b"'")
        assert written.startswith(b"UNA:+.? 'UNB+UNOC:3+")


def test_unt_counts_every_trigger_segment() -> None:
    data = DIS01.read_bytes()
    assert b"UNT+47+EPI0000042'" in data
    message, _ = read_interchange(data)
    written, _ = write_interchange(_without_wire(message))
    assert b"UNT+47+EPI0000042'" in written
