"""``match_receipt``: does a received receipt answer what we sent, and what does it say per letter?

Correlation follows ``exchange-messages.md`` §A.5 [POL]: a receipt answers an interchange when
its ``OriginalEmessage`` (UCI E1, E2.1, E3.1) equals that interchange's (UNB E5 / ``Envelope/
Identifier``, sender, receiver); an ``OriginalLetter`` (UCM) names a letter when its identifier
and version code equal the letter's (UNH E1, E2.5), the XML and EDIFACT forms of the version code
counting as one (``XD0133L`` ≡ ``D0133L``).

Per original letter the result says ``acknowledged`` (named in a positive receipt), ``rejected``
(named in a negative one, with its own refusal, else the interchange's) or ``not-mentioned``. A
negative receipt with an interchange-level refusal, or naming no letter at all, rejects every
letter (ISO action 4 at the UCI: "this level and all lower levels rejected"); otherwise MedCom's
receipts name exactly the letters they reject, and the others are not mentioned (§A.5).

Findings on the result: ``receipt.other-interchange`` (warning) when the receipt answers another
interchange; ``receipt.unknown-letter`` (warning) for each letter it names that the original
does not hold.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field

from medbridge.findings import Finding, Location, Severity
from medbridge.model.message import Message
from medbridge.model.receipt import Receipt, ReceiptVariant, Refusal
from medbridge.receipts.headers import scan
from medbridge.registry import REGISTRY

__all__ = ["LetterMatch", "LetterStatus", "ReceiptMatch", "match_receipt"]

Source = bytes | bytearray | memoryview | os.PathLike[str]

_ELEMENTS = {
    ReceiptVariant.NEGATIVE_VANS: "NegativeVansReceipt",
    ReceiptVariant.NEGATIVE: "NegativeReceipt",
    ReceiptVariant.POSITIVE: "PositiveReceipt",
}


class LetterStatus(enum.StrEnum):
    """What a receipt says about one sent letter."""

    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    NOT_MENTIONED = "not-mentioned"


@dataclass(slots=True)
class LetterMatch:
    """One letter of the original: its identifier, version code and status; ``refusal`` for a
    rejected letter (its own, else the interchange's; None when the receipt gives no reason)."""

    identifier: str
    version_code: str
    status: LetterStatus
    refusal: Refusal | None = None


@dataclass(slots=True)
class ReceiptMatch:
    """The result of :func:`match_receipt`."""

    matches: bool
    variant: ReceiptVariant
    refusal: Refusal | None = None
    letters: list[LetterMatch] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def with_status(self, status: LetterStatus) -> list[LetterMatch]:
        return [letter for letter in self.letters if letter.status is status]


@dataclass(slots=True)
class _Sent:
    identifier: str | None
    sender: str | None
    receiver: str | None
    letters: list[tuple[str, str]]


def match_receipt(receipt: Receipt | Message | Source, original: Message | Source) -> ReceiptMatch:
    """Match a received ``receipt`` against the ``original`` interchange we sent.

    Either may be a :class:`Message` (the receipt also a bare :class:`Receipt`) or bytes/a path;
    the receipt is then read with :func:`medbridge.read` (raises
    :class:`~medbridge.InputError` when it does not read), the original only scanned for its
    envelope and letter headers (it need not be valid).
    """
    answer = _receipt_of(receipt)
    sent = _sent_of(original)
    result = ReceiptMatch(_correlates(answer, sent), answer.variant, answer.refusal)
    if not result.matches:
        result.letters = [
            LetterMatch(ident, version, LetterStatus.NOT_MENTIONED)
            for ident, version in sent.letters
        ]
        result.findings.append(_other_interchange(answer, sent))
        return result
    named = _named(answer, sent, result.findings)
    everything = answer.rejected and (answer.refusal is not None or not answer.letters)
    for ident, version in sent.letters:
        key = (ident, _bare(version))
        result.letters.append(
            _status(answer, ident, version, key in named, named.get(key), everything)
        )
    return result


def _status(
    answer: Receipt,
    ident: str,
    version: str,
    is_named: bool,
    own: Refusal | None,
    everything: bool,
) -> LetterMatch:
    if is_named and not answer.rejected:
        return LetterMatch(ident, version, LetterStatus.ACKNOWLEDGED)
    if is_named or everything:
        return LetterMatch(ident, version, LetterStatus.REJECTED, own or answer.refusal)
    return LetterMatch(ident, version, LetterStatus.NOT_MENTIONED)


def _named(
    answer: Receipt, sent: _Sent, findings: list[Finding]
) -> dict[tuple[str, str], Refusal | None]:
    """The sent letters the receipt names, with their own refusals; a finding for each named
    letter the original does not hold."""
    held = {(ident, _bare(version)) for ident, version in sent.letters}
    named: dict[tuple[str, str], Refusal | None] = {}
    for position, letter in enumerate(answer.letters, start=1):
        key = (letter.identifier, _bare(letter.version_code))
        if key in held:
            named[key] = letter.refusal
            continue
        findings.append(
            Finding(
                "receipt.unknown-letter",
                Severity.WARNING,
                f"The receipt names letter {letter.identifier} ({letter.version_code}), which "
                f"interchange {sent.identifier} does not hold.",
                Location(
                    path=f"/Emessage/{_ELEMENTS[answer.variant]}/OriginalEmessage/"
                    f"OriginalLetter[{position}]"
                ),
            )
        )
    return named


def _bare(version: str) -> str:
    """The EDIFACT form of a version code: ``XD0133L`` and ``D0133L`` are one."""
    return version.removeprefix("X")


def _correlates(answer: Receipt, sent: _Sent) -> bool:
    return (answer.original_envelope, answer.original_sender, answer.original_receiver) == (
        sent.identifier,
        sent.sender,
        sent.receiver,
    )


def _other_interchange(answer: Receipt, sent: _Sent) -> Finding:
    return Finding(
        "receipt.other-interchange",
        Severity.WARNING,
        f"The receipt answers interchange {answer.original_envelope} from "
        f"{answer.original_sender} to {answer.original_receiver}, not {sent.identifier} from "
        f"{sent.sender} to {sent.receiver}.",
        Location(path=f"/Emessage/{_ELEMENTS[answer.variant]}/OriginalEmessage"),
    )


def _receipt_of(receipt: Receipt | Message | Source) -> Receipt:
    if isinstance(receipt, Receipt):
        return receipt
    if not isinstance(receipt, Message):
        from medbridge.api import read

        receipt = read(receipt)
    letter = receipt.letters[0] if receipt.letters else None
    if not isinstance(letter, Receipt):
        raise ValueError("the message is not a receipt")
    return letter


def _sent_of(original: Message | Source) -> _Sent:
    if isinstance(original, Message):
        return _sent_of_message(original)
    if isinstance(original, str):
        raise TypeError("pass bytes, or a pathlib.Path")
    from medbridge.source import load_bytes

    found = scan(load_bytes(original))
    letters = [(head.identifier, head.version_code) for head in found.letters]
    return _Sent(found.identifier, found.sender, found.receiver, letters)


def _sent_of_message(message: Message) -> _Sent:
    letters: list[tuple[str, str]] = []
    sender = receiver = None
    for letter in message.letters:
        if isinstance(letter, Receipt):
            continue
        version = REGISTRY.xml_of(letter.kind)
        letters.append((letter.header.identifier, version.version if version else ""))
        if sender is None:
            sender, receiver = letter.sender.ean, letter.receiver.ean
    return _Sent(message.envelope.identifier, sender, receiver, letters)
