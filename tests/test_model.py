"""The normalized model: construction rules, masking, moments, and the JSON codec."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import typing

import pytest

import medbridge
from medbridge.model import (
    AcknowledgementCode,
    BaseLetter,
    Bold,
    Break,
    CarePlan,
    Center,
    ClinicalInformation,
    DischargeLetter,
    Envelope,
    EpisodeOfCareStatus,
    FixedFont,
    FormattedText,
    HospitalReferral,
    IdentifierCode,
    Italic,
    LetterHeader,
    Message,
    Moment,
    Party,
    PartyId,
    Patient,
    PatientId,
    Reference,
    Right,
    Space,
    StatusCode,
    Underline,
)
from medbridge.model.text import plain_text


def _letter() -> DischargeLetter:
    return DischargeLetter(
        header=LetterHeader("EPI1", Moment("2024-03-05", "14:05"), "XDIS01", StatusCode.NEW),
        sender=Party(
            PartyId("9999011", IdentifierCode.SKS_DEPARTMENT),
            ean="5799999000010",
            organisation="Eksempel Sygehus",
        ),
        receiver=Party(PartyId("999901", IdentifierCode.YDERNUMMER), ean="5799999000027"),
        patient=Patient(
            PatientId.cpr("0707614285"), "Testesen", status=EpisodeOfCareStatus.DECEASED
        ),
        clinical_information=[
            ClinicalInformation(
                FormattedText(["Forløb ", Bold(["vigtigt", Break()]), FixedFont([Italic(["x"])])])
            )
        ],
    )


def test_text_nesting_rules_are_enforced() -> None:
    with pytest.raises(ValueError, match="Bold may not contain Italic"):
        Bold([Italic(["x"])])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="FixedFont may not contain FixedFont"):
        FixedFont([FixedFont(["x"])])  # type: ignore[list-item]
    assert FixedFont([Center(["x", Break()]), Space()]).plain() == "x\n "


def test_adjacent_text_runs_merge_and_empty_runs_vanish() -> None:
    assert FormattedText(["a", "", "b", Break(), "c"]) == FormattedText(["ab", Break(), "c"])
    assert Underline(["", "x", "y"]).content == ["xy"]


def test_whitespace_is_content() -> None:
    text = FormattedText(["  leading and trailing  ", Break()])
    assert text.plain() == "  leading and trailing  \n"


def test_style_wrappers_share_one_content_type_but_stay_distinct() -> None:
    for style in (Bold, Italic, Underline, Center, Right):
        assert typing.get_type_hints(style)["content"] == list[str | Break | Space]
        assert style(["a"]) == style(["a"])
        assert repr(style(["a"])) == f"{style.__name__}(content=['a'])"
    assert Bold(["a"]) != Italic(["a"])
    with pytest.raises(ValueError, match="Center may not contain Bold"):
        Center([Bold(["x"])])


def test_plain_text_walks_the_tree_and_maps_text_runs() -> None:
    text = FormattedText(["a\nb", Break(), FixedFont([Bold(["c", Space(), "d"])]), "e"])
    assert text.plain() == "a\nb\nc de"
    assert plain_text(text.content, str.upper) == "A\nB\nC DE"
    assert FixedFont([Italic(["x", Break()])]).plain() == "x\n"


def test_every_letter_starts_with_header_sender_receiver_patient() -> None:
    first = ["header", "sender", "receiver", "patient"]
    for cls in (DischargeLetter, HospitalReferral, CarePlan):
        assert issubclass(cls, BaseLetter)
        assert [f.name for f in dataclasses.fields(cls)][:4] == first
        assert [f.name for f in dataclasses.fields(cls)][-2:] == ["local_elements", "wire"]
    letter = _letter()
    assert letter.kind == "epikrise"
    assert not hasattr(letter, "version_code")  # a wire fact: declared in letters/epikrise/


def test_formatted_text_of_lines() -> None:
    assert FormattedText.of("a", "b").content == ["a", Break(), "b", Break()]


def test_patient_identifier_is_masked_in_repr_and_str() -> None:
    pid = PatientId.cpr("0707614285")
    assert "4285" not in repr(pid)
    assert str(pid) == "070761****"
    assert "0707614285" not in repr(_letter())


def test_moment_keeps_wire_text_and_converts() -> None:
    m = Moment("2024-02-27", "00:00")
    assert str(m) == "2024-02-27 00:00"
    assert m.to_datetime() == dt.datetime(2024, 2, 27, 0, 0)
    assert Moment("2024-02-30", "10:00").to_datetime() is None
    assert Moment("2024-01-01", "24:00").to_datetime() is None
    assert Moment.of(dt.datetime(2024, 5, 2, 10, 35, 59)) == Moment("2024-05-02", "10:35")
    assert Moment.of(dt.date(2024, 5, 2)) == Moment("2024-05-02")


def test_reference_needs_exactly_one_target() -> None:
    with pytest.raises(ValueError):
        Reference("Beskrivelse")
    with pytest.raises(ValueError):
        Reference("Beskrivelse", url="https://eksempel.invalid", supplementary=True)
    assert Reference("Beskrivelse", supplementary=True).supplementary


def test_json_round_trip_keeps_everything() -> None:
    message = Message(
        Envelope(Moment("2024-03-05", "14:20"), "ENV1", AcknowledgementCode.POSITIVE_WANTED),
        [_letter()],
        wire={"xml.encoding": "windows-1252"},
    )
    text = medbridge.to_json(message)
    back = medbridge.from_json(text)
    assert back == message
    assert back.wire == {"xml.encoding": "windows-1252"}
    assert medbridge.to_json(back) == text


def test_json_keeps_unknown_municipality_codes_as_strings() -> None:
    party = Party(PartyId("123", "nyt_kodesystem"), speciality="neurologi")
    plan = CarePlan(
        LetterHeader("PLAN1", Moment("2024-05-02", "10:35"), "XDIS21"),
        party,
        Party(PartyId("751", IdentifierCode.KOMMUNENUMMER)),
        Patient(PatientId.cpr("0707614285"), "Testesen"),
    )
    message = Message(Envelope(Moment("2024-05-02", "10:40"), "PLAN1"), [plan])
    back = medbridge.from_json(medbridge.to_json(message))
    assert back == message
    letter = back.letters[0]
    assert letter.sender.identifier.code == "nyt_kodesystem"
    assert letter.sender.speciality == medbridge.MedicalSpeciality.NEUROLOGI
    assert isinstance(letter, CarePlan) and letter.header.status is None


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "{}",
        '{"medbridge-json": 1, "message": {"envelope": 3}}',
        '{"medbridge-json": 1, "message": {"envelope": {"sent": {"date": "x"}, "identifier": "E"},'
        ' "letters": [{"type": "Nope"}]}}',
        '{"medbridge-json": 1, "message": {"envelope": {"sent": {"date": "x"}, "identifier": "E",'
        ' "acknowledgement": "sometimes"}}}',
        '{"medbridge-json": 1, "message": {"envelope": {"sent": {"date": "x"}, "identifier": "E",'
        ' "bogus": 1}}}',
        json.dumps({"medbridge-json": 1, "message": {"envelope": [[[[]]]]}}),
    ],
)
def test_bad_json_raises_input_error_with_finding(text: str) -> None:
    with pytest.raises(medbridge.InputError) as info:
        medbridge.from_json(text)
    assert info.value.findings[0].code == "input.json-invalid"
    assert info.value.findings[0].location.path


def test_bad_nesting_in_json_is_an_input_error() -> None:
    good = medbridge.to_json(Message(Envelope(Moment("2024-03-05", "14:20"), "ENV1"), [_letter()]))
    bad = good.replace('"type": "Italic"', '"type": "FixedFont"')
    with pytest.raises(medbridge.InputError):
        medbridge.from_json(bad)
