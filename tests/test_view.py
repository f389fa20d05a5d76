"""The readable view: critical facts first, text with its breaks and emphasis, safe HTML."""

from __future__ import annotations

from lxml import etree

from medbridge.model import (
    Bold,
    Break,
    CarePlan,
    Center,
    ClinicalInformation,
    DischargeLetter,
    Envelope,
    EpisodeOfCareStatus,
    FormattedText,
    HospitalReferral,
    IdentifierCode,
    LetterHeader,
    Message,
    Moment,
    Party,
    PartyId,
    Patient,
    PatientId,
    RelevantClinicalInformation,
    StatusCode,
)
from medbridge.view import critical_facts, render_html, render_text

SENDER = Party(
    PartyId("9999011", IdentifierCode.SKS_DEPARTMENT),
    ean="5799999000010",
    organisation="Eksempel Sygehus",
)
RECEIVER = Party(
    PartyId("999901", IdentifierCode.YDERNUMMER),
    ean="5799999000027",
    organisation="Lægehuset Prøvevej",
)
HEADER = LetterHeader("EPI1", Moment("2024-03-05", "14:05"), "XDIS01", StatusCode.NEW)


def _epikrise(text: FormattedText) -> Message:
    letter = DischargeLetter(
        HEADER,
        SENDER,
        RECEIVER,
        Patient(
            PatientId.cpr("0707614285"), "Testesen", "Tove", status=EpisodeOfCareStatus.INPATIENT
        ),
        clinical_information=[ClinicalInformation(text)],
    )
    return Message(Envelope(Moment("2024-03-05", "14:20"), "ENV1"), [letter])


def test_resuscitation_sentence_is_a_critical_fact_and_comes_first() -> None:
    text = FormattedText(
        [
            "Indlagt med pneumoni. ",
            Bold(["Patienten ønsker ikke genoplivning (HLR-minus)."]),
            Break(),
            "Kontrol om 4 uger.",
            Break(),
        ]
    )
    message = _epikrise(text)
    facts = critical_facts(message.letter)
    assert [f.kind for f in facts] == ["resuscitation"]
    assert facts[0].text == "Patienten ønsker ikke genoplivning (HLR-minus)."
    rendered = render_text(message)
    box_at = rendered.index("VIGTIGT")
    assert box_at < rendered.index("Patient ")
    assert rendered.index("genoplivning") < rendered.index("Indlagt med pneumoni")
    assert "Kontrol om 4 uger." in rendered.splitlines()


def test_livsforlaengende_behandling_and_cave_in_referral() -> None:
    referral = HospitalReferral(
        LetterHeader("HEN1", Moment("2024-03-05", "14:05"), "XREF01", StatusCode.NEW),
        RECEIVER,
        SENDER,
        Patient(PatientId.alternative("0203291WQ3"), "Prøvesen"),
        relevant_clinical_information=RelevantClinicalInformation(
            cave=FormattedText(["Penicillin"]),
            anamnesis=FormattedText(["Aftalt: ingen livsforlængende behandling. Ryger."]),
        ),
    )
    facts = critical_facts(referral)
    assert [(f.kind, f.text) for f in facts] == [
        ("resuscitation", "Aftalt: ingen livsforlængende behandling."),
        ("cave", "Penicillin"),
    ]


def test_risk_of_contagion_in_care_plan() -> None:
    plan = CarePlan(
        LetterHeader("PLAN1", Moment("2024-05-02", "10:35"), "XDIS21"),
        SENDER,
        Party(PartyId("751", IdentifierCode.KOMMUNENUMMER)),
        Patient(PatientId.cpr("0707614285"), "Testesen"),
        risk_of_contagion=FormattedText(["MRSA-positiv, isolation."]),
    )
    assert [f.kind for f in critical_facts(plan)] == ["contagion"]


def test_no_box_without_critical_facts() -> None:
    rendered = render_text(_epikrise(FormattedText.of("Alt vel.")))
    assert "VIGTIGT" not in rendered
    assert "Alt vel." in rendered


def test_ansi_only_when_asked() -> None:
    message = _epikrise(FormattedText([Bold(["fed"]), Break()]))
    assert "\x1b[1m" not in render_text(message)
    assert "\x1b[1mfed\x1b[22m" in render_text(message, ansi=True)


def test_center_is_centred() -> None:
    message = _epikrise(FormattedText([Center(["Titel", Break()]), "Brødtekst", Break()]))
    lines = render_text(message, width=40).splitlines()
    assert "Titel".center(40) in lines


def test_html_is_escaped_and_self_contained() -> None:
    message = _epikrise(FormattedText(["<script>alert(1)</script> & genoplivning.", Break()]))
    page = render_html(message)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "http" not in page  # no external resources
    tree = etree.HTML(page)
    assert tree.find(".//div[@class='critical']") is not None


def test_heading_line_and_its_paragraph_form_one_fact() -> None:
    text = FormattedText(
        ["CAVE", Break(), "Penicillin (udslæt). ACE-hæmmere (hoste).", Break(), "Andet.", Break()]
    )
    facts = critical_facts(_epikrise(text).letter)
    assert [(f.kind, f.text) for f in facts] == [
        ("cave", "CAVE: Penicillin (udslæt). ACE-hæmmere (hoste).")
    ]
