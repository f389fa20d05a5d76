"""Owed receipts on the wire: written in the received format, read back, matched (§A.10)."""

from __future__ import annotations

import datetime as dt

import pytest

import medbridge
from medbridge import LetterStatus, Report
from medbridge.model.receipt import OriginalLetter, Receipt, ReceiptVariant, Refusal, RefuseCode
from medbridge.model.text import FormattedText
from tests.receipt_examples import (
    CTL02_A10_2,
    CTL03_A10_1,
    DIS02_UNREADABLE_VERSION,
    EXAMPLE_6_5,
    HOSPITAL,
    SPECIALER_XML,
    break_date,
    edifact_letters,
    interchange,
)

NOW = dt.datetime(2024, 3, 5, 14, 31)


def test_a10_1_segment_for_segment() -> None:
    """The owed CTL03 of §6.5 is §A.10.1, its UNH reference being its UNB reference."""
    (message,) = medbridge.acknowledge(EXAMPLE_6_5, identifier="KVT0000051", now=NOW)
    written = medbridge.write(message, "edifact")
    expected = CTL03_A10_1.replace(b"KVB0000051", b"KVT0000051")
    assert written.replace(b"\n", b"") == expected.replace(b"\n", b"")


def test_a10_2_segment_for_segment_but_the_version_and_the_text() -> None:
    """The owed CTL02 of the §C.8 DIS02 (in a version medbridge cannot read) is §A.10.2 apart
    from the version code and the wording of the refuse text."""
    now = dt.datetime(2024, 3, 6, 9, 12)
    (message,) = medbridge.acknowledge(DIS02_UNREADABLE_VERSION, identifier="KVT0000052", now=now)
    written = medbridge.write(message, "edifact").decode("latin-1").split("'")
    expected = (
        CTL02_A10_2.replace(b"KVB0000052", b"KVT0000052")
        .replace(b"D0233L+4", b"D0234L+4")
        .replace(b"\n", b"")
        .decode("latin-1")
        .split("'")
    )
    ftx = next(i for i, segment in enumerate(expected) if segment.startswith("FTX"))
    assert written[:ftx] == expected[:ftx]
    assert written[ftx].startswith("FTX+VER+P00++Brev AMB0000043 er afvist?: ")
    assert written[ftx + 1 :] == expected[ftx + 1 :]


def mixed_edifact() -> bytes:
    _, letters, _ = edifact_letters()
    return interchange([letters[0], break_date(letters[1]), letters[2]], ask=True)


def mixed_xml() -> bytes:
    data = SPECIALER_XML.read_bytes()
    second = data.index(b"<StatusCode>", data.index(b"<StatusCode>") + 1)
    data = data[:second] + b"<StatusCode>x" + data[second + len(b"<StatusCode>") :]
    return data.replace(b"minuspositivkvitt", b"pluspositivkvitt", 1)


@pytest.mark.parametrize("make", [mixed_edifact, mixed_xml], ids=["edifact", "xml"])
def test_owed_receipts_write_read_and_match_in_the_received_format(make: object) -> None:
    assert callable(make)
    original = make()
    report = Report()
    owed = medbridge.acknowledge(original, report=report, identifier="KVT0000001", now=NOW)
    assert [m.letter.variant for m in owed] == [  # type: ignore[union-attr]
        ReceiptVariant.NEGATIVE,
        ReceiptVariant.POSITIVE,
    ]
    statuses: dict[str, LetterStatus] = {}
    for message in owed:
        wire = medbridge.write(message, report.format or "")
        assert medbridge.validate(wire).ok
        back = medbridge.read(wire)
        assert back == message
        result = medbridge.match_receipt(wire, original)
        assert result.matches and result.findings == []
        for letter in result.letters:
            if letter.status is not LetterStatus.NOT_MENTIONED:
                statuses[letter.identifier] = letter.status
    assert statuses["EPI2410000002"] is LetterStatus.REJECTED
    assert statuses["EPI2410000001"] is LetterStatus.ACKNOWLEDGED
    assert LetterStatus.REJECTED not in {v for k, v in statuses.items() if k != "EPI2410000002"}


def test_vans_receipt_rejects_every_letter_with_its_interchange_reason() -> None:
    """§A.10.3: a CTL01 with LOK after the UCI names both letters without reasons of their own."""
    _, letters, _ = edifact_letters()
    original = interchange(letters[:2], ask=False)
    sent = medbridge.read(original)
    refusal = Refusal(RefuseCode.UNKNOWN_LOCATION, FormattedText.of("Modtager ukendt i VANS."))
    vans = Receipt(
        variant=ReceiptVariant.NEGATIVE_VANS,
        identifier="VB24030700017",
        sender="DKTESTVANS01",
        receiver=HOSPITAL,
        original_envelope=sent.envelope.identifier,
        original_sender=HOSPITAL,
        original_receiver="5799999000027",
        refusal=refusal,
        letters=[
            OriginalLetter("EPI2410000001", "D0133L"),
            OriginalLetter("EPI2410000002", "D0133L"),
        ],
    )
    result = medbridge.match_receipt(vans, original)
    assert [x.status for x in result.letters] == [LetterStatus.REJECTED] * 2
    assert all(x.refusal == refusal for x in result.letters)


def test_a_letter_of_an_unknown_family_is_refused_with_its_own_message_type() -> None:
    """§A.6.2 rule 1: the UCM copies the original's UNH E2.1, so a letter whose version code
    names no known type (here ``Z0130Z``) still gets the negative receipt it is owed."""
    _, letters, _ = edifact_letters()
    unknown = letters[1].replace(b"MEDDIS:D:93A:UN:D0133L+DIS01", b"MEDXYZ:D:93A:UN:Z0130Z+XYZ01")
    original = interchange([letters[0], unknown], ask=False)
    report = Report()
    (owed,) = medbridge.acknowledge(original, report=report, identifier="KVT0000001", now=NOW)
    receipt = owed.letter
    assert isinstance(receipt, Receipt) and receipt.variant is ReceiptVariant.NEGATIVE
    (refused,) = receipt.letters
    assert (refused.identifier, refused.version_code) == ("EPI2410000002", "Z0130Z")
    assert refused.refusal is not None and refused.refusal.code is RefuseCode.VERSION
    wire = medbridge.write(owed, "edifact")
    assert b"UCM+EPI2410000002+MEDXYZ:D:93A:UN:Z0130Z+4'" in wire
    assert medbridge.read(wire) == owed
    # Without the original's type (a receipt made by hand) the writer refuses: never 'Ukendt'.
    receipt.wire.clear()
    with pytest.raises(medbridge.ConversionError) as refused_write:
        medbridge.write(owed, "edifact")
    assert "receipt.unknown-message-type" in [f.code for f in refused_write.value.findings]
