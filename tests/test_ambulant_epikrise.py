"""The ambulant epikrise, XDIS02 XD0233L / MEDDIS DIS02 D0233L (exchange-messages.md part C): the
spec's complete example both ways, the visits, the warnings of §C.2/§C.6, the 9-FTX rule of §C.4,
detection, and that it never turns into a discharge letter (or back)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from infoset import assert_same_infoset

import medbridge
from medbridge.model import DischargeLetter, Moment, OutpatientDischargeLetter
from medbridge.model.codes import EpisodeOfCareStatus
from medbridge.view.text import render_text

VALID = Path(__file__).resolve().parent.parent / "fixtures" / "valid"
AMBULANT = VALID / "ambulant_epikrise"
EXAMPLE_XML = (AMBULANT / "radiusfraktur.xml").read_bytes()
#: MedCom's converter output for the example (§C.8), one segment a line.
EXAMPLE_EDI = (AMBULANT / "radiusfraktur.edi").read_bytes()
LONG = AMBULANT / "hjertesvigt-hlr.xml"


def _letter(data: bytes = EXAMPLE_XML) -> OutpatientDischargeLetter:
    letter = medbridge.read(data).letter
    assert isinstance(letter, OutpatientDischargeLetter)
    return letter


def _codes(data: bytes) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in medbridge.validate(data).findings:
        found.setdefault(f.code, []).append(f.location.path or "")
    return found


def test_the_spec_example_converts_to_medcoms_interchange_segment_for_segment() -> None:
    written = medbridge.convert(EXAMPLE_XML, "edifact").output
    assert written == EXAMPLE_EDI.replace(b"'\n", b"'")
    assert b"UNH+AMB0000043+MEDDIS:D:93A:UN:D0233L+DIS02'" in written
    assert b"SPR+ORG+42:SKS:SST+DIS02:SKS:SST'" in written
    assert b"DTM+90:202402121030:203'DTM+91:202403051315:203'PAS+HA'" in written


def test_the_spec_interchange_converts_to_the_example_element_for_element() -> None:
    xml = medbridge.convert(EXAMPLE_EDI, "xml").output
    assert_same_infoset(xml, EXAMPLE_XML)


def test_the_visits_are_the_first_and_last_out_patient_visit() -> None:
    letter = _letter()
    assert letter.kind == "ambulant_epikrise"
    assert (letter.first_visit, letter.last_visit) == (
        Moment("2024-02-12", "10:30"),
        Moment("2024-03-05", "13:15"),
    )
    assert _letter(EXAMPLE_EDI) == letter


def test_the_two_epikriser_share_every_field_but_the_visits_in_the_same_order() -> None:
    def names(cls: type) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    discharge, ambulant = names(DischargeLetter), names(OutpatientDischargeLetter)
    assert discharge[discharge.index("referral") + 1 : discharge.index("diagnoses")] == [
        "admission",
        "discharge",
    ]
    renamed = {"first_visit": "admission", "last_visit": "discharge"}
    assert [renamed.get(name, name) for name in ambulant] == discharge


def test_a_discharge_letter_never_becomes_an_ambulant_one() -> None:
    apopleksi = VALID / "epikrise" / "apopleksi.xml"
    assert b"D0133L+DIS01" in medbridge.convert(apopleksi, "edifact").output
    back = medbridge.read(medbridge.convert(EXAMPLE_XML, "json").output)
    assert isinstance(back.letter, OutpatientDischargeLetter)
    assert b"<OutPatientDischargeLetter>" in medbridge.write(back, "xml")
    assert b"<DischargeLetter>" not in medbridge.write(back, "xml")


@pytest.mark.parametrize(
    ("last", "code", "absent"),
    [
        ("2024-02-01", "rule.date.before-first-visit", "rule.date.before-admission"),
        ("2024-03-06", "rule.date.after-authorisation", "rule.date.before-first-visit"),
    ],
)
def test_a_last_visit_out_of_order_is_a_warning_there(last: str, code: str, absent: str) -> None:
    """Before the first visit (§C.6), or after the letter's authorisation (06.03 08:50)."""
    data = EXAMPLE_XML.replace(
        b"<Date>2024-03-05</Date><Time>13:15", f"<Date>{last}</Date><Time>13:15".encode()
    )
    found = _codes(data)
    assert found[code] == ["/Emessage/OutPatientDischargeLetter/OutPatientLastVisit"]
    assert absent not in found


@pytest.mark.parametrize("status", ["inaktiv", "indlagt", "doed"])
def test_an_episode_status_other_than_ambulant_is_a_warning(status: str) -> None:
    data = EXAMPLE_XML.replace(b">ambulant<", f">{status}<".encode())
    report = medbridge.validate(data)
    assert report.ok
    (finding,) = [f for f in report.findings if f.code == "rule.code.ambulant-status"]
    assert finding.location.path == (
        "/Emessage/OutPatientDischargeLetter/Patient/EpisodeOfCareStatusCode"
    )
    assert repr(status) in finding.message


def test_the_ambulant_statuses_give_no_warning_and_a_discharge_letter_none_at_all() -> None:
    for status in (EpisodeOfCareStatus.OUTPATIENT, EpisodeOfCareStatus.OUTPATIENT_RADIOLOGY):
        data = EXAMPLE_XML.replace(b">ambulant<", f">{status.value}<".encode())
        assert "rule.code.ambulant-status" not in _codes(data)
    indlagt = (VALID / "epikrise" / "apopleksi.xml").read_bytes()
    assert "rule.code.ambulant-status" not in _codes(indlagt)


def test_more_than_nine_ftx_in_a_clinical_s14_is_refused_unless_nonstandard() -> None:
    with pytest.raises(medbridge.ConversionError) as refused:
        medbridge.convert(LONG, "edifact")
    assert [f.code for f in refused.value.findings] == ["convert.unmapped"]
    result = medbridge.convert(LONG, "edifact", allow_nonstandard=True)
    (note,) = [f for f in result.findings if f.code == "convert.nonstandard"]
    assert "DIS02 reader and writer refuse more than 9" in note.message
    read_back = medbridge.validate(result.output)
    assert "edifact.mapping.too-many" in {f.code for f in read_back.findings}
    discharge = medbridge.convert(
        VALID / "epikrise" / "pneumoni.xml", "edifact", allow_nonstandard=True
    )
    assert "DIS02" not in " ".join(f.message for f in discharge.findings)


def test_losses_are_reported_as_for_the_discharge_letter() -> None:
    path = AMBULANT / "xmlonly-fritekst-cp1252.xml"
    with pytest.raises(medbridge.ConversionError):
        medbridge.convert(path, "edifact")
    result = medbridge.convert(path, "edifact", allow_loss=True)
    assert result.losses
    assert all(
        f.location.path.startswith("/Emessage/OutPatientDischargeLetter") for f in result.losses
    )
    assert any("Local_Elements" in (f.location.path or "") for f in result.losses)


def test_detect_names_the_kind_and_refuses_the_current_version() -> None:
    for data, fmt, version in ((EXAMPLE_XML, "xml", "XD0233L"), (EXAMPLE_EDI, "edifact", "D0233L")):
        detected = medbridge.detect(data)
        assert (detected.format, detected.kind, detected.version) == (
            fmt,
            "ambulant_epikrise",
            version,
        )
        assert detected.supported
    newer = EXAMPLE_EDI.replace(b"D0233L", b"D0234L")
    detected = medbridge.detect(newer)
    assert (detected.kind, detected.supported) == ("ambulant_epikrise", False)
    assert [f.code for f in medbridge.validate(newer).findings if f.is_error] == [
        "edifact.mapping.unsupported-version"
    ]


def test_the_view_labels_the_visits() -> None:
    text = render_text(medbridge.read(EXAMPLE_XML), width=100)
    assert text.startswith("Ambulant epikrise")
    assert "Første ambulante besøg  12.02.2024 kl. 10:30" in text
    assert "Sidste ambulante besøg  05.03.2024 kl. 13:15" in text
    assert "Indlagt" not in text and "Udskrevet" not in text


def test_a_rule_finding_on_a_dis02_points_at_its_segment() -> None:
    data = EXAMPLE_EDI.replace(b"PAS+HA'", b"PAS+HS'")  # HS: indlagt (in-patient)
    (finding,) = [
        f for f in medbridge.validate(data).findings if f.code == "rule.code.ambulant-status"
    ]
    assert (finding.location.tag, finding.location.element) == ("PAS", 1)
    assert finding.location.path == (
        "/Emessage/OutPatientDischargeLetter/Patient/EpisodeOfCareStatusCode"
    )


def test_no_clinical_text_is_a_warning_about_the_out_patient_course() -> None:
    start = EXAMPLE_XML.index(b"<ClinicalInformation>")
    end = EXAMPLE_XML.index(b"</ClinicalInformation>") + len(b"</ClinicalInformation>")
    (finding,) = [
        f
        for f in medbridge.validate(EXAMPLE_XML[:start] + EXAMPLE_XML[end:]).findings
        if f.code == "rule.content.no-clinical-text"
    ]
    assert finding.message.startswith("The ambulant epikrise has no clinical text")
    assert "account of the out-patient course" in finding.message
