"""CONTRL CTL01–03 → :class:`~medbridge.model.receipt.Receipt` (``exchange-messages.md`` §A.3,
§A.9); writing is :func:`~medbridge.letters.receipt.edifact_write.build_letter`.

The body is flat: no ``Snn`` groups. Exactly one UCI, then UCMs; an FTX belongs to the UCI or
UCM directly before it. The receipt's sender and receiver are the UNB's (E2.1, E3.1); its
variant is the UNH version (C0130Q, C0230Q, C0330Q; UNH E3 is checked by the codec).

Errors (the receipt is not read): UNH E2.2–E2.4 other than ``D:93A:ZZ``, no UCI or a second one, a
segment other than UCI/UCM/FTX (``edifact.mapping.unknown-segment``), an FTX before the UCI, an
action code other than the receipt's (``receipt.action-code``), UNB elements 6–11 in a receipt
(``receipt.ack-requested``; an acknowledgement request ``1`` is left to the rules, which report it
with the same code). Warnings: a second FTX after a UCI or UCM (``receipt.second-ftx``; its lines
are appended, nothing is lost), a UCM message type that disagrees with the answered version code
(``receipt.message-type``; the types read are kept in ``wire`` when any differs from what the
version code gives, so writing copies them, §A.6.2 rule 1). Everything else that differs from
MedCom's way of writing (a qualifier other than ``:14``, UCM E2.2–E2.4 other than ``D:93A:UN``, UCI
E5–E7) is kept by the unit provenance with an ``edifact.mapping.deviation`` warning, as in every
letter. A refuse code outside §A.4 is kept as read (the rules report
``receipt.unknown-refuse-code``); an FTX in a CTL03 is read as it stands (the rules report
``receipt.positive-with-reason``).
"""

from __future__ import annotations

from medbridge.codecs.edifact.mapping import Reader
from medbridge.codecs.edifact.sources import Fields
from medbridge.edifact.ftx import FtxBlock, text_lines
from medbridge.edifact.groups import GroupedBody
from medbridge.edifact.segment import Segment
from medbridge.letters.receipt.edifact_write import (
    ORIGINAL,
    ORIGINAL_LETTER,
    REFUSE_CODE,
    S009,
    TEXT_FORMAT,
    VERSIONS,
    build_letter,
)
from medbridge.letters.receipt.versions import (
    ACTION_CODES,
    C0130Q,
    ORIGINAL_MESSAGE_TYPES,
    message_type_of,
)
from medbridge.letters.shared.edifact import LetterContext
from medbridge.model.receipt import OriginalLetter, Receipt, ReceiptVariant, Refusal

__all__ = ["build_letter", "read_letter"]

_BY_VERSION = {version.version: ReceiptVariant(variant) for variant, version in VERSIONS.items()}
_UNH_FIELDS: Fields = (
    ("", None, None),
    ("/Letter/Identifier", 1, 1),
    ("/Letter/VersionCode", 2, 5),
    ("/Letter/StatisticalCode", 3, 1),
)
_UCI_FIELDS: Fields = (
    ("", None, None),
    ("/OriginalEnvelopeIdentifier", 1, 1),
    ("/OriginalSender/EANIdentifier", 2, 1),
    ("/OriginalReceiver/EANIdentifier", 3, 1),
)
_UCM_FIELDS: Fields = (
    ("", None, None),
    ("/OriginalLetterIdentifier", 1, 1),
    ("/OriginalVersionCode", 2, 5),
)
_FTX_FIELDS: Fields = (("/RefuseCode", 1, 1), ("/RefuseText", 4, None))
_UNB_PARTIES: Fields = (("/Sender/EANIdentifier", 2, 1), ("/Receiver/EANIdentifier", 3, 1))


class _Level:
    """The UCI or one UCM being read, with the FTX that follow it."""

    __slots__ = ("ftx", "key", "segment")

    def __init__(self, key: str, segment: Segment) -> None:
        self.key = key
        self.segment = segment
        self.ftx: list[Segment] = []


def read_letter(grouped: GroupedBody, ctx: LetterContext, r: Reader) -> Receipt | None:
    """One CONTRL message body → a :class:`Receipt` (None after reporting errors)."""
    unh = ctx.unh
    variant = _BY_VERSION.get(unh.value(2, 5), ReceiptVariant(C0130Q.variant))
    r.claim("UNH", unh)
    r.sources.record("", unh, _UNH_FIELDS)
    r.sources.record("", ctx.unb, _UNB_PARTIES)
    if tuple(unh.element(2)[1:4]) != S009:
        r.error(
            "edifact.mapping.value",
            f"UNH element 2 of a receipt is {C0130Q.message_type}:{':'.join(S009)}:"
            f"{unh.value(2, 5)[:8]}; "
            f"this one says {':'.join(unh.element(2))[:40]!r}.",
            unh,
            2,
        )
    _ack_requested(r, ctx.unb)
    levels = _levels(r, grouped, unh)
    if levels is None:
        return None
    uci, *ucms = levels
    action = ACTION_CODES[variant]
    r.sources.record(ORIGINAL, uci.segment, _UCI_FIELDS)
    _action(r, uci.segment, 4, action)
    refusal = _refusal(r, uci, ORIGINAL)
    letters: list[OriginalLetter] = []
    for n, ucm in enumerate(ucms, start=1):
        path = ORIGINAL_LETTER if len(ucms) == 1 else f"{ORIGINAL_LETTER}[{n}]"
        letters.append(_original_letter(r, ucm, path, action))
    if r.failed:
        return None
    receipt = Receipt(
        variant=variant,
        identifier=unh.value(1),
        sender=ctx.sender_ean,
        receiver=ctx.recipient_ean,
        original_envelope=uci.segment.value(1),
        original_sender=uci.segment.value(2),
        original_receiver=uci.segment.value(3),
        refusal=refusal,
        letters=letters,
    )
    types = [ucm.segment.value(2, 1) for ucm in ucms]
    if any(t != message_type_of(o.version_code) for t, o in zip(types, letters, strict=True)):
        receipt.wire[ORIGINAL_MESSAGE_TYPES] = types  # what rule 2 would not give (§A.6.2)
    return receipt


def _ack_requested(r: Reader, unb: Segment) -> None:
    """UNB E6–E11 in a receipt: an error, unless E9 asks for a receipt (the rules say so)."""
    present = [n for n in range(6, 12) if any(unb.element(n))]
    if present and unb.value(9) != "1":
        r.error(
            "receipt.ack-requested",
            "A receipt's UNB ends after element 5; elements 6–11 (a receipt request among them) "
            "are never written in a receipt.",
            unb,
            present[0],
        )


def _levels(r: Reader, grouped: GroupedBody, unh: Segment) -> list[_Level] | None:
    """The UCI and the UCMs, each with its FTX; None when there is no UCI."""
    levels: list[_Level] = []
    body = [*grouped.top, *(s for g in grouped.groups for s in (g.trigger, *g.segments))]
    for segment in body:
        if segment.tag == "UCI" and not levels:
            levels.append(_Level("UCI", segment))
        elif segment.tag == "UCI":
            r.duplicate(segment, "UCI (interchange response)")
        elif segment.tag == "UCM" and levels:
            levels.append(_Level(f"UCM#{len(levels)}", segment))
        elif segment.tag == "FTX" and levels:
            levels[-1].ftx.append(segment)
        elif segment.tag in ("UCM", "FTX"):
            r.error(
                "receipt.segment-order",
                f"{segment.tag} before the UCI; a receipt's body starts with its one UCI.",
                segment,
            )
        else:
            r.unknown(segment, "a receipt (only UCI, UCM and FTX)")
    if not levels:
        r.missing("its UCI (interchange response)", unh)
        return None
    for level in levels:  # in document order: the unit order is part of the provenance
        r.claim(level.key, level.segment)
        for ftx in level.ftx:
            r.claim(level.key + "/FTX", ftx)
    return levels


def _action(r: Reader, segment: Segment, element: int, expected: str) -> None:
    found = segment.value(element)
    if found != expected:
        r.error(
            "receipt.action-code",
            f"{segment.tag} action code {found[:3]!r}; this receipt has {expected} on its UCI "
            "and every UCM (4 rejected: CTL01, CTL02; 7 acknowledged: CTL03).",
            segment,
            element,
        )


def _original_letter(r: Reader, ucm: _Level, path: str, action: str) -> OriginalLetter:
    segment = ucm.segment
    r.sources.record(path, segment, _UCM_FIELDS)
    _action(r, segment, 3, action)
    version_code = segment.value(2, 5)
    derived = message_type_of(version_code)
    found = segment.value(2, 1)
    if derived is not None and found != derived:
        r.warn(
            "receipt.message-type",
            f"UCM message type {found[:8]!r} does not fit the version {version_code[:8]!r} "
            f"({derived}); kept as read.",
            segment,
            2,
            1,
        )
    return OriginalLetter(segment.value(1), version_code, _refusal(r, ucm, path))


def _refusal(r: Reader, level: _Level, path: str) -> Refusal | None:
    """The FTX after a UCI or UCM: its code and text; a second FTX's lines are appended."""
    if not level.ftx:
        return None
    first, *more = level.ftx
    for extra in more:
        r.warn(
            "receipt.second-ftx",
            f"A second FTX after this {level.segment.tag}; a receipt holds one per level "
            "(MedCom's reader drops it). Its lines are added to the refuse text.",
            extra,
        )
    r.sources.record(path, first, _FTX_FIELDS)
    raw = first.value(1)
    code = REFUSE_CODE.decode(raw) or (raw or None)
    blocks = [
        (segment, FtxBlock(TEXT_FORMAT, text_lines(segment.element(4))))
        for segment in level.ftx
        if any(segment.element(4))
    ]
    text = r.text(blocks, path + "/RefuseText") if blocks else None
    return Refusal(code, text)
