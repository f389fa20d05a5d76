"""The whole message: one envelope and one or more letters (an Emessage, or an EDIFACT
interchange).

``wire`` holds optional, non-clinical facts a codec recorded to write the same bytes again
(XML declaration, encoding, namespace prefixes, root attributes; EDIFACT UNA, layout, raw UNB
fields). It never takes part in equality and is never needed to write a valid message.
``transport`` holds the SBDH/VANS envelope layers the message arrived in, outermost first
(:mod:`medbridge.model.transport`); it takes no part in equality either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from medbridge.model.common import Envelope
from medbridge.model.epikrise import DischargeLetter, OutpatientDischargeLetter
from medbridge.model.henvisning import HospitalReferral
from medbridge.model.plejeforloebsplan import CarePlan
from medbridge.model.receipt import Receipt
from medbridge.model.transport import TransportLayer

__all__ = [
    "LETTER_CLASSES",
    "ClinicalLetter",
    "Letter",
    "Message",
    "letter_identifier",
    "letter_parties",
]

#: A letter about a patient; every one derives from :class:`~medbridge.model.common.BaseLetter`.
ClinicalLetter: TypeAlias = (
    DischargeLetter | OutpatientDischargeLetter | HospitalReferral | CarePlan
)
#: What an Emessage or interchange can carry: a clinical letter or a receipt.
Letter: TypeAlias = ClinicalLetter | Receipt
LETTER_CLASSES: tuple[type[ClinicalLetter], ...] = (
    DischargeLetter,
    OutpatientDischargeLetter,
    HospitalReferral,
    CarePlan,
)


@dataclass(slots=True)
class Message:
    """An envelope and its letters, in order."""

    envelope: Envelope
    letters: list[Letter] = field(default_factory=list)
    wire: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    transport: tuple[TransportLayer, ...] = field(default=(), compare=False, repr=False)

    @property
    def letter(self) -> Letter:
        """The first letter (most messages carry exactly one)."""
        return self.letters[0]


def letter_identifier(letter: Letter) -> str:
    """A letter's own number (``Letter/Identifier``, UNH E1); a receipt has no ``header``."""
    return letter.identifier if isinstance(letter, Receipt) else letter.header.identifier


def letter_parties(letter: Letter) -> tuple[str | None, str | None]:
    """A letter's Sender and Receiver EANs (UNB E2.1/E3.1); a receipt's parties are nothing
    else, plain GLNs."""
    if isinstance(letter, Receipt):
        return letter.sender, letter.receiver
    return letter.sender.ean, letter.receiver.ean
