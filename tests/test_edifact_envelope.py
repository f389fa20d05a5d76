"""EDIFACT envelope checks and writers: UNB/UNH/UNT/UNZ (safety-and-validation.md §2.4, §8 E;
edifact-messages.md §3)."""

from __future__ import annotations

import datetime

import pytest
from edifact_examples import DIS01

from medbridge.edifact import (
    InterchangeHeader,
    InterchangeReader,
    Segment,
    Tokenizer,
    encode_interchange,
    iter_segments,
    read_envelope,
    unb_full_date,
    write_envelope,
    write_unb,
    write_unh,
    write_unt,
    write_unz,
)
from medbridge.errors import EdifactInputError
from medbridge.findings import Finding

UNB = "UNB+UNOC:3+5799999000010:14+5799999000027:14+240305:1420+REF1++++0'"
MSG = "UNH+M1+MEDDIS:D:93A:UN:D0133L+DIS01'BGM+EPI++9+NA'DTM+137:202403051405:203'UNT+4+M1'"


def edi(*parts: str) -> bytes:
    return ("UNA:+.? '" + "".join(parts)).encode("latin-1")


def reject(data: bytes, code: str) -> Finding:
    with pytest.raises(EdifactInputError) as info:
        read_envelope(data)
    codes = [f.code for f in info.value.findings if f.is_error]
    assert codes == [code], codes
    finding = info.value.findings[-1]
    assert "{" not in finding.message
    return finding


# -- the example ---------------------------------------------------------------------------


def test_dis01_example_envelope() -> None:
    interchange = read_envelope(DIS01)
    header = interchange.header
    assert (header.syntax_identifier, header.syntax_version) == ("UNOC", "3")
    assert (header.sender_id, header.sender_qualifier) == ("5799999000010", "14")
    assert (header.recipient_id, header.recipient_qualifier) == ("5799999000027", "14")
    assert (header.date, header.time, header.reference) == ("240305", "1420", "ENV0000042")
    assert header.recipient_password == ("",)
    assert (header.application_reference, header.priority) == ("", "")
    assert header.acknowledgement == "1"
    assert header.agreement is None and header.test_indicator is None
    assert len(interchange.messages) == 1
    unh, body, unt = interchange.messages[0]
    assert unh.value(2, 5) == "D0133L" and unh.value(3) == "DIS01"
    assert len(body) == 45 and unt.value(1) == "47"
    assert interchange.unz is not None and interchange.unz.value(2) == "ENV0000042"
    assert interchange.una == "UNA:+.? '" and interchange.findings == []
    assert unb_full_date(header) == datetime.date(2024, 3, 5)


def test_rewriting_the_example_from_the_header_is_byte_identical() -> None:
    interchange = read_envelope(DIS01)
    layout = "\n"
    segments = list(
        write_envelope(
            interchange.header,
            [(m.unh, m.body) for m in interchange.messages],
            unb_layout=layout,
            unt_layout=layout,
            unz_layout=layout,
        )
    )
    assert encode_interchange(segments, una_layout=interchange.una_layout) == DIS01


# -- §8 E cases ------------------------------------------------------------------------------


def test_34_unt_count_states_both_numbers() -> None:
    finding = reject(
        edi(UNB, MSG.replace("UNT+4", "UNT+99"), "UNZ+1+REF1'"), "edifact.envelope.unt-count"
    )
    assert "99" in finding.message and "4" in finding.message
    assert finding.location.tag == "UNT" and finding.location.segment == 5
    assert finding.location.element == 1


def test_34b_non_numeric_unt_count() -> None:
    reject(edi(UNB, MSG.replace("UNT+4", "UNT+four"), "UNZ+1+REF1'"), "edifact.envelope.unt-count")
    reject(
        edi(UNB, MSG.replace("UNT+4+M1", "UNT++M1"), "UNZ+1+REF1'"), "edifact.envelope.unt-count"
    )


def test_35_unt_reference_mismatch() -> None:
    finding = reject(
        edi(UNB, MSG.replace("UNT+4+M1", "UNT+4+M2"), "UNZ+1+REF1'"),
        "edifact.envelope.unt-reference",
    )
    assert "M1" in finding.message and "M2" in finding.message


def test_36_unz_count_and_reference() -> None:
    finding = reject(edi(UNB, MSG, "UNZ+5+REF1'"), "edifact.envelope.unz-count")
    assert "5" in finding.message and "1" in finding.message
    reject(edi(UNB, MSG, "UNZ+1+REF2'"), "edifact.envelope.unz-reference")


def test_37_missing_unz_unt_unb() -> None:
    reject(edi(UNB, MSG), "edifact.envelope.unz-missing")
    finding = reject(
        edi(UNB, MSG.replace("UNT+4+M1'", ""), "UNZ+1+REF1'"), "edifact.envelope.unt-missing"
    )
    assert finding.location.tag == "UNH"
    with pytest.raises(EdifactInputError) as info:
        read_envelope(edi(MSG, "UNZ+1+REF1'"))
    assert info.value.findings[-1].code == "edifact.envelope.unb-missing"


def test_37b_unh_inside_an_open_message() -> None:
    two = MSG.replace("UNT+4+M1'", "") + MSG.replace("M1", "M2")
    finding = reject(edi(UNB, two, "UNZ+2+REF1'"), "edifact.envelope.unt-missing")
    assert "M1" in finding.message


def test_38_unb_bad_date_is_a_finding_not_a_value_error() -> None:
    finding = reject(
        edi(UNB.replace("240305:1420", "241301:1200"), MSG, "UNZ+1+REF1'"),
        "edifact.envelope.unb-date",
    )
    assert (finding.location.element, finding.location.component) == (4, 1)


@pytest.mark.parametrize(
    ("s001", "s004", "ok"),
    [
        ("UNOC:3", "240305:1420", True),
        ("UNOC:3", "000229:0000", True),  # 2000 was a leap year (pivot 00 → 2000)
        ("UNOC:3", "010229:0000", False),
        ("UNOC:3", "20240305:1420", False),  # CCYYMMDD only for syntax 4
        ("UNOC:4", "20240305:1420", True),
        ("UNOC:4", "240305:1420", False),
        ("UNOC:4", "20240230:1420", False),
        ("UNOC:3", "240305:2400", False),
        ("UNOC:3", "240305:1260", False),
        ("UNOC:3", "240305:142", False),
        ("UNOC:3", "24O305:1420", False),
    ],
)
def test_unb_date_rules(s001: str, s004: str, ok: bool) -> None:
    data = edi(f"UNB+{s001}+1:14+2:14+{s004}+REF1'", MSG, "UNZ+1+REF1'")
    if ok:
        assert read_envelope(data).header.date == s004.split(":")[0]
    else:
        reject(data, "edifact.envelope.unb-date")


def test_unb_full_date_pivot_never_uses_the_clock() -> None:
    def header(date: str, version: str = "3") -> InterchangeHeader:
        return InterchangeHeader("UNOC", version, "1", date=date, time="0000", reference="R")

    assert unb_full_date(header("690101")) == datetime.date(2069, 1, 1)
    assert unb_full_date(header("700101")) == datetime.date(1970, 1, 1)
    assert unb_full_date(header("991231")) == datetime.date(1999, 12, 31)
    assert unb_full_date(header("20240305", "4")) == datetime.date(2024, 3, 5)
    with pytest.raises(EdifactInputError) as info:
        unb_full_date(header("241301"))
    assert info.value.findings[0].code == "edifact.envelope.unb-date"


def test_version_4_date_keeps_its_century_on_writing() -> None:
    data = edi("UNB+UNOC:4+1:14+2:14+20240305:1420+REF1'", MSG, "UNZ+1+REF1'")
    interchange = read_envelope(data)
    assert write_unb(interchange.header).elements[3] == ("20240305", "1420")


def test_unb_incomplete() -> None:
    finding = reject(edi("UNB+UNOC:3+1:14'", MSG, "UNZ+1+REF1'"), "edifact.envelope.unb-incomplete")
    assert "recipient" in finding.message and "date" in finding.message
    reject(
        edi("UNB+UNOC:3+:14+2:14+240305:1420+REF1'", MSG, "UNZ+1+REF1'"),
        "edifact.envelope.unb-incomplete",
    )


def test_unh_incomplete() -> None:
    reject(
        edi(UNB, MSG.replace("+MEDDIS:D:93A:UN:D0133L", ""), "UNZ+1+REF1'"),
        "edifact.envelope.unh-incomplete",
    )
    reject(
        edi(UNB, MSG.replace("MEDDIS:D:93A:UN:D0133L", "MEDDIS:D::UN:D0133L"), "UNZ+1+REF1'"),
        "edifact.envelope.unh-incomplete",
    )
    reject(
        edi(UNB, MSG.replace("UNH+M1", "UNH+").replace("UNT+4+M1", "UNT+4+"), "UNZ+1+REF1'"),
        "edifact.envelope.unh-incomplete",
    )


@pytest.mark.parametrize(
    "parts",
    [
        (UNB, "BGM+EPI'", MSG, "UNZ+1+REF1'"),  # before the first UNH
        (UNB, MSG, "FTX+AAA'", MSG.replace("M1", "M2"), "UNZ+2+REF1'"),  # between messages
        (UNB, MSG, "GIS+N'", "UNZ+1+REF1'"),  # after the last UNT
        (UNB, MSG, "UNT+4+M1'", "UNZ+1+REF1'"),  # a UNT without UNH
    ],
)
def test_orphan_segments(parts: tuple[str, ...]) -> None:
    finding = reject(edi(*parts), "edifact.envelope.orphan-segment")
    assert finding.location.segment is not None and finding.location.tag is not None


def test_functional_groups_are_unsupported() -> None:
    reject(
        edi(UNB, "UNG+MEDDIS+1:14+2:14+240305:1420+G1+UN+D:93A'", MSG, "UNE+1+G1'", "UNZ+1+REF1'"),
        "edifact.envelope.unsupported-group",
    )


def test_segments_after_unz_in_a_stream() -> None:
    segments = list(iter_segments(edi(UNB, MSG, "UNZ+1+REF1'")))
    reader = InterchangeReader([*segments, Segment("FTX", (("A",),))])
    with pytest.raises(EdifactInputError) as info:
        list(reader.messages())
    assert info.value.findings[-1].code == "edifact.envelope.trailing-data"
    with pytest.raises(EdifactInputError) as info:
        read_envelope(edi(UNB, MSG, "UNZ+1+REF1'", "GIS+N'"))
    assert info.value.findings[-1].code == "edifact.envelope.trailing-data"


def test_no_interchange() -> None:
    with pytest.raises(EdifactInputError) as info:
        InterchangeReader([])
    assert info.value.findings[0].code == "edifact.envelope.no-interchange"


def test_syntax_errors_pass_through_with_their_code() -> None:
    with pytest.raises(EdifactInputError) as info:
        read_envelope(edi(UNB, MSG.replace("BGM", "bgm"), "UNZ+1+REF1'"))
    assert info.value.findings[-1].code == "edifact.syntax.bad-tag"


# -- streaming and collecting ----------------------------------------------------------------


def test_messages_stream_one_at_a_time() -> None:
    good = MSG
    bad = MSG.replace("M1", "M2").replace("UNT+4", "UNT+9")
    reader = InterchangeReader(iter_segments(edi(UNB, good, bad, "UNZ+2+REF1'")))
    messages = reader.messages()
    first = next(messages)
    assert first.unh.value(1) == "M1" and len(first.body) == 2
    with pytest.raises(EdifactInputError) as info:
        next(messages)
    assert info.value.findings[-1].code == "edifact.envelope.unt-count"


def test_collect_mode_reports_every_envelope_error() -> None:
    data = edi(
        UNB.replace("240305", "241301"),
        MSG.replace("UNT+4", "UNT+99"),
        "GIS+N'",
        MSG.replace("M1", "M2"),
        "UNZ+7+OTHER'",
    )
    interchange = read_envelope(data, collect=True)
    assert [f.code for f in interchange.findings] == [
        "edifact.envelope.unb-date",
        "edifact.envelope.unt-count",
        "edifact.envelope.orphan-segment",
        "edifact.envelope.unz-count",
        "edifact.envelope.unz-reference",
    ]
    # only the complete, correct message is yielded
    assert [m.unh.value(1) for m in interchange.messages] == ["M2"]


def test_tokenizer_infos_are_kept() -> None:
    data = edi(UNB, MSG.replace("BGM+EPI", "BGM+E?PI"), "UNZ+1+REF1'")
    interchange = read_envelope(data)
    assert [f.code for f in interchange.findings] == ["edifact.syntax.needless-release"]


# -- writing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ack", "expected"),
    [(None, "ENV1'"), ("", "ENV1'"), ("0", "ENV1++++0'"), ("1", "ENV1++++1'")],
)
def test_write_unb_places_acknowledgement_in_position_9(ack: str | None, expected: str) -> None:
    header = InterchangeHeader(
        "UNOC",
        "3",
        "5799999000010",
        "14",
        recipient_id="5799999000027",
        recipient_qualifier="14",
        date="240305",
        time="1420",
        reference="ENV1",
        acknowledgement=ack,
    )
    text = encode_interchange([write_unb(header)], una=False).decode()
    assert text == "UNB+UNOC:3+5799999000010:14+5799999000027:14+240305:1420+" + expected


def test_optional_unb_fields_survive_a_round_trip() -> None:
    unb = "UNB+UNOC:3+5799999000010:14:RR+5799999000027:14+240305:1420+ENV1+PW:Q+APP+A+1+AGR+1'"
    data = edi(unb, MSG.replace("REF1", "ENV1"), "UNZ+1+ENV1'")
    header = read_envelope(data).header
    assert header.sender_routing == "RR"
    assert header.recipient_password == ("PW", "Q")
    assert (header.application_reference, header.priority, header.acknowledgement) == (
        "APP",
        "A",
        "1",
    )
    assert (header.agreement, header.test_indicator) == ("AGR", "1")
    assert encode_interchange([write_unb(header)], una=False).decode() == unb


def test_write_helpers_compute_counts_and_references() -> None:
    header = InterchangeHeader(
        "UNOC",
        "3",
        "1",
        "14",
        recipient_id="2",
        recipient_qualifier="14",
        date="240305",
        time="1420",
        reference="ENV9",
    )
    unh = write_unh("L1", ("MEDDIS", "D", "93A", "UN", "D0133L"), "DIS01")
    body = [Segment("BGM", (("EPI",), ("",), ("9",), ("NA",))), Segment("GIS", (("N",),))]
    assert write_unt(unh, body).elements == (("4",), ("L1",))
    assert write_unz(header, 3).elements == (("3",), ("ENV9",))
    unh2 = write_unh("L2", ("MEDDIS", "D", "93A", "UN", "D0133L"), "DIS01")
    segments = list(write_envelope(header, [(unh, body), (unh2, body[:1])]))
    data = encode_interchange(segments)
    interchange = read_envelope(data)
    assert [m.unt.value(1) for m in interchange.messages] == ["4", "3"]
    assert interchange.unz is not None and interchange.unz.elements == (("2",), ("ENV9",))
    assert list(Tokenizer(data))[1].elements == (
        ("L1",),
        ("MEDDIS", "D", "93A", "UN", "D0133L"),
        ("DIS01",),
    )
