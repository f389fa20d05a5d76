"""Receipts (kvittering, CTL01–03 / XCTL01–03; exchange-messages.md part A).

* the fixture pairs both ways: each ``.xml`` and ``.edi`` read to the same model, XML → EDIFACT
  gives the ``.edi`` segment for segment, EDIFACT → XML reads back to the same model, and
  EDIFACT → model → EDIFACT is byte-identical;
* Hypothesis: model → XML → model and model → EDIFACT → model;
* the §A.9 rules the invalid fixtures do not cover, the writer's rules (§A.6.2, §A.8), the edge
  cases (a receipt asking for a receipt, an unknown refuse code, a second FTX), JSON and the view.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from fixture_cases import FIXTURES
from hypothesis import given, settings
from strategies import receipt_messages

import medbridge
from medbridge.codecs.edifact.codec import write_interchange
from medbridge.errors import ConversionError
from medbridge.letters.receipt import message_type_of
from medbridge.model import (
    AcknowledgementCode,
    Bold,
    FormattedText,
    LocalElements,
    Message,
    OriginalLetter,
    Receipt,
    ReceiptVariant,
    Refusal,
    RefuseCode,
)
from medbridge.validation.rules import check_message

VALID = FIXTURES / "valid" / "kvittering"
PAIRS = sorted(p.stem for p in VALID.glob("*.xml"))
NEGATIVE = (VALID / "ctl02-negativ.edi").read_bytes()
POSITIVE = (VALID / "ctl03-positiv.edi").read_bytes()


def _segments(data: bytes) -> list[bytes]:
    """An interchange's segments, layout between them aside (UNA is its own piece)."""
    body = data[9:] if data.startswith(b"UNA") else data
    return [data[:9], *(s.strip() for s in body.split(b"'") if s.strip())]


def _codes(report: Any) -> list[str]:
    return [f.code for f in report.findings]


def _receipt(data: bytes) -> tuple[Message, Receipt]:
    message = medbridge.read(data)
    letter = message.letters[0]
    assert isinstance(letter, Receipt)
    return message, letter


# --------------------------------------------------------------------------------------------
# the fixture pairs


def test_the_spec_examples_and_more_are_fixtures() -> None:
    assert {"ctl01-vans", "ctl02-negativ", "ctl03-positiv"} <= set(PAIRS)
    assert all((VALID / f"{name}.edi").exists() for name in PAIRS)
    variants = {_receipt((VALID / f"{n}.xml").read_bytes())[1].variant for n in PAIRS}
    assert variants == set(ReceiptVariant)


@pytest.mark.parametrize("name", PAIRS)
def test_xml_and_edifact_of_a_pair_are_one_receipt(name: str) -> None:
    xml = (VALID / f"{name}.xml").read_bytes()
    edi = (VALID / f"{name}.edi").read_bytes()
    assert medbridge.validate(xml).findings == []
    assert medbridge.validate(edi).findings == []
    assert medbridge.read(xml) == medbridge.read(edi)


@pytest.mark.parametrize("name", PAIRS)
def test_xml_converts_to_the_edifact_of_its_pair(name: str) -> None:
    result = medbridge.convert((VALID / f"{name}.xml").read_bytes(), to="edifact")
    assert result.findings == []
    assert _segments(result.output) == _segments((VALID / f"{name}.edi").read_bytes())


@pytest.mark.parametrize("name", PAIRS)
def test_edifact_converts_to_the_xml_of_its_pair(name: str) -> None:
    result = medbridge.convert((VALID / f"{name}.edi").read_bytes(), to="xml")
    assert result.findings == []
    assert medbridge.read(result.output) == medbridge.read((VALID / f"{name}.xml").read_bytes())


@pytest.mark.parametrize("path", sorted(VALID.glob("*.edi")), ids=lambda p: p.name)
def test_edifact_to_model_to_edifact_is_byte_identical(path: Path) -> None:
    data = path.read_bytes()
    assert medbridge.write(medbridge.read(data), "edifact") == data


@pytest.mark.parametrize("path", sorted(VALID.glob("*.xml")), ids=lambda p: p.name)
def test_xml_to_model_to_xml_keeps_the_model_and_the_statistical_code(path: Path) -> None:
    message = medbridge.read(path)
    again = medbridge.write(message, "xml")
    assert medbridge.read(again) == message
    assert b"<StatisticalCode>XCTL0" in again


def test_detect_names_kind_and_version_in_both_formats() -> None:
    detected = medbridge.detect(NEGATIVE)
    assert (detected.format, detected.kind, detected.version) == ("edifact", "kvittering", "C0230Q")
    assert detected.identifier == "KVB0000052" and detected.supported
    xml = medbridge.detect(VALID / "ctl01-vans.xml")
    assert (xml.kind, xml.version, xml.identifier) == ("kvittering", "XC0130Q", "VB24030700017")


# --------------------------------------------------------------------------------------------
# Hypothesis round trips


@settings(max_examples=60, deadline=None)
@given(receipt_messages())
def test_model_to_xml_to_model(message: Message) -> None:
    assert medbridge.read(medbridge.write(message, "xml")) == message


@settings(max_examples=60, deadline=None)
@given(receipt_messages(edifact=True))
def test_model_to_edifact_to_model(message: Message) -> None:
    data = medbridge.write(message, "edifact")
    assert medbridge.read(data) == message
    assert medbridge.write(medbridge.read(data), "edifact") == data


@settings(max_examples=30, deadline=None)
@given(receipt_messages())
def test_model_to_json_to_model(message: Message) -> None:
    assert medbridge.from_json(medbridge.to_json(message)) == message


# --------------------------------------------------------------------------------------------
# reading and the rules (§A.9)


def test_a_second_ftx_warns_and_its_lines_are_appended() -> None:
    data = NEGATIVE.replace(b"UNT+5+", b"FTX+VER+P00++Ring venligst i dag.'\nUNT+6+")
    report = medbridge.validate(data)
    assert report.ok
    (warning,) = [f for f in report.findings if f.code == "receipt.second-ftx"]
    assert (warning.location.line, warning.location.tag) == (7, "FTX")
    _, receipt = _receipt(data)
    refusal = receipt.letters[0].refusal
    assert refusal is not None and refusal.text is not None
    assert refusal.text.plain().endswith("99990001.\nRing venligst i dag.\n")
    assert medbridge.write(medbridge.read(data), "edifact") == data  # nothing lost


def test_an_unknown_refuse_code_is_kept_and_refused_by_xml() -> None:
    data = NEGATIVE.replace(b"FTX+VER+", b"FTX+XYZ+")
    report = medbridge.validate(data)
    assert "receipt.unknown-refuse-code" in _codes(report)
    (finding,) = [f for f in report.findings if f.code == "receipt.unknown-refuse-code"]
    assert (finding.location.tag, finding.location.line) == ("FTX", 6)
    with pytest.raises(medbridge.InputError):
        medbridge.read(data)


def test_a_ucm_message_type_that_does_not_fit_warns_and_is_kept() -> None:
    data = NEGATIVE.replace(b"UCM+AMB0000043+MEDDIS", b"UCM+AMB0000043+MEDREF")
    report = medbridge.validate(data)
    assert report.ok and "receipt.message-type" in _codes(report)
    assert medbridge.write(medbridge.read(data), "edifact") == data


def test_a_qualifier_other_than_14_is_a_deviation_kept_for_edifact() -> None:
    data = NEGATIVE.replace(b"UCI+ENV0000043+5799999000010:14", b"UCI+ENV0000043+5799999000010:ZZ")
    report = medbridge.validate(data)
    assert report.ok and "edifact.mapping.deviation" in _codes(report)
    assert medbridge.write(medbridge.read(data), "edifact") == data


def test_a_code_without_text_reads_as_a_code_only() -> None:
    data = NEGATIVE.replace(
        NEGATIVE[NEGATIVE.index(b"FTX+VER") : NEGATIVE.index(b"UNT")], b"FTX+VER+P00'\n"
    )
    _, receipt = _receipt(data)
    assert receipt.letters[0].refusal == Refusal(RefuseCode.VERSION, None)
    assert medbridge.write(medbridge.read(data), "edifact") == data


def test_a_statistical_code_other_than_xctl_warns() -> None:
    data = (VALID / "ctl03-positiv.xml").read_bytes().replace(b">XCTL03<", b">STAT1<")
    report = medbridge.validate(data)
    assert report.ok
    (finding,) = [f for f in report.findings if f.code == "receipt.statistical-code"]
    assert finding.location.path == "/Emessage/PositiveReceipt/Letter/StatisticalCode"
    assert finding.location.line == 12
    _, receipt = _receipt(data)
    assert receipt.statistical_code == "STAT1"


def test_a_receipt_travels_alone() -> None:
    letter = medbridge.read(FIXTURES / "valid" / "epikrise" / "apopleksi.xml").letters[0]
    message, receipt = _receipt(POSITIVE)
    message.letters = [receipt, letter]
    codes = [f.code for f in check_message(message)]
    assert codes.count("receipt.mixed") == 1
    (finding,) = [f for f in check_message(message) if f.code == "receipt.mixed"]
    assert finding.location.path == "/Emessage/PositiveReceipt"


def test_a_vans_sender_is_no_gln_but_every_other_party_is() -> None:
    message, receipt = _receipt((VALID / "ctl01-vans.edi").read_bytes())
    assert check_message(message) == []
    receipt.original_receiver = "5799999000035"  # wrong check digit
    assert [f.code for f in check_message(message)] == ["id.gln.check-digit"]


# --------------------------------------------------------------------------------------------
# writing (§A.6, §A.8)


def test_the_ucm_type_follows_medcoms_table_and_the_family_letter() -> None:
    assert message_type_of("D0133L") == "MEDDIS"
    assert message_type_of("XD0133L") == "XMEDDIS"
    assert message_type_of("H0630R") == "MEDREF"
    assert message_type_of("R0430P") == "MEDRPT"
    assert message_type_of("Q0230M") == "MEDREQ"
    assert message_type_of("A0130Z") == "PRODAT"
    assert message_type_of("D0234L") == "MEDDIS"  # not in MedCom's table: the family letter
    assert message_type_of("B0130X") == "MEDBIN"
    assert message_type_of("XH0131R") == "XMEDREF"
    for unknown in ("U0130U", "SST012", "XC0330Q", "", "Z0130Z", "D01"):
        assert message_type_of(unknown) is None


def test_an_unresolvable_version_code_is_refused() -> None:
    message, receipt = _receipt(POSITIVE)
    receipt.letters[0].version_code = "U0130U"
    with pytest.raises(ConversionError) as raised:
        medbridge.write(message, "edifact")
    (finding,) = raised.value.findings
    assert finding.code == "receipt.unknown-message-type"
    assert finding.location.path.endswith("/OriginalLetter/OriginalVersionCode")


def test_the_unb_of_a_receipt_ends_after_its_reference() -> None:
    message, _ = _receipt(POSITIVE)
    message.wire.clear()
    data = medbridge.write(message, "edifact")
    assert b"UNB+UNOC:3+5799999000027:14+5799999000010:14+240305:1431+KVT0000051'" in data


def test_a_receipt_asking_for_a_receipt_is_reported_and_not_written_so() -> None:
    message, _ = _receipt(POSITIVE)
    message.envelope.acknowledgement = AcknowledgementCode.POSITIVE_WANTED
    xml = medbridge.write(message, "xml")
    assert "receipt.ack-requested" in _codes(medbridge.validate(xml))
    with pytest.raises(ConversionError) as raised:
        medbridge.write(message, "edifact")
    assert raised.value.findings[0].location.path == "/Emessage/Envelope/AcknowledgementCode"
    data, findings = write_interchange(message, allow_loss=True)
    assert b"+KVT0000051'" in data and b"++++1" not in data
    assert [f.code for f in findings] == ["convert.loss"]


def test_text_without_code_is_written_nc_and_code_without_text_as_a_bare_ftx() -> None:
    message, receipt = _receipt(NEGATIVE)
    refusal = receipt.letters[0].refusal
    assert refusal is not None
    receipt.refusal = Refusal(None, FormattedText.of("Hele forsendelsen er afvist."))
    receipt.letters[0].refusal = Refusal(RefuseCode.SYNTAX, None)
    message.letters[0].wire.clear()
    data = medbridge.write(message, "edifact")
    assert b"FTX+NC+P00++Hele forsendelsen er afvist.'" in data
    assert b"FTX+SYN+P00'" in data


def test_a_refuse_text_over_five_lines_is_refused_or_cut() -> None:
    message, receipt = _receipt(NEGATIVE)
    receipt.letters[0].refusal = Refusal(
        RefuseCode.VERSION, FormattedText.of(*(f"Linje {n}" for n in range(1, 8)))
    )
    with pytest.raises(ConversionError) as raised:
        medbridge.write(message, "edifact")
    assert [f.code for f in raised.value.findings] == ["receipt.refuse-text-too-long"]
    result = medbridge.convert(medbridge.write(message, "xml"), to="edifact", allow_loss=True)
    assert b"FTX+VER+P00++Linje 1:Linje 2:Linje 3:Linje 4:Linje 5'" in result.output
    assert b"Linje 6" not in result.output
    assert "convert.loss" in [f.code for f in result.findings]


def test_what_edifact_cannot_carry_is_a_loss() -> None:
    message, receipt = _receipt(POSITIVE)
    receipt.statistical_code = "STAT1"
    xml = medbridge.write(message, "xml")
    with pytest.raises(ConversionError) as raised:
        medbridge.convert(xml, to="edifact")
    assert [f.location.path for f in raised.value.findings] == [
        "/Emessage/PositiveReceipt/Letter/StatisticalCode"
    ]
    receipt.statistical_code = None
    receipt.local_elements = LocalElements(
        '<Local_Elements xmlns="http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07/">'
        "<x>1</x></Local_Elements>"
    )
    lossy = medbridge.convert(medbridge.write(message, "xml"), to="edifact", allow_loss=True)
    assert [f.code for f in lossy.findings] == ["convert.loss"]
    assert lossy.findings[0].location.path == "/Emessage/PositiveReceipt/Local_Elements"


def test_xml_refuses_a_positive_receipt_with_a_reason_and_a_styled_text() -> None:
    message, receipt = _receipt(POSITIVE)
    receipt.refusal = Refusal(RefuseCode.SYNTAX, None)
    with pytest.raises(ConversionError) as raised:
        medbridge.write(message, "xml")
    assert raised.value.findings[0].code == "convert.unsupported-field"
    negative, letter = _receipt(NEGATIVE)
    letter.refusal = Refusal(RefuseCode.SYNTAX, FormattedText([Bold(["fed"])]))
    with pytest.raises(ConversionError) as styled:
        medbridge.write(negative, "xml")
    assert styled.value.findings[0].code == "convert.unsupported-value"


def test_a_positive_receipt_with_a_reason_in_edifact_is_reported() -> None:
    message, receipt = _receipt(POSITIVE)
    receipt.letters[0].refusal = Refusal(RefuseCode.SYNTAX, None)
    data = medbridge.write(message, "edifact")
    report = medbridge.validate(data)
    (finding,) = [f for f in report.findings if f.code == "receipt.positive-with-reason"]
    assert finding.location.tag == "FTX"


def test_more_letters_than_a_receipt_names_is_refused_by_xml() -> None:
    message, receipt = _receipt(POSITIVE)
    receipt.letters = [OriginalLetter(f"EPI{n:07d}", "D0133L") for n in range(100)]
    with pytest.raises(ConversionError) as raised:
        medbridge.write(message, "xml")
    assert raised.value.findings[0].code == "convert.too-many"


# --------------------------------------------------------------------------------------------
# JSON and the view


def test_json_round_trip_keeps_the_edifact_bytes() -> None:
    for path in sorted(VALID.glob("*.edi")):
        data = path.read_bytes()
        text = medbridge.to_json(medbridge.read(data))
        assert '"type": "Receipt"' in text
        assert medbridge.write(medbridge.from_json(text), "edifact") == data


def test_show_names_what_was_refused_and_why_without_a_patient() -> None:
    from medbridge.view.html import render_html
    from medbridge.view.model import build_view, view_dict
    from medbridge.view.text import render_text

    message = medbridge.read(NEGATIVE)
    text = render_text(message)
    assert text.startswith("Negativ kvittering – 06.03.2024 kl. 09:12")
    assert "Problem med version" in text and "Afvist" in text
    assert "Lægehuset Prøvevej" in text
    assert "VIGTIGT" not in text and "CPR" not in text
    html = render_html(message)
    assert 'class="patient"' not in html.split("</style>")[1]
    assert 'class="critical"' not in html.split("</style>")[1]
    (letter,) = view_dict(build_view(message))["letters"]
    assert letter["header"]["patient"] is None and letter["critical"] == []
    positive = render_text(medbridge.read(POSITIVE))
    assert positive.startswith("Positiv kvittering") and "Modtaget" in positive


def test_a_received_receipt_keeps_its_letters_in_order() -> None:
    _, receipt = _receipt((VALID / "ctl01-vans.edi").read_bytes())
    assert [letter.identifier for letter in receipt.letters] == ["EPI0000044", "AMB0000045"]
    assert receipt.refusal is not None and receipt.refusal.code is RefuseCode.UNKNOWN_LOCATION
    assert receipt.rejected and copy.deepcopy(receipt) == receipt


def test_a_receipt_has_no_critical_facts() -> None:
    _, receipt = _receipt(NEGATIVE)
    assert medbridge.critical_facts(receipt) == []
