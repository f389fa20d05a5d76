"""``medbridge.match_receipt``: a received receipt against the interchange we sent (§A.5)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

import medbridge
from medbridge import LetterStatus, Message
from medbridge.model.receipt import OriginalLetter, Receipt, ReceiptVariant, Refusal, RefuseCode
from tests.receipt_examples import (
    EXAMPLE_6_5,
    HOSPITAL,
    PRACTICE,
    RECEIPT_A10_1,
    SPECIALER_XML,
    break_date,
    edifact_letters,
    interchange,
)

NOW = dt.datetime(2024, 3, 5, 14, 31)


def receipt(**changes: object) -> Receipt:
    return dataclasses.replace(RECEIPT_A10_1, **changes)  # type: ignore[arg-type]


def test_positive_receipt_acknowledges_the_letter() -> None:
    result = medbridge.match_receipt(receipt(), EXAMPLE_6_5)
    assert result.matches and result.findings == []
    (letter,) = result.letters
    assert (letter.identifier, letter.status) == ("EPI0000042", LetterStatus.ACKNOWLEDGED)


def test_either_form_of_the_version_code_matches() -> None:
    xml_form = receipt(letters=[OriginalLetter("EPI0000042", "XD0133L")])
    result = medbridge.match_receipt(xml_form, EXAMPLE_6_5)
    assert result.letters[0].status is LetterStatus.ACKNOWLEDGED


def test_another_version_does_not_match_and_is_reported() -> None:
    other = receipt(letters=[OriginalLetter("EPI0000042", "D0134L")])
    result = medbridge.match_receipt(other, EXAMPLE_6_5)
    assert result.matches
    assert result.letters[0].status is LetterStatus.NOT_MENTIONED
    assert [f.code for f in result.findings] == ["receipt.unknown-letter"]


def test_receipt_of_another_interchange_matches_nothing() -> None:
    result = medbridge.match_receipt(receipt(original_envelope="ENV0000099"), EXAMPLE_6_5)
    assert not result.matches
    assert [f.code for f in result.findings] == ["receipt.other-interchange"]
    assert [x.status for x in result.letters] == [LetterStatus.NOT_MENTIONED]


def test_swapped_parties_do_not_correlate() -> None:
    swapped = receipt(original_sender=PRACTICE, original_receiver=HOSPITAL)
    assert not medbridge.match_receipt(swapped, EXAMPLE_6_5).matches


def test_interchange_level_refusal_rejects_every_letter() -> None:
    refusal = Refusal(RefuseCode.RECEIVER_ID)
    negative = receipt(variant=ReceiptVariant.NEGATIVE, refusal=refusal, letters=[])
    result = medbridge.match_receipt(negative, EXAMPLE_6_5)
    (letter,) = result.letters
    assert letter.status is LetterStatus.REJECTED
    assert letter.refusal == refusal


def test_message_original_and_message_receipt() -> None:
    sent = medbridge.read(EXAMPLE_6_5)
    (owed,) = medbridge.acknowledge(EXAMPLE_6_5, identifier="KVT0000051", now=NOW)
    result = medbridge.match_receipt(owed, sent)
    assert result.matches
    assert [x.status for x in result.letters] == [LetterStatus.ACKNOWLEDGED]


def test_xml_original_against_edifact_style_version_code() -> None:
    data = SPECIALER_XML.read_bytes()
    sent = medbridge.read(data)
    first = sent.letters[0]
    assert not isinstance(first, Receipt)
    answer = receipt(
        original_envelope=sent.envelope.identifier,
        original_sender=first.sender.ean,
        original_receiver=first.receiver.ean,
        letters=[OriginalLetter(first.header.identifier, "D0133L")],
    )
    for original in (data, sent):
        result = medbridge.match_receipt(answer, original)
        statuses = [x.status for x in result.letters]
        assert statuses[0] is LetterStatus.ACKNOWLEDGED
        assert set(statuses[1:]) == {LetterStatus.NOT_MENTIONED}


_LETTERS = edifact_letters()[1][:6]


@given(
    broken=st.lists(st.booleans(), min_size=1, max_size=len(_LETTERS)),
    ask=st.booleans(),
)
def test_owed_receipts_match_their_original(broken: list[bool], ask: bool) -> None:
    """Every owed receipt matches what it answers; together they give every letter its outcome
    (not mentioned only when no positive receipt was asked for)."""
    chosen = [break_date(x) if bad else x for x, bad in zip(_LETTERS, broken, strict=False)]
    data = interchange(chosen, ask=ask)
    owed: list[Message] = medbridge.acknowledge(data, now=NOW)
    status: dict[str, set[LetterStatus]] = {}
    for message in owed:
        result = medbridge.match_receipt(message, data)
        assert result.matches and result.findings == []
        for letter in result.letters:
            status.setdefault(letter.identifier, set()).add(letter.status)
    for index, bad in enumerate(broken):
        seen = status.get(f"EPI24100000{index + 1:02d}", {LetterStatus.NOT_MENTIONED})
        if bad:
            assert LetterStatus.REJECTED in seen and LetterStatus.ACKNOWLEDGED not in seen
        elif ask:
            assert LetterStatus.ACKNOWLEDGED in seen and LetterStatus.REJECTED not in seen
        else:
            assert seen == {LetterStatus.NOT_MENTIONED}
