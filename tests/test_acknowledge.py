"""``medbridge.acknowledge``: the receipts a receiver owes (exchange-messages.md §A.5, §A.7).

The fixture-wide tests check every answer against the rules, computed from ``validate`` and
``read``, not against recorded answers; the spec's own examples (§A.10) are compared field by
field, modulo the receipt's identifiers and time.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import medbridge
from medbridge import Message, Report
from medbridge.model import Moment
from medbridge.model.receipt import Receipt, ReceiptVariant, RefuseCode
from medbridge.receipts.refusals import MAX_LINE_LENGTH, MAX_LINES, code_of
from tests.receipt_examples import (
    CTL03_A10_1,
    DIS02_UNREADABLE_VERSION,
    EXAMPLE_6_5,
    FIXTURES,
    HOSPITAL,
    PRACTICE,
    RECEIPT_A10_1,
    SPECIALER_XML,
    XCTL02_A10_2,
    break_date,
    edifact_letters,
    interchange,
)

NOW = dt.datetime(2024, 3, 5, 14, 31)
ALL_FIXTURES = sorted(
    p for p in FIXTURES.rglob("*") if p.suffix in (".xml", ".edi") and p.is_file()
)
_CPR = re.compile(r"(?<![0-9A-Za-z])[0-9]{6}-?[0-9]{4}(?![0-9A-Za-z])")  # not inside an identifier


def receipts_of(messages: list[Message]) -> list[Receipt]:
    out = []
    for message in messages:
        assert len(message.letters) == 1
        letter = message.letter
        assert isinstance(letter, Receipt)
        out.append(letter)
    return out


def check_refuse_text(receipt: Receipt) -> None:
    """§A.8: at most 5 lines of at most 70 ISO 8859-1 characters, no CPR number."""
    refusals = [receipt.refusal, *(letter.refusal for letter in receipt.letters)]
    for refusal in refusals:
        if refusal is None or refusal.text is None:
            continue
        lines = refusal.text.plain().rstrip("\n").split("\n")
        assert 1 <= len(lines) <= MAX_LINES
        for line in lines:
            assert len(line) <= MAX_LINE_LENGTH
            line.encode("latin-1")
            assert _CPR.search(line) is None, line


def check_against_rules(path: Path) -> None:
    report = Report()
    messages = medbridge.acknowledge(path, report=report, identifier="KVT0000001", now=NOW)
    receipts = receipts_of(messages)
    validation = medbridge.validate(path)
    assert [f.code for f in validation.findings] == report.codes()[: len(validation.findings)]
    is_receipt = medbridge.detect(path).kind in ("kvittering", "vans-receipt")
    assert ("receipt.answers-receipt" in report.codes()) == is_receipt
    if is_receipt:  # R5: never answered, valid or not
        assert receipts == []
        return
    if "receipt.unanswerable" in report.codes():
        assert receipts == [] and not validation.ok
        return
    for receipt in receipts:
        check_refuse_text(receipt)
        assert receipt.variant is not ReceiptVariant.NEGATIVE_VANS  # R3: never CTL01
        if receipt.variant is ReceiptVariant.POSITIVE:
            assert receipt.refusal is None
            assert all(letter.refusal is None for letter in receipt.letters)
    negatives = [r for r in receipts if r.rejected]
    if validation.ok:
        message = medbridge.read(path)
        assert negatives == []
        wanted = message.envelope.acknowledgement.value == "pluspositivkvitt"
        assert len(receipts) == (1 if wanted else 0)
        if wanted:
            (positive,) = receipts
            named = [letter.identifier for letter in positive.letters]
            assert named == [letter.header.identifier for letter in message.letters]  # type: ignore[union-attr]
            assert positive.original_envelope == message.envelope.identifier
    else:
        assert len(negatives) == 1
        allowed = {code_of(f) for f in validation.errors}
        used = {
            r.code for r in [negatives[0].refusal, *(x.refusal for x in negatives[0].letters)] if r
        }
        assert used and used <= allowed


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_is_acknowledged_by_the_rules(path: Path) -> None:
    check_against_rules(path)


def test_the_fixtures_cover_every_outcome() -> None:
    """The fixture-wide test above sees receipts owed, none owed, refusals and unanswerables."""
    seen: set[str] = set()
    for path in ALL_FIXTURES:
        report = Report()
        for receipt in receipts_of(medbridge.acknowledge(path, report=report, now=NOW)):
            seen.add(receipt.variant.value)
        if "receipt.unanswerable" in report.codes():
            seen.add("unanswerable")
    assert seen == {"positiv", "negativ", "unanswerable"}


# -- the spec's examples (§A.10) --------------------------------------------------------------


def test_positive_receipt_of_example_6_5_is_a10_1() -> None:
    (message,) = medbridge.acknowledge(EXAMPLE_6_5, identifier="KVT0000051", now=NOW)
    assert message.envelope.sent == Moment("2024-03-05", "14:31")
    assert message.envelope.identifier == "KVT0000051"
    assert message.envelope.acknowledgement.value == "minuspositivkvitt"  # R4
    assert message.letter == RECEIPT_A10_1


def test_negative_receipt_of_an_unreadable_version_is_a10_2() -> None:
    report = Report()
    (message,) = medbridge.acknowledge(
        DIS02_UNREADABLE_VERSION, report=report, identifier="KVT0000052", now=NOW
    )
    receipt = message.letter
    assert isinstance(receipt, Receipt)
    assert receipt.variant is ReceiptVariant.NEGATIVE
    assert (receipt.sender, receipt.receiver) == (PRACTICE, HOSPITAL)
    assert (receipt.original_envelope, receipt.original_sender, receipt.original_receiver) == (
        "ENV0000043",
        HOSPITAL,
        PRACTICE,
    )
    assert receipt.refusal is None  # the reason is the letter's, after its UCM
    (letter,) = receipt.letters
    assert (letter.identifier, letter.version_code) == ("AMB0000043", "D0234L")
    assert letter.refusal is not None and letter.refusal.code is RefuseCode.VERSION
    assert letter.refusal.text is not None
    assert letter.refusal.text.plain().startswith("Brev AMB0000043 er afvist: ")
    assert report.format == "edifact"
    check_refuse_text(receipt)


@pytest.mark.parametrize("data", [CTL03_A10_1, XCTL02_A10_2], ids=["CTL03", "XCTL02"])
def test_a_received_receipt_is_never_answered(data: bytes) -> None:
    report = Report()
    assert medbridge.acknowledge(data, report=report, now=NOW) == []
    assert "receipt.answers-receipt" in report.codes()


# -- mixed interchanges -------------------------------------------------------------------


@pytest.mark.parametrize("ask", [True, False])
def test_mixed_edifact_interchange_splits_into_negative_and_positive(ask: bool) -> None:
    _, letters, _ = edifact_letters()
    chosen = [letters[0], break_date(letters[1]), letters[2], break_date(letters[3])]
    data = interchange(chosen, ask=ask)
    receipts = receipts_of(medbridge.acknowledge(data, identifier="KVT0000001", now=NOW))
    negative = receipts[0]
    assert negative.variant is ReceiptVariant.NEGATIVE
    assert [x.identifier for x in negative.letters] == ["EPI2410000002", "EPI2410000004"]
    assert all(x.refusal and x.refusal.code is RefuseCode.SYNTAX for x in negative.letters)
    if ask:
        assert [r.identifier for r in receipts] == ["KVT0000001", "KVT0000002"]
        positive = receipts[1]
        assert positive.variant is ReceiptVariant.POSITIVE
        assert [x.identifier for x in positive.letters] == ["EPI2410000001", "EPI2410000003"]
    else:
        assert len(receipts) == 1


def test_mixed_xml_emessage_refuses_only_the_bad_letter() -> None:
    data = SPECIALER_XML.read_bytes()
    third = -1
    for _ in range(3):
        third = data.index(b"<StatusCode>", third + 1)
    data = data[:third] + b"<StatusCode>x" + data[third + len(b"<StatusCode>") :]
    data = data.replace(b"minuspositivkvitt", b"pluspositivkvitt", 1)
    negative, positive = receipts_of(medbridge.acknowledge(data, now=NOW))
    assert [x.identifier for x in negative.letters] == ["EPI2410000003"]
    assert negative.letters[0].version_code == "XD0133L"  # as received
    assert negative.letters[0].refusal is not None
    assert negative.letters[0].refusal.code is RefuseCode.SYNTAX
    assert len(positive.letters) == 71
    assert "EPI2410000003" not in {x.identifier for x in positive.letters}


def test_a_letter_error_after_the_first_bad_letter_is_still_found() -> None:
    """The reader stops at the first bad letter; the later ones are judged on their own."""
    _, letters, _ = edifact_letters()
    data = interchange([break_date(letters[0]), letters[1], break_date(letters[2])], ask=True)
    negative, positive = receipts_of(medbridge.acknowledge(data, now=NOW))
    assert [x.identifier for x in negative.letters] == ["EPI2410000001", "EPI2410000003"]
    assert [x.identifier for x in positive.letters] == ["EPI2410000002"]
    text = negative.letters[1].refusal.text.plain()  # type: ignore[union-attr]
    assert "Segment" in text  # located in the original interchange's numbering


# -- edge cases -----------------------------------------------------------------------------


def test_r6_letter_asking_for_a_receipt_is_a_warning_not_a_refusal() -> None:
    data = EXAMPLE_6_5.read_bytes().replace(b"D0133L+DIS01", b"D1730C+DIS17", 1)
    report = Report()
    receipts = receipts_of(medbridge.acknowledge(data, report=report, now=NOW))
    (warning,) = [f for f in report.findings if f.code == "receipt.request-not-allowed"]
    assert warning.severity.value == "warning"
    # DIS17 is not a letter medbridge reads: refused for its version, not for the request.
    (negative,) = receipts
    assert negative.letters[0].refusal is not None
    assert negative.letters[0].refusal.code is RefuseCode.VERSION


def test_no_r6_warning_without_a_request() -> None:
    data = EXAMPLE_6_5.read_bytes().replace(b"D0133L+DIS01", b"D1730C+DIS17", 1)
    data = data.replace(b"++++1'", b"++++0'", 1)
    report = Report()
    medbridge.acknowledge(data, report=report, now=NOW)
    assert "receipt.request-not-allowed" not in report.codes()


def test_unknown_receiver_edifact_refuses_the_interchange_mid() -> None:
    report = Report()
    receipts = receipts_of(
        medbridge.acknowledge(EXAMPLE_6_5, report=report, own_identifiers={"5799999000041"})
    )
    (negative,) = receipts  # no positive receipt although one was asked for
    assert negative.refusal is not None and negative.refusal.code is RefuseCode.RECEIVER_ID
    assert [x.identifier for x in negative.letters] == ["EPI0000042"]
    assert negative.letters[0].refusal is None
    assert "receipt.unknown-receiver" in report.codes()


def test_own_receiver_is_accepted() -> None:
    receipts = receipts_of(medbridge.acknowledge(EXAMPLE_6_5, own_identifiers=[PRACTICE]))
    assert [r.variant for r in receipts] == [ReceiptVariant.POSITIVE]


def test_unknown_receiver_xml_refuses_the_letter_mid() -> None:
    path = FIXTURES / "valid" / "epikrise" / "apopleksi.xml"
    (negative,) = receipts_of(medbridge.acknowledge(path, own_identifiers={"5799999000041"}))
    assert negative.refusal is None
    (letter,) = negative.letters
    assert letter.refusal is not None and letter.refusal.code is RefuseCode.RECEIVER_ID


def test_broken_envelope_with_readable_header_gets_one_interchange_level_receipt() -> None:
    data = EXAMPLE_6_5.read_bytes()
    cut = data[: data.index(b"S02+02")] + b"FTX+NC+P00++unterminated"
    report = Report()
    (negative,) = receipts_of(medbridge.acknowledge(cut, report=report, now=NOW))
    assert negative.variant is ReceiptVariant.NEGATIVE
    assert negative.letters == []
    assert negative.refusal is not None and negative.refusal.code is RefuseCode.SYNTAX
    assert negative.original_envelope == "ENV0000042"
    check_refuse_text(negative)


@pytest.mark.parametrize(
    "data",
    [
        b"UNA:+.? 'UNB+UNOC:3+5799999000010:14+5799999000027:14+240305:1420'",
        b"<?xml version='1.0'?><Emessage><Envelope>",
        b'{"medbridge-json": 1}',
        b"neither",
    ],
    ids=["unb-without-reference", "xml-not-well-formed", "json", "unknown"],
)
def test_nothing_readable_gives_no_receipt_and_a_finding(data: bytes) -> None:
    report = Report()
    assert medbridge.acknowledge(data, report=report) == []
    (finding,) = [f for f in report.findings if f.code == "receipt.unanswerable"]
    assert finding.is_error


def test_unreadable_path_gives_no_receipt(tmp_path: Path) -> None:
    report = Report()
    assert medbridge.acknowledge(tmp_path / "missing.edi", report=report) == []
    assert "io.unreadable" in report.codes()
    assert "receipt.unanswerable" in report.codes()


def test_str_source_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        medbridge.acknowledge("UNA:+.? '")  # type: ignore[arg-type]


# -- identifiers and determinism ------------------------------------------------------------


def test_deterministic_with_identifier_and_now() -> None:
    _, letters, _ = edifact_letters()
    data = interchange([letters[0], break_date(letters[1])], ask=True)
    first = medbridge.acknowledge(data, identifier="KVT0000009", now=NOW)
    second = medbridge.acknowledge(data, identifier="KVT0000009", now=NOW)
    assert first == second
    assert [m.envelope.identifier for m in first] == ["KVT0000009", "KVT0000010"]


def test_identifier_callable_is_called_per_receipt() -> None:
    _, letters, _ = edifact_letters()
    data = interchange([letters[0], break_date(letters[1])], ask=True)
    names = iter(["NEG1", "POS1"])
    messages = medbridge.acknowledge(data, identifier=lambda: next(names), now=NOW)
    assert [m.envelope.identifier for m in messages] == ["NEG1", "POS1"]
    assert [r.identifier for r in receipts_of(messages)] == ["NEG1", "POS1"]


def test_generated_identifiers_are_short_and_unique() -> None:
    names = {medbridge.acknowledge(EXAMPLE_6_5)[0].envelope.identifier for _ in range(20)}
    assert len(names) == 20
    assert all(1 <= len(name) <= 14 and name.isalnum() for name in names)


@pytest.mark.parametrize("bad", ["", "FIFTEEN-CHARS-X", "with space", "æøå"])
def test_bad_identifier_is_a_value_error(bad: str) -> None:
    with pytest.raises(ValueError):
        medbridge.acknowledge(EXAMPLE_6_5, identifier=bad)


def test_identifier_without_number_cannot_name_two_receipts() -> None:
    _, letters, _ = edifact_letters()
    data = interchange([letters[0], break_date(letters[1])], ask=True)
    with pytest.raises(ValueError, match="callable"):
        medbridge.acknowledge(data, identifier="KVITTERING")


# -- properties -----------------------------------------------------------------------------

_LETTERS = edifact_letters()[1][:8]


@given(
    picks=st.lists(
        st.tuples(st.integers(0, len(_LETTERS) - 1), st.booleans()),
        min_size=1,
        max_size=4,
        unique_by=lambda pick: pick[0],
    ),
    ask=st.booleans(),
)
def test_every_letter_is_in_exactly_the_receipt_its_outcome_owes(
    picks: list[tuple[int, bool]], ask: bool
) -> None:
    chosen = [break_date(_LETTERS[i]) if bad else _LETTERS[i] for i, bad in picks]
    data = interchange(chosen, ask=ask)
    receipts = receipts_of(medbridge.acknowledge(data, identifier="P0000001", now=NOW))
    bad = [f"EPI24100000{i + 1:02d}" for i, broken in picks if broken]
    good = [f"EPI24100000{i + 1:02d}" for i, broken in picks if not broken]
    named = {r.variant: [x.identifier for x in r.letters] for r in receipts}
    assert named.get(ReceiptVariant.NEGATIVE, []) == bad
    assert named.get(ReceiptVariant.POSITIVE, []) == (good if ask else [])
    for receipt in receipts:
        assert (receipt.refusal is None) or receipt.rejected
        assert all(x.refusal is not None for x in receipt.letters) == receipt.rejected
        assert len(receipt.identifier) <= 14


def test_envelope_error_refuses_the_interchange_and_names_every_letter() -> None:
    _, letters, _ = edifact_letters()
    data = interchange(letters[:2], ask=True).replace(b"UNZ+2+", b"UNZ+3+")
    report = Report()
    (negative,) = receipts_of(medbridge.acknowledge(data, report=report, now=NOW))
    assert "edifact.envelope.unz-count" in report.codes()
    assert negative.refusal is not None and negative.refusal.code is RefuseCode.SYNTAX
    assert [x.identifier for x in negative.letters] == ["EPI2410000001", "EPI2410000002"]
    assert all(x.refusal is None for x in negative.letters)


def test_xml_without_envelope_identifier_is_unanswerable() -> None:
    data = (FIXTURES / "valid" / "epikrise" / "apopleksi.xml").read_bytes()
    start = data.index(b"<Identifier>")
    data = data[:start] + data[data.index(b"</Identifier>", start) + len(b"</Identifier>") :]
    report = Report()
    assert medbridge.acknowledge(data, report=report) == []
    assert "receipt.unanswerable" in report.codes()


@pytest.mark.parametrize(
    ("wrapped", "bare"),
    [
        ("epikrise-sbdh-vans.xml", "epikrise/pneumoni.xml"),
        ("ambulant-epikrise-vans-edifact.xml", "ambulant_epikrise/knaeskade.edi"),
        ("kvittering-vans.xml", "kvittering/ctl02-negativ.xml"),
    ],
)
def test_a_wrapped_message_is_answered_as_its_payload(wrapped: str, bare: str) -> None:
    """The receipts answer the letters inside SBDH/VANS envelopes, never the transport."""
    owed = medbridge.acknowledge(
        FIXTURES / "valid" / "wrapped" / wrapped, identifier="KVT0000001", now=NOW
    )
    assert owed == medbridge.acknowledge(
        FIXTURES / "valid" / bare, identifier="KVT0000001", now=NOW
    )
    assert bool(owed) == (not bare.startswith("kvittering/"))
