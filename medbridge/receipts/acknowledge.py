"""``acknowledge``: the receipts a receiver owes for a received interchange or Emessage.

The rules are ``exchange-messages.md`` §A.5 and §A.7 (R1–R9 and the medbridge policy below them):

* a received receipt is never answered (R5): no receipt, an info ``receipt.answers-receipt``;
* a letter that cannot be received is refused in a **negative** receipt (CTL02/XCTL02) that
  lists only the rejected letters, each with its refuse code and text (R2, R8);
* when the sender asked for it (UNB E9 ``1`` / ``pluspositivkvitt``, R1), a **positive** receipt
  (CTL03/XCTL03) lists the accepted letters; it never holds a refusal;
* a problem of the envelope itself (UNB/UNZ, a receiver not among ``own_identifiers``) refuses
  the whole interchange: one negative receipt with the reason after the UCI, naming every letter
  (ISO action 4 rejects all lower levels), and no positive receipt;
* an envelope whose structure breaks off, but whose reference, sender and receiver read: one
  negative receipt at interchange level, with no letter entries;
* nothing to name (no reference, sender or receiver readable, or not XML/EDIFACT at all): no
  receipt and an error ``receipt.unanswerable``;
* a letter of a type that may not ask for a positive receipt (R6: DIS14, DIS17, DIS20) but does
  gets a warning ``receipt.request-not-allowed``, never a refusal;
* medbridge never makes a CTL01 (that is the VANS's receipt, R3).

A receipt names at most 99 letters (the XSD's ``maxOccurs``); more are split over several
receipts of the same kind (the spec is silent; each receipt is valid on its own).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence

from medbridge.errors import InputError
from medbridge.findings import Finding, Location, Report, Severity
from medbridge.letters.known import NO_RECEIPT_REQUEST
from medbridge.letters.receipt.versions import ORIGINAL_MESSAGE_TYPES
from medbridge.model.codes import AcknowledgementCode
from medbridge.model.common import Envelope, Moment
from medbridge.model.message import Message
from medbridge.model.receipt import OriginalLetter, Receipt, ReceiptVariant, Refusal, RefuseCode
from medbridge.model.text import FormattedText
from medbridge.receipts.headers import LetterHead, ReceivedInterchange, scan
from medbridge.receipts.outcome import Outcome, judge
from medbridge.receipts.refusals import refusal_for
from medbridge.source import load_bytes, source_name

__all__ = ["MAX_LETTERS", "IdentifierSource", "acknowledge"]

#: A fixed identifier, or a function called once per receipt for a fresh one.
IdentifierSource = str | Callable[[], str]
#: ``OriginalLetter maxOccurs="99"`` (§A.3.4).
MAX_LETTERS = 99

_IDENTIFIER = re.compile(r"[!-~]{1,14}")
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def acknowledge(
    source: bytes | bytearray | memoryview | os.PathLike[str],
    *,
    report: Report | None = None,
    own_identifiers: Collection[str] | None = None,
    identifier: IdentifierSource | None = None,
    now: dt.datetime | None = None,
) -> list[Message]:
    """The receipts owed for the received message ``source``: none, one or two.

    ``report``, when given, receives every finding: the validation findings of ``source`` (the
    reasons for a refusal) and acknowledge's own (``receipt.*``); its ``format`` says the format
    to write the receipts in, that of the received message. ``own_identifiers`` are the
    receiver's own GLNs: a message addressed elsewhere is refused ``MID``. ``identifier`` names
    the receipts (UNB E5 and UNH E1, at most 14 characters, unique per sender): a string is used
    for the first receipt and counted up in its trailing digits for a second (``KVT0000051``,
    ``KVT0000052``); a callable is called once per receipt; without it identifiers are
    generated. ``now`` (default: the local time) is the time sent. With ``identifier`` and
    ``now`` given the result is deterministic. Never raises for bad input; a ``str`` source is a
    ``TypeError`` and an unusable ``identifier`` a ``ValueError``.
    """
    if isinstance(source, str):
        raise TypeError("pass bytes, or a pathlib.Path")
    names = _identifiers(identifier)
    sink = report if report is not None else Report()
    try:
        data = load_bytes(source)
    except InputError as exc:
        sink.extend(_with_file(exc.findings, source_name(source)))
        sink.add(_unanswerable("The input could not be read."))
        return []
    payload, vans_receipt = _payload(data)
    found = scan(payload)
    if vans_receipt:
        found.vans_receipt = True
    messages = _owed(data, payload, found, sink, own_identifiers, names, now or dt.datetime.now())
    sink.findings[:] = _with_file(sink.findings, source_name(source))
    return messages


def _payload(data: bytes) -> tuple[bytes, bool]:
    """The message inside SBDH/VANS envelopes (a receiver answers the letters, not the
    transport), and whether the envelope holds a VANS envelope-level receipt instead. Input that
    is not wrapped, or whose envelopes are broken, is scanned as it is: validation then says why."""
    from medbridge.envelopes.unwrap import RECEIPT, is_wrapped, peel

    if not is_wrapped(data):
        return data, False
    unwrapped = peel(data)
    if unwrapped.kind == RECEIPT:
        return data, True
    return (unwrapped.payload, False) if unwrapped.ok else (data, False)


def _owed(
    data: bytes,
    payload: bytes,
    found: ReceivedInterchange,
    sink: Report,
    own_identifiers: Collection[str] | None,
    names: Callable[[], str],
    now: dt.datetime,
) -> list[Message]:
    sink.format = sink.format or found.format
    if found.is_receipt:
        from medbridge.api import validate

        _absorb(sink, validate(data))
        sink.add(
            Finding(
                "receipt.answers-receipt",
                Severity.INFO,
                "The message is a receipt; a receipt is never answered by a receipt.",
            )
        )
        return []
    outcome = judge(data, found, own_identifiers if found.complete else None, payload)
    _absorb(sink, outcome.report)
    if not found.answerable:
        sink.add(_unanswerable(_why_unanswerable(found)))
        return []
    sink.extend(_request_warnings(found))
    build = _Builder(found, names, Moment.of(now))
    return build.receipts(outcome)


def _absorb(sink: Report, report: Report) -> None:
    sink.extend(report.findings)
    sink.format = sink.format or report.format
    sink.kind = sink.kind or report.kind
    sink.version = sink.version or report.version
    sink.encoding = sink.encoding or report.encoding


class _Builder:
    """Makes the receipts of one received message from its outcome."""

    def __init__(self, found: ReceivedInterchange, names: Callable[[], str], sent: Moment) -> None:
        self.found = found
        self.names = names
        self.sent = sent

    def receipts(self, outcome: Outcome) -> list[Message]:
        found = self.found
        subject = f"Forsendelse {found.identifier}"
        if not found.complete:
            refusal = refusal_for(subject, outcome.report.errors) or _unreadable(subject)
            return list(self._make(ReceiptVariant.NEGATIVE, [], refusal))
        refusals = [
            refusal_for(f"Brev {head.identifier}", errors)
            for head, errors in zip(found.letters, outcome.letters, strict=True)
        ]
        envelope = refusal_for(subject, outcome.envelope)
        if envelope is not None:
            named = list(zip(found.letters, refusals, strict=True))
            return list(self._make(ReceiptVariant.NEGATIVE, named, envelope))
        rejected = [(h, r) for h, r in zip(found.letters, refusals, strict=True) if r]
        accepted = [(h, None) for h, r in zip(found.letters, refusals, strict=True) if not r]
        out = list(self._make(ReceiptVariant.NEGATIVE, rejected)) if rejected else []
        if accepted and found.ack_requested:
            out += self._make(ReceiptVariant.POSITIVE, accepted)
        return out

    def _make(
        self,
        variant: ReceiptVariant,
        named: Sequence[tuple[LetterHead, Refusal | None]],
        refusal: Refusal | None = None,
    ) -> Iterator[Message]:
        chunks = [named[i : i + MAX_LETTERS] for i in range(0, len(named), MAX_LETTERS)]
        for chunk in chunks or [[]]:
            yield self._message(variant, chunk, refusal)

    def _message(
        self,
        variant: ReceiptVariant,
        named: Sequence[tuple[LetterHead, Refusal | None]],
        refusal: Refusal | None,
    ) -> Message:
        found = self.found
        assert found.identifier and found.sender and found.receiver
        name = self.names()
        receipt = Receipt(
            variant=variant,
            identifier=name,
            sender=found.receiver,
            receiver=found.sender,
            original_envelope=found.identifier,
            original_sender=found.sender,
            original_receiver=found.receiver,
            refusal=refusal,
            letters=[OriginalLetter(h.identifier, h.version_code, r) for h, r in named],
        )
        types = [h.message_type for h, _ in named]
        if any(types):  # EDIFACT originals: UCM E2.1 copies their UNH E2.1 (§A.6.2 rule 1)
            receipt.wire[ORIGINAL_MESSAGE_TYPES] = types
        envelope = Envelope(self.sent, name, AcknowledgementCode.NO_POSITIVE)
        return Message(envelope, [receipt])


def _unreadable(subject: str) -> Refusal:
    text = FormattedText.of(f"{subject} er afvist: syntaksfejl.", "Forsendelsen kan ikke læses.")
    return Refusal(RefuseCode.SYNTAX, text)


def _request_warnings(found: ReceivedInterchange) -> list[Finding]:
    """R6: a letter type that may not ask for a positive receipt, in a message that asks."""
    if not found.ack_requested:
        return []
    where = (
        Location(segment=1, tag="UNB", element=9)
        if found.format == "edifact"
        else Location(path="/Emessage/Envelope/AcknowledgementCode")
    )
    return [
        Finding(
            "receipt.request-not-allowed",
            Severity.WARNING,
            f"Letter {head.identifier} ({head.version_code}) asks for a positive receipt, which "
            "MedCom does not allow for DIS14, DIS17 and DIS20; it is answered anyway.",
            where,
        )
        for head in found.letters
        if head.version_code.removeprefix("X") in NO_RECEIPT_REQUEST
    ]


def _why_unanswerable(found: ReceivedInterchange) -> str:
    if found.format is None or found.format == "json":
        return "Only a received XML or EDIFACT message can be acknowledged."
    missing = [
        what
        for what, value in (
            ("interchange reference", found.identifier),
            ("sender", found.sender),
            ("receiver", found.receiver),
        )
        if not value
    ]
    return f"No receipt can be made: the {', '.join(missing)} cannot be read."


def _unanswerable(message: str) -> Finding:
    return Finding("receipt.unanswerable", Severity.ERROR, message)


def _with_file(findings: list[Finding], name: str | None) -> list[Finding]:
    if name is None:
        return findings
    return [f if f.location.file else f.with_file(name) for f in findings]


# -- identifiers --------------------------------------------------------------------------


def _identifiers(identifier: IdentifierSource | None) -> Callable[[], str]:
    """A function giving each receipt its identifier."""
    if identifier is None:
        return _generated
    if callable(identifier):
        source = identifier
        return lambda: _checked(source())
    first = _checked(identifier)
    counter = iter(range(1_000_000))
    return lambda: _counted(first, next(counter))


def _checked(value: object) -> str:
    if not isinstance(value, str) or _IDENTIFIER.fullmatch(value) is None:
        raise ValueError(
            f"a receipt identifier is 1 to 14 printable ASCII characters, got {value!r}"
        )
    return value


def _counted(first: str, step: int) -> str:
    """``first`` with its trailing number raised by ``step``, same width."""
    if step == 0:
        return first
    digits = re.search(r"[0-9]+$", first)
    if digits is None:
        raise ValueError(
            f"a second receipt is owed; identifier {first!r} has no trailing number to count "
            "up (pass a callable)"
        )
    width = len(digits.group())
    number = str(int(digits.group()) + step).zfill(width)
    if len(number) > width:
        raise ValueError(f"identifier {first!r} cannot be counted up by {step}")
    return first[: digits.start()] + number


def _generated() -> str:
    """A fresh identifier: ``K`` and 13 base-36 characters of a random UUID (67 bits)."""
    value = uuid.uuid4().int
    chars = []
    for _ in range(13):
        value, digit = divmod(value, 36)
        chars.append(_BASE36[digit])
    return "K" + "".join(chars)
