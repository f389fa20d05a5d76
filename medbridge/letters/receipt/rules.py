"""The receipt's own rules (``exchange-messages.md`` §A.7, §A.9): what the model says, whatever
format it came from. The EDIFACT-only checks of §A.9 (UNH, action codes, segment order, UNB
E6–E11, qualifiers) are the EDIFACT reader's (:mod:`medbridge.letters.receipt.edifact`).

* ``receipt.ack-requested`` (error): the envelope asks for a positive receipt; a receipt never
  asks for one (R4);
* ``receipt.positive-with-reason`` (error): a positive receipt holding a refuse code or text;
* ``receipt.unknown-refuse-code`` (error): a refuse code outside §A.4 (kept from the input);
* ``receipt.statistical-code`` (warning): an XML StatisticalCode other than ``XCTL0x``;
* ``receipt.too-many-letters`` (error): more than 99 answered letters;
* ``receipt.mixed`` (error): a receipt and other letters in one message (MedCom decides
  "receipt or not" from the first letter only);
* the parties' EANs as GLNs (``id.gln.*``), except a VANS receipt's sender, the network's own id.
"""

from __future__ import annotations

from medbridge.findings import Location, Severity
from medbridge.letters.fields import indexed
from medbridge.letters.receipt.versions import STATISTICAL_CODES
from medbridge.model.codes import AcknowledgementCode
from medbridge.model.receipt import OriginalLetter, Receipt, ReceiptVariant, Refusal, RefuseCode
from medbridge.validation.checks import Checker, quote
from medbridge.validation.identifiers import check_gln
from medbridge.validation.kinds import OwnRules

__all__ = ["MAX_LETTERS", "RULES"]

#: ``OriginalLetter maxOccurs="99"`` (§A.3.4).
MAX_LETTERS = 99
_ORIGINAL = "OriginalEmessage"
_LETTER = "OriginalLetter"
_KNOWN_CODES = frozenset(RefuseCode)


def check_receipt(c: Checker, receipt: Receipt, base: str) -> None:
    """Every receipt rule on one receipt at ``base`` (``/Emessage/NegativeReceipt``)."""
    _envelope_and_mix(c, receipt, base)
    c.text(receipt.identifier, base, "Letter/Identifier")
    if receipt.statistical_code is not None:
        usual = STATISTICAL_CODES[receipt.variant]
        c.add(
            "receipt.statistical-code",
            Severity.WARNING,
            f"StatisticalCode {quote(receipt.statistical_code)} is not {usual}, the "
            "StatisticalCode of this receipt; EDIFACT cannot carry another value.",
            f"{base}/Letter/StatisticalCode",
        )
    _parties(c, receipt, base)
    original = f"{base}/{_ORIGINAL}"
    _refusal(c, receipt, receipt.refusal, original)
    count = len(receipt.letters)
    if count > MAX_LETTERS:
        c.add(
            "receipt.too-many-letters",
            Severity.ERROR,
            f"The receipt answers {count} letters; a receipt names at most {MAX_LETTERS} "
            "(OriginalLetter, UCM).",
            f"{original}/{_LETTER}[{MAX_LETTERS + 1}]",
        )
    for i, letter in enumerate(receipt.letters):
        path = f"{original}/{indexed(_LETTER, i, count)}"
        _original_letter(c, receipt, letter, path)


def _envelope_and_mix(c: Checker, receipt: Receipt, base: str) -> None:
    if c.message.envelope.acknowledgement is AcknowledgementCode.POSITIVE_WANTED:
        c.add(
            "receipt.ack-requested",
            Severity.ERROR,
            "The envelope asks for a positive receipt (pluspositivkvitt, UNB element 9 = 1); "
            "a receipt never asks for a receipt and is never answered by one.",
            "/Emessage/Envelope/AcknowledgementCode",
        )
    letters = c.message.letters
    first_receipt = next(letter for letter in letters if isinstance(letter, Receipt))
    if first_receipt is receipt and any(not isinstance(item, Receipt) for item in letters):
        c.add(
            "receipt.mixed",
            Severity.ERROR,
            "The message holds a receipt and other letters; a receipt travels alone (MedCom "
            "decides whether an interchange is a receipt from its first letter only).",
            base,
        )


def _parties(c: Checker, receipt: Receipt, base: str) -> None:
    parties = [
        (receipt.receiver, f"{base}/Receiver/EANIdentifier"),
        (receipt.original_sender, f"{base}/{_ORIGINAL}/OriginalSender/EANIdentifier"),
        (receipt.original_receiver, f"{base}/{_ORIGINAL}/OriginalReceiver/EANIdentifier"),
    ]
    if receipt.variant is not ReceiptVariant.NEGATIVE_VANS:  # a VANS id is no GLN
        parties.insert(0, (receipt.sender, f"{base}/Sender/EANIdentifier"))
    for value, path in parties:
        c.extend(check_gln(value, Location(path=path)))
    c.text(receipt.original_envelope, base, f"{_ORIGINAL}/OriginalEnvelopeIdentifier")


def _original_letter(c: Checker, receipt: Receipt, letter: OriginalLetter, path: str) -> None:
    c.text(letter.identifier, path, "OriginalLetterIdentifier")
    c.text(letter.version_code, path, "OriginalVersionCode")
    _refusal(c, receipt, letter.refusal, path)


def _refusal(c: Checker, receipt: Receipt, refusal: Refusal | None, path: str) -> None:
    if refusal is None:
        return
    if receipt.variant is ReceiptVariant.POSITIVE:
        c.add(
            "receipt.positive-with-reason",
            Severity.ERROR,
            "A positive receipt (CTL03) gives no refuse code or text; only the negative "
            "receipts refuse.",
            f"{path}/RefuseCode" if refusal.code is not None else f"{path}/RefuseText",
        )
    code = refusal.code
    if code is not None and code not in _KNOWN_CODES:
        c.add(
            "receipt.unknown-refuse-code",
            Severity.ERROR,
            f"RefuseCode {quote(str(code))} is not one of MedCom's refuse codes "
            "(ikke_specificeret, ukendt_lokationsnummer, problem_med_modtagerID, "
            "problem_med_version, syntaksfejl; EDIFACT NC, LOK, MID, VER, SYN).",
            f"{path}/RefuseCode",
        )


RULES = OwnRules(Receipt, check_receipt)
