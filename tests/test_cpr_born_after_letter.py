"""A CPR number born after the letter's own date is ``id.cpr.born-after-letter`` (warning).

The letter's own date is its authorisation (else the envelope's Sent date): the message is the
judge, never the clock. Digit 7 decides the century, so ``010130-4…`` is 1 January 2030.
"""

from __future__ import annotations

import copy
from pathlib import Path

from test_rules import EPI, PLAN, careplan, epi_message, epikrise, message

import medbridge
from medbridge.model import Moment, PatientId, RelationCode, Relative
from medbridge.validation.identifiers import cpr_birth_date
from medbridge.validation.rules import check_message

ROOT = Path(__file__).resolve().parent.parent
BORN_2030 = "0101304000"  # digit 7 = 4 and year 30: 2030 (modulus 11 holds)
BORN_2024_03_06 = "0603244001"
BORN_2024_03_05 = "0503244004"


def _born_after(msg: medbridge.Message) -> list[tuple[str, str | None]]:
    return [
        (f.severity.value, f.location.path)
        for f in check_message(msg)
        if f.code == "id.cpr.born-after-letter"
    ]


def test_the_vectors() -> None:
    assert str(cpr_birth_date(BORN_2030)) == "2030-01-01"
    assert str(cpr_birth_date(BORN_2024_03_06)) == "2024-03-06"


def test_a_patient_born_after_the_authorisation_is_a_warning() -> None:
    letter = epikrise()  # authorised 2024-03-05
    letter.patient.identifier = PatientId.cpr(BORN_2024_03_06)
    msg = epi_message(letter)
    assert _born_after(msg) == [("warning", f"{EPI}/Patient/CivilRegistrationNumber")]
    (finding,) = [f for f in check_message(msg) if f.code == "id.cpr.born-after-letter"]
    assert "2024-03-05" in finding.message and BORN_2024_03_06 not in finding.message
    letter.patient.identifier = PatientId.cpr(BORN_2024_03_05)  # born that day: fine
    assert _born_after(epi_message(letter)) == []


def test_judged_against_the_message_never_the_clock() -> None:
    letter = epikrise()
    letter.patient.identifier = PatientId.cpr(BORN_2030)
    assert len(_born_after(epi_message(letter))) == 1
    later = copy.deepcopy(letter)
    later.header.authorisation = Moment("2031-06-01", "10:00")
    msg = epi_message(later)
    msg.envelope.sent = Moment("2031-06-01", "10:05")
    # a letter written in 2031 about someone born in 2030: nothing to report, whatever today is
    assert _born_after(msg) == []


def test_the_sent_date_when_the_authorisation_is_unusable() -> None:
    letter = epikrise()
    letter.patient.identifier = PatientId.cpr(BORN_2024_03_06)
    letter.header.authorisation = Moment("2024-13-40", "10:00")
    msg = epi_message(letter)
    msg.envelope.sent = Moment("2024-03-07", "09:00")
    assert _born_after(msg) == []  # born before Sent
    msg.envelope.sent = Moment("2024-03-05", "09:00")
    assert _born_after(msg) == [("warning", f"{EPI}/Patient/CivilRegistrationNumber")]


def test_relatives_and_care_plans_too() -> None:
    letter = epikrise()
    letter.relatives = [Relative(RelationCode.CHILD, "Jensen", person_identifier=BORN_2030)]
    assert _born_after(epi_message(letter)) == [("warning", f"{EPI}/Relative/PersonIdentifier")]
    plan = careplan()
    plan.patient.identifier = PatientId.cpr(BORN_2030)
    assert _born_after(message(plan)) == [("warning", f"{PLAN}/Patient/CivilRegistrationNumber")]


def test_an_invalid_cpr_gets_its_own_error_only() -> None:
    letter = epikrise()
    letter.patient.identifier = PatientId.cpr("3213301234")  # day 32
    codes = [f.code for f in check_message(epi_message(letter))]
    assert codes == ["id.cpr.date"]


def test_validate_reports_it_with_a_line() -> None:
    msg = medbridge.read(ROOT / "fixtures" / "valid" / "epikrise" / "apopleksi.xml")
    msg.letter.patient.identifier = PatientId.cpr(BORN_2030)
    data = medbridge.write(msg, "xml")
    report = medbridge.validate(data)
    assert report.ok
    (finding,) = [f for f in report.findings if f.code == "id.cpr.born-after-letter"]
    assert finding.location.line is not None
    assert data.splitlines()[finding.location.line - 1].strip().startswith(b"<Civil")
