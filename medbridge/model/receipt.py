"""The receipt (kvittering): MedCom CTL01–03 / XCTL01–03, the answer to a received interchange.

A receipt carries no patient and no clinical content. It names the interchange it answers
(``OriginalEmessage``: its envelope identifier, sender and receiver), optionally why the whole
interchange was refused, and per answered letter its identifier, version code and, in a negative
receipt, why that letter was refused (``exchange-messages.md`` §A.2, §A.5).

The three variants differ only in who sends them and whether reasons are allowed:

* ``NEGATIVE_VANS`` (CTL01 / ``NegativeVansReceipt``): the network could not deliver;
* ``NEGATIVE`` (CTL02 / ``NegativeReceipt``): the receiving system could not receive;
* ``POSITIVE`` (CTL03 / ``PositiveReceipt``): received, sent when the sender asked for it; it
  never holds a refusal.

The receipt's own interchange identifier, time sent and acknowledgement wish live in the
:class:`~medbridge.model.common.Envelope` of the :class:`~medbridge.model.message.Message` that
carries it, as for any letter; a receipt never asks for a receipt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, ClassVar

from medbridge.model.common import LocalElements
from medbridge.model.text import FormattedText

__all__ = ["OriginalLetter", "Receipt", "ReceiptVariant", "Refusal", "RefuseCode"]


class ReceiptVariant(enum.StrEnum):
    """Which of the three receipts (§A.1); the value is MedCom's Danish name in short."""

    NEGATIVE_VANS = "negativ_vans"
    NEGATIVE = "negativ"
    POSITIVE = "positiv"


class RefuseCode(enum.StrEnum):
    """``RefuseCode`` (§A.4); the EDIFACT FTX codes are a wire fact of the EDIFACT mapping."""

    UNSPECIFIED = "ikke_specificeret"
    UNKNOWN_LOCATION = "ukendt_lokationsnummer"
    RECEIVER_ID = "problem_med_modtagerID"
    VERSION = "problem_med_version"
    SYNTAX = "syntaksfejl"


@dataclass(slots=True)
class Refusal:
    """Why an interchange or a letter was refused: a code, a text, or both.

    ``code`` is a plain string only when a received receipt held a code outside §A.4 (kept so
    nothing is lost; validation reports it). ``text`` is MedCom's BreakableText: text runs,
    ``Break`` and ``Space`` only.
    """

    code: RefuseCode | str | None = None
    text: FormattedText | None = None


@dataclass(slots=True)
class OriginalLetter:
    """One answered letter (``OriginalLetter`` / UCM): its identifier (the original UNH E1) and
    version code as the original carried it (``D0133L`` or ``XD0133L``)."""

    identifier: str
    version_code: str
    refusal: Refusal | None = None


@dataclass(slots=True)
class Receipt:
    """A MedCom receipt: who sends it to whom, and what it answers.

    ``identifier`` is the receipt's own letter number (``Letter/Identifier``, UNH E1).
    ``sender``/``receiver`` are ``EANIdentifier`` values (UNB E2.1/E3.1); a VANS receipt's sender
    is the network's own id, not an EAN. ``original_*`` copy the answered interchange (§A.5);
    ``refusal`` is the interchange-level reason (after the UCI), ``letters`` the answered letters
    in order (at most 99).
    """

    kind: ClassVar[str] = "kvittering"

    variant: ReceiptVariant
    identifier: str
    sender: str
    receiver: str
    original_envelope: str
    original_sender: str
    original_receiver: str
    refusal: Refusal | None = None
    letters: list[OriginalLetter] = field(default_factory=list)
    statistical_code: str | None = None
    local_elements: LocalElements | None = None
    wire: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def rejected(self) -> bool:
        """Whether this receipt refuses anything (CTL01/CTL02)."""
        return self.variant is not ReceiptVariant.POSITIVE
