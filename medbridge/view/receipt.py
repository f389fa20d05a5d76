"""The view of a receipt (kvittering): what was answered, and what was refused and why.

A receipt is about an interchange, not a patient: its :class:`~medbridge.view.model.LetterView`
has no patient line (``patient`` None) and no critical facts, so no renderer draws the patient
header or the critical box for it. The header names the variant in Danish, who sends it to
whom, the receipt's own number and the interchange it answers; then one section for a refusal
of the whole interchange and one per answered letter (received, or refused with the code's
label and the refuse text).
"""

from __future__ import annotations

from medbridge.model import Envelope, OriginalLetter, Receipt, ReceiptVariant, Refusal, RefuseCode
from medbridge.view.model import LetterView, Row, Section, danish_moment

__all__ = ["RECEIPT_TITLES", "REFUSE_LABELS", "receipt_view"]

#: §A.1: the receipts' Danish names.
RECEIPT_TITLES = {
    ReceiptVariant.NEGATIVE_VANS: "Negativ VANS-kvittering",
    ReceiptVariant.NEGATIVE: "Negativ kvittering",
    ReceiptVariant.POSITIVE: "Positiv kvittering",
}
#: §A.4: the refuse codes in words.
REFUSE_LABELS = {
    RefuseCode.UNSPECIFIED: "Ikke specificeret",
    RefuseCode.UNKNOWN_LOCATION: "Ukendt lokationsnummer",
    RefuseCode.RECEIVER_ID: "Problem med modtager-id",
    RefuseCode.VERSION: "Problem med version",
    RefuseCode.SYNTAX: "Syntaksfejl",
}


def receipt_view(receipt: Receipt, envelope: Envelope) -> LetterView:
    """The view of one receipt sent in ``envelope``."""
    rows = (
        Row("Fra", receipt.sender),
        Row("Til", receipt.receiver),
        Row("Kvitteringsnummer", f"{receipt.identifier} (forsendelse {envelope.identifier})"),
        Row("Besvarer forsendelse", receipt.original_envelope),
        Row("Forsendelsens afsender", receipt.original_sender),
        Row("Forsendelsens modtager", receipt.original_receiver),
        Row("Besvarede breve", str(len(receipt.letters)) if receipt.letters else "ingen nævnt"),
    )
    sections: list[Section] = []
    if receipt.refusal is not None:
        sections.append(_refusal("Hele forsendelsen er afvist", receipt.refusal, ()))
    sections += [_letter(receipt, letter) for letter in receipt.letters]
    return LetterView(
        kind=receipt.kind,
        title=RECEIPT_TITLES[receipt.variant],
        date=danish_moment(envelope.sent),
        patient=None,
        critical=(),
        critical_summary=(),
        follow_up=(),
        follow_up_label="",
        rows=rows,
        sections=tuple(sections),
    )


def _letter(receipt: Receipt, letter: OriginalLetter) -> Section:
    title = f"Brev {letter.identifier} ({letter.version_code})"
    if receipt.variant is ReceiptVariant.POSITIVE:
        return Section(title, rows=(Row("Status", "Modtaget"),))
    status = Row("Status", "Afvist")
    if letter.refusal is None:
        because = "med hele forsendelsen" if receipt.refusal is not None else "uden begrundelse"
        return Section(title, rows=(Row("Status", f"Afvist ({because})"),))
    return _refusal(title, letter.refusal, (status,))


def _refusal(title: str, refusal: Refusal, rows: tuple[Row, ...]) -> Section:
    code = refusal.code
    if code is None:
        label = "ingen kode"
    elif isinstance(code, RefuseCode):
        label = REFUSE_LABELS[code]
    else:
        label = f"ukendt kode {code[:12]!r}"
    return Section(title, text=refusal.text, rows=(*rows, Row("Afvisningskode", label)))
